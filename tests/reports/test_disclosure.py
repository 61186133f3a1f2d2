"""Small-count suppression: what each count may show at a threshold, and what a reader can work out."""

from __future__ import annotations

import itertools

import pytest

from cocdata.errors import ReportFailed
from cocdata.reports.disclosure import check_min_count, protect, show


@pytest.mark.parametrize(
    ("n", "k", "text", "height"),
    [
        (0, 3, "0", 0),
        (1, 3, "fewer than 3", 3),
        (2, 3, "fewer than 3", 3),
        (3, 3, "3", 3),
        (12, 3, "12", 12),
        (1, 1, "1", 1),
        (4, 5, "fewer than 5", 5),
    ],
)
def test_one_count(n: int, k: int, text: str, height: int) -> None:
    shown = show(n, k)
    assert (shown.text, shown.height) == (text, height)
    assert shown.exact == (text == str(n))


@pytest.mark.parametrize(
    ("counts", "total", "expected"),
    [
        # A two-way split of a published total: the other side would give the 2 away.
        ({"within": 10, "outside": 2}, 12, {"within": "at least 8", "outside": "fewer than 3"}),
        # Exactly k: coarsening it hides nothing, so the whole table is withheld.
        ({"a": 3, "b": 1}, 4, {"a": "withheld", "b": "withheld"}),
        # The smallest exact cells are coarsened until the hidden sum is uncertain by k - 1.
        (
            {"a": 9, "b": 5, "c": 1},
            15,
            {"a": "9", "b": "at least 3", "c": "fewer than 3"},
        ),
        (
            {"a": 9, "b": 4, "c": 1},
            14,
            {"a": "at least 7", "b": "at least 3", "c": "fewer than 3"},
        ),
        # Every nonzero cell is small: only the total is published.
        ({"a": 2, "b": 2, "c": 0}, 4, {"a": "withheld", "b": "withheld", "c": "withheld"}),
        # Cells that do not add up to the total (several categories per case): no deduction.
        ({"a": 10, "b": 2}, 11, {"a": "10", "b": "fewer than 3"}),
        # No total shown: nothing to subtract from.
        ({"a": 10, "b": 2}, None, {"a": "10", "b": "fewer than 3"}),
        # A total below k: two parts of it would pin each other down; one is the total.
        ({"a": 1, "b": 1}, 2, {"a": "withheld", "b": "withheld"}),
        ({"a": 2, "b": 0}, 2, {"a": "fewer than 3", "b": "0"}),
        # Nothing suppressed: everything exact.
        ({"a": 4, "b": 0}, 4, {"a": "4", "b": "0"}),
    ],
)
def test_a_table(counts, total, expected) -> None:
    assert {key: s.text for key, s in protect(counts, 3, total).items()} == expected


def _candidates(shown: dict[str, str], total: int, k: int) -> list[dict[str, int]]:
    """Every table of counts a reader who knows the rules and the published total could
    infer (a total below k is itself published as 'fewer than k')."""
    totals = range(1, k) if 0 < total < k else [total]
    return [c for t in totals for c in _tables(shown, t, k)]


def _tables(shown: dict[str, str], total: int, k: int) -> list[dict[str, int]]:

    def values(text: str) -> range:
        if text == f"fewer than {k}":
            return range(1, k)
        if text.startswith("at least "):
            return range(int(text.split()[-1]), total + 1)
        if text == "withheld":
            return range(0, total + 1)
        return range(int(text), int(text) + 1)

    keys = list(shown)
    return [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*(values(shown[key]) for key in keys))
        if sum(combo) == total
    ]


@pytest.mark.parametrize("k", [3, 4, 5])
@pytest.mark.parametrize("size", [2, 3])
def test_a_reader_cannot_work_out_a_suppressed_count(k: int, size: int) -> None:
    """For every table of 2 or 3 cells adding up to the shown total, a reader who knows
    the total and the rules can still not tell what any cell from 1 to k - 1 is."""
    for cells in itertools.product(range(0, 3 * k), repeat=size):
        total = sum(cells)
        counts = {f"c{i}": n for i, n in enumerate(cells)}
        texts = {key: s.text for key, s in protect(counts, k, total).items()}
        possible = _candidates(texts, total, k)
        assert counts in possible
        for key, n in counts.items():
            if 0 < n < k:
                assert len({p[key] for p in possible}) >= 2, (cells, texts)


@pytest.mark.parametrize("bad", [0, -1, 2, 1.5, True, "3", None])
def test_threshold_is_one_or_at_least_three(bad) -> None:
    with pytest.raises(ReportFailed, match="must be 1 or a whole number of at least 3"):
        check_min_count(bad)


def test_shown_counts_keep_no_true_value() -> None:
    shown = show(2, 3)
    assert "2" not in repr(shown)
