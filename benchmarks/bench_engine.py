"""Benchmark the report engine against the naive loop and against the floor.

    python benchmarks/bench_engine.py [--reports 12] [--runs 3] [--workers 2] [--template T]

Renders N reports of one template (by default the per-case internal report,
``case_report.ipynb`` of ``cocdata.reports.notebooks``, for N cases of a demo store;
``--template`` takes any template whose parameters are those of the test
fixture ``tests/templates/summary.ipynb``) in several ways, each
timed as a whole batch, median of ``--runs``:

naive
    What a user would script: for each report ``papermill template.ipynb
    out.ipynb -y PARAMS`` and then ``jupyter nbconvert --to html --no-input
    out.ipynb``, one after the other.
cocdata CLI
    ``cocdata report case ID ... --jobs W`` as a user types it (case reports only).
engine
    ``cocdata.reports.render(jobs, workers=W)``, in a fresh Python process
    per run so that its one-time imports are counted.
floor
    The least an engine with standard kernels could spend: for each report a
    bare kernel start (standard launch, IPC) that runs the template's code as
    one block, W kernels at a time, in this process, with no papermill, no
    nbconvert and no files written.

Two more engine rows show what the fork server buys: ``spawn`` starts every
kernel the standard way, ``fork, no preload`` forks kernels that import the
template's libraries themselves.

The results are printed and written as the "## Report engine" section of
``docs/performance.md`` (``--no-doc`` to skip). Other templates plug in
through :func:`benchmark`, which takes any list of RenderJobs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import perfdoc  # noqa: E402
from cocdata.reports import RenderJob  # noqa: E402

SUMMARY_TEMPLATE = ROOT / "tests" / "templates" / "summary.ipynb"
DOC = ROOT / "docs" / "performance.md"
SECTION = "## Report engine"


@dataclass
class Figures:
    """Median seconds per way of rendering, with every run kept."""

    runs: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        self.runs.setdefault(name, []).append(seconds)

    def median(self, name: str) -> float:
        return statistics.median(self.runs[name])


def summary_jobs(n: int, out: Path, template: Path = SUMMARY_TEMPLATE) -> list[RenderJob]:
    """N reports of the summary fixture, one per (synthetic) event."""
    return [
        RenderJob(
            template=template,
            parameters={"event_id": f"EV-{i:03d}", "reports": 40 + i, "seed": i},
            out=out / f"report-{i:03d}",
            title=f"Summary EV-{i:03d}",
        )
        for i in range(n)
    ]


def demo_store(folder: Path) -> Path:
    """A demo store (``cocdata demo``'s data) built once into ``folder``."""
    from cocdata.demo import build_demo

    path = folder / "demo-store"
    if not path.exists():
        build_demo(path)
    return path


def case_report_jobs(n: int, store: Path, out: Path) -> list[RenderJob]:
    """Internal reports of the first N cases of a store, as ``cocdata report case`` makes them."""
    from cocdata.reports.case import case_jobs
    from cocdata.store import Store

    opened = Store.open(store, create=False)
    return case_jobs(opened, opened.case_ids()[:n], ("html",), out)


def case_report_cli(jobs: list[RenderJob], out: Path, workers: int) -> list[str]:
    """The ``cocdata report case`` command line that renders the same reports."""
    store = jobs[0].parameters["store"]
    ids = [j.parameters["case_id"] for j in jobs]
    return ["report", "case", *ids, "--store", store, "--out", str(out), "--jobs", str(workers)]


def _retarget(jobs: list[RenderJob], out: Path) -> list[RenderJob]:
    return [
        RenderJob(
            template=j.template,
            parameters=j.parameters,
            out=out / j.out.name,
            title=j.title,
            formats=("html",),
        )
        for j in jobs
    ]


def run_cli(args: list[str]) -> None:
    """The ``cocdata`` command in a fresh process, as a user runs it."""
    bindir = Path(sys.executable).parent
    cocdata = shutil.which("cocdata", path=str(bindir)) or "cocdata"
    subprocess.run([cocdata, *args], check=True, capture_output=True)


def run_naive(jobs: list[RenderJob], out: Path) -> None:
    """papermill CLI then nbconvert CLI, per report, as a user's shell loop would."""
    out.mkdir(parents=True, exist_ok=True)
    bindir = Path(sys.executable).parent
    papermill = shutil.which("papermill", path=str(bindir)) or "papermill"
    jupyter = shutil.which("jupyter", path=str(bindir)) or "jupyter"
    for job in jobs:
        executed = out / f"{job.out.name}.ipynb"
        subprocess.run(
            [
                papermill,
                "-y",
                json.dumps(job.parameters),
                "--cwd",
                str(job.template.parent),
                "--no-progress-bar",
                str(job.template),
                str(executed),
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [jupyter, "nbconvert", "--to", "html", "--no-input", str(executed)],
            check=True,
            capture_output=True,
        )


def run_engine(jobs: list[RenderJob], workers: int, env: dict[str, str] | None = None) -> None:
    """The engine in a fresh process, so its imports and fork server start are counted."""
    spec = [
        {
            "template": str(j.template),
            "parameters": j.parameters,
            "out": str(j.out),
            "title": j.title,
            "formats": list(j.formats),
        }
        for j in jobs
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
    try:
        subprocess.run(
            [sys.executable, __file__, "--engine-once", f.name, "--workers", str(workers)],
            check=True,
            env={**os.environ, **(env or {})},
        )
    finally:
        os.unlink(f.name)


def _engine_once(spec_path: str, workers: int) -> None:
    from cocdata.reports import raise_for_failures, render

    spec = json.loads(Path(spec_path).read_text())
    jobs = [RenderJob(**{**s, "formats": tuple(s["formats"])}) for s in spec]
    raise_for_failures(render(jobs, workers=workers, progress=False))


def template_code(job: RenderJob) -> str:
    """The template's code cells as one block, with the job's parameters set after its defaults."""
    nb = json.loads(job.template.read_text())
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        parts.append("".join(cell["source"]))
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            parts += [f"{k} = {v!r}" for k, v in job.parameters.items()]
    return "\n".join(parts)


async def _floor(jobs: list[RenderJob], workers: int) -> None:
    # The engine's own kernel starter in standard-launch mode: the same IPC
    # sockets and quick readiness check, so the floor is the best a bare
    # kernel start can do, not jupyter_client's slower wait_for_ready.
    from cocdata.reports.kernels import KernelFactory

    queue = list(jobs)
    stops: list[asyncio.Task[None]] = []

    async with KernelFactory(mode="spawn") as kernels:

        async def slot() -> None:
            while queue:
                job = queue.pop(0)
                kernel = await kernels.start(job.template.parent)
                try:
                    reply = await kernel.kc.execute_interactive(
                        template_code(job), timeout=300, output_hook=lambda msg: None
                    )
                    if reply["content"]["status"] != "ok":
                        raise RuntimeError(f"floor run of {job.title} failed: {reply['content']}")
                finally:
                    # Like the engine, do not wait for the kernel to exit.
                    stops.append(asyncio.ensure_future(kernels.shutdown(kernel)))

        await asyncio.gather(*(slot() for _ in range(workers)))
        await asyncio.gather(*stops)


def run_floor(jobs: list[RenderJob], workers: int) -> None:
    """Bare kernel starts plus the template's compute, ``workers`` at a time."""
    asyncio.run(_floor(jobs, workers))


def benchmark(
    make_jobs: Callable[[Path], list[RenderJob]],
    runs: int = 3,
    workers: int = 2,
    naive: bool = True,
    log: Callable[[str], None] = print,
    cli: Callable[[list[RenderJob], Path, int], list[str]] | None = None,
) -> Figures:
    """Time every way of rendering the jobs ``make_jobs(out_folder)`` returns.

    ``cli(jobs, out, workers)``, if given, returns the ``cocdata`` arguments
    that render the same reports; that command is timed as the "cocdata CLI" way.
    """
    figures = Figures()
    ways: list[tuple[str, Callable[[list[RenderJob], Path], None]]] = [
        ("engine", lambda jobs, out: run_engine(jobs, workers)),
        (
            "engine, spawn",
            lambda jobs, out: run_engine(jobs, workers, {"COCDATA_KERNEL_MODE": "spawn"}),
        ),
        (
            "engine, fork, no preload",
            lambda jobs, out: run_engine(jobs, workers, {"COCDATA_KERNEL_PRELOAD": ""}),
        ),
        ("floor", lambda jobs, out: run_floor(jobs, workers)),
    ]
    if cli is not None:
        ways.insert(0, ("cocdata CLI", lambda jobs, out: run_cli(cli(jobs, out, workers))))
    if naive:
        ways.insert(0, ("naive", lambda jobs, out: run_naive(jobs, out)))
    for run in range(1, runs + 1):
        for name, way in ways:
            with tempfile.TemporaryDirectory(prefix="cocdata-bench-") as tmp:
                jobs = _retarget(make_jobs(Path(tmp)), Path(tmp) / "out")
                started = time.perf_counter()
                way(jobs, Path(tmp) / "out")
                seconds = time.perf_counter() - started
            figures.add(name, seconds)
            log(f"run {run}/{runs}  {name:<26} {seconds:7.2f} s")
    return figures


def table(figures: Figures, reports: int, workers: int) -> str:
    """The results as a Markdown table with the two ratios the goals are stated in."""
    engine = figures.median("engine")
    rows = ["| way | seconds (median) | per report | runs |", "| --- | ---: | ---: | --- |"]
    for name in figures.runs:
        m = figures.median(name)
        runs = ", ".join(f"{s:.1f}" for s in figures.runs[name])
        rows.append(f"| {name} | {m:.2f} | {m / reports:.2f} | {runs} |")
    lines = ["\n".join(rows), ""]
    if "naive" in figures.runs:
        ratio = figures.median("naive") / engine
        verdict = "met" if ratio >= 8 else "MISSED"
        lines.append(f"- naive / engine = **{ratio:.1f}×** (goal ≥ 8×: {verdict})")
        if "cocdata CLI" in figures.runs:
            ratio = figures.median("naive") / figures.median("cocdata CLI")
            verdict = "met" if ratio >= 8 else "MISSED"
            lines.append(f"- naive / cocdata CLI = **{ratio:.1f}×** (goal ≥ 8×: {verdict})")
    floor_ratio = engine / figures.median("floor")
    verdict = "met" if floor_ratio <= 1.5 else "MISSED"
    lines.append(f"- engine / floor = **{floor_ratio:.2f}** (goal ≤ 1.5: {verdict})")
    if "cocdata CLI" in figures.runs:
        cli_ratio = figures.median("cocdata CLI") / figures.median("floor")
        verdict = "met" if cli_ratio <= 1.5 else "MISSED"
        lines.append(f"- cocdata CLI / floor = **{cli_ratio:.2f}** (goal ≤ 1.5: {verdict})")
    if "engine, spawn" in figures.runs:
        spawn_ratio = figures.median("engine, spawn") / figures.median("floor")
        lines.append(
            f"- engine with standard kernel starts / floor = {spawn_ratio:.2f} "
            "(the same kind of kernel start on both sides)"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=12, help="reports per batch (default 12)")
    parser.add_argument(
        "--runs", type=int, default=3, help="runs to take the median of (default 3)"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="engine and floor workers (default 2)"
    )
    parser.add_argument(
        "--template",
        type=Path,
        default=None,
        help="a template with the summary fixture's parameters (default: case reports)",
    )
    parser.add_argument("--skip-naive", action="store_true", help="leave out the slow naive loop")
    parser.add_argument("--no-doc", action="store_true", help="print only, do not update the doc")
    parser.add_argument("--engine-once", metavar="JOBS.json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_once:
        _engine_once(args.engine_once, args.workers)
        return

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="cocdata-bench-store-") as tmp:
        if args.template is None:
            store = demo_store(Path(tmp))
            figures = benchmark(
                lambda out: case_report_jobs(args.reports, store, out),
                runs=args.runs,
                workers=args.workers,
                naive=not args.skip_naive,
                cli=case_report_cli,
            )
            what = f"{args.reports} case reports of the demo store (`cocdata demo`)"
        else:
            figures = benchmark(
                lambda out: summary_jobs(args.reports, out, args.template.resolve()),
                runs=args.runs,
                workers=args.workers,
                naive=not args.skip_naive,
            )
            what = f"{args.reports} reports of `{args.template.resolve().relative_to(ROOT)}`"
    load_after = os.getloadavg()[0]
    result = table(figures, args.reports, args.workers)
    print()
    print(result)
    if not args.no_doc:
        where = (
            f"{what}, "
            f"workers={args.workers}, median of {args.runs} runs, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"1-minute load average {load_before:.1f} before and {load_after:.1f} after "
            "(above 2, other work shared the machine), "
            f"measured {time.strftime('%Y-%m-%d')} by `python benchmarks/bench_engine.py "
            f"--reports {args.reports} --runs {args.runs}"
            f"{f' --template {args.template}' if args.template else ''}`."
        )
        section = DOC.read_text() if DOC.exists() else ""
        notes = _notes(section)
        perfdoc.write_section("Report engine", f"{where}\n\n{result}\n\n{notes}".strip())
        print(f"\nwrote the '{SECTION}' section of {DOC.relative_to(ROOT)}")


NOTES_START = "<!-- notes: kept by bench_engine.py -->"


def _notes(doc_text: str) -> str:
    """The hand-written part of the section (from the notes marker on), kept across runs."""
    start = doc_text.find(f"\n{SECTION}\n")
    if start < 0:
        return NOTES_START
    end = doc_text.find("\n## ", start + len(SECTION) + 2)
    section = doc_text[start : end if end >= 0 else len(doc_text)]
    i = section.find(NOTES_START)
    return section[i:].strip() if i >= 0 else NOTES_START


if __name__ == "__main__":
    main()
