"""Vocabularies: the defaults, a store's own in cocdata.toml, and the case lifecycle."""

from __future__ import annotations

import pytest

from cocdata import vocab
from cocdata.errors import StoreError
from cocdata.vocab import KINDS, STATUSES, Vocabularies


def test_the_defaults_hold_every_kind_with_labels():
    v = vocab.default()
    for kind in KINDS:
        entries = getattr(v, kind)
        assert entries, kind
        assert all(isinstance(label, str) and label.strip() for label in entries.values())
    assert {"reporter", "target", "reported", "witness"} <= set(v.roles)
    assert v.outside_coc <= set(v.categories)


def test_a_store_adds_its_own_entries_and_keeps_the_default_kinds_it_is_silent_on():
    text = '[categories]\nplagiarism = "Plagiarism of a talk"\n\n[outside_coc]\nids = []\n'
    v = vocab.parse(text, "cocdata.toml")
    assert v.categories == {"plagiarism": "Plagiarism of a talk"}
    assert v.roles == vocab.default().roles
    assert v.outside_coc == frozenset()


def test_to_toml_reads_back_as_the_same_vocabularies():
    original = vocab.default()
    extended = Vocabularies(
        **{kind: dict(getattr(original, kind)) for kind in KINDS},
        outside_coc=original.outside_coc,
    )
    extended.actions['ban "for life"'] = 'Banned \\ "for life"'
    assert vocab.parse(extended.to_toml(), "cocdata.toml") == extended


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[categories\nx = 1", "not valid TOML"),
        ("[categories]\nharassment = 3\n", "must map ids to labels"),
        ("categories = 'a list'\n", "must map ids to labels"),
    ],
    ids=["broken TOML", "a number as label", "not a section"],
)
def test_a_damaged_vocabulary_is_refused_in_words(text, says):
    with pytest.raises(StoreError, match=says) as err:
        vocab.parse(text, "cocdata.toml")
    assert "cocdata.toml" in err.value.message
    assert err.value.hint


def test_a_missing_store_file_means_the_defaults(tmp_path):
    assert vocab.load(tmp_path / "cocdata.toml") == vocab.default()


def test_label_and_choices_follow_the_file_order():
    v = vocab.default()
    first_id, first_label = next(iter(v.channels.items()))
    assert v.label("channels", first_id) == first_label
    assert v.label("channels", "carrier-pigeon") == "carrier-pigeon"
    assert v.label("channels", None) == ""
    assert v.choices("channels")[0] == (first_label, first_id)
    assert [key for _, key in v.choices("roles")] == list(v.roles)


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        ("new", "new", True),
        ("new", "acknowledged", True),
        ("new", "closed", True),  # a "no action" case skips steps
        ("investigating", "decided", True),
        ("acknowledged", "new", False),
        ("investigating", "acknowledged", False),
        ("decided", "investigating", True),  # reopened
        ("decided", "acknowledged", False),
        ("closed", "investigating", True),
        ("closed", "acknowledged", True),
        ("closed", "new", False),
        ("closed", "decided", False),
    ],
)
def test_status_moves_forward_and_reopens_only_where_allowed(old, new, allowed):
    assert vocab.status_move_allowed(old, new) is allowed


def test_every_status_can_reach_closed():
    assert all(vocab.status_move_allowed(s, "closed") for s in STATUSES)


def test_toml_string_escapes_quotes_and_backslashes():
    assert vocab.toml_string('say "hi" \\ bye') == '"say \\"hi\\" \\\\ bye"'
