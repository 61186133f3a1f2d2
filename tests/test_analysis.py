"""cocdata.analysis against a small hand-made store whose answers are worked out by hand.

The fixture (synthetic people only):

=========  ===========  ===================  =========================================
case       event        report received      notes
=========  ===========  ===================  =========================================
case-one   alpha-2023   2023-05-10 12:00     verbal; talk; incident 10:00; closed as entered
case-two   alpha-2023   2023-05-11 23:00     anonymous e-mail; time unknown; no action yet
case-three beta-2024    2024-03-02 09:00     party, hour known; ban + referred to a committee
case-four  beta-2024    2024-03-01 14:00     day known only; decided, not a violation
guide      djangocon    2000-12-29 09:00     the guide's example, saved new then closed
=========  ===========  ===================  =========================================

beta-2024 has unknown attendance; gamma-2024 has no report at all. The
reported person ``p-bob`` is named in case-one, case-two and case-three.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cocdata import analysis
from cocdata.analysis import outcomes, response, similar, yearly
from cocdata.errors import CocdataError, NotFound
from cocdata.examples import GUIDE_EXAMPLE
from cocdata.model import Case, Event
from cocdata.store import Store
from cocdata.tables import Frames
from cocdata.vocab import default

ALPHA = {
    "id": "alpha-2023",
    "name": "Alpha Conf 2023",
    "start": "2023-05-10",
    "end": "2023-05-12",
    "attendees": 200,
}
BETA = {"id": "beta-2024", "name": "Beta Camp 2024", "start": "2024-03-01", "end": "2024-03-02"}
GAMMA = {
    "id": "gamma-2024",
    "name": "Gamma Day 2024",
    "start": "2024-09-01",
    "end": "2024-09-01",
    "attendees": 100,
}
COMMITTEE = "Example Foundation CoC Committee"
NAMES = (
    "Ann Quillfeather",
    "Bob Zandervolt",
    "Cy Marrowby",
    "Dee Pellinore",
    "Eve Trammelworth",
    "Fay Ostrowick",
)


def _case(case_id: str, event: dict, **fields: Any) -> Case:
    data = {"case_id": case_id, "event": event, **fields}
    return Case.model_validate(data)


CASE_ONE = _case(
    "case-one",
    ALPHA,
    report={
        "channel": "verbal",
        "made_by": "Ann Quillfeather",
        "made_at": "2023-05-10T12:00",
        "received_by": ["Member M"],
    },
    occurred={"at": "2023-05-10T10:00", "precision": "minute", "space": "talk"},
    people=[
        {"name": "Ann Quillfeather", "role": "reporter", "person": "p-ann"},
        {"name": "Bob Zandervolt", "role": "reported", "person": "p-bob"},
    ],
    description="Bob made sexist jokes during the keynote talk about databases.",
    categories=["inappropriate-language"],
    status="closed",
    timeline=[
        {
            "at": "2023-05-10T13:00",
            "by": ["Member M", "Member N"],
            "kind": "meeting",
            "with": ["Bob Zandervolt"],
            "reaction": "apologised",
        },
        {"at": "2023-05-10T15:00", "by": ["Member M"], "kind": "decision"},
    ],
    actions=[{"kind": "verbal-warning", "at": "2023-05-10T15:00", "by": ["Member M"]}],
)
CASE_TWO = _case(
    "case-two",
    ALPHA,
    report={"channel": "email", "made_at": "2023-05-11T23:00", "received_by": ["Member N"]},
    occurred={"precision": "unknown", "space": "social-event"},
    people=[
        {"name": "Bob Zandervolt", "role": "reported", "person": "p-bob"},
        {"name": "Cy Marrowby", "role": "target", "person": "p-cy"},
    ],
    description="At the party Bob kept following Cy and touching her arm.",
    categories=["unwelcome-sexual-attention", "harassment"],
    status="new",
)
CASE_THREE = _case(
    "case-three",
    BETA,
    report={"channel": "online-form", "made_by": "Dee Pellinore", "made_at": "2024-03-02T09:00"},
    occurred={"at": "2024-03-01T22:00", "precision": "hour", "space": "social-event"},
    people=[
        {"name": "Dee Pellinore", "role": "reporter", "person": "p-dee"},
        {"name": "Bob Zandervolt", "role": "reported", "person": "p-bob"},
    ],
    description="At the party Bob kept following Dee and made remarks about her body.",
    categories=["unwelcome-sexual-attention"],
    status="closed",
    timeline=[
        {
            "at": "2024-03-02T10:00",
            "by": ["Member O"],
            "kind": "email-sent",
            "with": ["Dee Pellinore"],
        },
        {
            "at": "2024-03-02T11:00",
            "by": ["Member O"],
            "kind": "reaction",
            "with": ["bob zandervolt "],
            "reaction": "disputed",
        },
        {
            "at": "2024-03-02T12:00",
            "by": ["Member O"],
            "kind": "problem",
            "with": ["Bob Zandervolt"],
        },
        {"at": "2024-03-03T09:00", "by": ["Member O"], "kind": "decision"},
    ],
    actions=[
        {"kind": "ban", "at": "2024-03-03T09:00", "by": ["Member O"]},
        {"kind": "referred-onward", "at": "2024-03-03T10:00", "by": ["Member O"]},
    ],
    decisions={"reported_to": [COMMITTEE]},
    forwarded_to=[COMMITTEE],
)
CASE_FOUR = _case(
    "case-four",
    BETA,
    report={
        "channel": "phone",
        "made_by": "Eve Trammelworth",
        "made_at": "2024-03-01T14:00",
        "received_by": ["Member M"],
    },
    occurred={"at": "2024-03-01", "precision": "day", "space": "online"},
    people=[
        {"name": "Eve Trammelworth", "role": "reporter", "person": "p-eve"},
        {"name": "Fay Ostrowick", "role": "reported", "person": "p-fay"},
    ],
    description="A heated argument in the chat about tabs and spaces.",
    categories=["other-coc"],
    status="decided",
    timeline=[
        {"at": "2024-02-28T10:00", "by": ["Member M"], "kind": "note"},
        {
            "at": "2024-03-01T15:00",
            "by": ["Member M"],
            "kind": "reaction",
            "with": ["Eve Trammelworth"],
            "reaction": "disputed",
        },
    ],
    actions=[{"kind": "not-a-violation", "at": "2024-03-01T16:00", "by": ["Member M"]}],
    decisions={"reported_to": ["Local venue staff"]},
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store.open(tmp_path_factory.mktemp("analysis") / "store")
    for event in (ALPHA, BETA, GAMMA):
        store.save_event(Event.model_validate(event), by="tester")
    store.save_many([(c, None) for c in (CASE_ONE, CASE_TWO, CASE_THREE, CASE_FOUR)], by="tester")
    guide = copy.deepcopy(GUIDE_EXAMPLE)
    guide["status"] = "new"
    first = store.save(Case.model_validate(guide), by="tester")
    store.save(first.case.model_copy(update={"status": "closed"}), by="tester", base_rev=first.rev)
    return store


@pytest.fixture(scope="module")
def frames(store: Store) -> Frames:
    return store.frames()


def _row(frame: pd.DataFrame, **keys: Any) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in keys.items():
        mask &= (frame[column] == value).to_numpy()
    assert mask.sum() == 1, f"expected one row for {keys}, found {mask.sum()}"
    return frame[mask].iloc[0]


def _no_cases(frames: Frames) -> Frames:
    return analysis.select(frames, categories=["theft"])


# -- selection ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "cases", "events"),
    [
        ({}, {"case-one", "case-two", "case-three", "case-four", "guide-example"}, 4),
        ({"events": ["alpha-2023"]}, {"case-one", "case-two"}, 1),
        ({"events": "gamma-2024"}, set(), 1),
        ({"start": "2024-01-01"}, {"case-three", "case-four"}, 2),
        ({"end": "2023-05-11"}, {"case-one", "case-two", "guide-example"}, 2),
        ({"start": "2023-05-11", "end": "2023-05-11"}, {"case-two"}, 1),
        ({"categories": ["harassment"]}, {"case-two"}, 4),
        ({"categories": ["harassment", "other-coc"], "events": ["beta-2024"]}, {"case-four"}, 1),
    ],
)
def test_select(frames: Frames, filters: dict, cases: set[str], events: int) -> None:
    chosen = analysis.select(frames, **filters)
    assert set(chosen.cases["case_id"]) == cases
    assert len(chosen.events) == events
    for name in ("people", "timeline", "actions", "revisions"):
        assert set(getattr(chosen, name)["case_id"]) <= cases


def test_select_refuses_unknown_events_and_reversed_dates(frames: Frames) -> None:
    with pytest.raises(NotFound, match="no event 'nowhere'"):
        analysis.select(frames, events=["nowhere"])
    with pytest.raises(CocdataError, match=r"ends .* before it starts"):
        analysis.select(frames, start="2024-02-01", end="2024-01-01")
    with pytest.raises(CocdataError, match="not a date"):
        analysis.select(frames, start="last tuesday")


def test_describe_selection(frames: Frames) -> None:
    chosen = analysis.select(frames, start="2024-01-01")
    text = analysis.describe_selection(chosen, start="2024-01-01")
    assert text.startswith("2 case(s) from 2 event(s)")
    assert "from 2024-01-01 to the last report" in text


def test_load_frames_does_not_create_a_store(tmp_path) -> None:
    with pytest.raises(CocdataError, match="no store"):
        analysis.load_frames(tmp_path / "absent")
    assert not (tmp_path / "absent").exists()


# -- trends ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_id", "reports", "rate", "note"),
    [
        ("djangocon-2000", 1, 100 / 300, ""),
        ("alpha-2023", 2, 1.0, ""),
        ("beta-2024", 2, math.nan, "attendance unknown: no rate"),
        ("gamma-2024", 0, 0.0, ""),
    ],
)
def test_reports_per_event(
    frames: Frames, event_id: str, reports: int, rate: float, note: str
) -> None:
    row = _row(analysis.reports_per_event(frames), event_id=event_id)
    assert row["reports"] == reports
    assert row["per_100_attendees"] == pytest.approx(rate, nan_ok=True)
    assert row["note"] == note


def test_reports_per_event_is_ordered_by_start(frames: Frames) -> None:
    table = analysis.reports_per_event(frames)
    assert list(table["event_id"]) == ["djangocon-2000", "alpha-2023", "beta-2024", "gamma-2024"]


@pytest.mark.parametrize(
    ("category", "cases", "share"),
    [
        ("inappropriate-language", 2, 0.4),
        ("unwelcome-sexual-attention", 2, 0.4),
        ("harassment", 1, 0.2),
        ("other-coc", 1, 0.2),
    ],
)
def test_category_mix(frames: Frames, category: str, cases: int, share: float) -> None:
    table = analysis.category_mix(frames)
    assert len(table) == 4
    row = _row(table, category=category)
    assert (row["cases"], row["share"]) == (cases, pytest.approx(share))
    assert row["label"] == default().categories[category]
    assert not row["outside_coc"]


@pytest.mark.parametrize(
    ("per", "keys", "cases", "share"),
    [
        ("event", {"event_id": "alpha-2023", "category": "harassment"}, 1, 0.5),
        ("event", {"event_id": "beta-2024", "category": "unwelcome-sexual-attention"}, 1, 0.5),
        ("year", {"year": "2024", "category": "other-coc"}, 1, 0.5),
        ("year", {"year": "2000", "category": "inappropriate-language"}, 1, 1.0),
    ],
)
def test_category_mix_per_group(
    frames: Frames, per: str, keys: dict, cases: int, share: float
) -> None:
    row = _row(analysis.category_mix(frames, per=per), **keys)
    assert (row["cases"], row["share"]) == (cases, pytest.approx(share))


def test_category_mix_per_event_names_the_event(frames: Frames) -> None:
    table = analysis.category_mix(frames, per="event")
    assert set(table.loc[table["event_id"] == "alpha-2023", "event"]) == {"Alpha Conf 2023"}


@pytest.mark.parametrize(("space", "cases"), [("talk", 1), ("social-event", 3), ("online", 1)])
def test_spaces(frames: Frames, space: str, cases: int) -> None:
    table = analysis.spaces(frames)
    assert table["cases"].sum() == 5
    assert _row(table, space=space)["cases"] == cases


def test_spaces_counts_a_missing_space_as_unknown(frames: Frames) -> None:
    cases = frames.cases.copy()
    cases.loc[cases["case_id"] == "case-one", "space"] = None
    table = analysis.spaces(dataclasses.replace(frames, cases=cases))
    assert _row(table, space="unknown")["cases"] == 1


@pytest.mark.parametrize(
    ("channel", "cases", "anonymous"),
    [("verbal", 2, 0), ("email", 1, 1), ("online-form", 1, 0), ("phone", 1, 0)],
)
def test_channels(frames: Frames, channel: str, cases: int, anonymous: int) -> None:
    row = _row(analysis.channels(frames), channel=channel)
    assert (row["cases"], row["anonymous"]) == (cases, anonymous)


def test_channels_per_year_count_anonymous_reports_in_their_year(frames: Frames) -> None:
    table = analysis.channels(frames, per="year")
    assert _row(table, year="2023", channel="email")["anonymous"] == 1
    assert _row(table, year="2023", channel="verbal")["anonymous"] == 0


@pytest.mark.parametrize(
    ("member", "cases"),
    [("Member M", 2), ("Member N", 1), ("Response Team Member A", 1), ("not recorded", 1)],
)
def test_receivers(frames: Frames, member: str, cases: int) -> None:
    assert _row(analysis.receivers(frames), received_by=member)["cases"] == cases


def test_time_of_day_counts_unknown_hours_apart(frames: Frames) -> None:
    table = analysis.time_of_day(frames)
    assert len(table) == 25
    counts = dict(zip(table["label"], table["cases"], strict=True))
    # case-two has no time, case-four only a day: neither has an hour.
    assert (counts["10:00"], counts["22:00"], counts["unknown"]) == (1, 2, 2)
    assert table["cases"].sum() == 5
    assert _row(table, label="10:00")["share"] == pytest.approx(1 / 3)
    assert pd.isna(_row(table, label="unknown")["share"])


def test_day_of_event(frames: Frames) -> None:
    table = analysis.day_of_event(frames)
    counts = dict(zip(table["label"], table["cases"], strict=True))
    assert counts == {
        "day 1": 3,
        "day 2": 1,
        "day 3": 0,
        "day 4": 0,
        "before the event": 0,
        "after the event": 0,
        "unknown": 1,
    }


def test_day_of_event_before_and_after(frames: Frames) -> None:
    cases = frames.cases.copy()
    at = cases["case_id"] == "case-one"
    cases.loc[at, "occurred_at"] = pd.Timestamp("2023-05-09 10:00")
    cases.loc[cases["case_id"] == "case-three", "occurred_at"] = pd.Timestamp("2024-03-05 22:00")
    counts = analysis.day_of_event(dataclasses.replace(frames, cases=cases)).set_index("label")
    assert counts.loc["before the event", "cases"] == 1
    assert counts.loc["after the event", "cases"] == 1


# -- response -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case_id", "to_report", "to_first_step", "to_decision", "to_closure", "source"),
    [
        ("case-one", 2.0, 1.0, 3.0, 3.0, "last_step"),
        ("case-two", math.nan, math.nan, math.nan, math.nan, "open"),
        ("case-three", 11.0, 1.0, 24.0, 25.0, "last_step"),
        # The note dated before the report is background, not the first step.
        ("case-four", math.nan, 1.0, 2.0, math.nan, "open"),
    ],
)
def test_response_times(
    frames: Frames,
    case_id: str,
    to_report: float,
    to_first_step: float,
    to_decision: float,
    to_closure: float,
    source: str,
) -> None:
    row = _row(analysis.response_times(frames), case_id=case_id)
    assert row["incident_to_report"] == pytest.approx(to_report, nan_ok=True)
    assert row["report_to_first_step"] == pytest.approx(to_first_step, nan_ok=True)
    assert row["report_to_decision"] == pytest.approx(to_decision, nan_ok=True)
    assert row["report_to_closure"] == pytest.approx(to_closure, nan_ok=True)
    assert row["closure_source"] == source


def test_closure_is_the_saved_status_change(frames: Frames) -> None:
    row = _row(analysis.response_times(frames), case_id="guide-example")
    second = _row(frames.revisions, case_id="guide-example", rev=2)
    assert row["closure_source"] == "status_change"
    assert row["closed_at"] == second["saved_at"]
    assert row["incident_to_report"] == pytest.approx(10.5)
    assert row["report_to_first_step"] == pytest.approx(0.5)


def test_reopened_and_closed_again_counts_the_last_closing(frames: Frames) -> None:
    revisions = frames.revisions.copy()
    extra = revisions[revisions["case_id"] == "case-one"].iloc[[0, 0]].copy()
    extra["rev"] = [2, 3]
    extra["saved_at"] = pd.to_datetime(["2023-05-11 09:00", "2023-05-12 09:00"])
    extra["changes"] = [["status"], ["status", "timeline (+1)"]]
    changed = dataclasses.replace(frames, revisions=pd.concat([revisions, extra]))
    row = _row(analysis.response_times(changed), case_id="case-one")
    assert row["closure_source"] == "status_change"
    assert row["closed_at"] == pd.Timestamp("2023-05-12 09:00")


def test_response_summary(frames: Frames) -> None:
    summary = analysis.response_summary(frames).set_index("stage")
    assert list(summary.index) == list(response.STAGES)
    first = summary.loc["incident_to_report"]
    assert (first["measured"], first["not_measured"]) == (3, 2)
    assert first["median_hours"] == pytest.approx(10.5)
    steps = summary.loc["report_to_first_step"]
    assert (steps["measured"], steps["median_hours"]) == (4, pytest.approx(1.0))


def test_response_summary_per_year(frames: Frames) -> None:
    summary = analysis.response_summary(frames, by="year")
    row = _row(summary, year="2024", stage="report_to_decision")
    assert (row["measured"], row["median_hours"]) == (2, pytest.approx(13.0))


def test_open_cases(frames: Frames) -> None:
    table = analysis.open_cases(frames, as_of=dt.datetime(2024, 3, 10))
    assert list(table["case_id"]) == ["case-two", "case-four"]
    four = _row(table, case_id="case-four")
    assert four["age_days"] == pytest.approx(8 + 10 / 24)
    assert four["last_step_at"] == pd.Timestamp("2024-03-01 16:00")
    assert pd.isna(_row(table, case_id="case-two")["last_step_at"])


def test_open_cases_by_age(frames: Frames) -> None:
    table = analysis.open_cases_by_age(frames, as_of=dt.datetime(2024, 3, 10))
    assert len(table) == len(response.AGE_BANDS) * len(response.OPEN_STATUSES)
    assert _row(table, age_band="1–4 weeks", status="decided")["cases"] == 1
    assert _row(table, age_band="3–12 months", status="new")["cases"] == 1
    assert table["cases"].sum() == 2


@pytest.mark.parametrize(
    ("days", "band"),
    [
        (0.5, "under a week"),
        (7, "1–4 weeks"),
        (27.9, "1–4 weeks"),
        (91, "3–12 months"),
        (400, "over a year"),
    ],
)
def test_age_band(days: float, band: str) -> None:
    assert response.age_band(pd.Series([days])).iloc[0] == band


@pytest.mark.parametrize(
    ("member", "received", "cases", "steps", "open_cases"),
    [
        ("Member M", 2, 2, 6, 1),
        ("Member N", 1, 2, 1, 1),
        ("Member O", 0, 1, 6, 0),
        ("Response Team Member A", 1, 1, 4, 0),
        ("Response Team Member B", 0, 1, 4, 0),
    ],
)
def test_cases_per_member(
    frames: Frames, member: str, received: int, cases: int, steps: int, open_cases: int
) -> None:
    row = _row(analysis.cases_per_member(frames), member=member)
    assert (row["received"], row["cases"], row["steps"], row["open_cases"]) == (
        received,
        cases,
        steps,
        open_cases,
    )


# -- outcomes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "action", "cases", "share"),
    [
        ("inappropriate-language", "verbal-warning", 1, 0.5),
        ("inappropriate-language", "conversation", 1, 0.5),
        ("unwelcome-sexual-attention", "ban", 1, 0.5),
        ("unwelcome-sexual-attention", "referred-onward", 1, 0.5),
        ("unwelcome-sexual-attention", outcomes.NO_ACTION_YET, 1, 0.5),
        ("harassment", outcomes.NO_ACTION_YET, 1, 1.0),
        ("other-coc", "not-a-violation", 1, 1.0),
    ],
)
def test_actions_by_category(
    frames: Frames, category: str, action: str, cases: int, share: float
) -> None:
    table = analysis.actions_by_category(frames)
    assert len(table) == 7
    row = _row(table, category=category, action=action)
    assert (row["cases"], row["share"]) == (cases, pytest.approx(share))


@pytest.mark.parametrize(
    ("route", "recipient", "cases"),
    [
        ("reported to", COMMITTEE, 1),
        ("reported to", "Django Software Foundation Code of Conduct", 1),
        ("reported to", "Local venue staff", 1),
        ("forwarded to", COMMITTEE, 1),
        ("forwarded to", "Django Software Foundation Code of Conduct", 1),
        ("not passed on", "", 2),
    ],
)
def test_escalations(frames: Frames, route: str, recipient: str, cases: int) -> None:
    table = analysis.escalations(frames)
    assert len(table) == 6
    row = _row(table, route=route, recipient=recipient)
    assert (row["cases"], row["share"]) == (cases, pytest.approx(cases / 5))


@pytest.mark.parametrize(
    ("reaction", "side", "cases"),
    [
        ("apologised", outcomes.REPORTED_SIDE, 2),
        ("disputed", outcomes.REPORTED_SIDE, 1),
        ("disputed", outcomes.OTHER_SIDE, 1),
        ("further-problems", outcomes.REPORTED_SIDE, 1),
        (outcomes.NO_REACTION, "", 1),
    ],
)
def test_reactions(frames: Frames, reaction: str, side: str, cases: int) -> None:
    table = analysis.reactions(frames)
    assert len(table) == 5
    assert _row(table, reaction=reaction, side=side)["cases"] == cases


# -- repeats --------------------------------------------------------------------


def test_repeat_people(frames: Frames) -> None:
    table = analysis.repeat_people(frames)
    assert list(table["person"]) == ["p-bob"]
    bob = table.iloc[0]
    assert (bob["cases"], bob["events"], bob["open_cases"]) == (3, 2, 1)
    assert bob["first_report"] == pd.Timestamp("2023-05-10 12:00")
    assert bob["last_report"] == pd.Timestamp("2024-03-02 09:00")
    assert bob["categories"] == (
        "Harassment; Language inappropriate for a professional audience; Unwelcome sexual attention"
    )
    assert bob["actions"] == "Ban; Referred onward; Verbal warning"


def test_repeat_people_with_a_lower_threshold_lists_everyone_reported(frames: Frames) -> None:
    table = analysis.repeat_people(frames, min_cases=1)
    assert set(table["person"]) >= {"p-bob", "p-fay"}
    assert _row(table, person="p-fay")["actions"] == "Not a violation"


def test_person_history(frames: Frames) -> None:
    history = analysis.person_history(frames)
    assert list(history["case_id"]) == ["case-one", "case-two", "case-three"]
    assert set(history["person"]) == {"p-bob"}
    three = _row(history, case_id="case-three")
    assert (three["event"], three["role"], three["space"], three["status"]) == (
        "Beta Camp 2024",
        "reported",
        "Social event or party",
        "closed",
    )
    assert _row(history, case_id="case-two")["actions"] == ""


def _all_text(frame: pd.DataFrame) -> str:
    return " ".join(map(str, frame.columns)) + " " + frame.astype("str").to_string()


@pytest.mark.parametrize(
    "compute",
    [
        analysis.repeat_people,
        analysis.person_history,
        lambda f: analysis.person_history(f, ["p-bob", "p-ann", "p-dee"]),
        lambda f: analysis.repeat_people(f, min_cases=1),
        analysis.people_without_code,
    ],
)
def test_repeat_outputs_never_show_names_or_contacts(frames: Frames, compute) -> None:
    table = compute(frames)
    assert not table.empty
    assert not {"name", "contact", "made_by", "description"} & set(table.columns)
    text = _all_text(table)
    for name in NAMES:
        assert name not in text
        for part in name.split():
            assert part not in text.split()


def test_people_without_code_are_never_matched(frames: Frames) -> None:
    people = frames.people.copy()
    people.loc[people["person"] == "p-bob", "person"] = None
    uncoded = dataclasses.replace(frames, people=people)
    assert analysis.repeat_people(uncoded).empty
    assert analysis.person_history(uncoded).empty
    counts = analysis.people_without_code(uncoded).set_index("role")
    assert counts.loc["reported", "without_code"] == 3
    assert counts.loc["reported", "with_code"] == 2


# -- similar cases ---------------------------------------------------------------


def test_description_index_is_tf_idf_cosine() -> None:
    cases = pd.DataFrame(
        {
            "case_id": ["a", "b", "c", "d"],
            "description": ["Apple, banana!", "apple cherry (cherry)", "", None],
        }
    )
    index = similar.DescriptionIndex.build(cases)
    idf_apple = math.log(5 / 3) + 1
    idf_other = math.log(5 / 2) + 1
    cherry = (1 + math.log(2)) * idf_other
    expected = idf_apple**2 / (
        math.sqrt(idf_apple**2 + idf_other**2) * math.sqrt(idf_apple**2 + cherry**2)
    )
    scores = index.cosine("a")
    assert scores[0] == pytest.approx(1.0)
    assert scores[1] == pytest.approx(expected)
    assert list(scores[2:]) == [0.0, 0.0]
    assert list(index.cosine("c")) == [0.0] * 4


def test_description_index_drops_short_and_common_words() -> None:
    cases = pd.DataFrame({"case_id": ["a", "b"], "description": ["the of an it", "of it the"]})
    index = similar.DescriptionIndex.build(cases)
    assert list(index.cosine("a")) == [0.0, 0.0]


def test_similar_cases(frames: Frames) -> None:
    table = analysis.similar_cases(frames, "case-three")
    assert set(table["case_id"]) <= {"case-one", "case-two", "case-four", "guide-example"}
    assert table.iloc[0]["case_id"] == "case-two"
    two = table.iloc[0]
    assert (two["people_score"], two["category_score"], two["space_score"]) == (0.5, 0.5, 1.0)
    assert two["description_score"] > 0.2
    assert two["score"] == pytest.approx(
        0.4 * 0.5 + 0.2 * 0.5 + 0.1 + 0.3 * two["description_score"]
    )
    assert two["reasons"].startswith(
        "same person: p-bob (reported); same category: Unwelcome sexual attention; "
        "same space: Social event or party; similar description ("
    )
    one = _row(table, case_id="case-one")
    assert (one["people_score"], one["category_score"], one["space_score"]) == (0.5, 0.0, 0.0)
    guide = _row(table, case_id="guide-example")
    assert guide["space_score"] == 1.0
    assert list(table["score"]) == sorted(table["score"], reverse=True)
    for name in NAMES:
        assert name not in _all_text(table)


def test_similar_cases_only_looks_back(frames: Frames) -> None:
    assert analysis.similar_cases(frames, "guide-example").empty
    later = analysis.similar_cases(frames, "case-one")
    assert set(later["case_id"]) <= {"guide-example"}


def test_similar_cases_limit_and_unknown_case(frames: Frames) -> None:
    assert len(analysis.similar_cases(frames, "case-three", limit=1)) == 1
    with pytest.raises(NotFound, match="no case 'nope'"):
        analysis.similar_cases(frames, "nope")


def test_case_profile(frames: Frames) -> None:
    profile = analysis.case_profile(frames, "case-three").iloc[0]
    assert profile["people"] == "p-dee (reporter), p-bob (reported)"
    assert profile["space"] == "Social event or party"
    assert profile["event"] == "Beta Camp 2024"


# -- yearly statistics -------------------------------------------------------------


def test_every_default_action_has_a_yearly_outcome() -> None:
    assert set(yearly.ACTION_OUTCOMES) == set(default().actions)
    assert set(v for v in yearly.ACTION_OUTCOMES.values() if v) <= set(yearly.OUTCOME_SEVERITY)


@pytest.mark.parametrize(
    ("case_id", "year", "outcome", "acted_by"),
    [
        ("case-one", 2023, "warned", yearly.LOCAL),
        ("case-two", 2023, yearly.NO_OUTCOME, yearly.NONE),
        ("case-three", 2024, "banned", yearly.FOUNDATION),
        ("case-four", 2024, "not a violation", yearly.NONE),
        # Sent to the DSF for information only: the conversation stays a local action.
        ("guide-example", 2000, "warned", yearly.LOCAL),
    ],
)
def test_case_outcomes(
    frames: Frames, case_id: str, year: int, outcome: str, acted_by: str
) -> None:
    row = _row(analysis.case_outcomes(frames), case_id=case_id)
    assert (row["year"], row["outcome"], row["acted_by"]) == (year, outcome, acted_by)


EXPECTED_YEARS = [
    # year reports named foundation local n-a-v scope warned susp banned other none pending
    (2000, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0),
    (2023, 2, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1),
    (2024, 2, 2, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0),
]


@pytest.mark.parametrize("expected", EXPECTED_YEARS, ids=lambda row: str(row[0]))
def test_yearly_statistics(frames: Frames, expected: tuple[int, ...]) -> None:
    table = analysis.yearly_statistics(frames)
    assert tuple(table.columns) == yearly.YEARLY_COLUMNS
    assert list(table["year"]) == [2000, 2023, 2024]
    assert tuple(_row(table, year=expected[0])) == expected


def test_yearly_statistics_counts_a_year_with_events_but_no_reports(frames: Frames) -> None:
    table = analysis.yearly_statistics(analysis.select(frames, events=["gamma-2024"]))
    assert table.to_dict("records") == [
        {c: (2024 if c == "year" else 0) for c in yearly.YEARLY_COLUMNS}
    ]


@pytest.mark.parametrize(
    ("kinds", "outcome"),
    [
        (["no-action", "verbal-warning"], "warned"),
        (["conversation", "removed-from-event"], "suspended"),
        (["talk-cancelled", "written-warning"], "other"),
        (["out-of-scope"], "out of scope"),
        (["referred-onward"], yearly.NO_OUTCOME),
        (["an-own-action"], "other"),
    ],
)
def test_most_severe_outcome_counts(frames: Frames, kinds: list[str], outcome: str) -> None:
    actions = pd.DataFrame(
        {"case_id": ["case-two"] * len(kinds), "pos": range(len(kinds)), "kind": kinds}
    )
    changed = dataclasses.replace(frames, actions=actions)
    assert _row(analysis.case_outcomes(changed), case_id="case-two")["outcome"] == outcome


def test_foundation_words_decide_who_acted(frames: Frames) -> None:
    table = analysis.case_outcomes(frames, foundation_words=("nobody",))
    assert _row(table, case_id="case-three")["acted_by"] == yearly.LOCAL


def test_uncoded_reported_people_count_one_each(frames: Frames) -> None:
    people = frames.people.copy()
    people.loc[people["person"] == "p-bob", "person"] = None
    table = analysis.yearly_statistics(dataclasses.replace(frames, people=people))
    assert _row(table, year=2023)["people named"] == 2


# -- every function on an empty selection ---------------------------------------------


EVERY_FUNCTION = [
    analysis.reports_per_event,
    analysis.category_mix,
    lambda f: analysis.category_mix(f, per="event"),
    lambda f: analysis.category_mix(f, per="year"),
    analysis.spaces,
    analysis.channels,
    lambda f: analysis.channels(f, per="event"),
    analysis.receivers,
    analysis.time_of_day,
    analysis.day_of_event,
    analysis.response_times,
    analysis.response_summary,
    lambda f: analysis.response_summary(f, by="year"),
    analysis.open_cases,
    analysis.open_cases_by_age,
    analysis.cases_per_member,
    analysis.actions_by_category,
    analysis.escalations,
    analysis.reactions,
    analysis.repeat_people,
    analysis.person_history,
    analysis.people_without_code,
    analysis.case_outcomes,
    analysis.yearly_statistics,
]


@pytest.mark.parametrize("compute", EVERY_FUNCTION)
def test_every_function_takes_an_empty_selection(frames: Frames, compute) -> None:
    empty = _no_cases(frames)
    assert empty.cases.empty
    table = compute(empty)
    assert isinstance(table, pd.DataFrame)
    full = compute(frames)
    assert list(table.columns) == list(full.columns)


@pytest.mark.parametrize("compute", EVERY_FUNCTION)
def test_no_function_changes_the_frames(frames: Frames, compute) -> None:
    before = {name: getattr(frames, name).copy() for name in ("cases", "people", "actions")}
    compute(frames)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(frames, name), frame)


# -- code names only -------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_frames(tmp_path_factory: pytest.TempPathFactory) -> Frames:
    from cocdata import synthetic

    opened = Store.init(tmp_path_factory.mktemp("synthetic") / "store")
    _, cases = synthetic.generate(seed=3, n_events=6)
    opened.save_many([(c, None) for c in cases], by="synthetic")
    return opened.frames()


def _outputs(frames: Frames) -> dict[str, str]:
    """Every analysis table over the whole store, as text."""
    case_id = frames.cases["case_id"].iloc[-1]
    out = {}
    for name in analysis.__all__:
        fn = getattr(analysis, name)
        if name in ("load_frames", "select", "describe_selection", "DescriptionIndex"):
            continue
        if name in ("case_profile", "similar_cases"):
            result = fn(frames, case_id)
        elif name in ("repeat_people", "person_history"):
            result = pd.concat(
                [fn(frames, role=role, min_cases=1) for role in default().roles], ignore_index=True
            )
        else:
            result = fn(frames)
        out[name] = result.to_csv(index=False)
    return out


def test_analysis_shows_person_code_names_never_names_or_contacts(synthetic_frames: Frames) -> None:
    people = synthetic_frames.people
    team = set(synthetic_frames.revisions["saved_by"]) | {
        m for members in synthetic_frames.cases["received_by"] for m in members
    }
    names = {n for n in people["name"].dropna() if len(n) > 4 and n not in team}
    contacts = set(people["contact"].dropna())
    assert names and contacts
    codes = set(people["person"].dropna())
    outputs = _outputs(synthetic_frames)
    assert any(code in text for text in outputs.values() for code in codes)
    for name, text in outputs.items():
        leaked = sorted(n for n in names | contacts if n in text)
        assert not leaked, f"{name} shows {leaked[:3]}"
