import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocdata import interchange, jsonlines, vocab
from cocdata.case_checks import check_case
from cocdata.errors import FileAccess, InvalidRecord
from cocdata.examples import GUIDE_EXAMPLE, guide_example
from cocdata.model import Case
from cocdata.store import Store
from tests.helpers import guide_data

VOCAB = vocab.default()


@pytest.fixture
def store(tmp_path):
    return Store.init(tmp_path / "store")


def lines(*records):
    return [json.dumps(r) + "\n" for r in records]


def exported(store, ids=None):
    out = io.StringIO()
    interchange.write_export(store, out, ids)
    return out.getvalue().split("\n")[:-1]


def test_guide_example_imports_exports_and_round_trips_exactly(store):
    interchange.import_lines(lines(GUIDE_EXAMPLE), store, by="alice")
    [line] = exported(store)
    first = Case.model_validate_json(line)
    assert first == store.get("guide-example").case
    # Everything of the guide's example survives; the store only adds person code names.
    plain = first.model_copy(
        update={"people": [p.model_copy(update={"person": None}) for p in first.people]}
    )
    assert plain == guide_example()
    second_store = Store.init(store.root.parent / "second")
    interchange.import_lines([line], second_store, by="bob")
    assert exported(second_store) == [line]


def test_cases_without_id_get_code_names(store):
    data = guide_data(case_id=None)
    result = interchange.import_lines(lines(data, data), store)
    assert result.created == 2 and len(set(result.case_ids)) == 2


def test_an_import_with_several_bad_lines_reports_all_and_writes_nothing(store):
    good = guide_data(case_id=None)
    bad_date = guide_data(case_id=None, report__made_at="yesterday")
    bad_space = guide_data(case_id=None, occurred__space="party")
    missing = guide_data(case_id=None)
    del missing["report"]
    text = [*lines(good, bad_date), "{not json\n", *lines(bad_space, missing), "[1, 2]\n"]
    with pytest.raises(InvalidRecord) as err:
        interchange.import_lines(text, store, source="reports.jsonl")
    found = [(p.where, p.field) for p in err.value.problems]
    assert found == [
        ("line 2", "report.made_at"),
        ("line 3", "line"),
        ("line 4", "occurred.space"),
        ("line 5", "report"),
        ("line 6", "line"),
    ]
    message = str(err.value)
    assert "The import of reports.jsonl has 5 problems; nothing was saved" in message
    assert "line 4: occurred.space: 'party' is not one of the spaces" in message
    assert store.case_ids() == []


def test_existing_case_is_refused_unless_update(store):
    interchange.import_lines(lines(GUIDE_EXAMPLE), store)
    changed = guide_data(status="closed", description="A corrected description.")
    with pytest.raises(InvalidRecord, match="already in the store; use --update"):
        interchange.import_lines(lines(changed), store)
    assert store.get("guide-example").rev == 1
    result = interchange.import_lines(lines(changed), store, update=True)
    assert (result.created, result.updated) == (0, 1)
    assert store.get("guide-example").case.description == "A corrected description."


def test_the_same_id_twice_in_a_file_is_refused(store):
    with pytest.raises(InvalidRecord, match="appears twice"):
        interchange.import_lines(lines(GUIDE_EXAMPLE, GUIDE_EXAMPLE), store)


def test_empty_file_is_refused(store):
    with pytest.raises(InvalidRecord, match="holds no cases"):
        interchange.import_lines(["\n"], store)


def test_schema_describes_the_minimum_shape():
    schema = interchange.json_schema()
    props = schema["properties"]
    for key in (
        "case_id",
        "event",
        "report",
        "occurred",
        "people",
        "description",
        "categories",
        "safety_risk",
        "ongoing",
        "status",
        "timeline",
        "actions",
        "decisions",
        "transparency",
        "evidence",
    ):
        assert key in props
    assert "with" in schema["$defs"]["TimelineEntry"]["properties"]


# -- revisions and --update ------------------------------------------------------


def test_an_exported_line_carries_its_revision_right_after_the_case_id(store):
    interchange.import_lines(lines(GUIDE_EXAMPLE), store)
    interchange.import_lines(lines(guide_data(description="Second.")), store, update=True)
    [line] = exported(store)
    assert line.startswith('{"case_id":"guide-example","revision":2,"event":')
    assert Case.model_validate_json(line) == store.get("guide-example").case


