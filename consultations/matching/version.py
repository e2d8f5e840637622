"""The matching version: a token in the database (consultations.MatchingVersion, one row) that
changes with every write to what matching reads of the consultants, so that what a process
keeps of them (the snapshot, consultations.matching.snapshot) knows when it is stale.

The database changes it itself, by triggers on the tables in TRACKED (migration
consultations 0013): every write path is covered, the services, the admin, queryset
`update()`, bulk inserts and raw SQL alike, and none can forget. Writes to a consultation
count only when it has a consultant and its status, consultant or program changes (the
programs a consultant has served).

On PostgreSQL the triggers run at commit (deferred), once per transaction: the token changes
in the same transaction as the write and becomes visible with it, and the row is locked only
while the transaction commits. A transaction that has written something cannot rely on the
token (its own writes are not counted until it commits): `current()` then answers None, and
matching reads the database instead. On SQLite the triggers change the token at once.

A bump is a new random token, not a counter, so a token never comes back after a rollback or
a flush (a missing row also answers None).
"""

import json

from django.db import connection
from django.db.models import QuerySet

from consultations.models import ConsultationRequest, MatchingVersion
from directory.credentials import ConsultantEndorsement
from directory.models import Consultant
from iecmhc.compiled import Bound

# The tables whose writes change the version: every table consultant_facts reads.
TRACKED = (
    Consultant._meta.db_table,
    Consultant.languages.through._meta.db_table,
    Consultant.counties_served.through._meta.db_table,
    ConsultantEndorsement._meta.db_table,
    ConsultationRequest._meta.db_table,
)

_TABLE = MatchingVersion._meta.db_table
_TOKEN = f"(SELECT token FROM {_TABLE} WHERE id = 1)"
_WRITTEN = {"postgresql": "pg_current_xact_id_if_assigned() IS NOT NULL", "sqlite": "0"}
# A one-column query's values in one cell, by vendor: (the SQL, how to read the cell).
_COLUMN = {
    "postgresql": ("ARRAY({sql})", list),
    "sqlite": ('(SELECT json_group_array("{name}") FROM ({sql}))', json.loads),
}


def current() -> str | None:
    """The version now (one query), or None when it cannot be trusted: no version row, or a
    PostgreSQL transaction that has written and not yet committed."""
    return current_with()[0]


def current_with(column: QuerySet | Bound | None = None) -> tuple[str | None, list]:
    """The version (as `current`) and the values of a one-column query (a queryset's
    `values_list` of one field, or a compiled lookup's, iecmhc.compiled), in one query."""
    vendor = connection.vendor
    sql, params, read = f"SELECT {_TOKEN}, {_WRITTEN[vendor]}", (), None
    if column is not None:
        if isinstance(column, Bound):
            (inner, params), name = column.sql_with_params(), column.columns[0]
        else:
            inner, params = column.query.sql_with_params()
            name = column.query.values_select[0]
        template, read = _COLUMN[vendor]
        sql += ", " + template.format(sql=inner, name=name)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    token = None if row[1] else row[0]
    return token, (read(row[2]) if read else [])
