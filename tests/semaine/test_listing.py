"""The listing view shared by the events, region and offers pages (semaine.listing)."""

import re

import pytest

from tests.factories import EventFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/evenements/", "/evenements/region/84/", "/offres/"])
def test_unknown_empty_or_reordered_parameters_share_one_cached_page(
    client, url, django_assert_max_num_queries
):
    EventFactory.create_batch(25, department_id="69")
    OfferFactory.create_batch(25)
    client.get(url, {"type": ["forum", "job_dating"], "modalite": "presentiel", "page": "2"})

    # Only the data versions are read: the same page, from the cache.
    with django_assert_max_num_queries(1):
        again = client.get(
            f"{url}?utm_source=lettre&type=forum&modalite=presentiel&q=&page=2"
            "&type=job_dating&x=%ff"
        )
    assert again.status_code == 200
    # Its links carry the filters, never what the listing does not know.
    queries = re.findall(r'href="[^"]*\?([^"]*)"', again.text)
    assert queries and not [q for q in queries if "utm_source" in q or "x=" in q]
