import time

from django.core.management.base import BaseCommand

from events import demo as events_demo
from offers import demo as offers_demo


class Command(BaseCommand):
    help = (
        "Load the demo dataset (idempotent): events of the coming edition and of past editions, "
        "organisers and job and training offers. --size scales it up for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            type=int,
            default=1100,
            help="number of demo events (default 1100: 825 coming, 275 archived)",
        )
        parser.add_argument(
            "--offers",
            type=int,
            default=None,
            help="number of demo offers (default: about twice --size)",
        )

    def handle(self, *args, size, offers, **options):
        started = time.monotonic()
        today = events_demo.now_date()
        events_created = events_demo.seed_events(
            total=size,
            archive_share=0.25,
            today=today,
            stdout=self.stdout if options["verbosity"] > 1 else None,
        )
        offers_created = offers_demo.seed_offers(
            total=offers if offers is not None else 2 * size,
            stdout=self.stdout if options["verbosity"] > 1 else None,
        )
        registrations_created = events_demo.seed_registrations()
        proposals_created = events_demo.seed_proposals(events_demo.ensure_current_edition(today))
        self.stdout.write(
            f"seed_demo: {events_created} events, {offers_created} offers and "
            f"{registrations_created} registrations, {proposals_created} partners' proposals "
            f"created in {time.monotonic() - started:.1f} s"
        )
        try:
            accounts = events_demo.seed_accounts()
        except events_demo.DemoAccountsRefused as refused:
            self.stdout.write(f"seed_demo: {refused}")
        else:
            self.stdout.write(
                f"seed_demo: demo accounts {', '.join(accounts)} "
                f"(password {events_demo.DEMO_PASSWORD!r}, see README)"
            )
