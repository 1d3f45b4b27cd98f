from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

# French stemming that ignores accents: "infirmiere" finds "infirmières".
CREATE_CONFIG = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("semaine", "0001_initial")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(
            CREATE_CONFIG, "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent"
        ),
    ]
