import uuid
from unittest import mock

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from events.models import Event, Registration
from tests.factories import EventFactory, RegistrationFactory


def connect(dbname):
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or None,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


@pytest.fixture
def fresh_database_name():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    yield name
    with connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# transactional_db: pg_dump runs in another process and only sees committed rows;
# serialized_rollback puts the reference data (regions, departments) back for the next tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_restored_into_a_fresh_database_has_every_event_and_registration(
    tmp_path, fresh_database_name
):
    events = EventFactory.create_batch(3)
    for event in events:
        RegistrationFactory.create_batch(2, event=event)
    expected_events = set(Event.objects.values_list("id", "title"))
    expected_registrations = set(Registration.objects.values_list("id", "event_id", "email"))

    dump = tmp_path / "semaine.dump"
    call_command("backup", output=dump)
    assert dump.stat().st_size > 0
    call_command("restore", str(dump), into=fresh_database_name)

    with connect(fresh_database_name) as conn:
        restored_events = set(conn.execute("SELECT id, title FROM events_event").fetchall())
        restored_registrations = set(
            conn.execute("SELECT id, event_id, email FROM events_registration").fetchall()
        )
        # Search and page cache work at once: configuration, extensions and triggers came along.
        assert conn.execute(
            "SELECT to_tsvector('french_unaccent', 'Hôpitaux')::text"
        ).fetchone() == ("'hopital':1",)
        assert conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'events_event_search_vector_update'"
        ).fetchone() == (1,)
    assert restored_events == expected_events
    assert restored_registrations == expected_registrations


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "absent.dump"))


def test_restore_refuses_a_database_name_that_is_not_an_identifier(tmp_path):
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"x")
    with pytest.raises(CommandError, match="letters, digits"):
        call_command("restore", str(dump), into='x"; DROP DATABASE semaine; --')


def test_restoring_the_configured_database_empties_the_cache(tmp_path):
    # The data versions go back to the dump's numbers: pages cached since would be served again.
    from django.core.cache import cache

    from semaine.backup import database_restore

    cache.set("page:events=7:abc", "a page cached after the dump")
    with mock.patch("semaine.backup.subprocess.run"):
        database_restore(dump=tmp_path / "semaine.dump")
    assert cache.get("page:events=7:abc") is None


@pytest.mark.django_db
def test_make_backup_keeps_the_newest_dumps_only(tmp_path, settings):
    from django.db import connection

    settings.VAR_DIR = tmp_path
    settings.BACKUP_KEEP = 2
    backups = tmp_path / "backups"
    backups.mkdir()
    name = connection.settings_dict["NAME"]
    old = [backups / f"{name}-2020010{day}-030000.dump" for day in (1, 2, 3)]
    for path in old:
        path.write_bytes(b"old dump")
    elsewhere = backups / "other-20190101-000000.dump"
    elsewhere.write_bytes(b"another database's dump")

    call_command("backup")

    kept = sorted(p.name for p in backups.iterdir())
    assert len(kept) == 3 and elsewhere.name in kept
    assert old[2].name in kept and not old[0].exists() and not old[1].exists()
    [new] = [p for p in kept if p not in (old[2].name, elsewhere.name)]
    assert (backups / new).stat().st_size > 1000  # a real dump, the newest
