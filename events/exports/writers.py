"""Exports of a filtered selection of events: CSV, XLSX, iCalendar feed and JSON.

The selection is EventFilter's, exactly as on the listing page (events.exports.selection);
the rows come from events.exports.rows.
"""

import csv
import datetime
import io
import json
import tempfile
import zoneinfo
from collections.abc import Iterator

import icalendar
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from events import ical
from events.exports.rows import EventRow, batched, iter_events
from events.serializers import (
    AUDIENCE_LABELS,
    MODALITE_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    event_representation,
    event_trades,
    event_url,
    trade_index,
)
from semaine.spreadsheets import neutralise

# -- shared columns (CSV and XLSX) --------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


def _seats(value: int | None) -> int | str:
    return "illimité" if value is None else value


COLUMNS = [
    # (French header, column width in the spreadsheet)
    ("Identifiant", 11),
    ("Titre", 45),
    ("Type", 22),
    ("Format", 20),
    ("Début", 17),
    ("Fin", 17),
    ("Fuseau horaire", 18),
    ("Début (ISO 8601)", 26),
    ("Fin (ISO 8601)", 26),
    ("Lieu", 30),
    ("Adresse", 35),
    ("Code postal", 11),
    ("Ville", 22),
    ("Département", 22),
    ("Région", 26),
    ("Lien de connexion", 35),
    ("Organisateur", 30),
    ("Métiers", 40),
    ("Public", 22),
    ("Accessible en fauteuil roulant", 12),
    ("Inscription obligatoire", 12),
    ("Places", 10),
    ("Places restantes", 10),
    ("Places restantes sur place", 10),
    ("Places restantes en ligne", 10),
    ("Statut", 11),
    ("Page de l'événement", 45),
    ("Description", 60),
]
HEADERS = [header for header, _ in COLUMNS]
_START, _END = HEADERS.index("Début"), HEADERS.index("Fin")
_TEXT_COLUMNS = frozenset(
    i for i, h in enumerate(HEADERS) if h not in ("Identifiant", "Début", "Fin")
)
# Typed in by people (agencies, imports): the only cells that could start like a formula.
# The others are numbers, dates, labels of our own vocabulary and URLs of this site.
_FREE_TEXT_COLUMNS = tuple(
    HEADERS.index(h)
    for h in (
        "Titre",
        "Lieu",
        "Adresse",
        "Code postal",
        "Ville",
        "Lien de connexion",
        "Organisateur",
        "Description",
    )
)


def event_row(event: EventRow, trades: dict[int, dict]) -> list:
    """One line of the CSV and XLSX exports; the dates are the event's local wall-clock time."""
    tz = event.tzinfo  # what local_start and local_end use, looked up once
    start, end = event.start.astimezone(tz), event.end.astimezone(tz)
    department, region = event.department, event.region
    onsite, online = event.is_onsite, event.is_online
    return [
        event.pk,
        event.title,
        TYPE_LABELS.get(event.type, event.type),
        MODALITE_LABELS.get(event.modalite, event.modalite),
        start,
        end,
        start.tzinfo.key,
        start.isoformat(),
        end.isoformat(),
        event.venue_name,
        event.address,
        event.postcode,
        event.city,
        f"{department.code} – {department.name}" if department else "",
        region.name if region else "",
        event.public_online_url,
        event.organiser.name,
        ", ".join(f"{t['label']} ({t['code']})" for t in event_trades(event, trades)),
        AUDIENCE_LABELS.get(event.audience, event.audience),
        _yes_no(event.wheelchair_accessible),
        _yes_no(event.registration_required),
        _seats(event.total_capacity),
        _seats(event.seats_left),
        _seats(event.seats_left_onsite) if onsite else "",
        _seats(event.seats_left_online) if online else "",
        STATUS_LABELS.get(event.status, event.status),
        event_url(event),
        event.description,
    ]


# -- CSV ---------------------------------------------------------------------------------


def csv_stream(queryset) -> Iterator[bytes]:
    """UTF-8 with BOM (Excel then reads the accents right), `;` (the French list separator)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    trades = trade_index()
    for batch in batched(iter_events(queryset, with_updated_at=False)):
        buffer.seek(0)
        buffer.truncate()
        for event in batch:
            row = event_row(event, trades)
            row[_START] = row[_START].strftime("%d/%m/%Y %H:%M")
            row[_END] = row[_END].strftime("%d/%m/%Y %H:%M")
            for i in _FREE_TEXT_COLUMNS:
                row[i] = neutralise(row[i])
            writer.writerow(row)
        yield buffer.getvalue().encode()


# -- XLSX --------------------------------------------------------------------------------

XLSX_DATE_FORMAT = "dd/mm/yyyy hh:mm"


def xlsx_file(queryset) -> tempfile.SpooledTemporaryFile:
    """The workbook in a temporary file (a zip cannot be written as a stream), rewound.

    openpyxl's write-only mode writes each row to disk as it is appended, with inline strings,
    so neither the workbook nor the file is ever held whole in memory.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Événements")
    sheet.freeze_panes = "A2"
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    trades = trade_index()
    for event in iter_events(queryset, with_updated_at=False):
        row = event_row(event, trades)
        for i in _TEXT_COLUMNS:
            value = row[i]
            if isinstance(value, str) and value:
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if value.startswith("="):
                    # openpyxl would store it as a formula: force a text cell instead.
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell
                row[i] = value
        for i in (_START, _END):
            # Excel has no time zones: the local wall-clock time, typed as a date.
            cell = WriteOnlyCell(sheet, value=row[i].replace(tzinfo=None))
            cell.number_format = XLSX_DATE_FORMAT
            row[i] = cell
        sheet.append(row)
    output = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 - returned open
    workbook.save(output)
    output.seek(0)
    return output


# -- iCalendar ---------------------------------------------------------------------------


def _time_zones(queryset) -> list[str]:
    zones = set(queryset.order_by().values_list("department__time_zone", flat=True).distinct())
    # Events without a department (online only) are shown in the site's time zone.
    return sorted({zone or settings.TIME_ZONE for zone in zones} or {settings.TIME_ZONE})


def ics_stream(queryset, *, name: str) -> Iterator[bytes]:
    """A calendar feed: the header and the VTIMEZONEs of the zones used, then one VEVENT per row."""
    cal = icalendar.Calendar()
    cal.add("prodid", ical.PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    # Subscribed calendars poll the feed; twice a day is enough for a week of events.
    cal.add("refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT12H")
    for zone in _time_zones(queryset):
        zoneinfo.ZoneInfo(zone)  # fail loudly on a zone Python does not know
        cal.add_component(icalendar.Timezone.from_tzid(zone))
    end = b"END:VCALENDAR\r\n"
    head = cal.to_ical()
    yield head[: -len(end)]
    # No METHOD: each DTSTAMP is then the event's last change, and the feed is deterministic.
    for batch in batched(iter_events(queryset), 200):
        yield b"".join(ical.to_vevent(event).to_ical() for event in batch)
    yield end


# -- JSON --------------------------------------------------------------------------------


def json_stream(queryset) -> Iterator[bytes]:
    """A JSON array of the API's representation of each event, all rows."""
    encoder = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))
    trades = trade_index()
    yield b"["
    first = True
    for batch in batched(iter_events(queryset)):
        parts = [encoder.encode(event_representation(event, trades)) for event in batch]
        chunk = ",\n".join(parts)
        yield (chunk if first else ",\n" + chunk).encode()
        first = False
    yield b"]\n"


def json_error(errors: dict) -> bytes:
    return json.dumps(errors, ensure_ascii=False).encode()
