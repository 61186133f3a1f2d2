"""The transparency report's content: counts, the inclusion rule, suppression, and what it reads.

Everything here runs in this process on a small store whose counts were
worked out by hand (``FIXTURE``); rendering, the leak guard on rendered
pages and the batch are in ``test_publish.py``.
"""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path
from typing import Any

import pytest

from cocdata.errors import NotFound, ReportFailed
from cocdata.model import Case
from cocdata.reports import transparency as report
from cocdata.reports.notebooks import TRANSPARENCY, template_path
from cocdata.reports.present import PLOTLY_MIMETYPE, Block
from cocdata.store import Store
from tests.helpers import guide_data

EVENT = {
    "id": "fixture-2024",
    "name": "Fixture Conference 2024",
    "start": "2024-05-01",
    "end": "2024-05-03",
    "location": "Fixture Hall",
    "attendees": 500,
    "organiser": "Fixture organisers",
}
OTHER_EVENT = {**EVENT, "id": "other-2024", "name": "Other Meetup 2024"}

SECRET_NAME = "Zebulon Quargh"
SECRET_CONTACT = "zq.private@example.org"
SECRET_TEXT = "SECRET-DESCRIPTION-7731"
SECRET_TIMELINE = "SECRET-TIMELINE-5512"

# case id: (categories, status, action kinds, included, public summary)
FIXTURE: dict[str, tuple[list[str], str, list[str], bool, str | None]] = {
    "case-one": (["harassment"], "closed", ["verbal-warning"], True, "Summary one."),
    "case-two": (["harassment"], "closed", ["verbal-warning"], True, "Summary two."),
    "case-three": (
        ["harassment"],
        "decided",
        ["written-warning", "verbal-warning"],
        True,
        "Summary three.",
    ),
    "case-four": (["inappropriate-language"], "closed", ["conversation"], True, "Summary four."),
    "case-five": (
        ["inappropriate-language", "harassment"],
        "investigating",
        [],
        True,
        "Summary five, still open.",
    ),
    "case-six": (["police-matter"], "closed", ["referred-onward"], True, "Summary six."),
    "case-seven": (["inappropriate-language"], "closed", ["conversation"], False, "Summary seven."),
    "case-eight": (["unwelcome-physical-contact"], "closed", ["ban"], True, "Summary eight."),
    "case-nine": ([], "new", [], False, None),
}
"""Nine cases of one event, worked out by hand below."""

# Hand-computed from FIXTURE.
TOTAL, WITHIN, OUTSIDE, OPEN, DECIDED = 9, 8, 1, 2, 7
COC = {
    "harassment": 4,
    "inappropriate-language": 3,
    "unwelcome-physical-contact": 1,
    report.UNCATEGORISED: 1,
}
OUTSIDE_KINDS = {"police-matter": 1}
ACTIONS = {
    "conversation": 2,
    "verbal-warning": 3,
    "written-warning": 1,
    "referred-onward": 1,
    "ban": 1,
}
DESCRIBED_K1 = {
    "Summary one. Action taken: Verbal warning.",
    "Summary two. Action taken: Verbal warning.",
    "Summary three. Action taken: Verbal warning; Written warning.",
    "Summary four. Action taken: Conversation, told to stop.",
    "Summary six. Action taken: Referred onward.",
    "Summary eight. Action taken: Ban.",
}
# At k = 3 only cases whose every category and action is counted exactly 3+ times.
DESCRIBED_K3 = [
    "Summary one. Action taken: Verbal warning.",
    "Summary two. Action taken: Verbal warning.",
]


def fixture_case(case_id: str, event: dict[str, Any] = EVENT) -> Case:
    categories, status, kinds, include, summary = FIXTURE[case_id]
    data = guide_data(
        event=event,
        categories=categories,
        status=status,
        description=f"{SECRET_TEXT} {SECRET_NAME} did it.",
        report__made_at="2024-05-02T10:00",
        occurred__at="2024-05-01T22:30",
        transparency={"include": include, "summary": summary},
    )
    data["case_id"] = case_id
    data["people"] = [
        {"name": SECRET_NAME, "role": "reported", "contact": SECRET_CONTACT},
        {"name": "Person A", "role": "reporter"},
    ]
    data["timeline"] = [
        {
            "at": "2024-05-02T11:00",
            "by": ["Response Team Member A"],
            "kind": "meeting",
            "with": [SECRET_NAME],
            "text": SECRET_TIMELINE,
        }
    ]
    data["actions"] = [
        {"kind": k, "text": f"{SECRET_NAME}: {k}", "at": "2024-05-02T12:00", "by": ["Member B"]}
        for k in kinds
    ]
    return Case.model_validate(data)


