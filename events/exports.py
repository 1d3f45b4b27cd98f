"""Exports of a filtered selection of events: CSV, XLSX, iCalendar feed and JSON.

Every format reads the rows in database order through a server-side cursor, in chunks, and
writes them out as it goes, so memory stays flat whether 10 or 500,000 events are exported.
The selection is EventFilter's, exactly as on the listing page.
"""

import csv
import datetime
import io
import json
import tempfile
import zoneinfo
from collections import namedtuple
from collections.abc import Iterable, Iterator

import icalendar
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import BigIntegerField, DateTimeField, F, Func, Value
from django.utils.http import urlencode
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from events import ical
from events.filters import EventFilter
from events.models import Event, Organiser
from events.serializers import (
    AUDIENCE_LABELS,
    MODALITE_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    event_path,
    event_representation,
    event_trades,
    event_url,
    trade_index,
    with_trades,
)
from semaine.models import Department, Region

CHUNK_SIZE = 2000
FORMATS = ("csv", "xlsx", "ics", "json")


def export_queryset(filterset: EventFilter):
    """The rows of the listing page for these filters (all pages), ready to be written out."""
    return with_trades(filterset.qs)


def export_query(filterset: EventFilter) -> str:
    """Query string of the filters the page actually applied (invalid values are left out).

    The page ignores an invalid value while exports refuse it: links built from the valid
    values give exactly the rows the person saw.
    """
    if not filterset.is_bound:
        return ""
    filterset.errors  # noqa: B018 - runs validation, fills cleaned_data
    cleaned = filterset.form.cleaned_data
    pairs: list[tuple[str, str]] = []
    for name in filterset.filters:
        if name in filterset.form.errors:
            continue
        value = cleaned.get(name)
        if value in (None, "", [], False):
            continue
        if value is True:
            pairs.append((name, "1"))
        elif isinstance(value, list | tuple):
            pairs.extend((name, str(v)) for v in value)
        elif isinstance(value, datetime.date):
            pairs.append((name, value.isoformat()))
        else:
            pairs.append((name, str(value)))
    return urlencode(pairs)


# The columns every export needs, read as plain tuples: instantiating a model per row would
# cost more than everything else an export does.
ROW_FIELDS = (
    "pk",
    "title",
    "slug",
    "description",
    "type",
    "modalite",
    "start",
    "end",
    "venue_name",
    "address",
    "postcode",
    "city",
    "department_id",
    "region_id",
    "online_url",
    "organiser_id",
    "audience",
    "wheelchair_accessible",
    "registration_required",
    "capacity_onsite",
    "capacity_online",
    "confirmed_onsite",
    "confirmed_online",
    "status",
    "updated_at",
    "trade_ids",
)


class EventRow(namedtuple("EventRowBase", (*ROW_FIELDS, "department", "region", "organiser"))):
    """A read-only event read for an export: a tuple that borrows Event's own rules.

    The properties below are Event's (time zone, local times, seats, URLs), so an exported
    row says exactly what the event's page and the API say, at a fraction of the cost.
    """

    __slots__ = ()

    Modalite = Event.Modalite
    Status = Event.Status
    tzinfo = Event.tzinfo
    local_start = Event.local_start
    local_end = Event.local_end
    is_onsite = Event.is_onsite
    is_online = Event.is_online
    is_cancelled = Event.is_cancelled
    seats_left_for = Event.seats_left_for
    seats_left_onsite = Event.seats_left_onsite
    seats_left_online = Event.seats_left_online
    seats_left = Event.seats_left
    total_capacity = Event.total_capacity
    get_absolute_url = event_path

    def get_type_display(self) -> str:
        return TYPE_LABELS.get(self.type, self.type)


