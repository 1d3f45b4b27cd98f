"""The listings' rows in memory (semaine.rowindex): every selection counts and pages exactly as
the listing's SQL does, follows every write, and lets ended events go without one."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.filters import EventFilter
from events.models import Event
from offers.filters import OfferFilter
from offers.models import Offer
from semaine import rowindex
from semaine.listing import ListingView
from semaine.models import Department, Trade
from tests.factories import EventFactory, OfferFactory
from tests.summary import nonzero

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = datetime.timedelta(days=1)

EVENT_QUERIES = [
    "",
    "region=84",
    "departement=69&type=forum",
    "type=job_dating&type=forum&modalite=presentiel",
    "metier=J1501",
    "metier=K1302&region=84&type=forum",
    "secteur=K",
    "public=jeunes",
    "public=tous&metier=J1501",
    "places=1",
    "passes=1",
    "passes=1&region=84",
    f"du={(NOW + 5 * DAY).date()}",
    f"au={(NOW + 12 * DAY).date()}&type=forum",
    f"du={(NOW - 10 * DAY).date()}&au={(NOW + 40 * DAY).date()}",
    "q=infirmière",
    "q=infirmiere&region=84",
    "q=IDE&type=forum&modalite=presentiel",
    "q=aide-soignant",
    "q=AS",
    "q=infirmeire",  # a typo, corrected
    "q=infirmeire&exact=1",
    "q=Lyon&passes=1",
    "q=zzzz",
    "lieu=Lyon&rayon=10&tri=date",
    "lieu=Lyon&rayon=30&en_ligne=0&tri=date",
    "lieu=Lyon&rayon=50&tri=date&metier=J1501",
    "lieu=Lyon&rayon=30",  # sorted by distance: counted in memory, paged in SQL
    "lieu=Lyon&q=infirmier&tri=date",
    "region=84&departement=69&type=forum&modalite=distanciel",
    "rayon=10",
    "region=99",  # invalid: ignored
]

OFFER_QUERIES = [
    "",
    "region=53",
    "nature=formation&region=84",
    "metier=K1302",
    "contrat=CDD&contrat=CDI&temps=partiel",
    "alternance=1",
    "alternance=1&metier=J1501&departement=35",
    "q=infirmière",
    "q=aide-soignant&nature=emploi",
    "q=apprentissage",
    "lieu=Rennes&rayon=30&tri=date",
    "lieu=Rennes&rayon=30",
]


@pytest.fixture
def events():
    lyon, paris = Department.objects.get(code="69"), Department.objects.get(code="75")
    grenoble = Department.objects.get(code="38")
    day = datetime.timedelta(days=1)
    made = []
    for n in range(3):
        made += [
            EventFactory(trades=["J1501"], start=NOW + (n + 1) * day),
            EventFactory(
                type=Event.Type.FORUM,
                trades=["J1501", "K1302"],
                title=f"Forum des infirmières {n}",
                start=NOW + (n + 8) * day,
            ),
            EventFactory(
                type=Event.Type.ATELIER,
                department=paris,
                postcode="75011",
                city="Paris",
                description="Devenir infirmier : les IFSI présentent la formation.",
                start=NOW + (n + 3) * day,
            ),
            EventFactory(
                modalite=Event.Modalite.DISTANCIEL,
                department=None,
                trades=["K1302"],
                start=NOW + (n + 2) * day,
            ),
            EventFactory(
                modalite=Event.Modalite.HYBRIDE,
                audience=Event.Audience.JEUNES,
                department=grenoble,
                postcode="38000",
                city="Grenoble",
                trades=["J1501"],
                start=NOW + (n + 20) * day,
            ),
            EventFactory(
                type=Event.Type.FORUM,
                department=lyon,
                capacity_onsite=0,
                title=f"Forum IDE {n}",
                start=NOW + (n + 8) * day,  # the same start as another: ordered by id
            ),
        ]
    made += [
        EventFactory(status=Event.Status.DRAFT, trades=["J1501"]),
        EventFactory(status=Event.Status.CANCELLED, type=Event.Type.FORUM),
        EventFactory(start=NOW - 3 * day, end=NOW - 3 * day + datetime.timedelta(hours=2)),
        EventFactory(start=NOW - 9 * day, end=NOW - 9 * day + datetime.timedelta(hours=2)),
        # In progress: listed until it ends.
        EventFactory(
            start=NOW - datetime.timedelta(hours=1), end=NOW + datetime.timedelta(hours=1)
        ),
    ]
    return made


@pytest.fixture
def offers():
    lyon = Department.objects.get(code="69")
    care = Trade.objects.current().get(code="K1302")
    nurse = Trade.objects.current().get(code="J1506")
    made = []
    for n in range(3):
        made += [
            OfferFactory(published_at=NOW - datetime.timedelta(days=n)),
            OfferFactory(contract_type=Offer.Contract.CDD, work_study=True, trade=care),
            OfferFactory(nature=Offer.Nature.FORMATION, trade=nurse, title="Formation IFSI"),
            OfferFactory(department=lyon, city="Lyon", postcode="69003", trade=care),
            OfferFactory(working_time=Offer.WorkingTime.PARTIEL, contract_type=Offer.Contract.CDD),
            OfferFactory(department=None, city="", postcode="", title="Infirmier en apprentissage"),
        ]
    made.append(OfferFactory(status=Offer.Status.CLOSED))
    return made


def listing(filterset_class, query: str, *, indexed: bool, **kwargs):
    """The counts and every row id, in order, of `query`: from the rows in memory or from SQL."""
    cache.clear()  # the counts and ids of searches and parts, shared through the cache
    rowindex.clear()
    if indexed:  # a part is found the second time it is asked for, by another selection
        filterset_class(QueryDict(query + "&page=2"), **kwargs).indexed  # noqa: B018
    filterset = filterset_class(QueryDict(query), **kwargs)
    if not indexed:
        filterset.row_index = lambda: None
    facets = filterset.count_facets()
    pages = ListingView.paginated(None, filterset)
    if indexed and not filterset.sorted_by_distance:
        assert isinstance(pages, rowindex.Pages), query
    ids = []
    for start in range(0, facets.total + 3, 4):  # pages of 4, and one past the end
        ids += list(pages[start : start + 4])
    return nonzero(facets), ids


@pytest.mark.parametrize("query", EVENT_QUERIES)
def test_event_selections_count_and_page_as_sql(events, query):
    sql = listing(EventFilter, query, indexed=False, now=NOW)
    assert sql[0][0] == len(sql[1])
    assert listing(EventFilter, query, indexed=True, now=NOW) == sql


@pytest.mark.parametrize("query", OFFER_QUERIES)
def test_offer_selections_count_and_page_as_sql(offers, query):
    sql = listing(OfferFilter, query, indexed=False)
    assert sql[0][0] == len(sql[1])
    assert listing(OfferFilter, query, indexed=True) == sql


def test_an_event_that_ends_leaves_the_counts_without_a_write(events):
    in_progress = events[-1]
    later = in_progress.end + datetime.timedelta(seconds=1)
    before = EventFilter(QueryDict(""), now=NOW)
    index = before.row_index()
    assert index is not None
    assert before.count_facets().total == 6 * 3 + 2  # the cancelled one too; no draft, no past
    after = EventFilter(QueryDict(""), now=later)
    assert after.row_index() is index  # the same index: nothing was written
    assert after.count_facets().total == before.count_facets().total - 1
    assert in_progress.pk not in after.indexed_pages()[0:100]
    assert listing(EventFilter, "type=job_dating", indexed=True, now=later) == listing(
        EventFilter, "type=job_dating", indexed=False, now=later
    )


def test_the_page_shows_a_change_at_once(client, events):
    assert "Forum de la relève" not in client.get("/evenements/?type=forum").text
    EventFactory(
        type=Event.Type.FORUM, title="Forum de la relève", start=NOW + datetime.timedelta(hours=2)
    )
    page = client.get("/evenements/?type=forum")
    assert "Forum de la relève" in page.text
    forum = Event.objects.get(title="Forum de la relève")
    forum.type = Event.Type.ATELIER
    forum.save()
    assert "Forum de la relève" not in client.get("/evenements/?type=forum").text
    assert "Forum de la relève" in client.get("/evenements/?type=atelier").text


def test_between_rebuilds_the_listing_counts_over_its_rows(settings, events):
    settings.ROW_INDEX_REBUILD_SECONDS = 3600
    assert EventFilter(QueryDict("type=forum"), now=NOW).indexed is not None
    EventFactory(type=Event.Type.FORUM)
    fresh = EventFilter(QueryDict("type=forum"), now=NOW)
    assert fresh.indexed is None  # built less than an hour ago, for other versions
    assert fresh.count_facets().counts["type"]["forum"] == 3 * 2 + 2  # a cancelled one, the new


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_built_in_a_thread_while_the_listing_counts_over_its_rows(settings):
    settings.ROW_INDEX_BACKGROUND = True
    EventFactory(type=Event.Type.FORUM)
    assert EventFilter(QueryDict("type=forum")).indexed is None  # the build has just begun
    slot = next(iter(rowindex._slots.values()))
    for _ in range(100):
        if not slot.building:
            break
        time.sleep(0.05)
    indexed = EventFilter(QueryDict("type=forum")).indexed
    assert indexed is not None
    assert indexed.counts()[0] == 1


def test_built_past_the_web_processes_statement_timeout(events):
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 1")  # 1 ms: any real read is cut
    try:
        assert EventFilter(QueryDict(""), now=NOW).indexed is not None
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


def test_a_failed_build_leaves_the_listing_counting_over_its_rows(events, monkeypatch, caplog):
    def fails(*args):
        raise DatabaseError("canceling statement due to statement timeout")

    monkeypatch.setattr(rowindex, "build", fails)
    filterset = EventFilter(QueryDict("type=forum"), now=NOW)
    assert filterset.indexed is None
    assert filterset.count_facets().counts["type"]["forum"] == 3 * 2 + 1
    assert "could not be read into memory" in caplog.text


def test_a_part_asked_for_the_first_time_is_counted_over_the_rows(events):
    near = "lieu=Lyon&rayon=20&tri=date"
    assert EventFilter(QueryDict(near), now=NOW).indexed is None
    # The same page again (several processes at once): not asked by another selection.
    assert EventFilter(QueryDict(near), now=NOW).indexed is None
    # A filter the summary keeps needs no query: in memory at once, with the clock.
    assert EventFilter(QueryDict("region=84&type=forum"), now=NOW).indexed is not None
    second = EventFilter(QueryDict(near + "&type=forum"), now=NOW)
    assert second.indexed is not None  # asked again: found over the listing, and kept
    rowindex._slots.clear()  # another process: the ids come from the shared cache
    with CaptureQueriesContext(connection) as queries:
        assert EventFilter(QueryDict(near), now=NOW).indexed is not None
    assert not any("latitude" in query["sql"] for query in queries.captured_queries)


def test_a_search_alone_is_in_memory_at_once(events):
    assert EventFilter(QueryDict("q=infirmière"), now=NOW).indexed is not None
    # Narrowed by a region, a search asked for the first time is counted over its rows.
    assert EventFilter(QueryDict("q=aide-soignant&region=84"), now=NOW).indexed is None


def test_off(settings, events):
    settings.ROW_INDEX = False
    assert EventFilter(QueryDict(""), now=NOW).indexed is None


def test_rows_given_by_a_caller_are_not_the_index(events):
    rows = Event.objects.public().filter(type=Event.Type.FORUM)
    assert EventFilter(QueryDict(""), queryset=rows, now=NOW).indexed is None


def test_the_nth_set_bits_across_chunks():
    size = 20_000
    positions = [0, 1, 7, 8, 4095, 4096, 4097, 9000, 19_999]
    bits = rowindex.bitset(positions, size)
    assert rowindex.set_positions(bits, 0, 100, size) == positions
    assert rowindex.set_positions(bits, 3, 6, size) == positions[3:6]
    assert rowindex.set_positions(bits, 8, 9, size) == [19_999]
    assert rowindex.set_positions(bits, 9, 12, size) == []
    assert rowindex.set_positions(0, 0, 5, size) == []