def build_fixture_store(path: Path) -> Store:
    """The FIXTURE cases, and one case of another event that must never be counted."""
    store = Store.init(path)
    store.save_many([(fixture_case(c), None) for c in FIXTURE], by="Team Member")
    other = fixture_case("case-one", OTHER_EVENT).model_copy(update={"case_id": "elsewhere"})
    store.save(other, by="Team Member")
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return build_fixture_store(tmp_path_factory.mktemp("transparency") / "store")


@pytest.fixture(scope="module")
def view(store: Store) -> report.PublicView:
    return report.load(store.root, EVENT["id"])


@pytest.fixture(scope="module")
def view3(store: Store) -> report.PublicView:
    return report.load(store.root, EVENT["id"], 3)


def _counts(frame) -> dict[str, int]:
    key = "category" if "category" in frame.columns else "action"
    return dict(zip(frame[key], frame["cases"], strict=True))


def test_counts_match_the_hand_computed_fixture(view: report.PublicView) -> None:
    c = view.counts
    assert (c.total, c.within, c.outside, c.open, c.decided) == (
        TOTAL,
        WITHIN,
        OUTSIDE,
        OPEN,
        DECIDED,
    )
    assert _counts(c.coc) == COC
    assert _counts(c.outside_kinds) == OUTSIDE_KINDS
    assert _counts(c.actions) == ACTIONS
    assert c.received is not None and c.received[0].isoformat() == "2024-05-02"


def test_at_k1_every_count_is_published_exactly(view: report.PublicView) -> None:
    s = view.shown
    assert [str(x) for x in (s.total, s.within, s.outside, s.open, s.decided)] == [
        str(n) for n in (TOTAL, WITHIN, OUTSIDE, OPEN, DECIDED)
    ]
    assert {k: str(v) for k, v in s.coc.items()} == {k: str(v) for k, v in COC.items()}
    assert {k: str(v) for k, v in s.actions.items()} == {k: str(v) for k, v in ACTIONS.items()}


def test_inclusion_rule(view: report.PublicView) -> None:
    """Marked for publication, decided or closed, with a summary: described; nothing else."""
    lines = [str(line) for line in view.lines]
    assert set(lines) == DESCRIBED_K1
    assert len(lines) == len(DESCRIBED_K1)
    shown = "\n".join(b.plain for b in report.described(view))
    assert "Summary five" not in shown  # open
    assert "Summary seven" not in shown  # not marked for publication


def test_lines_come_in_vocabulary_order_not_arrival_order(view: report.PublicView) -> None:
    order = [line.summary for line in view.lines]
    # Language, then physical contact, then harassment, then the police matter.
    assert order.index("Summary four.") < order.index("Summary eight.")
    assert order.index("Summary eight.") < order.index("Summary one.")
    assert order.index("Summary three.") < order.index("Summary six.")


SUPPRESSED_K3 = {
    "total": "9",
    "within": "at least 6",
    "outside": "fewer than 3",
    "open": "fewer than 3",
    "decided": "at least 5",
}


def test_suppression_at_k3(view3: report.PublicView) -> None:
    s = view3.shown
    assert {k: str(getattr(s, k)) for k in SUPPRESSED_K3} == SUPPRESSED_K3
    assert {k: str(v) for k, v in s.coc.items()} == {
        "harassment": "4",
        "inappropriate-language": "3",
        "unwelcome-physical-contact": "fewer than 3",
        report.UNCATEGORISED: "fewer than 3",
    }
    assert {k: str(v) for k, v in s.outside_kinds.items()} == {"police-matter": "fewer than 3"}
    assert {k: str(v) for k, v in s.actions.items()} == {
        "conversation": "fewer than 3",
        "verbal-warning": "3",
        "written-warning": "fewer than 3",
        "referred-onward": "fewer than 3",
        "ban": "fewer than 3",
    }
    assert [str(line) for line in view3.lines] == DESCRIBED_K3
    text = "\n".join(b.plain for b in report.numbers(view3) + report.rules(view3))
    assert "Matters outside the code of conduct: fewer than 3" in text
    assert "a count below 3 is shown as 'fewer than 3'" in text


