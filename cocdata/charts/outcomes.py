"""Charts of what came of the cases: actions per category, escalations, reactions, outcomes per year."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cocdata.analysis.outcomes import NO_REACTION, NOT_PASSED_ON
from cocdata.analysis.yearly import NO_OUTCOME, OUTCOME_SEVERITY
from cocdata.charts.common import empty, figure, with_note


def actions_by_category(pairs: pd.DataFrame) -> go.Figure:
    """Heatmap of cases per category and action kind."""
    title = "Actions taken per category"
    if pairs.empty:
        return empty(title)
    grid = pairs.pivot_table(
        index="category_label", columns="action_label", values="cases", aggfunc="sum", fill_value=0
    )
    fig = figure(title, height=max(360, 28 * len(grid) + 200))
    fig.add_trace(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=list(grid.index),
            colorscale="Blues",
            colorbar={"title": {"text": "Cases"}},
            hovertemplate="%{y}<br>%{x}: %{z} case(s)<extra></extra>",
        )
    )
    fig.update_xaxes(tickangle=-35)
    return fig


def escalations(routes: pd.DataFrame) -> go.Figure:
    """Cases reported or forwarded onward per recipient; the title counts those kept in the team."""
    title = "Cases passed on"
    kept = int(routes.loc[routes["route"] == NOT_PASSED_ON, "cases"].sum())
    passed = routes[routes["route"] != NOT_PASSED_ON]
    if passed.empty:
        return empty(title, f"No case was passed on ({kept} kept within the team).")
    fig = figure(with_note(title, f"{kept} case(s) not passed on"), barmode="group")
    for route, rows in passed.groupby("route", sort=True):
        fig.add_trace(go.Bar(x=rows["recipient"], y=rows["cases"], name=str(route)))
    fig.update_yaxes(title_text="Cases")
    return fig


def reactions(per_reaction: pd.DataFrame) -> go.Figure:
    """Cases per reaction of involved sides, split by the reported person and others."""
    title = "Reactions of the involved sides"
    none = int(per_reaction.loc[per_reaction["reaction"] == NO_REACTION, "cases"].sum())
    recorded = per_reaction[per_reaction["reaction"] != NO_REACTION]
    if recorded.empty:
        return empty(title, "No reaction recorded in the selected cases.")
    fig = figure(with_note(title, f"{none} case(s) with no reaction recorded"), barmode="stack")
    for side, rows in recorded.groupby("side", sort=True):
        fig.add_trace(go.Bar(x=rows["label"], y=rows["cases"], name=str(side)))
    fig.update_yaxes(title_text="Cases")
    return fig


def yearly_statistics(yearly: pd.DataFrame) -> go.Figure:
    """Outcomes per year, stacked up to the number of reports (drawn as a line)."""
    title = "Yearly statistics"
    if yearly.empty:
        return empty(title)
    years = yearly["year"].astype("str")
    fig = figure(title, barmode="stack")
    for outcome in (*OUTCOME_SEVERITY, NO_OUTCOME):
        fig.add_trace(go.Bar(x=years, y=yearly[outcome], name=outcome))
    fig.add_trace(go.Scatter(x=years, y=yearly["reports"], name="reports", mode="lines+markers"))
    fig.update_yaxes(title_text="Cases")
    return fig
