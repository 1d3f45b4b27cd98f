"""The import's downloadable Excel template: the documented columns on a sheet named in French,
one example row dated in the current edition, and a dropdown (data validation) on each coded
column, whose values sit on a hidden sheet of lists (a list typed into the validation itself is
limited to 255 characters: the departments would not fit)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from events.imports.columns import COLUMN_KEYS, COLUMNS, MAX_ROWS, template_dataset
from events.models import Event
from semaine.models import Department

SHEET_NAME = "Événements à importer"
LISTS_SHEET_NAME = "Listes"
YES_NO = ["oui", "non"]


def coded_columns() -> dict[str, list[str]]:
    """The columns whose values come from a list, with the values the import accepts."""
    return {
        "type": [label for _, label in Event.Type.choices],
        "modalite": [label for _, label in Event.Modalite.choices],
        "departement": list(Department.objects.order_by("code").values_list("code", flat=True)),
        "public": [label for _, label in Event.Audience.choices],
        "inscription_obligatoire": YES_NO,
        "accessible_fauteuil": YES_NO,
        "statut": [label for _, label in Event.Status.choices],
    }


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    dataset = template_dataset()
    sheet.append(dataset.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in dataset:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    help_of = dict(COLUMNS)
    for index, key in enumerate(COLUMN_KEYS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(len(key) + 4, 40))
    # Postcodes and departments are text: « 06900 » and « 2A » must stay as typed.
    for key in ("code_postal", "departement"):
        letter = get_column_letter(COLUMN_KEYS.index(key) + 1)
        for (cell,) in sheet[f"{letter}2:{letter}{MAX_ROWS + 1}"]:
            cell.number_format = "@"

    lists = workbook.create_sheet(LISTS_SHEET_NAME)
    lists.sheet_state = "hidden"
    for list_index, (key, values) in enumerate(coded_columns().items(), start=1):
        list_letter = get_column_letter(list_index)
        lists.cell(row=1, column=list_index, value=key)
        for row_index, value in enumerate(values, start=2):
            lists.cell(row=row_index, column=list_index, value=value)
        last = len(values) + 1
        validation = DataValidation(
            type="list",
            formula1=f"='{LISTS_SHEET_NAME}'!${list_letter}$2:${list_letter}${last}",
            allow_blank=True,
            showDropDown=False,  # (sic) False shows the arrow in Excel
            showErrorMessage=True,
            errorTitle="Valeur non reconnue",
            error=f"Choisissez une valeur de la liste. {help_of[key]}".strip()[:255],
            showInputMessage=True,
            promptTitle=key[:32],
            prompt=(help_of[key] or "Choisissez dans la liste.")[:255],
        )
        column = get_column_letter(COLUMN_KEYS.index(key) + 1)
        validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
