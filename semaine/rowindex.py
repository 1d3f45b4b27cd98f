"""A listing's rows held in memory as bitsets: any selection counted and paged without a scan.

The summary tables (semaine.summary) give the counts of the common shapes of selection; any
other (a search, dates, a place, three filters at once) used to be counted over its rows, 40 to
300 ms of SQL a cold page. Here each process keeps, for the data version it read, every row a
listing counts numbered in the listing's order (the model's ordering), and for every facet
value the set of its rows as a bitset (a Python int: bit i is the i-th row). A selection is cut
in parts whose rows intersect to its rows (a listing says how: ListingFilterSet.index_parts),
and each part's rows are found once per data version by the listing's own filter set, in SQL,
then kept as a bitset too. A page's counts are then a few hundred ANDs and popcounts of 10–25 kB
integers (about a millisecond), and its rows the n-th set bits of the selection.

What stays exact:
- the index is read (rows, tags and data versions) in one statement, so one snapshot: it is
  used only while the request reads the same versions (semaine.pagecache.data_versions), which
  triggers bump in every transaction that changes what the listing counts;
- a listing whose rows leave it with the clock (an event that has ended) has its clock column
  kept per row: the rows still listed at an instant are those whose clock is at or after it,
  as the listing's queryset says (`end >= now`) and the summary's clock assumes;
- every part is computed by the listing's filter set itself, so a filter means here what it
  means on the page, the exports and the API.

After a write, each process rebuilds its index when a request first needs it, in a thread of
its own (about a second at 100,000 rows), at most once every ROW_INDEX_REBUILD_SECONDS: until
the index of the request's versions is there, the listing counts from the summary or its rows,
pages in SQL, as before.
"""

import bisect
import datetime
import logging
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import DatabaseError, connections, transaction

logger = logging.getLogger(__name__)

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)
# A part of a selection asked for again within this many seconds is found and kept
# (ListingFilterSet._part); asked for once, its page counts over its rows.
SECOND_ASK_SECONDS = 600
# Parts kept per index (their bitsets, 10–25 kB each): the distinct filters of recent pages.
PART_CACHE_SIZE = 200
# Rows of a page of the selection found by walking it in chunks of this many bytes.
_CHUNK = 512


