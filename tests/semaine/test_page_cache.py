"""The cache versions follow commits: a page is never cached under a version its rows are not in."""

import datetime
import threading

import pytest
from django.db import connection, transaction

from events.models import Event
from semaine.models import Edition
from semaine.pagecache import data_versions
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_edit_being_saved_is_never_hidden_by_a_page_read_meanwhile(client):
    event = EventFactory(title="Forum santé")
    saved, commit = threading.Event(), threading.Event()

    def edit_in_the_admin():
        try:
            with transaction.atomic():
                Event.objects.filter(pk=event.pk).update(title="Forum santé et social")
                saved.set()
                commit.wait(10)
        finally:
            connection.close()

    editor = threading.Thread(target=edit_in_the_admin)
    editor.start()
    try:
        assert saved.wait(10)
        # The edit is written, not committed: visitors still see (and cache) the old page...
        before = data_versions()
        assert "Forum santé et social" not in client.get(event.get_absolute_url()).text
    finally:
        commit.set()
        editor.join()
    # ...and the commit moves the version, so nobody is served that page any more.
    assert data_versions() != before
    assert "Forum santé et social" in client.get(event.get_absolute_url()).text


def test_a_transaction_moves_the_versions_once_whatever_it_writes():
    EventFactory()  # and its edition: the transaction below writes events only
    before = data_versions()
    with transaction.atomic():
        events = EventFactory.create_batch(3)
        Event.objects.filter(pk__in=[e.pk for e in events]).update(confirmed_onsite=1)
    assert data_versions() == {
        **before,
        "events": before["events"] + 1,
        "seats": before["seats"] + 1,
    }


def test_saving_an_event_without_a_seat_change_keeps_the_seats_version():
    event = EventFactory()
    before = data_versions()
    event.title = "Atelier CV"
    event.save()
    assert data_versions()["seats"] == before["seats"]


def test_the_cached_current_edition_follows_any_change_at_once():
    EventFactory()  # the 2030 edition, current
    assert Edition.objects.current_cached().year == 2030
    # As seed_demo does: a queryset update and a new row, no model signal for the update.
    Edition.objects.filter(is_current=True).update(is_current=False)
    Edition.objects.create(
        year=2031,
        start_date=datetime.date(2031, 4, 7),
        end_date=datetime.date(2031, 4, 11),
        is_current=True,
    )
    assert Edition.objects.current_cached().year == 2031
    Edition.objects.filter(year=2031).update(is_current=False)
    Edition.objects.filter(year=2030).update(is_current=True)
    assert Edition.objects.current_cached().year == 2030


def test_a_cached_page_answers_with_the_etag_of_its_first_answer(client):
    url = EventFactory(title="Forum santé").get_absolute_url()
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")  # made, compressed by GZipMiddleware
    cached = client.get(url, HTTP_ACCEPT_ENCODING="gzip")  # from the cache, compressed once

    assert cached["Content-Encoding"] == "gzip"
    assert cached["ETag"] == first["ETag"] and cached["ETag"].startswith('W/"')
    # Uncompressed, the same page under the strong form of that ETag.
    assert client.get(url)["ETag"] == first["ETag"].removeprefix("W/")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
