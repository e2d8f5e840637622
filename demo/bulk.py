"""Fast inserts of generated records: COPY on PostgreSQL, executemany elsewhere.

The demo data bypasses the services on purpose: they validate and notify one record at a time,
which is right for users and far too slow for 800,000 programs. What the services would derive
(state and coordinates from the ZIP code, the county, the decision history) the generators
derive the same way, from directory.geo.

Primary keys are drawn before the insert (from the table's sequence on PostgreSQL), so the rows
that point at a record are built in the same pass, and the generated dates are written as they
are: no second pass to undo auto_now. Nothing here is kept between chunks.
"""

import csv
import io
import json
import secrets
from collections.abc import Iterable, Sequence

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, models
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone

# How COPY (CSV format) is told a value is NULL; an empty unquoted field is then "".
COPY_NULL = r"\N"


def unusable_password() -> str:
    """What User.set_unusable_password() stores, without 40 calls to secrets.choice a user."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def reserve_ids(model, count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, in increasing order, before the insert.

    On SQLite (one writer at a time, and only the small demo) the keys follow the largest
    ever used."""
    if count <= 0:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id "
                "FROM generate_series(1, %s) ORDER BY id",
                [meta.db_table, meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        table = connection.ops.quote_name(meta.db_table)
        cursor.execute(
            f"SELECT COALESCE(MAX({connection.ops.quote_name(meta.pk.column)}), 0) FROM {table}"
        )
        largest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        row = cursor.fetchone()
        start = max(largest, row[0] if row else 0) + 1
    return list(range(start, start + count))


def insert_objects(model, objects: Sequence[models.Model]) -> None:
    """Insert unsaved instances of `model` as they are: their primary keys if set (see
    reserve_ids), their dates even on auto_now fields (now where they are empty)."""
    if not objects:
        return
    first = objects[0]
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and first.pk is None)
        and not field.generated  # computed by the database (Consultant.search_text)
        and not isinstance(getattr(first, field.attname), DatabaseDefault)
    ]
    now = timezone.now()
    stamped = [
        field
        for field in fields
        if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add)
    ]
    for obj in objects:
        for field in stamped:
            if getattr(obj, field.attname) is None:
                setattr(
                    obj,
                    field.attname,
                    now if isinstance(field, models.DateTimeField) else now.date(),
                )
    attnames = [field.attname for field in fields]
    insert_rows(
        model,
        [field.name for field in fields],
        (tuple(getattr(obj, name) for name in attnames) for obj in objects),
    )


def insert_rows(model, names: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert rows of database values (ids for relations), in the order of the fields `names`."""
    fields = [model._meta.get_field(name) for name in names]
    if connection.vendor == "postgresql":
        _copy(model, fields, rows)
    else:
        _executemany(model, fields, rows)


def update_objects(model, objects: Sequence[models.Model], names: Sequence[str]) -> None:
    """Write the fields `names` of saved instances of `model`, in one statement on PostgreSQL:
    UPDATE ... FROM (VALUES ...). Django's bulk_update writes a CASE over the whole batch for
    every field, whose cost grows with the square of the batch. Elsewhere, executemany."""
    if not objects:
        return
    fields = [model._meta.get_field(name) for name in names]
    rows = [
        [obj.pk, *(field.get_db_prep_save(getattr(obj, field.attname), connection)
                   for field in fields)]
        for obj in objects
    ]  # fmt: skip
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = [quote(field.column) for field in fields]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",
                [[*row[1:], row[0]] for row in rows],
            )
            return
        types = [model._meta.pk.db_type(connection)] + [f.db_type(connection) for f in fields]
        placeholders = "(" + ", ".join(f"%s::{db_type}" for db_type in types) + ")"
        assignments = ", ".join(f"{column} = v.{column}" for column in columns)
        cursor.execute(
            f"UPDATE {table} SET {assignments} "
            f"FROM (VALUES {', '.join([placeholders] * len(rows))}) "
            f"AS v({', '.join([pk, *columns])}) WHERE {table}.{pk} = v.{pk}",
            [value for row in rows for value in row],
        )


def _refuse_null_marker(row: tuple) -> tuple:
    """COPY would read the text \\N as NULL: refuse it on every database alike."""
    if COPY_NULL in row:
        raise ValueError(f"{COPY_NULL!r} cannot be inserted in bulk: it means NULL to COPY.")
    return row


def _columns(model, fields) -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)


def _copy(model, fields, rows: Iterable[tuple]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    json_at = [i for i, field in enumerate(fields) if isinstance(field, models.JSONField)]
    for row in rows:
        _refuse_null_marker(row)
        values = [COPY_NULL if value is None else value for value in row]
        for i in json_at:
            values[i] = json.dumps(fields[i].get_prep_value(row[i]), cls=fields[i].encoder)
        writer.writerow(values)
    if not buffer.tell():
        return
    buffer.seek(0)
    table, columns = _columns(model, fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '{COPY_NULL}')", buffer
        )


def _executemany(model, fields, rows: Iterable[tuple]) -> None:
    prepared = [
        tuple(
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, _refuse_null_marker(row), strict=True)
        )
        for row in rows
    ]
    if not prepared:
        return
    table, columns = _columns(model, fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", prepared)


def analyze(*models) -> None:
    """Fresh planner statistics for tables just loaded in bulk (PostgreSQL), before the next
    step queries them: without them the planner takes 200,000 rows for a handful."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
