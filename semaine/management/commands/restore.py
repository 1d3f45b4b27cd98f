import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from semaine.backup import database_restore


class Command(BaseCommand):
    help = (
        "Restore a dump made by `backup` (pg_restore) into the configured database, "
        "or with --into NAME into a new database created for it."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path)
        parser.add_argument("--into", help="name of a new database to restore into")

    def handle(self, *args, dump, into=None, **options):
        if not dump.is_file():
            raise CommandError(f"{dump}: no such file")
        if into:
            # The name comes from the command line and goes into SQL as an identifier.
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", into):
                raise CommandError("--into: letters, digits and _ only")
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{into}"')
        try:
            target = database_restore(dump=dump, dbname=into)
        except Exception as exc:  # CalledProcessError: show pg_restore's own message
            raise CommandError(getattr(exc, "stderr", "") or str(exc)) from exc
        self.stdout.write(f"{dump} restored into {target}")
