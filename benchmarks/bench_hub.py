"""Time the team hub in Chromium: sign in → usable form, a save, ten members' forms at once.

    python benchmarks/bench_hub.py              # as root; three sign-ins, ten forms
    python benchmarks/bench_hub.py --members 4  # fewer forms open at once

Runs a real ``cocdata hub`` with real Unix accounts (made and removed here),
like the hub tests (``tests/hub/machine.py``). The naive alternative, timed
in the same run, is one person on one machine: ``cocdata app`` (Voilà) with
no hub, opened at the same form. Memory is the proportional set size (PSS)
of each member's processes (their server and kernel), so shared libraries
are not counted ten times. Culling: the pages are closed, and the hub runs
with ``COCDATA_CULL_IDLE_SECONDS`` = ``--cull`` so idle kernels and servers
go; the script waits until the members' processes are gone.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.forms.servers import (  # noqa: E402
    click_save,
    fill,
    fill_quick_capture,
    new_report,
    open_in_voila,
    running,
)
from tests.hub.machine import (  # noqa: E402
    Accounts,
    fill_login,
    make_team_store,
    members_can_run_python,
    processes_of,
    running_hub,
    shared_folder,
    wait_for_form,
)

SAVES = 7


def pss_mib(pids: list[int]) -> float:
    """Proportional set size of ``pids`` together, in MiB."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
    return total / 1024


def sign_in_to_form(page, hub, user: str, password: str) -> float:
    """Seconds from the click on "Sign in" (name and password typed) to a usable form."""
    fill_login(page, hub, user, password)
    start = time.perf_counter()
    page.locator("#login_submit").click(no_wait_after=True)
    wait_for_form(page, hub, user)
    return time.perf_counter() - start


def saves(page, server) -> list[float]:
    fill_quick_capture(page)
    out = [click_save(page, server)]
    for i in range(SAVES):
        new_report(page)
        fill(page, "cocdata-f-report-made-by", f"Person {i}")
        fill(page, "cocdata-f-description", "A short verbal report.")
        out.append(click_save(page, server))
    return out


def measure(members: int, cull_s: int) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    tag = secrets.token_hex(2)
    accounts = Accounts()
    base = shared_folder("cocdata-bench-hub-")
    group = f"cocb{tag}"
    out: dict[str, object] = {}
    try:
        with members_can_run_python(), sync_playwright() as pw:
            names = [accounts.make(f"cb{tag}m{i}") for i in range(members)]
            make_team_store(base / "store", group, {n: "member" for n in names})
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            with running("voila", base / "single") as app:
                page = browser.new_page(viewport={"width": 390, "height": 844})
                out["single_open_to_form_s"] = [open_in_voila(page, app) for _ in range(3)]
                out["single_save_s"] = saves(page, app)
                page.close()
            with running_hub(base / "store", base, cull_idle_s=cull_s) as hub:
                pages = []
                signins: list[float] = []
                first: list[float] = []
                for name in names:
                    context = browser.new_context(viewport={"width": 390, "height": 844})
                    page = context.new_page()
                    page.set_default_timeout(120_000)
                    signins.append(sign_in_to_form(page, hub, name, accounts.passwords[name]))
                    pages.append(context)
                    if len(pages) == 1:
                        out["hub_save_s"] = saves(page, hub)
                    time.sleep(3)
                    first.append(pss_mib(processes_of(name)))
                out["hub_sign_in_to_form_s"] = signins
                out["pss_after_sign_in_mib"] = first
                per_member = [pss_mib(processes_of(n)) for n in names]
                out["pss_per_open_form_mib"] = per_member
                out["members_running_at_once"] = float(sum(1 for n in names if processes_of(n)))
                for context in pages:
                    context.close()
                start = time.monotonic()
                while any(processes_of(n) for n in names) and time.monotonic() - start < 6 * cull_s:
                    time.sleep(5)
                out["culled_after_s"] = time.monotonic() - start
                out["pss_after_culling_mib"] = sum(pss_mib(processes_of(n)) for n in names)
            browser.close()
    finally:
        accounts.remove()
        shutil.rmtree(base, ignore_errors=True)
        subprocess.run(["groupdel", group], check=False, capture_output=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10, help="forms open at once")
    parser.add_argument("--cull", type=int, default=420, help="idle seconds before culling")
    args = parser.parse_args()
    load = os.getloadavg()
    figures = measure(args.members, args.cull)
    load_after = os.getloadavg()
    print(
        f"hub benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}, "
        f"load average {load[0]:.1f} before, {load_after[0]:.1f} after"
    )
    for name, values in figures.items():
        if isinstance(values, list):
            print(
                f"  {name:28s} median {statistics.median(values):8.2f}  "
                f"(min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"
            )
        else:
            print(f"  {name:28s} {values:8.2f}")


if __name__ == "__main__":
    main()
