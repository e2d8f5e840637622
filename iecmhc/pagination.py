from collections.abc import Sequence

from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (capped at 100), as the API contract specifies."""

    page_size_query_param = "page_size"
    max_page_size = 100


class WindowCountPaginator(Paginator):
    """Reads a ranked list's page keys and its total in one pass (`COUNT(*) OVER ()`), so a
    search or a distance that must rank every row it matches does so once, not once to count
    and again for the page. That pass carries only the keys (a window over whole rows, names
    and bios, spills to disk at 20,000 listings) and what the list computes (a distance); the
    page's columns are then read by key, without the search's conditions. A page
    past the end costs one more query (a plain count, to tell it apart from an empty list).
    The object list is a values() queryset: each row is a dict."""

    KEY = "_page_key"

    def page(self, number):
        number = self._first_guess(number)
        bottom = (number - 1) * self.per_page
        query = self.object_list.query
        computed = list(query.annotation_select)  # a distance: read in the ranking pass
        keys = list(
            self.object_list.values_list("pk", *computed, Window(Count("pk")))[
                bottom : bottom + self.per_page
            ]
        )
        rows = []
        if keys:
            self.count = keys[0][-1]  # the cached_property's value, known without a query
            columns = self.object_list.model._base_manager.filter(pk__in=[k[0] for k in keys])
            by_key = {
                row.pop(self.KEY): row
                for row in columns.values(*query.values_select, **{self.KEY: F("pk")})
            }
            rows = [
                {**by_key[key[0]], **dict(zip(computed, key[1:-1], strict=True))} for key in keys
            ]
        number = self.validate_number(number)
        return self._get_page(rows, number, self)

    def _first_guess(self, number) -> int:
        """The page number as an integer >= 1, checked before the count is known (a bad one
        raises as Paginator.validate_number does)."""
        try:
            value = int(number)
        except (TypeError, ValueError):
            return self.validate_number(number)
        return value if value >= 1 else self.validate_number(value)


class WindowCountPagination(PageNumberPagination):
    django_paginator_class = WindowCountPaginator


class KeyedRows(Sequence):
    """A list already ranked elsewhere, as its keys (an in-memory index's answer,
    directory.search_index), paginated like a queryset: its count is the keys', and a slice
    reads only those keys' rows from `queryset` (model instances or values() dicts with "id"),
    in the keys' order. A key whose row `queryset` no longer holds is left out."""

    def __init__(self, queryset, keys: list):
        self.queryset = queryset
        self.keys = keys

    def count(self) -> int:
        return len(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0] if index >= 0 else self[len(self) + index]
        keys = self.keys[index]
        if not keys:
            return []
        rows = {_key(row): row for row in self.queryset.filter(pk__in=keys).order_by()}
        return [rows[key] for key in keys if key in rows]


def _key(row):
    return row["id"] if isinstance(row, dict) else row.pk
