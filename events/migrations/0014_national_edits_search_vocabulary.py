from django.db import migrations

# National staff edit the search vocabulary (semaine.SearchTerm, issue 15); the staff groups
# are this app's (events/0003).
GRANTS = ["view_searchterm", "add_searchterm", "change_searchterm", "delete_searchterm"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("semaine")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name="National").first()
    if group:
        group.permissions.add(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="semaine", codename__in=GRANTS
            )
        )


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="National").first()
    if group:
        group.permissions.remove(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="semaine", codename__in=GRANTS
            )
        )


class Migration(migrations.Migration):
    dependencies = [("events", "0013_search_words"), ("semaine", "0008_search_vocabulary_data")]

    operations = [migrations.RunPython(grant, revoke)]
