"""Linkage keys and keyed pseudonyms: the same person recognised across teams, never named.

A foundation makes one linkage key (``cocdata link new-key --out FILE``) and
gives it to the event teams it works with. A case package made with the key
carries, for each person, HMAC-SHA256 of each of their folded name and
contact keys (``names.person_keys``: case, accents, spacing and e-mail forms
folded as for person codes), so ``José Núñez`` and ``JOSE NUNEZ`` give the
same pseudonym. Without the key a pseudonym reveals nothing and cannot be
tested against a guessed name; with another key nothing matches.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cocdata.errors import LinkKeyError
from cocdata.names import person_keys

KEY_TAG = "cocdata-link-key-1"
KEY_BYTES = 32
_HEADER = (
    "# cocdata linkage key. Give it only to the event teams that forward cases to you,\n"
    "# over a private channel: whoever holds it can test a guessed name against the\n"
    "# pseudonyms in case packages.\n"
)


@dataclass(frozen=True)
class LinkKey:
    """A linkage key: 32 random bytes, shared by a foundation with its event teams."""

    secret: bytes

    def __repr__(self) -> str:  # the secret never lands in a log or traceback
        return f"LinkKey(id={self.key_id})"

    @property
    def key_id(self) -> str:
        """A short public fingerprint: says which key made a package, reveals nothing of it."""
        return hmac.new(self.secret, b"cocdata link key id", hashlib.sha256).hexdigest()[:16]

    def pseudonym(self, key: str) -> str:
        """The keyed pseudonym of one folded person key (``n:jose nunez``, ``c:ann@example.org``)."""
        return hmac.digest(self.secret, key.encode("utf-8"), "sha256").hex()

    def pseudonyms(self, name: str | None, contact: str | None) -> list[str]:
        """Pseudonyms of a person's name and contact, folded the way person codes are."""
        return [self.pseudonym(k) for k in person_keys(name, contact)]


def new_key() -> LinkKey:
    """A fresh random linkage key."""
    return LinkKey(secrets.token_bytes(KEY_BYTES))


def write_key(key: LinkKey, path: str | os.PathLike[str]) -> Path:
    """Write ``key`` to a new file only its owner can read; an existing file is never replaced."""
    target = Path(path)
    if target.exists():
        raise LinkKeyError(
            f"{target} already exists; a linkage key is never overwritten, since packages "
            "made with it could no longer be linked.",
            "Choose another file name with --out.",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    text = f"{_HEADER}{KEY_TAG} {key.secret.hex()}\n"
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.link(tmp, target)  # fails rather than replace a file made meanwhile
    finally:
        tmp.unlink(missing_ok=True)
    return target


def read_key(path: str | os.PathLike[str]) -> LinkKey:
    """The linkage key in ``path`` (written by ``cocdata link new-key``)."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LinkKeyError(
            f"There is no linkage key file at {source}.",
            "Check the path, or make a key with 'cocdata link new-key --out FILE'.",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LinkKeyError(
            f"The linkage key file {source} cannot be read ({exc}).",
            "Use the file 'cocdata link new-key' wrote, as the foundation sent it.",
        ) from None
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == KEY_TAG:
            try:
                secret = bytes.fromhex(parts[1])
            except ValueError:
                break
            if len(secret) == KEY_BYTES:
                return LinkKey(secret)
            break
    raise LinkKeyError(
        f"{source} is not a cocdata linkage key (or it was cut short or edited).",
        "Use the file 'cocdata link new-key' wrote, as the foundation sent it.",
    )
