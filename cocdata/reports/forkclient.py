"""Kernels forked by the fork server: the engine's side of :mod:`cocdata.reports.forkserver`.

:class:`ForkServer` starts the server in the background (it imports
ipykernel and the preloaded libraries once) and asks it for a kernel per
report over a pipe; :class:`ForkProvisioner` lets jupyter_client's kernel
manager use such a kernel as if it had launched it, through
:class:`ForeignProcess`, a Popen look-alike for a process we are not the
parent of. :class:`cocdata.reports.kernels.KernelFactory` chooses between
this and the standard launch.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import select
import signal
import sys
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from cocdata.errors import ReportFailed
from cocdata.reports.kernels import KERNEL_ARGS, START_TIMEOUT, read_tail

log = logging.getLogger(__name__)


class ForkServer:
    """The engine's side of :mod:`cocdata.reports.forkserver`."""

    def __init__(self, folder: Path, preload: list[str], env: dict[str, str]) -> None:
        self.folder = folder
        self.preload = preload
        self.env = env
        self.log_path = folder / "forkserver.log"
        self._proc: asyncio.subprocess.Process | None = None
        self._ready: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def launch(self) -> None:
        """Start the server in the background; ``fork`` waits for it to be ready."""
        self._ready = asyncio.ensure_future(self._launch())

    async def _launch(self) -> None:
        script = Path(__file__).with_name("forkserver.py")
        env = dict(self.env)
        with self.log_path.open("ab") as err:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(script),
                *self.preload,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=err,
                env=env,
                # A Ctrl-C in the terminal is for the engine, which then
                # stops the server itself.
                start_new_session=True,
            )
        reply = await self._read_reply()
        if not reply.get("ready"):
            raise self._failure(reply.get("error", "it did not say it was ready"))
        for skipped in reply.get("skipped", []):
            log.info("fork server could not preload %s", skipped)

    async def fork(self, request: dict[str, Any]) -> int:
        """Ask the server for a new kernel process; return its pid."""
        assert self._ready is not None
        await asyncio.wait_for(asyncio.shield(self._ready), START_TIMEOUT)
        assert self._proc is not None and self._proc.stdin is not None
        async with self._lock:
            if self._proc.returncode is not None:
                raise self._failure(f"it exited with code {self._proc.returncode}")
            try:
                self._proc.stdin.write(json.dumps(request).encode() + b"\n")
                await self._proc.stdin.drain()
            except ConnectionError:
                raise self._failure("it exited") from None
            reply = await self._read_reply()
        if "pid" not in reply:
            raise self._failure(reply.get("error", "no pid in its reply"))
        return int(reply["pid"])

    async def _read_reply(self) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        line = await asyncio.wait_for(self._proc.stdout.readline(), START_TIMEOUT)
        if not line:
            raise self._failure("it exited")
        return json.loads(line)

    def _failure(self, what: str) -> ReportFailed:
        tail = read_tail(self.log_path)
        return ReportFailed(
            f"The kernel fork server failed: {what}.",
            (f"It printed:\n{tail}\n" if tail else "")
            + "Set COCDATA_KERNEL_MODE=spawn to start kernels the standard way.",
        )

    async def close(self) -> None:
        """Stop the server; it kills any kernel it forked that is still running."""
        if self._ready is not None and not self._ready.done():
            self._ready.cancel()
            with contextlib.suppress(BaseException):
                await self._ready
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 5)
        except TimeoutError:
            proc.kill()
            await proc.wait()


class ForeignProcess:
    """A Popen look-alike for a kernel the fork server (not we) is parent of.

    Liveness goes through a pidfd where the platform has one, so a recycled
    pid can never be mistaken for our kernel.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._fd: int | None = None
        if hasattr(os, "pidfd_open"):
            try:
                self._fd = os.pidfd_open(pid)
            except ProcessLookupError:
                self.returncode = 0
            except OSError:
                self._fd = None

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if self._fd is not None:
            readable, _, _ = select.select([self._fd], [], [], 0)
            if readable:
                self._exited()
        else:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self._exited()
        return self.returncode

    def _exited(self) -> None:
        # The fork server reaps the kernel and keeps its exit status; all
        # jupyter_client needs to know is that it is gone.
        self.returncode = 0
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def wait(self, timeout: float | None = None) -> int:
        if self._fd is not None and self.returncode is None:
            select.select([self._fd], [], [], timeout)
        while self.poll() is None:
            select.select([], [], [], 0.05)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching through the fork server."""

    server: ForkServer
    log_path: Path

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> dict[str, Any]:
        km = self.parent
        pid = await self.server.fork(
            {
                "connection_file": km.connection_file,
                "cwd": str(kwargs.get("cwd") or os.getcwd()),
                "env": kwargs.get("env") or dict(self.server.env),
                "log": str(self.log_path),
                "argv": list(KERNEL_ARGS),
            }
        )
        self.process = ForeignProcess(pid)
        self.pid = pid
        # The child calls setsid(), so it leads its own process group.
        self.pgid = pid
        self.cwd = kwargs.get("cwd")
        return self.connection_info
