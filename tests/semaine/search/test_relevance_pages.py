"""A search's pages: its most relevant rows first, then the others, each by date, across pages
(semaine.search.service.relevance_tiers, semaine.listing.Concatenated)."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_the_title_matches_come_first_then_the_others_by_date_across_pages(client):
    soon = timezone.now() + datetime.timedelta(days=2)
    described = [
        EventFactory(
            title=f"Rencontre n°{i:02d}",
            description="Les employeurs recrutent des ambulanciers.",
            start=soon + datetime.timedelta(hours=i),
        )
        for i in range(22)
    ]
    titled = [
        EventFactory(
            title=f"Job dating ambulancier {i}", start=soon + datetime.timedelta(days=5 + i)
        )
        for i in range(3)
    ]

    first = client.get("/evenements/?q=ambulancier")
    second = client.get("/evenements/?q=ambulancier&page=2")

    assert first.context["facets"].total == 25
    assert [e.title for e in first.context["events"]] == [
        *(e.title for e in titled),
        *(e.title for e in described[:17]),
    ]
    assert [e.title for e in second.context["events"]] == [e.title for e in described[17:]]
