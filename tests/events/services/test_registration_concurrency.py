"""A rush on a popular event, with real parallel connections to the real PostgreSQL."""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core import mail
from django.db import connection

from events.models import Event, Registration
from events.services.registration import registration_create
from tests.conftest import confirm_registration, run_queued_emails
from tests.factories import EventFactory

# Committed transactions in threads; the reference data is restored after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PEOPLE = 50
SEATS = 10


def run_at_once(count, action):
    """Run action(n) for n in range(count) in threads released together; return errors."""
    barrier = threading.Barrier(count)
    errors = []

    def worker(n):
        try:
            connection.ensure_connection()  # connect first, so that the race is on the writes
            barrier.wait(timeout=60)
            action(n)
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.parametrize("round_", range(3))
def test_fifty_simultaneous_registrations_for_ten_seats_give_ten_confirmed_and_forty_waiting(
    round_,
):
    event = EventFactory(capacity_onsite=SEATS)
    results = []

    def register(n):
        results.append(
            registration_create(
                event=event, first_name="Personne", last_name=str(n), email=f"p{n}@example.org"
            ).registration
        )

    assert run_at_once(PEOPLE, register) == []
    registrations = Registration.objects.filter(event=event)
    # Pending: the first ten hold the seats until they confirm their address.
    assert registrations.filter(status=Registration.Status.PENDING, seat_held=True).count() == 10
    event.refresh_from_db()
    assert event.confirmed_onsite == SEATS
    assert event.seats_left == 0
    confirmed = []
    # Everyone clicks the link of their e-mail at once.
    assert run_at_once(PEOPLE, lambda n: confirmed.append(confirm_registration(results[n]))) == []
    assert registrations.confirmed().count() == SEATS
    assert registrations.waitlisted().count() == PEOPLE - SEATS
    event.refresh_from_db()
    assert event.confirmed_onsite == SEATS
    positions = sorted(r.waitlist_position() for r in confirmed if r.is_waitlisted)
    assert positions == list(range(1, PEOPLE - SEATS + 1))
    # Every person's two e-mails were queued (the link, then the outcome); the links, already
    # used, are not sent (the worker drops them): one outcome each, nothing lost.
    assert run_queued_emails() == 2 * PEOPLE
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@example.org" for n in range(50))


def test_the_same_person_submitting_twenty_times_at_once_is_registered_once():
    event = EventFactory(capacity_onsite=SEATS)
    results = []

    def register(n):
        email = "Double.Clic@example.org" if n % 2 else "double.clic@EXAMPLE.org"
        results.append(
            registration_create(event=event, first_name="Double", last_name="Clic", email=email)
        )

    assert run_at_once(20, register) == []
    assert Registration.objects.filter(event=event).count() == 1
    assert sum(r.created for r in results) == 1
    event.refresh_from_db()
    assert event.confirmed_onsite == 1


def test_fifty_simultaneous_form_posts_over_http_never_overbook(live_server, settings):
    settings.REGISTRATION_RATE_LIMIT = None
    settings.REGISTRATION_NETWORK_LIMIT = 0
    event = EventFactory(modalite=Event.Modalite.HYBRIDE, capacity_onsite=5, capacity_online=5)
    url = live_server.url + f"/evenements/{event.pk}/inscription/"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    statuses = []

    def post(n):
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "first_name": "Personne",
                "last_name": str(n),
                "email": f"web{n}@example.org",
                "mode": "presentiel" if n % 2 else "distanciel",
                "consent_contact": "on",
            }
        ).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310
        # One browser per person: its own cookies, starting with the CSRF cookie of the form.
        own_jar = http.cookiejar.CookieJar()
        for cookie in jar:
            own_jar.set_cookie(cookie)
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(own_jar))
        # The test server's listen queue is short: a refused connection was never served, so
        # trying again is what a browser would do (and a replay would be recognised anyway).
        for attempt in range(10):
            try:
                with browser.open(request) as response:
                    statuses.append(response.status)
                    return
            except urllib.error.HTTPError:
                raise  # an answer from the site (400, 429, 500): a real failure
            except (ConnectionError, urllib.error.URLError):
                if attempt == 9:
                    raise
                time.sleep(0.05 * (attempt + 1))

    assert run_at_once(PEOPLE, post) == []
    assert statuses == [200] * PEOPLE  # redirected to the confirmation page
    registrations = Registration.objects.filter(event=event)
    assert registrations.count() == PEOPLE
    for registration in registrations:
        confirm_registration(registration)
    for mode in ("presentiel", "distanciel"):
        assert registrations.confirmed().filter(mode=mode).count() == 5
        assert registrations.waitlisted().filter(mode=mode).count() == 20
    event.refresh_from_db()
    assert (event.confirmed_onsite, event.confirmed_online) == (5, 5)


def test_staff_actions_racing_registrations_keep_the_counters_equal_to_the_seats_taken():
    from events.services.registrant_actions import Action, registration_action_run
    from events.services.registration import RegistrationError

    onsite, online = Registration.Mode.PRESENTIEL, Registration.Mode.DISTANCIEL
    event = EventFactory(modalite=Event.Modalite.HYBRIDE, capacity_onsite=4, capacity_online=4)

    def book(name, mode):
        return confirm_registration(
            registration_create(
                event=event, first_name=name, last_name="X", email=f"{name}@example.org", mode=mode
            ).registration
        )

    seated = [book(f"a{n}", onsite) for n in range(4)]
    waiting = [book(f"w{n}", onsite) for n in range(4)]
    [book(f"o{n}", online) for n in range(2)]
    cancelled = [book(f"c{n}", onsite) for n in range(2)]
    for registration in cancelled:
        registration_action_run(registration=registration, action=Action.CANCEL)
    steps = [
        (seated[0], Action.MOVE),
        (seated[1], Action.MOVE),
        (seated[2], Action.CANCEL),
        (waiting[3], Action.CANCEL),
        (waiting[2], Action.MOVE),
        (cancelled[0], Action.REINSTATE),
        (cancelled[1], Action.REINSTATE),
    ]

    def act(n):
        try:
            if n < len(steps):
                registration, action = steps[n]
                fresh = Registration.objects.select_related("event").get(pk=registration.pk)
                registration_action_run(registration=fresh, action=action)
            else:
                book(f"new{n}", online)
        except RegistrationError:
            pass  # refused by the rules once another step took the seat: that is the point

    assert run_at_once(len(steps) + 4, act) == []
    event.refresh_from_db()
    for mode, counter, capacity in (
        (onsite, event.confirmed_onsite, 4),
        (online, event.confirmed_online, 4),
    ):
        rows = Registration.objects.filter(event=event, mode=mode)
        assert counter == rows.confirmed().count() + rows.filter(seat_held=True).count()
        assert counter <= capacity
    # A seat left on site while people wait there would be a promotion missed.
    left_onsite = 4 - event.confirmed_onsite
    assert (
        left_onsite == 0
        or not Registration.objects.filter(event=event, mode=onsite).waitlisted().exists()
    )
