"""The store key and AES-256-GCM: sealing bytes to a place in the store, and the key check."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
SEALED_MAGIC = b"CDSEAL01"
"""The first bytes of a file sealed whole (evidence, drafts, quarantined files)."""
CHECK_TEXT = b"cocdata store key check"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class StoreKey:
    """The store key: 32 random bytes and the id that names it."""

    key_id: str
    secret: bytes = field(repr=False)

    @classmethod
    def new(cls) -> StoreKey:
        return cls(secrets.token_hex(8), secrets.token_bytes(KEY_BYTES))

    def seal(self, data: bytes, context: str) -> bytes:
        """AES-256-GCM of ``data``, bound to ``context`` (a file's place in the store).

        The result is ``CDSEAL01``, the key id (length-prefixed), the nonce and
        the ciphertext with its tag. Binding the context means a sealed draft
        cannot be passed off as a sealed evidence file, or one evidence file
        as another.
        """
        nonce = secrets.token_bytes(NONCE_BYTES)
        kid = self.key_id.encode("ascii")
        aad = kid + b":" + context.encode("utf-8")
        body = AESGCM(self.secret).encrypt(nonce, data, aad)
        return SEALED_MAGIC + bytes([len(kid)]) + kid + nonce + body

    def unseal(self, blob: bytes, context: str) -> bytes:
        """The data sealed by :meth:`seal`; ``InvalidTag`` if the key or context is wrong
        or the bytes were altered."""
        if sealed_key_id(blob) != self.key_id:
            raise InvalidTag()
        start = len(SEALED_MAGIC) + 1 + blob[len(SEALED_MAGIC)]
        nonce, body = blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
        aad = self.key_id.encode("ascii") + b":" + context.encode("utf-8")
        return AESGCM(self.secret).decrypt(nonce, body, aad)

    def check_value(self) -> str:
        return b64(self.seal(CHECK_TEXT, "key-check"))

    def matches(self, check: str) -> bool:
        try:
            return self.unseal(unb64(check), "key-check") == CHECK_TEXT
        except (InvalidTag, ValueError):
            return False


def sealed_key_id(data: bytes) -> str | None:
    """The id of the key that sealed ``data`` (see :meth:`StoreKey.seal`), or None if
    ``data`` does not start like a sealed file."""
    if not data.startswith(SEALED_MAGIC) or len(data) <= len(SEALED_MAGIC):
        return None
    size = data[len(SEALED_MAGIC)]
    start = len(SEALED_MAGIC) + 1
    try:
        return data[start : start + size].decode("ascii")
    except UnicodeDecodeError:
        return None
