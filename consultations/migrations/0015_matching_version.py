"""The matching version (consultations.matching.version): one row whose token the database
replaces whenever what matching reads of the consultants changes, by triggers on those tables.

On PostgreSQL the triggers are deferred constraint triggers: they run at commit, once per
transaction, so the version row is locked only while the transaction commits (writers never
queue or deadlock on it mid-transaction) and the new token becomes visible together with the
write. On SQLite, where one writer holds the whole database anyway, plain triggers replace it
at once.
"""

from django.db import migrations, models

FUNCTION = "iecmhc_matching_version_bump"
# (table, the trigger's suffix, events, condition on the row or "")
CHANGED_REQUEST = (
    "(OLD.consultant_id IS NOT NULL OR NEW.consultant_id IS NOT NULL) AND ("
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.consultant_id IS DISTINCT FROM "
    "NEW.consultant_id OR OLD.program_id IS DISTINCT FROM NEW.program_id)"
)
TRIGGERS = [
    ("directory_consultant", "write", ["INSERT", "UPDATE", "DELETE"], ""),
    ("directory_consultant_languages", "write", ["INSERT", "UPDATE", "DELETE"], ""),
    ("directory_consultant_counties_served", "write", ["INSERT", "UPDATE", "DELETE"], ""),
    ("directory_consultantendorsement", "write", ["INSERT", "UPDATE", "DELETE"], ""),
    # A request counts once it has a consultant (their programs served, for continuity).
    ("consultations_consultationrequest", "insert", ["INSERT"], "NEW.consultant_id IS NOT NULL"),
    ("consultations_consultationrequest", "update", ["UPDATE"], CHANGED_REQUEST),
    ("consultations_consultationrequest", "delete", ["DELETE"], "OLD.consultant_id IS NOT NULL"),
]

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('iecmhc.matching_version_bumped', true) = '1' THEN
        RETURN NULL;  -- once per transaction
    END IF;
    PERFORM set_config('iecmhc.matching_version_bumped', '1', true);
    INSERT INTO consultations_matchingversion (id, token)
    VALUES (1, md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END
$$;
"""
SQLITE_BUMP = (
    "INSERT OR REPLACE INTO consultations_matchingversion (id, token) "
    "VALUES (1, lower(hex(randomblob(16))))"
)


def _name(table, suffix):
    return f"matching_version_{table}_{suffix}"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"No matching version triggers for {vendor}.")
    run = schema_editor.execute
    if vendor == "postgresql":
        run(POSTGRES_FUNCTION)
    for table, suffix, events, condition in TRIGGERS:
        if vendor == "postgresql":
            when = f" WHEN ({condition})" if condition else ""
            run(
                f"CREATE CONSTRAINT TRIGGER {_name(table, suffix)} "
                f"AFTER {' OR '.join(events)} ON {table} "
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW{when} "
                f"EXECUTE FUNCTION {FUNCTION}()"
            )
        else:
            condition = condition.replace("IS DISTINCT FROM", "IS NOT")
            for event in events:
                when = f" WHEN {condition}" if condition else ""
                run(
                    f"CREATE TRIGGER {_name(table, suffix)}_{event.lower()} "
                    f"AFTER {event} ON {table}{when} BEGIN {SQLITE_BUMP}; END"
                )
    MatchingVersion = apps.get_model("consultations", "MatchingVersion")
    MatchingVersion.objects.update_or_create(pk=1, defaults={"token": "initial"})


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    run = schema_editor.execute
    for table, suffix, events, _condition in TRIGGERS:
        if vendor == "postgresql":
            run(f"DROP TRIGGER IF EXISTS {_name(table, suffix)} ON {table}")
        else:
            for event in events:
                run(f"DROP TRIGGER IF EXISTS {_name(table, suffix)}_{event.lower()}")
    if vendor == "postgresql":
        run(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0014_contact_note_shared_with_program"),
        ("directory", "0014_consultant_brief_team"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchingVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
