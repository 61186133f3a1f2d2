"""A member's kernels, forked from a process that has imported ipykernel and the forms.

Starting a kernel the standard way costs about a second of every sign-in on a 2-core
machine: the new process imports IPython, ipykernel, ipywidgets and cocdata's forms
before the form notebook's first cell can run. The member's server starts the report
engine's fork server (:mod:`cocdata.reports.forkserver`) as its own first step, so the
imports happen on the other core while the server itself starts, and each of the
member's kernels (the form's, the case view's, JupyterLab's) is then forked from it: a
fresh process that shares nothing with any other kernel, since the fork server never runs
notebook code. The fork server runs as the member, like the server, and is stopped with
it: it kills the kernels it forked when the server's end of its pipe closes.

Anything out of the ordinary starts the kernel the standard way instead: a kernel spec
for another Python, a fork server that failed to start or stopped answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

log = logging.getLogger(__name__)

PROVISIONER = "cocdata-member-fork"
"""The provisioner's entry-point name (``jupyter_client.kernel_provisioners``)."""

PRELOAD = ("ipywidgets", "cocdata.forms.intake", "cocdata.forms.casework")
"""What the form notebooks import in their first cell."""

ANSWER_TIMEOUT_S = 60.0
"""How long a fork may wait for the fork server (its first answer comes after its imports)."""

FORKSERVER = Path(__file__).resolve().parents[1] / "reports" / "forkserver.py"


class MemberForkServer:
    """The member's fork server: started at once, asked for kernels over a pipe."""

    def __init__(self, preload: tuple[str, ...] = PRELOAD) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, str(FORKSERVER), *preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # Its messages and its kernels' output go where the server's go.
            stderr=None,
            # A Ctrl-C for the server is not for the kernels: the server stops them.
            start_new_session=True,
        )
        self._lock = threading.Lock()
        self._ready: bool | None = None
        self._pending = b""

    @property
    def pid(self) -> int:
        return self._proc.pid

    def fork(self, request: dict[str, Any]) -> int:
        """A new kernel process for ``request``; its pid. ``OSError`` when there is none."""
        with self._lock:
            if self._ready is None:
                self._ready = bool(self._answer().get("ready"))
            if not self._ready or self._proc.stdin is None:
                raise OSError("the fork server did not start")
            self._proc.stdin.write(json.dumps(request).encode() + b"\n")
            self._proc.stdin.flush()
            answer = self._answer()
        if "pid" not in answer:
            raise OSError(str(answer.get("error", "no pid in the fork server's answer")))
        return int(answer["pid"])

    def _answer(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        deadline = time.monotonic() + ANSWER_TIMEOUT_S
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise OSError("the fork server did not answer")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise OSError("the fork server exited")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return json.loads(line)

    def close(self) -> None:
        """Stop the fork server and with it every kernel it forked."""
        with contextlib.suppress(OSError):
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        try:
            self._proc.wait(5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


_server: MemberForkServer | None = None


def start_fork_server(preload: tuple[str, ...] = PRELOAD) -> MemberForkServer | None:
    """Start the member's fork server (once per process); None if it cannot start."""
    global _server
    if _server is None:
        try:
            _server = MemberForkServer(preload)
        except OSError as exc:
            log.warning("cocdata: kernels start the standard way (%s)", exc)
    return _server


def kernel_arguments(cmd: list[str], connection_file: str) -> list[str] | None:
    """The options after ``-f CONNECTION_FILE`` of a standard ipykernel command line for this
    Python, or None for any other command (that kernel is not forked)."""
    head = [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file]
    if len(cmd) < len(head) or cmd[1:5] != head[1:5]:
        return None
    if os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
        return None
    return list(cmd[5:])


class MemberForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, forking the member's kernels where it can."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> dict[str, Any]:
        from cocdata.reports.forkclient import ForeignProcess

        server = _server
        arguments = kernel_arguments(cmd, self.parent.connection_file)
        if server is None or arguments is None:
            return await super().launch_kernel(cmd, **kwargs)
        request = {
            "connection_file": self.parent.connection_file,
            "cwd": str(kwargs.get("cwd") or os.getcwd()),
            "env": dict(kwargs.get("env") or os.environ),
            "log": None,  # the kernel prints where the server does (the hub's log)
            "argv": arguments,
        }
        try:
            pid = await asyncio.get_running_loop().run_in_executor(None, server.fork, request)
        except (OSError, ValueError) as exc:
            log.warning("cocdata: kernel started the standard way (%s)", exc)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForeignProcess(pid)
        self.pid = pid
        self.pgid = pid  # the forked kernel calls setsid(): it leads its own process group
        self.cwd = kwargs.get("cwd")
        return self.connection_info
