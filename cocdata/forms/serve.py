"""Run the forms: as a web app (Voilà, no code visible) or in JupyterLab.

Both write the intake and case notebooks into a working folder (by default
``<data home>/notebooks``, refreshed on every start so they match the
installed cocdata) and start the server on localhost with ``COCDATA_STORE``
set for its kernels. The functions block until the server stops and return
its exit code, as the CLI's ``cocdata app`` and ``cocdata lab`` expect.

Both need a secret: a random token (or ``COCDATA_APP_TOKEN``) that is in the
address they print and open, and without which every page, file and kernel
is refused (``serve_voila`` for the app; JupyterLab checks its own token).
The token reaches the server through its environment, never its command
line, which every local user can read. Stopping with SIGTERM, SIGINT or
SIGHUP stops the server and all its kernels (``serve_process``). Kernels
idle for ``COCDATA_CULL_IDLE_SECONDS`` (default 30 minutes) are shut down,
and closing the app's page, or a notebook's tab in JupyterLab (the lab's
settings overrides, ``LAB_OVERRIDES``), shuts its kernel down at once.

An encrypted store must be unlocked in this process first (the CLI asks for
the passphrase): the server and its kernels then get the key as a key file
in a private folder in memory, named by ``COCDATA_KEY_FILE`` and removed when
the server stops (``crypto.keys_for_children``). No notebook holds the key.
"""

from __future__ import annotations

import html
import json
import os
import secrets
import socket
import sys
import tempfile
import threading
import time
import webbrowser
from pathlib import Path
from urllib.parse import quote

from cocdata import config, crypto
from cocdata.errors import CocdataError
from cocdata.forms.notebooks import CASE, INTAKE, write_notebooks
from cocdata.forms.serve_process import run_server
from cocdata.store import MAX_EVIDENCE_BYTES, Store

# Evidence arrives over the kernel's websocket in one message: allow the
# store's limit with room for the message around it (tornado's default is 10 MiB).
WEBSOCKET_MAX_BYTES = MAX_EVIDENCE_BYTES * 2 + 1024 * 1024

TOKEN_ENV = "COCDATA_APP_TOKEN"
"""A fixed token for the app and JupyterLab instead of a new random one each start."""
MIN_TOKEN_LENGTH = 16
KERNEL_SPECS = "cocdata.forms.kernelspecs.KernelSpecsWithoutIPython"
"""The servers' kernel spec manager: Jupyter's kernels, found without importing IPython."""
SERVER_TOKEN_ENV = "JUPYTER_TOKEN"  # how Jupyter servers (and serve_voila) take the token
CULL_ENV = "COCDATA_CULL_IDLE_SECONDS"
"""Seconds a kernel may sit idle with no page connected before it is shut down (0: never)."""
DEFAULT_CULL_IDLE_S = 30 * 60
CULL_INTERVAL_S = 60


def app_token(environ: dict[str, str] | None = None) -> str:
    """The secret for this start: ``COCDATA_APP_TOKEN`` if set, else a new random one."""
    environ = os.environ if environ is None else environ
    fixed = environ.get(TOKEN_ENV)
    if fixed is None:
        return secrets.token_urlsafe(32)
    fixed = fixed.strip()
    if len(fixed) < MIN_TOKEN_LENGTH or not all(c.isalnum() or c in "-_." for c in fixed):
        raise CocdataError(
            f"{TOKEN_ENV} is set but is not a usable token: it must be at least "
            f"{MIN_TOKEN_LENGTH} letters, digits, '-', '_' or '.'.",
            f"Unset {TOKEN_ENV} for a new random token on every start, or set it to a "
            "long random text, e.g. the output of: python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'",
        )
    return fixed


def cull_idle_seconds(environ: dict[str, str] | None = None) -> int:
    """How long an idle, unconnected kernel lives (``COCDATA_CULL_IDLE_SECONDS``)."""
    environ = os.environ if environ is None else environ
    raw = environ.get(CULL_ENV, "").strip()
    if not raw:
        return DEFAULT_CULL_IDLE_S
    try:
        seconds = int(raw)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise CocdataError(
            f"{CULL_ENV} is {raw!r}, not a number of seconds.",
            f"Set it to how long an unused form may keep its memory, e.g. {DEFAULT_CULL_IDLE_S} "
            "(30 minutes), or 0 to never shut idle forms down.",
        )
    return seconds


def cull_options(seconds: int) -> list[str]:
    """Server options that shut down kernels idle for ``seconds`` with no page connected."""
    if seconds == 0:
        return []
    interval = max(1, min(CULL_INTERVAL_S, seconds))
    return [
        f"--MappingKernelManager.cull_idle_timeout={seconds}",
        f"--MappingKernelManager.cull_interval={interval}",
        # A page still open keeps its kernel: culling it would kill a form in use.
        "--MappingKernelManager.cull_connected=False",
    ]


LAB_SETTINGS_FOLDER = ".cocdata-lab-settings"
"""In the notebooks' folder (hidden from the lab's file browser): the lab's settings overrides."""
LAB_OVERRIDES = {
    # Closing a form's tab frees its kernel (JupyterLab keeps it running by default).
    "@jupyterlab/notebook-extension:tracker": {"kernelShutdown": True},
    # No request to a news feed or for updates (a third party would learn the lab was
    # opened), and no question about it over the form.
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def lab_settings(folder: Path) -> Path:
    """The folder with ``overrides.json`` (``LAB_OVERRIDES``) for JupyterLab's app settings.

    Overrides change the defaults only: a user's own lab settings still win.
    """
    target = Path(folder) / LAB_SETTINGS_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    (target / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=2), encoding="utf-8")
    return target


