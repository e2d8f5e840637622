"""The search version: a token in the database (one row) that PostgreSQL replaces whenever what
directory search reads of the listings changes, so that what a process keeps of them (the
in-memory index, directory.search_index) knows when it is stale. Re-exported by
directory.models.

Triggers on directory_consultant (installed by migration directory 0018, `install`) change it
for every write that can change a search's answer: a listing inserted or deleted, or its
status, name or bio changed. A caseload counter or a contact detail leaves it alone, so the
index is not rebuilt for them.
Every write path is covered (services, admin, queryset update(), bulk inserts, raw SQL).

As for the matching version (consultations.matching.version, the same pattern): the triggers are
deferred constraint triggers, run at commit once per transaction, so the token changes together
with the write and the row is locked only while the transaction commits. A transaction that has
written something cannot rely on the token (its own writes are not counted until it commits):
`read` then answers None and the search reads the database. On SQLite there are no triggers
and no token: search there always reads the database.

A bump is a new random token, not a counter, so a token never comes back after a rollback.
"""

from django.db import connection, models

TABLE = "directory_searchversion"
FUNCTION = "iecmhc_search_version_bump"
TRIGGER = "search_version_consultant"
# (the trigger's suffix, the event, when it counts: always if empty)
TRIGGERS = [
    ("insert", "INSERT", ""),
    ("delete", "DELETE", ""),
    (
        "update",
        "UPDATE",
        "OLD.listing_status IS DISTINCT FROM NEW.listing_status "
        "OR OLD.display_name IS DISTINCT FROM NEW.display_name "
        "OR OLD.bio IS DISTINCT FROM NEW.bio",
    ),
]
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('iecmhc.search_version_bumped', true) = '1' THEN
        RETURN NULL;  -- once per transaction
    END IF;
    PERFORM set_config('iecmhc.search_version_bumped', '1', true);
    INSERT INTO {TABLE} (id, token)
    VALUES (1, md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END
$$;
"""


class SearchVersion(models.Model):
    """One row: the token the triggers replace (PostgreSQL only)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32)

    class Meta:
        db_table = TABLE

    def __str__(self):
        return self.token


def install(schema_editor) -> None:
    """The bump function and the triggers (PostgreSQL; nothing elsewhere)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(POSTGRES_FUNCTION)
    for suffix, event, condition in TRIGGERS:
        when = f" WHEN ({condition})" if condition else ""
        schema_editor.execute(
            f"CREATE CONSTRAINT TRIGGER {TRIGGER}_{suffix} AFTER {event} ON directory_consultant "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW{when} EXECUTE FUNCTION {FUNCTION}()"
        )
    schema_editor.execute(f"INSERT INTO {TABLE} (id, token) VALUES (1, 'initial')")


def uninstall(schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for suffix, _event, _condition in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{suffix} ON directory_consultant")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def read(tsquery: str) -> tuple[str | None, str]:
    """The version now, or None when it cannot be trusted (no token; a transaction that has
    written and not committed), with `tsquery` as PostgreSQL parses it (to_tsquery('simple',
    ...)::text): one query. PostgreSQL only."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT token FROM {TABLE} WHERE id = 1), "
            "pg_current_xact_id_if_assigned() IS NOT NULL, "
            "to_tsquery('simple'::regconfig, %s)::text",
            [tsquery],
        )
        token, written, parsed = cursor.fetchone()
    return (None if written else token), parsed