def _three_versions(store):
    interchange.import_lines(lines(guide_data(description="v1")), store, by="Ann")
    first_export = exported(store)
    interchange.import_lines(lines(guide_data(description="v2")), store, by="Ben", update=True)
    interchange.import_lines(lines(guide_data(description="v3")), store, by="Cy", update=True)
    return first_export


@pytest.mark.parametrize(
    ("which", "words"),
    [
        ("old export", "is based on revision 1 of case guide-example"),
        ("the first file again", "is the same as revision 1 of case guide-example"),
    ],
)
def test_update_refuses_a_line_that_would_undo_newer_revisions(store, which, words):
    first_export = _three_versions(store)
    again = first_export if which == "old export" else lines(guide_data(description="v1"))
    with pytest.raises(InvalidRecord) as err:
        interchange.import_lines(again, store, update=True)
    message = str(err.value)
    assert words in message
    assert "the store holds revision 3, saved by Cy on" in message
    assert "undo what changed since (description)" in message
    assert "--update --force" in message
    assert store.get("guide-example").rev == 3
    assert store.get("guide-example").case.description == "v3"


def test_update_with_force_replaces_the_case_anyway(store):
    first_export = _three_versions(store)
    result = interchange.import_lines(first_export, store, update=True, force=True)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert store.get("guide-example").rev == 4
    assert store.get("guide-example").case.description == "v1"


def test_update_accepts_a_line_based_on_the_newest_revision_or_without_one(store):
    _three_versions(store)
    [line] = exported(store)
    edited = json.loads(line) | {"description": "v4 from the export"}
    interchange.import_lines(lines(edited), store, update=True)
    assert store.get("guide-example").case.description == "v4 from the export"
    # Without a revision, a new version is taken as based on the newest one.
    interchange.import_lines(lines(guide_data(description="v5")), store, update=True)
    assert store.get("guide-example").rev == 5


def test_an_old_line_equal_to_the_newest_revision_is_simply_unchanged(store):
    first_export = exported_after(store, GUIDE_EXAMPLE)
    interchange.import_lines(lines(guide_data(description="v2")), store, update=True)
    interchange.import_lines(lines(GUIDE_EXAMPLE), store, update=True, force=True)
    result = interchange.import_lines(first_export, store, update=True)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert result.text() == "Imported 0 case(s): 0 new, 0 updated, 1 unchanged."


def exported_after(store, data):
    interchange.import_lines(lines(data), store)
    return exported(store)


@pytest.mark.parametrize("revision", [0, -1, True, "3", 1.5, 2**31, 10**30])
def test_a_revision_must_be_a_sensible_whole_number(store, revision):
    with pytest.raises(InvalidRecord, match="revision: must be the whole number of the revision"):
        interchange.import_lines(lines(guide_data(revision=revision)), store)
    assert store.case_ids() == []


def test_a_new_case_may_state_any_revision(store):
    interchange.import_lines(lines(guide_data(revision=7)), store)
    assert store.get("guide-example").rev == 1


def test_import_result_text_is_the_command_line_summary(store):
    result = interchange.import_lines(lines(GUIDE_EXAMPLE, guide_data(case_id=None)), store)
    assert result.text() == "Imported 2 case(s): 2 new, 0 updated, 0 unchanged."
    again = interchange.import_lines(lines(GUIDE_EXAMPLE), store, update=True)
    assert again.text() == "Imported 0 case(s): 0 new, 0 updated, 1 unchanged."


# -- evidence --------------------------------------------------------------------


def _with_evidence(digest):
    data = guide_data()
    data["evidence"] = [
        {"name": "mail.eml", "media_type": "message/rfc822", "size": 5, "sha256": digest}
    ]
    return data


