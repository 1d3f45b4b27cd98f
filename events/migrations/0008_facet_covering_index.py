from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Concurrently: the events table stays writable while the index builds (docs/operations.md).
    atomic = False

    dependencies = [("events", "0007_data_version_table")]

    operations = [
        AddIndexConcurrently(
            model_name="event",
            index=models.Index(
                fields=["start", "id"],
                include=(
                    "end",
                    "status",
                    "region",
                    "department",
                    "type",
                    "modalite",
                    "audience",
                    "sectors",
                ),
                name="event_start_id_facets",
            ),
        ),
        RemoveIndexConcurrently(model_name="event", name="event_start_id"),
    ]
