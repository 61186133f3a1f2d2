"""Store benchmark: save latency against store size, loading and importing 100,000 cases.

Each figure is the median of several runs, next to what a team would do
without cocdata's store in the same run: keep every case in one parquet file
and rewrite it on each save, and read a JSON Lines export with pandas.

    python benchmarks/bench_store.py            # full run (100,000 cases; ~10 minutes)
    python benchmarks/bench_store.py --quick    # 1,000 and 10,000 cases, for a try

Figures go to the "## Store" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.perfdoc import write_section  # noqa: E402
from cocdata import interchange, synthetic  # noqa: E402
from cocdata.model import TimelineEntry  # noqa: E402
from cocdata.store import Store  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"


def jsonl_for(n_cases: int) -> Path:
    """A cached JSON Lines file of ``n_cases`` synthetic cases over about n/100 events."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"cases-{n_cases}.jsonl"
    if not path.exists():
        _, cases = synthetic.generate(
            seed=1, n_events=max(12, n_cases // 100), n_cases=n_cases, years=10, include_guide=False
        )
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.writelines(c.to_json() + "\n" for c in cases)
        tmp.rename(path)
    return path


def timed(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def import_store(n_cases: int, where: Path) -> tuple[Store, float]:
    shutil.rmtree(where, ignore_errors=True)
    store = Store.init(where)
    start = time.perf_counter()
    interchange.import_file(jsonl_for(n_cases), store, by="bench")
    return store, time.perf_counter() - start


def save_latencies(store: Store, saves: int) -> list[float]:
    """Seconds per save of a team member adding a note to a case they have open."""
    ids = store.case_ids()
    step = max(1, len(ids) // saves)
    out = []
    for i in range(saves):
        current = store.get(ids[(i * step) % len(ids)])
        entry = TimelineEntry(
            at=current.case.report.made_at, by=["bench"], kind="note", text=f"note {i}"
        )
        edited = current.case.model_copy(update={"timeline": [*current.case.timeline, entry]})
        start = time.perf_counter()
        store.save(edited, by="bench", base_rev=current.rev)
        out.append(time.perf_counter() - start)
    return out


def naive_save_latencies(store: Store, saves: int, where: Path) -> list[float]:
    """One parquet file of all cases, read and rewritten on each save."""
    path = where / "all-cases.parquet"
    store.frames().cases.to_parquet(path)
    out = []
    for i in range(saves):
        start = time.perf_counter()
        frame = pd.read_parquet(path)
        frame.loc[i % len(frame), "description"] = f"edited {i}"
        frame.to_parquet(path.with_suffix(".tmp"))
        os.replace(path.with_suffix(".tmp"), path)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="1,000 and 10,000 cases instead of 100,000"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--saves", type=int, default=200, help="saves per latency figure")
    args = parser.parse_args()
    small, large = (1_000, 10_000) if args.quick else (1_000, 100_000)
    work = Path(tempfile.mkdtemp(prefix="cocdata-bench-"))
    rows: list[tuple[str, str, str, str]] = []
    try:
        jsonl_for(small), jsonl_for(large)
        import_times = []
        for run in range(args.runs):
            _store_large, seconds = import_store(large, work / "large")
            import_times.append(seconds)
            print(f"import {large:,}: {seconds:.1f} s (run {run + 1})", flush=True)
        naive_import, _ = timed(lambda: pd.read_json(jsonl_for(large), lines=True), 1)
        rows.append(
            (
                f"import {large:,} cases from JSON Lines (validated, all or nothing)",
                f"{statistics.median(import_times):.1f} s",
                f"pandas.read_json, no checks: {naive_import:.1f} s",
                "≤ 60 s",
            )
        )

        load, _ = timed(lambda: Store.open(work / "large").frames(), args.runs)
        naive_load, _ = timed(lambda: pd.read_json(jsonl_for(large), lines=True), args.runs)
        rows.append(
            (
                f"load current state of {large:,} cases into DataFrames",
                f"{load:.2f} s",
                f"pandas.read_json of the export: {naive_load:.2f} s ({naive_load / load:.1f}×)",
                "≤ 2 s",
            )
        )

        store_small, _ = import_store(small, work / "small")
        lat_small = save_latencies(store_small, args.saves)
        lat_large = save_latencies(Store.open(work / "large"), args.saves)
        naive_small = naive_save_latencies(store_small, min(args.saves, 50), work)
        naive_large = naive_save_latencies(Store.open(work / "large"), 10, work)
        rows.append(
            (
                f"save one revision, store of {small:,} cases (p50 / p95)",
                f"{statistics.median(lat_small) * 1000:.0f} / {p95(lat_small) * 1000:.0f} ms",
                f"rewrite one parquet file: {statistics.median(naive_small) * 1000:.0f} ms",
                "p95 ≤ 50 ms",
            )
        )
        rows.append(
            (
                f"save one revision, store of {large:,} cases (p50 / p95)",
                f"{statistics.median(lat_large) * 1000:.0f} / {p95(lat_large) * 1000:.0f} ms",
                f"rewrite one parquet file: {statistics.median(naive_large) * 1000:.0f} ms "
                f"({statistics.median(naive_large) / statistics.median(lat_large):.0f}×)",
                f"within 1.5× of {small:,}: {p95(lat_large) / p95(lat_small):.2f}×",
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    table = [
        "| what | cocdata | without cocdata's store, same run | goal |",
        "| --- | --- | --- | --- |",
    ]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    body = "\n".join(
        [
            f"Measured by `python benchmarks/bench_store.py{' --quick' if args.quick else ''}` on "
            f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}; medians of {args.runs} runs, "
            f"{args.saves} saves per latency figure.",
            "",
            *table,
            "",
            "A save writes one small new file (temp file, fsync, rename, fsync of the folder) and "
            "reads only files it has not seen, so its cost does not grow with the store. Loading "
            "reads every file once, keeps each case's newest revision and flattens the nested "
            "columns with arrow compute, without building a Python object per case.",
        ]
    )
    write_section("Store", body)
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
