import json
from pathlib import Path

import pytest

SHARED_REFERENCE = Path(__file__).resolve().parent.parent.parent / "shared" / "reference"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    for alias in ("default", "ratelimit"):
        caches[alias].clear()
    yield
    for alias in ("default", "ratelimit"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _rows_in_memory():
    """The listings' rows in memory (semaine.rowindex) built on every change of version, before
    the request returns: the listings' tests go through them. Forgotten between tests, whose
    rolled-back databases come back to versions an index was already built at."""
    from django.test import override_settings

    from semaine import rowindex

    rowindex.clear()
    with override_settings(ROW_INDEX_REBUILD_SECONDS=0, ROW_INDEX_BACKGROUND=False):
        yield
    rowindex.clear()


# -- the reference data, restored after tests that commit ---------------------------------------


class ReferenceSnapshot:
    """Serialized rollback restores the rows migrations load (regions, communes, trades, the
    search vocabulary: some 60,000 rows) through the ORM, one save() a row: half a minute before
    every test that commits. The same rows, copied once into a schema of their own, come back in
    one INSERT a table."""

    SCHEMA = "test_reference_snapshot"

    def __init__(self):
        self.tables = {}  # table -> its insertable (non-generated) columns, quoted

    def take(self, connection):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {self.SCHEMA}")
            for table in connection.introspection.django_table_names(only_existing=True):
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"SELECT EXISTS (SELECT FROM {quoted})")
                if not cursor.fetchone()[0]:
                    continue
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = %s"
                    " AND is_generated = 'NEVER' ORDER BY ordinal_position",
                    [table],
                )
                columns = ", ".join(connection.ops.quote_name(c) for (c,) in cursor.fetchall())
                cursor.execute(
                    f"CREATE TABLE {self.SCHEMA}.{quoted} AS SELECT {columns} FROM {quoted}"
                )
                self.tables[quoted] = columns

    def restore(self, connection):
        from django.db import transaction

        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            # Tests without serialized rollback get content types and permissions back from
            # post_migrate after their flush: those rows are replaced, not duplicated.
            cursor.execute(f"TRUNCATE {', '.join(self.tables)} CASCADE")
            # The rows come back as they were taken: no trigger is to derive rows from them
            # again (the search words are derived from the trades), nor check their keys again.
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table, columns in self.tables.items():
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {self.SCHEMA}.{table}"
                )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection
    from django.db.backends.postgresql.creation import DatabaseCreation

    snapshot = ReferenceSnapshot()
    with django_db_blocker.unblock():
        snapshot.take(connection)
    # On the class: the browser tests' thread opens connection objects of its own.
    original = DatabaseCreation.deserialize_db_from_string
    DatabaseCreation.deserialize_db_from_string = lambda self, data: snapshot.restore(
        self.connection
    )
    yield
    DatabaseCreation.deserialize_db_from_string = original


@pytest.fixture
def shared_reference():
    if not SHARED_REFERENCE.is_dir():
        pytest.skip("../shared/reference/ is not beside this checkout")
    return SHARED_REFERENCE


# The cache versions move when a writing transaction commits (semaine/0004), and a test's
# transaction never commits: its version triggers fire after each statement instead, as if each
# statement had been committed on its own.
_VERSIONS_PER_STATEMENT = """
DO $$
DECLARE names text;
BEGIN
    SELECT string_agg(quote_ident(tgname), ', ') INTO names FROM pg_trigger
        WHERE tgfoid = 'semaine_bump_data_version'::regproc AND tgdeferrable;
    EXECUTE 'SET CONSTRAINTS ' || names || ' IMMEDIATE';
END
$$
"""


def _commits(request) -> bool:
    """Whether the test's writes are committed (transactional tests, the live server's)."""
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _cache_versions_per_statement(request):
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or "db" in request.fixturenames
    if not uses_db or _commits(request):
        return
    request.getfixturevalue("db")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_VERSIONS_PER_STATEMENT)


# -- the task queue -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _empty_task_queue_after_committed_tests(request, django_db_blocker):
    """A test that commits (browser tests, parallel connections) leaves its queued jobs behind:
    Django's flush empties only the tables of its models, and procrastinate's are not. The next
    test would otherwise find, and send, jobs it never queued."""
    yield
    if not _commits(request):
        return
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs CASCADE")


