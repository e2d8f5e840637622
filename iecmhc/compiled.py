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

The compiler is Django's (copied per call, with its SQL fixed), so this leans on the
compiler's `as_sql`, `execute_sql` and the attributes `as_sql` sets: tests/test_compiled.py holds
each lookup to its queryset's own answer, and fails if a Django upgrade changes that.
"""

import copy
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

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

    def _placeholders(self) -> dict[str, Any]:
        """A value for each parameter that no real query would send (checked to appear once)."""
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
                if len(where) != 1:
                    raise ValueError(f"CompiledLookup: {name} appears {len(where)} times")
                positions[name] = where[0]
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
            params[positions[name]] = value
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
        fixed = copy.copy(compiler)
        fixed.connection = connections[using]  # this thread's
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


def _in_range(field: Field, value: int, connection) -> bool:
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (low is None or value >= low) and (high is None or value <= high)
