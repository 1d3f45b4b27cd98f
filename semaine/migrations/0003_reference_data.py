from django.db import migrations


def load(apps, schema_editor):
    from semaine.reference.sync import sync_reference_data

    sync_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("semaine", "0002_search_configuration")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
