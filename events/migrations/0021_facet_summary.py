from django.db import migrations

from events.facets import SUMMARY


class Migration(migrations.Migration):
    """The events listing's facet counts kept by triggers (semaine.summary, issue 23), filled
    from the events already there. The SQL is generated from the summary's definition: a
    change to it comes with a migration that installs it again."""

    dependencies = [("events", "0020_event_messages"), ("semaine", "0011_facet_clock")]

    operations = [migrations.RunSQL(SUMMARY.install_sql(), SUMMARY.uninstall_sql())]