def bitset(positions: Iterable[int], size: int) -> int:
    """The bitset of `positions` among `size` rows."""
    buffer = bytearray((size + 7) // 8)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def set_positions(bits: int, start: int, stop: int, size: int) -> list[int]:
    """The positions of the set bits of rank start..stop-1 (in position order)."""
    found: list[int] = []
    if stop <= start:
        return found
    data = bits.to_bytes((size + 7) // 8, "little")
    skip = start
    for offset in range(0, len(data), _CHUNK):
        chunk = int.from_bytes(data[offset : offset + _CHUNK], "little")
        n = chunk.bit_count()
        if n <= skip:
            skip -= n
            continue
        base = offset * 8
        while chunk:
            low = chunk & -chunk
            if skip:
                skip -= 1
            else:
                found.append(base + low.bit_length() - 1)
                if len(found) == stop - start:
                    return found
            chunk ^= low
    return found


class RowIndex:
    """The rows one listing counts, at one set of data versions, with each facet value's rows."""

    def __init__(self, *, versions: dict, ids: array, values: dict, clock: array | None):
        self.versions = versions
        self.ids = ids
        self.size = len(ids)
        # id -> position: a table indexed by id when the ids are dense enough (4 bytes an id
        # in their range, where a dict takes some 100 bytes an entry), else a dict.
        self._low = min(ids, default=0)
        span = max(ids, default=0) - self._low + 1
        if span <= 8 * self.size + 1024:
            self._table = array("i", [-1]) * span
            for position, pk in enumerate(ids):
                self._table[pk - self._low] = position
            self._dict = None
        else:
            self._table, self._dict = None, {pk: position for position, pk in enumerate(ids)}
        self.all = (1 << self.size) - 1
        self.values = values  # facet name -> value -> bitset of its rows
        self._by_clock = None
        if clock is not None:
            order = sorted(range(self.size), key=clock.__getitem__)
            self._by_clock = (array("l", order), array("q", (clock[p] for p in order)))
        self._ended = (0, 0)  # rows whose clock is before some instant: (how many, bitset)
        self._parts: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def positions(self, ids: Iterable[int]) -> Iterable[int]:
        """The positions of the rows of `ids` the index holds."""
        if self._dict is not None:
            found = self._dict
            return (found[pk] for pk in ids if pk in found)
        table, low, span = self._table, self._low, len(self._table)
        return (
            p for p in (table[pk - low] if 0 <= pk - low < span else -1 for pk in ids) if p >= 0
        )

    def of_ids(self, ids: Iterable[int]) -> int:
        """The bitset of the rows of `ids` (ids the index does not hold are not listed)."""
        return bitset(self.positions(ids), self.size)

    def of_id_text(self, text: str) -> int:
        """The bitset of a comma-separated id list (semaine.search.matching.id_list)."""
        return self.of_ids(map(int, text.split(","))) if text else 0

    def listed_at(self, now) -> int:
        """The rows still listed at `now`: those whose clock is at or after it (all of them
        for a listing without a clock)."""
        if self._by_clock is None:
            return self.all
        order, clocks = self._by_clock
        ended = bisect.bisect_left(clocks, (now - _EPOCH) // _MICROSECOND)
        with self._lock:
            known, bits = self._ended
            if ended != known:
                if ended > known:  # time went on: the rows ended since are added
                    bits |= bitset(order[known:ended], self.size)
                else:
                    bits = bitset(order[:ended], self.size)
                self._ended = (ended, bits)
        return self.all & ~bits

    def part(self, key, compute: Callable[[], int | None]) -> int | None:
        """The bitset of one part of a selection, kept by the index once computed (`key`
        holds the part's filters and the data versions beyond the index's it reads);
        `compute()` may decline (None): nothing is kept then."""
        with self._lock:
            bits = self._parts.get(key)
            if bits is not None:
                self._parts.move_to_end(key)
                return bits
        bits = compute()
        if bits is None:
            return None
        with self._lock:
            self._parts[key] = bits
            while len(self._parts) > PART_CACHE_SIZE:
                self._parts.popitem(last=False)
        return bits

    def counts(self, base: int, without: dict[str, int]) -> tuple[int, dict[str, dict[str, int]]]:
        """The total of `base` and the count of each facet value in it; the facets named in
        `without` are counted on their own rows (those of the selection without that facet's
        filter), as the summary and the rows' counts do."""
        counts = {}
        for name, values in self.values.items():
            rows = without.get(name, base)
            found = {}
            for value, bits in values.items():
                n = (rows & bits).bit_count()
                if n:
                    found[value] = n
            counts[name] = found
        return base.bit_count(), counts

    def page_ids(self, bits: int, start: int, stop: int) -> list[int]:
        """The ids of the rows ranked start..stop-1 of `bits`, in the listing's order."""
        ids = self.ids
        return [ids[p] for p in set_positions(bits, start, stop, self.size)]


class Selection:
    """A selection of a listing as bitsets of one RowIndex: its rows (`rows`), and the rows
    of the selection without each of its active facet filters (`without`)."""

    def __init__(self, index: RowIndex, rows: int, without: dict[str, int]):
        self.index, self.rows, self.without = index, rows, without

    def counts(self) -> tuple[int, dict[str, dict[str, int]]]:
        return self.index.counts(self.rows, self.without)


class Pages:
    """The ids of a selection's rows, tier after tier, for a Paginator (which is given the
    count): `pages[start:stop]`."""

    def __init__(self, index: RowIndex, tiers: list[int]):
        self.index, self.tiers = index, tiers

    def __getitem__(self, window: slice) -> list[int]:
        start, stop = window.start or 0, window.stop
        ids: list[int] = []
        for bits in self.tiers:
            n = bits.bit_count()
            if start < n and stop > 0:
                ids += self.index.page_ids(bits, max(start, 0), min(stop, n))
            start, stop = start - n, stop - n
            if stop <= 0:
                break
        return ids


def _order_sql(model) -> str:
    terms = []
    for name in model._meta.ordering:
        descending = name.startswith("-")
        column = model._meta.get_field(name.lstrip("-")).column
        terms.append(f'r."{column}" {"DESC" if descending else "ASC"}')
    return ", ".join(terms)


def _build_sql(summary, model) -> str:
    """One statement, so one snapshot: the listed rows' ids in the listing's order, their
    clock, the positions of each facet value's rows and each tag's, and the data versions they
    were read at; every list as one comma-separated text (a few hundred rows to fetch, not
    hundreds of thousands)."""
    dims = {f"d{i}": d for i, d in enumerate(summary.dimensions)}
    columns = "".join(f", ({d.column})::text AS {alias}" for alias, d in dims.items())
    clock = (
        f', (extract(epoch FROM r."{summary.clock}") * 1000000)::bigint AS clock'
        if summary.clock
        else ""
    )
    parts = [
        "SELECT 'ids', NULL, string_agg(id::text, ',' ORDER BY pos) FROM listed",
        *(
            f"SELECT 'value', '{d.name}', {alias} || ':' || string_agg(pos::text, ',')"
            f" FROM listed WHERE {alias} <> '' GROUP BY {alias}"
            for alias, d in dims.items()
        ),
        "SELECT 'version', name, value::text FROM semaine_data_version"
        " WHERE name = ANY(%(versions)s)",
    ]
    if summary.clock:
        parts.append("SELECT 'clock', NULL, string_agg(clock::text, ',' ORDER BY pos) FROM listed")
    tags = summary.tags
    if tags is not None:
        parts.append(
            f"SELECT 'value', '{tags.name}', ({tags.value})::text || ':' || string_agg("
            f"l.pos::text, ',') FROM {tags.table} tt {tags.join}"
            f" JOIN listed l ON l.id = tt.{tags.row_key} GROUP BY ({tags.value})::text"
        )
    return (
        f"WITH listed AS MATERIALIZED (SELECT row_number() OVER (ORDER BY {_order_sql(model)})"
        f" - 1 AS pos, r.id{clock}{columns} FROM {summary.source} r WHERE {summary.counted})\n"
        + "\nUNION ALL\n".join(parts)
    )


def _numbers(text: str | None) -> array:
    return array("q", map(int, text.split(","))) if text else array("q")


def build(summary, model, names: tuple[str, ...], using: str) -> RowIndex:
    """The index of the rows `summary` counts (in `model`'s ordering), read on `using`, with
    the data versions `names` it was read at. Each row of the result is made a Python value
    when read and dropped once used: the build's memory stays a few lists at a time."""
    ids, clock, versions = array("q"), None, {}
    values: dict[str, dict[str, int]] = {name: {} for name in summary.names}
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        # Web processes cut a public read at 2 s (semaine/wsgi.py): a build, in its thread,
        # may take longer on a busy server; its sorts and aggregates fit in memory.
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, true),"
            " set_config('work_mem', '64MB', true)",
            [str(settings.WRITE_STATEMENT_TIMEOUT_MS)],
        )
        cursor.execute(_build_sql(summary, model), {"versions": list(names)})
        for kind, key, payload in cursor:
            if kind == "ids":
                ids = _numbers(payload)
            elif kind == "clock":
                clock = _numbers(payload)
            elif kind == "version":
                versions[key] = int(payload)
            else:
                value, _, positions = payload.rpartition(":")
                numbers = _numbers(positions)
                # The bitset's integer does not depend on the buffer's length beyond its
                # last row: the listing's size is not needed (it may come later).
                values[key][value] = bitset(numbers, max(numbers, default=0) + 1)
    return RowIndex(versions=versions, ids=ids, values=values, clock=clock)


class _Slot:
    """One listing's index on one database: the current one, and when its last build began."""

    def __init__(self):
        self.index: RowIndex | None = None
        self.built_at = float("-inf")
        self.building = False
        self.lock = threading.Lock()


_slots: dict[tuple[str, str], _Slot] = {}
_slots_lock = threading.Lock()


def _build_into(slot: _Slot, summary, model, names: tuple[str, ...], using: str) -> None:
    try:
        index = build(summary, model, names, using)
        with slot.lock:
            slot.index = index
    except DatabaseError:
        # The listing counts over its rows meanwhile; tried again after REBUILD_SECONDS.
        logger.exception("The rows of %s could not be read into memory", summary.source)
    finally:
        slot.building = False
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()  # this thread's own connections


def index_for(summary, model, versions: dict, using: str) -> RowIndex | None:
    """The index of `summary`'s rows on `using` at the data `versions` (name -> value) a
    request reads, or None: when it is off (settings.ROW_INDEX), or not built for those
    versions yet. A build starts then, unless one began less than ROW_INDEX_REBUILD_SECONDS
    ago; in a thread of its own (ROW_INDEX_BACKGROUND), so that no request waits for it."""
    if not settings.ROW_INDEX:
        return None
    with _slots_lock:
        slot = _slots.setdefault((summary.table, using), _Slot())
    index = slot.index
    if index is not None and index.versions == versions:
        return index
    with slot.lock:
        if slot.building or time.monotonic() - slot.built_at < settings.ROW_INDEX_REBUILD_SECONDS:
            return None
        slot.built_at, slot.building = time.monotonic(), True
    arguments = (slot, summary, model, tuple(versions), using)
    if settings.ROW_INDEX_BACKGROUND:
        threading.Thread(target=_build_into, args=arguments, daemon=True).start()
        return None
    _build_into(*arguments)
    index = slot.index
    return index if index is not None and index.versions == versions else None


def forget_parts() -> None:
    """Forget the parts every index keeps (the benchmark's cold requests)."""
    with _slots_lock:
        for slot in _slots.values():
            if slot.index is not None:
                with slot.index._lock:
                    slot.index._parts.clear()


def clear() -> None:
    """Forget every index (the tests' databases are rolled back to versions already seen)."""
    with _slots_lock:
        _slots.clear()
