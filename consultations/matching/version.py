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

from django.db import connection

from consultations.models import ConsultationRequest, MatchingVersion
from directory.credentials import ConsultantEndorsement
from directory.models import Consultant

# The tables whose writes change the version: every table consultant_facts reads.
TRACKED = (
    Consultant._meta.db_table,
    Consultant.languages.through._meta.db_table,
    Consultant.counties_served.through._meta.db_table,
    ConsultantEndorsement._meta.db_table,
    ConsultationRequest._meta.db_table,
)

_TABLE = MatchingVersion._meta.db_table
_POSTGRES = (
    f"SELECT (SELECT token FROM {_TABLE} WHERE id = 1), "
    "pg_current_xact_id_if_assigned() IS NOT NULL"
)
_SQLITE = f"SELECT (SELECT token FROM {_TABLE} WHERE id = 1), 0"


def current() -> str | None:
    """The version now (one query), or None when it cannot be trusted: no version row, or a
    PostgreSQL transaction that has written and not yet committed."""
    with connection.cursor() as cursor:
        cursor.execute(_POSTGRES if connection.vendor == "postgresql" else _SQLITE)
        token, written = cursor.fetchone()
    return None if written else token
