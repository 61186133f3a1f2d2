"""Time the forms: in the kernel (build, save) and in a real browser (form ready, save).

    python benchmarks/bench_forms.py            # kernel-side figures only (seconds)
    python benchmarks/bench_forms.py --browser  # also JupyterLab and Voilà in Chromium

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true", help="also time JupyterLab and Voilà")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = kernel_figures(Path(tmp))
        if args.browser:
            figures.update(browser_figures(Path(tmp)))
    print(f"forms benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}, medians of {RUNS} runs")
    for name, seconds in figures.items():
        print(f"  {name:24s} {seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
