"""Inserting many new rows of one model fast, for imports.

bulk_create spends most of its time preparing every field of every row: on 10,000 imported cases that was
three quarters of the import (profiled). Here the fields a caller does not set are prepared once (their
defaults; `auto_now_add` gives one time for the whole import), and only the fields it sets, plus blind
indexes, are prepared per row, through the fields' own methods, so encryption and indexes behave exactly
as on save(). Columns come from the model, so a field added later takes its default here too.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection

from alliance.core.encryption import BlindIndexField

# SQLite's historical limit on parameters per statement (Django assumes the same); PostgreSQL allows 65535.
_MAX_PARAMS = {"sqlite": 999}


def bulk_insert(model, rows: list[dict[str, object]], *, common: dict[str, object], returning: bool = False
                ) -> list[int]:
    """Insert `rows` (attname -> value, the same keys in every row) with `common` values for all of them;
    with `returning`, the new primary keys in the order of `rows`."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = set(rows[0])
    per_row = [f for f in fields if f.attname in given or isinstance(f, BlindIndexField)]
    constant = [f for f in fields if f not in per_row]
    defaults = SimpleNamespace(**{**{f.attname: f.get_default() for f in constant}, **common})
    constant_values = [f.get_db_prep_save(f.pre_save(defaults, True), connection) for f in constant]

    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in per_row + constant)
    width = len(per_row) + len(constant)
    one_row = "(" + ", ".join(["%s"] * width) + ")"
    batch = max(1, min(1000, _MAX_PARAMS.get(connection.vendor, 65_535) // width))
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            params: list[object] = []
            for row in chunk:
                values = SimpleNamespace(**{**common, **row})
                params += [f.get_db_prep_save(f.pre_save(values, True), connection) for f in per_row]
                params += constant_values
            # Table and column names come from the model's metadata; every value travels as a parameter.
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
            cursor.execute(sql + ", ".join([one_row] * len(chunk)) + tail, params)
            if returning:
                # Keys are drawn in row order within one statement (a sequence or SQLite's max rowid + 1), but
                # RETURNING may list them in any order: sorted, they line up with the rows again.
                ids += sorted(row[0] for row in cursor.fetchall())
    return ids
