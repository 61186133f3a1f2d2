"""Keys for encrypted stores: the store key, how it is unlocked, and AES-GCM.

An encrypted store has one random 256-bit **store key**. It never appears in
the store in the clear. ``cocdata.toml`` holds, under ``[encryption]``:

- ``key_id``, a random name for the key (it says nothing about the key);
- ``check``, a key check value: a fixed text sealed with the store key, so a
  wrong key is refused at once instead of producing garbage;
- ``[encryption.passphrase]`` (when the team uses a passphrase): the random
  salt and cost of Argon2id (memory-hard; scrypt where the system's OpenSSL
  lacks Argon2) and the store key sealed with the key derived from the
  passphrase. Changing the passphrase re-seals only this, not the store.

A **key file** holds the store key itself (``cocdata-key-1 <key id>
<base64>`` per line), for a server or a team that prefers a file to a
passphrase. How a process gets the key, first match wins:

1. an explicit ``Store.unlock(passphrase=..., key_file=...)`` (the CLI's
   ``--key-file`` and its passphrase prompt end up here);
2. ``COCDATA_KEY_FILE``: a key file;
3. ``COCDATA_PASSPHRASE``: the passphrase.

Unlocked keys are kept in this process only (:func:`remember`), by key id,
so a store opened twice asks once. Processes cocdata starts for the user --
JupyterLab and Voilà servers with their kernels, report kernels -- get the
keys as a key file in a private folder in memory (``$XDG_RUNTIME_DIR`` or
``/dev/shm``), named by ``COCDATA_KEY_FILE``, removed when they stop
(:func:`keys_for_children`). Neither the key nor the passphrase is ever a
notebook parameter, so neither can end up in an executed notebook or report.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import os
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cocdata.errors import DiskFull, LockedStore, StoreError
from cocdata.vocab import toml_string

KEY_FILE_ENV = "COCDATA_KEY_FILE"
PASSPHRASE_ENV = "COCDATA_PASSPHRASE"
KEY_BYTES = 32
NONCE_BYTES = 12
SEALED_MAGIC = b"CDSEAL01"
"""The first bytes of a file sealed whole (evidence, drafts, quarantined files)."""

KEY_FILE_TAG = "cocdata-key-1"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
CHECK_TEXT = b"cocdata store key check"
MIN_PASSPHRASE = 10

# Argon2id cost (RFC 9106's second recommended setting): about 0.2 s and
# 64 MiB once per process, which is what makes guessing passphrases slow.
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_ITERATIONS = 3
ARGON2_LANES = 4
# scrypt (only where OpenSSL has no Argon2): OWASP's 2**17, r=8, p=1.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1

HOW_TO_GIVE_KEY = (
    f"Give the key with --key-file FILE, {KEY_FILE_ENV}=FILE or {PASSPHRASE_ENV}=..., "
    "or type the passphrase when cocdata asks for it."
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
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
        return _b64(self.seal(CHECK_TEXT, "key-check"))

    def matches(self, check: str) -> bool:
        try:
            return self.unseal(_unb64(check), "key-check") == CHECK_TEXT
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


# -- the passphrase ------------------------------------------------------


def _derive(passphrase: str, kdf: Mapping[str, Any]) -> bytes:
    """The key a passphrase gives under the KDF settings ``kdf`` (salt and cost)."""
    try:
        return _run_kdf(passphrase.encode("utf-8"), kdf)
    except (KeyError, ValueError, TypeError, OverflowError) as exc:
        raise StoreError(
            f"The [encryption.passphrase] settings in cocdata.toml are damaged ({exc}).",
            "Restore cocdata.toml from a backup, or open the store with its key file.",
        ) from None


def _run_kdf(secret: bytes, kdf: Mapping[str, Any]) -> bytes:
    salt = _unb64(str(kdf["salt"]))
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
    salt = _b64(secrets.token_bytes(16))
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


# -- the settings in cocdata.toml -------------------------------------------


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
        kek = _derive(passphrase, self.passphrase)
        try:
            secret = StoreKey(self.key_id, kek).unseal(
                _unb64(str(self.passphrase["wrapped_key"])), "passphrase"
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
    kek = _derive(passphrase, kdf)
    wrapped = StoreKey(key.key_id, kek).seal(key.secret, "passphrase")
    return {**kdf, "wrapped_key": _b64(wrapped)}


# -- keys known to this process --------------------------------------------

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


# -- key files ---------------------------------------------------------------


def read_key_file(path: Path) -> list[StoreKey]:
    """Every key in a key file; raises ``LockedStore`` for a missing or malformed file."""
    try:
        text = Path(path).expanduser().read_text(encoding="ascii")
    except FileNotFoundError:
        raise LockedStore(
            f"The key file {path} does not exist.", "Check the path (or COCDATA_KEY_FILE)."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LockedStore(
            f"The key file {path} cannot be read ({exc}).",
            "Name the file 'cocdata key file' wrote, or 'cocdata init --encrypt --key-file' made.",
        ) from None
    keys = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == KEY_FILE_TAG and _KEY_ID.fullmatch(parts[1]):
            try:
                secret = _unb64(parts[2])
            except ValueError:
                continue
            if len(secret) == KEY_BYTES:
                keys.append(StoreKey(parts[1], secret))
    if not keys:
        raise LockedStore(
            f"{path} is not a cocdata key file (it holds no '{KEY_FILE_TAG}' line).",
            "Name the file 'cocdata key file' wrote, or 'cocdata init --encrypt --key-file' made.",
        )
    return keys


def key_file_text(keys: list[StoreKey]) -> str:
    lines = [
        "# cocdata store key. Anyone holding this file can read the store: keep it",
        "# as safe as the passphrase, never in git, never next to a copy of the store.",
    ]
    lines += [f"{KEY_FILE_TAG} {k.key_id} {_b64(k.secret)}" for k in keys]
    return "\n".join(lines) + "\n"


def write_key_file(path: Path, keys: list[StoreKey], replace: bool = False) -> Path:
    """Write a key file readable by its owner only; refuses to overwrite unless asked.

    The key is written whole to a temp file beside it first, so a full disk
    never leaves an empty or partial key file (nor truncates the one replaced).
    """
    path = Path(path).expanduser()
    if not replace and path.exists():
        raise _key_file_exists(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _key_file_failed(path, exc) from None
    try:
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, key_file_text(keys).encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except FileExistsError:
        raise _key_file_exists(path) from None
    except OSError as exc:
        raise _key_file_failed(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _link_new(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the name ``path`` unless a file has that name (never overwriting it)."""
    try:
        os.link(tmp, path)  # fails if the file appeared meanwhile
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        # A file system without hard links (a FAT-formatted USB stick): check, then rename.
        if path.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.rename(tmp, path)