def run_queued_emails(*, after_job: int = 0) -> int:
    """Send, as a worker would, the e-mails queued so far (to registrants, staff invitations,
    partners' proposals and alerts), reading their jobs through the test's own connection (so,
    inside its transaction: what was queued is what a commit would have queued). A job sent is
    deleted, as the worker deletes a successful job; a failure is raised and its job left in the
    queue.
    Returns the number of jobs run (those after job `after_job`)."""
    from django.db import connection

    from alerts import emails as alert_emails
    from events import emails, proposal_emails

    senders = {
        emails.deliver.name: emails.send_queued,
        emails.deliver_invitation.name: emails.send_invitation,
        alert_emails.deliver_alert_email.name: alert_emails.send_alert_email,
        alert_emails.deliver_digest.name: alert_emails.send_digest,
        proposal_emails.deliver_proposal.name: proposal_emails.send_proposal_queued,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, task_name, args, attempts FROM procrastinate_jobs"
            " WHERE task_name = ANY(%s) AND status = 'todo' AND id > %s ORDER BY id",
            [list(senders), after_job],
        )
        jobs = cursor.fetchall()
        for job_id, task_name, args, attempts in jobs:
            # Django's connection hands jsonb over as text (its JSONField parses it).
            args = json.loads(args) if isinstance(args, str) else args
            senders[task_name](job_id=job_id, attempts=attempts, **args)
            cursor.execute("DELETE FROM procrastinate_jobs WHERE id = %s", [job_id])
    return len(jobs)


def confirm_registration(registration):
    """Confirm a pending registration's address, as its e-mail's link would (double opt-in)."""
    from events.services.registration import registration_confirm

    return registration_confirm(token=registration.confirm_token()).registration


def register_confirmed(**kwargs):
    """`registration_create` then the click on the confirmation link: a confirmed (or
    waitlisted) registration."""
    from events.services.registration import registration_create

    return confirm_registration(registration_create(**kwargs).registration)


@pytest.fixture
def emails_sent(db):
    """`with emails_sent(): ...` sends the e-mails the block queued (only those), when it ends."""
    import contextlib

    from django.db import connection

    @contextlib.contextmanager
    def sending():
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
            last = cursor.fetchone()[0]
        yield
        run_queued_emails(after_job=last)

    return sending


# -- the admin's staff, as several test files log them in ----------------------------------------


@pytest.fixture
def fast_password_hasher(settings):
    """Staff users are made in many tests: a fast hasher (the real one is Django's to test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lyon(db):
    from tests.factories import OrganiserFactory

    return OrganiserFactory(name="France Travail Lyon")


@pytest.fixture
def marseille(db):
    from tests.factories import OrganiserFactory

    return OrganiserFactory(name="France Travail Marseille")


@pytest.fixture
def croix_rouge(db):
    """A partner organiser, in no agency's scope: coordinators pick it for their region's events."""
    from tests.factories import OrganiserFactory

    return OrganiserFactory(name="Croix-Rouge française", kind="partenaire")


@pytest.fixture
def agency_user(lyon, fast_password_hasher):
    """A counsellor of the Lyon agency: their scope is their organiser's events."""
    from tests.factories import staff_user

    return staff_user("agence-lyon", group="Agence", organiser=lyon)


@pytest.fixture
def agency_client(client, agency_user):
    client.force_login(agency_user)
    return client


@pytest.fixture
def coordinator(db, fast_password_hasher):
    """The regional coordinator of Auvergne-Rhône-Alpes (region 84): every event of the region."""
    from tests.factories import staff_user

    return staff_user("coord-ara", group="Coordination régionale", region_code="84")


@pytest.fixture
def national_user(db, fast_password_hasher):
    """National staff: every event, and the pages that set the site up."""
    from django.contrib.auth.signals import user_logged_in
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import staff_user

    user = staff_user("national", group="National")
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)

    # National staff must prove a second factor: the test client's force_login() proves it
    # (its request has no user, which django-otp's own receiver needs).
    def verified(sender, request, user, **kwargs):
        if user.pk == device.user_id:
            request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id

    user_logged_in.connect(verified, weak=False, dispatch_uid="tests.national_verified")
    yield user
    user_logged_in.disconnect(dispatch_uid="tests.national_verified")
