"""The per-case internal report: the guide's facts in the right sections, redaction, rendering.

Fast tests build the sections in this process from the guide's example;
slow ones render the template through the engine to HTML, Markdown and
PDF; the browser test opens a report of a hostile record in Chromium.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest

from cocdata.errors import NotFound, ReportFailed
from cocdata.examples import GUIDE_CASE_ID, guide_example
from cocdata.reports import case as report
from cocdata.reports.notebooks import CASE_REPORT, template_path
from cocdata.reports.present import Block
from cocdata.store import Store
from tests.helpers import guide_data
from tests.reports.conftest import PAYLOAD
from tests.reports.test_rendered_pages import open_offline, pdf_text

SECTIONS = [
    "Report",
    "When",
    "Where",
    "What happened",
    "Actions taken",
    "People and roles",
    "Timeline",
    "Decisions and forwarding",
    "Evidence",
    "Revision history",
]

# Every fact of the guide's example report, by the section it belongs in.
GUIDE_FACTS = {
    "Report": [
        "Verbal",
        "Person A",
        "Response Team Member A",
        "29 December 2000, 09:00",
        "conference venue",
    ],
    "When": ["28 December 2000, 22:30"],
    "Where": ["Conference party", "Django* conference 2000"],
    "What happened": [
        "Target (the person harmed or made uncomfortable): Person A",
        "later identified as Person B",
        '"Here is a quote"',
        "quietly asked them to tone it down",
        "didn't really stop them",
    ],
    "Actions taken": [
        "Conversation",
        "a common understanding between Response Team and Person B was achieved",
    ],
    "People and roles": ["Reporter", "Reported person", "Person B"],
    "Timeline": [
        "decided to talk to this person the next day",
        "Meeting",
        "With: Person B",
        "Reaction: Apologised",
        "The whole meeting lasted about 10 minutes",
        "decided not to take any further action and consider the case closed",
    ],
    "Decisions and forwarding": [
        "Django Software Foundation Code of Conduct",
        "Transparency report: included",
    ],
    "Revision history": ["created", "team-member-a"],
}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.init(tmp_path / "store")
    opened.save(guide_example(), by="team-member-a")
    return opened


def section_texts(view: report.CaseView) -> dict[str, str]:
    """The plain text of the report, cut at its second-level headings."""
    blocks: list[Block] = []
    for make in (
        report.banner,
        report.guide_sections,
        report.people,
        report.timeline,
        report.decisions,
        report.evidence,
        report.history,
    ):
        blocks += make(view)
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for block in blocks:
        if block.markdown.startswith("## "):
            current = block.plain
            sections[current] = []
        else:
            sections[current].append(block.plain)
    return {k: "\n".join(v) for k, v in sections.items()}


def test_sections_come_in_the_guides_order(store: Store) -> None:
    texts = section_texts(report.load(store.root, GUIDE_CASE_ID))
    assert [k for k in texts if k] == SECTIONS


@pytest.mark.parametrize(("section", "facts"), GUIDE_FACTS.items(), ids=list(GUIDE_FACTS))
def test_every_fact_of_the_guide_example_is_in_its_section(
    store: Store, section: str, facts: list[str]
) -> None:
    text = section_texts(report.load(store.root, GUIDE_CASE_ID))[section]
    for fact in facts:
        assert fact in text, f"{fact!r} missing from {section}"


def test_banner_says_confidential_with_code_name_time_and_revision(store: Store) -> None:
    view = report.load(store.root, GUIDE_CASE_ID)
    banner = "\n".join(b.plain for b in report.banner(view))
    assert "CONFIDENTIAL" in banner
    assert GUIDE_CASE_ID in banner
    assert report.when(view.generated_at) in banner
    assert "Case revision: 1, saved by team-member-a" in banner
    assert f"Store state: {store.fingerprint()}" in banner


def test_anonymous_report_and_unknown_time_read_plainly(store: Store) -> None:
    from cocdata.model import Case

    data = guide_data(report__made_by=None, occurred__at=None, occurred__precision="unknown")
    data["case_id"] = "quiet-heron"
    store.save(Case.model_validate(data), by="team-member-a")
    texts = section_texts(report.load(store.root, "quiet-heron"))
    assert "an anonymous reporter" in texts["Report"]
    assert texts["When"] == "unknown"


def test_a_case_without_actions_timeline_or_evidence_says_so(store: Store) -> None:
    from cocdata.model import Case

    data = guide_data(timeline=[], actions=[], evidence=[], status="new", people=[])
    data["case_id"] = "fresh-otter"
    store.save(Case.model_validate(data), by="team-member-a")
    texts = section_texts(report.load(store.root, "fresh-otter"))
    assert texts["Actions taken"].endswith("No action recorded yet.")
    assert texts["Timeline"] == "Nothing recorded yet."
    assert texts["Evidence"] == "No evidence kept."
    assert texts["People and roles"] == "No one recorded yet."


@pytest.fixture
def rich_store(store: Store) -> Store:
    """The guide's case with a contact, an evidence file and an e-mail entry."""
    from cocdata.model import Case, TimelineEntry

    current = store.get(GUIDE_CASE_ID)
    item = store.put_blob(
        b"copied e-mail", "email-from-person-b.eml", "message/rfc822", "the reply"
    )
    people = [
        p.model_copy(update={"contact": "person.b@example.org"}) if p.name == "Person B" else p
        for p in current.case.people
    ]
    entry = TimelineEntry(
        at="2000-12-30T12:00",
        by=["Response Team Member A"],
        kind="email-sent",
        with_=["Person B"],
        text="Wrote to Person B to confirm what was agreed.",
        why="So that Person B has it in writing.",
        evidence=[item.sha256],
    )
    edited: Case = current.case.model_copy(
        update={
            "people": people,
            "evidence": [item],
            "timeline": [*current.case.timeline, entry],
        }
    )
    store.save(edited, by="team-member-b", base_rev=current.rev)
    return store


