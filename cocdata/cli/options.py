"""What every command shares: the store and key options, opening the store, asking for keys.

``--store`` and ``--key-file`` may come before the command (``cocdata --store
PATH cases``) or after it (``cocdata cases --store PATH``); after wins. The
store is named by ``--store``, else ``$COCDATA_STORE``, else the embedded
default. The key of an encrypted store comes from ``--key-file``,
``$COCDATA_KEY_FILE``, ``$COCDATA_PASSPHRASE``, or a passphrase prompt when
there is a terminal.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from cocdata import config, crypto
from cocdata.errors import LockedStore, ReportFailed

if TYPE_CHECKING:
    from cocdata.store import Store


def _hide_flag_types(params: list[Any]) -> list[Any]:
    # A flag takes no value, so help must not print a type such as <bool> after it.
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class Command(TyperCommand):
    """A command whose help shows no value type after flags that take no value."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _hide_flag_types(super().get_params(ctx))


class Group(TyperGroup):
    """A command group (``cocdata``, ``cocdata report`` ...) with the same help as commands."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _hide_flag_types(super().get_params(ctx))


def group(help: str, epilog: str | None = None) -> typer.Typer:
    """A group of commands, such as ``cocdata report``."""
    return typer.Typer(
        cls=Group,
        help=help,
        epilog=epilog,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Store folder. Default: $COCDATA_STORE, else ~/.local/share/cocdata/store.",
        show_default=False,
    ),
]
KeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="Key file of an encrypted store. Default: $COCDATA_KEY_FILE, else "
        "$COCDATA_PASSPHRASE, else a passphrase prompt.",
        show_default=False,
    ),
]
NewKeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="Keep the store key in this file (made if missing; an existing key file's key "
        "is used). Without it, a passphrase protects the key.",
        show_default=False,
    ),
]
MemberOption = Annotated[
    str | None,
    typer.Option(
        "--as", help="Team member recorded on the revision. Default: you.", show_default=False
    ),
]


@dataclass
class GlobalOptions:
    """The options given before the command."""

    store: Path | None = None
    key_file: Path | None = None


_given = GlobalOptions()


def remember_global(store: Path | None, key_file: Path | None) -> None:
    """Keep the options given before the command for the command to use.

    Called by the top-level callback on every run, so one run's options never
    carry over into the next (the tests run many in one process).
    """
    global _given
    _given = GlobalOptions(store=store, key_file=key_file)
    use_key_file(key_file)


def _global() -> GlobalOptions:
    return _given


def use_key_file(key_file: Path | None) -> None:
    """Unlock encrypted stores with ``key_file`` from now on (as $COCDATA_KEY_FILE does)."""
    if key_file is not None:
        os.environ[crypto.KEY_FILE_ENV] = str(key_file.expanduser().resolve())


def store_path(store: Path | None) -> Path:
    """The store folder: ``--store`` after the command, else before it, else the default."""
    return config.store_path(store or _global().store)


def open_store(
    store: Path | None,
    create: bool = True,
    need_key: bool = True,
    key_file: Path | None = None,
) -> Store:
    """Open the store; with ``need_key``, unlock an encrypted one (asking on a terminal)."""
    from cocdata.store import Store

    use_key_file(key_file)
    opened = Store.open(store_path(store), create=create)
    if need_key and opened.locked:
        if not sys.stdin.isatty():
            raise crypto.locked_error(opened.root, "this command")
        _ask_passphrase(opened)
    return opened


def _ask_passphrase(opened: Store) -> None:
    for attempt in range(3):
        passphrase = getpass.getpass(f"Passphrase of the store at {opened.root}: ")
        try:
            opened.unlock(passphrase=passphrase)
            return
        except LockedStore as exc:
            if attempt == 2:
                raise
            say(exc.message)


def new_passphrase(what: str = "the store") -> str | None:
    """A new passphrase: $COCDATA_PASSPHRASE, else typed twice at a terminal, else None."""
    given = os.environ.get(crypto.PASSPHRASE_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        return None
    for _ in range(3):
        first = getpass.getpass(f"New passphrase for {what} (four or more random words): ")
        try:
            crypto.check_new_passphrase(first)
        except LockedStore as exc:
            say(exc.message)
            continue
        if getpass.getpass("The same passphrase again: ") == first:
            return first
        say("The two passphrases differ.")
    raise LockedStore("No passphrase was set; nothing was changed.", "Run the command again.")


def say(text: str) -> None:
    """Tell the user something on standard error (standard output carries data)."""
    typer.echo(text, err=True)


def show(text: Any) -> None:
    """Print a command's result on standard output."""
    typer.echo(text)


def report_formats(given: list[str] | None) -> tuple[str, ...]:
    """The report formats a command was given (html when none), each once; refuses others."""
    formats = tuple(dict.fromkeys(given or ["html"]))
    unknown = [f for f in formats if f not in ("html", "md", "pdf")]
    if unknown:
        raise ReportFailed(
            f"Unknown report format {', '.join(map(repr, unknown))}.",
            "Use --format html, --format md or --format pdf (repeat for several).",
        )
    return formats
