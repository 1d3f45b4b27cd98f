"""`import_offers`: a France Travail file read, checked and written (see the package's doc)."""

import logging
from typing import IO

import ijson

from offers.imports.francetravail.batches import close_missing, write_batch
from offers.imports.francetravail.records import (
    RecordError,
    Vocabulary,
    external_id_of,
    offer_fields,
)
from offers.imports.francetravail.report import ImportReport, Rejection
from offers.imports.francetravail.stream import iter_records
from offers.models import Offer

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


def import_offers(
    stream: IO[bytes], *, full: bool = False, source: str = Offer.Source.FRANCE_TRAVAIL
) -> ImportReport:
    """Create or update the offers of a France Travail file; see the package's docstring.

    A full refresh closes the missing offers only when the whole file was read: a truncated
    or malformed file must not close offers it simply did not reach.
    """
    report = ImportReport(source=source, full=full)
    vocabulary = Vocabulary()
    seen: set[str] = set()
    batch: list[tuple[str, dict]] = []
    try:
        for position, record in enumerate(iter_records(stream), start=1):
            report.read = position
            external_id = external_id_of(record)
            try:
                if not external_id:
                    raise RecordError("identifiant « id » absent")
                if external_id in seen:
                    raise RecordError("identifiant en double dans le fichier : offre ignorée")
                seen.add(external_id)
                values = offer_fields(record, vocabulary, source=source)
            except RecordError as error:
                report.rejected.append(Rejection(position, external_id, str(error)))
                continue
            batch.append((external_id, values))
            if len(batch) >= BATCH_SIZE:
                write_batch(batch, report, source=source)
                batch = []
    except ijson.JSONError as error:
        # yajl's messages span several lines with an ASCII-art pointer: keep the first.
        detail = str(error).strip().splitlines()[0].removeprefix("parse error: ").strip()
        where = f"après l'offre n° {report.read}" if report.read else "dès le début du fichier"
        report.errors.append(f"JSON invalide {where} ({detail}) : la suite du fichier est ignorée.")
    if batch:
        write_batch(batch, report, source=source)
    if not report.read and not report.errors:
        report.errors.append(
            "Aucune offre dans le fichier : ni liste d'offres, ni clé « resultats » non vide."
        )
    if full:
        if report.errors:
            report.errors.append("Import incomplet : aucune offre n'a été close.")
        elif not seen:
            report.errors.append("Aucune offre valable : aucune offre n'a été close.")
        else:
            report.closed = close_missing(seen, source=source)
    logger.info("import_offers %s: %s", source, report.summary())
    return report
