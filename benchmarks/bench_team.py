"""Team-mode benchmark: what roles, recusal and group modes cost a save, a read and the frames.

Each figure is the median of several runs, each a batch of operations, on a
team store (the team's group, a lead acting, one recusal) against the same
work on a single-user store measured in the same run. The naive alternative
for the check itself is parsing ``cocdata.toml`` again before every action
instead of ``load_team``'s stat-and-compare.

    python benchmarks/bench_team.py [--cases 2000] [--saves 40] [--runs 5]

Runs as root (the team's group is root's own, so no account is made).
Figures go to the "## Team mode" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.perfdoc import write_section  # noqa: E402
from cocdata.store import Store  # noqa: E402
from cocdata.team import Role, admin, load_team  # noqa: E402
from cocdata.team.config import parse_team  # noqa: E402
from tests.helpers import new_case  # noqa: E402


def timed(fn, repeat: int) -> float:
    """Seconds per operation over ``repeat`` calls."""
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) / repeat


def filled(path: Path, cases: int, team: bool) -> tuple[Store, list[str]]:
    store = Store.init(path)
    if team:
        admin.init_team(store, "root")
        admin.add_member(store, "root", Role.LEAD)  # the account the benchmark runs as
    ids = [s.case.case_id for s in store.save_many([(new_case(), None) for _ in range(cases)])]
    if team:
        admin.recuse(store, "root", ids[0])  # one recusal on the books (root still sees all)
    return store, ids


def run(args: argparse.Namespace) -> str:
    load = os.getloadavg()[0]
    os.environ.pop("JUPYTERHUB_USER", None)
    rows: list[tuple[str, list[float], list[float]]] = []
    with tempfile.TemporaryDirectory(prefix="cocdata-bench-team-") as tmp:
        single, single_ids = filled(Path(tmp) / "single", args.cases, team=False)
        team, team_ids = filled(Path(tmp) / "team", args.cases, team=True)
        text = (team.root / "cocdata.toml").read_text()
        counter = itertools.count()

        def save(s: Store, ids: list[str]) -> None:
            shown = s.get(ids[1])
            text = f"{shown.case.description} {next(counter)}"
            s.save(shown.case.model_copy(update={"description": text}), base_rev=shown.rev)

        batches = {
            "save one case (a new revision)": (save, args.saves),
            "read one case (`Store.get`)": (lambda s, ids: s.get(ids[2]), args.saves * 5),
            f"frames of {args.cases:,} cases": (lambda s, ids: s.frames(), 2),
        }
        for what, (fn, repeat) in batches.items():
            plain, teamed = [], []
            for _ in range(args.runs):  # alternated, so that load changes hit both alike
                plain.append(timed(lambda fn=fn: fn(single, single_ids), repeat))
                teamed.append(timed(lambda fn=fn: fn(team, team_ids), repeat))
            rows.append((what, plain, teamed))
        cached = [timed(lambda: load_team(team.root), 2000) for _ in range(args.runs)]
        naive = [
            timed(lambda: parse_team(tomllib.loads((team.root / "cocdata.toml").read_text())), 2000)
            for _ in range(args.runs)
        ]
        assert parse_team(tomllib.loads(text)) == load_team(team.root)
    lines = [
        f"A store of {args.cases:,} synthetic cases, team store (group, modes 0660/2770, role "
        "check and recusal lookup before every action) against a single-user store in the same "
        f"run; median of {args.runs} runs, Python {platform.python_version()}, 2 cores, 1-minute load "
        f"average {load:.1f} before (the machine is shared), measured {dt.date.today()} by "
        "`python benchmarks/bench_team.py`.",
        "",
        "| what | single-user (ms) | team store (ms) | team / single |",
        "| --- | ---: | ---: | ---: |",
    ]
    for what, plain, teamed in rows:
        a, b = statistics.median(plain) * 1e3, statistics.median(teamed) * 1e3
        lines.append(f"| {what} | {a:.2f} | {b:.2f} | {b / a:.2f}× |")
    c, n = statistics.median(cached) * 1e6, statistics.median(naive) * 1e6
    lines += [
        "",
        f"- The team check before an action: `load_team` (stat and compare) {c:.1f} µs; "
        f"parsing `cocdata.toml` every time (the naive way) {n:.1f} µs: **{n / c:.0f}×** less.",
        "- A member removed or recused is refused at their next action all the same: the "
        "file's size, time and inode are compared on every call.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args()
    body = run(args)
    print(body)
    if not args.no_doc:
        write_section("Team mode", body)


if __name__ == "__main__":
    main()
