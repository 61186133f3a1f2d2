"""Unlocking: the store key from what was given or the environment, and the keys this process holds."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from cocdata.crypto.keyfiles import read_key_file
from cocdata.crypto.sealing import StoreKey
from cocdata.crypto.settings import Encryption
from cocdata.errors import LockedStore

KEY_FILE_ENV = "COCDATA_KEY_FILE"
PASSPHRASE_ENV = "COCDATA_PASSPHRASE"

HOW_TO_GIVE_KEY = (
    f"Give the key with --key-file FILE, {KEY_FILE_ENV}=FILE or {PASSPHRASE_ENV}=..., "
    "or type the passphrase when cocdata asks for it."
)


_RING: dict[str, StoreKey] = {}


def remember(key: StoreKey) -> None:
    """Keep an unlocked key for this process (stores with its id open without asking)."""
    _RING[key.key_id] = key


def known(key_id: str) -> StoreKey | None:
    """The unlocked key with this id, if this process has it."""
    return _RING.get(key_id)


def forget_all() -> None:
    """Drop every unlocked key of this process (tests; a long session locking up)."""
    _RING.clear()


def held() -> list[StoreKey]:
    """Every key this process has unlocked."""
    return list(_RING.values())


def _from_key_file(settings: Encryption, path: Path, source: str) -> StoreKey | None:
    """The store key from a key file; None if the file holds no key by this store's id."""
    for key in read_key_file(path):
        if key.key_id == settings.key_id:
            if not key.matches(settings.check):
                raise LockedStore(
                    f"The key in {source} does not open this store (it fails the store's key check).",
                    "The key file or cocdata.toml was altered or mixed up with another store's.",
                )
            return key
    return None


def _wrong_key_file(settings: Encryption, source: str, root: Path | None) -> LockedStore:
    where = f" at {root}" if root else ""
    return LockedStore(
        f"{source} holds no key for the store{where} (the store's key id is {settings.key_id}): "
        "it is another store's key.",
        "Name this store's key file, or give its passphrase.",
    )


def _wrong_passphrase(source: str, root: Path | None) -> LockedStore:
    where = f" at {root}" if root else ""
    return LockedStore(
        f"The passphrase {source}is not the passphrase of the store{where}.",
        "Check it and try again (letter case and spaces count).",
    )


def unlock(
    settings: Encryption,
    root: Path | None = None,
    passphrase: str | None = None,
    key_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> StoreKey | None:
    """The store key from what was given, else from the environment; None if nothing was.

    A wrong key or passphrase raises ``LockedStore`` saying which one was wrong.
    An unlocked key is remembered for the rest of the process.
    """
    env = os.environ if environ is None else environ
    key = known(settings.key_id)
    if key is not None and passphrase is None and key_file is None:
        return key
    if key_file is not None:
        key = _from_key_file(settings, Path(key_file), f"the key file {key_file}")
        if key is None:
            raise _wrong_key_file(settings, f"The key file {key_file}", root)
    elif passphrase is not None:
        key = settings.open_with_passphrase(passphrase)
        if key is None:
            if not settings.passphrase:
                raise LockedStore(
                    "This store has no passphrase: it opens with its key file only.",
                    f"Give the key file with --key-file FILE or {KEY_FILE_ENV}=FILE.",
                )
            raise _wrong_passphrase("", root)
    else:
        env_file, env_pass = env.get(KEY_FILE_ENV), env.get(PASSPHRASE_ENV)
        if env_file:
            key = _from_key_file(settings, Path(env_file), f"{KEY_FILE_ENV} ({env_file})")
            if key is None and not env_pass:
                raise _wrong_key_file(settings, f"{KEY_FILE_ENV} ({env_file})", root)
        if key is None and env_pass:
            if not settings.passphrase:
                raise LockedStore(
                    f"{PASSPHRASE_ENV} is set, but this store has no passphrase: "
                    "it opens with its key file only.",
                    f"Give the key file with --key-file FILE or {KEY_FILE_ENV}=FILE.",
                )
            key = settings.open_with_passphrase(env_pass)
            if key is None:
                raise _wrong_passphrase(f"in {PASSPHRASE_ENV} ", root)
    if key is not None:
        remember(key)
    return key


def locked_error(root: Path | None, what: str = "this") -> LockedStore:
    """The error for reading or writing something identifying without the store's key.

    ``what`` names the action, e.g. "reading case amber-falcon" or "the form".
    """
    where = f" at {root}" if root else ""
    return LockedStore(
        f"This store{where} is encrypted and no key was given, and {what} needs it "
        "(counts and statistics do not).",
        HOW_TO_GIVE_KEY,
    )


def how_to_unlock(passphrase: bool, key_file: str | os.PathLike[str] | None) -> str:
    """What opens a new store key, and that losing it loses the data, in words."""
    ways, things = [], []
    if passphrase:
        ways.append("its passphrase (typed when asked, or in COCDATA_PASSPHRASE)")
        things.append("the passphrase")
    if key_file is not None:
        ways.append(f"the key file {key_file} (--key-file or COCDATA_KEY_FILE)")
        things.append("a copy of the key file")
    return (
        "It opens with " + " or ".join(ways) + ". Without that, nothing identifying in it can "
        "ever be read again: keep " + " and ".join(things) + " somewhere safe, away from the store."
    )
