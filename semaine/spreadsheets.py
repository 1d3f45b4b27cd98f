"""Cells of the spreadsheets the site writes (CSV exports of events and of registrants), and
small tables written whole (the dashboard's)."""

import csv
import io

# What a spreadsheet takes for the start of a formula (OWASP, "CSV injection"): = + - @, and a
# tab or a carriage return, which some strip before looking at the next character.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def neutralise(value) -> str:
    """A text cell a spreadsheet could take for a formula gets a leading apostrophe.

    `=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)` typed into an event's title or a registrant's
    name must stay text when an organiser or a partner opens the file. None is an empty cell.
    """
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_TRIGGERS else text


def table_csv(header: list[str], rows: list[list]) -> bytes:
    """A small table as CSV for Excel: UTF-8 with a BOM (Excel then reads the accents right),
    `;` (the French list separator), text cells neutralised. None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                neutralise(value) if isinstance(value, str) or value is None else value
                for value in row
            ]
        )
    return "\ufeff".encode() + buffer.getvalue().encode()


def table_xlsx(sheet_name: str, header: list[str], rows: list[list], widths: list[int]) -> bytes:
    """A small table as an XLSX workbook of one sheet: a bold, frozen header row; numbers stay
    numbers; text cells are stored as text, never as formulas."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]  # Excel's limit on a sheet's name
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # « =… » typed in a name stays text
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
