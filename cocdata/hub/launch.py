"""Starting the team's hub: every check first, then JupyterHub as a child, stopped whole.

``serve_hub`` refuses with a message (``HubRefused``) before anything starts
when the hub could not serve the team: not root (PAM logins of other
accounts, servers started as them), not a team store, no members, the
members' accounts unable to run this Python or to reach the store, no ``configurable-http-proxy``,
or the venue's network without TLS. Then it writes the configuration into
the hub's private folder and runs ``jupyterhub`` through
``serve_process.run_server``: SIGTERM, SIGINT or SIGHUP stop the hub, which
stops the proxy and every member's server; whatever is left (a kernel, a
server that did not stop in time) carries the run's mark and is killed.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cocdata import config, crypto
from cocdata.errors import HubRefused
from cocdata.forms.serve import cull_idle_seconds
from cocdata.forms.serve_process import run_server
from cocdata.hub import hubconfig, keys, reach, state
from cocdata.hub.listen import Listen
from cocdata.store import Store

if TYPE_CHECKING:
    from cocdata.team import Team

PROXY = "configurable-http-proxy"


def free_port() -> int:
    """A port on localhost no one listens on now (for the hub's API and the proxy's)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _team_of(store: Store) -> Team:
    from cocdata.team import load_team

    team = load_team(store.root)
    if team is None:
        raise HubRefused(
            f"The store at {store.root} is not a team store: the hub would have no members.",
            f"Make it one first: cocdata --store {store.root} team init --group cocteam",
        )
    if not team.members:
        raise HubRefused(
            f"The team of {store.root} has no members yet: no one could log in.",
            f"Add one: cocdata --store {store.root} team add USER --role lead",
        )
    return team


def check_can_serve() -> None:
    """Refuse unless this process can log other accounts in and start servers as them."""
    if os.geteuid() != 0:
        raise HubRefused(
            "cocdata hub must run as root: it checks the members' Unix passwords and starts "
            "each member's server as that member.",
            "Run it as root, e.g. sudo cocdata hub (or from a systemd unit).",
        )
    if shutil.which(PROXY) is None:
        raise HubRefused(
            f"{PROXY} (JupyterHub's proxy, from npm) is not installed.",
            f"Install it: npm install -g {PROXY}",
        )


def serve_hub(store_path: Path, listen: Listen, state_dir: Path | None = None) -> int:
    """Run the team's JupyterHub until it is stopped; return its exit code."""
    check_can_serve()
    store = Store.open(config.store_path(store_path).resolve(), create=False)
    if store.locked:
        raise crypto.locked_error(store.root, "the team's forms")
    team = _team_of(store)
    reach.check_members_can_run()
    reach.check_members_can_reach_store(store.root, team.group)
    folder = state.state_folder(state_dir, store.root)
    env = dict(os.environ)
    for secret in (crypto.PASSPHRASE_ENV, crypto.KEY_FILE_ENV):
        env.pop(secret, None)
    with keys.team_key_file(store.key_for("the team's forms"), team.group) as key_file:
        settings = hubconfig.HubSettings(
            store=str(store.root),
            state=str(folder),
            bind_url=listen.bind_url,
            hub_port=free_port(),
            proxy_api_port=free_port(),
            cull_idle_s=cull_idle_seconds(),
            ssl_cert=str(listen.ssl_cert) if listen.ssl_cert else None,
            ssl_key=str(listen.ssl_key) if listen.ssl_key else None,
            key_file=str(key_file) if key_file else None,
            python=sys.executable,
        )
        config_file = hubconfig.write_config(settings)
        print(
            f"Team hub: {listen.url} (members sign in with their Unix account).\n"
            f"Store: {store.root}; team group {team.group}; members: "
            f"{', '.join(sorted(team.members))}.\nHub state: {folder}. Stop with Ctrl+C.",
            flush=True,
        )
        command = [sys.executable, "-m", "jupyterhub", "-f", str(config_file)]
        return run_server(command, env, folder)
