"""Commands for the key of an encrypted store: ``encrypt``, ``key passphrase``, ``key file``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cocdata import crypto
from cocdata.cli.options import (
    Command,
    KeyFileOption,
    NewKeyFileOption,
    StoreOption,
    group,
    new_passphrase,
    open_store,
    say,
)
from cocdata.errors import CorruptStore, LockedStore

app = typer.Typer()
key_app = group(
    "The key of an encrypted store: change its passphrase, or write it to a key file.",
    epilog="Example: cocdata key file ~/coc/team.key",
)
app.add_typer(key_app, name="key")


def encrypt_existing(store: Path | None, key_file: Path | None) -> None:
    """Encrypt the store at ``store`` in place (``cocdata encrypt``, ``init --encrypt``)."""
    opened = open_store(store, create=False, need_key=False)
    passphrase = None
    if opened.encrypted:
        if opened.locked:
            open_store(store, create=False)  # unlock, asking if need be
    elif key_file is None:
        passphrase = new_passphrase()
    else:
        passphrase = os.environ.get(crypto.PASSPHRASE_ENV)
    report = opened.encrypt(passphrase=passphrase, key_file=key_file)
    say(report.text(opened.root, crypto.how_to_unlock(passphrase is not None, key_file)))
    if not report.ok:
        raise CorruptStore(
            f"The store at {opened.root} has problems (listed above); "
            "the files that were encrypted are kept.",
            "Run 'cocdata verify' to see what is damaged, then 'cocdata encrypt' again.",
            problems=report.problems + (report.verify.problems if report.verify else []),
        )


@app.command(
    cls=Command,
    epilog="Example: cocdata encrypt   (asks for a new passphrase)\n\n"
    "With a key file instead: cocdata encrypt --key-file ~/coc/team.key\n\n"
    "Finishing an interrupted run: COCDATA_PASSPHRASE=... cocdata encrypt",
)
def encrypt(store: StoreOption = None, key_file: NewKeyFileOption = None) -> None:
    """Encrypt an existing store in place: every case file, evidence file and draft.

    Each file is re-written encrypted, read back and compared before it
    replaces the original, so an interruption loses nothing; run the command
    again to finish. Close open forms first: they cannot save until they are
    restarted with the key.
    """
    encrypt_existing(store, key_file)


@key_app.command(
    "passphrase",
    cls=Command,
    epilog="Example: cocdata key passphrase   (asks for the current, then the new passphrase)",
)
def key_passphrase(store: StoreOption = None, key_file: KeyFileOption = None) -> None:
    """Set or change the passphrase that unlocks the store (nothing else is re-written).

    The new passphrase is typed twice, or taken from $COCDATA_NEW_PASSPHRASE.
    """
    opened = open_store(store, create=False, key_file=key_file)
    if not opened.encrypted:
        raise LockedStore(
            f"The store at {opened.root} is not encrypted, so it has no passphrase.",
            "Encrypt it with 'cocdata encrypt'.",
        )
    new = os.environ.get("COCDATA_NEW_PASSPHRASE")
    if not new:
        if not sys.stdin.isatty():
            raise LockedStore(
                "No new passphrase was given; nothing was changed.",
                "Run the command at a terminal, or set COCDATA_NEW_PASSPHRASE.",
            )
        saved = os.environ.pop(crypto.PASSPHRASE_ENV, None)
        try:
            new = new_passphrase()
        finally:
            if saved is not None:
                os.environ[crypto.PASSPHRASE_ENV] = saved
    assert new is not None
    opened.set_passphrase(new)
    say(f"The store at {opened.root} now opens with the new passphrase (and its key files).")


@key_app.command("file", cls=Command, epilog="Example: cocdata key file ~/coc/team.key")
def key_file_(
    out: Annotated[Path, typer.Argument(help="The new key file (it must not exist yet).")],
    store: StoreOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Write the store key to a new key file, readable only by you (for a server or CI)."""
    opened = open_store(store, create=False, key_file=key_file)
    path = opened.write_key_file(out)
    say(
        f"Wrote the key of {opened.root} to {path}. Anyone holding it can read the store: "
        "keep it out of git and away from copies of the store."
    )
