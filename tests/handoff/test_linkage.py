"""Linkage keys and pseudonyms: folded like person codes, useless without the key."""

from __future__ import annotations

import stat

import pytest

from cocdata.handoff import linkage


def test_a_key_file_round_trips_and_is_private(tmp_path):
    key = linkage.new_key()
    path = linkage.write_key(key, tmp_path / "dsf.key")
    assert linkage.read_key(path) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key.secret.hex() not in repr(key)


def test_a_key_file_is_never_overwritten(tmp_path):
    path = linkage.write_key(linkage.new_key(), tmp_path / "dsf.key")
    before = path.read_bytes()
    with pytest.raises(linkage.LinkKeyError, match="already exists"):
        linkage.write_key(linkage.new_key(), path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "not a cocdata linkage key"),
        ("cocdata-link-key-1 abcd\n", "not a cocdata linkage key"),
        ("cocdata-link-key-1 " + "zz" * 32 + "\n", "not a cocdata linkage key"),
        ("some other file\n", "not a cocdata linkage key"),
    ],
)
def test_a_bad_key_file_is_named(tmp_path, text, words):
    path = tmp_path / "bad.key"
    path.write_text(text)
    with pytest.raises(linkage.LinkKeyError, match=words):
        linkage.read_key(path)


def test_a_missing_key_file_says_how_to_make_one(tmp_path):
    with pytest.raises(linkage.LinkKeyError) as err:
        linkage.read_key(tmp_path / "none.key")
    assert "link new-key" in err.value.hint


@pytest.mark.parametrize(
    "a, b",
    [
        (("José Núñez", "jose@example.org"), ("JOSE  NUNEZ", "<Jose@Example.org>")),
        (("José Núñez", None), ("jose nunez", None)),
        ((None, "mailto:ann@example.org"), (None, "ANN@example.org ")),
    ],
)
def test_spellings_of_one_person_give_the_same_pseudonyms(a, b):
    key = linkage.new_key()
    assert key.pseudonyms(*a) == key.pseudonyms(*b)
    assert key.pseudonyms(*a)


def test_without_the_key_nothing_matches_and_no_name_shows():
    right, wrong = linkage.new_key(), linkage.new_key()
    mine = right.pseudonyms("José Núñez", "jose@example.org")
    assert not set(mine) & set(wrong.pseudonyms("José Núñez", "jose@example.org"))
    assert not any("jose" in p for p in mine)
    assert right.key_id != wrong.key_id


def test_stand_in_names_give_no_pseudonym():
    assert linkage.new_key().pseudonyms("unknown", None) == []
