"""Cross-event analysis: pure functions from a store's ``Frames`` to tidy DataFrames.

Load and narrow the frames (``selection``), then ask one question per
function. The modules follow the questions teams ask across events:

- ``trends``: reports per event and per 100 attendees, categories, spaces,
  time of day, day of event, channels, who received reports;
- ``response``: time from incident to report to first step, decision and
  closure; open cases by age; work per team member;
- ``outcomes``: actions per category, escalations, reactions;
- ``repeats``: people named in more than one case, by code name only;
- ``similar``: the earlier cases most like a given one;
- ``yearly``: yearly statistics in the DSF working group's format.

Every function takes frames as ``store.frames()`` gives them (or as
``select`` narrows them) and never changes them.
"""

from cocdata.analysis.outcomes import actions_by_category, escalations, reactions
from cocdata.analysis.repeats import people_without_code, person_history, repeat_people
from cocdata.analysis.response import (
    cases_per_member,
    open_cases,
    open_cases_by_age,
    response_summary,
    response_times,
)
from cocdata.analysis.selection import describe_selection, load_frames, select
from cocdata.analysis.similar import DescriptionIndex, case_profile, similar_cases
from cocdata.analysis.trends import (
    category_mix,
    channels,
    day_of_event,
    receivers,
    reports_per_event,
    spaces,
    time_of_day,
)
from cocdata.analysis.yearly import case_outcomes, yearly_statistics

__all__ = [
    "DescriptionIndex",
    "actions_by_category",
    "case_outcomes",
    "case_profile",
    "cases_per_member",
    "category_mix",
    "channels",
    "day_of_event",
    "describe_selection",
    "escalations",
    "load_frames",
    "open_cases",
    "open_cases_by_age",
    "people_without_code",
    "person_history",
    "reactions",
    "receivers",
    "repeat_people",
    "reports_per_event",
    "response_summary",
    "response_times",
    "select",
    "similar_cases",
    "spaces",
    "time_of_day",
    "yearly_statistics",
]
