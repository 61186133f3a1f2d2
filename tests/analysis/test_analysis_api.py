"""What every function of cocdata.analysis promises: empty selections, unchanged frames, code names only."""

from __future__ import annotations

import pandas as pd
import pytest

from cocdata import analysis
from cocdata.tables import Frames
from cocdata.vocab import default
from tests.analysis.cases import no_cases

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
    empty = no_cases(frames)
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
