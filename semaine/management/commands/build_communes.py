from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from semaine.reference.communes import DATA_FILE, build_data_file


class Command(BaseCommand):
    help = (
        "Writes semaine/reference/communes.tsv.gz, the project's communes data file, from the "
        "verified reference CSV. A change to it ships with a migration that loads it again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            nargs="?",
            default=str(Path(settings.BASE_DIR).parent / "shared" / "reference" / "communes.csv"),
            help="the reference communes.csv (default: ../shared/reference/communes.csv)",
        )

    def handle(self, *args, source, **options):
        count = build_data_file(Path(source), DATA_FILE)
        self.stdout.write(f"{count} communes written to {DATA_FILE}")
