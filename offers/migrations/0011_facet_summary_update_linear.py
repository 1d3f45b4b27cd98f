from django.db import migrations

from offers.facets import SUMMARY


class Migration(migrations.Migration):
    """The facet summary's UPDATE trigger, linear in a statement's rows (semaine.summary)."""

    dependencies = [("offers", "0010_offer_created_at_index")]

    operations = [migrations.RunSQL(SUMMARY.updated_function_sql(), migrations.RunSQL.noop)]
