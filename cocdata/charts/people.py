"""Charts of people across cases, by person code name only, and of similar earlier cases."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cocdata.analysis.repeats import REPORTED
from cocdata.analysis.similar import WEIGHTS
from cocdata.charts.common import empty, figure, with_note


def person_history(history: pd.DataFrame, limit: int = 30) -> go.Figure:
    """Each person code's cases over time, one row per person (the ``limit`` with most cases)."""
    title = "People named in more than one case (by code name)"
    if history.empty:
        return empty(title, "Nobody with a code name is named in more than one selected case.")
    top = history.groupby("person").size().sort_values(ascending=False).head(limit).index
    shown = history[history["person"].isin(top)]
    note = (
        f"the {limit} with most cases of {history['person'].nunique()}"
        if len(top) < history["person"].nunique()
        else ""
    )
    fig = figure(with_note(title, note), height=max(320, 24 * len(top) + 160))
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
        return empty(title, "No earlier case shares people, category, space or wording.")
    ordered = similar.iloc[::-1]
    fig = figure(title, barmode="stack", height=max(320, 30 * len(ordered) + 160))
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