def _key_file_exists(path: Path) -> StoreError:
    return StoreError(
        f"{path} already exists; it was not overwritten.", "Name a new file for the key."
    )


def _key_file_failed(path: Path, exc: OSError) -> StoreError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(
            f"The disk holding the key file {path} is full; the key file was not written "
            "and nothing was changed.",
            "Free space and try again.",
            errno=exc.errno,
        )
    return StoreError(f"The key file {path} cannot be written ({exc}).")


# -- unlocking ---------------------------------------------------------------


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


# -- handing keys to child processes ------------------------------------------


def runtime_dir() -> Path:
    """A folder in memory for this user where possible (keys must not reach the disk)."""
    for candidate in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"):
        if not candidate:
            continue
        path = Path(candidate)
        try:
            info = path.stat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and os.access(path, os.W_OK | os.X_OK):
            return path
    return Path(tempfile.gettempdir())


@contextlib.contextmanager
def keys_for_children(env: dict[str, str]) -> Iterator[Path | None]:
    """Hand this process's unlocked keys to the processes started with ``env``.

    Writes them to a key file in a private folder in memory and points
    ``COCDATA_KEY_FILE`` in ``env`` at it (the passphrase, if set, is taken out:
    the children need not run the KDF again); the file is removed on leaving.
    Yields the file, or None when no key is unlocked.
    """
    keys = list(_RING.values())
    if not keys:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="cocdata-key-", dir=runtime_dir()))
    try:
        path = write_key_file(folder / "keys", keys)
        # Children still need the user's own key file for a store this process
        # has not unlocked: keep its keys too.
        user_file = env.get(KEY_FILE_ENV)
        if user_file:
            with contextlib.suppress(LockedStore):
                extra = [k for k in read_key_file(Path(user_file)) if k.key_id not in _RING]
                if extra:
                    write_key_file(path, keys + extra, replace=True)
        env[KEY_FILE_ENV] = str(path)
        # The key file opens what the passphrase opened; children need not
        # run the KDF again, nor see a passphrase people may use elsewhere.
        env.pop(PASSPHRASE_ENV, None)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


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
