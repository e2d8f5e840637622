"""The search version (directory.search_version, issue 19): one row whose token PostgreSQL
replaces, by triggers on directory_consultant, whenever a listing's name, bio or status
changes, so each process's in-memory search index (directory.search_index) knows when
it is stale; and on PostgreSQL the words of each listing's search text stored (search_words,
a generated column the ORM does not know) with the words' GIN index moved onto it
(directory.search.WORDS_COLUMN). Nothing of this on SQLite, where search always reads the
database by LIKE."""

from django.db import migrations, models

import directory.search
import directory.search_version


def install(apps, schema_editor):
    directory.search_version.install(schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        directory.search.add_words_column(schema_editor)


def uninstall(apps, schema_editor):
    directory.search_version.uninstall(schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        directory.search.drop_words_column(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0017_consultant_search_words"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("token", models.CharField(max_length=32)),
            ],
            options={
                "db_table": "directory_searchversion",
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
