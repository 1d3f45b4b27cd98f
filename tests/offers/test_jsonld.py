"""The schema.org JobPosting of the offer pages, read back and checked against Google's
required and recommended fields for job postings (developers.google.com/search/docs/appearance
/structured-data/job-posting): required title, description, datePosted, hiringOrganization,
jobLocation (with its address); recommended validThrough, employmentType, identifier,
baseSalary, directApply."""

import datetime
import json
import re

import pytest

from offers.jsonld import base_salary
from offers.models import Offer
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db

SITE = "https://semaine-soin.example"
EMPLOYMENT_TYPES = {
    "FULL_TIME",
    "PART_TIME",
    "CONTRACTOR",
    "TEMPORARY",
    "INTERN",
    "VOLUNTEER",
    "PER_DIEM",
    "OTHER",
}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def page_jsonld(client, offer) -> dict | None:
    response = client.get(offer.get_absolute_url())
    assert response.status_code == 200
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(blocks[0]) if blocks else None


def non_empty_text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def check_job_posting(data: dict) -> None:
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "JobPosting"
    assert non_empty_text(data["title"])
    assert non_empty_text(data["description"])
    datetime.date.fromisoformat(data["datePosted"])
    organisation = data["hiringOrganization"]
    assert organisation["@type"] == "Organization" and non_empty_text(organisation["name"])
    location = data["jobLocation"]
    assert location["@type"] == "Place"
    address = location["address"]
    assert address["@type"] == "PostalAddress" and address["addressCountry"] == "FR"
    assert non_empty_text(address.get("addressLocality")) or non_empty_text(
        address.get("addressRegion")
    )
    types = data["employmentType"]
    assert set(types if isinstance(types, list) else [types]) <= EMPLOYMENT_TYPES
    assert data["identifier"]["@type"] == "PropertyValue"
    assert non_empty_text(data["identifier"]["value"])
    assert data["directApply"] is False
    assert data["url"].startswith(SITE + "/offres/")
    if "validThrough" in data:
        assert datetime.date.fromisoformat(data["validThrough"]) >= datetime.date.fromisoformat(
            data["datePosted"]
        )
    if "baseSalary" in data:
        salary = data["baseSalary"]
        assert salary["@type"] == "MonetaryAmount" and salary["currency"] == "EUR"
        assert salary["value"]["unitText"] in {"HOUR", "MONTH", "YEAR"}


def test_a_job_offer_has_every_field_with_its_salary(client):
    offer = OfferFactory(
        published_at=datetime.datetime(2030, 3, 3, 9, tzinfo=datetime.UTC),
        valid_through=datetime.date(2030, 4, 30),
        salary="Mensuel de 1900.0 Euros à 2100.0 Euros sur 12.0 mois",
    )
    data = page_jsonld(client, offer)
    check_job_posting(data)
    assert data["validThrough"] == "2030-04-30"
    assert data["employmentType"] == "FULL_TIME"
    assert data["jobLocation"]["address"]["addressRegion"] == "Bretagne"
    assert data["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "unitText": "MONTH",
        "minValue": 1900.0,
        "maxValue": 2100.0,
    }


def test_an_offer_without_employer_nor_salary_still_has_the_required_fields(client):
    offer = OfferFactory(employer="", salary="Selon profil", description="", city="")
    data = page_jsonld(client, offer)
    check_job_posting(data)
    assert "baseSalary" not in data and "validThrough" not in data


def test_a_training_offer_and_a_closed_offer_carry_no_job_posting(client):
    assert page_jsonld(client, OfferFactory(nature=Offer.Nature.FORMATION))["@type"] == "Course"
    assert page_jsonld(client, OfferFactory(status=Offer.Status.CLOSED)) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Horaire de 12,50 Euros", {"unitText": "HOUR", "value": 12.5}),
        ("Annuel de 30 000 Euros", {"unitText": "YEAR", "value": 30000.0}),
        (
            "Mensuel de 1 900,00 Euros à 2 200,00 Euros sur 12 mois",
            {"unitText": "MONTH", "minValue": 1900.0, "maxValue": 2200.0},
        ),
    ],
)
def test_france_travails_salary_texts_are_read(text, value):
    assert base_salary(text)["value"] == {"@type": "QuantitativeValue", **value}


@pytest.mark.parametrize(
    "text",
    ["", "Selon profil", "Mensuel de 2100 Euros à 1900 Euros", "Mensuel de . Euros", "Horaire"],
)
def test_other_salary_texts_give_no_base_salary(text):
    assert base_salary(text) is None
