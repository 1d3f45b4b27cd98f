from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from semaine.backup import database_backup


class Command(BaseCommand):
    help = "Dump the database (pg_dump, custom format) to var/backups/ or --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="file to write (default var/backups/…)")

    def handle(self, *args, output=None, **options):
        try:
            path = database_backup(output=output)
        except (OSError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:  # CalledProcessError: show pg_dump's own message
            raise CommandError(getattr(exc, "stderr", "") or str(exc)) from exc
        self.stdout.write(str(path))
