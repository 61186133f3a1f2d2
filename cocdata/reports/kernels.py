"""Fresh kernels, one per report, over IPC sockets in a private folder.

Every report gets a kernel that has never run anything else. Two ways to
make one, chosen by the environment variable ``COCDATA_KERNEL_MODE``:

``fork`` (the default on Linux and macOS)
    A fork server (:mod:`cocdata.reports.forkserver`, driven from
    :mod:`cocdata.reports.forkclient`) imports ipykernel and
    the libraries templates use once, then forks a kernel per report. A
    forked kernel is ready in about 0.1 s instead of about 1 s, and starts
    from the server's never-used state, so report A cannot leave anything
    behind for report B. ``COCDATA_KERNEL_PRELOAD`` (comma-separated module
    names) replaces the default list of preloaded libraries.
``spawn``
    The standard jupyter_client launch of the ``python3`` kernel.

Either way a template runs in Python with this cocdata importable; the
kernel name saved in a template is not used, as templates are Python.

Keys of encrypted stores that this process unlocked reach the kernels (and
the fork server) as a key file in a private folder in memory, named by
``COCDATA_KEY_FILE`` in their environment and removed when the batch ends
(``crypto.keys_for_children``); never as a notebook parameter, which papermill
would copy into the executed notebook.

Kernels talk over ``transport="ipc"``: parallel TCP starts race for free
ports (nteract/papermill#511), and Unix sockets in a folder only this user
can read keep other local users off the kernels too. IPC sockets need Linux
or macOS.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager

from cocdata import crypto
from cocdata.errors import ReportFailed

if TYPE_CHECKING:
    from cocdata.reports.forkclient import ForkServer

log = logging.getLogger(__name__)

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
"""The folder holding the ``cocdata`` package: kernels import the same cocdata as the engine."""

DEFAULT_PRELOAD = (
    "numpy",
    "pandas",
    "plotly.graph_objects",
    "plotly.io",
    "cocdata.reports.present",
    "cocdata.store",
    "cocdata.reports.case",
    "cocdata.reports.transparency",
    "cocdata.analysis.trends",
)
"""Libraries report templates import; preloaded by the fork server."""

KERNEL_ARGS = ("--HistoryManager.enabled=False",)
"""Kernel options: report kernels keep no input history, so parallel kernels
do not contend for IPython's history database."""

START_TIMEOUT = 60.0
"""Seconds a kernel (or the fork server) may take to become ready."""

SHUTDOWN_WAIT = 2.0
"""Seconds a kernel gets to exit after a shutdown request before it is killed."""


def kernel_mode() -> str:
    """The kernel start mode from ``COCDATA_KERNEL_MODE``: ``fork`` or ``spawn``."""
    default = "fork" if hasattr(os, "fork") else "spawn"
    mode = os.environ.get("COCDATA_KERNEL_MODE", default).strip().lower() or default
    if mode not in ("fork", "spawn"):
        raise ReportFailed(
            f"COCDATA_KERNEL_MODE is {mode!r}, which is not a kernel start mode.",
            "Set it to 'fork' (fast, the default) or 'spawn' (standard kernel launch), or unset it.",
        )
    return mode


def preload_modules() -> list[str]:
    """Modules the fork server imports, from ``COCDATA_KERNEL_PRELOAD`` or the default list."""
    raw = os.environ.get("COCDATA_KERNEL_PRELOAD")
    if raw is None:
        return list(DEFAULT_PRELOAD)
    return [name.strip() for name in raw.split(",") if name.strip()]


