"""Anonymise registrations of events finished more than N months ago (retention rule), and the
contacts of the partners' proposals whose events are that old."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.services.attendance import attendance_purge
from events.services.proposals import proposals_purge
from events.services.registration import registrations_purge


class Command(BaseCommand):
    help = (
        "Erase names, e-mails and phones of registrations to events finished more than "
        "REGISTRATION_RETENTION_MONTHS months ago (default 6), and of the people who came "
        "without registering, and the contacts of partners' proposals of such events (proposals "
        "never confirmed are deleted after a week); counts, attendance and statistics remain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help=f"retention in months (default: {settings.REGISTRATION_RETENTION_MONTHS})",
        )

    def handle(self, *args, months=None, **options):
        if months is not None and months < 0:
            raise CommandError("--months must be zero or more.")
        count = registrations_purge(months=months)
        walk_ins = attendance_purge(months=months)
        self.stdout.write(f"{count} registration(s) anonymised.")
        proposals = proposals_purge(months=months)
        self.stdout.write(f"{walk_ins} walk-in(s) anonymised.")
        self.stdout.write(f"{proposals} proposal(s) deleted or anonymised.")
