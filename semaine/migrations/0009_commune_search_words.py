from django.db import migrations

# Commune names among the words a misspelt query is corrected to (« Villeurbane »): a place
# typed in the keywords box is searched like the events' own cities.
FORWARD = "SELECT semaine_add_search_words(string_agg(name, ' ')) FROM semaine_commune;"


class Migration(migrations.Migration):
    dependencies = [
        ("semaine", "0006_commune"),
        ("semaine", "0008_search_vocabulary_data"),
    ]

    operations = [migrations.RunSQL(FORWARD, migrations.RunSQL.noop)]
