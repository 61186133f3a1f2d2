"""Earlier editions, response times, the team, preliminary reports and layouts of a report."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest

from cocdata.demo import build_demo
from cocdata.errors import LeakFound, UsageError
from cocdata.model import Event
from cocdata.reports import transparency as report
from cocdata.reports.disclosure import Shown
from cocdata.reports.publish import leak_guard
from cocdata.reports.transparency_counts import incident_numbers
from cocdata.reports.transparency_history import MAX_EDITIONS, previous_editions, rate
from cocdata.store import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("editions") / "store"
    build_demo(path)
    return Store.open(path, create=False)


def _event(id_: str, year: int, series: str | None = "conf") -> Event:
    return Event(
        id=id_, name=f"Conf {year}", start=dt.date(year, 5, 1), end=dt.date(year, 5, 2),
        series=series,
    )  # fmt: skip


# -- series in the demo and in the record ------------------------------------------


def test_demo_has_two_series_of_three_editions_and_the_guide_in_2000(demo) -> None:
    events = demo.events()
    by_series: dict[str, list[str]] = {}
    for e in events.values():
        by_series.setdefault(e.series or "", []).append(e.id)
    assert sorted(by_series["djangocon"]) == ["djangocon-2000", "djangocon-2001", "djangocon-2002"]
    assert len(by_series["pycon-north"]) >= 3
    assert demo.get("guide-example").case.event.id == "djangocon-2000"


def test_previous_editions_are_the_last_five_before_it_oldest_first() -> None:
    events = {e.id: e for e in (_event(f"conf-{y}", y) for y in range(2010, 2020))}
    events["other-2015"] = _event("other-2015", 2015, "other")
    earlier = previous_editions(events, events["conf-2018"])
    assert [e.id for e in earlier] == [f"conf-{y}" for y in range(2013, 2018)]
    assert len(earlier) == MAX_EDITIONS
    assert previous_editions(events, _event("solo", 2020, None)) == []


def test_an_old_store_without_the_series_column_reads(tmp_path) -> None:
    store = Store.open(tmp_path / "store")
    old = pa.table(
        {
            "id": ["old-2001"], "name": ["Old 2001"], "start": [dt.date(2001, 1, 1)],
            "end": [dt.date(2001, 1, 2)], "location": [None], "attendees": [None],
            "organiser": [None], "saved_at": [dt.datetime(2001, 1, 1)], "saved_by": ["x"],
        }
    )  # fmt: skip
    store.write_table("events", old)
    store.invalidate()
    assert Store.open(tmp_path / "store", create=False).event("old-2001").series is None


def test_importing_a_file_without_series_keeps_working(tmp_path) -> None:
    from cocdata.examples import GUIDE_EXAMPLE
    from cocdata.interchange import import_file

    assert "series" not in GUIDE_EXAMPLE["event"]
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(GUIDE_EXAMPLE) + "\n")
    store = Store.open(tmp_path / "store")
    import_file(path, store, by="Test Member")
    assert store.event("djangocon-2000").series is None


def test_importing_a_series_that_is_not_a_slug_names_it_and_writes_nothing(tmp_path) -> None:
    from cocdata.errors import InvalidRecord
    from cocdata.examples import GUIDE_EXAMPLE
    from cocdata.interchange import import_file

    line = {**GUIDE_EXAMPLE, "event": {**GUIDE_EXAMPLE["event"], "series": "Django Con"}}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(line) + "\n")
    store = Store.open(tmp_path / "store")
    with pytest.raises(InvalidRecord, match="'Django Con' is not a usable series id"):
        import_file(path, store, by="Test Member")
    assert store.case_ids() == [] and store.events() == {}


# -- history -------------------------------------------------------------------------


def test_history_shows_each_edition_as_its_own_report_does(demo) -> None:
    view = report.load(demo.root, "djangocon-2002", 3)
    assert [e.event.id for e in view.history] == ["djangocon-2000", "djangocon-2001"]
    for edition in view.history:
        own = report.load(demo.root, edition.event.id, 3).shown
        assert edition.shown == own
    blocks = report.history(view)
    md = "\n".join(b.markdown for b in blocks).replace("\\", "")
    assert "Django* conference 2002 (this report)" in md
    assert "| Django* conference 2000 | 300 | fewer than 3 |" in md
    assert any("plotly" in str(b.extra) + b.html for b in blocks)


def test_no_history_without_a_series(demo) -> None:
    view = report.load(demo.root, "ml-community-2023", 3)
    assert view.history == [] and report.history(view) == []


@pytest.mark.parametrize(
    ("shown", "attendees", "words"),
    [
        (Shown("12", 12), 400, "3.0"),
        (Shown("fewer than 3", 3, "fewer"), 300, "below 1.0"),
        (Shown("at least 5", 5, "at least"), 1000, "at least 0.5"),
        (Shown("withheld", 0, "withheld"), 1000, "withheld"),
        (Shown("12", 12), None, "not known"),
    ],
)
def test_a_rate_tells_no_more_than_its_count(shown, attendees, words) -> None:
    assert rate(shown, attendees) == words


# -- response times -----------------------------------------------------------------


def test_response_times_give_medians_with_their_counts(demo) -> None:
    view = report.load(demo.root, "pycon-north-2024", 1)
    first, decision = view.response
    assert first.cases.exact and first.cases.height > 0 and "hour" in first.text
    assert decision.cases.height <= first.cases.height
    md = "\n".join(b.markdown for b in report.response(view))
    assert "| the team's first response |" in md and first.cases.text in md


def test_a_median_over_a_small_count_is_not_shown(demo) -> None:
    view = report.load(demo.root, "djangocon-2000", 3)
    assert [m.cases.text for m in view.response] == ["fewer than 3", "fewer than 3"]
    assert all(m.text == "not shown (too few cases)" for m in view.response)


# -- the team and the process -------------------------------------------------------

TEAM_TOML = """
[transparency]
how_to_report = "Tell any team member at the registration desk."
channels = ["in person", "e-mail"]
team = ["Quentin Marlowe-Ashby", "Rosalind Vexley"]

