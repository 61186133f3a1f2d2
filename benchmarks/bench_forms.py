"""Time the forms: in the kernel (build, save) and in a real browser (form ready, save).

    python benchmarks/bench_forms.py            # kernel-side figures only (seconds)
    python benchmarks/bench_forms.py --browser  # also JupyterLab and Voilà in Chromium
    python benchmarks/bench_forms.py --lab-cold # only: a fresh kernel each time in JupyterLab
    python benchmarks/bench_forms.py --imports  # only: a fresh process imports and builds the form

Figures are medians of several runs; they go into the "Forms" section of
docs/performance.md by hand. The browser part reuses the browser tests' helpers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cocdata.forms.intake import CaseForm  # noqa: E402
from cocdata.store import Store  # noqa: E402

RUNS = 7


def kernel_figures(folder: Path) -> dict[str, float]:
    """Build the form and save quick captures without a browser."""
    store = Store.init(folder / "store")
    builds, saves = [], []
    form = None
    for i in range(RUNS):
        start = time.perf_counter()
        form = CaseForm(store, "Bench Member", autosave_delay=None, offer_drafts=False)
        builds.append(time.perf_counter() - start)
        if i == 0:
            form.event.name.value = "Bench conference"
            form.event.start.value = "2000-12-27"
            form.event.end.value = "2000-12-30"
        form.made_by.value = f"Person {i}"
        form.description.value = "A short verbal report."
        start = time.perf_counter()
        assert form.save() is not None, form.board.text
        saves.append(time.perf_counter() - start)
    return {
        "kernel_build_form_s": statistics.median(builds),
        "kernel_save_s": statistics.median(saves),
    }


def browser_figures(folder: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.forms.servers import (
        click_save,
        fill,
        fill_quick_capture,
        new_report,
        open_in_lab,
        open_in_voila,
        running,
    )

    out: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for kind, opener in (("lab", open_in_lab), ("voila", open_in_voila)):
                with running(kind, folder / kind) as server:
                    page = browser.new_page(viewport={"width": 1200, "height": 900})
                    ready = [opener(page, server) for _ in range(3)]
                    fill_quick_capture(page)
                    saves = [click_save(page, server)]
                    for i in range(RUNS):
                        new_report(page)
                        fill(page, "cocdata-f-report-made-by", f"Person {i}")
                        fill(page, "cocdata-f-description", "A short verbal report.")
                        saves.append(click_save(page, server))
                    page.close()
                    out[f"{kind}_form_ready_s"] = statistics.median(ready)
                    out[f"{kind}_save_s"] = statistics.median(saves)
        finally:
            browser.close()
    return out


COLD_RUNS = 7

FIRST_CELL = """
import time, ipykernel.ipkernel, IPython, comm  # what a kernel has before the first cell
start = time.perf_counter()
{before}
from cocdata.forms import intake_form
form = intake_form({store!r}, "Bench Member")
print(time.perf_counter() - start)
"""


def import_figures(folder: Path) -> dict[str, float]:
    """The form's first cell in a fresh process: as it is, and with pandas imported eagerly.

    The naive alternative (``import pandas`` before the form, as importing
    ``cocdata.frames`` at module level did) runs in the same run, alternating.
    """
    import os
    import subprocess

    store = folder / "imports-store"
    Store.init(store)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COCDATA_MEMBER": "Bench Member"}
    times: dict[str, list[float]] = {"lazy": [], "eager_pandas": []}
    for _ in range(COLD_RUNS):
        for name, before in (("lazy", ""), ("eager_pandas", "import pandas")):
            code = FIRST_CELL.format(before=before, store=str(store))
            out = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            times[name].append(float(out.stdout.strip().splitlines()[-1]))
    return {
        "first_cell_lazy_s": statistics.median(times["lazy"]),
        "first_cell_eager_pandas_s": statistics.median(times["eager_pandas"]),
    }


def lab_cold_figures(folder: Path) -> dict[str, float]:
    """Kernel ready -> form usable in JupyterLab, each time with a fresh kernel.

    Every opening first shuts down the kernels left, so each run imports
    cocdata and builds the form in a new process, as a team member's first
    opening does. Both notebooks are timed; the first run warms the disk cache
    and is left out.
    """
    import json
    import urllib.request

    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.forms.servers import run_all, running, wait_idle_kernel

    def shut_down_kernels(server) -> None:
        with urllib.request.urlopen(server.link("/api/kernels")) as answer:
            kernels = json.loads(answer.read())
        for kernel in kernels:
            request = urllib.request.Request(
                server.link(f"/api/kernels/{kernel['id']}"), method="DELETE"
            )
            urllib.request.urlopen(request).close()

    out: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            with running("lab", folder / "lab-cold") as server:
                for notebook, ready in (("intake.ipynb", ".cocdata-save"),
                                        ("case.ipynb", "button.cocdata-open-case")):  # fmt: skip
                    times = []
                    for _ in range(COLD_RUNS + 1):
                        shut_down_kernels(server)
                        page = browser.new_page(viewport={"width": 1200, "height": 900})
                        page.goto(server.link(f"/lab/tree/{notebook}?reset"), timeout=120_000)
                        wait_idle_kernel(page, server, notebook)
                        times.append(run_all(page, server, ready))
                        page.close()
                    name = notebook.split(".")[0]
                    out[f"lab_cold_{name}_ready_s"] = statistics.median(times[1:])
                    print(f"  {name}: " + ", ".join(f"{t:.2f}" for t in times[1:]), flush=True)
        finally:
            browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true", help="also time JupyterLab and Voilà")
    parser.add_argument(
        "--lab-cold", action="store_true", help="only JupyterLab, with a fresh kernel each time"
    )
    parser.add_argument(
        "--imports", action="store_true", help="only the form's first cell in a fresh process"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.imports:
            figures = import_figures(Path(tmp))
        elif args.lab_cold:
            figures = lab_cold_figures(Path(tmp))
        else:
            figures = kernel_figures(Path(tmp))
        if args.browser:
            figures.update(browser_figures(Path(tmp)))
    print(f"forms benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}, medians of {RUNS} runs")
    for name, seconds in figures.items():
        print(f"  {name:24s} {seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
