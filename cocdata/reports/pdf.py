"""Print a report page to PDF with the system's headless Chromium.

nbconvert's webpdf exporter drives a Chromium that playwright downloads
(it cannot find Debian's) and prints before slow pages finish. Here
Chromium runs directly: ``--virtual-time-budget`` lets the page's scripts
(plotly drawing its charts) finish before printing, and a host-resolver rule
makes sure the page cannot reach the network while it renders.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from cocdata.errors import ReportFailed

DEFAULT_CHROMIUM = "/usr/bin/chromium"
PRINT_TIMEOUT = 120.0
"""Seconds one page may take to print before its report fails."""

VIRTUAL_TIME_BUDGET_MS = 15000
"""Virtual milliseconds the page's scripts get before printing; virtual time
runs as fast as the page lets it, so this costs little real time."""


def chromium_path() -> str:
    """Where Chromium is: ``COCDATA_CHROMIUM`` or Debian's ``/usr/bin/chromium``.

    Raises :class:`ReportFailed` if it is not there.
    """
    configured = os.environ.get("COCDATA_CHROMIUM", DEFAULT_CHROMIUM)
    found = shutil.which(configured)
    if found is None:
        raise ReportFailed(
            f"PDF export needs Chromium, which was not found at {configured}.",
            "Install it with 'apt-get install chromium', or set COCDATA_CHROMIUM "
            "to the path of a Chromium or Chrome executable.",
        )
    return found


async def print_pdf(html: Path, pdf: Path) -> None:
    """Print the page ``html`` to ``pdf`` (A4, no header or footer)."""
    exe = chromium_path()
    with tempfile.TemporaryDirectory(prefix="cocdata-chromium-") as profile:
        args = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            "--mute-audio",
            # The page is self-contained; refuse every lookup so nothing in it
            # can call out while it is printed.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ]
        proc = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            output, _ = await asyncio.wait_for(proc.communicate(), PRINT_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)
            await proc.wait()
            raise ReportFailed(
                f"Chromium did not finish printing {html.name} within {PRINT_TIMEOUT:.0f} s.",
                "Try the HTML export alone, and check the page for a script that never ends.",
            ) from None
        finally:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, 9)
                await proc.wait()
    if proc.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        tail = output.decode(errors="replace").strip()[-1500:]
        raise ReportFailed(
            f"Chromium could not print {html.name} to PDF (exit code {proc.returncode}).",
            (f"It said:\n{tail}\n" if tail else "")
            + "Check that 'chromium --headless --print-to-pdf' works on this machine.",
        )
