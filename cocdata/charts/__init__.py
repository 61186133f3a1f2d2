"""Plotly figures of the tidy frames ``cocdata.analysis`` returns, one function per frame.

Each function takes the frame exactly as its analysis returns it and gives
a ``plotly.graph_objects.Figure``; titles say what is left out (unknown
times, unknown attendance) so a chart never hides it. In notebooks, show a
figure with ``cocdata.reports.present.chart(fig)``, never ``fig.show()``:
only that helper renders both in JupyterLab and in exported reports.

Figures never carry names of involved people: repeat patterns are drawn by
person code name only.
"""

from __future__ import annotations

from cocdata.charts.common import HEATMAP_FROM, NAMED_EVENTS, NOTHING_SELECTED
from cocdata.charts.incidents import (
    category_mix,
    channels,
    day_of_event,
    receivers,
    reports_per_event,
    spaces,
    time_of_day,
)
from cocdata.charts.outcomes import actions_by_category, escalations, reactions, yearly_statistics
from cocdata.charts.people import person_history, similar_cases
from cocdata.charts.response import cases_per_member, open_cases_by_age, response_summary

__all__ = [
    "HEATMAP_FROM",
    "NAMED_EVENTS",
    "NOTHING_SELECTED",
    "actions_by_category",
    "cases_per_member",
    "category_mix",
    "channels",
    "day_of_event",
    "escalations",
    "open_cases_by_age",
    "person_history",
    "reactions",
    "receivers",
    "reports_per_event",
    "response_summary",
    "similar_cases",
    "spaces",
    "time_of_day",
    "yearly_statistics",
]