# part redacted -> (text that must be gone, text that must still be there)
REDACTION_CASES = {
    "names": ("Person B", "Reported person"),
    "contacts": ("person.b@example.org", "Reported person"),
    "description": ("Here is a quote", "What happened"),
    "timeline": ("The whole meeting lasted", "Meeting"),
    "evidence": ("email-from-person-b.eml", "SHA-256"),
    "history": ("team-member-b", "Revision history"),
}


@pytest.mark.parametrize(("part", "case"), REDACTION_CASES.items(), ids=list(REDACTION_CASES))
def test_redaction_leaves_out_its_part_and_says_so(
    rich_store: Store, part: str, case: tuple[str, str]
) -> None:
    gone, kept = case
    full = "\n".join(section_texts(report.load(rich_store.root, GUIDE_CASE_ID)).values())
    assert gone in full
    view = report.load(rich_store.root, GUIDE_CASE_ID, [part])
    redacted = "\n".join([*section_texts(view).values(), "\n".join(section_texts(view))])
    assert gone not in redacted
    assert kept in redacted
    assert "Left out of this copy" in redacted


def test_names_redaction_uses_person_code_names_in_free_text(rich_store: Store) -> None:
    view = report.load(rich_store.root, GUIDE_CASE_ID, ["names"])
    code_b = next(p.person for p in view.case.people if p.name == "Person B")
    texts = section_texts(view)
    assert f"later identified as {code_b}" in texts["What happened"]
    assert f"With: {code_b}" in texts["Timeline"]
    assert "Person A" not in "\n".join(texts.values())


def test_names_redaction_finds_names_typed_with_other_case_and_spacing(store: Store) -> None:
    from cocdata.model import TimelineEntry

    current = store.get(GUIDE_CASE_ID)
    entry = TimelineEntry(
        at="2000-12-30T12:00",
        by=["Response Team Member A"],
        kind="email-sent",
        with_=["PERSON  B"],
        text="Wrote to person\nb and to PERSON   A.",
    )
    edited = current.case.model_copy(update={"timeline": [*current.case.timeline, entry]})
    store.save(edited, by="team-member-b", base_rev=current.rev)
    view = report.load(store.root, GUIDE_CASE_ID, ["names"])
    code_b = next(p.person for p in view.case.people if p.name == "Person B")
    timeline = section_texts(view)["Timeline"]
    with_b = sum("Person B" in e.with_ for e in current.case.timeline)
    assert timeline.count(f"With: {code_b}") == with_b + 1
    assert f"Wrote to {code_b} and to" in timeline
    assert re.search(r"person\s+[ab]\b", timeline, re.IGNORECASE) is None


def test_unknown_redaction_is_refused_with_the_choices(store: Store) -> None:
    with pytest.raises(ReportFailed, match="Choose from: names, contacts"):
        report.load(store.root, GUIDE_CASE_ID, ["addresses"])


def test_unknown_case_is_refused_before_any_kernel_starts(store: Store) -> None:
    with pytest.raises(NotFound, match="'no-such-case'"):
        report.case_jobs(store, [GUIDE_CASE_ID, "no-such-case"])


