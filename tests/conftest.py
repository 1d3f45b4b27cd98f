from pathlib import Path

import pytest

SHARED_REFERENCE = Path(__file__).resolve().parent.parent.parent / "shared" / "reference"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture(autouse=True)
def _cache_versions_per_statement(request):
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or "db" in request.fixturenames
    if not uses_db or (marker and marker.kwargs.get("transaction")):
        return
    if "transactional_db" in request.fixturenames:
        return
    request.getfixturevalue("db")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_VERSIONS_PER_STATEMENT)