[transparency.series.djangocon]
layout = "incidents"

[transparency.events.djangocon-2001]
name_team = true
"""


@pytest.fixture
def team_store(tmp_path) -> Store:
    path = tmp_path / "store"
    build_demo(path)
    toml = path / "cocdata.toml"
    toml.write_text(toml.read_text() + TEAM_TOML)
    return Store.open(path, create=False)


def test_team_section_names_members_only_when_opted_in(team_store) -> None:
    named = report.load(team_store.root, "djangocon-2001")
    counted = report.load(team_store.root, "djangocon-2002")
    named_md = "\n".join(b.markdown for b in report.team(named))
    counted_md = "\n".join(b.markdown for b in report.team(counted))
    assert "Quentin Marlowe-Ashby, Rosalind Vexley" in named_md
    assert "2 members" in counted_md and "Rosalind" not in counted_md
    assert "registration desk" in counted_md and "in person, e-mail" in counted_md
    assert counted.layout == "incidents"  # the series' setting


def test_the_guard_flags_team_names_unless_the_team_opted_in(team_store) -> None:
    guard = leak_guard(team_store)
    page = {"md": "Our team: Rosalind Vexley."}
    with pytest.raises(LeakFound, match="team member"):
        guard.check("djangocon-2002", "Transparency report", page)
    assert guard.check("djangocon-2001", "Transparency report", page) == []


# -- preliminary and final -------------------------------------------------------------


def test_a_preliminary_report_counts_open_cases_and_describes_none(demo) -> None:
    final = report.load(demo.root, "pycon-north-2024", 1)
    early = report.load(demo.root, "pycon-north-2024", 1, "preliminary")
    assert final.lines and early.lines == []
    assert early.shown.total == final.shown.total and early.shown.open == final.shown.open
    assert early.counts.open > 0
    head = "\n".join(b.markdown for b in report.header(early))
    assert head.startswith("# Preliminary transparency report: PyCon North 2024")
    assert "Preliminary report (counts so far)" in head
    assert "describes no case" in "\n".join(b.markdown for b in report.described(early))


def test_a_preliminary_report_of_a_closed_event_is_refused(demo) -> None:
    with pytest.raises(UsageError, match="'djangocon-2000' is closed"):
        report.check_preliminary(demo, ["djangocon-2000"])
    report.check_preliminary(demo, ["pycon-north-2024"])


# -- layouts ---------------------------------------------------------------------------


def test_incidents_layout_numbers_each_described_case(demo) -> None:
    view = report.load(demo.root, "pycon-north-2024", 1, layout="incidents")
    md = "\n".join(b.markdown for b in report.body(view))
    assert "## The incidents" in md and "## The reports in brief" not in md
    numbers = [line.number for line in view.lines]
    assert all(n.startswith("2024-") for n in numbers) and len(set(numbers)) == len(numbers)
    for line in view.lines:
        assert f"### Incident {line.number}" in md


def test_incident_numbers_stay_when_a_later_case_comes_in(demo) -> None:
    cases = report.public_records(demo, ["pycon-north-2024"]).cases
    before = incident_numbers(cases, 2024)
    later = cases.iloc[[0]].assign(case_id="zz-later", made_at=cases["made_at"].max())
    import pandas as pd

    after = incident_numbers(pd.concat([cases, later]), 2024)
    assert {k: after[k] for k in before} == before
    assert after["zz-later"] == f"2024-{len(cases) + 1}"


def test_an_unknown_layout_names_the_valid_ones(demo) -> None:
    with pytest.raises(UsageError, match="summary, incidents"):
        report.load(demo.root, "pycon-north-2024", layout="cards")


# -- the leak guard reads every new section ------------------------------------------


def _page(view: report.PublicView) -> dict[str, str]:
    blocks = [*report.header(view), *report.numbers(view), *report.body(view)]
    blocks += report.rules(view)
    return {
        "html": "\n".join(b.html for b in blocks),
        "md": "\n".join(b.markdown for b in blocks),
    }


@pytest.mark.parametrize("layout", ["summary", "incidents"])
def test_every_section_of_both_layouts_passes_the_guard(demo, layout) -> None:
    guard = leak_guard(demo)
    for event_id in ("djangocon-2002", "pycon-north-2024", "djangocon-2000"):
        view = report.load(demo.root, event_id, 1, layout=layout)
        assert guard.check(event_id, "Transparency report", _page(view)) == []


@pytest.mark.parametrize("key", ["how_to_report", "channels"])
def test_a_name_in_the_team_section_is_caught(tmp_path, key) -> None:
    path = tmp_path / "store"
    build_demo(path)
    store = Store.open(path, create=False)
    victim = str(store.frames().people["name"].dropna().iloc[0])
    value = f'"Ask {victim}."' if key == "how_to_report" else f'["{victim}"]'
    toml = path / "cocdata.toml"
    toml.write_text(toml.read_text() + f"\n[transparency]\n{key} = {value}\n")
    view = report.load(path, "pycon-north-2024", 1)
    with pytest.raises(LeakFound):
        leak_guard(store).check("pycon-north-2024", "Transparency report", _page(view))


def test_response_counts_never_change_the_counts_of_the_page(demo) -> None:
    for event_id in report.event_ids_of(demo):
        view = report.load(demo.root, event_id, 3)
        assert view.shown == report.publish(view.counts, 3), event_id


def test_a_small_number_of_unmeasured_cases_is_not_given_away(demo) -> None:
    # djangocon-2002: 8 reports, one without a recorded response yet.
    view = report.load(demo.root, "djangocon-2002", 3)
    assert view.shown.total.text == "8"
    first = view.response[0]
    assert first.cases.kind == "at least" and first.text != "not shown (too few cases)"


def test_hostile_text_in_the_settings_is_shown_not_run(tmp_path) -> None:
    path = tmp_path / "store"
    build_demo(path)
    hostile = "<script>window.__pwned=1</script> **bold** [x](javascript:alert(1))"
    toml = path / "cocdata.toml"
    toml.write_text(
        toml.read_text() + f"\n[transparency]\nhow_to_report = {json.dumps(hostile)}\n"
        f"channels = [{json.dumps(hostile)}]\n"
    )
    view = report.load(path, "pycon-north-2024", 1)
    blocks = report.team(view)
    html = "\n".join(b.html for b in blocks)
    md = "\n".join(b.markdown for b in blocks)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "\\*\\*bold\\*\\*" in md and "\\[x\\](javascript" in md  # escaped, never a link
