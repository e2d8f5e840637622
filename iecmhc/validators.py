"""Validators of text that reaches pages, email subjects and other people's screens."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Control characters (C0, DEL, C1), line and paragraph separators, and the invisible
# characters that reorder text (bidirectional marks, embeddings, overrides and isolates): a
# name with U+202E shows reversed on pages and in email subjects, where it can pass for
# something else.
_NOT_SINGLE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


@deconstructible
class SingleLineValidator:
    """One line of plain text: no control, line-breaking or text-direction characters."""

    message = _("Use a single line, without control or text-direction characters.")
    code = "invalid"

    def __call__(self, value):
        if _NOT_SINGLE_LINE.search(str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, SingleLineValidator)

    def __hash__(self):
        return hash(SingleLineValidator)


single_line = SingleLineValidator()

# Scripts that one language writes together: Japanese mixes kana and kanji, Korean hangul and
# hanja. Everything else is one script per name.
_SCRIPT_FAMILY = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "IDEOGRAPHIC": "CJK"}


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0]
    return _SCRIPT_FAMILY.get(first, first)


def scripts_of(text: str) -> set[str]:
    """The scripts of the letters in `text` (by Unicode name: LATIN, CYRILLIC, GREEK, ...)."""
    text = unicodedata.normalize("NFKC", text)
    return {_script(char) for char in text if char.isalpha()}


@deconstructible
class SingleScriptValidator:
    """Letters from one script only: "vіctim" with a Cyrillic і passes for "victim"."""

    message = _("Use letters from one alphabet only (for example, not Latin mixed with Cyrillic).")
    code = "mixed_script"

    def __call__(self, value):
        if len(scripts_of(str(value))) > 1:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, SingleScriptValidator)

    def __hash__(self):
        return hash(SingleScriptValidator)


single_script = SingleScriptValidator()
