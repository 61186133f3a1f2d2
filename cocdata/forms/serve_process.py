"""Running a forms server as a child process, and stopping it with everything it started.

``cocdata app`` and ``cocdata lab`` block in :func:`run_server` until the
server ends. SIGTERM (systemd, container runtimes), SIGINT (Ctrl+C) and SIGHUP
(the terminal closed) all mean "stop": the server is asked to stop with
SIGTERM (Voilà and Jupyter then shut their kernels down), given
``STOP_GRACE_S`` seconds, and then killed together with every process it left
behind. Kernels run in sessions of their own, so they are found by a mark in
their environment (``COCDATA_SERVER_MARK``, inherited from the server) rather
than by process group. The caller's ``finally`` (the key file's removal)
runs in every case, since the signal handlers do not end this process.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import secrets
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

MARK_ENV = "COCDATA_SERVER_MARK"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
STOP_GRACE_S = 20.0
_PROC = Path("/proc")


class _StopRequested(BaseException):
    """A stop signal arrived while waiting for the server (BaseException, like Ctrl+C)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stop(signum: int, _frame: object) -> None:
    raise _StopRequested(signum)


def _parent_death_signal() -> object | None:
    """Linux's prctl, looked up now: the child must not load libraries after fork."""
    name = ctypes.util.find_library("c")
    if not name or not hasattr(os, "fork"):
        return None
    try:
        return ctypes.CDLL(name, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _child_setup(prctl: object | None) -> None:
    """Run in the child before exec: default stop signals, and die with the launcher."""
    # A launcher started with SIGINT ignored (background jobs, some CI runners)
    # passes SIG_IGN on through exec; the server must still stop on each signal.
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)
    if prctl is not None:
        prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG: also when the launcher is killed


def marked_processes(mark: str) -> list[int]:
    """This user's processes (but this one) whose environment carries ``mark``."""
    needle = f"{MARK_ENV}={mark}".encode()
    found = []
    if not _PROC.is_dir():
        return found
    for entry in _PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
    return found


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def _stop_signals_raise() -> Iterator[None]:
    """Turn the stop signals into ``_StopRequested`` while waiting (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise_stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop(process: subprocess.Popen[bytes], mark: str, grace: float) -> None:
    """Stop the server, wait for it, then kill whatever of it is still there."""
    hurry: list[int] = []
    if threading.current_thread() is threading.main_thread():
        # A second Ctrl+C while stopping means "now": no exception in the middle of the cleanup.
        for signum in STOP_SIGNALS:
            signal.signal(signum, lambda s, _f: hurry.append(s))
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while process.poll() is None and time.monotonic() < deadline and not hurry:
            time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    # The server shuts its kernels down as it stops; give the last ones a moment, then kill.
    deadline = time.monotonic() + (0 if hurry else 5)
    while marked_processes(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    _kill(marked_processes(mark))


def run_server(
    command: list[str], env: dict[str, str], cwd: Path, grace: float = STOP_GRACE_S
) -> int:
    """Run ``command`` until it ends or a stop signal arrives; return its exit code.

    Whatever happens, nothing the server started is left running on return.
    """
    mark = secrets.token_hex(8)
    env = {**env, MARK_ENV: mark}
    prctl = _parent_death_signal()
    code: int | None = None
    with _stop_signals_raise():
        try:
            process = subprocess.Popen(
                command,
                env=env,
                cwd=cwd,
                start_new_session=True,  # its own group: signals reach it only through us
                preexec_fn=lambda: _child_setup(prctl),
            )
        except _StopRequested:
            return 128 + signal.SIGTERM
        try:
            code = process.wait()
        except _StopRequested as stop:
            code = 128 + stop.signum
        finally:
            _stop(process, mark, grace)
    if process.returncode is not None and process.returncode >= 0:
        return process.returncode
    return code if code is not None else 1
