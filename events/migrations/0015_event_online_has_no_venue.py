from django.db import migrations, models

# Online-only events saved before the rule (the demo data gave them a town) lose their venue:
# a town there put them on the map and in that town's searches, where nobody is expected.
CLEAR_VENUES = """
UPDATE events_event SET venue_name = '', address = '', postcode = '', city = ''
WHERE modalite = 'distanciel'
  AND (venue_name <> '' OR address <> '' OR postcode <> '' OR city <> '')
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0014_national_edits_search_vocabulary")]

    operations = [
        migrations.RunSQL(CLEAR_VENUES, migrations.RunSQL.noop),
        # The update queued the deferred triggers of the page cache's versions: run them now,
        # as PostgreSQL alters no table with trigger events pending.
        migrations.RunSQL("SET CONSTRAINTS ALL IMMEDIATE", migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=~models.Q(modalite="distanciel")
                | models.Q(venue_name="", address="", postcode="", city=""),
                name="event_online_has_no_venue",
                violation_error_message=(
                    "Un événement en ligne n'a pas de lieu : videz le lieu, l'adresse, le code "
                    "postal et la ville, ou choisissez « Sur place et en ligne »."
                ),
            ),
        ),
    ]
