"""JupyterLab and Voilà servers for browser tests, and the steps a team member takes in them.

Each server runs in its own temporary home (settings, runtime files, a fresh
store), so nothing leaks between runs or into the developer's own setup.
The servers are started with the command lines ``cocdata app`` and ``cocdata
lab`` use, behind a token like theirs: build addresses with ``Server.link``.
The benchmark script reuses these helpers.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from cocdata.forms import serve
from cocdata.forms.notebooks import write_notebooks
from cocdata.forms.serve import wait_for_port
from cocdata.forms.serve_process import MARK_ENV, marked_processes
from tests.pages import page_events

MEMBER = "Response Team Member A"
REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120
KERNEL_TIMEOUT_MS = 90_000
FORM_TIMEOUT_MS = 60_000
SAVE_TIMEOUT_MS = 30_000

IDLE_KERNEL = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && !!w.content && w.content.widgets.length > 0;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running server: its base URL and token, its store, the notebooks' folder, its log."""

    url: str
    store: Path
    root: Path
    log: Path
    process: subprocess.Popen[bytes]
    token: str = ""
    mark: str = ""
    timings: dict[str, list[float]] = field(default_factory=dict)

    def link(self, path: str) -> str:
        """The address of ``path`` (e.g. ``/voila/render/case.ipynb``) with the token in it."""
        joiner = "&" if "?" in path else "?"
        return f"{self.url}{path}{joiner}token={self.token}"

    def kernels(self) -> list[int]:
        """Process ids of the kernels this server runs now."""
        found = []
        for pid in marked_processes(self.mark):
            with suppress(OSError):
                if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.append(pid)
        return found

    def record(self, name: str, seconds: float) -> None:
        self.timings.setdefault(name, []).append(seconds)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _environment(base: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "COCDATA"))}
    home = base / "home"
    for sub in (
        "home",
        "runtime",
        "config",
        "data",
        "settings",
        "workspaces",
        "xdg-data",
        "xdg-config",
    ):
        (base / sub).mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        XDG_DATA_HOME=str(base / "xdg-data"),
        XDG_CONFIG_HOME=str(base / "xdg-config"),
        COCDATA_STORE=str(base / "store"),
        COCDATA_MEMBER=MEMBER,
        PYTHONUNBUFFERED="1",
        # The server and its kernels run this checkout's cocdata, as the tests do.
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    # No news pop-up over the form.
    news = base / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True, exist_ok=True)
    (news / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    return env


@contextmanager
def running(kind: str, base: Path, cull_idle: int = serve.DEFAULT_CULL_IDLE_S) -> Iterator[Server]:
    """Start JupyterLab (``kind='lab'``) or the app (``'voila'``) on a free port; stop it after.

    The command lines are those of ``cocdata lab`` and ``cocdata app``, with a
    fixed port, tracebacks shown and (in JupyterLab) the app object exposed
    to the tests.
    """
    env = _environment(base)
    root = base / "notebooks"
    write_notebooks(root)
    port = free_port()
    if kind == "lab":
        command = serve.lab_command(root, port, open_browser=False, cull_idle=cull_idle)
        command += [
            *([] if "--allow-root" in command else ["--allow-root"]),
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.port_retries=0",
        ]
    else:
        command = [
            "--VoilaConfiguration.show_tracebacks=True" if "show_tracebacks" in arg else arg
            for arg in serve.app_command(root, port, cull_idle=cull_idle)
        ] + ["--Voila.port_retries=0"]
    token = serve.app_token({})
    mark = f"tests-{token[:12]}"
    env.update({serve.SERVER_TOKEN_ENV: token, MARK_ENV: mark})
    log = base / f"{kind}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=root, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://127.0.0.1:{port}", base / "store", root, log, process, token, mark)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while process.poll() is None and time.monotonic() < deadline:
            if wait_for_port(port, 1):
                break
        if process.poll() is not None or not wait_for_port(port, 1):
            raise RuntimeError(
                f"{kind} did not start on port {port} within {START_TIMEOUT_S} s:\n{server.log_tail()}"
            )
        yield server
    finally:
        _stop(process, mark)


def _stop(process: subprocess.Popen[bytes], mark: str) -> None:
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
    for pid in marked_processes(mark):  # kernels run in sessions of their own
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# -- steps in the browser --------------------------------------------------------


def wait_idle_kernel(page, server: Server, what: str = "the notebook") -> None:
    try:
        page.wait_for_function(IDLE_KERNEL, timeout=KERNEL_TIMEOUT_MS)
    except Exception as exc:
        raise AssertionError(
            f"{what}: no idle kernel within {KERNEL_TIMEOUT_MS / 1000:.0f} s.\n"
            f"Server log:\n{server.log_tail()}"
        ) from exc


def run_all(page, server: Server, ready: str = ".cocdata-save") -> float:
    """Run every cell; return seconds until ``ready`` is visible (the form is usable)."""
    start = time.perf_counter()
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait_visible(page, ready, FORM_TIMEOUT_MS, server, "the form after running all cells")
    return time.perf_counter() - start


