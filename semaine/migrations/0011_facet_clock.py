from django.db import migrations

# The watermark of each facet summary whose rows leave with the clock (semaine.summary): the
# summary counts the rows whose clock column is at or after it.
FORWARD = "CREATE TABLE semaine_facet_clock (name text PRIMARY KEY, at timestamptz NOT NULL);"
BACKWARD = "DROP TABLE IF EXISTS semaine_facet_clock;"


class Migration(migrations.Migration):
    dependencies = [("semaine", "0010_commune_postcode_prefixes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
