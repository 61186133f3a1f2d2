import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocdata import interchange, vocab
from cocdata.errors import InvalidRecord
from cocdata.examples import GUIDE_EXAMPLE, guide_example
from cocdata.model import Case, check_case
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
