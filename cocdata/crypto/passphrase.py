"""The passphrase: Argon2id (scrypt where OpenSSL lacks it) from a passphrase to a key."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm

from cocdata.crypto.sealing import KEY_BYTES, b64, unb64
from cocdata.errors import LockedStore, StoreError

MIN_PASSPHRASE = 10

# Argon2id cost (RFC 9106's second recommended setting): about 0.2 s and
# 64 MiB once per process, which is what makes guessing passphrases slow.
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_ITERATIONS = 3
ARGON2_LANES = 4
# scrypt (only where OpenSSL has no Argon2): OWASP's 2**17, r=8, p=1.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1


def derive(passphrase: str, kdf: Mapping[str, Any]) -> bytes:
    """The key a passphrase gives under the KDF settings ``kdf`` (salt and cost)."""
    try:
        return _run_kdf(passphrase.encode("utf-8"), kdf)
    except (KeyError, ValueError, TypeError, OverflowError) as exc:
        raise StoreError(
            f"The [encryption.passphrase] settings in cocdata.toml are damaged ({exc}).",
            "Restore cocdata.toml from a backup, or open the store with its key file.",
        ) from None


def _run_kdf(secret: bytes, kdf: Mapping[str, Any]) -> bytes:
    salt = unb64(str(kdf["salt"]))
    name = kdf.get("kdf")
    if name == "argon2id":
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        return Argon2id(
            salt=salt,
            length=KEY_BYTES,
            iterations=int(kdf["iterations"]),
            lanes=int(kdf["lanes"]),
            memory_cost=int(kdf["memory_kib"]),
        ).derive(secret)
    if name == "scrypt":
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        return Scrypt(
            salt=salt, length=KEY_BYTES, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"])
        ).derive(secret)
    raise StoreError(
        f"The store's cocdata.toml names the key derivation {name!r}, which cocdata does not know.",
        "It may have been made by a newer cocdata; update cocdata.",
    )


def new_kdf_settings() -> dict[str, Any]:
    """Fresh KDF settings with a random salt: Argon2id, or scrypt without Argon2 support."""
    salt = b64(secrets.token_bytes(16))
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        Argon2id(salt=b"0" * 16, length=KEY_BYTES, iterations=1, lanes=1, memory_cost=8)
    except (ImportError, UnsupportedAlgorithm):
        return {"kdf": "scrypt", "salt": salt, "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
    return {
        "kdf": "argon2id",
        "salt": salt,
        "memory_kib": ARGON2_MEMORY_KIB,
        "iterations": ARGON2_ITERATIONS,
        "lanes": ARGON2_LANES,
    }


def check_new_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too short to protect the store."""
    if len(passphrase.strip()) < MIN_PASSPHRASE:
        raise LockedStore(
            f"That passphrase is too short (fewer than {MIN_PASSPHRASE} characters); "
            "nothing was changed.",
            "Use four or more random words, e.g. 'lantern orbit velvet cactus'.",
        )
