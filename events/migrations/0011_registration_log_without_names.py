"""Admin history entries written before Registration.__str__ stopped naming the person: their
registrant names are replaced, so that nothing outlives the retention period."""

import json

from django.db import migrations


def forget_names(apps, schema_editor):
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    registration = ContentType.objects.filter(app_label="events", model="registration").first()
    event = ContentType.objects.filter(app_label="events", model="event").first()
    if registration:
        for entry in LogEntry.objects.filter(content_type=registration).iterator():
            entry.object_repr = f"Inscription n° {entry.object_id}"
            entry.save(update_fields=["object_repr"])
    if event:
        # An event's change message names the inline registrations it changed.
        entries = LogEntry.objects.filter(
            content_type=event, change_message__contains="inscription"
        )
        for entry in entries.iterator():
            try:
                messages = json.loads(entry.change_message)
            except ValueError:
                continue
            for message in messages if isinstance(messages, list) else []:
                for detail in message.values() if isinstance(message, dict) else []:
                    if isinstance(detail, dict) and detail.get("name") == "inscription":
                        detail["object"] = "inscription"
            entry.change_message = json.dumps(messages)
            entry.save(update_fields=["change_message"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_event_coordinates"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forget_names, migrations.RunPython.noop)]
