"""The leak guard: what it finds, in which form, and what it must not mistake for a name."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from cocdata import codenames
from cocdata.errors import LeakFound
from cocdata.reports import transparency as report
from cocdata.reports.leaks import (
    CASE_CODE,
    CONTACT,
    NAME,
    PART,
    PERSON_CODE,
    TEAM,
    TIME,
    LeakGuard,
    Source,
    find_times,
    fold,
    words,
)
from cocdata.reports.present import escape_html, escape_markdown, text
from cocdata.reports.publish import leak_guard, own_words
from cocdata.reports.wording import own_text
from cocdata.store import Store
from tests.reports.test_transparency import (
    EVENT,
    SECRET_CONTACT,
    SECRET_NAME,
    build_fixture_store,
    fixture_case,
)

EVENT_ID = "ev-1"


def guard_with(*needles: tuple[str, str], times: list[dt.datetime] = ()) -> LeakGuard:
    """A guard holding these (kind, value) needles, all from case 'amber-falcon', and times."""
    guard = LeakGuard(allowed=own_text())
    for i, (kind, value) in enumerate(needles, start=1):
        guard.add(kind, value, Source("amber-falcon", f"people.{i}.name"))
    for at in times:
        guard.add_time(EVENT_ID, at, Source("amber-falcon", "report.made_at"))
    return guard


def page(*lines: str) -> dict[str, str]:
    """A report as the guard sees it: each line as escaped HTML and Markdown."""
    return {
        "html": "\n".join(text(line).html for line in lines),
        "md": "\n\n".join(text(line).markdown for line in lines),
    }


def kinds(guard: LeakGuard, texts: dict[str, str]) -> list[str]:
    return [f.kind for f in guard.findings(EVENT_ID, texts)]


# -- names, contacts, code names: case and accents ------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "José Núñez",
        "JOSÉ NÚÑEZ",
        "jose nunez",
        "Jose  Nunez",
        "José\u00a0Núñez",
        "Jose\u0301 Nun\u0303ez",  # combining accents
        "ＪＯＳＥ ＮＵＮＥＺ",  # full-width letters
        "José-Núñez",
        "josé_núñez",
    ],
)
def test_a_name_is_found_whatever_its_case_and_accents(written: str) -> None:
    guard = guard_with((NAME, "José Núñez"))
    assert kinds(guard, page(f"Reported by {written} at the party.")) == [NAME]


@pytest.mark.parametrize(
    "written",
    [
        "Jo.Smith@Example.ORG",
        "jo.smith&#64;example.org",  # an HTML entity
        "jo.smith\\u0040example.org",  # a JSON escape, as in chart data
        "jo.smith @ example.org",
    ],
)
def test_an_email_is_found_in_its_escaped_forms(written: str) -> None:
    guard = guard_with((CONTACT, "jo.smith@example.org"))
    found = guard.findings(EVENT_ID, {"html": f"<p>write to {written}</p>"})
    assert [f.kind for f in found] == [CONTACT]


def test_markdown_escapes_do_not_hide_a_contact() -> None:
    guard = guard_with((CONTACT, "jo_smith@example.org"))
    md = escape_markdown("mail jo_smith@example.org now")
    assert "\\_" in md
    assert kinds(guard, {"md": md}) == [CONTACT]


@pytest.mark.parametrize(
    ("needle", "written"),
    [
        ((CONTACT, "@jsmith83"), "thanks JSmith83 for the help"),
        ((CONTACT, "+44 20 7946 0958"), "call 442079460958"),
        ((CONTACT, "+44 20 7946 0958"), "call +44-20-7946-0958"),
        ((CASE_CODE, "amber-falcon"), "see Amber Falcon"),
        ((PERSON_CODE, "quiet-heron"), "quiet_heron again"),
        ((NAME, "Jo Smith"), "Smith apologised"),  # a part of a name on its own
        ((NAME, "Dr. Ana Kowalczyk"), "ana kowalczyk was there"),  # without the title
    ],
)
def test_handles_phones_code_names_and_parts_are_found(needle, written) -> None:
    assert kinds(guard_with(needle), page(written))


@pytest.mark.parametrize(
    ("needle", "written"),
    [
        # Whole words only.
        ((NAME, "Ann Lee"), "annual leave was granted"),
        # One-word parts that are ordinary words are never names on their own.
        ((NAME, "Will Hall"), "we will meet in the hall"),
        ((NAME, "Grace Young"), "young people showed grace"),
        # The guide's own "Person A": not across a full stop, a line or table cells.
        ((NAME, "Person A"), "counted once per person. A case may..."),
        ((NAME, "Person A"), "person\nA case"),
        ((NAME, "Will Hall"), "<td>Will</td><td>Hall</td>"),
        # Too short on its own.
        ((NAME, "Li Wu"), "Wu-style tea"),
        # A title alone is not a name.
        ((NAME, "Dr Ana Kowalczyk"), "Dr. Who was shown"),
        # Words of the report itself.
        ((NAME, "Member Response"), "the response team member spoke to them"),
    ],
)
def test_ordinary_words_and_the_reports_own_text_are_not_names(needle, written) -> None:
    guard = guard_with(needle)
    texts = {"html": f"<main><p>{written}</p></main>", "md": escape_markdown(written)}
    assert guard.findings(EVENT_ID, texts) == []


def test_a_full_name_is_one_finding_not_one_per_part() -> None:
    guard = guard_with((NAME, "Jo Smith"))
    (found,) = guard.findings(EVENT_ID, page("Jo Smith apologised."))
    assert found.kind == NAME and found.formats == ("html", "md")
    assert found.where == "the report's text"


def test_a_name_that_is_the_reports_own_text_is_left_unchecked() -> None:
    guard = LeakGuard(allowed=["Harbour Hall Conference"])
    guard.add(NAME, "Harbour Hall", Source("amber-falcon", "people.1.name"))
    assert guard.findings(EVENT_ID, page("Harbour Hall Conference 2024")) == []
    assert guard.unchecked >= 1


# -- exact times ---------------------------------------------------------------------

INCIDENT = dt.datetime(2000, 12, 28, 22, 30)
EPOCH_MS = int((INCIDENT - dt.datetime(1970, 1, 1)).total_seconds() * 1000)


@pytest.mark.parametrize(
    "written",
    [
        "2000-12-28T22:30",
        "2000-12-28 22:30:00",
        "28 December 2000, 22:30",
        "28th of December 2000 at 10.30pm",
        "Dec 28, 2000 10:30 pm",
        "December 28 2000, 10:30 p.m.",
        "28/12/2000 22.30",
        "12/28/2000 22:30",
        "10.30pm on 28 December 2000",
        str(EPOCH_MS),
        str(EPOCH_MS // 1000),
    ],
)
def test_an_exact_time_of_the_events_cases_is_found(written: str) -> None:
    guard = guard_with(times=[INCIDENT])
    assert kinds(guard, page(f"It happened {written}.")) == [TIME]


@pytest.mark.parametrize(
    "written",
    [
        "28 December 2000",  # a date alone: the event's dates are public
        "at 22:30",  # a time alone
        "2000-12-28 22:31",  # another minute
        "28 December 2000, 9",  # a bare number is no time of day
        "27–30 December 2000",
    ],
)
def test_dates_alone_and_other_times_are_not_findings(written: str) -> None:
    guard = guard_with(times=[INCIDENT])
    assert guard.findings(EVENT_ID, page(written)) == []


def test_times_are_checked_against_the_reports_own_event_only() -> None:
    guard = guard_with(times=[INCIDENT])
    assert guard.findings("another-event", page("2000-12-28 22:30")) == []


def test_find_times_reads_the_guides_own_wording() -> None:
    assert (2000, 12, 29, 9, 0) in find_times(fold("on 29th December 2000, 9am in the venue"))


# -- findings and the block ----------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return build_fixture_store(tmp_path_factory.mktemp("leaks") / "store")


@pytest.fixture(scope="module")
def guard(store: Store) -> LeakGuard:
    return leak_guard(store)


def _rendered(view: report.PublicView) -> dict[str, str]:
    blocks = [
        b
        for make in (
            report.header,
            report.numbers,
            report.behaviour,
            report.actions,
            report.described,
        )
        for b in make(view)
    ]
    return {
        "html": "\n".join(b.html for b in blocks),
        "md": "\n\n".join(b.markdown for b in blocks),
    }


def test_the_fixture_report_is_clean(store: Store, guard: LeakGuard) -> None:
    view = report.load(store.root, EVENT["id"])
    assert guard.findings(EVENT["id"], _rendered(view)) == []


def test_a_planted_name_in_a_public_summary_blocks_and_names_the_case(
    tmp_path: Path,
) -> None:
    store = build_fixture_store(tmp_path / "store")
    stored = store.get("case-two")
    leaked = stored.case.transparency.model_copy(
        update={"summary": f"An attendee spoke to {SECRET_NAME.upper()} about it."}
    )
    store.save(
        stored.case.model_copy(update={"transparency": leaked}), by="Team", base_rev=stored.rev
    )
    view = report.load(store.root, EVENT["id"])
    summaries = {"case-two": leaked.summary}
    with pytest.raises(LeakFound) as caught:
        leak_guard(store).check(EVENT["id"], "Report", _rendered(view), summaries)
    message = str(caught.value)
    assert "the public summary of case case-two" in message
    assert "people.1.name of case case-" in message
    assert "--accept" in message
    # The terminal is told where, never what.
    assert SECRET_NAME.lower() not in message.lower()


def test_a_planted_email_in_a_chart_label_is_caught(guard: LeakGuard) -> None:
    from cocdata.reports.disclosure import show

    chart = report.bar_chart([(f"Reports sent to {SECRET_CONTACT}", show(4, 1))], "Reports")
    found = guard.findings(EVENT["id"], {"html": chart.html, "md": chart.markdown})
    assert [(f.kind, f.where) for f in found] == [(CONTACT, "a chart's data")]
    assert found[0].sources[0].field == "people.1.contact"


def test_team_members_and_case_code_names_are_needles(guard: LeakGuard) -> None:
    texts = page("Handled by Response Team Member A in case case-seven.")
    found = guard.findings(EVENT["id"], texts)
    assert {f.kind for f in found} == {CASE_CODE, TEAM}
    fields = {s.field for f in found for s in f.sources}
    assert {"the case code name", "report.received_by", "who saved a revision"} <= fields


def test_an_exact_time_of_a_case_is_caught_in_the_page(guard: LeakGuard) -> None:
    (found,) = guard.findings(EVENT["id"], page("Received 2 May 2024, 10:00."))
    assert found.kind == TIME
    assert {s.field for s in found.sources} == {"report.made_at"}
    assert "2024" not in str(found) and "10:00" not in str(found)


def test_accepting_a_finding_lets_it_through_and_returns_it() -> None:
    guard = guard_with((NAME, "Jo Smith"), (CONTACT, "jo@example.org"))
    texts = page("Jo Smith apologised.", "Write to jo@example.org.")
    ids = [f.id for f in guard.findings(EVENT_ID, texts)]
    assert len(set(ids)) == 2
    with pytest.raises(LeakFound, match=r"1 thing\(s\)"):
        guard.check(EVENT_ID, "Report", texts, accept=ids[:1])
    accepted = guard.check(EVENT_ID, "Report", texts, accept=ids)
    assert sorted(f.id for f in accepted) == sorted(ids)
    # The same finding keeps its id from run to run.
    again = guard_with((NAME, "Jo Smith"), (CONTACT, "jo@example.org"))
    assert [f.id for f in again.findings(EVENT_ID, texts)] == ids


def test_partial_words_in_the_page_source_are_not_findings() -> None:
    guard = guard_with((NAME, "Jo Smith"))
    source = '<div class="jo-smithsonian" data-x="1">nothing</div>'
    assert guard.findings(EVENT_ID, {"html": source}) == []


def test_no_code_name_is_made_of_words_the_report_writes(store: Store) -> None:
    """A code name written in the report's own sentences could never be checked."""
    adjectives, nouns = (set(ws) for ws in codenames.words())
    for sentence in own_words(store):
        found = words(sentence)
        for a, b in itertools.pairwise(found):
            assert not (a in adjectives and b in nouns), (a, b, sentence)