def notebooks_folder(folder: str | os.PathLike[str] | None = None) -> Path:
    """The working folder with fresh intake and case notebooks in it."""
    target = Path(folder).expanduser() if folder else config.data_home() / "notebooks"
    write_notebooks(target)
    return target


def server_env(store: str | os.PathLike[str] | None, token: str | None = None) -> dict[str, str]:
    """The environment for the server and its kernels: the store's absolute path, the token."""
    path = config.store_path(store).resolve()
    opened = Store.open(path)  # create it, or fail now with a message, not inside the form
    if opened.locked:
        raise crypto.locked_error(opened.root, "the form")
    env = dict(os.environ)
    env.pop(TOKEN_ENV, None)
    env[config.STORE_ENV] = str(path)
    if token is not None:
        env[SERVER_TOKEN_ENV] = token
    return env


def app_command(folder: Path, port: int, cull_idle: int = DEFAULT_CULL_IDLE_S) -> list[str]:
    """The command line serving the notebooks in ``folder`` as a web app on localhost.

    The token is not on it: the server reads it from ``JUPYTER_TOKEN``.
    """
    return [
        sys.executable,
        "-m",
        "cocdata.forms.serve_voila",
        str(folder),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--no-browser",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--VoilaConfiguration.kernel_spec_manager_class={KERNEL_SPECS}",
        f"--Voila.tornado_settings={{'websocket_max_message_size': {WEBSOCKET_MAX_BYTES}}}",
        *cull_options(cull_idle),
    ]


def lab_command(
    folder: Path, port: int, open_browser: bool, cull_idle: int = DEFAULT_CULL_IDLE_S
) -> list[str]:
    """The JupyterLab command line opening the intake notebook in ``folder``."""
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        f"--ServerApp.root_dir={folder}",
        f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--LabApp.default_url=/lab/tree/{INTAKE}",
        f"--LabApp.app_settings_dir={lab_settings(folder)}",
        f"--ServerApp.kernel_spec_manager_class={KERNEL_SPECS}",
        f"--ServerApp.tornado_settings={{'websocket_max_message_size': {WEBSOCKET_MAX_BYTES}}}",
        *cull_options(cull_idle),
    ]
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI run as root
    return command


def app_url(port: int, notebook: str = INTAKE, token: str | None = None) -> str:
    """The app's address of ``notebook``; with ``token``, the one that logs the browser in."""
    url = f"http://127.0.0.1:{port}/voila/render/{notebook}"
    return f"{url}?token={quote(token)}" if token else url


def lab_url(port: int, token: str) -> str:
    """JupyterLab's address at the intake notebook, logging the browser in."""
    return f"http://127.0.0.1:{port}/lab/tree/{INTAKE}?token={quote(token)}"


def wait_for_port(port: int, timeout: float = 60.0, host: str = "127.0.0.1") -> bool:
    """True once something listens on ``port``; False after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _run(command: list[str], env: dict[str, str], cwd: Path) -> int:
    return run_server(command, env, cwd)


def _open_when_ready(port: int, url: str, folder: Path) -> None:
    """Open ``url`` once the server listens, without putting the token on a command line.

    A browser's command line can be read by every local user, so (like
    Jupyter) the browser gets a file, readable only by this user, that
    redirects to the address with the token.
    """

    def run() -> None:
        if not wait_for_port(port):
            return
        page = folder / "open-cocdata.html"
        fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            target = html.escape(url, quote=True)
            out.write(
                f'<!DOCTYPE html><meta http-equiv="refresh" content="0;url={target}">'
                f'<a href="{target}">Open the cocdata form</a>'
            )
        webbrowser.open(page.as_uri())

    threading.Thread(target=run, daemon=True).start()


def serve_app(
    store: Path | None,
    port: int = 8866,
    open_browser: bool = True,
    folder: Path | None = None,
    token: str | None = None,
) -> int:
    """Serve the intake and case forms as a web app on localhost; block until stopped.

    Opens the report form (``/voila/render/intake.ipynb``) in the browser when
    asked. The case view is at ``/voila/render/case.ipynb``. Everything needs
    ``token`` (default: ``COCDATA_APP_TOKEN``, else a new random one), which is
    in the printed addresses; the browser keeps a login cookie after its first
    visit. Returns the server's exit code.
    """
    token = token or app_token()
    cull = cull_idle_seconds()
    env = server_env(store, token)
    where = notebooks_folder(folder)
    with tempfile.TemporaryDirectory(prefix="cocdata-open-") as private:
        if open_browser:
            _open_when_ready(port, app_url(port, token=token), Path(private))
        print(
            f"Report form: {app_url(port, token=token)}\n"
            f"Case work:   {app_url(port, CASE, token=token)}\n"
            f"Store: {env[config.STORE_ENV]}. Only someone with this address can open the "
            "forms: do not share it. Stop with Ctrl+C.",
            flush=True,
        )
        with crypto.keys_for_children(env):
            return _run(app_command(where, port, cull), env, where)


def serve_lab(
    store: Path | None,
    port: int = 8888,
    open_browser: bool = True,
    folder: Path | None = None,
    token: str | None = None,
) -> int:
    """Open JupyterLab at the intake notebook, with the case notebook beside it; block until stopped.

    JupyterLab requires ``token`` (default: ``COCDATA_APP_TOKEN``, else a new
    random one) and opens the browser itself, through a private file.
    """
    token = token or app_token()
    cull = cull_idle_seconds()
    env = server_env(store, token)
    where = notebooks_folder(folder)
    print(
        f"JupyterLab in {where} (intake.ipynb, case.ipynb): {lab_url(port, token)}\n"
        f"Store: {env[config.STORE_ENV]}. Stop with Ctrl+C.",
        flush=True,
    )
    with crypto.keys_for_children(env):
        return _run(lab_command(where, port, open_browser, cull), env, where)
