from django.db import migrations

from offers.facets import SUMMARY


class Migration(migrations.Migration):
    """The offers listing's facet counts kept by triggers (semaine.summary, issue 23), filled
    from the offers already there. The SQL is generated from the summary's definition: a
    change to it comes with a migration that installs it again."""

    dependencies = [("offers", "0008_search_words"), ("semaine", "0011_facet_clock")]

    operations = [migrations.RunSQL(SUMMARY.install_sql(), SUMMARY.uninstall_sql())]
