"""Charts of the team's response: how long each stage takes, open cases by age, workload."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cocdata.analysis.response import STAGES
from cocdata.charts.common import empty, figure


def response_summary(summary: pd.DataFrame) -> go.Figure:
    """Median hours per stage with the 75th and 90th percentiles; lines per year or event."""
    title = "How fast the team responds (hours)"
    if summary.empty or summary["measured"].sum() == 0:
        return empty(title, "No measured response times in the selection.")
    group = (
        "year"
        if "year" in summary.columns
        else "event_id"
        if "event_id" in summary.columns
        else None
    )
    if group is not None:
        fig = figure(title)
        for stage, rows in summary.groupby("stage", sort=False):
            fig.add_trace(
                go.Scatter(
                    x=rows[group].astype("str"),
                    y=rows["median_hours"],
                    mode="lines+markers",
                    name=STAGES.get(str(stage), str(stage)),
                )
            )
        fig.update_yaxes(title_text="Median hours", type="log")
        return fig
    fig = figure(title, barmode="group")
    labels = summary["label"]
    fig.add_trace(go.Bar(x=labels, y=summary["median_hours"], name="Median"))
    fig.add_trace(go.Bar(x=labels, y=summary["p75_hours"], name="75% of cases within"))
    fig.add_trace(go.Bar(x=labels, y=summary["p90_hours"], name="90% of cases within"))
    fig.update_yaxes(title_text="Hours", type="log")
    return fig


def open_cases_by_age(by_age: pd.DataFrame) -> go.Figure:
    """Open cases per age band, stacked by status."""
    title = "Open cases by age"
    if by_age["cases"].sum() == 0:
        return empty(title, "No open cases in the selection.")
    fig = figure(title, barmode="stack")
    for status, rows in by_age.groupby("status", sort=False):
        fig.add_trace(go.Bar(x=rows["age_band"], y=rows["cases"], name=str(status)))
    fig.update_yaxes(title_text="Cases")
    fig.update_xaxes(title_text="Time since the report")
    return fig


def cases_per_member(workload: pd.DataFrame) -> go.Figure:
    """Cases per team member, and how many of them are still open."""
    title = "Cases per team member"
    if workload.empty:
        return empty(title)
    ordered = workload.sort_values("cases")
    fig = figure(title, barmode="overlay", height=max(320, 26 * len(ordered) + 140))
    fig.add_trace(go.Bar(x=ordered["cases"], y=ordered["member"], orientation="h", name="Cases"))
    fig.add_trace(
        go.Bar(
            x=ordered["open_cases"],
            y=ordered["member"],
            orientation="h",
            name="Still open",
            width=0.4,
        )
    )
    fig.update_xaxes(title_text="Cases")
    return fig
