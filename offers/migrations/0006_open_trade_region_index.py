from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Concurrently: the offers table stays writable while the index builds (docs/operations.md).
    atomic = False

    dependencies = [("offers", "0005_data_version_table")]

    operations = [
        AddIndexConcurrently(
            model_name="offer",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["trade", "region"],
                include=("department", "published_at", "id"),
                name="offer_open_trade_region",
            ),
        ),
    ]
