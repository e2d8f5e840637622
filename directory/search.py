"""Directory search: accent- and case-insensitive, on PostgreSQL and on SQLite.

A listing's `search_text` is its name and bio folded (accents removed, lower case) by the
database itself, as a stored generated column, so every write (services, admin, bulk inserts)
keeps it current. The fold is one SQL function, `iecmhc_fold(text)`:

- on PostgreSQL, `lower(unaccent(...))`, declared IMMUTABLE by the migration that creates it
  (with the `unaccent` and `pg_trgm` extensions and a trigram GIN index on `search_text`, which
  serves `LIKE '%word%'`);
- on SQLite, `fold()` below, registered on every connection (`register_sqlite_fold`).

A query matches a listing when every word of it, folded the same way, occurs in `search_text`;
the results rank listings whose name holds more of the words first, then by name. A search
scans every listing it matches to rank them, so its page and total are read in one query
(iecmhc.pagination.WindowCountPaginator).
"""

import unicodedata

from django.db.models import Case, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, Length, StrIndex

FOLD_FUNCTION = "iecmhc_fold"
MAX_WORDS = 10

# The SQL function on PostgreSQL. unaccent() itself is only STABLE (its dictionary could change),
# so it cannot feed a generated column or an index; naming the dictionary makes this wrapper safe
# to declare IMMUTABLE (the documented way to index unaccented text).
POSTGRES_FOLD_SQL = f"""
CREATE OR REPLACE FUNCTION {FOLD_FUNCTION}(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
"""


def fold(text: str | None) -> str | None:
    """Lower case, without accents: "Hernández" -> "hernandez" (as iecmhc_fold in SQL)."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def register_sqlite_fold(sender, connection, **kwargs) -> None:
    """connection_created receiver: give SQLite the fold function (deterministic, so it may
    compute a generated column)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)


class Fold(Func):
    """iecmhc_fold(expression): the folded text, in SQL."""

    function = FOLD_FUNCTION
    arity = 1
    output_field = TextField()


def search_text_expression() -> Fold:
    """What Consultant.search_text holds: the folded name and bio."""
    return Fold(Concat(F("display_name"), Value(" "), F("bio"), output_field=TextField()))


def query_words(text: str) -> list[str]:
    """The folded words of a query (at most MAX_WORDS)."""
    return [word for word in (fold(text) or "").split()[:MAX_WORDS] if word]


def search(qs: QuerySet, *, text: str) -> QuerySet:
    """Listings holding every word of `text` in their name or bio, whatever the accents and
    case, ranked: more of the words in the name first, then by name."""
    words = query_words(text)
    if not words:
        return qs
    for word in words:
        qs = qs.filter(search_text__contains=word)
    # A word is in the name when its first place in search_text (which starts with the folded
    # name) lies within the name's length: no second fold of the name per row.
    in_name = [
        When(
            Q(**{f"_at_{i}__gt": 0, f"_at_{i}__lte": Length("display_name")}),
            then=Value(1),
        )
        for i in range(len(words))
    ]
    rank = sum((Case(when, default=Value(0)) for when in in_name), Value(0))
    positions = {f"_at_{i}": StrIndex("search_text", Value(word)) for i, word in enumerate(words)}
    return (
        qs.alias(**positions).alias(search_rank=rank).order_by("-search_rank", "display_name", "id")
    )
