import datetime
import json
import re

import pytest

from offers.models import Offer
from semaine.models import Trade
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


def jsonld(response):
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(match.group(1)) if match else None


def test_a_job_offer_page_shows_the_offer(client):
    offer = OfferFactory(
        title="Aide-soignant de nuit (H/F)",
        salary="Mensuel de 2 000 Euros",
        experience="Débutant accepté",
        positions=2,
        external_url="https://candidat.francetravail.fr/offres/recherche/detail/190QWXA",
    )

    response = client.get(offer.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Aide-soignant de nuit (H/F) – Rennes – Offre d'emploi</title>" in html
    assert "CHU de Rennes" in html
    assert "Mensuel de 2 000 Euros" in html
    assert "35000 Rennes, Ille-et-Vilaine" in html
    assert 'href="https://candidat.francetravail.fr/offres/recherche/detail/190QWXA"' in html


def test_a_wrong_slug_redirects_to_the_right_address(client):
    offer = OfferFactory(title="Infirmier de bloc")

    response = client.get(f"/offres/{offer.pk}-ancien-titre/")

    assert response.status_code == 301
    assert response["Location"] == f"/offres/{offer.pk}-infirmier-de-bloc/"


@pytest.mark.parametrize("path", ["/offres/999999-x/", "/offres/99999999999999999999999-x/"])
def test_an_unknown_offer_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_job_posting_json_ld_has_the_google_for_jobs_fields(client):
    offer = OfferFactory(
        title="Aide-soignant (H/F)",
        description="Poste en EHPAD.",
        published_at=datetime.datetime(2030, 3, 3, 9, 0, tzinfo=datetime.UTC),
        valid_through=datetime.date(2030, 4, 30),
        contract_type=Offer.Contract.CDD,
        working_time=Offer.WorkingTime.PARTIEL,
        external_id="190QWXA",
        source=Offer.Source.FRANCE_TRAVAIL,
    )

    data = jsonld(client.get(offer.get_absolute_url()))

    assert data["@type"] == "JobPosting"
    assert data["title"] == "Aide-soignant (H/F)"
    assert data["description"] == "Poste en EHPAD."
    assert data["datePosted"] == "2030-03-03"
    assert data["validThrough"] == "2030-04-30"
    assert data["employmentType"] == ["PART_TIME", "TEMPORARY"]
    assert data["hiringOrganization"] == {"@type": "Organization", "name": "CHU de Rennes"}
    assert data["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "FR",
        "addressLocality": "Rennes",
        "postalCode": "35000",
        "addressRegion": "Bretagne",
    }
    assert data["identifier"]["value"] == "190QWXA"
    assert data["url"].endswith(offer.get_absolute_url())


def test_a_training_offer_is_described_as_a_course(client):
    offer = OfferFactory(
        nature=Offer.Nature.FORMATION,
        title="Formation d'aide-soignant",
        employer="",
        contract_type="",
        working_time="",
        organisation="IFAS du CHU de Rennes",
        diploma=Offer.Diploma.DEAS,
        duration="10 mois",
        training_start=datetime.date(2030, 9, 1),
        funding="Financement par la Région.",
        work_study=True,
    )

    response = client.get(offer.get_absolute_url())

    data = jsonld(response)
    assert data["@type"] == "Course"
    assert data["name"] == "Formation d'aide-soignant"
    assert data["provider"] == {"@type": "Organization", "name": "IFAS du CHU de Rennes"}
    assert data["educationalCredentialAwarded"] == "Diplôme d'État d'aide-soignant (DEAS)"
    assert data["hasCourseInstance"]["startDate"] == "2030-09-01"
    html = response.content.decode()
    assert "1 septembre 2030" in html
    assert "Financement par la Région." in html


def test_a_closed_offer_says_so_and_carries_no_job_posting(client):
    offer = OfferFactory(status=Offer.Status.CLOSED)

    response = client.get(offer.get_absolute_url())

    assert response.status_code == 200
    assert "Cette offre n'est plus disponible" in response.content.decode()
    assert jsonld(response) is None


def test_html_in_a_description_is_shown_as_text_never_run(client):
    offer = OfferFactory(
        title="Aide-soignant <script>alert(1)</script>",
        description="<img src=x onerror=alert(1)></script><script>alert(2)</script>",
    )

    response = client.get(offer.get_absolute_url())

    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # In the JSON-LD block too: nothing can close the script element.
    data = jsonld(response)
    assert data["description"].startswith("<img src=x")
    assert html.count("</script>") == 1


def test_the_offer_page_links_to_offers_of_the_same_trade_nearby(client):
    offer = OfferFactory(trade=Trade.objects.current().get(code="J1501"))

    html = client.get(offer.get_absolute_url()).content.decode()

    assert 'href="/offres/?metier=J1501&amp;departement=35"' in html
