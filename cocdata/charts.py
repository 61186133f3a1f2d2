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

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from cocdata.analysis.outcomes import NO_REACTION, NOT_PASSED_ON
from cocdata.analysis.repeats import REPORTED
from cocdata.analysis.response import STAGES
from cocdata.analysis.similar import WEIGHTS
from cocdata.analysis.tidy import UNKNOWN
from cocdata.analysis.yearly import NO_OUTCOME, OUTCOME_SEVERITY

NOTHING_SELECTED = "No cases match the selection."
NAMED_EVENTS = 40
"""Reports per event are bars named by event up to this many events, points on a time axis beyond."""
HEATMAP_FROM = 25
"""Breakdowns per event switch from stacked bars to a heatmap from this many events."""
LAYOUT = {
    # Enough distinct colours for every default category, none repeated.
    "colorway": qualitative.Dark24,
    "margin": {"l": 60, "r": 30, "t": 90, "b": 60},
    "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1.0, "xanchor": "right"},
}


def _figure(title: str, **layout: object) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title={"text": title}, **{**LAYOUT, **layout})
    return fig


def _empty(title: str, message: str = NOTHING_SELECTED) -> go.Figure:
    fig = _figure(title)
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _with_note(title: str, note: str) -> str:
    return f"{title}<br><sup>{note}</sup>" if note else title


def reports_per_event(per_event: pd.DataFrame) -> go.Figure:
    """Reports per event and reports per 100 attendees, events in order of their start.

    Up to ``NAMED_EVENTS`` events are bars named by event; more are drawn as
    points on a time axis, where names would not fit.
    """
    title = "Reports per event"
    if per_event.empty:
        return _empty(title, "No events match the selection.")
    unknown = int(per_event["per_100_attendees"].isna().sum())
    note = f"{unknown} event(s) with unknown attendance have no rate" if unknown else ""
    named = len(per_event) <= NAMED_EVENTS
    x = per_event["event"] if named else per_event["start"]
    names = per_event[["event"]].to_numpy()
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    count = (
        go.Bar(x=x, y=per_event["reports"], name="Reports")
        if named
        else go.Scatter(x=x, y=per_event["reports"], name="Reports", mode="markers")
    )
    count.update(customdata=names, hovertemplate="%{customdata[0]}: %{y} report(s)<extra></extra>")
    fig.add_trace(count, secondary_y=False)
    fig.add_trace(
        go.Scatter(
            x=x,
            y=per_event["per_100_attendees"],
            name="Per 100 attendees",
            mode="lines+markers" if named else "markers",
            connectgaps=False,
            customdata=names,
            hovertemplate="%{customdata[0]}<br>%{y:.2f} per 100 attendees<extra></extra>",
        ),
        secondary_y=True,
    )
    fig.update_layout(title={"text": _with_note(title, note)}, **LAYOUT)
    fig.update_yaxes(title_text="Reports", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text="Per 100 attendees", secondary_y=True, rangemode="tozero")
    fig.update_xaxes(title_text="Event" if named else "Event start")
    if named:
        fig.update_xaxes(type="category", tickangle=-30)
    return fig


def _breakdown(frame: pd.DataFrame, title: str) -> go.Figure:
    """Bars of a breakdown: one bar per value overall, stacked per year or event, or a heatmap."""
    if frame.empty:
        return _empty(title)
    if "event_id" in frame.columns and frame["event_id"].nunique() >= HEATMAP_FROM:
        grid = frame.pivot_table(index="label", columns="event", values="share", aggfunc="sum")
        fig = _figure(title)
        fig.add_trace(
            go.Heatmap(
                z=grid.to_numpy(),
                x=list(grid.columns),
                y=list(grid.index),
                colorscale="Blues",
                colorbar={"title": {"text": "Share"}},
                hovertemplate="%{x}<br>%{y}: %{z:.0%}<extra></extra>",
            )
        )
        fig.update_xaxes(showticklabels=False, title_text="Events")
        return fig
    group = "event" if "event" in frame.columns else "year" if "year" in frame.columns else None
    fig = _figure(title, barmode="stack" if group else None)
    if group is None:
        ordered = frame.sort_values("cases")
        fig.add_trace(
            go.Bar(
                x=ordered["cases"],
                y=ordered["label"],
                orientation="h",
                customdata=ordered[["share"]].to_numpy(),
                hovertemplate="%{y}: %{x} case(s), %{customdata[0]:.0%}<extra></extra>",
            )
        )
        fig.update_xaxes(title_text="Cases")
        return fig
    for name, rows in frame.groupby("label", sort=True):
        fig.add_trace(
            go.Bar(
                x=rows[group].astype("str"),
                y=rows["cases"],
                name=str(name),
                hovertemplate=f"{name}<br>%{{x}}: %{{y}} case(s)<extra></extra>",
            )
        )
    # Groups in the frame's order (years, events); the many labels go below the chart.
    order = list(pd.unique(frame[group].astype("str")))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=order, tickangle=-30)
    fig.update_layout(
        height=620,
        margin={"b": 220},
        legend={
            "orientation": "h",
            "y": -0.45 if group == "event" else -0.15,
            "yanchor": "top",
            "x": 0.0,
            "xanchor": "left",
        },
    )
    fig.update_yaxes(title_text="Cases")
    return fig


