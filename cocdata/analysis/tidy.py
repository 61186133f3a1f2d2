"""Building blocks of tidy frames: list columns exploded, ids labelled, shares, empties.

The store's frames keep several facts as lists (categories, who received a
report, where it was forwarded). Every analysis needs them one value per row,
labelled with the organisation's own words, and must behave when a selection
holds no case at all. Those steps live here once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cocdata.vocab import Vocabularies, default

UNKNOWN = "unknown"
"""Shown where a fact was not recorded (no space, no channel, no receiver)."""


def vocabularies(vocab: Vocabularies | None) -> Vocabularies:
    """The given vocabularies, or the defaults shipped with cocdata."""
    return vocab if vocab is not None else default()


def explode_list(frame: pd.DataFrame, column: str, keep: list[str]) -> pd.DataFrame:
    """One row per element of the list column ``column``, with the ``keep`` columns repeated.

    Rows whose list is empty or missing are dropped; the result has a clean
    ``RangeIndex``.
    """
    lists = frame[column].to_numpy()
    lengths = np.fromiter((0 if v is None else len(v) for v in lists), dtype=np.int64)
    if lengths.sum() == 0:
        return pd.DataFrame({c: frame[c].iloc[:0] for c in [*keep, column]}).reset_index(drop=True)
    rows = np.repeat(np.arange(len(frame)), lengths)
    values = np.concatenate([v for v, n in zip(lists, lengths, strict=True) if n])
    out = {c: frame[c].to_numpy()[rows] for c in keep}
    out[column] = values
    result = pd.DataFrame(out)
    for c in keep:
        result[c] = result[c].astype(frame[c].dtype)
    return result


def label(ids: pd.Series, labels: Mapping[str, str], missing: str = UNKNOWN) -> pd.Series:
    """Plain labels for vocabulary ids; ids no longer in the vocabulary show as themselves."""
    raw = ids.astype("object")
    mapped = raw.map(labels).astype("object")
    return mapped.where(mapped.notna(), raw).fillna(missing).astype("str")


def share(counts: pd.Series, total: float | pd.Series) -> pd.Series:
    """``counts / total`` as a float, NaN where the total is zero."""
    total_values = total if isinstance(total, pd.Series) else pd.Series(total, index=counts.index)
    return counts.astype("float64") / total_values.astype("float64").where(total_values > 0)


def hours(delta: pd.Series) -> pd.Series:
    """A timedelta column in hours (float, NaN where unknown)."""
    return delta.dt.total_seconds() / 3600.0


def event_table(events: pd.DataFrame) -> pd.DataFrame:
    """The events frame with real dates and numeric attendance, sorted by start date."""
    out = events.copy()
    out["start"] = pd.to_datetime(out["start"])
    out["end"] = pd.to_datetime(out["end"])
    out["attendees"] = pd.to_numeric(out["attendees"], errors="coerce").astype("float64")
    return out.sort_values(["start", "id"], ignore_index=True)


def lookup(values: pd.Series, keys: pd.Series) -> pd.Series:
    """``values[key]`` for each key (missing where absent), on the index of ``keys``.

    Unlike ``keys.map(values)`` it keeps the dtype of ``values`` also when
    ``values`` is empty, as it is for a selection without cases (integers
    become floats where a key is absent).
    """
    return values.reindex(keys.to_numpy()).set_axis(keys.index)
