"""The API's JSON parser: DRF's, plus a bound on nesting.

Python's json module recurses once per nested array or object, so a 2 KB body of a thousand
`[` raised RecursionError (a 500). Nothing this API takes is nested more than a few levels,
so any body nested deeper than MAX_JSON_DEPTH is refused with a 400 before a serializer sees
it, and a RecursionError while parsing (a depth the check never gets to) is a 400 too.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 16


def json_depth_exceeds(data, limit: int) -> bool:
    """Whether `data` nests lists or dicts deeper than `limit` (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        stack.extend((item, depth + 1) for item in value)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            too_deep = True
        else:
            too_deep = json_depth_exceeds(data, MAX_JSON_DEPTH)
        if too_deep:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        return data