def test_jobs_carry_ids_only_and_write_privately(store: Store, tmp_path: Path) -> None:
    (job,) = report.case_jobs(store, [GUIDE_CASE_ID], ("html", "pdf"), tmp_path / "out")
    assert job.parameters == {"store": str(store.root), "case_id": GUIDE_CASE_ID, "redact": []}
    assert job.private
    assert job.out == tmp_path / "out" / GUIDE_CASE_ID
    assert job.formats == ("html", "pdf")


def test_template_is_thin_and_clean() -> None:
    nb = json.loads(template_path(CASE_REPORT).read_text())
    params = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    source = "".join(params[0]["source"])
    assert "store = None" in source and "case_id =" in source and "redact = []" in source
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
            assert len("".join(cell["source"]).splitlines()) <= 4


@pytest.fixture(scope="module")
def rendered_guide(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("case-report")
    opened = Store.init(base / "store")
    opened.save(guide_example(), by="team-member-a")
    (result,) = report.render_case_reports(
        opened, [GUIDE_CASE_ID], ("html", "md", "pdf"), base / "out", progress=False
    )
    assert result.ok, result
    return result


def _between_headings(html: str) -> dict[str, str]:
    parts = re.split(r"<h2[^>]*>(.*?)</h2>", html)
    return {re.sub("<[^>]+>", "", parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


@pytest.mark.slow
def test_rendered_html_has_every_section_with_its_facts(rendered_guide) -> None:
    html = rendered_guide.job.path("html").read_text()
    sections = _between_headings(html.replace("&quot;", '"').replace("&#x27;", "'"))
    assert list(sections) == SECTIONS
    for section, facts in GUIDE_FACTS.items():
        plain = re.sub(r"<[^>]+>", " ", sections[section].replace("</dt>", ":</dt>"))
        plain = " ".join(plain.split())
        for fact in facts:
            assert fact in plain, f"{fact!r} missing from {section}"
    assert "CONFIDENTIAL" in html.split("<h2", 1)[0]
    assert 'class="plotly-graph-div"' in sections["Timeline"]


@pytest.mark.slow
def test_rendered_files_are_readable_by_their_owner_only(rendered_guide) -> None:
    for path in rendered_guide.written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(rendered_guide.job.out.parent.stat().st_mode) == 0o700


@pytest.mark.slow
def test_markdown_has_every_section(rendered_guide) -> None:
    md = rendered_guide.job.path("md").read_text()
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == SECTIONS
    assert "CONFIDENTIAL" in md


@pytest.mark.slow
def test_pdf_holds_every_section_and_the_drawn_timeline(rendered_guide) -> None:
    path = rendered_guide.job.path("pdf")
    assert path.read_bytes().startswith(b"%PDF")
    text = " ".join(pdf_text(path).split())
    for heading in SECTIONS:
        assert heading in text
    assert "CONFIDENTIAL" in text
    # Lane labels of the timeline chart are drawn by plotly.js in the page.
    assert "Report received" in text and "Incident" in text


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory):
    from cocdata.model import Case

    base = tmp_path_factory.mktemp("hostile-case")
    opened = Store.init(base / "store")
    item = opened.put_blob(b"x", PAYLOAD, "text/plain", PAYLOAD)
    data = guide_data(
        description=PAYLOAD,
        report__made_where=PAYLOAD,
        occurred__where=PAYLOAD,
        people__1__name=PAYLOAD,
        timeline__1__text=PAYLOAD,
        timeline__1__why=PAYLOAD,
        actions__0__text=PAYLOAD,
        decisions__organisers_must=PAYLOAD,
        transparency__summary=PAYLOAD,
    )
    data["evidence"] = [item.model_dump(mode="json")]
    opened.save(Case.model_validate(data), by="team-member-a")
    (result,) = report.render_case_reports(
        opened, [GUIDE_CASE_ID], ("html", "md"), base / "out", progress=False
    )
    assert result.ok, result
    return result


@pytest.mark.slow
@pytest.mark.browser
def test_hostile_record_text_in_a_case_report_is_shown_not_run(hostile_report, page) -> None:
    tried = open_offline(page, hostile_report.job.path("html"))
    page.wait_for_selector(".plot-container .main-svg", timeout=15_000)
    assert page.evaluate("window.__pwned") is None
    assert [e for e in page.events if e[0] in ("dialog", "pageerror")] == []
    main = page.inner_text("main")
    assert main.count("<script>window.__pwned=1</script>") >= 9
    assert page.locator("main img, main iframe, main a[href^='javascript']").count() == 0
    assert tried == []


@pytest.mark.slow
def test_hostile_record_text_in_case_markdown_is_escaped(hostile_report) -> None:
    md = hostile_report.job.path("md").read_text()
    assert "<script" not in md and "<img" not in md
    assert md.count("&lt;script&gt;") >= 9