def iter_events(queryset, *, with_updated_at: bool = True) -> Iterator[EventRow]:
    """Rows in database order, CHUNK_SIZE at a time, from a server-side cursor.

    Inside a transaction PostgreSQL streams the cursor; outside one, Django would declare it
    WITH HOLD and the server would materialise the whole result before the first row.
    Departments and regions (reference tables) come from dictionaries read once, organisers
    from one query per chunk: no join widens the rows, no query is made per row.
    """
    departments = Department.objects.in_bulk()
    regions = Region.objects.in_bulk()
    organisers: dict[int, Organiser] = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The whole selection is sorted before the first row: in memory rather than in
            # temporary files (server memory, for this transaction only).
            cursor.execute("SET LOCAL work_mem = '64MB'")
        fields = _SELECTED if with_updated_at else _WITHOUT_UPDATED_AT
        rows = queryset.values_list(*fields).iterator(chunk_size=CHUNK_SIZE)
        for batch in _batched(rows, CHUNK_SIZE):
            missing = {row[_ORGANISER] for row in batch} - organisers.keys()
            if missing:
                organisers.update(Organiser.objects.only("name", "kind").in_bulk(missing))
            for row in batch:
                start, end = row[_START_US], row[_END_US]
                yield EventRow(
                    *row[:_START_US],
                    _EPOCH + datetime.timedelta(microseconds=start),
                    _EPOCH + datetime.timedelta(microseconds=end),
                    *row[_END_US + 1 :],
                    departments.get(row[_DEPARTMENT]),
                    regions.get(row[_REGION]),
                    organisers[row[_ORGANISER]],
                )


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _microseconds(field: str) -> Func:
    # psycopg parses a timestamp in Python (a regular expression per value); the same instant
    # as an integer of microseconds comes over several times faster, and exactly.
    return Func(
        F(field),
        template="(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint",
        output_field=BigIntegerField(),
    )


_SELECTED = tuple(_microseconds(f) if f in ("start", "end") else f for f in ROW_FIELDS)
# Spreadsheets do not show it: one timestamp less to parse per row.
_WITHOUT_UPDATED_AT = tuple(
    Value(None, output_field=DateTimeField()) if f == "updated_at" else f for f in _SELECTED
)
# Side by side in ROW_FIELDS: iter_events puts the two datetimes back between them.
_START_US, _END_US = ROW_FIELDS.index("start"), ROW_FIELDS.index("end")

_DEPARTMENT = ROW_FIELDS.index("department_id")
_REGION = ROW_FIELDS.index("region_id")
_ORGANISER = ROW_FIELDS.index("organiser_id")


def _batched(rows: Iterable, size: int = 500) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- shared columns (CSV and XLSX) --------------------------------------------------------

_FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def neutralise(value: str) -> str:
    """A text cell a spreadsheet could take for a formula gets a leading apostrophe.

    OWASP's advice against CSV injection: `=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)` typed
    into an event's title must stay text when a partner opens the file.
    """
    return "'" + value if value[:1] in _FORMULA_TRIGGERS else value


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
        event.online_url,
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
    for batch in _batched(iter_events(queryset, with_updated_at=False)):
        buffer.seek(0)
        buffer.truncate()
        for event in batch:
            row = event_row(event, trades)
            row[_START] = row[_START].strftime("%d/%m/%Y %H:%M")
            row[_END] = row[_END].strftime("%d/%m/%Y %H:%M")
            for i in _FREE_TEXT_COLUMNS:
                value = row[i]
                if value[:1] in _FORMULA_TRIGGERS:
                    row[i] = "'" + value
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
    for batch in _batched(iter_events(queryset), 200):
        yield b"".join(ical.to_vevent(event).to_ical() for event in batch)
    yield end


# -- JSON --------------------------------------------------------------------------------


def json_stream(queryset) -> Iterator[bytes]:
    """A JSON array of the API's representation of each event, all rows."""
    encoder = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))
    trades = trade_index()
    yield b"["
    first = True
    for batch in _batched(iter_events(queryset)):
        parts = [encoder.encode(event_representation(event, trades)) for event in batch]
        chunk = ",\n".join(parts)
        yield (chunk if first else ",\n" + chunk).encode()
        first = False
    yield b"]\n"


def json_error(errors: dict) -> bytes:
    return json.dumps(errors, ensure_ascii=False).encode()
