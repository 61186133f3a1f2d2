"""Typed times: what the forms accept, how precise it is, and the messages for the rest."""

from __future__ import annotations

import datetime as dt

import pytest

from cocdata.forms.times import describe_saved_at, format_when, parse_when

NOW = dt.datetime(2000, 12, 29, 9, 41, 27)


@pytest.mark.parametrize(
    ("typed", "expected", "precision"),
    [
        ("2000-12-29 09:00", dt.datetime(2000, 12, 29, 9, 0), "minute"),
        ("2000-12-29T09:00", dt.datetime(2000, 12, 29, 9, 0), "minute"),
        ("  2000-12-29   9:05 ", dt.datetime(2000, 12, 29, 9, 5), "minute"),
        ("2000-12-28 22.30", dt.datetime(2000, 12, 28, 22, 30), "minute"),
        ("2000-12-28 22:30:15", dt.datetime(2000, 12, 28, 22, 30, 15), "minute"),
        ("2000-12-28", dt.datetime(2000, 12, 28), "day"),
        ("2000-12", dt.datetime(2000, 12, 1), "month"),
        ("yesterday 22:30", dt.datetime(2000, 12, 28, 22, 30), "minute"),
        ("Yesterday at 22:30", dt.datetime(2000, 12, 28, 22, 30), "minute"),
        ("yesterday", dt.datetime(2000, 12, 28), "day"),
        ("today", dt.datetime(2000, 12, 29), "day"),
        ("22:30", dt.datetime(2000, 12, 29, 22, 30), "minute"),
        ("now", dt.datetime(2000, 12, 29, 9, 41), "minute"),
        ("", None, "unknown"),
        ("unknown", None, "unknown"),
        ("?", None, "unknown"),
    ],
)
def test_typed_times(typed: str, expected: dt.datetime | None, precision: str) -> None:
    assert parse_when(typed, NOW) == (expected, precision)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2000-13-45", "is not a real date or time"),
        ("2000-02-30 10:00", "is not a real date or time"),
        ("2000-12-29 25:00", "is not a real date or time"),
        ("next week", "is not a date and time this form understands"),
        ("29/12/2000", "is not a date and time this form understands"),
    ],
)
def test_bad_times_say_how_to_write_them(typed: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_when(typed, NOW)
    assert message in str(error.value)
    assert "write it like 2000-12-29 09:00" in str(error.value)


@pytest.mark.parametrize(
    ("value", "precision", "shown"),
    [
        (dt.datetime(2000, 12, 28, 22, 30), "minute", "2000-12-28 22:30"),
        (dt.datetime(2000, 12, 28, 22, 30, 5), "minute", "2000-12-28 22:30:05"),
        (dt.datetime(2000, 12, 28, 22, 0), "hour", "2000-12-28 22:00"),
        (dt.datetime(2000, 12, 28), "day", "2000-12-28"),
        (dt.datetime(2000, 12, 1), "month", "2000-12"),
        (None, "unknown", ""),
    ],
)
def test_times_shown_as_they_are_typed(value, precision: str, shown: str) -> None:
    assert format_when(value, precision) == shown
    if value is not None:
        again, _ = parse_when(shown, NOW)
        assert again == value


@pytest.mark.parametrize(
    ("saved", "shown"),
    [
        ("2000-12-29T22:41:00", "22:41"),
        ("2000-12-28T22:41:00", "28 Dec 22:41"),
        ("1999-12-28T22:41:00", "28 Dec 1999 22:41"),
    ],
)
def test_draft_age(saved: str, shown: str) -> None:
    assert describe_saved_at(saved, dt.datetime(2000, 12, 29, 23, 0)) == shown
