import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from offers.imports.francetravail.importer import import_offers
from offers.models import Offer


class Command(BaseCommand):
    help = (
        'Import job offers from a France Travail "Offres d\'emploi v2" JSON file (a search '
        'response {"resultats": [...]} or a list of offers). Idempotent: offers are matched '
        "on (source, id). --full closes the source's open offers missing from the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file to import ('-' reads standard input)")
        parser.add_argument(
            "--full",
            action="store_true",
            help="the file lists all open offers of the source: close the others",
        )
        parser.add_argument(
            "--source",
            default=Offer.Source.FRANCE_TRAVAIL,
            choices=Offer.Source.values,
            help="source of the offers (default: france_travail)",
        )

    def handle(self, *args, file, full, source, **options):
        if file == "-":
            report = import_offers(sys.stdin.buffer, full=full, source=source)
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"Fichier introuvable : {file}")
            with path.open("rb") as stream:
                report = import_offers(stream, full=full, source=source)
        for line in report.lines():
            self.stdout.write(line)
        if report.errors:
            raise CommandError("Import incomplet : voir les erreurs ci-dessus.")
