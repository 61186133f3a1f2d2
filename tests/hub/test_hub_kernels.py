"""A member's kernels forked from the fork server their server starts first."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from cocdata.hub import kernels

CONNECTION = "/run/user/kernel-1.json"


@pytest.mark.parametrize(
    ("cmd", "arguments"),
    [
        ([sys.executable, "-m", "ipykernel_launcher", "-f", CONNECTION], []),
        (
            [sys.executable, "-m", "ipykernel_launcher", "-f", CONNECTION, "--debug"],
            ["--debug"],
        ),
        # Another Python's kernel spec, or another kernel: started the standard way.
        (["/opt/other/bin/python", "-m", "ipykernel_launcher", "-f", CONNECTION], None),
        ([sys.executable, "-m", "bash_kernel", "-f", CONNECTION], None),
        ([sys.executable, "-m", "ipykernel_launcher", "-f", "/elsewhere.json"], None),
        (["R", "--slave"], None),
    ],
)
def test_only_this_pythons_ipykernel_is_forked(cmd: list[str], arguments) -> None:
    assert kernels.kernel_arguments(cmd, CONNECTION) == arguments


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.slow
def test_a_members_kernel_is_forked_runs_code_and_stops(monkeypatch) -> None:
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import KernelProvisionerFactory
    from traitlets.config import Config

    monkeypatch.setattr(kernels, "_server", None)
    server = kernels.start_fork_server(("ipywidgets",))
    assert server is not None
    config = Config()
    config.KernelProvisionerFactory.default_provisioner_name = kernels.PROVISIONER
    # As in the member's server, where the option is on its command line.
    KernelProvisionerFactory.clear_instance()
    KernelProvisionerFactory.instance(config=config)

    async def run() -> tuple[list[str], int]:
        km = AsyncKernelManager(config=config)
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        printed: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])

        try:
            await kc.wait_for_ready(timeout=60)
            code = "import os, sys; print(os.getppid(), 'ipywidgets' in sys.modules)"
            reply = await kc.execute_interactive(code, timeout=60, output_hook=hook)
            assert reply["content"]["status"] == "ok"
            assert type(km.provisioner).__name__ == "MemberForkProvisioner"
            return printed, km.provisioner.pid
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    try:
        # A thread of its own: a browser test's event loop may be running in this one.
        with ThreadPoolExecutor(1) as pool:
            printed, pid = pool.submit(asyncio.run, run()).result()
        assert "".join(printed).split() == [str(server.pid), "True"], "forked, with the preload"
        deadline = time.monotonic() + 10
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(pid), "the kernel stopped with its manager"
    finally:
        KernelProvisionerFactory.clear_instance()
        server.close()
    assert _gone(server.pid), "the fork server stopped"