class BatchKernelSpecs(KernelSpecManager):
    """Kernel specs looked up once per batch: each lookup walks every Jupyter data
    folder (about 40 ms), and a batch starts one kernel per report."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._found: dict[str, KernelSpec] = {}

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name not in self._found:
            self._found[kernel_name] = super().get_kernel_spec(kernel_name)
        return self._found[kernel_name]


@dataclass
class Kernel:
    """A started, ready kernel with its manager and connected client."""

    km: AsyncKernelManager
    kc: AsyncKernelClient
    log_path: Path

    def log_tail(self, chars: int = 2000) -> str:
        """The end of what the kernel process printed outside any cell, for error messages."""
        return read_tail(self.log_path, chars)


class KernelFactory:
    """Starts fresh kernels for one batch of reports and cleans every one up.

    Use as ``async with KernelFactory() as kernels: kernel = await
    kernels.start(cwd)``, and ``await kernels.shutdown(kernel)`` when done
    with it. Leaving the block shuts down any kernel still running, stops
    the fork server and removes the private folder with the connection files.
    """

    def __init__(self, mode: str | None = None, preload: list[str] | None = None) -> None:
        self.mode = mode or kernel_mode()
        self.preload = preload_modules() if preload is None else preload
        self._dir: Path | None = None
        self._server: ForkServer | None = None
        self._counter = itertools.count(1)
        self._live: set[AsyncKernelManager] = set()
        self._keys = contextlib.ExitStack()
        self._specs = BatchKernelSpecs()
        self.env: dict[str, str] = {}

    async def __aenter__(self) -> KernelFactory:
        self._dir = Path(tempfile.mkdtemp(prefix="cocdata-kernels-"))
        self.env = dict(os.environ)
        self.env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PACKAGE_ROOT), self.env.get("PYTHONPATH", "")) if p
        )
        self._keys.enter_context(crypto.keys_for_children(self.env))
        if self.mode == "fork":
            from cocdata.reports.forkclient import ForkServer

            self._server = ForkServer(self._dir, self.preload, self.env)
            self._server.launch()
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await asyncio.gather(
                *(self._stop(km) for km in list(self._live)), return_exceptions=True
            )
        finally:
            if self._server is not None:
                await self._server.close()
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
            self._keys.close()

    async def start(self, cwd: Path) -> Kernel:
        """Start a fresh kernel working in ``cwd`` and wait until it answers."""
        assert self._dir is not None, "use KernelFactory in 'async with'"
        n = next(self._counter)
        log_path = self._dir / f"k{n}.log"
        km = AsyncKernelManager(
            transport="ipc",
            ip=str(self._dir / f"k{n}"),
            connection_file=str(self._dir / f"k{n}.json"),
            shutdown_wait_time=SHUTDOWN_WAIT,
            kernel_spec_manager=self._specs,
        )
        if self._server is not None:
            from cocdata.reports.forkclient import ForkProvisioner

            km.provisioner = ForkProvisioner(
                kernel_id=f"k{n}", kernel_spec=km.kernel_spec, parent=km
            )
            km.provisioner.server = self._server
            km.provisioner.log_path = log_path
        env = dict(self.env)
        self._live.add(km)
        try:
            if self._server is None:
                with log_path.open("ab") as out:
                    await km.start_kernel(
                        cwd=str(cwd),
                        env=env,
                        extra_arguments=list(KERNEL_ARGS),
                        stdout=out,
                        stderr=out,
                    )
            else:
                await km.start_kernel(cwd=str(cwd), env=env)
            kc = await _connect_when_ready(km)
        except BaseException as exc:
            await self._stop(km)
            if isinstance(exc, Exception) and not isinstance(exc, ReportFailed):
                tail = read_tail(log_path)
                raise ReportFailed(
                    f"A kernel could not be started ({type(exc).__name__}: {exc}).",
                    (f"The kernel printed:\n{tail}\n" if tail else "")
                    + "Check that ipykernel is installed for this Python; "
                    "set COCDATA_KERNEL_MODE=spawn to rule out the fork server.",
                ) from exc
            raise
        return Kernel(km=km, kc=kc, log_path=log_path)

    async def shutdown(self, kernel: Kernel) -> None:
        """Stop a kernel and remove its connection files; never raises."""
        kernel.kc.stop_channels()
        await self._stop(kernel.km)

    async def _stop(self, km: AsyncKernelManager) -> None:
        self._live.discard(km)
        try:
            if km.has_kernel:
                await km.shutdown_kernel(now=False)
        except Exception as exc:  # a kernel that will not stop must not fail the batch
            log.debug("shutting down kernel %s: %s", km.kernel_id, exc)
            with contextlib.suppress(Exception):
                await km.shutdown_kernel(now=True)
        finally:
            with contextlib.suppress(Exception):
                await km.cleanup_resources()


async def _connect_when_ready(km: AsyncKernelManager) -> AsyncKernelClient:
    """Connect a client once the kernel answers on both shell and IOPub.

    jupyter_client's ``wait_for_ready`` costs about 0.2 s more per kernel
    than this; with forked kernels that is most of the start time.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT
    info = km.get_connection_info()
    # Connecting to an IPC socket that is not bound yet makes zmq retry only
    # every 100 ms, so wait until the kernel has bound all five.
    sockets = [
        Path(f"{km.ip}-{info[name]}")
        for name in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
    ]
    while not all(p.exists() for p in sockets):
        if not await km.is_alive():
            raise RuntimeError("the kernel exited while starting")
        if loop.time() > deadline:
            raise TimeoutError(f"the kernel did not open its sockets in {START_TIMEOUT:.0f} s")
        await asyncio.sleep(0.005)
    kc = km.client()
    kc.start_channels()
    try:
        while True:
            kc.kernel_info()
            try:
                await kc.get_shell_msg(timeout=1)
                # Any IOPub message (ipykernel's welcome, or the status around
                # kernel_info) shows the subscription is live, so no output of
                # the first cell can be lost.
                await kc.get_iopub_msg(timeout=0.5)
                return kc
            except Empty:
                pass
            if not await km.is_alive():
                raise RuntimeError("the kernel exited while starting")
            if loop.time() > deadline:
                raise TimeoutError(f"the kernel did not answer in {START_TIMEOUT:.0f} s")
    except BaseException:
        kc.stop_channels()
        raise


def read_tail(path: Path, chars: int = 2000) -> str:
    """The last ``chars`` characters a kernel or the fork server wrote to its log, or ""."""
    try:
        return path.read_text(errors="replace")[-chars:].strip()
    except OSError:
        return ""