def category_mix(mix: pd.DataFrame) -> go.Figure:
    """Cases per category (overall, stacked per year or event, or a heatmap for many events)."""
    return _breakdown(mix, "Cases per category")


def spaces(per_space: pd.DataFrame) -> go.Figure:
    """Cases per kind of space: parties, talks, online, ..."""
    return _breakdown(per_space, "Where incidents happened")


def channels(per_channel: pd.DataFrame) -> go.Figure:
    """Cases per reporting channel, with the anonymous ones."""
    title = "How reports were made"
    if per_channel.empty:
        return _empty(title)
    if "event_id" in per_channel.columns or "year" in per_channel.columns:
        return _breakdown(per_channel, title)
    fig = _figure(title, barmode="overlay")
    fig.add_trace(go.Bar(x=per_channel["label"], y=per_channel["cases"], name="All reports"))
    fig.add_trace(
        go.Bar(x=per_channel["label"], y=per_channel["anonymous"], name="Anonymous", width=0.4)
    )
    fig.update_yaxes(title_text="Cases")
    return fig


def receivers(per_member: pd.DataFrame) -> go.Figure:
    """Reports received per team member."""
    title = "Who received the reports"
    if per_member.empty:
        return _empty(title)
    if "received_by" in per_member.columns and "cases" in per_member.columns:
        overall = per_member.groupby("received_by", as_index=False)["cases"].sum()
    else:
        overall = per_member
    ordered = overall.sort_values("cases")
    fig = _figure(title, height=max(320, 26 * len(ordered) + 140))
    fig.add_trace(go.Bar(x=ordered["cases"], y=ordered["received_by"], orientation="h"))
    fig.update_xaxes(title_text="Reports received")
    return fig


def time_of_day(per_hour: pd.DataFrame) -> go.Figure:
    """Incidents per hour of day; the title counts those with an unknown hour."""
    title = "Time of day of incidents"
    unknown = int(per_hour.loc[per_hour["label"] == UNKNOWN, "cases"].sum())
    known = per_hour[per_hour["hour"].notna()]
    if known["cases"].sum() == 0:
        return _empty(title, "No incident in the selection has a known hour.")
    note = f"{unknown} case(s) with a time unknown or known only to the day not shown"
    fig = _figure(_with_note(title, note if unknown else ""))
    fig.add_trace(
        go.Bar(
            x=known["label"],
            y=known["cases"],
            hovertemplate="%{x}: %{y} case(s)<extra></extra>",
        )
    )
    fig.update_yaxes(title_text="Cases")
    fig.update_xaxes(title_text="Hour (event local time)")
    return fig


def day_of_event(per_day: pd.DataFrame) -> go.Figure:
    """Incidents per day of their event, before and after; the title counts unknown days."""
    title = "Day of the event"
    unknown = int(per_day.loc[per_day["label"] == UNKNOWN, "cases"].sum())
    shown = per_day[per_day["label"] != UNKNOWN]
    if shown["cases"].sum() == 0:
        return _empty(title, "No incident in the selection has a known day.")
    fig = _figure(
        _with_note(title, f"{unknown} case(s) with an unknown day not shown" if unknown else "")
    )
    fig.add_trace(go.Bar(x=shown["label"], y=shown["cases"]))
    fig.update_yaxes(title_text="Cases")
    return fig


def response_summary(summary: pd.DataFrame) -> go.Figure:
    """Median hours per stage with the 75th and 90th percentiles; lines per year or event."""
    title = "How fast the team responds (hours)"
    if summary.empty or summary["measured"].sum() == 0:
        return _empty(title, "No measured response times in the selection.")
    group = (
        "year"
        if "year" in summary.columns
        else "event_id"
        if "event_id" in summary.columns
        else None
    )
    if group is not None:
        fig = _figure(title)
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
    fig = _figure(title, barmode="group")
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
        return _empty(title, "No open cases in the selection.")
    fig = _figure(title, barmode="stack")
    for status, rows in by_age.groupby("status", sort=False):
        fig.add_trace(go.Bar(x=rows["age_band"], y=rows["cases"], name=str(status)))
    fig.update_yaxes(title_text="Cases")
    fig.update_xaxes(title_text="Time since the report")
    return fig


