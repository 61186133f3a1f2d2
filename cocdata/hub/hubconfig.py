"""JupyterHub's configuration for a team store, written by ``cocdata hub``, read in the hub.

``write_config`` puts the settings (JSON) and a two-line
``jupyterhub_config.py`` in the hub's private folder; JupyterHub runs that
file, which calls ``configure``. Everything the hub keeps (its sqlite
database, cookie secret, pid files) goes to that folder. The proxy's token
is new on every start and reaches the proxy through its environment.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cocdata import config as cocdata_config
from cocdata.forms.serve import KERNEL_SPECS, WEBSOCKET_MAX_BYTES, cull_options
from cocdata.forms.serve_process import MARK_ENV
from cocdata.forms.serve_voila import JUPYTER_DATA, TEMPLATE
from cocdata.hub import membership, removal, workspace

SETTINGS = "cocdata-hub.json"
CONFIG = "jupyterhub_config.py"
UNUSED_EXTENSIONS = {name: False for name in ("jupyter_lsp", "notebook_shim")}
"""Server extensions installed beside JupyterLab that a member's server does not load:
language servers (none installed; the lab works without) and the classic notebook's shim."""
FORM_UNUSED_LABEXTENSIONS = ["jupyterlab-plotly"]
SERVER_POLL_S = 5
NOTHING = "(?!)"
"""A regular expression that matches no path."""


@dataclass(frozen=True)
class HubSettings:
    """What ``configure`` needs, as JSON-able values."""

    store: str
    state: str
    bind_url: str
    hub_port: int
    proxy_api_port: int
    cull_idle_s: int
    ssl_cert: str | None = None
    ssl_key: str | None = None
    key_file: str | None = None
    python: str = sys.executable


def write_config(settings: HubSettings) -> Path:
    """Write the settings and ``jupyterhub_config.py`` into the state folder; the config's path."""
    state = Path(settings.state)
    (state / SETTINGS).write_text(json.dumps(asdict(settings), indent=2) + "\n", encoding="utf-8")
    path = state / CONFIG
    path.write_text(
        "# Written by cocdata hub on every start; edits are lost.\n"
        "from cocdata.hub.hubconfig import configure_from\n"
        f"configure_from(c, {str(state / SETTINGS)!r})  # noqa: F821\n",
        encoding="utf-8",
    )
    return path


def configure_from(c: Any, settings_file: str) -> None:
    """Configure JupyterHub (``c``) from the settings file ``write_config`` wrote."""
    data = json.loads(Path(settings_file).read_text(encoding="utf-8"))
    configure(c, HubSettings(**data))


def jupyter_path() -> str:
    """``JUPYTER_PATH`` for the members' servers: Voilà's own data, then the ``cocdata`` template.

    Voilà's server extension finds templates in Jupyter's data folders only, and
    takes its themes from the first data folder that has a ``voila`` folder:
    Voilà's own comes first so its themes are still found there.
    """
    from voila.utils import get_data_dir

    return os.pathsep.join([str(Path(get_data_dir()).parent), str(JUPYTER_DATA)])


def spawner_environment(settings: HubSettings) -> dict[str, str]:
    """What each member's server (and so their kernels) gets beyond JupyterHub's own."""
    env = {cocdata_config.STORE_ENV: settings.store, "JUPYTER_PATH": jupyter_path()}
    if settings.key_file:
        env["COCDATA_KEY_FILE"] = settings.key_file
    mark = os.environ.get(MARK_ENV)
    if mark:  # how cocdata hub finds every server and kernel to stop
        env[MARK_ENV] = mark
    return env


def server_args(settings: HubSettings) -> list[str]:
    """The single-user server's options: kernels culled, evidence-sized messages, no tracebacks,
    and no request from its pages (or from the server) to any other host."""
    tornado = {
        "websocket_max_message_size": WEBSOCKET_MAX_BYTES,
        # Voilà's page loads MathJax from a CDN unless both are None (its own copy then).
        "mathjax_url": None,
        "mathjax_config": None,
    }
    return [
        *cull_options(settings.cull_idle_s),
        f"--ServerApp.jpserver_extensions={UNUSED_EXTENSIONS!r}",
        f"--ServerApp.tornado_settings={tornado!r}",
        # Kernels found in the same folders, without importing IPython into the server.
        f"--ServerApp.kernel_spec_manager_class={KERNEL_SPECS}",
        # cocdata's template: Voilà's lab page without Font Awesome and Mermaid from CDNs.
        f"--VoilaConfiguration.template={TEMPLATE}",
        # The forms draw no Plotly chart: its 4.8 MB script is not sent to every phone
        # (JupyterLab keeps it for the analysis notebooks).
        f"--VoilaConfiguration.extension_denylist={FORM_UNUSED_LABEXTENSIONS!r}",
        "--VoilaConfiguration.show_tracebacks=False",
        # JupyterLab asks no news feed and no package index for updates.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        # Voilà's /voila/files/ serves allowlisted files of the member's folder (pictures by
        # default) with no login at all: a pattern that matches nothing closes it.
        f"--VoilaConfiguration.file_allowlist={NOTHING}",
    ]


def culler_service(settings: HubSettings) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """jupyterhub-idle-culler as a hub service, and the role it needs; none when culling is off."""
    if settings.cull_idle_s == 0:
        return [], []
    every = max(1, min(60, settings.cull_idle_s // 2 or 1))
    mark = os.environ.get(MARK_ENV)
    service: dict[str, Any] = {
        "name": "idle-culler",
        # Services do not get the spawners' environment: the mark lets cocdata hub find it.
        "environment": {MARK_ENV: mark} if mark else {},
        "command": [
            settings.python,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={settings.cull_idle_s}",
            f"--cull-every={every}",
        ],
    }
    role = {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
    return [service], [role]


def configure(c: Any, settings: HubSettings) -> None:
    """Set JupyterHub's traits for a team store (``c`` is the hub's config object)."""
    state = Path(settings.state)
    c.JupyterHub.bind_url = settings.bind_url
    if settings.ssl_cert:
        c.JupyterHub.ssl_cert = settings.ssl_cert
        c.JupyterHub.ssl_key = settings.ssl_key
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = settings.hub_port
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
    c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True
    c.JupyterHub.admin_access = False  # no one, not even a lead, opens another member's server

    c.JupyterHub.authenticator_class = membership.TeamAuthenticator
    c.TeamAuthenticator.store = settings.store
    c.Authenticator.allowed_users = membership.team_members(settings.store)
    c.Authenticator.auth_refresh_age = membership.REFRESH_S
    c.Authenticator.refresh_pre_spawn = True
    c.JupyterHub.redirect_to_server = True

    c.JupyterHub.spawner_class = "cocdata.hub.spawner.TeamSpawner"
    c.Spawner.cmd = [settings.python, "-m", "cocdata.hub.singleuser"]
    c.Spawner.args = server_args(settings)
    c.Spawner.default_url = workspace.FORM_URL
    c.Spawner.environment = spawner_environment(settings)
    c.Spawner.pre_spawn_hook = membership.before_spawn
    c.Spawner.http_timeout = 60
    # A server that died (killed, out of memory) is seen within seconds, not the default 30:
    # the member's next sign-in then starts a new one instead of meeting a dead address.
    c.Spawner.poll_interval = SERVER_POLL_S
    c.Spawner.start_timeout = 120

    services, roles = culler_service(settings)
    watcher, role = removal.service(settings.store, settings.python)
    c.JupyterHub.services = [*services, watcher]
    c.JupyterHub.load_roles = [*roles, role]
