"""Store benchmark: save latency against store size, loading and importing 100,000 cases.

Each figure is the median of several runs, next to what a team would do
without cocdata's store in the same run: keep every case in one parquet file
and rewrite it on each save, and read a JSON Lines export with pandas. Every
figure is measured for a plain and an encrypted store in the same run, runs
of the two alternating, so the cost of encryption is read off one table.

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
from cocdata import crypto, interchange, synthetic  # noqa: E402
from cocdata.model import TimelineEntry  # noqa: E402
from cocdata.store import Store  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
KINDS = ("plain", "encrypted")
PASSPHRASE = "benchmark passphrase, not a secret"


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


def import_store(n_cases: int, where: Path, kind: str = "plain") -> tuple[Store, float]:
    """A new store (encrypted or not) filled from JSON Lines; the seconds the import took."""
    shutil.rmtree(where, ignore_errors=True)
    if kind == "encrypted":
        store = Store.init(where, encrypt=True, passphrase=PASSPHRASE)
    else:
        store = Store.init(where)
    start = time.perf_counter()
    interchange.import_file(jsonl_for(n_cases), store, by="bench")
    return store, time.perf_counter() - start


def save_latencies(store: Store, saves: int) -> list[float]:
    """Seconds per save of a team member adding a note to a case they have open."""
    return interleaved_latencies({"plain": store}, saves)["plain"]


def interleaved_latencies(stores: dict[str, Store], saves: int) -> dict[str, list[float]]:
    """Save latencies of several stores, taking turns save by save so that whatever else
    the machine does meanwhile falls on all of them alike. One save each first, not counted,
    warms the code paths."""
    ids = {kind: store.case_ids() for kind, store in stores.items()}
    out: dict[str, list[float]] = {kind: [] for kind in stores}
    for i in range(-1, saves):
        for kind, store in stores.items():
            step = max(1, len(ids[kind]) // saves)
            index = (i * step) % len(ids[kind]) if i >= 0 else -1
            current = store.get(ids[kind][index])
            entry = TimelineEntry(
                at=current.case.report.made_at, by=["bench"], kind="note", text=f"note {i}"
            )
            edited = current.case.model_copy(update={"timeline": [*current.case.timeline, entry]})
            start = time.perf_counter()
            store.save(edited, by="bench", base_rev=current.rev)
            if i >= 0:
                out[kind].append(time.perf_counter() - start)
    return out


def naive_save_latencies(store: Store, saves: int, where: Path) -> list[float]:
    """One parquet file of all cases, read and rewritten on each save."""
    path = where / "all-cases.parquet"
    store.frames().cases.to_parquet(path)
    out = []
    for i in range(saves):
        start = time.perf_counter()
        frame = pd.read_parquet(path, dtype_backend="pyarrow")  # list columns stay arrow lists
        frame.loc[i % len(frame), "description"] = f"edited {i}"
        frame.to_parquet(path.with_suffix(".tmp"))
        os.replace(path.with_suffix(".tmp"), path)
        out.append(time.perf_counter() - start)
    return out


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} / {p95(values) * 1000:.0f} ms"


def ratio(kind_figures: dict[str, float]) -> str:
    return f"{kind_figures['encrypted'] / kind_figures['plain']:.2f}×"


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
    load_before = os.getloadavg()[0]
    rows: list[tuple[str, str, str, str]] = []
    crypt_rows: list[tuple[str, str, str, str, str]] = []
    try:
        jsonl_for(small), jsonl_for(large)
        imports: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for run in range(args.runs):
            for kind in KINDS:
                _store, seconds = import_store(large, work / f"large-{kind}", kind)
                imports[kind].append(seconds)
                print(f"import {large:,} {kind}: {seconds:.1f} s (run {run + 1})", flush=True)
        naive_import, _ = timed(lambda: pd.read_json(jsonl_for(large), lines=True), 1)
        imported = {kind: statistics.median(imports[kind]) for kind in KINDS}
        rows.append(
            (
                f"import {large:,} cases from JSON Lines (validated, all or nothing)",
                f"{imported['plain']:.1f} s",
                f"pandas.read_json, no checks: {naive_import:.1f} s",
                "≤ 60 s",
            )
        )

        loads: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for _ in range(args.runs):
            for kind in KINDS:
                loads[kind] += timed(lambda k=kind: Store.open(work / f"large-{k}").frames(), 1)[1]
        load = {kind: statistics.median(loads[kind]) for kind in KINDS}
        naive_load, _ = timed(lambda: pd.read_json(jsonl_for(large), lines=True), args.runs)
        rows.append(
            (
                f"load current state of {large:,} cases into DataFrames",
                f"{load['plain']:.2f} s",
                f"pandas.read_json of the export: {naive_load:.2f} s "
                f"({naive_load / load['plain']:.1f}×)",
                "≤ 2 s",
            )
        )

        latencies: dict[str, dict[int, list[float]]] = {kind: {} for kind in KINDS}
        for kind in KINDS:
            import_store(small, work / f"small-{kind}", kind)
        for n, name in ((small, "small"), (large, "large")):
            stores = {kind: Store.open(work / f"{name}-{kind}") for kind in KINDS}
            for kind, values in interleaved_latencies(stores, args.saves).items():
                latencies[kind][n] = values
        lat_small, lat_large = latencies["plain"][small], latencies["plain"][large]
        store_small = Store.open(work / "small-plain")
        naive_small = naive_save_latencies(store_small, min(args.saves, 50), work)
        naive_large = naive_save_latencies(Store.open(work / "large-plain"), 10, work)
        rows.append(
            (
                f"save one revision, store of {small:,} cases (p50 / p95)",
                ms(lat_small),
                f"rewrite one parquet file: {statistics.median(naive_small) * 1000:.0f} ms",
                "p95 ≤ 50 ms",
            )
        )
        rows.append(
            (
                f"save one revision, store of {large:,} cases (p50 / p95)",
                ms(lat_large),
                f"rewrite one parquet file: {statistics.median(naive_large) * 1000:.0f} ms "
                f"({statistics.median(naive_large) / statistics.median(lat_large):.0f}×)",
                f"within 1.5× of {small:,}: {p95(lat_large) / p95(lat_small):.2f}×",
            )
        )

        # Encrypted against plain, from the same runs.
        crypt_rows.append(
            (
                f"import {large:,} cases",
                f"{imported['plain']:.1f} s",
                f"{imported['encrypted']:.1f} s",
                ratio(imported),
                "≤ 2×",
            )
        )
        crypt_rows.append(
            (
                f"load {large:,} cases into DataFrames",
                f"{load['plain']:.2f} s",
                f"{load['encrypted']:.2f} s",
                ratio(load),
                "≤ 2×",
            )
        )
        for n in (small, large):
            p95s = {kind: p95(latencies[kind][n]) for kind in KINDS}
            crypt_rows.append(
                (
                    f"save one revision, store of {n:,} cases (p50 / p95)",
                    ms(latencies["plain"][n]),
                    ms(latencies["encrypted"][n]),
                    f"{ratio(p95s)} (p95)",
                    "≤ 2×",
                )
            )
        settings = Store.open(work / "large-encrypted").encryption
        assert settings is not None
        unlock, _ = timed(lambda: settings.open_with_passphrase(PASSPHRASE), args.runs)
        crypt_rows.append(
            (
                "unlock with the passphrase (Argon2id, 64 MiB; once per process)",
                "–",
                f"{unlock:.2f} s",
                "–",
                "–",
            )
        )
        crypto.forget_all()
        locked, _ = timed(lambda: Store.open(work / "large-encrypted").frames(), args.runs)
        crypt_rows.append(
            (
                f"load {large:,} cases without the key (statistics only)",
                f"{load['plain']:.2f} s (everything)",
                f"{locked:.2f} s",
                f"{locked / load['plain']:.2f}×",
                "–",
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()[0]

    def runs(values: dict[str, list[float]], fmt: str) -> str:
        return "; ".join(f"{k} " + ", ".join(fmt.format(v) for v in values[k]) for k in KINDS)

    table = [
        "| what | cocdata | without cocdata's store, same run | goal |",
        "| --- | --- | --- | --- |",
    ]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    crypt_table = [
        "| what | plain store | encrypted store | encrypted / plain | goal |",
        "| --- | --- | --- | --- | --- |",
    ]
    crypt_table += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in crypt_rows]
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
            "",
            "### Encrypted stores",
            "",
            "The same figures for a store made with `cocdata init --encrypt`, measured in the "
            "same run (plain and encrypted runs alternate, saves take turns):",
            "",
            *crypt_table,
            "",
            f"Single runs, import (s): {runs(imports, '{:.1f}')}. Load (s): "
            f"{runs(loads, '{:.2f}')}. 1-minute load average {load_before:.1f} before the "
            f"run and {load_after:.1f} after"
            + (
                " (above 2: other work shared the machine, so single runs vary and a ratio "
                "below 1× is that noise, not encryption making anything faster)."
                if max(load_before, load_after) > 2
                else "."
            ),
            "",
            "Encryption is Parquet modular encryption (AES-GCM in arrow's C++) of the `identity` "
            "column, so it adds little to reading and writing; a save also seals a data key "
            "with the store key (a few microseconds in Python). The passphrase costs "
            "0.1–0.2 s of Argon2id once per process, on purpose: that is what makes guessing "
            "passphrases slow. Without the key, loading reads the statistics only.",
        ]
    )
    write_section("Store", body)
    print(json.dumps(rows + crypt_rows, indent=1))


if __name__ == "__main__":
    main()
