"""Events read for an export: plain tuples from a server-side cursor, in chunks.

Every format reads the rows in database order and writes them out as it goes, so memory stays
flat whether 10 or 500,000 events are exported.
"""

import datetime
from collections import namedtuple
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import BigIntegerField, DateTimeField, F, Func, Value

from events.models import Event, Organiser
from events.serializers import (
    TYPE_LABELS,
    event_path,
)
from semaine.models import Department, Region

CHUNK_SIZE = 2000


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
    "latitude",
    "longitude",
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
    ONSITE_MODES = Event.ONSITE_MODES
    ONLINE_MODES = Event.ONLINE_MODES
    Status = Event.Status
    tzinfo = Event.tzinfo
    local_start = Event.local_start
    local_end = Event.local_end
    is_onsite = Event.is_onsite
    is_online = Event.is_online
    public_online_url = Event.public_online_url
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
        for batch in batched(rows, CHUNK_SIZE):
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


def batched(rows: Iterable, size: int = 500) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
