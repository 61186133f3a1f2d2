"""Plain-text views of cases: the case list and its filters, one case, its history."""

from __future__ import annotations

import pytest

from cocdata.errors import NotFound, UsageError
from cocdata.model import Case
from cocdata.store import Store
from cocdata.summary import (
    case_table,
    case_text,
    check_filters,
    history_text,
    subject_access_text,
)
from cocdata.vocab import STATUSES
from tests.helpers import guide_data


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store.init(tmp_path / "store")
    store.save(Case.model_validate(guide_data()), by="Response Team Member A")
    store.save(
        Case.model_validate(guide_data(case_id="quiet-otter", status="new")),
        by="Response Team Member B",
    )
    return store


def test_the_case_table_lists_every_case_with_its_columns(store):
    table = case_table(store)
    header, *rows, total = table.splitlines()
    assert header.split() == ["case", "event", "status", "received", "categories", "space", "rev"]
    assert total == "2 case(s)"
    assert {r.split()[0] for r in rows} == {"guide-example", "quiet-otter"}
    assert "2000-12-29 09:00" in table


@pytest.mark.parametrize(
    ("filters", "cases"),
    [
        ({"status": "new"}, {"quiet-otter"}),
        ({"status": "closed"}, {"guide-example"}),
        ({"event": "djangocon-2000"}, {"guide-example", "quiet-otter"}),
        ({"event": "djangocon-2000", "status": "closed"}, {"guide-example"}),
    ],
)
def test_the_case_table_filters(store, filters, cases):
    rows = case_table(store, **filters).splitlines()[1:-1]
    assert {r.split()[0] for r in rows} == cases


def test_a_filter_that_matches_nothing_says_so(store):
    assert case_table(store, status="investigating").startswith("No cases matching those filters")


def test_an_empty_store_says_it_has_no_cases(tmp_path):
    assert case_table(Store.init(tmp_path / "empty")) == f"No cases in {tmp_path / 'empty'}."


@pytest.mark.parametrize(
    ("filters", "error", "words"),
    [
        ({"status": "bogus"}, UsageError, ["'bogus' is not a status", *STATUSES]),
        ({"status": "Closed"}, UsageError, ["'Closed' is not a status"]),
        ({"event": "nosuch"}, NotFound, ["There is no event 'nosuch'", "djangocon-2000"]),
    ],
)
def test_an_unknown_filter_value_is_named_with_the_valid_ones(store, filters, error, words):
    with pytest.raises(error) as caught:
        check_filters(store, **filters)
    assert all(w in str(caught.value) for w in words)
    with pytest.raises(error):
        case_table(store, **filters)


def test_one_case_reads_under_the_guides_headings(store):
    text = case_text(store.get("guide-example"), store.vocab, retention="expunged in 2002")
    for fact in (
        "Case guide-example — Django* conference 2000 (djangocon-2000)",
        "Status: closed; revision 1, saved by Response Team Member A",
        "Verbal, in person report made by Person A",
        "What happened:",
        "Reported person: Person B",
        "Timeline:",
        "Actions taken:",
        "Retention: expunged in 2002",
    ):
        assert fact in text


def test_the_history_lists_each_revision(store):
    text = history_text(store.history("quiet-otter"))
    assert text.splitlines()[1] == "History:"
    assert "rev 1" in text and "Response Team Member B: created" in text


def test_the_subject_access_summary_in_words():
    summary = {
        "cases": 2,
        "revisions": 5,
        "evidence_naming_them": 1,
        "other_cases_mentioning_them": 0,
        "access_log_entries": 3,
    }
    text = subject_access_text("quiet-otter", summary, " to out.json")
    assert text.startswith("Exported everything held about quiet-otter to out.json: 2 case(s)")
    assert "review it before sending" in text
