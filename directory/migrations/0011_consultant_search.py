"""Accent- and case-insensitive directory search (directory.search), and the indexes the
listings' and programs' lists sort by.

On PostgreSQL: the unaccent and pg_trgm extensions, the IMMUTABLE fold function the generated
column is computed by, and a trigram GIN index on it. On SQLite the fold function is Python,
registered on each connection, and there is no index: every PostgreSQL-only step is a no-op there.
"""

import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

import directory.search

SEARCH_INDEX = "consultant_search_trgm_idx"


def create_fold_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(directory.search.POSTGRES_FOLD_SQL)


def drop_fold_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {directory.search.FOLD_FUNCTION}(text)")


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON directory_consultant "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0010_region"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(create_fold_function, drop_fold_function, elidable=False),
        migrations.AddField(
            model_name="consultant",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=directory.search.Fold(
                    django.db.models.functions.text.Concat(
                        models.F("display_name"),
                        models.Value(" "),
                        models.F("bio"),
                        output_field=models.TextField(),
                    )
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(create_search_index, drop_search_index),
        # Every list in the order it sorts (issue 19).
        migrations.AddIndex(
            model_name="consultant",
            index=models.Index(fields=["display_name", "id"], name="consultant_name_idx"),
        ),
        migrations.AddIndex(
            model_name="program",
            index=models.Index(fields=["name", "id"], name="program_name_idx"),
        ),
    ]
