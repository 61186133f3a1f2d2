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


def _drop_invisible(text: str) -> str:
    # Category Cf holds zero-width spaces and joiners, soft hyphens and bidi
    # marks; Cc holds NUL and other controls. Line breaks and tabs are kept.
    return "".join(c for c in text if c in "\n\r\t" or unicodedata.category(c) not in ("Cf", "Cc"))


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
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


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
