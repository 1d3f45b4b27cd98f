"""File formats of the events import: spreadsheets as people save them, France Travail JSON."""

import csv
import io
import zipfile

import tablib
from django.conf import settings
from import_export.formats import base_formats

from events.imports import francetravail
from events.imports.columns import (
    COLUMN_KEYS,
    EXTRA_KEYS,
    MAX_UNCOMPRESSED_BYTES,
    ImportFileError,
)

# -- file formats -------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Text of a CSV file saved as UTF-8 (with or without BOM) or by Excel in Windows-1252."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _dataset(headers: list, rows: list[list]) -> tablib.Dataset:
    width = len(headers)
    dataset = tablib.Dataset(headers=[str(h or "").strip() for h in headers])
    for row in rows:
        row = list(row)[:width]
        dataset.append(row + [""] * (width - len(row)))
    return dataset


class SpreadsheetCSV(base_formats.Format):
    """CSV as spreadsheets save it: any of UTF-8/BOM/Windows-1252, `;` or `,` separated."""

    def __init__(self, encoding=None):
        # The encoding is guessed from the bytes: the admin's setting is not used.
        self.encoding = encoding

    def get_title(self):
        return "CSV (séparateur ; ou ,)"

    def create_dataset(self, in_stream):
        text = decode_text(in_stream)
        if "\x00" in text:
            raise ImportFileError(
                "Ce fichier n'est pas un CSV lisible (fichier binaire ?) : "
                "choisissez le bon format."
            )
        lines = text.splitlines()
        header_line = next((line for line in lines if line.strip()), "")
        delimiter = max(";,\t", key=header_line.count)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        if not rows:
            raise ImportFileError("Le fichier est vide.")
        return _dataset(rows[0], rows[1:])

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return "csv"

    def get_content_type(self):
        return "text/csv"

    def can_import(self):
        return True


class ExcelCSV(base_formats.CSV):
    """Exports as French Excel opens them by a double click: `;` separated (UTF-8 with BOM)."""

    def get_title(self):
        return "CSV (Excel, séparateur ;)"

    def export_data(self, dataset, **kwargs):
        if getattr(settings, "IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT", False):
            self._escape_formulae(dataset)
        return dataset.export("csv", delimiter=";", **kwargs)


class SpreadsheetXLSX(base_formats.XLSX):
    """Excel workbooks: the first sheet; formulas are read as the values Excel computed."""

    def get_title(self):
        return "XLSX (Excel)"

    def create_dataset(self, in_stream):
        try:
            _check_expanded_size(in_stream)
            return super().create_dataset(in_stream)
        except (zipfile.BadZipFile, KeyError, OSError, StopIteration):
            raise ImportFileError(
                "Ce fichier n'est pas un classeur Excel .xlsx lisible : enregistrez-le au format "
                "« Classeur Excel (.xlsx) » ou choisissez le format CSV."
            ) from None


def _check_expanded_size(data: bytes) -> None:
    """Refuse a workbook whose parts would expand beyond MAX_UNCOMPRESSED_BYTES (a zip bomb),
    from the sizes its zip directory declares, before anything is decompressed; zipfile stops
    reading an entry that turns out larger than it declared."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        expanded = sum(entry.file_size for entry in archive.infolist())
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            f"Ce classeur décompressé dépasse {MAX_UNCOMPRESSED_BYTES // 2**20} Mo : "
            "il ne peut pas être importé. Enregistrez les lignes à importer dans un nouveau "
            "classeur, ou au format CSV."
        )

    def can_export(self):
        return False


class FranceTravailJSON(base_formats.Format):
    """Payloads of France Travail's "Mes évènements emploi" API."""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return "France Travail « Mes évènements emploi » (JSON)"

    def create_dataset(self, in_stream):
        try:
            rows = francetravail.payload_rows(in_stream)
        except francetravail.PayloadError as e:
            raise ImportFileError(str(e)) from None
        headers = COLUMN_KEYS + EXTRA_KEYS
        return _dataset(headers, [[row.get(key, "") for key in headers] for row in rows])

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return "json"

    def get_content_type(self):
        return "application/json"

    def can_import(self):
        return True


IMPORT_FORMATS = [SpreadsheetCSV, SpreadsheetXLSX, FranceTravailJSON]
