"""Small-count suppression: no count a public report shows singles out a few people.

A transparency report of a small event that says "1 case of unwelcome
physical contact" can tell everyone who was there which person it was
about. With a threshold ``k`` (``min_count``), every published count from 1
to k - 1 reads "fewer than k", in tables and charts alike, and a chart
draws such a bar at height k, never at its true length.

Suppressing one cell is not enough where the cells of a table add up to a
total the report also shows (under the code of conduct / outside it, open /
decided, one category per case): the total minus the other cells would give
the hidden count back. So in such a table, when a cell is suppressed, the
smallest cells still shown exactly are coarsened too, each to "at least L"
(L = n - (k - 1), and never below k), until the hidden cells' sum is
uncertain by k - 1. Where no cell is left to coarsen (every count of the
table is small, or the large ones are exactly k), and where a total below k
has more than one part, the whole table is withheld: only its total is
published, and a report says the breakdown is withheld instead of listing
its rows (a listed row alone says its count is not zero).

Tables of one page are not read apart: a reader who sees "Reports received:
5", "Under the code of conduct: fewer than 3" and, in the table of matters
outside it, "Theft: 4" works out 5 - 4 = 1. So :func:`protect_page` checks
every figure of a page together (complementary suppression): it solves, in
whole numbers, for the lowest and highest value each hidden count can have
given every published cell and every relation between the page's tables
that holds (parts adding up to or covering their total, parts at most their
total), and while one has a single possible value it coarsens the nearest
exact cell to "at least", or withholds the breakdown. The index shows the
same cells as each event's page, and its column totals only as "at least"
once a column holds a hidden count, so it gives nothing more away.

Zero is shown as 0: it points at no one.

``DEFAULT_MIN_COUNT`` is 1, which shows every count as it is, as the
published transparency reports of PyCon US, DjangoCon Europe and others do
and as the guide expects of its single example case. Teams of small events
should pass ``--min-count 3`` (or more).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from cocdata.errors import ReportFailed

DEFAULT_MIN_COUNT = 1
"""Counts below this are suppressed; 1 publishes every count exactly."""

Kind = Literal["exact", "fewer", "at least", "withheld"]

WITHHELD = "withheld"
"""Stands for every count of a table too small to break down without giving one away."""


@dataclass(frozen=True)
class Shown:
    """A count as a public report may show it.

    It keeps no true count: ``text`` is what a table prints, ``height`` what
    a chart may draw (k for a suppressed count, the lower bound for a
    coarsened one, 0 for a withheld one), ``kind`` says which.
    """

    text: str
    height: int
    kind: Kind = "exact"

    @property
    def exact(self) -> bool:
        return self.kind == "exact"

    @property
    def suppressed(self) -> bool:
        return self.kind == "fewer"

    def __str__(self) -> str:
        return self.text


def check_min_count(k: object) -> int:
    """``k`` as a threshold: 1 (off) or a whole number of at least 3.

    2 is refused: "fewer than 2" next to zeros shown as 0 can only mean 1.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1 or k == 2:
        raise ReportFailed(
            f"The small-count threshold must be 1 or a whole number of at least 3, not {k!r}"
            + (" ('fewer than 2' could only mean 1)." if k == 2 else "."),
            "Use --min-count 1 to show every count, or 3 (or more) to hide small ones.",
        )
    return k


def fewer_than(k: int) -> str:
    """The words standing for a suppressed count."""
    return f"fewer than {k}"


def show(n: int, k: int) -> Shown:
    """One count on its own: exact from k on (and at 0), else "fewer than k"."""
    n = int(n)
    if n == 0 or n >= k:
        return Shown(str(n), n)
    return Shown(fewer_than(k), k, "fewer")


def protect(counts: Mapping[str, int], k: int, total: int | None = None) -> dict[str, Shown]:
    """Every count of one table as it may be published, keys in the same order.

    ``total`` is the count the table breaks down, when the report shows it
    too: if the cells add up to it, more cells are coarsened wherever a cell
    is suppressed (see the module's docstring).
    """
    check_min_count(k)
    out = {key: show(n, k) for key, n in counts.items()}
    withheld = {key: Shown(WITHHELD, 0, "withheld") for key in counts}
    if total is None or sum(counts.values()) != total:
        return out
    if total < k:
        # The total itself reads "fewer than k"; two small cells of it would
        # pin each other down (two cases, one each).
        return withheld if sum(n > 0 for n in counts.values()) > 1 else out
    if not any(s.suppressed for s in out.values()):
        return out
    # Coarsen the smallest exact cells until the suppressed cells' sum is
    # uncertain by k - 1: a cell shown as "at least L" may be up to
    # n - L more than that, and the reader cannot tell how much.
    slack = 0
    for n, key in sorted((n, key) for key, n in counts.items() if n > 0 and out[key].exact):
        if slack >= k - 1:
            break
        floor = max(k, n - (k - 1))
        out[key] = Shown(f"at least {floor}", floor, "at least")
        slack += n - floor
    if slack == 0:
        # Nothing left to hide the small cells behind: the breakdown is withheld.
        return withheld
    return out


def all_withheld(shown: Mapping[str, Shown]) -> bool:
    """Whether a table is withheld as a whole (a report then says so instead of showing it)."""
    return bool(shown) and all(s.kind == "withheld" for s in shown.values())


# -- every figure of a page together -----------------------------------------------


