from django.core.paginator import Paginator
from django.db.models import Count, Window
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (capped at 100), as the API contract specifies."""

    page_size_query_param = "page_size"
    max_page_size = 100


class WindowCountPaginator(Paginator):
    """Reads a page and the total in one query (`COUNT(*) OVER ()`), so a search or a filter
    that scans the table scans it once rather than once to count and again for the page. Only
    a page past the end costs a second query (a plain count, to tell it apart from an empty
    list). The object list is a values() queryset: each row is a dict."""

    TOTAL = "_window_total"

    def page(self, number):
        number = self._first_guess(number)
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(**{self.TOTAL: Window(Count("pk"))})[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.count = rows[0][self.TOTAL]  # the cached_property's value, known without a query
            for row in rows:
                del row[self.TOTAL]
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
