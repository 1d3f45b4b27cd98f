"""Faults with a real PostgreSQL and a real gunicorn: the database stops and comes back, it fails
under a registration in flight, a worker is killed under load.

These tests start their own throwaway embedded PostgreSQL (never the shared one in var/) and a
gunicorn serving it, so they take some seconds (marked `slow`, still in the default run).
"""

import concurrent.futures
import itertools
import json
import os
import signal

import psycopg
import pytest

from tests.semaine.servers import (
    RedisServer,
    create_event,
    pg_ctl,
    register,
    register_form,
    start_database,
    throwaway_site,
    wait_for,
)

pytestmark = pytest.mark.slow

UNAVAILABLE = "Le service est momentanément indisponible, réessayez dans quelques minutes"

_emails = itertools.count()


def new_email():
    return f"panne-{os.getpid()}-{next(_emails)}@exemple.fr"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    # A cache shared by the two gunicorn workers, as in production: a page cached by one is
    # served stale by the other while the database is away.
    try:
        redis = RedisServer(tmp_path_factory.mktemp("redis"))
    except FileNotFoundError:
        if os.environ.get("CI"):
            raise
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    try:
        with throwaway_site("semf", CACHE_URL=redis.url) as site:
            yield site
    finally:
        redis.stop()


def test_the_database_away_is_an_outage_not_a_crash_and_its_return_needs_no_restart(site):
    assert site.get("/healthz") == (200, "ok")
    event_id = create_event(site, capacity=5)
    cached = ["/evenements/", "/offres/", "/api/v1/evenements/", f"/evenements/{event_id}-x/"]
    for path in cached:
        assert site.get(path)[0] in (200, 301), path
    cached[-1] = site.get_location(f"/evenements/{event_id}-x/")
    for path in cached:
        assert site.get(path)[0] == 200, path
    form = register_form(site, event_id)

    pg_ctl(site.pgdata, "-m", "fast", "stop")
    try:
        # Several calls, so that every worker (and its kept connection) sees the outage.
        assert [site.get("/healthz")[0] for _ in range(6)] == [503] * 6
        for path in cached:
            for _ in range(3):
                status, headers, body = site.get_full(path)
                assert status == 200, (path, status, body[:300])
                assert headers["X-Page-Cache"] == "stale"
                if not path.startswith("/api/"):
                    assert "Le service est momentanément perturbé" in body
        status, headers, body = site.get_full("/evenements/?q=jamais-en-cache")
        assert status == 503
        assert UNAVAILABLE in body and 'lang="fr"' in body and "Traceback" not in body
        assert int(headers["Retry-After"]) > 0
        status, headers, body = site.get_full("/api/v1/offres/?page_size=3")
        assert status == 503 and json.loads(body) == {"detail": UNAVAILABLE + "."}
        assert int(headers["Retry-After"]) > 0
        # A registration that cannot be stored: the form again, as typed, and why.
        email = new_email()
        status, _, body = form.post(email)
        assert status == 503
        assert UNAVAILABLE in body and f'value="{email}"' in body and 'value="Panne"' in body
    finally:
        db = start_database(site.var_dir)
    assert db["HOST"] == site.db["HOST"]

    # Same gunicorn, no restart: the broken kept connections are replaced.
    assert wait_for(lambda: site.get("/healthz")[0] == 200)
    assert [site.get("/healthz")[0] for _ in range(6)] == [200] * 6
    for path in cached:
        status, headers, _ = site.get_full(path)
        assert status == 200 and "X-Page-Cache" not in headers, path
    assert site.get("/evenements/?q=jamais-en-cache")[0] == 200
    # Nothing of the refused registration was stored; the same form goes through now.
    assert email not in site.registration_rows(event_id)
    assert form.post(email)[0] == 302
    # Stored, waiting for the person to confirm their address.
    assert site.registration_rows(event_id)[email] == "pending"


def test_a_registration_in_flight_when_the_database_fails_is_refused_not_half_stored(site):
    event_id = create_event(site, capacity=5)
    # Hold the event's row lock, so that the registrations wait inside their transaction.
    holder = psycopg.connect(
        host=site.db["HOST"], port=site.db["PORT"], user="postgres", dbname="semaine"
    )
    holder.execute("SELECT id FROM events_event WHERE id = %s FOR UPDATE", [event_id])
    emails = [new_email() for _ in range(3)]
    with concurrent.futures.ThreadPoolExecutor(len(emails)) as pool:
        futures = {pool.submit(register, site, event_id, email): email for email in emails}
        try:
            assert wait_for(
                lambda: (
                    site.sql(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    )[0][0]
                    >= 1
                )
            ), "no registration reached the lock"
            # The database crashes under the waiting transactions.
            pg_ctl(site.pgdata, "-m", "immediate", "stop")
        finally:
            holder.close()
        answers = {futures[f]: f.result() for f in concurrent.futures.as_completed(futures)}
    start_database(site.var_dir)
    assert wait_for(lambda: site.get("/healthz")[0] == 200)

    rows = site.registration_rows(event_id)
    refused = 0
    for email, (status, location, body) in answers.items():
        if status == 302:
            assert "/inscription/confirmation/" in location
            assert rows.get(email) == "pending"
        else:
            # Clearly refused: the site's French error page, and nothing stored.
            assert status in (500, 503), (status, body[:300])
            assert 'lang="fr"' in body and "Traceback" not in body
            assert email not in rows
            refused += 1
    assert refused >= 1
    assert site.counters_match_rows() == []

    # Once the database is back, the same person can register without any restart.
    status, location, _ = register(site, event_id, emails[0])
    assert status == 302, location
    assert site.registration_rows(event_id)[emails[0]] == "pending"
    assert site.counters_match_rows() == []


def test_a_worker_killed_under_load_loses_no_registration(site):
    event_id = create_event(site, capacity=10)
    emails = [new_email() for _ in range(60)]
    workers_before = {w.pid for w in site.workers()}
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = {pool.submit(register, site, event_id, email): email for email in emails}
        # Under load: kill one worker outright (no graceful shutdown) once some are served.
        assert wait_for(lambda: sum(f.done() for f in futures) >= 10)
        victim = sorted(workers_before)[0]
        os.kill(victim, signal.SIGKILL)
        answers = {futures[f]: f.result() for f in concurrent.futures.as_completed(futures)}

    rows = site.registration_rows(event_id)
    accepted = [email for email, (status, _, _) in answers.items() if status in range(200, 400)]
    assert len(accepted) >= 40
    # Every person told "check your mailbox" has a row; no seat is held beyond the capacity.
    for email in accepted:
        assert rows.get(email) == "pending", email
    assert site.seats_held(event_id) == 10
    assert site.counters_match_rows() == []
    # The master replaced the killed worker and the site goes on serving.
    assert wait_for(
        lambda: len(site.workers()) == 2 and victim not in {w.pid for w in site.workers()}
    )
    assert site.get("/healthz")[0] == 200
    # Answers other than a redirect are cut connections of the killed worker, never 5xx.
    assert all(status == 0 or status < 500 for status, _, _ in answers.values())
