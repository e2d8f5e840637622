"""Directory search: accent- and case-insensitive, on PostgreSQL and on SQLite.

A listing's `search_text` is its name and bio folded (accents removed, lower case) by the
database itself, as a stored generated column, so every write (services, admin, bulk inserts)
keeps it current. The fold is one SQL function, `iecmhc_fold(text)`:

- on PostgreSQL, `lower(unaccent(...))`, declared IMMUTABLE by the migration that creates it
  (with the `unaccent` and `pg_trgm` extensions and a trigram GIN index on `search_text`, which
  serves `LIKE '%word%'`);
- on SQLite, `fold()` below, registered on every connection (`register_sqlite_fold`).

A query matches a listing when every word of it, folded the same way, is found in `search_text`:

- on PostgreSQL, by full-text search: each word must begin a word of the name or bio (so "reflect"
  finds "reflective", "hern" finds "Hernández"), read from a GIN index on the stored words
  `to_tsvector('simple', search_text)` (`WORDS_COLUMN`; the 'simple' configuration neither stems nor
  drops stop words, so a name is found as written). The words are also checked as written (`LIKE
  '%word%'`) among the index's candidates, so punctuation in a query word ("100%") is not lost. A
  query word with no letter or digit in it has nothing to look up in the index: it falls back to the
  trigram index on `search_text` (`LIKE`);
- on SQLite, every word by `LIKE '%word%'` on `search_text` (a substring anywhere).

A common word ("infant", "reflective") matches a third of the listings: the index lists them
without reading the listings' text, where `LIKE '%word%'` (even through the trigram index) had to
read every row's name and bio.

The results rank listings whose name holds more of the words first, then by name. A search
reads every listing it matches to rank them, so its page and total are read in one query
(iecmhc.pagination.WindowCountPaginator).
"""

import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import Case, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import RawSQL
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


WORDS_INDEX = "consultant_search_words_idx"
# Migration 0017's index on the words of search_text, computed for every row it read.
WORDS_SQL = "to_tsvector('simple'::regconfig, search_text)"
WORDS_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {WORDS_INDEX} ON directory_consultant USING gin ({WORDS_SQL})"
)
# Since migration 0018, those words are stored (PostgreSQL only, a column the ORM does not
# know): `search_words`, generated from the same expression as search_text, so a row's words
# are computed when it is written, not when it is searched or indexed in memory. The GIN index
# of the same name is on it. (Computing them per row made a common word's search cost up to a
# second whenever the planner chose a sequential scan.)
WORDS_COLUMN = "search_words"
WORDS_COLUMN_INDEX_SQL = (
    f"CREATE INDEX {WORDS_INDEX} ON directory_consultant USING gin ({WORDS_COLUMN})"
)


def add_words_column(schema_editor) -> None:
    """The stored words column and its index, replacing the expression index (PostgreSQL)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
            "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
            "WHERE d.adrelid = 'directory_consultant'::regclass AND a.attname = 'search_text'"
        )
        (search_text,) = cursor.fetchone()
    schema_editor.execute(f"DROP INDEX IF EXISTS {WORDS_INDEX}")
    schema_editor.execute(
        f"ALTER TABLE directory_consultant ADD COLUMN {WORDS_COLUMN} tsvector GENERATED ALWAYS "
        f"AS (to_tsvector('simple'::regconfig, {search_text})) STORED"
    )
    schema_editor.execute(WORDS_COLUMN_INDEX_SQL)


def drop_words_column(schema_editor) -> None:
    schema_editor.execute(f"ALTER TABLE directory_consultant DROP COLUMN IF EXISTS {WORDS_COLUMN}")
    schema_editor.execute(WORDS_INDEX_SQL)


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


def stored_words() -> RawSQL:
    """The stored words of the folded name and bio (PostgreSQL; see WORDS_COLUMN)."""
    return RawSQL(f'"directory_consultant"."{WORDS_COLUMN}"', [], output_field=SearchVectorField())


def word_prefix_query(word: str) -> str:
    """`word` as a tsquery that matches words beginning with it: 'word':* (quoted, so the
    query's own syntax characters are only text)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "':*"


def _has_lexeme(word: str) -> bool:
    return any(c.isalnum() for c in word)


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
    # Where each word first occurs in search_text: the rank below, and the check as written.
    positions = {f"_at_{i}": StrIndex("search_text", Value(word)) for i, word in enumerate(words)}
    qs = qs.alias(**positions)
    indexed = [w for w in words if _has_lexeme(w)] if _postgres(qs.db) else []
    if indexed:
        query = SearchQuery(
            " & ".join(word_prefix_query(w) for w in indexed), config="simple", search_type="raw"
        )
        qs = qs.alias(_words=stored_words()).filter(_words=query)
    for i, word in enumerate(words):
        if not indexed:
            qs = qs.filter(search_text__contains=word)  # LIKE: the trigram index, or SQLite
        elif not word.isalnum():
            # Among the index's candidates only (STRPOS, which no index serves, so the plan
            # stays on the words' index): "100%" is not just "100".
            qs = qs.filter(**{f"_at_{i}__gt": 0})
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
    return qs.alias(search_rank=rank).order_by("-search_rank", "display_name", "id")


def _postgres(alias: str) -> bool:
    from django.db import connections

    return connections[alias].vendor == "postgresql"
