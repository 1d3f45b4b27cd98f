"""Send the day-before reminder to confirmed registrations; safe to run as often as wanted."""

from django.core.management.base import BaseCommand

from events.services.registration import registration_send_reminder, registrations_due_for_reminder


class Command(BaseCommand):
    help = (
        "E-mail a reminder to every confirmed registration of an event starting tomorrow "
        "(or sooner). Idempotent: each person gets one reminder, however often it runs."
    )

    def handle(self, *args, **options):
        sent = failed = 0
        for registration in registrations_due_for_reminder():
            try:
                if registration_send_reminder(registration=registration):
                    sent += 1
            except Exception:
                # Already logged without personal data; the next run retries this one.
                failed += 1
        self.stdout.write(f"{sent} reminder(s) sent, {failed} failed.")
        if failed:
            self.stderr.write(f"{failed} reminder(s) could not be sent; they will be retried.")