def test_evidence_not_in_the_store_is_refused_naming_case_and_file(store):
    with pytest.raises(InvalidRecord) as err:
        interchange.import_lines(lines(_with_evidence("ab" * 32)), store)
    [problem] = err.value.problems
    assert (problem.where, problem.field) == ("line 1 (guide-example)", "evidence.0")
    assert "'mail.eml' (abababababab…) of case guide-example is not in this store" in str(problem)
    assert store.case_ids() == []
    kept = store.put_blob(b"hello", "mail.eml", "message/rfc822")
    interchange.import_lines(lines(_with_evidence(kept.sha256)), store)
    assert store.get("guide-example").case.evidence[0].sha256 == kept.sha256
    assert store.verify().ok


# -- reading files ---------------------------------------------------------------


def _write(tmp_path, raw: bytes):
    path = tmp_path / "in.jsonl"
    path.write_bytes(raw)
    return path


GOOD = json.dumps(GUIDE_EXAMPLE, ensure_ascii=False).encode()


def test_a_file_starting_with_a_byte_order_mark_imports(store, tmp_path):
    result = interchange.import_file(_write(tmp_path, b"\xef\xbb\xbf" + GOOD + b"\n"), store)
    assert result.created == 1


@pytest.mark.parametrize(
    ("raw", "where", "words"),
    [
        (GOOD + b"\n" + b'{"description": "caf\xe9"}\n', "line 2", "not UTF-8 text at column 21"),
        (GOOD + b"\n\n" + b'{"d": "' + "é".encode() + b'\xff"}', "line 3", "at column 9"),
        (b"\xff\xfe{\x00", "line 1", "is UTF-16 text; save it as UTF-8"),
        (GOOD + b"\n\xef\xbb\xbf" + GOOD + b"\n", "line 2", "byte-order mark (U+FEFF)"),
        (GOOD + b"\n" + b"x" * (1024 * 1024 + 1) + b"\n", "line 2", "longer than 1 MiB"),
        (b'{"a": "\\ud800"}\n', "line 1", "escape (like \\ud800) that is no character"),
        (b"[" * 100_000 + b"\n", "line 1", "must be one JSON object"),
        (b'{"a":' * 100_000 + b"\n", "line 1", "nest too deeply"),
        (b'{"event": NaN}\n', "line 1", "not valid JSON"),
    ],
    ids=[
        "latin-1",
        "after-utf8",
        "utf-16",
        "bom-inside",
        "huge",
        "surrogate",
        "array",
        "deep",
        "nan",
    ],
)
def test_unreadable_lines_are_named_by_line(store, tmp_path, raw, where, words):
    with pytest.raises(InvalidRecord) as err:
        interchange.import_file(_write(tmp_path, raw), store)
    assert any(p.where == where and words in p.message for p in err.value.problems), str(err.value)
    assert store.case_ids() == []


def test_a_huge_line_is_refused_without_being_read_whole(store, tmp_path, monkeypatch):
    path = _write(tmp_path, GOOD + b"\n" + b"x" * (20 * 1024 * 1024) + b"\n" + GOOD + b"\n")
    asked = []
    real = jsonlines.file_lines

    def spy(fh):
        original = fh.readline

        def readline(size=-1):
            asked.append(size)
            return original(size)

        fh.readline = readline
        return real(fh)

    monkeypatch.setattr(jsonlines, "file_lines", spy)
    with pytest.raises(InvalidRecord) as err:
        interchange.import_file(path, store)
    assert [p.where for p in err.value.problems] == ["line 2", "line 3 (guide-example)"]
    assert asked and all(0 < size <= interchange.MAX_LINE_BYTES + 1 for size in asked)


def test_a_text_line_over_the_limit_is_refused_too(store):
    with pytest.raises(InvalidRecord, match="line 1: line: is longer than 1 MiB"):
        interchange.import_lines(["é" * (600 * 1024)], store)


def test_importing_a_folder_says_so(store, tmp_path):
    with pytest.raises(FileAccess, match=r"(?s)Is a directory.*Name a file, not a folder"):
        interchange.import_file(tmp_path, store)


