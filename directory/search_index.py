"""Directory search from a per-process index of the listings' words (PostgreSQL).

A search by words alone (the directory's `q`, with no other filter than a listing status) is
answered here, without asking the database to find, rank and count the listings it matches: a
common word ("infant") matches half of them, and finding, ranking and counting those in SQL
reads every one of them. The database is asked only for the search version and the query's
parse (one query, directory.search_version.read), then for the page's rows by key.

The index holds, for every listing in the directory's order (display_name, id, as the database
collates them): its key and status; the words of its search text as the words' GIN index has them
(the stored `to_tsvector('simple', search_text)`, directory.search.WORDS_COLUMN, so a word is cut
where the database cuts it); and the start of its search text, up to the end of its name (to rank).
It is built when first needed (one query) and kept while the search version stays the same: any
write that changes a listing's name, bio or status changes the version, so the next search in every
process rebuilds it (directory.search_version).

Its answer is directory.search's exactly (tests/directory/test_search_index.py holds them
equal): every word must begin a word of the listing (a tsquery prefix, 'word':*), and the
listings with more of the words in their name come first (a word is in the name when its first
place in the search text lies within the name's length), then by name and key. It answers only
queries whose words are letters and digits that PostgreSQL parses as those words alone (the
parse comes with the version): any other query (punctuation, a word it splits) is left to SQL,
as is every search inside a transaction that has written, and every search on SQLite.
"""

import bisect
import threading
from dataclasses import dataclass

import numpy as np
from django.db import connection

from directory import search, search_version

# A word longer than this is left to SQL (the index keeps this much of the text past a name).
MAX_WORD = 64


@dataclass
class Index:
    """The listings' words at one search version."""

    version: str
    ids: np.ndarray  # listing keys, in the directory's order
    in_status: dict[str, np.ndarray]  # {listing_status: whether each listing has it}
    name_lengths: np.ndarray  # each listing's length(display_name)
    heads: str  # each listing's search text up to the end of its name, joined by "\n"
    starts: np.ndarray  # where each listing's head begins in `heads`
    words: list[str]  # every word of every listing, sorted
    postings: list[np.ndarray]  # for each word, the positions of the listings holding it

    def matching(self, words: list[str], status: str | None = None) -> np.ndarray:
        """The positions of the listings (in `status`, or all) holding a word beginning with
        each of `words`."""
        if status is None:
            found = np.ones(len(self.ids), dtype=bool)
        else:
            found = self.in_status.get(status, np.zeros(len(self.ids), dtype=bool)).copy()
        for word in words:
            low = bisect.bisect_left(self.words, word)
            high = bisect.bisect_left(self.words, word[:-1] + chr(ord(word[-1]) + 1))
            has = np.zeros(len(self.ids), dtype=bool)
            for posting in self.postings[low:high]:
                has[posting] = True
            found &= has
        return np.flatnonzero(found)

    def in_name(self, word: str) -> np.ndarray:
        """Whether `word` first occurs in each listing's search text within its name's length
        (STRPOS(search_text, word) <= length(display_name)), as booleans by position."""
        at, places = -1, []
        while (at := self.heads.find(word, at + 1)) >= 0:
            places.append(at)
        inside = np.zeros(len(self.ids), dtype=bool)
        if places:
            offsets = np.array(places)
            owner = np.searchsorted(self.starts, offsets, side="right") - 1
            inside[owner[offsets - self.starts[owner] < self.name_lengths[owner]]] = True
        return inside

    def ranked(self, words: list[str], status: str | None = None) -> list[int]:
        """The keys of the listings (in `status`, or all) matching `words`, best first."""
        found = self.matching(words, status)
        rank = np.zeros(len(found), dtype=np.int64)
        for word in words:
            rank += self.in_name(word)[found]
        # `found` is in the directory's order: a stable sort by rank keeps it within a rank.
        return self.ids[found[np.argsort(-rank, kind="stable")]].tolist()


def _head(text: str, name_length: int) -> str:
    """The search text up to the end of the name: a word of letters and digits that starts
    within the name's length ends before the first other character at or past it (or within
    MAX_WORD characters)."""
    end = name_length
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[:end]


def build(version: str) -> Index:
    """The index of the listings now (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, listing_status, length(display_name), "
            "left(search_text, length(display_name) + %s), "
            f"tsvector_to_array({search.WORDS_COLUMN}) FROM directory_consultant "
            "ORDER BY display_name, id",
            [MAX_WORD],
        )
        rows = cursor.fetchall()
    postings: dict[str, list[int]] = {}
    heads, starts, at = [], [], 0
    for position, (_pk, _status, name_length, text, lexemes) in enumerate(rows):
        head = _head(text or "", name_length or 0)
        heads.append(head)
        starts.append(at)
        at += len(head) + 1
        for lexeme in lexemes:
            postings.setdefault(lexeme, []).append(position)
    words = sorted(postings)
    statuses = np.array([row[1] for row in rows], dtype=object)
    return Index(
        version=version,
        ids=np.array([row[0] for row in rows], dtype=np.int64),
        in_status={s: statuses == s for s in set(statuses.tolist())},
        name_lengths=np.array([row[2] or 0 for row in rows], dtype=np.int64),
        heads="\n".join(heads),
        starts=np.array(starts, dtype=np.int64),
        words=words,
        postings=[np.array(postings[w], dtype=np.int64) for w in words],
    )


_current: Index | None = None
_building = threading.Lock()


def current(version: str) -> Index:
    """This process's index at `version`: kept, or built anew."""
    global _current
    kept = _current
    if kept is not None and kept.version == version:
        return kept
    with _building:
        kept = _current
        if kept is None or kept.version != version:
            kept = _current = build(version)
    return kept


def answerable(words: list[str]) -> bool:
    """Words the index may answer for: letters and digits only, not too long."""
    return bool(words) and all(w.isalnum() and len(w) <= MAX_WORD for w in words)


def ranked(text: str, status: str | None) -> list[int] | None:
    """The keys of the listings in `status` (None: every listing) matching `text`, best first
    (as directory.search orders them), or None when the index cannot answer: SQLite, a
    transaction that has written, or a query PostgreSQL parses otherwise than as its words."""
    words = search.query_words(text)
    if connection.vendor != "postgresql" or not answerable(words):
        return None
    tsquery = " & ".join(search.word_prefix_query(w) for w in words)
    version, parsed = search_version.read(tsquery)
    if version is None or parsed != tsquery:
        return None
    return current(version).ranked(words, status)
