"""How the leak guard sees through a name, e-mail or phone number written in disguise.

A team member who pastes a summary from a chat or a web page brings along
what those carry: zero-width spaces, soft hyphens, letters of another
script that look like Latin ones, Markdown emphasis, words broken at a
line's end. None of it changes what a reader sees, so none of it may hide
a name from :class:`cocdata.reports.leaks.LeakGuard`. This module holds the
rules that only the leak guard needs; the folding every name comparison
shares (compatibility forms, case, accents, invisible characters) is
:func:`cocdata.names.fold_text`.

- :func:`fold` is ``fold_text`` and then each letter that Unicode's
  confusables data (through the ``confusable_homoglyphs`` package) lists as
  looking like a Latin letter or digit is read as that letter: a Cyrillic
  ``е`` is an ``e``, a Greek ``ο`` an ``o``. One character stays one, so
  positions in the folded text keep their meaning.
- :func:`rendered` is folded text as a reader sees it once Markdown or
  inline HTML is rendered and a broken word is read whole: emphasis, code
  and strike-through marks and inline tags go, a link keeps its words
  (its target follows at the end), a word split by a hyphen and a line
  break or by a line break alone is joined, and letters spaced out one by
  one (``q u i l l``) are read as one word.
- :func:`unmasked` is rendered text with the usual e-mail disguises undone:
  ``[at]``, ``(at)``, ``{at}``, `` at ``, ``[dot]``, ``(.)``, `` dot ``.
  It is only searched for contacts, so that "met Jo at Smith's" is never
  read as an address.
- :class:`Phones` holds phone numbers by what they are (country code and
  national number, through the ``phonenumbers`` package), so that
  ``+44 20 7946 0958`` in the store is found written ``020 7946 0958``,
  ``0044 20 7946 0958``, ``+44 (0)20 7946 0958`` or ``+442079460958``.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from typing import Generic, TypeVar

from cocdata.names import fold_text

T = TypeVar("T")


@functools.cache
def _confusables() -> dict[int, str]:
    """Each non-ASCII letter that looks like an ASCII letter or digit, to that (lower case)."""
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    table: dict[int, str] = {}
    for char, homoglyphs in data.items():
        if len(char) != 1 or char.isascii() or not unicodedata.category(char).startswith("L"):
            continue
        for glyph in homoglyphs:
            c = glyph.get("c", "")
            if len(c) == 1 and c.isascii() and c.isalnum():
                table[ord(char)] = c.lower()
                break
    return table


# ASCII control characters that ``fold_text`` drops (tabs and line breaks it keeps).
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def fold(text: str) -> str:
    """``names.fold_text`` with look-alike letters of other scripts read as Latin ones."""
    if text.isascii() and not _ASCII_CONTROL.search(text):
        # What fold_text makes of it, found at C speed: ASCII has no accent, no
        # compatibility form and no look-alike, and casefold() is lower() there.
        return text.lower()
    folded = fold_text(text)
    if folded.isascii():
        return folded
    return folded.translate(_confusables())


def tags(names: str, attributes: str = r"[^>]*") -> re.Pattern[str]:
    """The opening and closing tags of the elements ``names`` (``p|div|...``), in any case."""
    return re.compile(rf"</?(?:{names})\b{attributes}>", re.IGNORECASE)


_INLINE_TAG = tags(
    "em|strong|b|i|u|s|strike|del|ins|mark|small|big|sub|sup|span|code|kbd|tt|a|font|abbr",
    r"[^<>\n]{0,200}",
)
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\(\s*<?([^)>\n]*)>?\s*\)")
_MARKUP = re.compile(r"[*_`~]+")
_LETTER = r"[^\W\d_]"
# A hyphen at a line's end (or before spaces), or a lone line break, inside a word.
_BROKEN = re.compile(rf"(?<={_LETTER})(?:-[^\S\n]*\n?|[^\S\n]*\n)[^\S\n]*(?={_LETTER})")
# Three or more single letters or digits, each set apart by one space, dot or hyphen.
_SPACED = re.compile(r"(?<![^\W_])[^\W_](?:[ .\-·•][^\W_](?![^\W_])){2,}")
_SPACERS = re.compile(r"[ .\-·•]")


def rendered(folded: str) -> str:
    """Folded text as it reads once rendered, its broken and spaced-out words whole."""
    targets: list[str] = []

    def link(match: re.Match[str]) -> str:
        targets.append(match.group(2))
        return match.group(1)

    text = _MD_LINK.sub(link, folded)
    text = _INLINE_TAG.sub("", text)
    text = _MARKUP.sub("", text)
    text = _BROKEN.sub("", text)
    text = _SPACED.sub(lambda m: _SPACERS.sub("", m.group()), text)
    return "\n".join([text, *targets]) if targets else text


_AT = re.compile(r"\s*(?:[\[({<]\s*(?:at|@)\s*[\])}>]|(?<=\S)\s+at\s+(?=\S))\s*")
_DOT = re.compile(r"\s*(?:[\[({<]\s*(?:dot|\.)\s*[\])}>]|(?<=\S)\s+dot\s+(?=\S))\s*")


def unmasked(text: str) -> str:
    """Rendered text with e-mail disguises (``[at]``, `` at ``, ``(dot)``...) undone."""
    return _DOT.sub(".", _AT.sub("@", text))


# -- phone numbers -----------------------------------------------------------------

# Something that may be a phone number: digits with the spacing and punctuation
# phone numbers are written with, on one line.
_PHONE = re.compile(r"(?<![\w+])(?:\+|\(\s*\+?)?\d[\d \t().\-/–]{5,}\d(?!\d)")
_MIN_DIGITS = 7
Number = tuple[int, int]
"""A phone number as what it is: country code and national number."""


def phone_number(value: str) -> Number | None:
    """A store's contact as a phone number, if it is written in international form."""
    import phonenumbers

    folded = fold_text(value).strip()
    if sum(c.isdigit() for c in folded) < _MIN_DIGITS:
        return None
    if folded.startswith("00"):
        folded = "+" + folded[2:]
    if not folded.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(folded, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return (number.country_code, number.national_number)


@dataclass
class Phones(Generic[T]):
    """Phone numbers of the store, each with what it stands for, found in any written form."""

    numbers: dict[Number, T] = field(default_factory=dict)

    def add(self, number: Number, value: T) -> None:
        self.numbers.setdefault(number, value)

    def _regions(self) -> list[str]:
        import phonenumbers

        regions = {phonenumbers.region_code_for_country_code(cc) for cc, _ in self.numbers}
        # "011" is how North America dials abroad: "011 44 20 ..." is a British number.
        return sorted(r for r in regions | {"US"} if r and r != "ZZ")

    def find(self, text: str) -> list[T]:
        """What each phone number of the store seen in ``text`` stands for."""
        if not self.numbers:
            return []
        import phonenumbers

        regions = self._regions()
        found: dict[Number, T] = {}
        for match in _PHONE.finditer(text):
            candidate = match.group()
            if sum(c.isdigit() for c in candidate) < _MIN_DIGITS:
                continue
            if candidate.startswith("00"):
                candidate = "+" + candidate[2:]
            for region in regions:
                try:
                    number = phonenumbers.parse(candidate, region)
                except phonenumbers.NumberParseException:
                    continue
                key = (number.country_code, number.national_number)
                if key in self.numbers:
                    found[key] = self.numbers[key]
                    break
        return list(found.values())


def variants(folded: str) -> tuple[str, str]:
    """The rendered form of folded text and its unmasked form (see the module docstring)."""
    shown = rendered(folded)
    return shown, unmasked(shown)
