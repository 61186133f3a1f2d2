"""The guide's example end to end on the command line: forwarded, received, a repeat found."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cocdata.cli import app
from cocdata.examples import GUIDE_CASE_ID, guide_example
from cocdata.handoff.package import PackageError
from cocdata.reports.engine import RenderResult
from cocdata.store import Store
from tests.handoff.conftest import DSF, team_case


@pytest.fixture
def fake_render(monkeypatch):
    """The engine replaced by a writer of one small file per job (no kernel)."""

    def render(jobs, workers=None, progress=True):
        results = []
        for job in jobs:
            job.out.parent.mkdir(parents=True, exist_ok=True)
            for fmt in job.formats:
                job.path(fmt).write_text("report")
            results.append(
                RenderResult(job=job, ok=True, written=[job.path(f) for f in job.formats])
            )
        return results

    monkeypatch.setattr("cocdata.reports.engine.render", render)


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COCDATA_MEMBER", "Test Member")
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    return invoke


def _package(folder):
    (found,) = folder.rglob("*.cocpkg.json")
    return found


def test_the_guides_example_is_forwarded_received_and_seen_as_a_repeat(run, tmp_path, fake_render):
    event_team = Store.init(tmp_path / "event-team")
    event_team.save(guide_example(), by="Response Team Member A")
    other_team = Store.init(tmp_path / "other-team")
    later = team_case(
        "rusty-gate",
        "Django* meetup Oslo",
        [{"name": "Person C", "role": "reporter"}, {"name": "person  b", "role": "reported"}],
        event__id="django-oslo-2001",
        event__name="Django meetup Oslo 2001",
        event__start="2001-03-01",
        event__end="2001-03-01",
        report__made_at="2001-03-01T21:00",
        occurred__at="2001-03-01T20:00",
        timeline=[],
        actions=[],
    )
    other_team.save(later, by="Oslo member")
    Store.init(tmp_path / "dsf")

    assert "Wrote the linkage key" in run("link", "new-key", "--out", "dsf.key")
    said = run(
        "forward", GUIDE_CASE_ID, "--to", DSF, "--package", "--link-key", "dsf.key",
        "--format", "md", "--out", "out-a", "--store", "event-team",
    )  # fmt: skip
    assert "case package" in said and "keyed pseudonyms" in said
    run(
        "forward", "rusty-gate", "--to", DSF, "--package", "--link-key", "dsf.key",
        "--format", "md", "--out", "out-b", "--store", "other-team",
    )  # fmt: skip
    got = run(
        "receive", _package(tmp_path / "out-a"), "--body", DSF, "--link-key", "dsf.key",
        "--store", "dsf", "--receipt-out", "receipt.json",
    )  # fmt: skip
    assert "imported" in got and "receipt.json" in got
    run("receive", _package(tmp_path / "out-b"), "--body", DSF, "--link-key", "dsf.key",
        "--store", "dsf")  # fmt: skip

    dsf = Store.open(tmp_path / "dsf")
    frames = dsf.frames()
    people = frames.people[frames.people["role"] == "reported"]
    assert people["person"].nunique() == 1  # Person B, from both teams
    code = people["person"].iloc[0]
    listed = run("cases", "--person", code, "--store", "dsf")
    assert "2 case(s)" in listed and "djangocon-2000" in listed and "django-oslo-2001" in listed

    # The finding and the event team's actions arrived intact.
    (guide,) = [s for s in dsf.load_all() if s.case.event.id == "djangocon-2000"]
    assert guide.case.status == "closed"
    assert guide.case.categories == ["inappropriate-language"]
    assert guide.case.decisions.reported_to == [DSF]
    assert [a.kind for a in guide.case.actions] == ["conversation"]
    assert guide.case.actions[0].by[0] == "Django* conference organisers: Response Team Member A"
    assert [t.reaction for t in guide.case.timeline][:3] == [None, "apologised", None]

    # The receipt goes back to the event team and lands on the case's timeline, once.
    said = run("forward", "--receipt", "receipt.json", "--store", "event-team")
    assert "Recorded on case guide-example" in said
    said = run("forward", "--receipt", "receipt.json", "--store", "event-team")
    assert "recorded before" in said
    timeline = Store.open(tmp_path / "event-team").get(GUIDE_CASE_ID).case.timeline
    assert sum(t.text.startswith(f"Receipt from {DSF}") for t in timeline if t.text) == 1


def test_a_tampered_package_is_refused_on_the_command_line(run, tmp_path, fake_render):
    Store.init(tmp_path / "event-team").save(guide_example(), by="m")
    Store.init(tmp_path / "dsf")
    run("forward", GUIDE_CASE_ID, "--to", DSF, "--package", "--format", "md", "--out", "out",
        "--store", "event-team")  # fmt: skip
    path = _package(tmp_path / "out")
    path.write_text(path.read_text().replace('"closed"', '"new"'))
    with pytest.raises(PackageError, match="changed after it was made"):
        CliRunner().invoke(
            app,
            ["receive", str(path), "--body", DSF, "--store", "dsf"],
            catch_exceptions=False,
        )
    assert Store.open(tmp_path / "dsf").case_ids() == []


def test_the_package_schema_is_printed(run):
    schema = json.loads(run("schema", "--package"))
    assert schema["title"].startswith("cocdata case package")
    assert {"format", "version", "sha256", "content"} <= set(schema["properties"])


def test_a_person_entered_at_the_foundation_is_linked_on_the_command_line(
    run, tmp_path, fake_render
):
    Store.init(tmp_path / "event-team").save(guide_example(), by="Response Team Member A")
    dsf = Store.init(tmp_path / "dsf")
    run("link", "new-key", "--out", "dsf.key")
    run("forward", GUIDE_CASE_ID, "--to", DSF, "--package", "--link-key", "dsf.key",
        "--format", "md", "--out", "out", "--store", "event-team")  # fmt: skip
    run("receive", _package(tmp_path / "out"), "--body", DSF, "--store", "dsf")
    own = team_case(
        "dsf-own",
        "DSF",
        [{"name": "Person Q", "role": "reporter"}, {"name": "PERSON B", "role": "reported"}],
        event__id="dsf-2001",
    )
    dsf.save(own, by="DSF member")
    said = run("link", "people", "--link-key", "dsf.key", "--store", "dsf")
    assert "1 person code(s) linked" in said and "dsf-own" in said
    people = Store.open(tmp_path / "dsf").frames().people
    assert people[people["role"] == "reported"]["person"].nunique() == 1
    assert "1 person code(s)" not in run(
        "link", "people", "--link-key", "dsf.key", "--store", "dsf"
    )
