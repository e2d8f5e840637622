"""The words of a listing's search text, indexed for full-text search (directory.search, issue
19): a GIN index on to_tsvector('simple', search_text) on PostgreSQL; nothing on SQLite."""

from django.db import migrations

import directory.search


def create_words_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(directory.search.WORDS_INDEX_SQL)


def drop_words_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {directory.search.WORDS_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0016_program_tribal_affiliation_and_data_settings"),
    ]

    operations = [migrations.RunPython(create_words_index, drop_words_index)]