def wait_visible(page, selector: str, timeout_ms: int, server: Server, what: str) -> None:
    try:
        page.locator(selector).first.wait_for(state="visible", timeout=timeout_ms)
    except Exception as exc:
        outputs = ""
        with suppress(Exception):
            outputs = page.locator(".jp-OutputArea, .jp-Notebook, body").first.inner_text()[:3000]
        raise AssertionError(
            f"{what} ({selector}) did not show within {timeout_ms / 1000:.0f} s.\n"
            f"Page says:\n{outputs}\nServer log:\n{server.log_tail()}"
        ) from exc


def open_in_lab(page, server: Server, notebook: str = "intake.ipynb") -> float:
    """Open a notebook in JupyterLab, wait for its kernel, run all; return seconds to a usable form."""
    page.goto(
        server.link(f"/lab/tree/{notebook}?reset"),
        wait_until="domcontentloaded",
        timeout=KERNEL_TIMEOUT_MS,
    )
    wait_idle_kernel(page, server, notebook)
    seconds = run_all(page, server)
    server.record("lab_kernel_ready_to_form_s", seconds)
    return seconds


def open_in_voila(page, server: Server, notebook: str = "intake.ipynb") -> float:
    """Open a notebook in the Voilà app; return seconds from navigation to a usable form."""
    start = time.perf_counter()
    page.goto(
        server.link(f"/voila/render/{notebook}"),
        wait_until="domcontentloaded",
        timeout=KERNEL_TIMEOUT_MS,
    )
    wait_visible(page, ".cocdata-save", FORM_TIMEOUT_MS, server, "the app's form")
    seconds = time.perf_counter() - start
    server.record("voila_open_to_form_s", seconds)
    return seconds


def restart_kernel(page, server: Server) -> None:
    """Restart the notebook's kernel (no dialog) and wait until it is idle again."""
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.restartKernel()")
    wait_idle_kernel(page, server, "the notebook after a kernel restart")


def field_input(page, css: str, scope: str = ".cocdata-form"):
    """The input, textarea or select inside the field with CSS class ``css``."""
    return page.locator(f"{scope} .{css}").locator("input, textarea, select").first


def fill(page, css: str, value: str, scope: str = ".cocdata-form") -> None:
    field_input(page, css, scope).fill(value)


def check(page, css: str, scope: str = ".cocdata-form") -> None:
    page.locator(f"{scope} .{css} input[type=checkbox]").first.check()


# The guide's example report, as the quick-capture fields take it.
QUICK_EXAMPLE = {
    "cocdata-f-report-made-by": "Person A",
    "cocdata-f-report-made-at": "2000-12-29 09:00",
    "cocdata-f-report-made-where": "conference venue",
    "cocdata-f-occurred-at": "2000-12-28 22:30",
    "cocdata-f-occurred-where": "Conference party",
    "cocdata-f-description": (
        "Person A overheard one of our attendees (later identified as Person B) speaking to "
        'his friends and saying something along the lines of "Here is a quote".'
    ),
}
NEW_EVENT = {
    "cocdata-f-event-name": "Django* conference 2000",
    "cocdata-f-event-id": "djangocon-2000",
    "cocdata-f-event-start": "2000-12-27",
    "cocdata-f-event-end": "2000-12-30",
    "cocdata-f-event-attendees": "300",
}


def choose_new_event(page) -> None:
    """Pick "New event…" (unless already shown) and type the guide's event."""
    new_event = page.locator(".cocdata-new-event").first
    if not new_event.is_visible():
        field_input(page, "cocdata-f-event").select_option(label="New event…")
        new_event.wait_for(state="visible")
    for css, value in NEW_EVENT.items():
        fill(page, css, value)


def fill_quick_capture(page, values: dict[str, str] | None = None) -> None:
    """Type the guide's verbal report into the quick-capture fields."""
    if page.locator(".cocdata-new-event").first.is_visible():
        choose_new_event(page)
    for css, value in (values or QUICK_EXAMPLE).items():
        fill(page, css, value)
    check(page, "cocdata-f-reporter-is-target")
    page.locator(".cocdata-person-2 .cocdata-f-person-name input").fill("Person B")


def click_save(page, server: Server, expect: str = "Saved as case") -> float:
    """Click Save report; return seconds until the confirmation shows."""
    status = page.locator(".cocdata-save-status")
    start = time.perf_counter()
    page.locator(".cocdata-save button, button.cocdata-save").first.click()
    try:
        status.filter(has_text=expect).first.wait_for(state="visible", timeout=SAVE_TIMEOUT_MS)
    except Exception as exc:
        problems = page.locator(".cocdata-problems").first.inner_text()
        raise AssertionError(
            f"No '{expect}' within {SAVE_TIMEOUT_MS / 1000:.0f} s after Save. "
            f"Problems shown: {problems!r}\nBrowser console:\n{page_events(page)}\n"
            f"Server log:\n{server.log_tail()}"
        ) from exc
    return time.perf_counter() - start


def new_report(page) -> None:
    """Click "Start a new report" and wait until the form is cleared (typing before loses text)."""
    page.locator("button.cocdata-new-report").click()
    page.locator(".cocdata-save-status").filter(has_text="Saved").wait_for(state="hidden")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
