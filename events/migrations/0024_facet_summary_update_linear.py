from django.db import migrations

from events.facets import SUMMARY


class Migration(migrations.Migration):
    """The facet summary's UPDATE trigger, linear in a statement's rows (semaine.summary)."""

    dependencies = [("events", "0023_event_published_at")]

    operations = [migrations.RunSQL(SUMMARY.updated_function_sql(), migrations.RunSQL.noop)]