def test_escaped_html_still_reads_as_it_shows() -> None:
    guard = guard_with((NAME, "Zoë O'Brien"))
    html = f"<p>{escape_html(chr(90) + 'oë O’Brien')}</p>"
    assert kinds(guard, {"html": html}) == [NAME]


def test_the_fixture_case_parts_are_findings_of_their_own(guard: LeakGuard) -> None:
    found = guard.findings(EVENT["id"], page("Quargh was warned."))
    assert {f.kind for f in found} == {PART}


def test_fixture_cases_are_valid() -> None:
    assert fixture_case("case-one").case_id == "case-one"


# -- disguises: what a pasted text brings along ---------------------------------------

STORED_NAME = "Zéphyrine Quillfeather"
STORED_EMAIL = "zq1987@example.org"
STORED_PHONE = "+44 20 7946 0958"


@pytest.fixture(scope="module")
def disguise_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store whose one case names Zéphyrine Quillfeather, with her e-mail and phone."""
    store = Store.init(tmp_path_factory.mktemp("disguises") / "store")
    case = fixture_case("case-one")
    data = case.model_dump(mode="json", by_alias=True)
    data["people"] = [
        {"name": STORED_NAME, "role": "reported", "contact": STORED_EMAIL},
        {"name": "Ann Lee", "role": "witness", "contact": STORED_PHONE},
    ]
    data["timeline"][0]["with"] = [STORED_NAME]
    data["actions"] = [{**a, "text": "done"} for a in data["actions"]]
    data["description"] = "What happened."
    store.save(type(case).model_validate(data), by="Team Member")
    return store


@pytest.fixture(scope="module")
def disguise_guard(disguise_store: Store) -> LeakGuard:
    return leak_guard(disguise_store)


DISGUISES = [
    # The ones that were published.
    ("Zéphyrine Quill\u200bfeather", "zero-width space"),
    ("Quill\u00adfeather", "soft hyphen"),
    ("Quill\x00feather", "NUL"),
    ("Quillf\u0435ather", "Cyrillic e"),
    ("Quill-feather", "hyphen"),
    ("Quill-\nfeather", "hyphen and line break"),
    ("Quill*feather*", "Markdown emphasis"),
    ("Q u i l l f e a t h e r", "spaced-out letters"),
    ("zq1987[at]example.org", "[at]"),
    ("020 7946 0958", "national phone"),
    ("0044 20 7946 0958", "00 international phone"),
    ("+442079460958", "E.164 phone"),
    # More of the same kind.
    ("Quill\u200dfeather", "zero-width joiner"),
    ("Quill\u2060feather", "word joiner"),
    ("Quill\ufefffeather", "byte order mark"),
    ("Quill\u202efeather", "right-to-left override"),
    ("Ｑｕｉｌｌｆｅａｔｈｅｒ", "full-width letters"),
    ("𝐐𝐮𝐢𝐥𝐥𝐟𝐞𝐚𝐭𝐡𝐞𝐫", "mathematical bold letters"),
    ("Qu\u0456llfeather", "Cyrillic i"),
    ("Quillfe\u0430th\u0435r", "two Cyrillic letters"),
    ("Z\u0435phyrin\u0435 Quillf\u0435ath\u0435r", "Cyrillic e in the full name"),
    ("Quill\nfeather", "line break"),
    ("Quill<em>feather</em>", "inline HTML"),
    ("`Quill`feather", "Markdown code"),
    ("Quill_feather_", "Markdown underscore emphasis"),
    ("Quill~~feather~~", "Markdown strike-through"),
    ("[Quillfeather](https://example.org/p)", "Markdown link"),
    ("Q.u.i.l.l.f.e.a.t.h.e.r", "letters set apart by dots"),
    ("Q-u-i-l-l-f-e-a-t-h-e-r", "letters set apart by hyphens"),
    ("Z e p h y r i n e  Q u i l l f e a t h e r", "spaced-out full name"),
    ("zq1987 (at) example (dot) org", "(at) and (dot)"),
    ("zq1987 at example dot org", "at and dot in words"),
    ("ZQ1987 AT EXAMPLE DOT ORG", "at and dot in capitals"),
    ("zq1987{at}example{dot}org", "{at} and {dot}"),
    ("zq1987@example[.]org", "[.]"),
    ("zq1987＠example．org", "full-width @ and dot"),
    ("zq1987\u00ad@example.org", "soft hyphen in an address"),
    ("+44 (0)20 7946 0958", "international with (0)"),
    ("(020) 7946-0958", "area code in brackets"),
    ("020-7946-0958", "hyphens"),
    ("+44.20.7946.0958", "dots"),
    ("44 20 7946 0958", "country code without +"),
    ("011 44 20 7946 0958", "dialled from North America"),
    ("０２０ ７９４６ ０９５８", "full-width digits"),
    ("0 2 0 7 9 4 6 0 9 5 8", "spaced-out digits"),
]


@pytest.mark.parametrize(("written", "disguise"), DISGUISES, ids=[d for _, d in DISGUISES])
def test_a_disguised_name_email_or_phone_is_caught(
    disguise_guard: LeakGuard, written: str, disguise: str
) -> None:
    texts = page(f"An attendee spoke to {written} about it.")
    found = disguise_guard.findings(EVENT["id"], texts)
    assert found, disguise
    assert {s.case_id for f in found for s in f.sources} == {"case-one"}
    assert {f.kind for f in found} <= {NAME, PART, CONTACT}
    # Seen whichever form is published.
    for fmt in ("html", "md"):
        assert disguise_guard.findings(EVENT["id"], {fmt: texts[fmt]}), (disguise, fmt)


INNOCENT = [
    "This annual report names no one.",  # "Ann" is a whole word only
    "The quill and the feather.",
    "A talk on quillfeathers.",
    "Call the venue on +44 20 7946 0000.",
    "Contact the team at example dot org.",
    "The meeting was at 20:30 on 7 December.",
    "Version 1.2.3 of the app; rooms A B C.",
    "Follow-up by e-mail, in co-operation with the venue.",
    "Спасибо всем, кто пришёл.",
    "Reports received: 20, of which 7 were decided in 46 days.",
    "See the code of conduct at https://example.org/coc.",
]


@pytest.mark.parametrize("written", INNOCENT)
def test_ordinary_text_is_not_taken_for_a_disguise(disguise_guard: LeakGuard, written: str) -> None:
    assert disguise_guard.findings(EVENT["id"], page(written)) == []


def test_a_disguised_name_in_a_summary_names_that_summary(disguise_guard: LeakGuard) -> None:
    summary = "An attendee spoke to Quill\u00adf\u0435ather about it."
    found = disguise_guard.findings(EVENT["id"], page(summary), {"case-one": summary})
    assert {f.where for f in found} == {"the public summary of case case-one"}


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Quillf\u0435ather", "quillfeather"),
        ("\u0391nn", "ann"),  # Greek capital alpha
        ("Zé\u200bphyrine", "zephyrine"),
    ],
)
def test_fold_reads_look_alike_letters_as_latin(text: str, folded: str) -> None:
    assert fold(text) == folded


# -- the page's own words come from its templates -----------------------------------


def test_the_reports_own_words_are_read_from_its_templates(store: Store) -> None:
    """Every word a rendered report and its index write themselves is one of the templates'
    (so none of them is ever taken for a name), and no two strings run together."""
    own = {w for sentence in own_words(store) for w in words(sentence)}
    view = report.load(store.root, EVENT["id"], 3)
    blocks = [
        b
        for make in (
            report.header,
            report.numbers,
            report.behaviour,
            report.outside,
            report.actions,
            report.described,
            report.rules,
        )
        for b in make(view)
    ]
    summaries = {line.summary for line in view.lines}
    written = " ".join(b.plain for b in blocks)
    for summary in summaries:
        written = written.replace(summary, " ")
    dates = {f"{dt.date(2000, m, 1):%B}".lower() for m in range(1, 13)}
    assert {w for w in words(written) if not w.isdigit()} - own - dates == set()
    # The two index strings that ran together ("...not updated yetTransparency report").
    assert "yettransparency" not in own
    assert {"yet", "earlier", "available"} <= own


def test_a_word_added_to_a_template_is_the_reports_own(tmp_path: Path, monkeypatch) -> None:
    from cocdata.reports import wording

    folder = tmp_path / "transparency"
    folder.mkdir()
    for path in wording.templates():
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with (folder / "wording.j2").open("a", encoding="utf-8") as f:
        f.write("{% macro extra() %}Quillfeather{% endmacro %}\n")
    monkeypatch.setattr(wording, "FOLDER", folder)
    wording.own_text.cache_clear()
    try:
        assert "quillfeather" in {w for t in wording.own_text() for w in words(t)}
    finally:
        wording.own_text.cache_clear()
