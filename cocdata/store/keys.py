"""The store's key: the ``[encryption]`` settings in ``cocdata.toml`` and unlocking.

``StoreKeys`` is the part of ``Store`` that knows whether the store is
encrypted, whether this process holds its key, and that re-reads the
settings when another process encrypted the store meanwhile, so that
nothing is ever written in the clear into an encrypted store.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Self

from cocdata import crypto, settings
from cocdata.errors import StoreError
from cocdata.store import files
from cocdata.team import permissions


class StoreKeys:
    """Encryption settings and key handling, shared by every ``Store``."""

    root: Path
    encryption: crypto.Encryption | None
    _encryption_stamp: tuple[int, int, int] | None

    def _load_encryption(self) -> None:
        """Read the ``[encryption]`` settings; unlock from the environment if it names a key."""
        path = self.root / "cocdata.toml"
        try:
            info = path.stat()
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, tomllib.TOMLDecodeError):
            return  # vocab.load already said what is wrong with the file, if anything
        self._encryption_stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        self.encryption = crypto.Encryption.from_toml(data, str(path))
        if self.encryption is not None:
            crypto.unlock(self.encryption, self.root)

    def check_encryption(self) -> None:
        """Read the ``[encryption]`` settings again if another process changed them."""
        # Another process may have encrypted the store since it was opened: one
        # stat per write makes sure nothing is then written in the clear.
        try:
            info = (self.root / "cocdata.toml").stat()
        except FileNotFoundError:
            return
        if (info.st_mtime_ns, info.st_size, info.st_ino) != self._encryption_stamp:
            self._load_encryption()

    @property
    def encrypted(self) -> bool:
        """Whether the store encrypts what identifies people (see ``cocdata.crypto``)."""
        return self.encryption is not None

    @property
    def locked(self) -> bool:
        """Whether the store is encrypted and this process has not got its key."""
        return self.encryption is not None and crypto.known(self.encryption.key_id) is None

    def unlock(
        self, passphrase: str | None = None, key_file: str | os.PathLike[str] | None = None
    ) -> Self:
        """Unlock an encrypted store with its passphrase or key file (or the environment).

        A wrong passphrase or key raises ``LockedStore`` at once. Unlocking is
        for the whole process: every ``Store`` of this store shares it.
        """
        if self.encryption is None:
            return self
        key = crypto.unlock(self.encryption, self.root, passphrase=passphrase, key_file=key_file)
        if key is None:
            raise crypto.locked_error(self.root, "unlocking it")
        return self

    def key_for(self, what: str = "this") -> crypto.StoreKey | None:
        """The key to write with: None for a plain store; ``LockedStore`` (saying that
        ``what`` needs the key) in an encrypted store this process has not unlocked."""
        self.check_encryption()
        if self.encryption is None:
            return None
        key = crypto.known(self.encryption.key_id)
        if key is None:
            raise crypto.locked_error(self.root, what)
        return key

    def set_passphrase(self, passphrase: str) -> None:
        """Seal the store key with a new passphrase (the old one stops working)."""
        permissions.require(self, "encrypt")
        key = self.key_for("changing its key")
        assert key is not None and self.encryption is not None
        with files.locked(self.root):
            self.write_settings(self.encryption.with_passphrase(key, passphrase))

    def write_key_file(self, path: str | os.PathLike[str]) -> Path:
        """Write the store key to a new key file (for a server, or a member's laptop)."""
        permissions.require(self, "encrypt")
        key = self.key_for("writing a key file")
        if key is None:
            raise StoreError(
                f"The store at {self.root} is not encrypted, so it has no key.",
                "Encrypt it first with 'cocdata encrypt'.",
            )
        return crypto.write_key_file(Path(path), [key])

    def write_settings(self, sealed: crypto.Encryption | None) -> None:
        """Replace the ``[encryption]`` section of cocdata.toml, keeping the rest as written."""
        path = self.root / "cocdata.toml"
        text = without_encryption(path.read_text(encoding="utf-8"))
        if sealed is not None:
            text = text.rstrip("\n") + "\n\n" + sealed.to_toml()
        files.atomic_write_bytes(self.root, path, text.encode("utf-8"))
        self._load_encryption()


def without_encryption(text: str) -> str:
    """cocdata.toml's text without its ``[encryption]`` tables, wherever they are."""
    return settings.without_tables(text, "encryption")
