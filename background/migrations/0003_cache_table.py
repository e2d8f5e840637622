"""The database cache's table (CACHES, default `dbcache://django_cache`), so a deploy that
runs `migrate` has it: the rate limits and login throttling keep their counters there, and
without the table every sign-in failed. Creates nothing when the cache is not the database
(e.g. Redis) and leaves an existing table alone; `createcachetable` still works."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("background", "0002_alliance_sees_outgoing_emails")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
