"""Building blocks of tidy frames: list columns exploded, ids labelled, keys looked up, shares.

The store's frames keep several facts as lists (categories, who received a
report, where it was forwarded). Every analysis needs them one value per row,
labelled with the organisation's own words, and must behave when a selection
holds no case at all. Those steps live here once.

Text columns are arrow-backed strings. Matching, looking up and joining them
is done in arrow: pandas' own ``isin``, ``map`` and ``reindex`` on such
columns convert every value to a Python object, which costs seconds at
100,000 cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cocdata.vocab import Vocabularies, default

UNKNOWN = "unknown"
"""Shown where a fact was not recorded (no space, no channel, no receiver)."""


def vocabularies(vocab: Vocabularies | None) -> Vocabularies:
    """The given vocabularies, or the defaults shipped with cocdata."""
    return vocab if vocab is not None else default()


def arrow(values: pd.Series | pd.Index | np.ndarray | Iterable[object]) -> pa.Array:
    """A column as one arrow array (arrow-backed strings are not copied)."""
    if isinstance(values, pd.Series | pd.Index):
        values = values.array
    elif not isinstance(values, np.ndarray | pa.Array | pa.ChunkedArray):
        values = list(values)
    array = pa.array(values, from_pandas=True) if not isinstance(values, pa.Array) else values
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_large_string(array.type):
        array = array.cast(pa.string())
    return array


def positions(keys: pd.Series | pd.Index, universe: pd.Series | pd.Index) -> np.ndarray:
    """Position in ``universe`` of each key, -1 where it is absent (``universe`` unique)."""
    key_array, value_set = arrow(keys), arrow(universe)
    if len(key_array) == 0 or len(value_set) == 0:
        return np.full(len(key_array), -1, dtype=np.int64)
    if key_array.type != value_set.type:
        value_set = value_set.cast(key_array.type)
    found = pc.index_in(key_array, value_set=value_set)
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def take(values: pd.Series, rows: np.ndarray) -> pd.Series:
    """``values`` at positions ``rows`` (missing where a row is -1), with a fresh index."""
    return pd.Series(pd.api.extensions.take(values.array, rows, allow_fill=True), name=values.name)


def lookup(values: pd.Series, keys: pd.Series) -> pd.Series:
    """``values[key]`` for each key (missing where absent), on the index of ``keys``.

    Keeps the dtype of ``values`` (integers become floats where a key is
    absent), also when ``values`` is empty.
    """
    found = take(values, positions(keys, values.index))
    return found.set_axis(keys.index)


def isin(values: pd.Series, allowed: Iterable[object] | pd.Series | pd.Index) -> np.ndarray:
    """``values.isin(allowed)`` as a boolean array; missing values are never in."""
    column = arrow(values)
    value_set = arrow(allowed if isinstance(allowed, pd.Series | pd.Index) else list(allowed))
    if len(column) == 0:
        return np.zeros(0, dtype=bool)
    if len(value_set) == 0:
        return np.zeros(len(column), dtype=bool)
    if value_set.type != column.type:
        value_set = value_set.cast(column.type)
    found = pc.is_in(column, value_set=value_set, skip_nulls=True)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


def explode_list(frame: pd.DataFrame, column: str, keep: list[str]) -> pd.DataFrame:
    """One row per element of the list column ``column``, with the ``keep`` columns repeated.

    The ``row`` column gives the position of the source row in ``frame``.
    Rows whose list is empty or missing are dropped.
    """
    lists = pa.array(frame[column].to_numpy(), type=pa.list_(pa.string()), from_pandas=True)
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False)
    rows = np.repeat(np.arange(len(frame)), lengths)
    out: dict[str, object] = {"row": rows}
    for name in keep:
        out[name] = take(frame[name], rows)
    values = pc.list_flatten(lists)
    out[column] = values.to_pandas()
    return pd.DataFrame(out)


def label(ids: pd.Series, labels: Mapping[str, str], missing: str = UNKNOWN) -> pd.Series:
    """Plain labels for vocabulary ids; ids no longer in the vocabulary show as themselves."""
    encoded = pc.dictionary_encode(arrow(ids.astype("str") if ids.dtype == object else ids))
    if not isinstance(encoded, pa.DictionaryArray):
        encoded = encoded.combine_chunks()
    names = [labels.get(v, v) for v in encoded.dictionary.to_pylist()]
    decoded = pa.DictionaryArray.from_arrays(
        encoded.indices, pa.array(names, pa.string())
    ).dictionary_decode()
    return pd.Series(
        pc.fill_null(decoded, missing).to_pandas(), index=ids.index, name=ids.name, dtype="str"
    )


def joined(frame: pd.DataFrame, by: list[str], value: str, sep: str = "; ") -> pd.DataFrame:
    """Per group of ``by``, the distinct non-missing ``value`` sorted and joined with ``sep``.

    Returns the ``by`` columns and ``value``, one row per group that has a
    value. Values come from small vocabularies (roles, labels), so each
    group's set of values is kept as bits of one integer: a sort and a
    bitwise reduction instead of a Python join per group.
    """
    codes, uniques = pd.factorize(frame[value], sort=True)
    present = codes >= 0
    if len(uniques) > 62:
        return _joined_in_arrow(frame[present], by, value, sep)
    rows = frame[present]
    group = rows.groupby(by, sort=False, observed=True).ngroup().to_numpy()
    if len(group) == 0:
        return pd.DataFrame({**{k: frame[k].iloc[:0] for k in by}, value: pd.Series(dtype="str")})
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    bits = np.left_shift(np.int64(1), codes[present].astype(np.int64))[order]
    masks = np.bitwise_or.reduceat(bits, starts)
    distinct, inverse = np.unique(masks, return_inverse=True)
    names = np.asarray(uniques, dtype=object)
    texts = np.array(
        [sep.join(names[[i for i in range(len(names)) if m >> i & 1]]) for m in distinct],
        dtype=object,
    )
    first = order[starts]
    out = {k: rows[k].iloc[first].reset_index(drop=True) for k in by}
    out[value] = pd.Series(texts[inverse], dtype="str")
    return pd.DataFrame(out)


def _joined_in_arrow(frame: pd.DataFrame, by: list[str], value: str, sep: str) -> pd.DataFrame:
    """``joined`` for values from a large set: distinct, sort and join in arrow."""
    table = pa.table({**{k: arrow(frame[k]) for k in by}, value: arrow(frame[value])})
    distinct = table.group_by([*by, value]).aggregate([])
    distinct = distinct.sort_by([(k, "ascending") for k in [*by, value]])
    lists = distinct.group_by(by, use_threads=False).aggregate([(value, "list")])
    text = pc.binary_join(lists[f"{value}_list"], sep)
    return lists.drop_columns([f"{value}_list"]).append_column(value, text).to_pandas()


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
