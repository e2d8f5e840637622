"""Lookups compiled to SQL once per process, then run with new values (issue 19).

Django turns a queryset into SQL every time it runs. For a lookup by key with `select_related`
and an annotation that is half a millisecond of Python, as much as the database takes to answer
it: the lookups every API request makes (its token) or the busiest endpoints make (an admin's
read of a request for matching) pay it on every call.

`CompiledLookup(build, name=field, ...)` builds the queryset once with a placeholder in each
named parameter, compiles it, and keeps the SQL and where each placeholder sits in its
parameters. `get(name=value, ...)` converts each value as the field's lookup would (so a bad
value raises the same ValueError or TypeError the ORM raises), puts it in the placeholder's
place and runs the SQL through the queryset's own compiler and model iterable: the objects,
their `select_related` relations, deferred fields, annotations and prefetches come out as the
queryset would give them. It keeps one compilation per database alias.

On PostgreSQL (unless DATABASE_PREPARED_STATEMENTS is off) each lookup is also a prepared
statement: PREPAREd on a connection the first time the connection runs it, then EXECUTEd, so
PostgreSQL plans it once per connection instead of on every call (planning the token's lookup,
with the user's permissions, took longer than running it). A statement outlives the transaction
that prepared it, rolled back or not, and lives as long as its connection; which connections
have which is kept beside each connection object. A pooler that gives each transaction any
server connection (PgBouncer's transaction mode) loses them: switch the setting off there.

The compiler is Django's (copied per call, with its SQL fixed), so this leans on the
compiler's `as_sql`, `execute_sql` and the attributes `as_sql` sets: tests/test_compiled.py holds
each lookup to its queryset's own answer, and fails if a Django upgrade changes that.
"""

import copy
import itertools
import re
import threading
import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connections, router
from django.db.models import Field, QuerySet


class CompiledLookup:
    def __init__(self, build: Callable[..., QuerySet], **fields: Field):
        """`build(**values)` gives the queryset (the same shape whatever the values); `fields`:
        each parameter's model field, whose lookup conversion applies to its values."""
        self._build = build
        # A relation's values are its target's (a foreign key takes the key it points to).
        self._fields = {name: f.target_field if f.is_relation else f for name, f in fields.items()}
        self._model = None
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()
        self._name = f"iecmhc_lookup_{next(_names)}"

    def _placeholders(self) -> dict[str, Any]:
        """A value for each parameter that no real query would send."""
        values = {}
        for i, (name, field) in enumerate(self._fields.items()):
            kind = field.get_internal_type()
            if kind in ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField"):
                values[name] = -2_000_000_011 - i
            elif kind in ("CharField", "TextField"):
                values[name] = f"compiled-lookup-placeholder-{i}"
            else:
                raise TypeError(f"CompiledLookup: no placeholder for a {kind} ({name})")
        return values

    def _compile(self, using: str) -> tuple:
        with self._lock:
            found = self._compiled.get(using)
            if found is not None:
                return found
            connection = connections[using]
            placeholders = self._placeholders()
            queryset = self._build(**placeholders).using(using)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            positions = {}
            for name, value in placeholders.items():
                field = self._fields[name]
                sent = field.get_db_prep_value(field.get_prep_value(value), connection, True)
                where = [i for i, p in enumerate(params) if p == sent]
                if not where:
                    raise ValueError(f"CompiledLookup: {name} is not among the parameters")
                positions[name] = where
            found = self._compiled[using] = (queryset, compiler, sql, tuple(params), positions)
            return found

    def model(self):
        if self._model is None:
            self._model = self._build(**self._placeholders()).model
        return self._model

    def _params(self, using: str, values: dict) -> list | None:
        """The compiled parameters with these values in place, each converted as the field's
        lookup converts it; None if a number is out of its column's range (it matches
        nothing, as the ORM's lookup decides)."""
        connection = connections[using]
        params = list(self._compile(using)[3])
        positions = self._compile(using)[4]
        for name, value in values.items():
            field = self._fields[name]
            value = field.get_db_prep_value(field.get_prep_value(value), connection, True)
            if isinstance(value, int) and not _in_range(field, value, connection):
                return None
            for position in positions[name]:
                params[position] = value
        return params

    def get(self, using: str | None = None, **values):
        """The one object the lookup finds with these values; the model's DoesNotExist if none,
        MultipleObjectsReturned if several (as QuerySet.get)."""
        model = self.model()
        using = using or router.db_for_read(model)
        queryset, compiler, sql, _, _ = self._compile(using)
        params = self._params(using, values)
        missing = f"{model._meta.object_name} matching query does not exist."
        if params is None:
            raise model.DoesNotExist(missing)
        connection = connections[using]
        if connection.vendor == "postgresql" and settings.DATABASE_PREPARED_STATEMENTS:
            sql = self._prepared(connection, sql, len(params))
        fixed = copy.copy(compiler)
        fixed.connection = connection  # this thread's
        fixed.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        chained = queryset._chain()
        chained.query.get_compiler = lambda *args, **kwargs: fixed
        found = list(chained)
        if not found:
            raise model.DoesNotExist(missing)
        if len(found) > 1:
            raise model.MultipleObjectsReturned(
                f"get() returned more than one {model._meta.object_name}"
            )
        return found[0]

    def _prepared(self, connection, sql: str, count: int) -> str:
        """The statement's EXECUTE, after PREPAREing it on this connection if it is new there.
        The PREPARE goes through the driver's own cursor: it is not one of the request's
        queries (nor counted as one)."""
        connection.ensure_connection()
        raw = connection.connection
        names = _prepared_on.setdefault(raw, set())
        if self._name not in names:
            numbers = iter(range(1, count + 1))
            # Django's placeholders become PostgreSQL's ($1, $2, ...); an escaped %% is a %.
            body = _PLACEHOLDER.sub(
                lambda m: f"${next(numbers)}" if m.group(1) == "s" else "%", sql
            )
            with connection.wrap_database_errors, raw.cursor() as cursor:
                cursor.execute(f"PREPARE {self._name} AS {body}")
            names.add(self._name)
        return (
            f"EXECUTE {self._name}({', '.join(['%s'] * count)})"
            if count
            else (f"EXECUTE {self._name}")
        )

    def bind(self, using: str | None = None, **values) -> "Bound":
        """The SQL and parameters with these values, to run or to nest in other SQL (a
        number out of its column's range is a ValueError here)."""
        using = using or router.db_for_read(self.model())
        queryset, _, sql, _, _ = self._compile(using)
        params = self._params(using, values)
        if params is None:
            raise ValueError("CompiledLookup.bind: a value out of its column's range")
        return Bound(sql, tuple(params), tuple(queryset.query.values_select))


class Bound(NamedTuple):
    """A compiled lookup's SQL with its parameters (`columns`: a values query's fields)."""

    sql: str
    params: tuple
    columns: tuple[str, ...]

    def sql_with_params(self) -> tuple[str, tuple]:
        return self.sql, self.params


_names = itertools.count(1)
# Each driver connection -> the names of the statements prepared on it (forgotten with it).
_prepared_on: "weakref.WeakKeyDictionary[Any, set[str]]" = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%([s%])")


def _in_range(field: Field, value: int, connection) -> bool:
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (low is None or value >= low) and (high is None or value <= high)
