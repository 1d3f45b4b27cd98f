"""Queue the day-before reminders now due; the workers also do it every quarter of an hour."""

from django.core.management.base import BaseCommand

from events.services.registration import registrations_queue_reminders


class Command(BaseCommand):
    help = (
        "Queue the reminder e-mail of every confirmed registration to an event starting "
        "tomorrow (or sooner); the task queue's workers send it. Idempotent: each person gets "
        "one reminder, however often it runs. The workers run it every 15 minutes by themselves."
    )

    def handle(self, *args, **options):
        queued = registrations_queue_reminders()
        self.stdout.write(f"{queued} reminder(s) queued; the worker sends them.")
