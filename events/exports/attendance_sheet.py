"""The attendance sheet (« feuille d'émargement ») of events: PDF (WeasyPrint, A4) and XLSX.

One block per event: its title, date, place and organiser; its confirmed registrants in
alphabetical order, each with a signature box; its waitlist on a page of its own. Funders ask
agencies for the signed paper: the PDF is what gets printed, the XLSX what gets reworked.
"""

import dataclasses
import io

from django.contrib.postgres.lookups import Unaccent
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Border, Font, Side
from openpyxl.utils import get_column_letter

from events.models import Event, Registration
from semaine.spreadsheets import neutralise


@dataclasses.dataclass
class SheetEvent:
    event: Event
    confirmed: list[Registration]
    waitlisted: list[Registration]

    @property
    def when(self) -> str:
        start, end = self.event.local_start, self.event.local_end
        return f"{start:%d/%m/%Y}, {start:%H:%M}–{end:%H:%M}"

    @property
    def where(self) -> str:
        event = self.event
        if event.modalite == Event.Modalite.DISTANCIEL:
            return "En ligne"
        parts = [event.venue_name, event.address, f"{event.postcode} {event.city}".strip()]
        return ", ".join(part for part in parts if part)


def sheet_events(events, registrations) -> list[SheetEvent]:
    """The sheets of `events` (by start), with those of `registrations` (already scoped)."""
    alphabetical = (Unaccent("last_name").asc(), Unaccent("first_name").asc(), "id")
    sheets = []
    for event in events.select_related("organiser", "department").order_by("start", "id"):
        people = registrations.filter(event=event, anonymised_at__isnull=True)
        sheets.append(
            SheetEvent(
                event=event,
                confirmed=list(people.confirmed().order_by(*alphabetical)),
                waitlisted=list(people.waitlisted().order_by(*alphabetical)),
            )
        )
    return sheets


def attendance_sheet_pdf(sheets: list[SheetEvent]) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only this export needs.
    from weasyprint import HTML

    html = render_to_string("events/attendance_sheet/sheet.html", {"sheets": sheets})
    return HTML(string=html).write_pdf()


HEADER = ["n°", "nom", "prénom", "participation", "signature"]


def attendance_sheet_xlsx(sheets: list[SheetEvent]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold, thin = Font(bold=True), Side(style="thin")
    for sheet in sheets:
        event = sheet.event
        for suffix, people in (("émargement", sheet.confirmed), ("attente", sheet.waitlisted)):
            if suffix == "attente" and not people:
                continue
            worksheet = workbook.create_sheet(f"{event.pk} {suffix}")
            worksheet.append([neutralise(event.title)])
            worksheet["A1"].font = Font(bold=True, size=14)
            worksheet.append([sheet.when])
            worksheet.append([neutralise(sheet.where)])
            worksheet.append([neutralise(f"Organisateur : {event.organiser.name}")])
            if suffix == "attente":
                worksheet.append(["Liste d'attente"])
            worksheet.append([])
            worksheet.append(HEADER)
            for cell in worksheet[worksheet.max_row]:
                cell.font = bold
            for n, person in enumerate(people, start=1):
                worksheet.append(
                    [
                        n,
                        neutralise(person.last_name.upper()),
                        neutralise(person.first_name),
                        person.get_mode_display(),
                        "",
                    ]
                )
                signature = worksheet.cell(row=worksheet.max_row, column=len(HEADER))
                signature.border = Border(top=thin, bottom=thin, left=thin, right=thin)
                worksheet.row_dimensions[worksheet.max_row].height = 30
            for column, width in enumerate([5, 25, 20, 14, 30], start=1):
                worksheet.column_dimensions[get_column_letter(column)].width = width
            worksheet.print_title_rows = "1:1"
    if not workbook.worksheets:
        workbook.create_sheet("émargement")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
