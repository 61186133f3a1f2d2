"""Small-count suppression: what each count may show at a threshold, and what a reader can work out."""

from __future__ import annotations

import itertools

import pytest

from cocdata.errors import ReportFailed
from cocdata.reports.disclosure import Shown, check_min_count, protect, show


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


# -- every figure of a page together --------------------------------------------------

import pandas as pd  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cocdata.reports.disclosure import Group, protect_page, recoverable  # noqa: E402
from cocdata.reports.transparency import Published, Tally, publish  # noqa: E402


def _frame(key: str, counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {key: list(counts), "label": [c.title() for c in counts], "cases": list(counts.values())}
    ).astype({"cases": "int64"})


def page_tally(cases: list[tuple[str, bool, str]]) -> Tally:
    """A page of cases, each (category, decided, action); 'theft' and 'police' are outside."""
    outside_kinds = {"theft", "police"}
    coc: dict[str, int] = {}
    out: dict[str, int] = {}
    acts: dict[str, int] = {}
    for category, decided, action in cases:
        table = out if category in outside_kinds else coc
        table[category] = table.get(category, 0) + 1
        if decided:
            acts[action] = acts.get(action, 0) + 1
    decided = sum(d for _, d, _ in cases)
    return Tally(
        total=len(cases),
        within=sum(coc.values()),
        outside=sum(out.values()),
        open=len(cases) - decided,
        decided=decided,
        coc=_frame("category", coc),
        outside_kinds=_frame("category", out),
        actions=_frame("action", acts),
        received=None,
    )


def test_the_issues_example_gives_no_count_away() -> None:
    """--min-count 3, 1 harassment and 4 thefts: 'Theft: 4' gave 5 - 4 = 1 away."""
    shown = publish(
        page_tally([("harassment", True, "warning")] + [("theft", True, "warning")] * 4), 3
    )
    assert shown.total.text == "5"
    assert shown.within.text == "fewer than 3"
    assert shown.outside.text == "at least 3"
    assert shown.outside_kinds["theft"].text != "4"
    assert shown.outside_kinds["theft"].text == "at least 3"
    # A reader who knows every published figure and every rule still has two choices.
    assert set(readings(shown, 3)["within"]) == {1, 2}


def _values(s: Shown, k: int, top: int) -> range:
    if s.kind == "exact":
        return range(s.height, s.height + 1)
    if s.kind == "fewer":
        return range(1, k)
    if s.kind == "at least":
        return range(s.height, top + 1)
    return range(0, top + 1)


def _splits(shown: dict[str, Shown], total: int, k: int) -> list[dict[str, int]]:
    """Every way the cells of a table can be, adding up to ``total``, as published."""
    keys = list(shown)
    ranges = [_values(shown[key], k, total) for key in keys]
    return [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*ranges)
        if sum(combo) == total
    ]


def readings(shown: Published, k: int, top: int = 14) -> dict[str, set[int]]:
    """By brute force: every value each figure of a page can have, for a reader who knows
    what is published and that each case has one category and (when decided) one action."""
    possible: dict[str, set[int]] = {}

    def note(prefix: str, values: dict[str, int]) -> None:
        for key, n in values.items():
            possible.setdefault(prefix + key, set()).add(n)

    for total in _values(shown.total, k, top):
        for split in _splits({"within": shown.within, "outside": shown.outside}, total, k):
            for progress in _splits({"open": shown.open, "decided": shown.decided}, total, k):
                cocs = _splits(shown.coc, split["within"], k) if shown.coc else [{}]
                outs = (
                    _splits(shown.outside_kinds, split["outside"], k)
                    if shown.outside_kinds
                    else [{}]
                )
                acts = _splits(shown.actions, progress["decided"], k) if shown.actions else [{}]
                if not (cocs and outs and acts):
                    continue
                note("", {"total": total, **split, **progress})
                for coc in cocs:
                    note("coc:", coc)
                for out in outs:
                    note("out:", out)
                for act in acts:
                    note("act:", act)
    return possible


CASE = st.tuples(
    st.sampled_from(["harassment", "language", "theft", "police"]),
    st.booleans(),
    st.sampled_from(["warning", "ban"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(CASE, min_size=1, max_size=9), st.sampled_from([3, 4]))
def test_no_hidden_count_of_a_page_can_be_worked_out(cases, k) -> None:
    tally = page_tally(cases)
    shown = publish(tally, k)
    possible = readings(shown, k)
    true = {
        "total": tally.total,
        "within": tally.within,
        "outside": tally.outside,
        "open": tally.open,
        "decided": tally.decided,
        **{f"coc:{c}": n for c, n in zip(tally.coc["category"], tally.coc["cases"], strict=True)},
        **{
            f"out:{c}": n
            for c, n in zip(
                tally.outside_kinds["category"], tally.outside_kinds["cases"], strict=True
            )
        },
        **{
            f"act:{c}": n
            for c, n in zip(tally.actions["action"], tally.actions["cases"], strict=True)
        },
    }
    for key, n in true.items():
        assert n in possible[key], (key, cases)
        if 0 < n < k:
            assert len(possible[key]) >= 2, (key, n, possible[key], cases)


@pytest.mark.parametrize(
    ("counts", "shown", "exposed"),
    [
        # 5 - 4 = 1: the part is pinned down by the total and the other part.
        ({"t": 5, "a": 1, "b": 4}, {"t": "5", "a": "fewer", "b": "4"}, {"a"}),
        # With the other part only a lower bound, the reader has two choices.
        ({"t": 5, "a": 1, "b": 4}, {"t": "5", "a": "fewer", "b": "at least 3"}, set()),
    ],
)
def test_recoverable_names_what_a_reader_can_work_out(counts, shown, exposed) -> None:
    def as_shown(text: str, n: int) -> Shown:
        if text == "fewer":
            return Shown("fewer than 3", 3, "fewer")
        if text.startswith("at least"):
            return Shown(text, int(text.split()[-1]), "at least")
        return Shown(text, n)

    published = {key: as_shown(shown[key], n) for key, n in counts.items()}
    groups = [Group("t", ("a", "b"))]
    assert set(recoverable(counts, published, groups, 3)) == exposed
    safe = protect_page(counts, published, groups, 3, keep=("t",))
    assert recoverable(counts, safe, groups, 3) == {}
