"""Check constraints that `full_clean` validates in Python, not with a query per constraint.

Django validates a model's CheckConstraint by asking the database: one SELECT per constraint,
inside a savepoint when in a transaction (three statements each). A request has four such
constraints, so submitting one made twelve statements before its INSERT, and they were a third
of the time the tests spent making requests.

`CheckConstraint` here is Django's, with a `validate` that decides in Python when the condition
is a Q of plain lookups (exact, isnull, in, gt, gte, lt, lte) on the model's own fields with
literal values of the field's kind, as SQL would: NULL compares as unknown, unknown passes (as
in the database, and as Django's own check, which coalesces it to true), and NOT, AND and OR
follow SQL's three-valued logic. Anything else (an expression, a join, a lookup not listed, a
value of another kind) goes to Django's query, as before. The database still enforces every
constraint; tests/test_constraints.py holds the Python verdict to the database's on generated
rows.

It deconstructs as Django's class: the migrations, and `makemigrations`, see no difference.
"""

import datetime
import operator
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Q, Value

_COMPARISONS = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


class _Unsupported(Exception):
    """The condition needs the database's own reading."""


class CheckConstraint(models.CheckConstraint):
    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            verdict = holds(self.condition, field_values(model, instance, exclude))
        except _Unsupported:
            return super().validate(model, instance, exclude=exclude, using=using)
        if verdict is False:
            message = self.get_violation_error_message()
            raise ValidationError(message, code=self.violation_error_code)

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs


def field_values(model, instance, exclude=None) -> dict:
    """The values Django's check would compare, by field name (a relation's by its name, its
    key's value), `pk` included; a field whose value is an expression is left out."""
    values = {}
    for name, value in instance._get_field_expression_map(model._meta, exclude).items():
        if type(value) is Value:
            values[name] = value.value
    return values


def holds(condition, values: dict) -> bool | None:
    """The condition's truth for these values: True, False or None (unknown, as SQL's NULL).
    _Unsupported if it cannot be read here."""
    if not isinstance(condition, Q):
        raise _Unsupported
    if condition.connector not in (Q.AND, Q.OR):
        raise _Unsupported  # XOR
    results = [
        holds(child, values) if isinstance(child, Q) else _lookup(child, values)
        for child in condition.children
    ]
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    else:
        result = True if True in results else (None if None in results else False)
    if condition.negated and result is not None:
        result = not result
    return result


def _lookup(child, values: dict) -> bool | None:
    if not (isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str)):
        raise _Unsupported
    path, wanted = child
    name, _, lookup = path.partition("__")
    lookup = lookup or "exact"
    if name not in values or hasattr(wanted, "resolve_expression"):
        raise _Unsupported  # a field left out (Django skips the check), or an expression
    value = values[name]
    if lookup == "isnull":
        if not isinstance(wanted, bool):
            raise _Unsupported
        return (value is None) is wanted
    if lookup == "exact" and wanted is None:
        return value is None  # Django reads `exact=None` as `isnull=True`
    if lookup == "in":
        if isinstance(wanted, (str, bytes)) or not hasattr(wanted, "__iter__"):
            raise _Unsupported
        choices = [item for item in wanted if item is not None]  # as Django's `in` drops them
        if not choices:
            raise _Unsupported
        for item in choices:
            _same_kind(value, item)
        return None if value is None else value in choices
    if lookup == "exact":
        _same_kind(value, wanted)
        return None if value is None else value == wanted
    if lookup in _COMPARISONS:
        _same_kind(value, wanted)
        return None if value is None else _COMPARISONS[lookup](value, wanted)
    raise _Unsupported


def _same_kind(value, wanted) -> None:
    """_Unsupported unless Python compares these two as the database would."""
    if value is None:
        return
    for kind in (bool, str):
        if isinstance(value, kind) or isinstance(wanted, kind):
            if isinstance(value, kind) and isinstance(wanted, kind):
                return
            raise _Unsupported
    if type(value) in (int, Decimal) and type(wanted) in (int, Decimal):
        return
    if type(value) in (int, float) and type(wanted) in (int, float):
        return
    if isinstance(value, datetime.datetime) or isinstance(wanted, datetime.datetime):
        if (
            isinstance(value, datetime.datetime)
            and isinstance(wanted, datetime.datetime)
            and (value.tzinfo is None) == (wanted.tzinfo is None)
        ):
            return
        raise _Unsupported
    if type(value) is datetime.date and type(wanted) is datetime.date:
        return
    raise _Unsupported
