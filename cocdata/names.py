"""How names and contacts are compared: the one folding rule of cocdata.

Person code names, the leak guard, the analyses and forwarding pseudonyms all
compare people's names and contacts. They must agree on when two spellings
are the same person, so they all fold text here:

- ``fold_text`` keeps the text's layout (line breaks, spacing) for searching
  inside longer text: Unicode compatibility forms (NFKC), case and accents
  are folded, invisible format characters (zero-width spaces, soft hyphens,
  NUL and other controls) are dropped.
- ``fold_name`` is ``fold_text`` with runs of spaces collapsed: the key of a
  name ("José  Núñez" and "JOSE NUNEZ" fold alike).
- ``fold_contact`` folds an e-mail address or handle: ``mailto:``, angle
  brackets and surrounding spaces go, the whole is lower case.
"""

from __future__ import annotations

import re
import unicodedata

#: Names that stand for nobody in particular and so identify no one.
NOBODY = frozenset({"", "unknown", "anonymous"})

_MAILTO = re.compile(r"^\s*(?:mailto:)?\s*<?\s*(.*?)\s*>?\s*$", re.IGNORECASE)


# Only these characters can be invisible or combining; the rest of a long,
# mostly ASCII text is left to the regular expression engine.
_SPECIAL = re.compile(r"[^\x20-\x7e\n\r\t]")


def _visible(match: re.Match[str]) -> str:
    c = match.group()
    return "" if unicodedata.category(c) in ("Cf", "Cc") else c


def _base(match: re.Match[str]) -> str:
    c = match.group()
    return "" if unicodedata.combining(c) else c


def _drop_invisible(text: str) -> str:
    # Category Cf holds zero-width spaces and joiners, soft hyphens and bidi
    # marks; Cc holds NUL and other controls. Line breaks and tabs are kept.
    return _SPECIAL.sub(_visible, text)


def fold_text(text: str) -> str:
    """Lower case, accents, compatibility forms and invisible characters dropped.

    Spacing and line breaks are kept, so positions in a text still mean
    something: ``fold_text("Zé\u200bphyrine") == "zephyrine"``.
    """
    if text.isascii():
        if any(ord(c) < 32 or ord(c) == 127 for c in text):
            text = _drop_invisible(text)
        return text.casefold()
    text = _drop_invisible(unicodedata.normalize("NFKC", text))
    decomposed = unicodedata.normalize("NFKD", text)
    return _SPECIAL.sub(_base, decomposed).casefold()


def fold_name(text: str) -> str:
    """The key of a name: ``fold_text`` with spaces collapsed ('José  Núñez' -> 'jose nunez')."""
    return " ".join(fold_text(text).split())


def fold_contact(text: str) -> str:
    """The key of an e-mail address or handle: ``<Ann@Example.org>`` -> ``ann@example.org``."""
    match = _MAILTO.match(fold_text(text))
    inner = match.group(1) if match else text
    return " ".join(inner.split())


def identifies_someone(name: str | None) -> bool:
    """False for empty names and stand-ins like 'unknown' or 'anonymous'."""
    return bool(name) and fold_name(name) not in NOBODY


def person_keys(name: str | None, contact: str | None) -> list[str]:
    """Keys that identify one person: their folded name and folded contact."""
    keys = []
    if name and identifies_someone(name):
        keys.append("n:" + fold_name(name))
    if contact and contact.strip():
        keys.append("c:" + fold_contact(contact))
    return keys
