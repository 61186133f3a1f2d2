"""The kernel fork server forks only while it has no thread besides its own."""

from __future__ import annotations

import faulthandler
import json
import subprocess
import sys

import pytest

from cocdata.hub.kernels import FORKSERVER
from cocdata.hub.kernels import PRELOAD as MEMBER_PRELOAD
from cocdata.reports import forkserver
from cocdata.reports.kernels import DEFAULT_PRELOAD as REPORT_PRELOAD


def test_it_sees_a_thread_started_in_c_that_python_does_not_list() -> None:
    before = forkserver.other_threads()
    faulthandler.dump_traceback_later(600)  # its watchdog is a C thread
    try:
        assert len(forkserver.other_threads()) == len(before) + 1
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.mark.slow
@pytest.mark.parametrize(
    "preload",
    [pytest.param(MEMBER_PRELOAD, id="member-forms"), pytest.param(REPORT_PRELOAD, id="reports")],
)
def test_numpy_and_pyarrow_start_no_thread_in_the_fork_server(preload: tuple[str, ...]) -> None:
    # Imported anywhere else, each starts one (OpenBLAS's worker, jemalloc's purger).
    with subprocess.Popen(
        [sys.executable, str(FORKSERVER), *preload],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as server:
        assert server.stdout is not None and server.stdin is not None
        answer = json.loads(server.stdout.readline())
        server.stdin.close()
        server.wait(30)
    assert answer == {"ready": True, "skipped": []}
