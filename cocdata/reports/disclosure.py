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

Zero is shown as 0: it points at no one.

``DEFAULT_MIN_COUNT`` is 1, which shows every count as it is, as the
published transparency reports of PyCon US, DjangoCon Europe and others do
and as the guide expects of its single example case. Teams of small events
should pass ``--min-count 3`` (or more).
"""

from __future__ import annotations

from collections.abc import Mapping
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
