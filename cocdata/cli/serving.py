"""Commands that serve the forms: ``app`` (a web app) and ``lab`` (JupyterLab)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from cocdata.cli.options import Command, KeyFileOption, StoreOption, open_store, store_path

app = typer.Typer()

PortOption = Annotated[int | None, typer.Option(help="Port on localhost.", show_default=False)]
NoBrowserOption = Annotated[
    bool, typer.Option("--no-browser", help="Do not open a browser window.")
]
FolderOption = Annotated[
    Path | None,
    typer.Option(help="Folder for the form notebooks. Default: in the data folder."),
]


def _serve(
    server: Literal["serve_app", "serve_lab"],
    store: Path | None,
    port: int,
    open_browser: bool,
    folder: Path | None,
    key_file: Path | None,
) -> None:
    """Open (create or unlock) the store before the server starts, then run ``server``."""
    from cocdata.forms import serve  # imported only when serving: the CLI starts fast

    open_store(store, key_file=key_file)
    run = getattr(serve, server)
    raise typer.Exit(run(store_path(store), port=port, open_browser=open_browser, folder=folder))


@app.command("app", cls=Command, epilog="Example: cocdata app --port 8866")
def app_(
    store: StoreOption = None,
    port: PortOption = None,
    no_browser: NoBrowserOption = False,
    folder: FolderOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Serve the report form and the case view as a web app on localhost (no code shown)."""
    _serve("serve_app", store, port or 8866, not no_browser, folder, key_file)


@app.command(cls=Command, epilog="Example: cocdata lab")
def lab(
    store: StoreOption = None,
    port: PortOption = None,
    no_browser: NoBrowserOption = False,
    folder: FolderOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Open JupyterLab at the report form, with the case notebook beside it."""
    _serve("serve_lab", store, port or 8888, not no_browser, folder, key_file)