@dataclass(frozen=True)
class Group:
    """Cells of a page that break down another cell of it (their total).

    ``protect_page`` tells a reader every relation that holds between them
    in the true counts, as if they had guessed it right: each part is at
    most the total, and where ``sums`` (the parts are a breakdown of the
    total, as the report's rules say) the parts add up to the total or
    cover it (every case of the total is in a part). A group with ``sums``
    off only bounds its parts (a table's rows by the reports received).
    """

    total: str
    parts: tuple[str, ...]
    sums: bool = True


UNBOUNDED = 10**9
"""What a reader knows of a cell shown only as 'at least L' or withheld: no upper bound."""


def _bounds(s: Shown, k: int) -> tuple[int, int]:
    if s.kind == "exact":
        return s.height, s.height
    if s.kind == "fewer":
        return 1, k - 1
    if s.kind == "at least":
        return s.height, UNBOUNDED
    return 0, UNBOUNDED


def recoverable(
    counts: Mapping[str, int], shown: Mapping[str, Shown], groups: Sequence[Group], k: int
) -> dict[str, tuple[int, int]]:
    """Each hidden small count (1 to k - 1, not shown exactly) that a reader can pin down.

    The reader knows every published cell (exact, fewer than k, at least L,
    withheld) and every relation of ``groups`` that holds in the true
    counts; a count is pinned down when it has one possible value under
    them (in whole numbers). Returns key -> (lowest, highest) possible value
    for each such count.
    """
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    hidden = [key for key, n in counts.items() if 0 < n < k and not shown[key].exact]
    if not hidden:
        return {}
    keys = list(counts)
    index = {key: i for i, key in enumerate(keys)}
    rows, lower, upper = [], [], []
    for group in groups:
        parts = [p for p in group.parts if p in index]
        if group.total not in index or not parts:
            continue
        total = counts[group.total]
        summed = sum(counts[p] for p in parts)
        row = np.zeros(len(keys))
        for p in parts:
            row[index[p]] = 1
        row[index[group.total]] = -1
        if group.sums and summed >= total:
            # They add up to it, or (several per case) cover it.
            rows.append(row)
            lower.append(0)
            upper.append(0 if summed == total else np.inf)
        for p in parts:
            if counts[p] <= total:
                single = np.zeros(len(keys))
                single[index[p]], single[index[group.total]] = 1, -1
                rows.append(single)
                lower.append(-np.inf)
                upper.append(0)
    bounds = [_bounds(shown[key], k) for key in keys]
    limits = Bounds([b[0] for b in bounds], [b[1] for b in bounds])
    constraints = [LinearConstraint(np.array(rows), lower, upper)] if rows else []
    integral = np.ones(len(keys))
    out = {}
    for key in hidden:
        goal = np.zeros(len(keys))
        goal[index[key]] = 1
        found = []
        for sign in (1, -1):
            result = milp(sign * goal, integrality=integral, bounds=limits, constraints=constraints)
            found.append(round(result.x[index[key]]) if result.success else counts[key])
        low, high = found
        if low == high:
            out[key] = (low, high)
    return out


def protect_page(
    counts: Mapping[str, int],
    shown: Mapping[str, Shown],
    groups: Sequence[Group],
    k: int,
    keep: Collection[str] = (),
) -> dict[str, Shown]:
    """Complementary suppression across every figure of a page.

    ``shown`` is each cell as protected on its own table; while a reader
    could still work out a hidden small count from the page as a whole
    (:func:`recoverable`), the exact cell nearest to it through the groups
    (cells of tables before totals, then the smallest) is shown only as
    "at least" a lower number; where none is left, the breakdown holding the
    count is withheld. ``keep`` names cells coarsened only as a last resort
    (the page's headline total).
    """
    out = dict(shown)
    if k <= 1:
        return out
    for _ in range(len(counts) + len(groups) + 1):
        exposed = recoverable(counts, out, groups, k)
        if not exposed:
            return out
        key = next(iter(exposed))
        candidate = _nearest_exact(key, counts, out, groups, k, keep)
        if candidate is not None:
            n = counts[candidate]
            floor = max(k, n - (k - 1))
            out[candidate] = Shown(f"at least {floor}", floor, "at least")
            continue
        for group in groups:
            if key in group.parts or key == group.total:
                for part in group.parts:
                    if part in out and out[part].kind != "withheld":
                        out[part] = Shown(WITHHELD, 0, "withheld")
    if recoverable(counts, out, groups, k):
        # Nothing else left: every breakdown goes, the headline total alone stays.
        out = {key: s if key in keep else Shown(WITHHELD, 0, "withheld") for key, s in out.items()}
    return out


def _nearest_exact(
    key: str,
    counts: Mapping[str, int],
    shown: Mapping[str, Shown],
    groups: Sequence[Group],
    k: int,
    keep: Collection[str],
) -> str | None:
    """The exact cell (of at least k) to coarsen next for ``key``: nearest through groups."""
    distance = {key: 0}
    frontier = [key]
    while frontier:
        nxt = []
        for cell in frontier:
            for group in groups:
                members = (group.total, *group.parts)
                if cell in members:
                    for other in members:
                        if other in counts and other not in distance:
                            distance[other] = distance[cell] + 1
                            nxt.append(other)
        frontier = nxt
    totals = {g.total for g in groups}
    options = [
        (c in keep, distance[c], c in totals, counts[c], c)
        for c in distance
        if shown[c].exact and counts[c] >= k
    ]
    return min(options)[-1] if options else None
