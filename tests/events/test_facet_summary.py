"""The events listing's facet summary (semaine.summary) stays exact through every write, and
the listing's counts read from it are those counted over the rows."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from events.facets import SUMMARY
from events.filters import EventFilter
from events.models import Event
from events.services.registration import registration_cancel
from semaine.models import Department, Trade
from tests.conftest import register_confirmed
from tests.factories import EventFactory
from tests.summary import assert_counts_as_scanned, assert_summary_exact, stored

pytestmark = pytest.mark.django_db

# Shapes the summary keeps: nothing, one filter, two, several values of one.
QUERIES = [
    "",
    "region=84",
    "region=11",
    "departement=69",
    "departement=75",
    "type=job_dating",
    "type=job_dating&type=forum",
    "modalite=distanciel",
    "metier=J1501",
    "metier=K1302",
    "region=84&type=job_dating",
    "departement=69&metier=J1501",
    "type=forum&modalite=presentiel",
    "metier=K1302&modalite=distanciel",
    "type=atelier&metier=J1501",
    "rayon=10",  # a radius without a place filters nothing
]


@pytest.fixture
def events():
    """Events of several regions, types, formats and trades; online, draft, past ones."""
    paris = Department.objects.get(code="75")
    return [
        EventFactory(trades=["J1501"]),
        EventFactory(type=Event.Type.FORUM, trades=["J1501", "K1302"]),
        EventFactory(type=Event.Type.ATELIER, department=paris, postcode="75011", city="Paris"),
        EventFactory(modalite=Event.Modalite.DISTANCIEL, department=None, trades=["K1302"]),
        EventFactory(
            modalite=Event.Modalite.HYBRIDE, audience=Event.Audience.JEUNES, trades=["J1501"]
        ),
        EventFactory(status=Event.Status.DRAFT, trades=["J1501"]),
        EventFactory(status=Event.Status.CANCELLED, type=Event.Type.FORUM),
        EventFactory(
            start=timezone.now() - datetime.timedelta(days=3),
            end=timezone.now() - datetime.timedelta(days=3, hours=-2),
            trades=["J1501"],
        ),
    ]


def check():
    assert_summary_exact(SUMMARY)
    assert_counts_as_scanned(EventFilter, QUERIES)


def test_counts_of_inserted_events(events):
    assert stored(SUMMARY)[(">", "", "")] == 6  # published and cancelled, to come
    check()


def test_counts_follow_updates(events):
    first, forum, paris, online, *_ = events
    first.type = Event.Type.ATELIER
    first.save()
    paris.department = Department.objects.get(code="69")
    paris.postcode, paris.city = "69003", "Lyon"
    paris.save()
    forum.status = Event.Status.DRAFT  # unpublished: out of the listing
    forum.save()
    Event.objects.filter(pk=online.pk).update(status=Event.Status.CANCELLED)  # still listed
    Event.objects.filter(type=Event.Type.JOB_DATING).update(audience=Event.Audience.RECONVERSION)
    check()


def test_one_statement_over_many_rows_counts_only_those_it_changed(events):
    """The UPDATE trigger counts every old row -1 and every new one +1: the unchanged rows of
    a statement must cancel out, the changed ones move."""
    first, *_ = events
    Event.objects.update(description="Texte revu")  # no facet column: nothing moves
    check()
    Event.objects.exclude(pk=first.pk).update(audience=Event.Audience.JEUNES)
    Event.objects.all().update(
        audience=Event.Audience.JEUNES, wheelchair_accessible=True
    )  # the first moves, the others only in a column no facet reads
    check()


def test_counts_follow_trades(events):
    first, forum, *_ = events
    first.trades.add(Trade.objects.current().get(code="K1302"))
    forum.trades.remove(Trade.objects.current().get(code="J1501"))
    forum.trades.set([])
    check()
    assert SUMMARY.counts({"metier": ["K1302"]})[0] == 2


def test_counts_of_deleted_events(events):
    events[1].delete()
    Event.objects.filter(modalite=Event.Modalite.DISTANCIEL).delete()
    check()


def test_registrations_and_cancellations_change_no_count(events):
    before = stored(SUMMARY)
    registrations = [
        register_confirmed(
            event=events[0], first_name="Camille", last_name=f"M{i}", email=f"c{i}@example.org"
        )
        for i in range(3)
    ]
    registration_cancel(registration=registrations[0])
    assert stored(SUMMARY) == before
    check()


def test_a_rolled_back_write_leaves_the_counts_as_they_were(events):
    before = stored(SUMMARY)
    with pytest.raises(RuntimeError), transaction.atomic():
        EventFactory(type=Event.Type.CONFERENCE, trades=["K1302"])
        events[0].delete()
        Event.objects.update(type=Event.Type.CONFERENCE)
        raise RuntimeError
    assert stored(SUMMARY) == before
    check()


def test_truncating_the_trades_counts_again():
    EventFactory(trades=["J1501", "K1302"])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no check left pending, as at a commit
        cursor.execute("TRUNCATE events_event_trades")
    check()
    assert SUMMARY.counts({"metier": ["J1501"]})[0] == 0


def _set_watermark(at):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE semaine_facet_clock SET at = %s WHERE name = %s", [at, SUMMARY.table]
        )


def test_an_event_that_ended_since_the_sweep_is_not_counted():
    now = timezone.now()
    _set_watermark(now - datetime.timedelta(hours=1))
    ended = EventFactory(
        start=now - datetime.timedelta(hours=2), end=now - datetime.timedelta(minutes=5)
    )
    EventFactory()
    assert stored(SUMMARY)[(">", "", "")] == 2  # counted until the sweep
    assert_counts_as_scanned(EventFilter, QUERIES)
    assert SUMMARY.counts({}, now=now)[0] == 1

    assert SUMMARY.sweep() > 0
    assert stored(SUMMARY)[(">", "", "")] == 1
    check()
    # A page read just before the sweep still counts the event that had not ended then.
    before = ended.end - datetime.timedelta(minutes=1)
    assert SUMMARY.counts({}, now=before)[0] == 2
    assert_counts_as_scanned(EventFilter, QUERIES, now=before)


def test_the_task_queue_sweeps_every_minute():
    from events.tasks import sweep_facet_counts

    now = timezone.now()
    _set_watermark(now - datetime.timedelta(hours=1))
    EventFactory(start=now - datetime.timedelta(hours=2), end=now - datetime.timedelta(minutes=5))
    assert sweep_facet_counts(timestamp=0) > 0
    assert (">", "", "") not in stored(SUMMARY)  # nothing counted any more
    assert sweep_facet_counts(timestamp=0) == 0  # nothing more has ended
    check()


def test_what_the_summary_does_not_keep_is_counted_over_the_rows(events):
    for query in (
        "q=infirmier",
        "lieu=Lyon&rayon=30",
        "du=2030-01-01",
        "passes=1",
        "places=1",
        "public=jeunes",
        "region=84&departement=69",
        "region=84&type=forum&modalite=presentiel",
    ):
        assert EventFilter(query_dict(query)).summary_selection() is None, query
    assert EventFilter(query_dict("")).summary_selection() == {}
    assert EventFilter(query_dict(""), queryset=Event.objects.all()).summary_selection() is None


def query_dict(query):
    from django.http import QueryDict

    return QueryDict(query)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_transaction_leaves_the_counts_as_they_were():
    EventFactory(trades=["J1501"])
    before = stored(SUMMARY)
    with pytest.raises(RuntimeError), transaction.atomic():
        EventFactory(type=Event.Type.FORUM, trades=["K1302"])
        Event.objects.update(status=Event.Status.DRAFT)
        raise RuntimeError
    assert stored(SUMMARY) == before
    EventFactory(type=Event.Type.FORUM, trades=["K1302"])  # committed
    check()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_and_the_sweep_keep_the_counts_exact():
    import threading

    from django.db import connections

    now = timezone.now()
    _set_watermark(now - datetime.timedelta(hours=1))
    events = [EventFactory(trades=["J1501"]) for _ in range(4)]
    ended = EventFactory(
        start=now - datetime.timedelta(hours=2), end=now - datetime.timedelta(minutes=1)
    )
    errors = []

    def writer(n):
        try:
            for i in range(5):
                with transaction.atomic():
                    EventFactory(type=Event.Type.FORUM, trades=["K1302"])
                    Event.objects.filter(pk=events[n].pk).update(type=Event.Type.ATELIER)
                    if i == 2:
                        events[n].trades.clear()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    def sweeper():
        try:
            for _ in range(5):
                SUMMARY.sweep()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    threads.append(threading.Thread(target=sweeper))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    check()
    assert ended.pk not in {e.pk for e in Event.objects.public().upcoming()}
