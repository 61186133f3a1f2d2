"""cases, show, access and event ... on the command line."""

import pytest

from cocdata.store import Store
from cocdata.vocab import STATUSES
from tests.cli.running import guide_file, run_main


def test_cases_filters(run):
    run("demo", "--no-reports")
    listed = run("cases", "--event", "djangocon-2000").output
    assert "guide-example" in listed and "1 case(s)" in listed
    assert (
        "No cases matching" in run("cases", "--status", "new", "--event", "djangocon-2000").output
    )


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--status", "bogus"], 1, ["'bogus' is not a status", *STATUSES]),
        (["--event", "nosuch"], 3, ["There is no event 'nosuch'", "djangocon-2000"]),
    ],
    ids=["status", "event"],
)
def test_cases_names_an_unknown_filter_value(env, tmp_path, args, code, words):
    run_main("import", str(guide_file(tmp_path)), env=env)
    result = run_main("cases", *args, env=env)
    assert result.returncode == code, result.stderr
    assert all(w in result.stderr for w in words), result.stderr
    assert "No cases" not in result.stdout and "Traceback" not in result.stderr


def test_cases_help_lists_the_statuses(run):
    shown = " ".join(run("cases", "--help").output.replace("│", " ").split())
    assert "Only cases with this status: " + ", ".join(STATUSES) in shown


def _event_versions(store_path):
    """Every saved version of the events, straight from the files."""
    import pyarrow.parquet as pq

    return sorted(
        (row["id"], row["attendees"], str(row["saved_at"]))
        for path in (store_path / "events").glob("*.parquet")
        for row in pq.read_table(path).to_pylist()
    )


def test_event_list_and_show(run, tmp_path):
    run("import", str(guide_file(tmp_path)))
    listed = run("event", "list").output
    assert "djangocon-2000  2000-12-27 to 2000-12-30  Django* conference 2000" in listed
    assert "(no series, 300 attendees, 1 case(s))" in listed and "1 event(s)" in listed
    shown = run("event", "show", "djangocon-2000").output
    for fact in ("Dates: 2000-12-27 to 2000-12-30", "Attendees: 300", "Cases: 1"):
        assert fact in shown


def test_event_list_and_show_name_the_series_set_by_edit(run, tmp_path):
    run("import", str(guide_file(tmp_path)))
    edited = run("event", "edit", "djangocon-2000", "--series", "djangocon", "--as", "Lead Member")
    assert edited.exit_code == 0, edited.output
    assert "series (empty) → 'djangocon'" in edited.output
    assert "(series djangocon, 300 attendees, 1 case(s))" in run("event", "list").output
    assert "Series: djangocon" in run("event", "show", "djangocon-2000").output


def test_event_edit_saves_a_new_version(run, tmp_path):
    run("import", str(guide_file(tmp_path)))
    before = _event_versions(tmp_path / "store")
    result = run(
        "event",
        "edit",
        "djangocon-2000",
        "--attendees",
        "450",
        "--ends",
        "2000-12-31",
        "--location",
        "Lisbon",
        "--clear",
        "organiser",
        "--as",
        "Lead Member",
    )
    assert result.exit_code == 0, result.output
    assert "attendees 300 → 450" in result.output and "end 2000-12-30 → 2000-12-31" in result.output
    event = Store.open(tmp_path / "store", create=False).event("djangocon-2000")
    assert (event.attendees, str(event.end), event.location, event.organiser) == (
        450,
        "2000-12-31",
        "Lisbon",
        None,
    )
    after = _event_versions(tmp_path / "store")
    assert len(after) == len(before) + 1 and set(before) <= set(after)
    assert "Attendees: 450" in run("event", "show", "djangocon-2000").output
    # The same values again: nothing new is saved.
    again = run("event", "edit", "djangocon-2000", "--attendees", "450")
    assert "Nothing to change" in again.output
    assert _event_versions(tmp_path / "store") == after


def test_event_edit_sets_and_clears_the_series(run, tmp_path):
    run("import", str(guide_file(tmp_path)))
    result = run("event", "edit", "djangocon-2000", "--series", "djangocon")
    assert result.exit_code == 0, result.output
    assert "series (empty) → 'djangocon'" in result.output
    assert (
        Store.open(tmp_path / "store", create=False).event("djangocon-2000").series == "djangocon"
    )
    assert "Series: djangocon" in run("event", "show", "djangocon-2000").output
    run("event", "edit", "djangocon-2000", "--clear", "series")
    assert Store.open(tmp_path / "store", create=False).event("djangocon-2000").series is None


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["nosuch", "--attendees", "3"], 3, "There is no event 'nosuch'"),
        (["djangocon-2000", "--attendees", "-3"], 2, "attendees: must not be negative"),
        (
            ["djangocon-2000", "--ends", "2000-12-01"],
            2,
            "the event ends (2000-12-01) before it starts (2000-12-27)",
        ),
        (["djangocon-2000", "--starts", "soon"], 2, "start: 'soon' is not a date"),
        (["djangocon-2000", "--name", ""], 2, "name: must not be empty"),
        (["djangocon-2000", "--clear", "name"], 2, "name: cannot be left empty"),
        (["djangocon-2000", "--attendees", "many"], 2, "Invalid value for '--attendees'"),
        (
            ["djangocon-2000", "--series", "Django Con"],
            2,
            "series: 'Django Con' is not a usable series id; use lowercase letters, digits and -",
        ),
    ],
    ids=[
        "unknown-id",
        "negative",
        "end-before-start",
        "bad-date",
        "empty-name",
        "clear-name",
        "not-a-number",
        "series-not-a-slug",
    ],
)
def test_event_edit_mistakes_write_nothing(env, tmp_path, args, code, words):
    run_main("import", str(guide_file(tmp_path)), env=env)
    before = _event_versions(tmp_path / "store")
    result = run_main("event", "edit", *args, env=env)
    assert result.returncode == code, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert _event_versions(tmp_path / "store") == before


def test_a_corrected_attendance_reaches_the_rates(run, tmp_path):
    from cocdata.analysis import trends

    run("import", str(guide_file(tmp_path)))
    run("event", "edit", "djangocon-2000", "--attendees", "200")
    store = Store.open(tmp_path / "store", create=False)
    table = trends.reports_per_event(store.frames())
    row = table.set_index("event_id").loc["djangocon-2000"]
    assert row["attendees"] == 200 and row["per_100_attendees"] == pytest.approx(0.5)
