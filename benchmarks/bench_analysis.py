"""Benchmark cross-event analysis on a large synthetic store against the naive loops.

    python benchmarks/bench_analysis.py [--cases 100000] [--events 1000] [--runs 5]

Builds (once, cached under ``benchmarks/.data/``) a synthetic store of
``--cases`` cases over ``--events`` events, then measures, median of
``--runs``:

- loading: ``store.frames()`` against ``store.load_all()`` (every case as a
  validated record, which the naive loops start from);
- every analysis function on the frames against the loop over the loaded
  records that a user would write for the same answer (same run, same data;
  the naive side does not count ``load_all``);
- the trends notebook end to end through papermill (kernel start included).

Targets: each function within 1 s, the trends notebook within 20 s. The
results are printed and written as the "## Analysis" section of
``docs/performance.md`` (``--no-doc`` to skip).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import perfdoc  # noqa: E402
from cocdata import analysis, synthetic  # noqa: E402
from cocdata.store import Store, StoredCase, remove_store  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
DOC = ROOT / "docs" / "performance.md"
SECTION = "## Analysis"
NOTEBOOK = ROOT / "notebooks" / "analysis" / "1-trends.ipynb"
CHUNK = 5000
FUNCTION_TARGET_S = 1.0
NOTEBOOK_TARGET_S = 20.0
BUILDER = "bench_analysis"


# -- the store ------------------------------------------------------------------------


def store_path(n_cases: int, n_events: int, seed: int) -> Path:
    return DATA / f"store-{n_cases}-{n_events}-{seed}"


def build_store(n_cases: int, n_events: int, seed: int) -> Path:
    """The synthetic store, built once: events, then cases in chunks, then one compaction."""
    path = store_path(n_cases, n_events, seed)
    done = path / ".complete"
    if done.exists():
        return path
    remove_store(path)
    started = time.perf_counter()
    events, cases = synthetic.generate(seed=seed, n_events=n_events, n_cases=n_cases)
    print(f"generated {len(cases):,} cases in {time.perf_counter() - started:.0f} s", flush=True)
    store = Store.open(path)
    with_cases = {c.event.id for c in cases}
    for event in events:
        if event.id not in with_cases:  # events with cases are saved with them
            store.save_event(event, by=BUILDER)
    for start in range(0, len(cases), CHUNK):
        store.save_many([(c, None) for c in cases[start : start + CHUNK]], by=BUILDER)
        print(f"saved {min(start + CHUNK, len(cases)):,} cases", flush=True)
    store.compact()
    done.write_text(json.dumps({"cases": len(cases), "events": len(events), "seed": seed}))
    print(f"store ready in {time.perf_counter() - started:.0f} s at {path}", flush=True)
    return path


# -- the naive loops a user would write over store.load_all() --------------------------


def _nan_median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def naive_reports_per_event(records: list[StoredCase], events: dict) -> list[tuple]:
    counts = Counter(r.case.event.id for r in records)
    rows = []
    for event in sorted(events.values(), key=lambda e: (e.start, e.id)):
        n = counts[event.id]
        rate = 100 * n / event.attendees if event.attendees else math.nan
        rows.append((event.id, n, rate))
    return rows


def naive_category_mix(records: list[StoredCase], events: dict) -> dict:
    totals = Counter(r.case.event.id for r in records)
    counts = Counter((r.case.event.id, c) for r in records for c in r.case.categories)
    return {key: (n, n / totals[key[0]]) for key, n in counts.items()}


def naive_spaces(records: list[StoredCase], events: dict) -> dict:
    totals = Counter(r.case.event.id for r in records)
    counts = Counter((r.case.event.id, r.case.occurred.space or "unknown") for r in records)
    return {key: (n, n / totals[key[0]]) for key, n in counts.items()}


def naive_channels(records: list[StoredCase], events: dict) -> dict:
    counts = Counter(r.case.report.channel for r in records)
    anonymous = Counter(r.case.report.channel for r in records if r.case.report.made_by is None)
    return {k: (n, anonymous[k]) for k, n in counts.items()}


def naive_receivers(records: list[StoredCase], events: dict) -> Counter:
    return Counter(m for r in records for m in (r.case.report.received_by or ["not recorded"]))


def naive_time_of_day(records: list[StoredCase], events: dict) -> Counter:
    counts: Counter = Counter()
    for r in records:
        occ = r.case.occurred
        counts[
            occ.at.hour if occ.at is not None and occ.precision in ("minute", "hour") else None
        ] += 1
    return counts


def naive_day_of_event(records: list[StoredCase], events: dict) -> Counter:
    counts: Counter = Counter()
    for r in records:
        occ, event = r.case.occurred, r.case.event
        if occ.at is None or occ.precision not in ("minute", "hour", "day"):
            counts["unknown"] += 1
        elif occ.at.date() < event.start:
            counts["before"] += 1
        elif occ.at.date() > event.end:
            counts["after"] += 1
        else:
            counts[(occ.at.date() - event.start).days + 1] += 1
    return counts


def _naive_times(record: StoredCase, closed_at: dt.datetime | None) -> dict[str, float]:
    case = record.case
    made = case.report.made_at
    steps = [(t.at, t.kind == "decision") for t in case.timeline]
    steps += [(a.at, True) for a in case.actions if a.at is not None]
    after = [s for s in steps if s[0] >= made]
    first = min((s[0] for s in after), default=None)
    decided = min((s[0] for s in after if s[1]), default=None)
    occ = case.occurred

    def hours(a: dt.datetime | None, b: dt.datetime | None) -> float:
        return (b - a).total_seconds() / 3600 if a is not None and b is not None else math.nan

    known = occ.at if occ.precision in ("minute", "hour") else None
    return {
        "incident_to_report": hours(known, made),
        "report_to_first_step": hours(made, first),
        "report_to_decision": hours(made, decided),
        "report_to_closure": hours(made, closed_at),
    }


def naive_response_times(records: list[StoredCase], events: dict) -> list[dict]:
    # Closure needs the revision history; store.history() per case is timed apart.
    out = []
    for r in records:
        closed = None
        if r.case.status == "closed":
            steps = [t.at for t in r.case.timeline] + [a.at for a in r.case.actions if a.at]
            closed = max(steps, default=None)
        out.append(_naive_times(r, closed))
    return out


def naive_response_summary(records: list[StoredCase], events: dict) -> dict:
    times = naive_response_times(records, events)
    return {
        stage: _nan_median([t[stage] for t in times if not math.isnan(t[stage])])
        for stage in times[0]
    }


def naive_open_cases_by_age(records: list[StoredCase], events: dict) -> Counter:
    now = dt.datetime.now()
    counts: Counter = Counter()
    for r in records:
        if r.case.status != "closed":
            age = (now - r.case.report.made_at).days
            band = next(
                (
                    name
                    for name, limit in (("week", 7), ("month", 28), ("quarter", 91), ("year", 365))
                    if age < limit
                ),
                "older",
            )
            counts[(band, r.case.status)] += 1
    return counts


def naive_cases_per_member(records: list[StoredCase], events: dict) -> dict:
    cases: defaultdict[str, set] = defaultdict(set)
    steps: Counter = Counter()
    for r in records:
        for m in r.case.report.received_by:
            cases[m].add(r.case_id)
        for item in [*r.case.timeline, *r.case.actions]:
            for m in item.by:
                cases[m].add(r.case_id)
                steps[m] += 1
    return {m: (len(c), steps[m]) for m, c in cases.items()}


def naive_actions_by_category(records: list[StoredCase], events: dict) -> Counter:
    return Counter(
        (c, k)
        for r in records
        for c in r.case.categories
        for k in ({a.kind for a in r.case.actions} or {"none-yet"})
    )


def naive_escalations(records: list[StoredCase], events: dict) -> Counter:
    counts: Counter = Counter()
    for r in records:
        for to in set(r.case.decisions.reported_to):
            counts[("reported to", to)] += 1
        for to in set(r.case.forwarded_to):
            counts[("forwarded to", to)] += 1
    return counts


def naive_reactions(records: list[StoredCase], events: dict) -> Counter:
    counts: Counter = Counter()
    for r in records:
        reported = {
            p.name.strip().casefold() for p in r.case.people if p.role == "reported" and p.name
        }
        seen = set()
        for t in r.case.timeline:
            reaction = t.reaction or ("further-problems" if t.kind == "problem" else None)
            if reaction:
                side = (
                    "reported"
                    if any(w.strip().casefold() in reported for w in t.with_)
                    else "other"
                )
                seen.add((reaction, side))
        counts.update(seen)
    return counts


def naive_repeat_people(records: list[StoredCase], events: dict) -> dict:
    cases: defaultdict[str, list] = defaultdict(list)
    for r in records:
        for p in {p.person for p in r.case.people if p.role == "reported" and p.person}:
            cases[p].append(r)
    return {
        person: (
            len(rs),
            len({r.case.event.id for r in rs}),
            min(r.case.report.made_at for r in rs),
            "; ".join(sorted({c for r in rs for c in r.case.categories})),
        )
        for person, rs in cases.items()
        if len(rs) >= 2
    }


def naive_person_history(records: list[StoredCase], events: dict) -> list:
    repeat = naive_repeat_people(records, events)
    rows = [
        (p.person, r.case_id, r.case.event.name, r.case.report.made_at, p.role)
        for r in records
        for p in r.case.people
        if p.person in repeat
    ]
    return sorted(rows, key=lambda row: (row[0], row[3]))


WORD = re.compile(r"[^\w]+")


def naive_similar_cases(records: list[StoredCase], events: dict, case_id: str) -> list:
    docs = {}
    for r in records:
        words = [w for w in WORD.split((r.case.description or "").lower()) if len(w) >= 3]
        docs[r.case_id] = Counter(w for w in words if w not in analysis.similar.STOP_WORDS)
    df = Counter(w for counts in docs.values() for w in counts)
    idf = {w: math.log((1 + len(docs)) / (1 + n)) + 1 for w, n in df.items()}
    vectors = {
        cid: {w: (1 + math.log(n)) * idf[w] for w, n in counts.items()}
        for cid, counts in docs.items()
    }
    norms = {cid: math.sqrt(sum(v * v for v in vec.values())) for cid, vec in vectors.items()}
    target = next(r for r in records if r.case_id == case_id)
    query = vectors[case_id]
    codes = {p.person for p in target.case.people if p.person}
    cats = set(target.case.categories)
    scored = []
    for r in records:
        if r.case.report.made_at >= target.case.report.made_at:
            continue
        vec = vectors[r.case_id]
        dot = sum(w * vec.get(t, 0.0) for t, w in query.items())
        text = (
            dot / (norms[r.case_id] * norms[case_id])
            if norms[r.case_id] and norms[case_id]
            else 0.0
        )
        people = len(codes & {p.person for p in r.case.people}) / len(codes) if codes else 0.0
        other = set(r.case.categories)
        category = len(cats & other) / len(cats | other) if cats | other else 0.0
        space = float(
            r.case.occurred.space is not None
            and r.case.occurred.space == target.case.occurred.space
        )
        scored.append((0.4 * people + 0.2 * category + 0.1 * space + 0.3 * text, r.case_id))
    return sorted(scored, reverse=True)[:10]


def naive_yearly_statistics(records: list[StoredCase], events: dict) -> dict:
    from cocdata.analysis.yearly import ACTION_OUTCOMES, OUTCOME_SEVERITY

    rows: defaultdict[int, Counter] = defaultdict(Counter)
    people: defaultdict[int, set] = defaultdict(set)
    for r in records:
        year = r.case.report.made_at.year
        rows[year]["reports"] += 1
        for p in r.case.people:
            if p.role == "reported":
                people[year].add(p.person or id(p))
        outcomes = [ACTION_OUTCOMES.get(a.kind, "other") for a in r.case.actions]
        ranked = sorted(OUTCOME_SEVERITY.index(o) for o in outcomes if o)
        rows[year][OUTCOME_SEVERITY[ranked[0]] if ranked else "no outcome yet"] += 1
    for year in rows:
        rows[year]["people named"] = len(people[year])
    return rows


# -- measuring --------------------------------------------------------------------------


def median_seconds(fn: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def comparisons(newest: str) -> dict[str, tuple]:
    """Name -> (cocdata call on frames, naive loop on records)."""
    return {
        "reports_per_event": (analysis.reports_per_event, naive_reports_per_event),
        "category_mix, per event": (
            lambda f: analysis.category_mix(f, per="event"),
            naive_category_mix,
        ),
        "spaces, per event": (lambda f: analysis.spaces(f, per="event"), naive_spaces),
        "channels": (analysis.channels, naive_channels),
        "receivers": (analysis.receivers, naive_receivers),
        "time_of_day": (analysis.time_of_day, naive_time_of_day),
        "day_of_event": (analysis.day_of_event, naive_day_of_event),
        "response_times": (analysis.response_times, naive_response_times),
        "response_summary": (analysis.response_summary, naive_response_summary),
        "open_cases_by_age": (analysis.open_cases_by_age, naive_open_cases_by_age),
        "cases_per_member": (analysis.cases_per_member, naive_cases_per_member),
        "actions_by_category": (analysis.actions_by_category, naive_actions_by_category),
        "escalations": (analysis.escalations, naive_escalations),
        "reactions": (analysis.reactions, naive_reactions),
        "repeat_people": (analysis.repeat_people, naive_repeat_people),
        "person_history": (analysis.person_history, naive_person_history),
        "similar_cases": (
            lambda f: analysis.similar_cases(f, newest),
            lambda records, events: naive_similar_cases(records, events, newest),
        ),
        "yearly_statistics": (analysis.yearly_statistics, naive_yearly_statistics),
    }


def notebook_seconds(path: Path, runs: int) -> tuple[float, list[float], dict[str, float]]:
    """Wall time of the trends notebook through papermill, and its slowest cells (last run)."""
    import nbformat
    import papermill

    times = []
    cells: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "trends.ipynb"
        for _ in range(runs):
            started = time.perf_counter()
            papermill.execute_notebook(
                str(NOTEBOOK),
                str(out),
                parameters={"store": str(path)},
                kernel_name="python3",
                progress_bar=False,
                cwd=tmp,
            )
            times.append(time.perf_counter() - started)
        nb = nbformat.read(out, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                first = cell.source.strip().splitlines()[-1][:60]
                cells[first] = cell.metadata.get("papermill", {}).get("duration") or 0.0
    return statistics.median(times), times, cells


def history_seconds(store: Store, records: list[StoredCase], sample: int = 50) -> float:
    """Seconds store.history() takes for every closed case, extrapolated from a sample."""
    closed = [r.case_id for r in records if r.case.status == "closed"]
    chosen = closed[:: max(1, len(closed) // sample)][:sample]
    started = time.perf_counter()
    for case_id in chosen:
        store.history(case_id)
    return (time.perf_counter() - started) / len(chosen) * len(closed)


def run(args: argparse.Namespace) -> str:
    path = build_store(args.cases, args.events, args.seed)
    store = Store.open(path, create=False)
    frames_s, _ = median_seconds(store.frames, args.runs)
    frames = store.frames()
    print(f"frames(): {frames_s:.2f} s", flush=True)
    newest = frames.cases.sort_values("made_at")["case_id"].iloc[-1]
    pairs = comparisons(newest)
    # cocdata first, before 100,000 records are in memory: a notebook using
    # cocdata never holds them, and their millions of objects slow every
    # garbage collection that runs meanwhile.
    fast_times = {
        name: median_seconds(lambda fast=fast: fast(frames), args.runs)[0]
        for name, (fast, _) in pairs.items()
    }
    select_s, _ = median_seconds(
        lambda: analysis.select(
            frames, start="2023-01-01", end="2023-12-31", categories=["harassment", "theft"]
        ),
        args.runs,
    )
    load_all_s, _ = median_seconds(store.load_all, 1)
    records = store.load_all()
    events = store.events()
    print(f"load_all(): {load_all_s:.1f} s", flush=True)
    rows = []
    for name, (_, naive) in pairs.items():
        naive_s, _ = median_seconds(
            lambda naive=naive: naive(records, events), max(1, args.runs // 2)
        )
        rows.append((name, fast_times[name], naive_s))
        print(f"{name:28s} {fast_times[name]:7.3f} s   naive {naive_s:7.3f} s", flush=True)
    closure_s = history_seconds(store, records)
    print(f"store.history() for every closed case: about {closure_s:.0f} s", flush=True)
    notebook_s, notebook_runs, cells = notebook_seconds(path, args.notebook_runs)
    print(
        f"trends notebook: {notebook_s:.1f} s ({', '.join(f'{t:.1f}' for t in notebook_runs)})",
        flush=True,
    )
    return report(
        args,
        frames,
        frames_s,
        load_all_s,
        rows,
        closure_s,
        select_s,
        notebook_s,
        notebook_runs,
        cells,
    )


def report(
    args, frames, frames_s, load_all_s, rows, closure_s, select_s, notebook_s, notebook_runs, cells
) -> str:
    import pandas as pd

    lines = [
        f"Measured by `python benchmarks/bench_analysis.py` on {dt.date.today():%Y-%m-%d}: "
        f"{len(frames.cases):,} synthetic cases over {len(frames.events):,} events "
        f"(`synthetic.generate(seed={args.seed}, n_events={args.events}, n_cases={args.cases})`, "
        f"{len(frames.timeline):,} timeline entries, {len(frames.actions):,} actions); "
        f"{platform.python_implementation()} {platform.python_version()}, pandas {pd.__version__}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end (the machine is "
        f"shared). Medians of {args.runs} runs (naive loops: {max(1, args.runs // 2)}).",
        "",
        "Targets: every analysis function within 1 s on this store; the trends notebook "
        "end to end through papermill within 20 s.",
        "",
        "### Loading",
        "",
        "| step | seconds |",
        "| --- | ---: |",
        f"| `store.frames()` (what every analysis starts from) | {frames_s:.2f} |",
        f"| `store.load_all()` (validated records, what the naive loops start from) | {load_all_s:.1f} |",
        f"| `analysis.select(...)`: one year, two categories | {select_s:.3f} |",
        "",
        "### Each function against the naive loop",
        "",
        "The naive loop is the Python loop over `store.load_all()` records that gives the same "
        "answer, timed in the same run. *Loop only* leaves out `load_all`; *from the store* "
        "compares the whole way from the store to the answer: `frames()` plus the function "
        "against `load_all()` plus the loop.",
        "",
        "| function | cocdata (s) | naive loop (s) | loop only: naive ÷ cocdata "
        "| from the store: naive ÷ cocdata | within 1 s |",
        "| --- | ---: | ---: | ---: | ---: | :---: |",
    ]
    for name, fast_s, naive_s in rows:
        ok = "yes" if fast_s <= FUNCTION_TARGET_S else "**no**"
        whole = (load_all_s + naive_s) / (frames_s + fast_s)
        lines.append(
            f"| `{name}` | {fast_s:.3f} | {naive_s:.3f} | {naive_s / fast_s:.1f}× "
            f"| {whole:.0f}× | {ok} |"
        )
    lines += [
        "",
        "Simple counts (who received reports, channels, escalations, open cases by age) are "
        "about as fast as a loop over records already in memory, `receivers` a little slower: "
        "the gain there is not having to build 100,000 validated records first. The joins "
        "(response times, repeat people, similar cases) gain also on the loop itself. The "
        "cocdata functions are timed before the records are loaded (a notebook using cocdata "
        "never holds them; their millions of objects slow every garbage collection that runs "
        "meanwhile).",
    ]
    lines += [
        "",
        f"The naive `response_times` takes closure from the last step; the sound definition "
        f"(the saved status change) needs `store.history()` per closed case, which would add "
        f"about {closure_s:.0f} s (extrapolated from 50 cases). `analysis.response_times` reads it "
        f"from `frames.revisions` in the time shown.",
        "",
        "### Trends notebook through papermill",
        "",
        f"Median {notebook_s:.1f} s over {len(notebook_runs)} runs "
        f"({', '.join(f'{t:.1f}' for t in notebook_runs)} s; target {NOTEBOOK_TARGET_S:.0f} s), "
        "kernel start included. Slowest cells of the last run (the `panel` cell imports "
        "cocdata, pandas and plotly into the fresh kernel and loads the store's frames):",
        "",
        "| cell | seconds |",
        "| --- | ---: |",
    ]
    for source, seconds in sorted(cells.items(), key=lambda kv: -kv[1])[:5]:
        lines.append(f"| `{source}` | {seconds:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases (default 100000)")
    parser.add_argument("--events", type=int, default=1000, help="events (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="synthetic data seed (default 7)")
    parser.add_argument("--runs", type=int, default=5, help="runs per function (default 5)")
    parser.add_argument("--notebook-runs", type=int, default=3, help="notebook runs (default 3)")
    parser.add_argument("--build-only", action="store_true", help="build the cached store and stop")
    parser.add_argument("--no-doc", action="store_true", help="print only, do not update the doc")
    args = parser.parse_args()
    if args.build_only:
        build_store(args.cases, args.events, args.seed)
        return
    body = run(args)
    print("\n" + body)
    if not args.no_doc:
        perfdoc.write_section("Analysis", body)
        print(f"\nwrote the '{SECTION}' section of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
