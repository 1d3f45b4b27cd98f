import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.contrib.postgres.indexes import OpClass
from django.db import migrations, models


def load(apps, schema_editor):
    from semaine.reference.communes import load_communes

    load_communes(schema_editor.connection)


class Migration(migrations.Migration):
    """The communes (semaine.models.Commune): created with their indexes while managed, then
    left unmanaged so that the test runner's flush neither empties nor reloads them."""

    dependencies = [("semaine", "0005_edition_version")]

    operations = [
        migrations.CreateModel(
            name="Commune",
            fields=[
                (
                    "insee",
                    models.CharField(
                        max_length=5, primary_key=True, serialize=False, verbose_name="code INSEE"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="nom")),
                ("search_name", models.CharField(max_length=100, verbose_name="nom normalisé")),
                (
                    "department",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="communes",
                        to="semaine.department",
                        verbose_name="département",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="arrondissements",
                        to="semaine.commune",
                        verbose_name="commune (d'un arrondissement)",
                    ),
                ),
                (
                    "postcodes",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=5),
                        size=None,
                        verbose_name="codes postaux",
                    ),
                ),
                ("population", models.PositiveIntegerField(verbose_name="population")),
                ("latitude", models.FloatField(verbose_name="latitude")),
                ("longitude", models.FloatField(verbose_name="longitude")),
            ],
            options={
                "verbose_name": "commune",
                "db_table": "semaine_commune",
                "ordering": ["-population", "name", "insee"],
                "indexes": [
                    models.Index(
                        OpClass("search_name", name="varchar_pattern_ops"),
                        name="commune_search_name",
                    ),
                    django.contrib.postgres.indexes.GinIndex(
                        OpClass("search_name", name="gin_trgm_ops"),
                        name="commune_search_name_trgm",
                    ),
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["postcodes"], name="commune_postcodes"
                    ),
                    models.Index(fields=["latitude", "longitude"], name="commune_lat_lon"),
                ],
            },
        ),
        migrations.AlterModelOptions(
            name="commune",
            options={
                "managed": False,
                "verbose_name": "commune",
                "ordering": ["-population", "name", "insee"],
            },
        ),
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
