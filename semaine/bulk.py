"""Bulk loading with PostgreSQL's COPY, for datasets of a hundred thousand rows (seed_demo).

`bulk_create` spends most of its time in Python, building one huge INSERT; COPY streams the rows
and lets the database do the work, triggers included (search vectors, cache versions).
"""

from django.db import connection


def copy_insert(model, objects: list, *, exclude: tuple[str, ...] = ()) -> None:
    """Insert `objects` (unsaved instances of `model`) and give them their primary keys.

    Values go through each field's own preparation, as `save()` would (auto_now dates, defaults
    already on the instances). Columns in `exclude` are left to the database: defaults, or
    values a trigger computes.
    """
    if not objects:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f.column not in exclude]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if meta.pk in fields:
            # The ids are taken from the table's own sequence, as an INSERT would.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objects)],
            )
            for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
