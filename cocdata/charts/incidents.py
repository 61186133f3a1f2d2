"""Charts of where and when incidents happen: per event, category, space, channel, hour, day."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cocdata.analysis.tidy import UNKNOWN
from cocdata.charts.common import HEATMAP_FROM, LAYOUT, NAMED_EVENTS, empty, figure, with_note


def reports_per_event(per_event: pd.DataFrame) -> go.Figure:
    """Reports per event and reports per 100 attendees, events in order of their start.

    Up to ``NAMED_EVENTS`` events are bars named by event; more are drawn as
    points on a time axis, where names would not fit.
    """
    title = "Reports per event"
    if per_event.empty:
        return empty(title, "No events match the selection.")
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
    fig.update_layout(title={"text": with_note(title, note)}, **LAYOUT)
    fig.update_yaxes(title_text="Reports", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text="Per 100 attendees", secondary_y=True, rangemode="tozero")
    fig.update_xaxes(title_text="Event" if named else "Event start")
    if named:
        fig.update_xaxes(type="category", tickangle=-30)
    return fig


def breakdown(frame: pd.DataFrame, title: str) -> go.Figure:
    """Bars of a breakdown: one bar per value overall, stacked per year or event, or a heatmap."""
    if frame.empty:
        return empty(title)
    if "event_id" in frame.columns and frame["event_id"].nunique() >= HEATMAP_FROM:
        grid = frame.pivot_table(index="label", columns="event", values="share", aggfunc="sum")
        fig = figure(title)
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
    fig = figure(title, barmode="stack" if group else None)
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
    return breakdown(mix, "Cases per category")


def spaces(per_space: pd.DataFrame) -> go.Figure:
    """Cases per kind of space: parties, talks, online, ..."""
    return breakdown(per_space, "Where incidents happened")


def channels(per_channel: pd.DataFrame) -> go.Figure:
    """Cases per reporting channel, with the anonymous ones."""
    title = "How reports were made"
    if per_channel.empty:
        return empty(title)
    if "event_id" in per_channel.columns or "year" in per_channel.columns:
        return breakdown(per_channel, title)
    fig = figure(title, barmode="overlay")
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
        return empty(title)
    if "received_by" in per_member.columns and "cases" in per_member.columns:
        overall = per_member.groupby("received_by", as_index=False)["cases"].sum()
    else:
        overall = per_member
    ordered = overall.sort_values("cases")
    fig = figure(title, height=max(320, 26 * len(ordered) + 140))
    fig.add_trace(go.Bar(x=ordered["cases"], y=ordered["received_by"], orientation="h"))
    fig.update_xaxes(title_text="Reports received")
    return fig


def time_of_day(per_hour: pd.DataFrame) -> go.Figure:
    """Incidents per hour of day; the title counts those with an unknown hour."""
    title = "Time of day of incidents"
    unknown = int(per_hour.loc[per_hour["label"] == UNKNOWN, "cases"].sum())
    known = per_hour[per_hour["hour"].notna()]
    if known["cases"].sum() == 0:
        return empty(title, "No incident in the selection has a known hour.")
    note = f"{unknown} case(s) with a time unknown or known only to the day not shown"
    fig = figure(with_note(title, note if unknown else ""))
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
        return empty(title, "No incident in the selection has a known day.")
    fig = figure(
        with_note(title, f"{unknown} case(s) with an unknown day not shown" if unknown else "")
    )
    fig.add_trace(go.Bar(x=shown["label"], y=shown["cases"]))
    fig.update_yaxes(title_text="Cases")
    return fig