def _figure(blocks: list[Block]) -> dict[str, Any]:
    (chart,) = [b for b in blocks if PLOTLY_MIMETYPE in b.extra]
    return chart.extra[PLOTLY_MIMETYPE]


@pytest.mark.parametrize("section", [report.behaviour, report.actions])
def test_charts_at_k3_hold_no_small_count(view3: report.PublicView, section) -> None:
    figure = _figure(section(view3))
    (bars,) = figure["data"]
    assert min(bars["x"]) >= 3
    for x, label, custom in zip(bars["x"], bars["text"], bars["customdata"], strict=True):
        assert label == custom
        assert label == str(x) or (label == "fewer than 3" and x == 3)
    assert "%{x}" not in bars["hovertemplate"]
    # Hatched where not exact, in the order of the table.
    shapes = bars["marker"]["pattern"]["shape"]
    assert [s == "/" for s in shapes] == [t == "fewer than 3" for t in bars["text"]]


def test_suppressed_rows_keep_vocabulary_order(view3: report.PublicView) -> None:
    """Sorting by true count would tell a suppressed 1 from a 2."""
    table = report.behaviour(view3)[1].plain
    assert table.index("Unwelcome physical contact") < table.index(report.UNCATEGORISED_LABEL)


def test_a_small_event_withholds_its_breakdowns(tmp_path: Path) -> None:
    small = Store.init(tmp_path / "store")
    small.save_many([(fixture_case(c), None) for c in ("case-one", "case-four")], by="Team Member")
    view = report.load(small.root, EVENT["id"], 3)
    text = "\n".join(
        b.plain for b in report.numbers(view) + report.behaviour(view) + report.actions(view)
    )
    assert "Reports received: fewer than 3" in text
    assert "this breakdown is withheld" in text
    assert "Harassment" not in text and "Verbal warning" not in text
    assert view.lines == []


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (report.header, ["Transparency report: Fixture Conference 2024", "1–3 May 2024"]),
        (report.numbers, ["Reports received: 9", "Received: in May 2024"]),
        (report.outside, ["Police matter (outside the code of conduct)"]),
        (report.rules, ["not counted again", "police matter, theft, other safety matter"]),
    ],
)
def test_sections_say_what_they_should(view: report.PublicView, make, expected) -> None:
    text = "\n".join(b.plain for b in make(view))
    for snippet in expected:
        assert snippet in text


def test_an_event_without_reports_says_so(store: Store, tmp_path: Path) -> None:
    empty = Store.init(tmp_path / "store")
    from cocdata.model import Event

    empty.save_event(Event.model_validate(EVENT), by="Team Member")
    view = report.load(empty.root, EVENT["id"], 3)
    text = "\n".join(
        b.plain
        for make in (report.numbers, report.behaviour, report.actions, report.described)
        for b in make(view)
    )
    assert "No reports were received about this event." in text
    assert "No case has been decided yet." in text


def _every_block(view: report.PublicView) -> str:
    blocks = [
        b
        for make in (
            report.header,
            report.numbers,
            report.behaviour,
            report.outside,
            report.actions,
            report.described,
            report.rules,
        )
        for b in make(view)
    ]
    return "\n".join(f"{b.html}\n{b.markdown}\n{json.dumps(dict(b.extra))}" for b in blocks)


@pytest.mark.parametrize("secret", [SECRET_NAME, SECRET_CONTACT, SECRET_TEXT, SECRET_TIMELINE])
def test_nothing_but_summaries_and_statistics_reaches_the_report(
    view: report.PublicView, secret: str
) -> None:
    assert secret not in _every_block(view)
    # Not even in memory: the view holds public columns only.
    assert secret.encode() not in pickle.dumps(view)


