"""Faults with a real PostgreSQL and a real gunicorn: the database stops and comes back, it fails
under a registration in flight, a worker is killed under load.

These tests start their own throwaway embedded PostgreSQL (never the shared one in var/) and a
gunicorn serving it, so they take some seconds (marked `slow`, still in the default run).
"""

import concurrent.futures
import itertools
import os
import signal

import psycopg
import pytest

from tests.semaine.servers import (
    create_event,
    pg_ctl,
    register,
    start_database,
    throwaway_site,
    wait_for,
)

pytestmark = pytest.mark.slow

_emails = itertools.count()


def new_email():
    return f"panne-{os.getpid()}-{next(_emails)}@exemple.fr"


@pytest.fixture(scope="module")
def site():
    with throwaway_site("semf") as site:
        yield site


def test_healthz_answers_503_while_the_database_is_down_and_200_once_it_is_back(site):
    assert site.get("/healthz") == (200, "ok")

    pg_ctl(site.pgdata, "-m", "fast", "stop")
    try:
        # Several calls, so that every worker (and its kept connection) sees the outage.
        answers = [site.get("/healthz")[0] for _ in range(6)]
        assert answers == [503] * 6
        status, body = site.get("/evenements/")
        # The pages fail cleanly: a French error page, no stack trace.
        assert status in (500, 503)
        assert 'lang="fr"' in body and "Traceback" not in body
    finally:
        db = start_database(site.var_dir)
    assert db["HOST"] == site.db["HOST"]

    # Same gunicorn, no restart: the broken kept connections are replaced.
    assert wait_for(lambda: site.get("/healthz")[0] == 200)
    assert [site.get("/healthz")[0] for _ in range(6)] == [200] * 6
    assert site.get("/evenements/")[0] == 200


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
            assert rows.get(email) in ("confirmed", "waitlisted")
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
    assert site.registration_rows(event_id)[emails[0]] == "confirmed"
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
    # Every person told "registered" has a row; nobody is confirmed beyond the capacity.
    for email in accepted:
        assert rows.get(email) in ("confirmed", "waitlisted"), email
    assert list(rows.values()).count("confirmed") == 10
    assert site.counters_match_rows() == []
    # The master replaced the killed worker and the site goes on serving.
    assert wait_for(
        lambda: len(site.workers()) == 2 and victim not in {w.pid for w in site.workers()}
    )
    assert site.get("/healthz")[0] == 200
    # Answers other than a redirect are cut connections of the killed worker, never 5xx.
    assert all(status == 0 or status < 500 for status, _, _ in answers.values())
