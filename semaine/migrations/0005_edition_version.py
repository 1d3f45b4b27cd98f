from django.db import migrations

# An "editions" version (semaine/0004), bumped when a transaction that writes editions commits:
# the current edition is cached under it (semaine.models.EditionQuerySet.current_cached), so a
# new current edition shows at once on every instance and every worker, however it was written
# (admin, seed_demo's queryset updates, a migration, a restore).
FORWARD = """
INSERT INTO semaine_data_version (name) VALUES ('editions') ON CONFLICT (name) DO NOTHING;
CREATE CONSTRAINT TRIGGER semaine_edition_version
    AFTER INSERT OR DELETE OR UPDATE ON semaine_edition
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION semaine_bump_data_version('editions');
CREATE TRIGGER semaine_edition_version_truncate
    AFTER TRUNCATE ON semaine_edition
    FOR EACH STATEMENT EXECUTE FUNCTION semaine_bump_data_version('editions');
"""
BACKWARD = """
DROP TRIGGER IF EXISTS semaine_edition_version ON semaine_edition;
DROP TRIGGER IF EXISTS semaine_edition_version_truncate ON semaine_edition;
DELETE FROM semaine_data_version WHERE name = 'editions';
"""


class Migration(migrations.Migration):
    dependencies = [("semaine", "0004_data_version")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
