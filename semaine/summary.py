"""Facet counts kept exact by PostgreSQL: a listing's summary table (issue 23).

A cold listing page used to count its facets by reading every row it lists (75,000 upcoming
events, 186,000 open offers): 40 to 400 ms. For the common shapes of selection (nothing, one
or two of the filterable dimensions: a region or a department, a type, a format, a trade...)
the counts now come from a summary table that statement-level triggers keep exact in the
writing transaction itself, so a rolled-back write leaves it as it was and a committed one
shows in the very next count.

What is stored. For every row a listing counts, and every selection of at most two filterable
dimensions (`selections()`), the row adds 1 to the key (shape, filters, value):
- shape: the selection's dimensions and the dimension counted, as "region,type>departement"
  (">modalite" with no filter; "region>" for the total of a region);
- filters: the row's values of the selection, joined by "|" ("84|job_dating");
- value: the row's value of the counted dimension ("" for the total).
The counts of one page are then a few index lookups (`counts()`): per facet, the rows of one
shape and one filters value.

A dimension that takes several values per row (the events' trades, `Tags`) adds a key per
value; its keys are added and removed by triggers on its own table. A row's value missing
(an online event's department) adds no key where it would be filtered or counted.

Rows that leave a listing with the clock (an event that has ended) are swept out by `sweep()`,
every minute from the task queue: the summary counts the rows whose clock column is at or after
the sweep's watermark (`semaine_facet_clock`), and a count corrects for the few that ended
since, read from the listed table itself. So the counts are exact whether the sweep ran a
second or a day ago; it only keeps the correction small.

Every write that changes a summary takes one transaction-scoped advisory lock per summary:
writers of one listing (an import, an edit in the admin, the sweep) follow one another rather
than deadlock on the shared keys (the totals). A registration changes no counted column: its
trigger compares old and new rows (as sets, linear in the statement's rows) and returns at once,
without the lock.

The tables and triggers are created by the apps' migrations from `install_sql()` and filled
from the rows already there.
"""

import itertools
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connections, transaction
from django.utils import timezone

SEPARATOR = "|"


@dataclass(frozen=True)
class Dimension:
    """A facet of the listing: its filter's name and the SQL of its value in a row `r`."""

    name: str
    column: str
    filterable: bool = True


@dataclass(frozen=True)
class Tags:
    """A dimension with several values per row, held in a table of its own (many to many).

    `join` joins what the values need to the tags' table (aliased `tt`); `value` is the SQL
    of one value."""

    name: str
    table: str
    row_key: str  # the column of `table` holding the listed row's id
    join: str
    value: str
    filterable: bool = True


