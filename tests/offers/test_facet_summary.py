"""The offers listing's facet summary (semaine.summary) stays exact through every write, and
the listing's counts read from it are those counted over the rows."""

import pytest
from django.db import transaction

from offers.facets import SUMMARY
from offers.filters import OfferFilter
from offers.models import Offer
from semaine.bulk import copy_insert
from semaine.models import Department, Trade
from tests.factories import OfferFactory
from tests.summary import assert_counts_as_scanned, assert_summary_exact, stored

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "region=53",
    "region=84",
    "departement=35",
    "nature=formation",
    "metier=J1501",
    "metier=K1302",
    "contrat=CDD",
    "contrat=CDI&contrat=CDD",
    "region=53&nature=emploi",
    "departement=69&metier=K1302",
    "metier=J1501&contrat=CDI",
    "tri=date",  # a sort without a place filters nothing
]


@pytest.fixture
def offers():
    lyon = Department.objects.get(code="69")
    care = Trade.objects.current().get(code="K1302")
    return [
        OfferFactory(),
        OfferFactory(contract_type=Offer.Contract.CDD, work_study=True),
        OfferFactory(nature=Offer.Nature.FORMATION, trade=care),
        OfferFactory(department=lyon, city="Lyon", postcode="69003", trade=care),
        OfferFactory(department=None, city="", postcode=""),
        OfferFactory(status=Offer.Status.CLOSED),
    ]


def check():
    assert_summary_exact(SUMMARY)
    assert_counts_as_scanned(OfferFilter, QUERIES)


def test_counts_of_inserted_offers(offers):
    assert stored(SUMMARY)[(">", "", "")] == 5
    check()


def test_counts_follow_updates_and_deletions(offers):
    offers[0].status = Offer.Status.CLOSED
    offers[0].save()
    offers[5].status = Offer.Status.OPEN
    offers[5].save()
    Offer.objects.filter(trade__code="K1302").update(contract_type=Offer.Contract.MIS)
    offers[3].department = Department.objects.get(code="35")
    offers[3].save()
    offers[1].delete()
    check()


def test_a_rolled_back_write_leaves_the_counts_as_they_were(offers):
    before = stored(SUMMARY)
    with pytest.raises(RuntimeError), transaction.atomic():
        OfferFactory(nature=Offer.Nature.FORMATION)
        Offer.objects.update(status=Offer.Status.CLOSED)
        raise RuntimeError
    assert stored(SUMMARY) == before
    check()


def test_bulk_copied_offers_are_counted(offers):
    trade = Trade.objects.current().get(code="J1501")
    copy_insert(
        Offer,
        [
            OfferFactory.build(trade=trade, external_id=f"bulk{i}", nature=Offer.Nature.FORMATION)
            for i in range(50)
        ],
        exclude=("search_vector",),
    )
    assert stored(SUMMARY)[(">nature", "", "formation")] == 51
    check()