def cases_per_member(workload: pd.DataFrame) -> go.Figure:
    """Cases per team member, and how many of them are still open."""
    title = "Cases per team member"
    if workload.empty:
        return _empty(title)
    ordered = workload.sort_values("cases")
    fig = _figure(title, barmode="overlay", height=max(320, 26 * len(ordered) + 140))
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


def actions_by_category(pairs: pd.DataFrame) -> go.Figure:
    """Heatmap of cases per category and action kind."""
    title = "Actions taken per category"
    if pairs.empty:
        return _empty(title)
    grid = pairs.pivot_table(
        index="category_label", columns="action_label", values="cases", aggfunc="sum", fill_value=0
    )
    fig = _figure(title, height=max(360, 28 * len(grid) + 200))
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
        return _empty(title, f"No case was passed on ({kept} kept within the team).")
    fig = _figure(_with_note(title, f"{kept} case(s) not passed on"), barmode="group")
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
        return _empty(title, "No reaction recorded in the selected cases.")
    fig = _figure(_with_note(title, f"{none} case(s) with no reaction recorded"), barmode="stack")
    for side, rows in recorded.groupby("side", sort=True):
        fig.add_trace(go.Bar(x=rows["label"], y=rows["cases"], name=str(side)))
    fig.update_yaxes(title_text="Cases")
    return fig


def person_history(history: pd.DataFrame, limit: int = 30) -> go.Figure:
    """Each person code's cases over time, one row per person (the ``limit`` with most cases)."""
    title = "People named in more than one case (by code name)"
    if history.empty:
        return _empty(title, "Nobody with a code name is named in more than one selected case.")
    top = history.groupby("person").size().sort_values(ascending=False).head(limit).index
    shown = history[history["person"].isin(top)]
    note = (
        f"the {limit} with most cases of {history['person'].nunique()}"
        if len(top) < history["person"].nunique()
        else ""
    )
    fig = _figure(_with_note(title, note), height=max(320, 24 * len(top) + 160))
    reported = shown["role"].str.contains(REPORTED, regex=False).to_numpy(dtype=bool)
    for mask, name, symbol in (
        (reported, "reported", "circle"),
        (~reported, "other role", "circle-open"),
    ):
        rows = shown[mask]
        fig.add_trace(
            go.Scatter(
                x=rows["made_at"],
                y=rows["person"],
                mode="markers",
                name=name,
                marker={"size": 10, "symbol": symbol},
                customdata=rows[["case_id", "event", "categories", "role"]].fillna("").to_numpy(),
                hovertemplate=(
                    "%{y}: %{customdata[0]} (%{customdata[3]})<br>%{customdata[1]}<br>"
                    "%{customdata[2]}<extra></extra>"
                ),
            )
        )
    # Most cases at the top.
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(top)))
    fig.update_xaxes(title_text="Report received")
    return fig


def similar_cases(similar: pd.DataFrame) -> go.Figure:
    """The similar earlier cases as stacked bars of what each ground adds to the score."""
    title = "Similar earlier cases"
    if similar.empty:
        return _empty(title, "No earlier case shares people, category, space or wording.")
    ordered = similar.iloc[::-1]
    fig = _figure(title, barmode="stack", height=max(320, 30 * len(ordered) + 160))
    names = {"people": "Same people", "category": "Same category", "space": "Same space"}
    names["description"] = "Similar description"
    for ground, weight in WEIGHTS.items():
        fig.add_trace(
            go.Bar(
                x=weight * ordered[f"{ground}_score"],
                y=ordered["case_id"],
                orientation="h",
                name=names[ground],
                customdata=ordered[["reasons"]].to_numpy(),
                hovertemplate="%{y}<br>%{customdata[0]}<extra></extra>",
            )
        )
    fig.update_xaxes(title_text="Score (0 to 1)", range=[0, 1])
    return fig


def yearly_statistics(yearly: pd.DataFrame) -> go.Figure:
    """Outcomes per year, stacked up to the number of reports (drawn as a line)."""
    title = "Yearly statistics"
    if yearly.empty:
        return _empty(title)
    years = yearly["year"].astype("str")
    fig = _figure(title, barmode="stack")
    for outcome in (*OUTCOME_SEVERITY, NO_OUTCOME):
        fig.add_trace(go.Bar(x=years, y=yearly[outcome], name=outcome))
    fig.add_trace(go.Scatter(x=years, y=yearly["reports"], name="reports", mode="lines+markers"))
    fig.update_yaxes(title_text="Cases")
    return fig
