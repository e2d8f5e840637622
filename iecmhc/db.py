"""Rows written together (issue 19): a service's event, audit row and emails in one statement.

A workflow step writes several rows that reference rows already there but not each other (its
event, the request's audit row, its emails and their delivery task). Inside `written_together()`
they are collected (`add_rows`) and written when the block ends, still inside the caller's
transaction: on PostgreSQL in ONE statement (`WITH a AS (INSERT ...), b AS (INSERT ...) INSERT
...`), elsewhere one bulk INSERT per table. Nothing is written if the block raises.

What the block adds is not in the database until the block ends: code inside it must not read
those rows back (nor need their ids: none are returned). Blocks nest: an inner one joins the
outer, which writes everything.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, router
from django.db.models import AutoField, Model
from django.db.models.sql import InsertQuery
from django.utils import timezone


class Writes:
    def __init__(self) -> None:
        self.rows: list[Model] = []
        self._before_write: dict[str, Callable[[Writes], None]] = {}

    def add(self, *rows: Model) -> None:
        self.rows.extend(rows)

    def before_write(self, key: str, hook: Callable[["Writes"], None]) -> None:
        """Call `hook(writes)` once (per `key`) just before the rows are written: e.g. one
        delivery task for all the emails the block queued."""
        self._before_write.setdefault(key, hook)

    def write(self) -> None:
        for hook in self._before_write.values():
            hook(self)
        insert_rows(self.rows)


_current: ContextVar[Writes | None] = ContextVar("rows_written_together", default=None)


def current_writes() -> Writes | None:
    """The open `written_together()` block's rows, or None outside one."""
    return _current.get()


@contextmanager
def written_together():
    """Collect the rows added inside the block; write them all when it ends without error."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    writes = Writes()
    token = _current.set(writes)
    try:
        yield writes
    finally:
        _current.reset(token)
    writes.write()  # not reached when the block raised


def add_rows(*rows: Model) -> None:
    """Write `rows` with the open block's, or now (one statement) outside one."""
    writes = _current.get()
    if writes is not None:
        writes.add(*rows)
    else:
        insert_rows(rows)


def _insert_sql(model, objs, connection) -> tuple[str, tuple]:
    """The INSERT of `objs` (one model, no primary key returned) as bulk_create writes it."""
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    if all(obj.pk is None for obj in objs):
        fields = [f for f in fields if not isinstance(f, AutoField)]
    for obj in objs:
        if obj.pk is None and not isinstance(model._meta.pk, AutoField):
            obj.pk = model._meta.pk.get_pk_value_on_save(obj)
        obj._prepare_related_fields_for_save(operation_name="insert_rows")
    query = InsertQuery(model)
    query.insert_values(fields, objs)
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def insert_rows(rows: Iterable[Model]) -> None:
    """INSERT `rows` (of any models, none referencing another of them): one statement on
    PostgreSQL, one per model elsewhere. Their auto-increment ids are not read back."""
    groups: dict[type[Model], list[Model]] = {}
    for row in rows:
        groups.setdefault(type(row), []).append(row)
    if not groups:
        return
    alias = router.db_for_write(next(iter(groups)))
    connection = connections[alias]
    if connection.vendor != "postgresql" or len(groups) == 1:
        for model, objs in groups.items():
            model._base_manager.using(alias).bulk_create(objs)
        return
    statements = [_insert_sql(model, objs, connection) for model, objs in groups.items()]
    *first, (last_sql, last_params) = statements
    sql = "WITH " + ", ".join(f"w{n} AS ({s})" for n, (s, _p) in enumerate(first))
    params = tuple(p for _s, ps in first for p in ps) + last_params
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} {last_sql}", params)


def audit_row(instance: Model, *, history_type: str = "~") -> Model:
    """The django-simple-history row a save of `instance` records (its audit trail), built
    as simple_history builds it, for a caller that saves with `skip_history_when_saving` and
    writes the row with its others (add_rows)."""
    history = type(instance).history.model
    return history(
        history_date=getattr(instance, "_history_date", None) or timezone.now(),
        history_type=history_type,
        history_user=history.get_default_history_user(instance),
        history_change_reason=getattr(instance, "_change_reason", None),
        **{field.attname: getattr(instance, field.attname) for field in history.tracked_fields},
    )
