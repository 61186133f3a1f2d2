"""A cocdata error in a notebook's kernel shows its message and what to do, not a traceback."""

from __future__ import annotations

import os
import queue
import re
from pathlib import Path

import pytest

from cocdata import notebook_errors
from cocdata.errors import NotFound

ROOT = Path(__file__).resolve().parents[1]


def test_install_outside_ipython_changes_nothing():
    assert notebook_errors.install() is False


def test_the_message_has_the_hint():
    error = NotFound("There is no case 'amber-falcon'.", "List the cases with 'cocdata cases'.")
    assert notebook_errors.message(error) == (
        "cocdata: There is no case 'amber-falcon'.\nList the cases with 'cocdata cases'."
    )


@pytest.fixture(scope="module")
def kernel():
    from jupyter_client.manager import start_new_kernel

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    manager, client = start_new_kernel(kernel_name="python3", env=env, startup_timeout=120)
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _run(client, code: str) -> tuple[str, list[dict]]:
    """Execute ``code``; return the reply's status and every output message of it."""
    msg_id = client.execute(code)
    outputs = []
    while True:
        try:
            msg = client.get_iopub_msg(timeout=60)
        except queue.Empty:
            pytest.fail(f"the kernel did not finish {code!r}")
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        if msg["msg_type"] in ("stream", "error", "display_data", "execute_result"):
            outputs.append(msg)
    while True:
        reply = client.get_shell_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]["status"], outputs


def _text(outputs: list[dict]) -> str:
    parts = []
    for msg in outputs:
        content = msg["content"]
        parts.append(content.get("text", ""))
        parts += content.get("traceback", [])
        parts.append(str(content.get("data", "")))
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(parts))


@pytest.mark.slow
def test_a_cocdata_error_in_a_kernel_shows_its_message_and_no_traceback(kernel):
    status, _ = _run(kernel, "from cocdata import notebook_errors\nnotebook_errors.install()")
    assert status == "ok"
    status, outputs = _run(
        kernel,
        "def pick():\n"
        "    raise __import__('cocdata.errors').errors.UsageError(\n"
        "        'The start date \\'soon\\' is not a date.', 'Write it like 2024-05-31.')\n"
        "pick()",
    )
    shown = _text(outputs)
    assert status == "error"  # the cell still counts as failed (papermill stops there)
    assert "cocdata: The start date 'soon' is not a date.\nWrite it like 2024-05-31." in shown
    assert [m["content"]["name"] for m in outputs] == ["stderr"]
    for frame_word in ("Traceback", "pick()", "File ", "----"):
        assert frame_word not in shown


@pytest.mark.slow
def test_other_errors_keep_their_traceback(kernel):
    _run(kernel, "from cocdata import notebook_errors\nnotebook_errors.install()")
    status, outputs = _run(kernel, "def broken():\n    return 1 / 0\nbroken()")
    assert status == "error"
    assert any(m["msg_type"] == "error" for m in outputs)
    shown = _text(outputs)
    assert "ZeroDivisionError" in shown and "return 1 / 0" in shown
