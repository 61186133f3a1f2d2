"""Run the forms: as a web app (Voilà, no code visible) or in JupyterLab.

Both write the intake and case notebooks into a working folder (by default
``<data home>/notebooks``, refreshed on every start so they match the
installed cocdata) and start the server on localhost with ``COCDATA_STORE``
set for its kernels. The functions block until the server stops and return
its exit code, as the CLI's ``cocdata app`` and ``cocdata lab`` expect.

An encrypted store must be unlocked in this process first (the CLI asks for
the passphrase): the server and its kernels then get the key as a key file
in a private folder in memory, named by ``COCDATA_KEY_FILE`` and removed when
the server stops (``crypto.keys_for_children``). No notebook holds the key.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import webbrowser
from pathlib import Path

from cocdata import config, crypto
from cocdata.forms.notebooks import CASE, INTAKE, write_notebooks
from cocdata.store import MAX_EVIDENCE_BYTES, Store

# Evidence arrives over the kernel's websocket in one message: allow the
# store's limit with room for the message around it (tornado's default is 10 MiB).
WEBSOCKET_MAX_BYTES = MAX_EVIDENCE_BYTES * 2 + 1024 * 1024


def notebooks_folder(folder: str | os.PathLike[str] | None = None) -> Path:
    """The working folder with fresh intake and case notebooks in it."""
    target = Path(folder).expanduser() if folder else config.data_home() / "notebooks"
    write_notebooks(target)
    return target


def server_env(store: str | os.PathLike[str] | None) -> dict[str, str]:
    """The environment for the server and its kernels: the store's absolute path."""
    path = config.store_path(store).resolve()
    opened = Store.open(path)  # create it, or fail now with a message, not inside the form
    if opened.locked:
        raise crypto.locked_error(opened.root, "the form")
    env = dict(os.environ)
    env[config.STORE_ENV] = str(path)
    return env


def app_command(folder: Path, port: int) -> list[str]:
    """The Voilà command line serving the notebooks in ``folder`` on localhost."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(folder),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--no-browser",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--Voila.tornado_settings={{'websocket_max_message_size': {WEBSOCKET_MAX_BYTES}}}",
    ]


def lab_command(folder: Path, port: int, open_browser: bool) -> list[str]:
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
        f"--ServerApp.tornado_settings={{'websocket_max_message_size': {WEBSOCKET_MAX_BYTES}}}",
    ]
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI run as root
    return command


def app_url(port: int, notebook: str = INTAKE) -> str:
    return f"http://127.0.0.1:{port}/voila/render/{notebook}"


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
    process = subprocess.Popen(command, env=env, cwd=cwd)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        try:
            return process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.terminate()
            return process.wait()


def serve_app(
    store: Path | None,
    port: int = 8866,
    open_browser: bool = True,
    folder: Path | None = None,
) -> int:
    """Serve the intake and case forms as a web app on localhost; block until stopped.

    Opens ``/voila/render/intake.ipynb`` in the browser when asked. The case
    view is at ``/voila/render/case.ipynb``. Returns the server's exit code.
    """
    env = server_env(store)
    where = notebooks_folder(folder)
    if open_browser:

        def open_when_ready() -> None:
            if wait_for_port(port):
                webbrowser.open(app_url(port))

        threading.Thread(target=open_when_ready, daemon=True).start()
    print(
        f"Report form: {app_url(port)}\nCase work:   {app_url(port, CASE)}\n"
        f"Store: {env[config.STORE_ENV]}. Stop with Ctrl+C.",
        flush=True,
    )
    with crypto.keys_for_children(env):
        return _run(app_command(where, port), env, where)


def serve_lab(
    store: Path | None,
    port: int = 8888,
    open_browser: bool = True,
    folder: Path | None = None,
) -> int:
    """Open JupyterLab at the intake notebook, with the case notebook beside it; block until stopped."""
    env = server_env(store)
    where = notebooks_folder(folder)
    print(
        f"JupyterLab in {where} (intake.ipynb, case.ipynb). Store: {env[config.STORE_ENV]}.",
        flush=True,
    )
    with crypto.keys_for_children(env):
        return _run(lab_command(where, port, open_browser), env, where)
