"""``cocdata hub``: the team's JupyterHub on a team store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cocdata.cli.options import Command, KeyFileOption, StoreOption, open_store, store_path

app = typer.Typer()


@app.command(
    "hub",
    cls=Command,
    epilog="Example: cocdata hub --port 8000 (this machine only, e.g. through an SSH tunnel)\n\n"
    "On the venue network, as root, with a certificate:\n\n"
    "cocdata --store /srv/coc/store hub --ip 0.0.0.0 --port 443 "
    "--ssl-cert /etc/letsencrypt/live/coc.example.org/fullchain.pem "
    "--ssl-key /etc/letsencrypt/live/coc.example.org/privkey.pem",
)
def hub(
    store: StoreOption = None,
    port: Annotated[int, typer.Option(help="Port the hub listens on.")] = 8000,
    ip: Annotated[
        str,
        typer.Option(help="Address to listen on; 0.0.0.0 for the venue network (needs TLS)."),
    ] = "127.0.0.1",
    ssl_cert: Annotated[
        Path | None,
        typer.Option(help="TLS certificate (full chain, PEM).", show_default=False),
    ] = None,
    ssl_key: Annotated[
        Path | None, typer.Option(help="The certificate's private key (PEM).", show_default=False)
    ] = None,
    insecure: Annotated[
        bool,
        typer.Option(
            "--insecure", help="Listen beyond localhost without TLS (only behind a TLS proxy)."
        ),
    ] = False,
    state: Annotated[
        Path | None,
        typer.Option(
            help="The hub's private folder (database, cookie secret). "
            "Default: ~/.local/share/cocdata/hub.",
            show_default=False,
        ),
    ] = None,
    key_file: KeyFileOption = None,
) -> None:
    """Serve a team store to its members on JupyterHub, each signed in with their Unix account.

    Members land on the report form, with the case view and JupyterLab one
    click away. Idle kernels and servers are stopped after
    $COCDATA_CULL_IDLE_SECONDS (default 1800). Runs as root; Ctrl+C or
    SIGTERM stops the hub and everything it started.
    """
    from cocdata.hub.launch import check_can_serve, serve_hub
    from cocdata.hub.listen import checked_listen

    listen = checked_listen(ip, port, ssl_cert, ssl_key, insecure)
    check_can_serve()  # before a passphrase is asked for nothing
    open_store(store, create=False, key_file=key_file)  # unlock before the hub starts
    raise typer.Exit(serve_hub(store_path(store), listen, state))
