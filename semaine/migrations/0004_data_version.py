from django.db import migrations

# The versions that key the page and facet caches (semaine.pagecache). A row per kind of data,
# created and bumped by the apps' own migrations and triggers when a writing transaction commits.
#
# A table and not a sequence: sequences are not transactional (a reader could see the new version
# before the rows it stands for, and cache the old rows under it) and a streaming replica only
# sees a sequence move every 32 values (PostgreSQL logs them ahead), so pages read from a replica
# kept their old version.
#
# The triggers are deferred to commit: the row lock is then the last lock a transaction takes,
# held for the commit only, so concurrent writers (a rush of registrations) queue for microseconds
# and can never deadlock on it. Row triggers, so a transaction bumps once: the first call of the
# commit bumps, the others see the transaction-local flag and return.
FORWARD = """
CREATE TABLE semaine_data_version (name text PRIMARY KEY, value bigint NOT NULL DEFAULT 1);
CREATE FUNCTION semaine_bump_data_version() RETURNS trigger AS $$
DECLARE
    flag text := 'semaine.bumped_' || TG_ARGV[0];
    stamp text := txid_current()::text || '@' || statement_timestamp()::text;
BEGIN
    IF current_setting(flag, true) IS DISTINCT FROM stamp THEN
        UPDATE semaine_data_version SET value = value + 1 WHERE name = TG_ARGV[0];
        PERFORM set_config(flag, stamp, true);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""
BACKWARD = """
DROP FUNCTION IF EXISTS semaine_bump_data_version();
DROP TABLE IF EXISTS semaine_data_version;
"""


class Migration(migrations.Migration):
    dependencies = [("semaine", "0003_reference_data")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
