import datetime

import pytest
from django.utils import timezone

from offers.models import Offer
from semaine.models import Department, Trade
from tests.factories import OfferFactory, api_ids

pytestmark = pytest.mark.django_db

API = "/api/v1/offres/"


def listing_ids(client, query=""):
    """Every row of the offers page for these filters (all pages), in the page's order."""
    response = client.get(f"/offres/{query}")
    assert response.status_code == 200
    return list(response.context["filter"].qs.for_listing().values_list("pk", flat=True))


def test_the_api_lists_open_offers_most_recent_first(client):
    older = OfferFactory(published_at=timezone.now() - datetime.timedelta(days=3))
    newer = OfferFactory()
    OfferFactory(status=Offer.Status.CLOSED)
    assert api_ids(client, API) == [newer.pk, older.pk]


def test_a_job_offer_has_the_documented_fields(client):
    offer = OfferFactory(title="Aide-soignant de nuit (H/F)", salary="2 100 € brut")
    [item] = client.get(API).json()["results"]
    assert item["id"] == offer.pk
    assert item["url"] == "http://127.0.0.1:8000" + offer.get_absolute_url()
    assert item["nature"] == "emploi"
    assert item["title"] == "Aide-soignant de nuit (H/F)"
    assert item["metier"] == {"code": "J1501", "label": offer.trade.label}
    assert item["region"] == {"code": "53", "name": "Bretagne"}
    assert item["departement"] == {"code": "35", "name": "Ille-et-Vilaine"}
    assert item["contract_type"] == "CDI"
    assert item["working_time"] == "plein"
    assert item["salary"] == "2 100 € brut"
    assert item["status"] == "open"
    assert item["external_url"] is None


def test_a_training_offer_has_its_diploma_and_organisation(client):
    OfferFactory(
        nature=Offer.Nature.FORMATION,
        diploma=Offer.Diploma.DEAS,
        organisation="IFAS de Rennes",
        work_study=True,
        training_start=datetime.date(2031, 9, 1),
        employer="",
        contract_type="",
    )
    [item] = client.get(API, {"nature": "formation"}).json()["results"]
    assert item["diploma"] == "DEAS"
    assert item["organisation"] == "IFAS de Rennes"
    assert item["work_study"] is True
    assert item["training_start"] == "2031-09-01"


@pytest.mark.parametrize(
    "query",
    [
        "?nature=emploi",
        "?region=53",
        "?departement=69",
        "?contrat=CDD&contrat=CDI",
        "?alternance=1",
        "?metier=J1506",
        "?temps=partiel",
        "?q=infirmier",
    ],
)
def test_filters_select_the_same_rows_as_the_offers_page(client, query):
    rhone = Department.objects.get(code="69")
    for i in range(25):
        OfferFactory(
            title="Infirmier (H/F)" if i % 3 == 0 else "Aide-soignant (H/F)",
            trade=Trade.objects.current().get(code="J1506" if i % 3 == 0 else "J1501"),
            department=rhone if i % 2 else Department.objects.get(code="35"),
            contract_type=[Offer.Contract.CDI, Offer.Contract.CDD, Offer.Contract.MIS][i % 3],
            working_time=Offer.WorkingTime.PARTIEL if i % 4 == 0 else Offer.WorkingTime.PLEIN,
            work_study=i % 5 == 0,
            published_at=timezone.now() - datetime.timedelta(hours=i),
        )
    expected = listing_ids(client, query)
    assert expected
    assert api_ids(client, API + query + "&page_size=6") == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"nature": "stage"}, "nature"),
        ({"contrat": "XYZ"}, "contrat"),
        ({"region": "00"}, "region"),
    ],
)
def test_invalid_filter_values_are_a_400_with_a_json_error_body(client, query, field):
    response = client.get(API, query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_closed_offer_is_still_found_by_its_id(client):
    closed = OfferFactory(status=Offer.Status.CLOSED)
    response = client.get(f"{API}{closed.pk}/")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert client.get(f"{API}999999/").status_code == 404


def test_offers_pages_are_capped_and_conditional(client):
    OfferFactory.create_batch(3)
    response = client.get(API, {"page_size": 5000})
    assert response.status_code == 200
    assert (
        client.get(API, {"page_size": 5000}, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    )
    assert client.get(API, {"page": 99}).status_code == 400
