"""Inside the hub, as a service: a member a lead removed is out at once, not at their next step.

``cocdata team remove`` only changes the store's ``cocdata.toml`` (whoever
runs it: a lead as themselves, root, a script), so the hub watches the team
instead of waiting to be told. This service, started and stopped by the hub
with its own API token (JupyterHub gives it ``JUPYTERHUB_API_TOKEN`` and
``JUPYTERHUB_API_URL``), reads the team every ``EVERY_S`` seconds; when it
changed, and every ``RECHECK_S`` seconds anyway (a server whose start began
just before the removal), it asks the hub for the running servers and stops
those of anyone no longer on the team. The hub stops the server with
SIGTERM, the server shuts its kernels down, and the proxy forgets the route:
the removed member's open page stops working within seconds. Logging in
again, starting a server and the hub's pages were already refused
(``membership``).

Run by the hub as ``python -m cocdata.hub.removal --store STORE``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cocdata.errors import CocdataError
from cocdata.forms.serve_process import MARK_ENV

NAME = "team-removal"
EVERY_S = 1.0
RECHECK_S = 30.0
SCOPES = ["list:users", "read:servers", "delete:servers"]


def _api(method: str, path: str) -> Any:
    """One call to the hub's REST API with this service's token; the JSON answer (or None)."""
    url = os.environ["JUPYTERHUB_API_URL"].rstrip("/") + path
    token = os.environ["JUPYTERHUB_API_TOKEN"]
    request = urllib.request.Request(
        url, method=method, headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        body = answer.read()
    return json.loads(body) if body else None


def team_members(store: str) -> set[str]:
    """The team's members now (none when the store is no longer a team store)."""
    from cocdata.team import load_team

    team = load_team(Path(store))
    return set(team.members) if team is not None else set()


def running_servers() -> list[str]:
    """The names of the hub's users whose server is running or starting."""
    users = _api("GET", "/users?state=active") or []
    return [user["name"] for user in users if user.get("servers")]


def stop_non_members(store: str) -> list[str]:
    """Stop the server of every user with one who is not on the team now; their names."""
    members = team_members(store)
    stopped = []
    for name in running_servers():
        if name not in members:
            try:
                _api("DELETE", f"/users/{quote(name, safe='')}/server")
            except urllib.error.HTTPError as exc:
                if exc.code != 400:  # 400: already stopping
                    raise
            print(f"{name} is no longer on the team: their server is stopped.", flush=True)
            stopped.append(name)
    return stopped


def watch(store: str, every_s: float = EVERY_S, recheck_s: float = RECHECK_S) -> None:
    """Stop removed members' servers as the team changes (runs until the hub stops it)."""
    seen: set[str] | None = None
    checked = 0.0
    while True:
        try:
            members = team_members(store)
            if members != seen or time.monotonic() - checked >= recheck_s:
                stop_non_members(store)
                seen, checked = members, time.monotonic()
        except (OSError, ValueError, CocdataError) as exc:  # hub busy, file mid-change: next round
            print(f"Could not check the team's servers: {exc}", file=sys.stderr, flush=True)
        time.sleep(every_s)


def service(store: str, python: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """This watcher as a hub service, and the role (its scopes) it needs."""
    mark = os.environ.get(MARK_ENV)
    return (
        {
            "name": NAME,
            # Services do not get the spawners' environment: the mark lets cocdata hub find it.
            "environment": {MARK_ENV: mark} if mark else {},
            "command": [python, "-m", "cocdata.hub.removal", "--store", store],
        },
        {"name": NAME, "scopes": SCOPES, "services": [NAME]},
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="the team store whose members stay")
    watch(parser.parse_args(argv).store)  # until the hub stops it (SIGTERM)


if __name__ == "__main__":
    main()
