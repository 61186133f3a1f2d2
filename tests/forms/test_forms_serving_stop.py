"""Stopping ``cocdata app`` the ways it is stopped: systemd, Ctrl+C, a closed terminal.

The app runs on an encrypted store with a form open (so a kernel runs). After
SIGTERM, SIGINT or SIGHUP no process of it is left, kernels included, and
the key file in memory is gone. The app is started with SIGINT ignored, as
background launchers start it: a server inheriting that would never stop
on Ctrl+C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cocdata.forms.serve import TOKEN_ENV, wait_for_port
from cocdata.forms.serve_process import STOP_SIGNALS, marked_processes, run_server
from tests.forms.servers import REPO, free_port
from tests.test_crypto import PASSPHRASE, encrypted_store

TOKEN = "stop-test-token-0123456789abcdef"


def _processes_with(needle: bytes) -> list[int]:
    """Every process whose environment holds ``needle`` (kernels run in sessions of their own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.slow
@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_stopped_app_leaves_no_process_and_no_key_file(tmp_path: Path, signum: int) -> None:
    encrypted_store(tmp_path / "s")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    store = str(tmp_path / "s")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("COCDATA", "JUPYTER"))},
        "PYTHONPATH": str(REPO),
        "XDG_RUNTIME_DIR": str(runtime),
        "JUPYTER_RUNTIME_DIR": str(runtime / "jupyter"),
        "COCDATA_MEMBER": "Response Team Member A",
        "COCDATA_PASSPHRASE": PASSPHRASE,
        "COCDATA_STORE": store,
        TOKEN_ENV: TOKEN,
    }
    port = free_port()
    command = [sys.executable, "-m", "cocdata.cli", "app", "--store", store, "--no-browser"]
    command += ["--port", str(port), "--folder", str(tmp_path / "nb")]
    log = open(tmp_path / "app.log", "wb")  # noqa: SIM115 (closed in finally)
    app = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_ignore_sigint
    )
    ours = f"COCDATA_STORE={store}".encode()
    try:
        assert wait_for_port(port, timeout=180), (tmp_path / "app.log").read_text()
        assert list(runtime.glob("cocdata-key-*")), "the server got the key as a file"
        url = f"http://127.0.0.1:{port}/voila/render/intake.ipynb?token={TOKEN}"
        page = urllib.request.urlopen(url, timeout=180).read().decode()
        assert "Save report" in page
        running = _processes_with(ours)
        kernels = [p for p in running if b"ipykernel" in Path(f"/proc/{p}/cmdline").read_bytes()]
        assert kernels, "loading the form started a kernel"
        app.send_signal(signum)
        app.wait(timeout=90)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        log.close()
    deadline = time.monotonic() + 10
    while _processes_with(ours) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _processes_with(ours)
    for pid in left:  # leave the machine clean, then fail
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"still running after {signal.Signals(signum).name}: {left}"
    assert not list(runtime.glob("cocdata-key-*")), "the key file is still there"


def test_run_server_kills_what_ignores_the_stop(tmp_path: Path) -> None:
    """A server that ignores SIGTERM, and a child of it in a session of its own, are killed."""
    script = tmp_path / "stubborn.py"
    script.write_text(
        "import signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "subprocess.Popen([sys.executable, '-c', 'import signal, time; "
        "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)'],"
        " start_new_session=True)\n"
        "print('ready', flush=True)\n"
        "time.sleep(600)\n"
    )
    started = time.monotonic()
    # Stop it from outside as systemd would, once it runs.
    stop_me = f"import os, signal, time; time.sleep(3); os.kill({os.getpid()}, signal.SIGTERM)"
    stopper = subprocess.Popen([sys.executable, "-c", stop_me])
    marks_before = set(_processes_with(b"STUBBORN=1"))
    env = {**os.environ, "STUBBORN": "1"}
    code = run_server([sys.executable, str(script)], env, tmp_path, grace=2)
    stopper.wait()
    assert code == 128 + signal.SIGTERM
    elapsed = time.monotonic() - started
    # A killed process leaves the process table once it is reaped, which can
    # lag the kill by a moment on a loaded machine.
    deadline = time.monotonic() + 10
    while set(_processes_with(b"STUBBORN=1")) - marks_before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert set(_processes_with(b"STUBBORN=1")) - marks_before == set()
    assert elapsed < 30
    assert marked_processes("no-such-mark") == []