def test_the_loader_reads_public_columns_only(store: Store, monkeypatch) -> None:
    import cocdata.store.reading as store_module

    asked: list[list[str] | None] = []
    real = store_module.read_file

    def spy(path, columns=None):
        if path.parent.name == "cases":
            asked.append(columns)
        return real(path, columns)

    monkeypatch.setattr(store_module, "read_file", spy)
    report.load(store.root, EVENT["id"])
    allowed = {"case_id", "rev", *report.PUBLIC_COLUMNS}
    assert asked, "the loader read no case file"
    for columns in asked:
        assert columns is not None and set(columns) <= allowed
    assert "identity.public_summary" in report.PUBLIC_COLUMNS
    assert not [c for c in report.PUBLIC_COLUMNS if c.startswith("identity.")][1:]


@pytest.mark.parametrize(
    "extra", ["identity.description", "report.received_by", "actions.list.element.by", "people"]
)
def test_a_store_returning_more_columns_is_refused(store: Store, monkeypatch, extra) -> None:
    real = Store.read_heads
    monkeypatch.setattr(Store, "read_heads", lambda self, columns: real(self, [*columns, extra]))
    with pytest.raises(ReportFailed, match="must not read: " + re.escape(extra)):
        report.load(store.root, EVENT["id"])


def test_other_events_are_never_counted(view: report.PublicView) -> None:
    assert set(view.records.cases["event_id"]) == {EVENT["id"]}
    assert "elsewhere" not in set(view.records.cases["case_id"])


@pytest.mark.parametrize(
    ("event_id", "k", "error", "message"),
    [
        ("no-such-event", 1, NotFound, "no event 'no-such-event'"),
        (EVENT["id"], 0, ReportFailed, "must be 1 or a whole number of at least 3"),
        (EVENT["id"], 2, ReportFailed, "could only mean 1"),
    ],
)
def test_mistakes_are_explained(store: Store, event_id: str, k: int, error, message: str) -> None:
    with pytest.raises(error, match=message):
        report.load(store.root, event_id, k)


def test_unknown_events_are_refused_before_any_kernel_starts(store: Store) -> None:
    with pytest.raises(NotFound, match="Events in the store: fixture-2024, other-2024"):
        report.check_event_ids(store, [EVENT["id"], "nope"])


def test_template_is_thin_and_clean() -> None:
    nb = json.loads(template_path(TRANSPARENCY).read_text())
    params = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    source = "".join(params[0]["source"])
    assert "store = None" in source and "event_id =" in source and "min_count = 1" in source
    assert 'edition = "final"' in source and "layout = None" in source
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None
        # One line per parameter; every other cell a few lines.
        limit = 5 if cell is params[0] else 4
        assert len("".join(cell["source"]).splitlines()) <= limit
    loads = "".join(code[1]["source"])
    assert "report.load(store, event_id, min_count, edition, layout)" in loads
    # Every other cell shows one section of the package; none touches the store itself.
    for cell in code[2:]:
        source = "".join(cell["source"])
        assert source.startswith("show(*report.") and source.endswith("(view))")
    assert "Store" not in "".join("".join(c["source"]) for c in code)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2000-12-27", "2000-12-30", "27–30 December 2000"),
        ("2023-05-29", "2023-06-01", "29 May – 1 June 2023"),
        ("2023-12-30", "2024-01-02", "30 December 2023 – 2 January 2024"),
        ("2024-06-02", "2024-06-02", "2 June 2024"),
    ],
)
def test_event_periods_read_as_people_write_them(start: str, end: str, expected: str) -> None:
    import datetime as dt

    assert report.period(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == expected


@pytest.mark.parametrize(
    ("section", "unit"), [(report.behaviour, "Reports"), (report.actions, "Cases")]
)
def test_a_table_and_its_chart_count_in_the_same_word(
    view: report.PublicView, section, unit: str
) -> None:
    blocks = section(view)
    (table_block,) = [b for b in blocks if "<table" in b.html]
    header = table_block.markdown.splitlines()[0]
    assert header.rstrip(" |").endswith(unit)
    assert _figure(blocks)["layout"]["xaxis"]["title"]["text"] == unit
