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

The modules, each one concern: ``sealing`` (the key and AES-GCM),
``passphrase`` (the KDF), ``settings`` (``[encryption]`` in ``cocdata.toml``),
``keyfiles``, ``unlocking`` (and the keys this process holds) and
``children`` (the hand-off). Their public names are all here.
"""

from cocdata.crypto.children import keys_for_children, runtime_dir
from cocdata.crypto.keyfiles import KEY_FILE_TAG, key_file_text, read_key_file, write_key_file
from cocdata.crypto.passphrase import (
    ARGON2_ITERATIONS,
    ARGON2_LANES,
    ARGON2_MEMORY_KIB,
    MIN_PASSPHRASE,
    check_new_passphrase,
    new_kdf_settings,
)
from cocdata.crypto.sealing import (
    CHECK_TEXT,
    KEY_BYTES,
    NONCE_BYTES,
    SEALED_MAGIC,
    StoreKey,
    sealed_key_id,
)
from cocdata.crypto.settings import Encryption
from cocdata.crypto.unlocking import (
    HOW_TO_GIVE_KEY,
    KEY_FILE_ENV,
    PASSPHRASE_ENV,
    forget_all,
    held,
    how_to_unlock,
    known,
    locked_error,
    remember,
    unlock,
)

__all__ = [
    "ARGON2_ITERATIONS",
    "ARGON2_LANES",
    "ARGON2_MEMORY_KIB",
    "CHECK_TEXT",
    "HOW_TO_GIVE_KEY",
    "KEY_BYTES",
    "KEY_FILE_ENV",
    "KEY_FILE_TAG",
    "MIN_PASSPHRASE",
    "NONCE_BYTES",
    "PASSPHRASE_ENV",
    "SEALED_MAGIC",
    "Encryption",
    "StoreKey",
    "check_new_passphrase",
    "forget_all",
    "held",
    "how_to_unlock",
    "key_file_text",
    "keys_for_children",
    "known",
    "locked_error",
    "new_kdf_settings",
    "read_key_file",
    "remember",
    "runtime_dir",
    "sealed_key_id",
    "unlock",
    "write_key_file",
]
