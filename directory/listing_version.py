"""The listing version: a token that changes with every write to a listing or a caseload.

Whatever is computed from the listings and kept beyond one request (the anonymous directory
pages' cache, directory.api.list_cache) is keyed on it, so a write shows at once. It lives in the
shared cache (the database by default), so every process sees the same version.

Writes bump it through signals (`connect`): a Consultant saved or deleted (the listing services,
the caseload counters the consultation services save, the admin), or its languages or counties
changed. Bulk writes that send no signals (seed_demo) call `bump()` themselves.

A bump is a new random token, not a counter: a version evicted from the cache comes back as a
new token, which can only invalidate, never revive, what was cached before.
"""

import base64
import pickle
import uuid
from datetime import datetime

from django.core.cache import cache
from django.db import connections, router, transaction

KEY = "directory:listing-version"


def current() -> str:
    """The version now (one cache read; a new one if the cache has none)."""
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(KEY) or uuid.uuid4().hex
    return version


def bump() -> None:
    """A new version, at once: on a PostgreSQL database cache in one statement (an upsert of
    its row) rather than the three of the cache's set (a count for culling, a read, a write),
    since every workflow step that changes a caseload pays it (issue 19)."""
    version = uuid.uuid4().hex
    if not _upsert_in_database(version):
        cache.set(KEY, version, timeout=None)


def _upsert_in_database(version: str) -> bool:
    """Store the version as DatabaseCache.set(KEY, version, timeout=None) would (the same key,
    encoding and expiry), in one INSERT ... ON CONFLICT; False when the cache is elsewhere."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        return False
    connection = connections[router.db_for_write(backend.cache_model_class)]
    if connection.vendor != "postgresql":
        return False
    key = backend.make_and_validate_key(KEY)
    value = base64.b64encode(pickle.dumps(version, backend.pickle_protocol)).decode("latin1")
    expires = connection.ops.adapt_datetimefield_value(datetime.max.replace(microsecond=0))
    table = connection.ops.quote_name(backend._table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "
            "ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, "
            "expires = EXCLUDED.expires",
            [key, value, expires],
        )
    return True


def _cache_in_database() -> bool:
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    return isinstance(caches["default"], DatabaseCache)


class _Bump:
    """The callback run on commit (a class, so a transaction registers it once)."""

    ran = False

    def __call__(self):
        self.ran = True
        bump()


def bump_on_commit(using=None) -> None:
    """A new version once the current transaction commits (at once outside one).

    Readers then cannot cache what they read before the commit under the new version. A cache
    outside the database (memory, Redis) is also bumped at once, which costs no lock and lets
    readers inside the same transaction see the change; a database cache is left alone until the
    commit, since writing its row inside the transaction would lock it until then and make
    concurrent writers queue (or deadlock) on it. One bump per transaction is enough.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        bump()
        return
    if not _cache_in_database():
        bump()
    pending = (entry[1] for entry in connection.run_on_commit)
    if not any(isinstance(callback, _Bump) and not callback.ran for callback in pending):
        transaction.on_commit(_Bump(), using=using, robust=True)


def _on_write(sender, instance=None, using=None, **kwargs) -> None:
    bump_on_commit(using)


def connect() -> None:
    """Bump on every write to a listing (AppConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from directory.models import Consultant

    post_save.connect(_on_write, sender=Consultant, dispatch_uid="listing_version_save")
    post_delete.connect(_on_write, sender=Consultant, dispatch_uid="listing_version_delete")
    for through in (Consultant.languages.through, Consultant.counties_served.through):
        m2m_changed.connect(_on_write, sender=through, dispatch_uid=f"listing_version_{through}")
