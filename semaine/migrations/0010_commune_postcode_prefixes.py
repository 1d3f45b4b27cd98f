from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

import semaine.models

# The 2-, 3- and 4-character beginnings of a commune's postcodes: what a visitor typing a
# postcode has typed so far. IMMUTABLE (it reads only its argument) so that it can be indexed.
CREATE_FUNCTION = """
CREATE FUNCTION semaine_postcode_prefixes(postcodes varchar[]) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT left(p, n)), '{}')
    FROM unnest(postcodes) AS p, generate_series(2, 4) AS n
    WHERE length(p) > n
$$
"""
CREATE_INDEX = """
CREATE INDEX commune_postcode_prefixes ON semaine_commune
USING gin (semaine_postcode_prefixes(postcodes))
"""


class Migration(migrations.Migration):
    """An index for partial postcodes (« 69 », « 690 ») in the communes' suggestions: they read
    every commune's postcodes before. The table is unmanaged (0006), so the database gets the
    function and the index here and Django's state only learns of the index."""

    dependencies = [("semaine", "0009_commune_search_words")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    CREATE_FUNCTION, "DROP FUNCTION semaine_postcode_prefixes(varchar[])"
                ),
                migrations.RunSQL(CREATE_INDEX, "DROP INDEX commune_postcode_prefixes"),
                migrations.RunSQL("ANALYZE semaine_commune", migrations.RunSQL.noop),
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name="commune",
                    index=GinIndex(
                        semaine.models.PostcodePrefixes("postcodes"),
                        name="commune_postcode_prefixes",
                    ),
                ),
            ],
        ),
    ]
