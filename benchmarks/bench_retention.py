"""Retention benchmark: expunge dates and ``cocdata expunge`` on the 100,000-case store.

Uses the synthetic store of ``bench_analysis.py`` (built once, cached under
``benchmarks/.data/``); each expunge runs on a fresh copy. Each figure is the
median of several runs. The naive alternative, measured in the same run, is
what a team gets by expunging case by case (``cocdata expunge --case ID`` for
each due case: every call reads the store and rewrites the files holding its
case); it is timed on a few cases and multiplied out.

    python benchmarks/bench_retention.py [--cases 100000] [--events 1000] [--runs 3]

Figures go to the "## Retention" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_analysis import build_store  # noqa: E402
from benchmarks.perfdoc import write_section  # noqa: E402
from cocdata import retention  # noqa: E402
from cocdata.analysis import yearly_statistics  # noqa: E402
from cocdata.store import Store  # noqa: E402

NAIVE_CASES = 5


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def fresh_copy(source: Path, work: Path) -> Path:
    target = work / "store"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    return target


def run(args: argparse.Namespace) -> str:
    source = build_store(args.cases, args.events, args.seed)
    load = os.getloadavg()[0]
    rows: list[tuple[str, list[float], str]] = []
    with tempfile.TemporaryDirectory(prefix="cocdata-bench-") as tmp:
        work = Path(tmp)
        store = Store.open(source, create=False)
        frames = store.frames()
        schedule = [
            timed(lambda: retention.schedule(frames, store.settings.retention))
            for _ in range(args.runs)
        ]
        due = [c for c, r in retention.schedule(frames).items() if r.due()]
        sample = sorted(frames.cases["case_id"])[:: max(1, len(frames.cases) // args.runs)]
        one = [timed(lambda c=c: retention.case_retention(store, c)) for c in sample[: args.runs]]
        dry = [timed(lambda: retention.dry_run(Store.open(source))) for _ in range(args.runs)]
        rows += [
            ("expunge dates of every case (from loaded frames)", schedule, ""),
            ("expunge date of one case (`cocdata show`, the case view)", one, ""),
            ("`cocdata expunge --dry-run`", dry, ""),
        ]
        full, same = [], True
        for _ in range(args.runs):
            copy = fresh_copy(source, work)
            before = yearly_statistics(Store.open(copy).frames())
            full.append(timed(lambda copy=copy: retention.expunge(Store.open(copy))))
            same &= before.equals(yearly_statistics(Store.open(copy).frames()))
            assert Store.open(copy).verify().ok
        rows.append(
            (
                f"`cocdata expunge` of {len(due):,} due cases (the store lock is held throughout)",
                full,
                "",
            )
        )
        copy = fresh_copy(source, work)
        naive = [
            timed(lambda c=c: retention.expunge(Store.open(copy), case_ids=[c]))
            for c in due[:NAIVE_CASES]
        ]
        per_case = statistics.median(naive)
        rows.append(
            (
                f"naive: case by case, per case ({NAIVE_CASES} timed)",
                naive,
                f"{per_case * len(due) / 3600:.1f} h for all {len(due):,}",
            )
        )
    lines = [
        f"The {args.cases:,}-case synthetic store of the analysis benchmark ({args.events:,} "
        f"events, one compacted file), median of {args.runs} runs, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, 1-minute load average {load:.1f} before, measured "
        f"{dt.date.today()} by `python benchmarks/bench_retention.py --runs {args.runs}`.",
        "",
        "| what | seconds (median) | runs | note |",
        "| --- | ---: | --- | --- |",
    ]
    for what, times, note in rows:
        shown = ", ".join(f"{t:.2f}" for t in times)
        lines.append(f"| {what} | {statistics.median(times):.2f} | {shown} | {note} |")
    lines += [
        "",
        f"- one expunge / case by case (multiplied out) = "
        f"**{per_case * len(due) / statistics.median(full):,.0f}×**",
        f"- yearly statistics unchanged by the expunge, and `verify` clean: {same}",
        "- While an expunge runs, saves wait for the lock (up to 30 s, then they are refused "
        "with a message and nothing is lost); reading goes on.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-doc", action="store_true", help="print, do not write the doc")
    args = parser.parse_args()
    body = run(args)
    print(body)
    if not args.no_doc:
        write_section("Retention", body)


if __name__ == "__main__":
    main()
