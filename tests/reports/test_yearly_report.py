"""The yearly report's content: the table by year and half-year, people named, suppression,
what it reads, bad input, and the index listing it.

Everything here runs in this process on a small store whose counts were
worked out by hand (``CASES``); rendering, the leak guard at work, the
manifest and the browser are in ``test_yearly_publish.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from cocdata.errors import NotFound, ReportFailed
from cocdata.model import Case
from cocdata.reports import yearly
from cocdata.reports.disclosure import recoverable
from cocdata.reports.notebooks import YEARLY, template_path
from cocdata.store import Store
from tests.helpers import guide_data

SPRING = {
    "id": "spring-2023",
    "name": "Spring Meet 2023",
    "start": "2023-03-01",
    "end": "2023-03-02",
}
AUTUMN = {
    "id": "autumn-2023",
    "name": "Autumn Camp 2023",
    "start": "2023-09-10",
    "end": "2023-09-11",
}
SUMMIT = {"id": "summit-2024", "name": "Summit 2024", "start": "2024-05-01", "end": "2024-05-03"}
COMMITTEE = "Example Foundation CoC Committee"

CASES: dict[str, tuple[dict[str, Any], str, list[str], str, str]] = {
    # case: event, received, actions, status, reported person
    "yr-one": (SPRING, "2023-03-01T10:00", ["verbal-warning"], "closed", "Vex Harlowe"),
    "yr-two": (SPRING, "2023-03-02T10:00", ["not-a-violation"], "closed", "Vex Harlowe"),
    "yr-three": (AUTUMN, "2023-09-10T10:00", ["ban", "referred-onward"], "closed", "Quen Ardith"),
    "yr-four": (AUTUMN, "2023-09-11T10:00", [], "new", "Vex Harlowe"),
    "yr-five": (SUMMIT, "2024-05-02T10:00", ["removed-from-event"], "closed", "Quen Ardith"),
    "yr-six": (SUMMIT, "2024-05-02T11:00", ["no-action"], "closed", "Lio Brandt"),
}
"""Vex Harlowe is named in three cases of 2023 and counts once that year."""

COLUMNS = yearly.COUNT_COLUMNS
# reports, named, organisation, local, n-a-v, scope, warned, susp, banned, other, none, pending
BY_YEAR = {
    "2023": (4, 2, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1),
    "2024": (2, 2, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0),
}
BY_HALF = {
    "2023-1": (2, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0),
    "2023-2": (2, 2, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1),
    "2024-1": (2, 2, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0),
    "2024-2": (0,) * 12,
}


def yearly_case(case_id: str) -> Case:
    event, made_at, kinds, status, reported = CASES[case_id]
    data = guide_data(event=event, status=status, report__made_at=made_at)
    data["case_id"] = case_id
    data["occurred"]["at"] = made_at[:10]
    data["occurred"]["precision"] = "day"
    data["people"] = [
        {"name": reported, "role": "reported", "contact": None},
        {"name": "Person A", "role": "reporter"},
    ]
    data["timeline"] = []
    data["actions"] = [
        {"kind": k, "text": k, "at": made_at, "by": ["Response Team Member A"]} for k in kinds
    ]
    data["decisions"]["reported_to"] = [COMMITTEE] if "ban" in kinds else []
    return Case.model_validate(data)


def build_yearly_store(path: Path) -> Store:
    store = Store.init(path)
    store.save_many([(yearly_case(c), None) for c in CASES], by="Team Member")
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return build_yearly_store(tmp_path_factory.mktemp("yearly") / "store")


@pytest.fixture(scope="module")
def records(store: Store):
    return yearly.yearly_records(store)


def _row(view: yearly.YearlyView, key: str) -> tuple[int, ...]:
    return tuple(int(view.shown[f"{key}:{c}"].text) for c in COLUMNS)


@pytest.mark.parametrize(("key", "expected"), BY_YEAR.items())
def test_the_table_per_year(records, key: str, expected: tuple[int, ...]) -> None:
    view = yearly.view_of(records)
    assert view.period_keys() == list(BY_YEAR)
    assert _row(view, key) == expected
    assert view.shown["total"].text == "6"


@pytest.mark.parametrize(("key", "expected"), BY_HALF.items())
def test_the_table_per_half_year(records, key: str, expected: tuple[int, ...]) -> None:
    view = yearly.view_of(records, half=True)
    assert view.period_keys() == list(BY_HALF)
    assert _row(view, key) == expected


def test_one_year_alone(records) -> None:
    view = yearly.view_of(records, year=2024)
    assert view.period_keys() == ["2024"]
    assert list(view.events["event_id"]) == ["summit-2024"]
    assert view.shown["event:summit-2024"].text == "2"


def test_people_named_count_person_code_names_once(store: Store, records) -> None:
    """Vex Harlowe has one person code name across three cases of 2023."""
    people = records.people[records.people["role"] == "reported"]
    codes = people.groupby("case_id")["person"].first()
    assert codes["yr-one"] == codes["yr-two"] == codes["yr-four"]
    assert yearly.view_of(records).shown["2023:people named"].text == "2"


def test_the_reports_per_event(records) -> None:
    view = yearly.view_of(records)
    assert list(view.events["event_id"]) == ["spring-2023", "autumn-2023", "summit-2024"]
    assert [view.shown[f"event:{e}"].text for e in view.events["event_id"]] == ["2", "2", "2"]
    (_, frame) = yearly.by_event(view)
    assert "Autumn Camp 2023" in frame.markdown


def test_suppression_hides_small_counts_on_the_whole_page(records) -> None:
    view = yearly.view_of(records, min_count=3)
    shown = view.shown
    assert shown["2024:reports"].text == "fewer than 3"
    assert not shown["2023:reports"].exact  # else 6 - 4 would give 2024's count away
    assert shown["2023:banned"].kind in ("fewer", "withheld")
    assert shown["event:spring-2023"].kind != "exact"
    cells = {"total": view.total}
    for key in view.period_keys():
        cells.update(
            {f"{key}:{c}": int(view.rows.set_index("year").loc[int(key), c]) for c in COLUMNS}
        )
    cells.update(
        {
            f"event:{e}": int(n)
            for e, n in zip(view.events["event_id"], view.events["reports"], strict=True)
        }
    )
    from cocdata.reports.disclosure import Group

    groups = [Group("total", tuple(f"{k}:reports" for k in view.period_keys()))]
    groups += [
        Group(f"{k}:reports", tuple(f"{k}:{c}" for c in yearly.OUTCOMES))
        for k in view.period_keys()
    ]
    groups.append(Group("total", tuple(k for k in cells if k.startswith("event:"))))
    assert recoverable(cells, shown, groups, 3) == {}
    blocks = [b.plain for make in (yearly.outcomes, yearly.rules) for b in make(view)]
    assert any("fewer than 3" in b for b in blocks)
    assert any("a count below 3 is shown" in b for b in blocks)


def test_a_chart_draws_no_small_count(records) -> None:
    from cocdata.reports.present import PLOTLY_MIMETYPE

    (_, _, chart) = yearly.outcomes(yearly.view_of(records, half=True, min_count=3))
    bars = chart.extra[PLOTLY_MIMETYPE]["data"][0]
    assert all(x == 0 or x >= 3 for x in bars["x"])
    assert "fewer than 3" in bars["text"]


@pytest.mark.parametrize(
    ("args", "error", "said"),
    [
        ({"year": 1999}, NotFound, "No report was received in 1999"),
        ({"year": 2025}, NotFound, "Years with reports in the store: 2023, 2024"),
        ({"min_count": 0}, ReportFailed, "0"),
        ({"min_count": True}, ReportFailed, "True"),
    ],
)
def test_bad_input_is_refused_with_what_to_do(records, args, error, said) -> None:
    with pytest.raises(error) as caught:
        yearly.view_of(records, **args)
    assert said in str(caught.value)


def test_a_store_without_reports_has_no_yearly_report(tmp_path: Path) -> None:
    Store.init(tmp_path / "empty")
    with pytest.raises(NotFound, match="holds no report yet"):
        yearly.load(tmp_path / "empty")


def test_the_report_reads_statistics_only(store: Store, monkeypatch) -> None:
    asked = []
    original = Store.read_heads

    def spy(self, columns):
        asked.append(tuple(columns))
        return original(self, columns)

    monkeypatch.setattr(Store, "read_heads", spy)
    yearly.load(store.root)
    assert asked == [yearly.YEARLY_COLUMNS]
    assert not any(c.startswith("identity") for c in asked[0])


def test_the_template_is_thin_and_shipped() -> None:
    import json

    notebook = json.loads(template_path(YEARLY).read_text())
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] for c in code)
    assert sum(len(c["source"]) for c in code) < 20


def test_the_index_lists_editions_and_yearly_reports(tmp_path: Path) -> None:
    from cocdata.reports.disclosure import Shown
    from cocdata.reports.index import INDEX_COLUMNS, IndexRow, index_texts

    counts = dict.fromkeys(INDEX_COLUMNS, Shown("2", 2))
    rows = [
        IndexRow("a-2024", "A Conf 2024", "1 May 2024", counts, {"html": "a-2024/report.html"}),
        IndexRow(
            "b-2024",
            "B Conf 2024",
            "2 May 2024",
            counts,
            {"html": "b-2024/report.html", "md": "b-2024/report.md"},
            earlier=True,
            edition="preliminary",
            layout="incidents",
        ),
    ]
    listed = [
        {"label": yearly.index_label(None, False), "links": {"html": "yearly-all.html"}},
        {"label": yearly.index_label(2024, True), "links": {"md": "yearly-2024-half.md"}},
    ]
    texts = index_texts(rows, 1, dt.date(2025, 1, 2), listed)
    assert "Final (summary)" in texts["html"] and "Preliminary (incidents)" in texts["md"]
    assert '<a href="yearly-all.html">All years</a>' in texts["html"]
    assert "[2024, by half-year](<yearly-2024-half.md>)" in texts["md"]
    # The words of one cell never run into the next one's.
    assert "not updated yet)</td>" in texts["html"].replace("\n", "")