def test_schema_states_revision_id_limits_and_time_forms():
    schema = interchange.json_schema()
    props = schema["properties"]
    assert list(props)[:3] == ["case_id", "revision", "event"]
    assert props["revision"]["type"] == "integer" and props["revision"]["minimum"] == 1
    event = schema["$defs"]["Event"]["properties"]
    assert event["id"]["maxLength"] == 64
    assert event["attendees"]["anyOf"][0]["maximum"] == 100_000_000
    assert event["start"]["type"] == "string" and event["start"]["format"] == "date"
    assert "maxLength" in json.dumps(props["case_id"])
    made_at = schema["$defs"]["ReportBlock"]["properties"]["made_at"]
    assert (made_at["type"], made_at["format"]) == ("string", "date-time")
    assert "Local time of the event, no offset" in json.dumps(schema)
    assert "1,048,576 bytes" in schema["description"]


# -- generated cases -----------------------------------------------------------

names = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=20
).filter(lambda s: s.strip() == s and s != "")
times = st.datetimes(
    min_value=__import__("datetime").datetime(2001, 1, 1),
    max_value=__import__("datetime").datetime(2030, 1, 1),
).map(lambda d: d.replace(microsecond=0))


@st.composite
def cases(draw):
    made_at = draw(times)
    occurred = draw(st.one_of(st.none(), times.filter(lambda t: t <= made_at)))
    include = draw(st.booleans())
    return {
        "case_id": None,
        "event": {
            "id": "ev-1",
            "name": draw(names),
            "start": "2000-01-01",
            "end": "2031-01-01",
            "attendees": draw(st.one_of(st.none(), st.integers(0, 10**6))),
        },
        "report": {
            "channel": draw(st.sampled_from(list(VOCAB.channels))),
            "made_by": draw(st.one_of(st.none(), names)),
            "made_at": made_at.isoformat(),
            "made_where": draw(st.one_of(st.none(), names)),
            "received_by": draw(st.lists(names, min_size=1, max_size=3, unique=True)),
        },
        "occurred": {
            "at": occurred.isoformat() if occurred else None,
            "precision": draw(st.sampled_from(["minute", "hour", "day", "month"])),
            "approximate": draw(st.booleans()),
            "space": draw(st.one_of(st.none(), st.sampled_from(list(VOCAB.spaces)))),
        },
        "people": [
            {
                "name": n,
                "role": draw(st.sampled_from(list(VOCAB.roles))),
                "contact": draw(st.one_of(st.none(), names)),
            }
            for n in draw(st.lists(names, max_size=4))
        ],
        "description": draw(st.one_of(st.none(), st.text(max_size=200))),
        "categories": draw(
            st.lists(st.sampled_from(list(VOCAB.categories)), max_size=3, unique=True)
        ),
        "safety_risk": draw(st.booleans()),
        "ongoing": draw(st.sampled_from(["yes", "no", "maybe"])),
        "status": draw(
            st.sampled_from(["new", "acknowledged", "investigating", "decided", "closed"])
        ),
        "timeline": [
            {
                "at": t.isoformat(),
                "by": draw(st.lists(names, max_size=2)),
                "kind": draw(st.sampled_from(list(VOCAB.timeline_kinds))),
                "with": draw(st.lists(names, max_size=2)),
                "text": draw(st.text(max_size=50)),
                "reaction": draw(st.one_of(st.none(), st.sampled_from(list(VOCAB.reactions)))),
            }
            for t in draw(st.lists(times.filter(lambda t: t >= made_at), max_size=3))
        ],
        "actions": [
            {"kind": k, "text": draw(st.one_of(st.none(), names)), "by": []}
            for k in draw(st.lists(st.sampled_from(list(VOCAB.actions)), max_size=2))
        ],
        "decisions": {"reported_to": draw(st.lists(names, max_size=2)), "organisers_must": None},
        "transparency": {"include": include, "summary": draw(names) if include else None},
        "forwarded_to": draw(st.lists(names, max_size=2)),
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=cases())
def test_generated_cases_round_trip_through_store_and_export(tmp_path_factory, data):
    case = Case.model_validate(data)
    if check_case(case, VOCAB):
        return
    store = Store.init(tmp_path_factory.mktemp("store"))
    interchange.import_lines(lines(data), store)
    [line] = exported(store)
    stored = store.get(Case.model_validate_json(line).case_id).case
    assert Case.model_validate_json(line) == stored
    again = Store.init(tmp_path_factory.mktemp("again"))
    interchange.import_lines([line], again)
    assert exported(again) == [line]
