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
smallest cell still shown exactly is coarsened too: it reads "at least
n - (k - 1)", which keeps the hidden cells' sum uncertain by k - 1 (or
"withheld" where that lower bound is itself below k). Where
every cell of such a table is below k, only the total stays exact; a reader
then still knows each cell is below k and that they add up to the total,
which for totals up to 2(k - 1) can pin them down. Such events are too
small for a breakdown: the report says so in its counting rules.

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
"""Stands for a count coarsened below k, where "at least" would say no more than that."""


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
    """``k`` as a threshold, refusing anything but a whole number of at least 1."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ReportFailed(
            f"The small-count threshold must be a whole number of at least 1, not {k!r}.",
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
    too: if the cells add up to it, one more cell is coarsened wherever a
    cell is suppressed (see the module's docstring).
    """
    check_min_count(k)
    out = {key: show(n, k) for key, n in counts.items()}
    if total is None or sum(counts.values()) != total or total < k:
        return out
    if not any(s.suppressed for s in out.values()):
        return out
    exact = [(n, key) for key, n in counts.items() if n > 0 and out[key].exact]
    if exact:
        n, key = min(exact)
        floor = n - (k - 1)
        out[key] = (
            Shown(f"at least {floor}", floor, "at least")
            if floor >= k
            else Shown(WITHHELD, 0, "withheld")
        )
    return out
