"""Commands that serve the forms: ``app`` (a web app) and ``lab`` (JupyterLab)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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


@app.command("app", cls=Command, epilog="Example: cocdata app --port 8866")
def app_(
    store: StoreOption = None,
    port: PortOption = None,
    no_browser: NoBrowserOption = False,
    folder: FolderOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Serve the report form and the case view as a web app on localhost (no code shown)."""
    from cocdata.forms.serve import serve_app

    open_store(store, key_file=key_file)  # create, or unlock, before the server starts
    raise typer.Exit(
        serve_app(store_path(store), port=port or 8866, open_browser=not no_browser, folder=folder)
    )


@app.command(cls=Command, epilog="Example: cocdata lab")
def lab(
    store: StoreOption = None,
    port: PortOption = None,
    no_browser: NoBrowserOption = False,
    folder: FolderOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Open JupyterLab at the report form, with the case notebook beside it."""
    from cocdata.forms.serve import serve_lab

    open_store(store, key_file=key_file)  # create, or unlock, before the server starts
    raise typer.Exit(
        serve_lab(store_path(store), port=port or 8888, open_browser=not no_browser, folder=folder)
    )