@dataclass(frozen=True)
class FacetSummary:
    table: str  # the summary table, created by install_sql()
    source: str  # the listed table
    counted: str  # SQL condition on `r`: the rows the listing counts
    dimensions: tuple[Dimension, ...]
    tags: Tags | None = None
    # Selections never summarised together (a department implies its region).
    exclusive: frozenset[frozenset[str]] = field(default_factory=frozenset)
    # The column after which a row leaves the listing ("end"), or None.
    clock: str | None = None

    # -- what is stored -------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return [d.name for d in self.dimensions] + ([self.tags.name] if self.tags else [])

    @property
    def filterable(self) -> list[str]:
        found = [d.name for d in self.dimensions if d.filterable]
        return found + ([self.tags.name] if self.tags and self.tags.filterable else [])

    def selections(self) -> list[tuple[str, ...]]:
        """Every selection summarised: none, one or two filterable dimensions, in the
        definition's order."""
        filterable = self.filterable
        pairs = [
            pair
            for pair in itertools.combinations(filterable, 2)
            if frozenset(pair) not in self.exclusive
        ]
        return [(), *((name,) for name in filterable), *pairs]

    def covers(self, names) -> bool:
        """Whether a selection of filters `names` is summarised."""
        ordered = self._ordered(names)
        return ordered is not None and ordered in self.selections()

    @staticmethod
    def shape(selection: tuple[str, ...], counted: str | None) -> str:
        return f"{','.join(selection)}>{counted or ''}"

    def _ordered(self, names) -> tuple[str, ...] | None:
        names = set(names)
        if not names <= set(self.names):
            return None
        return tuple(n for n in self.names if n in names)

    def _keys(self, *, tagged: bool) -> str:
        """A VALUES list of a row's keys (shape, filters, value): those involving the tags
        (`tagged`, one row per tag value `tv`) or the others."""
        columns = {d.name: f"({d.column})::text" for d in self.dimensions}
        if self.tags:
            columns[self.tags.name] = "tv"
        rows = []
        for selection in self.selections():
            for counted in (None, *(n for n in self.names if n not in selection)):
                involved = {*selection, counted}
                if self.tags and (self.tags.name in involved) != tagged:
                    continue
                if not self.tags and tagged:
                    continue
                shape = self.shape(selection, counted)
                filters = f" || '{SEPARATOR}' || ".join(columns[n] for n in selection) or "''"
                value = columns[counted] if counted else "''"
                rows.append(f"('{shape}', {filters}, {value})")
        return "(VALUES " + ",\n        ".join(rows) + ") AS k(shape, filters, value)"

    def keys_sql(self, rows: str, sign: str, where: str = "TRUE") -> str:
        """The keys of the listed rows `rows` (a FROM item aliased `r`) with `sign` each,
        restricted by `where` (on `r`, or `k` for the keys)."""
        plain = (
            f"SELECT k.shape, k.filters, k.value, {sign} AS n FROM {rows}\n"
            f"    CROSS JOIN LATERAL {self._keys(tagged=False)}\n"
            f"    WHERE ({where}) AND k.filters IS NOT NULL AND k.value IS NOT NULL"
        )
        if not self.tags:
            return plain
        return f"{plain}\nUNION ALL\n{self._tagged_keys_sql(rows, self.tags.table, sign, where)}"

    def _tagged_keys_sql(self, rows: str, tags: str, sign: str, where: str) -> str:
        t = self.tags
        return (
            f"SELECT k.shape, k.filters, k.value, {sign} AS n FROM {rows}\n"
            f"    JOIN {tags} tt ON tt.{t.row_key} = r.id {t.join}\n"
            f"    CROSS JOIN LATERAL (SELECT ({t.value})::text AS tv) tag\n"
            f"    CROSS JOIN LATERAL {self._keys(tagged=True)}\n"
            f"    WHERE ({where}) AND k.filters IS NOT NULL AND k.value IS NOT NULL"
        )

    def _apply(self, deltas: str) -> str:
        return (
            f"INSERT INTO {self.table} (shape, filters, value, n)\n"
            f"SELECT shape, filters, value, sum(n) FROM (\n{deltas}\n) AS d\n"
            "GROUP BY shape, filters, value HAVING sum(n) <> 0 ORDER BY shape, filters, value\n"
            f"ON CONFLICT (shape, filters, value) DO UPDATE SET n = {self.table}.n + EXCLUDED.n"
        )

    def _counted(self, watermark: str = "watermark") -> str:
        """The rows the summary counts: `watermark` is the SQL of the clock's watermark."""
        if self.clock is None:
            return self.counted
        return f'({self.counted}) AND r."{self.clock}" >= {watermark}'

    # -- the database objects -------------------------------------------------------------------

    def _watched(self) -> str:
        """The columns a change of which moves a row's keys, as one row value on `r`."""
        return ", ".join(
            ["r.id", *(f"({d.column})" for d in self.dimensions)]
            + [f"({self.counted})"]
            + ([f'r."{self.clock}"'] if self.clock else [])
        )

    def _function(self, name: str, body: str) -> str:
        return (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"DECLARE watermark timestamptz;\nBEGIN\n{body}\nRETURN NULL;\nEND $$;\n"
        )

    def _preamble(self) -> str:
        lock = f"PERFORM pg_advisory_xact_lock(hashtext('{self.table}'));"
        clock = (
            f"SELECT at INTO watermark FROM semaine_facet_clock WHERE name = '{self.table}';"
            if self.clock
            else ""
        )
        return f"{lock}\n{clock}"

    def updated_function_sql(self) -> str:
        """The function of the UPDATE trigger. A statement that changes no watched column (a
        seat taken) returns at once, without the summary's lock: its new rows minus its old
        ones, compared whole (EXCEPT, a hash or a sort), are none. Otherwise every old row
        counts -1 and every new one +1, and an unchanged row's keys cancel out in the sum:
        linear in the statement's rows, where pairing old and new rows by id made the planner
        loop over both transition tables (a 10,000-row UPDATE took 23 s)."""
        watched = self._watched()
        changed = f"SELECT {watched} FROM new_rows r EXCEPT SELECT {watched} FROM old_rows r"
        counted = self._counted()
        return self._function(
            f"{self.table}_updated",
            f"IF NOT EXISTS ({changed}) THEN RETURN NULL; END IF;\n{self._preamble()}\n"
            + self._apply(
                self.keys_sql("new_rows r", "1", counted)
                + "\nUNION ALL\n"
                + self.keys_sql("old_rows r", "-1", counted)
            )
            + ";",
        )

    def install_sql(self) -> str:
        """The summary table, its triggers and its first filling."""
        t = self.table
        preamble = self._preamble()
        counted = self._counted()
        function = self._function

        def trigger(name: str, table: str, event: str, referencing: str, func: str) -> str:
            return (
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing}\n"
                f"    FOR EACH STATEMENT EXECUTE FUNCTION {func}();\n"
            )

        sql = [
            f"CREATE TABLE {t} (shape text NOT NULL, filters text NOT NULL, value text NOT NULL,"
            " n integer NOT NULL, PRIMARY KEY (shape, filters, value));",
        ]
        if self.clock:
            sql.append(
                f"INSERT INTO semaine_facet_clock (name, at) VALUES ('{t}', now())"
                " ON CONFLICT (name) DO UPDATE SET at = EXCLUDED.at;"
            )
        sql += [
            function(
                f"{t}_inserted",
                f"{preamble}\n{self._apply(self.keys_sql('new_rows r', '1', counted))};",
            ),
            function(
                f"{t}_deleted",
                f"{preamble}\n{self._apply(self.keys_sql('old_rows r', '-1', counted))};",
            ),
            self.updated_function_sql(),
            function(f"{t}_truncated", f"TRUNCATE {t};"),
            trigger(
                f"{t}_inserted", self.source, "INSERT", "NEW TABLE AS new_rows", f"{t}_inserted"
            ),
            trigger(f"{t}_deleted", self.source, "DELETE", "OLD TABLE AS old_rows", f"{t}_deleted"),
            trigger(
                f"{t}_updated",
                self.source,
                "UPDATE",
                "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                f"{t}_updated",
            ),
            f"CREATE TRIGGER {t}_truncated AFTER TRUNCATE ON {self.source}\n"
            f"    FOR EACH STATEMENT EXECUTE FUNCTION {t}_truncated();",
        ]
        if self.tags:
            tags = self.tags.table
            source_rows = f"{self.source} r"
            sql += [
                function(
                    f"{t}_tagged",
                    f"{preamble}\n"
                    + self._apply(self._tagged_keys_sql(source_rows, "new_tags", "1", counted))
                    + ";",
                ),
                function(
                    f"{t}_untagged",
                    f"{preamble}\n"
                    + self._apply(self._tagged_keys_sql(source_rows, "old_tags", "-1", counted))
                    + ";",
                ),
                function(
                    f"{t}_retagged",
                    f"{preamble}\n"
                    + self._apply(
                        self._tagged_keys_sql(source_rows, "new_tags", "1", counted)
                        + "\nUNION ALL\n"
                        + self._tagged_keys_sql(source_rows, "old_tags", "-1", counted)
                    )
                    + ";",
                ),
                function(
                    f"{t}_tags_truncated",
                    f"PERFORM pg_advisory_xact_lock(hashtext('{t}'));\n{self.rebuild_sql()}",
                ),
                trigger(f"{t}_tagged", tags, "INSERT", "NEW TABLE AS new_tags", f"{t}_tagged"),
                trigger(f"{t}_untagged", tags, "DELETE", "OLD TABLE AS old_tags", f"{t}_untagged"),
                trigger(
                    f"{t}_retagged",
                    tags,
                    "UPDATE",
                    "OLD TABLE AS old_tags NEW TABLE AS new_tags",
                    f"{t}_retagged",
                ),
                f"CREATE TRIGGER {t}_tags_truncated AFTER TRUNCATE ON {tags}\n"
                f"    FOR EACH STATEMENT EXECUTE FUNCTION {t}_tags_truncated();",
            ]
        sql.append(self.rebuild_sql())
        return "\n".join(sql)

    def counted_keys_sql(self) -> str:
        """The keys of every row the summary counts now, one each (n = 1): what it holds,
        counted afresh from the listed rows."""
        rows = f"{self.source} r"
        if self.clock:
            rows += (
                " CROSS JOIN (SELECT at FROM semaine_facet_clock"
                f" WHERE name = '{self.table}') AS clock"
            )
        return self.keys_sql(rows, "1", self._counted("clock.at"))

    def rebuild_sql(self) -> str:
        """Fill the summary again from the listed rows (after installing it, in a migration)."""
        return f"TRUNCATE {self.table};\n{self._apply(self.counted_keys_sql())};"

    def uninstall_sql(self) -> str:
        t = self.table
        tags = (
            f"DROP TRIGGER IF EXISTS {t}_tagged ON {self.tags.table};\n"
            f"DROP TRIGGER IF EXISTS {t}_untagged ON {self.tags.table};\n"
            f"DROP TRIGGER IF EXISTS {t}_retagged ON {self.tags.table};\n"
            f"DROP TRIGGER IF EXISTS {t}_tags_truncated ON {self.tags.table};\n"
            f"DROP FUNCTION IF EXISTS {t}_tagged(), {t}_untagged(), {t}_retagged(),"
            f" {t}_tags_truncated();\n"
            if self.tags
            else ""
        )
        return (
            f"{tags}"
            f"DROP TRIGGER IF EXISTS {t}_inserted ON {self.source};\n"
            f"DROP TRIGGER IF EXISTS {t}_deleted ON {self.source};\n"
            f"DROP TRIGGER IF EXISTS {t}_updated ON {self.source};\n"
            f"DROP TRIGGER IF EXISTS {t}_truncated ON {self.source};\n"
            f"DROP FUNCTION IF EXISTS {t}_inserted(), {t}_deleted(), {t}_updated(),"
            f" {t}_truncated();\n"
            f"DELETE FROM semaine_facet_clock WHERE name = '{t}';\n"
            f"DROP TABLE IF EXISTS {t};"
        )

    # -- the sweep ------------------------------------------------------------------------------

    def sweep(self, using: str = "default") -> int:
        """Take out the rows whose clock has passed since the last sweep; returns how many
        keys changed. Run every minute by the task queue; the counts are exact without it."""
        if self.clock is None:
            return 0
        counted = (
            f'({self.counted}) AND r."{self.clock}" >= %(watermark)s AND r."{self.clock}" < %(now)s'
        )
        sweep = self._apply(self.keys_sql(f"{self.source} r", "-1", counted))
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [self.table])
            cursor.execute(
                "SELECT at, now() FROM semaine_facet_clock WHERE name = %s", [self.table]
            )
            watermark, now = cursor.fetchone()
            if watermark >= now:
                return 0
            cursor.execute(sweep, {"watermark": watermark, "now": now})
            changed = cursor.rowcount
            cursor.execute(
                "UPDATE semaine_facet_clock SET at = %s WHERE name = %s", [now, self.table]
            )
        return changed

    # -- reading the counts ---------------------------------------------------------------------

    def wanted(self, selection: dict[str, list[str]]) -> list[tuple[str, str]]:
        """The (shape, filters) keys a page of `selection` reads: the total, and every facet
        counted on the rows of the other filters."""
        ordered = self._ordered(selection)
        wanted = []
        for counted in (None, *self.names):
            among = tuple(n for n in ordered if n != counted)
            shape = self.shape(among, counted)
            for values in itertools.product(*(selection[n] for n in among)):
                wanted.append((shape, SEPARATOR.join(values)))
        return wanted

    @cached_property
    def _read_sql(self) -> tuple[str, str | None]:
        """The query of a page's counts, and of their correction for the rows whose clock
        passed since the sweep (None without a clock): made once, they depend on the
        definition only."""
        with_wanted = (
            "WITH wanted AS (SELECT * FROM unnest(%(shapes)s::text[], %(filters)s::text[])"
            " AS w(shape, filters))"
            + (
                f", clock AS (SELECT at FROM semaine_facet_clock WHERE name = '{self.table}')"
                if self.clock
                else ""
            )
        )
        sql = (
            f"{with_wanted}\nSELECT s.shape, s.value, s.n FROM {self.table} s\n"
            "    JOIN wanted w ON w.shape = s.shape AND w.filters = s.filters"
        )
        if not self.clock:
            return sql, None
        # The rows whose clock passed since the sweep (or, if the sweep ran after `now`,
        # between the two): how many, through an index, and their keys only when there are.
        c = f'r."{self.clock}"'
        window = (
            f"({self.counted}) AND {c} >= LEAST(clock.at, %(now)s)"
            f" AND {c} < GREATEST(clock.at, %(now)s)"
        )
        source = f"{self.source} r CROSS JOIN clock"
        sql += f"\nUNION ALL SELECT NULL, NULL, count(*) FROM {source} WHERE {window}"
        correction = (
            f"{with_wanted}\nSELECT k.shape, k.value, sum(k.n) FROM (\n"
            + self.keys_sql(source, f"CASE WHEN {c} < clock.at THEN 1 ELSE -1 END", window)
            + "\n) AS k JOIN wanted w ON w.shape = k.shape AND w.filters = k.filters"
            " GROUP BY k.shape, k.value"
        )
        return sql, correction

    def counts(
        self, selection: dict[str, list[str]], *, using: str = "default", now=None
    ) -> tuple[int, dict[str, dict[str, int]]]:
        """The total and the counts of every dimension for `selection` (dimension -> the
        values kept), which covers() must accept. `now`: the instant the listing is read at,
        for a summary with a clock."""
        wanted = self.wanted(selection)
        shapes, filters = zip(*wanted, strict=True)
        params = {"shapes": list(shapes), "filters": list(filters), "now": now or timezone.now()}
        sql, correction = self._read_sql
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if any(shape is None and n for shape, _, n in rows):
                cursor.execute(correction, params)
                rows += cursor.fetchall()
        total = 0
        counts: dict[str, dict[str, int]] = {name: {} for name in self.names}
        for shape, value, n in rows:
            if shape is None:
                continue
            counted = shape.split(">", 1)[1]
            if not counted:
                total += int(n)
            elif value != "" and n:
                counts[counted][value] = counts[counted].get(value, 0) + int(n)
        return total, counts
