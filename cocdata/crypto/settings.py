"""The ``[encryption]`` settings of a store's ``cocdata.toml``: key id, key check, passphrase slot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag

from cocdata.crypto.passphrase import check_new_passphrase, derive, new_kdf_settings
from cocdata.crypto.sealing import StoreKey, b64, unb64
from cocdata.errors import StoreError
from cocdata.vocab import toml_string


@dataclass(frozen=True)
class Encryption:
    """The ``[encryption]`` settings of a store's ``cocdata.toml``."""

    key_id: str
    check: str
    passphrase: dict[str, Any] | None = None
    state: str = "done"
    """``encrypting`` while ``cocdata encrypt`` re-writes an existing store."""

    @classmethod
    def from_toml(cls, data: Mapping[str, Any], source: str = "cocdata.toml") -> Encryption | None:
        section = data.get("encryption")
        if section is None:
            return None
        try:
            slot = section.get("passphrase")
            return cls(
                key_id=str(section["key_id"]),
                check=str(section["check"]),
                passphrase=dict(slot) if slot else None,
                state=str(section.get("state", "done")),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise StoreError(
                f"The [encryption] section of {source} is incomplete ({exc}).",
                "Restore cocdata.toml from a backup: without it the store cannot be unlocked.",
            ) from None

    def to_toml(self) -> str:
        lines = [
            "[encryption]",
            "# The store key, sealed; see 'cocdata encrypt --help'. Do not edit.",
            'cipher = "AES-256-GCM"',
            f"key_id = {toml_string(self.key_id)}",
            f"check = {toml_string(self.check)}",
        ]
        if self.state != "done":
            lines.append(f"state = {toml_string(self.state)}")
        if self.passphrase:
            lines += ["", "[encryption.passphrase]"]
            for name, value in self.passphrase.items():
                shown = str(value) if isinstance(value, int) else toml_string(str(value))
                lines.append(f"{name} = {shown}")
        return "\n".join(lines) + "\n"

    @classmethod
    def new(cls, key: StoreKey, passphrase: str | None, state: str = "done") -> Encryption:
        """Settings for ``key``, sealed with ``passphrase`` when one is given."""
        return cls(key.key_id, key.check_value(), _passphrase_slot(key, passphrase), state)

    def with_passphrase(self, key: StoreKey, passphrase: str) -> Encryption:
        return Encryption(self.key_id, self.check, _passphrase_slot(key, passphrase), self.state)

    def with_state(self, state: str) -> Encryption:
        return Encryption(self.key_id, self.check, self.passphrase, state)

    def open_with_passphrase(self, passphrase: str) -> StoreKey | None:
        """The store key, or None if the passphrase is wrong (or the store has none)."""
        if not self.passphrase:
            return None
        kek = derive(passphrase, self.passphrase)
        try:
            secret = StoreKey(self.key_id, kek).unseal(
                unb64(str(self.passphrase["wrapped_key"])), "passphrase"
            )
        except (InvalidTag, ValueError, KeyError):
            return None
        key = StoreKey(self.key_id, secret)
        return key if key.matches(self.check) else None


def _passphrase_slot(key: StoreKey, passphrase: str | None) -> dict[str, Any] | None:
    if passphrase is None:
        return None
    check_new_passphrase(passphrase)
    kdf = new_kdf_settings()
    kek = derive(passphrase, kdf)
    wrapped = StoreKey(key.key_id, kek).seal(key.secret, "passphrase")
    return {**kdf, "wrapped_key": b64(wrapped)}
