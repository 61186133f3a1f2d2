"""The case package: what it holds, what it never holds, and every way a file is refused."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from cocdata.handoff import package as packages
from cocdata.handoff.package import PackageError
from cocdata.model import Case
from tests.handoff.conftest import DSF, package_file
from tests.helpers import guide_data, make_store

SECRET_PEOPLE = [
    {"name": "Zephyrine Quillbottom", "contact": "zq@wombatmail.example", "role": "reporter"},
    {"name": "Barnaby Okonkwo-Vries", "contact": "+44 7700 900123", "role": "reported"},
    {"name": "Ottoline Marchbanks", "contact": "@ottoline", "role": "witness"},
]
DESCRIPTION = (
    "Zephyrine saw Barnaby shove lemonade cartons near marquee seven; Ottoline photographed "
    "tangerine bunting"
)


@pytest.fixture
def secret_case(tmp_path):
    store = make_store("plain", tmp_path / "team")
    data = guide_data()
    data["people"] = SECRET_PEOPLE
    data["report"]["made_by"] = "Zephyrine Quillbottom"
    data["report"]["made_where"] = "Marquee seven"
    data["occurred"]["where"] = "Tangerine lounge"
    data["description"] = DESCRIPTION
    data["timeline"][1]["with"] = ["Barnaby Okonkwo-Vries"]
    data["timeline"][1]["text"] = "Met Barnaby about lemonade cartons"
    data["actions"][0]["text"] = "Barnaby was told off about the marquee"
    store.save(Case.model_validate(data), by="Member T")
    return store


def _words(*texts: str) -> set[str]:
    return {w.casefold() for t in texts for w in re.findall(r"[\w@+.-]{4,}", t)}


def test_a_default_package_holds_no_name_contact_or_description_word(secret_case, tmp_path, key):
    path = package_file(secret_case, "guide-example", tmp_path, key)
    raw = path.read_bytes().decode("utf-8").casefold()
    secrets = _words(
        DESCRIPTION,
        "Marquee seven Tangerine lounge",
        *(p["name"] for p in SECRET_PEOPLE),
        *(p["contact"] for p in SECRET_PEOPLE),
    )
    found = sorted(w for w in secrets if w in raw)
    assert found == []
    # Digits of the phone numbers; hashes and pseudonyms (random hex) may hold them by chance.
    digits = re.sub(r"[0-9a-f]{16,}", "", raw)
    assert "7700" not in digits and "900123" not in digits


def test_a_package_keeps_the_finding_actions_sender_and_pseudonyms(secret_case, tmp_path, key):
    content, sha = packages.read(package_file(secret_case, "guide-example", tmp_path, key), DSF)
    case = content.case
    assert content.sender.case_id == "guide-example" and content.sender.rev == 1
    assert content.sender.organisation == "Django* conference organisers"
    assert content.link_key_id == key.key_id
    assert (case.status, case.categories) == ("closed", ["inappropriate-language"])
    assert [a.kind for a in case.actions] == ["conversation"]
    assert case.actions[0].by == ["Response Team Member A", "Response Team Member B"]
    assert [p.person for p in case.people] == ["p1", "p2", "p3"]
    assert case.people[1].links == key.pseudonyms(
        SECRET_PEOPLE[1]["name"], SECRET_PEOPLE[1]["contact"]
    )
    assert all(p.name is None and p.contact is None for p in case.people)
    assert case.transparency.summary  # written for publication, so it travels
    assert len(sha) == 64


def test_the_package_matches_its_published_schema(secret_case, tmp_path, key):
    path = package_file(secret_case, "guide-example", tmp_path, key)
    jsonschema.validate(json.loads(path.read_text()), packages.json_schema())


def _tampered(data):
    data["content"]["case"]["status"] = "new"


def _version(data):
    data["version"] = 99


def _format(data):
    data["format"] = "something-else"


def _no_hash(data):
    del data["sha256"]


@pytest.mark.parametrize(
    "change, words",
    [
        (_tampered, "changed after it was made"),
        (_version, "format version 99"),
        (_format, "not a cocdata case package"),
        (_no_hash, "no SHA-256"),
    ],
)
def test_a_changed_package_is_refused_by_name(secret_case, tmp_path, change, words):
    path = package_file(secret_case, "guide-example", tmp_path, None)
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    with pytest.raises(PackageError, match=words) as err:
        packages.read(path, DSF)
    assert "Nothing was written" in err.value.message


def test_a_changed_byte_is_caught(secret_case, tmp_path):
    path = package_file(secret_case, "guide-example", tmp_path, None)
    path.write_text(path.read_text().replace('"closed"', '"decided"'))
    with pytest.raises(PackageError, match="changed after it was made"):
        packages.read(path, DSF)


def test_a_truncated_package_is_refused(secret_case, tmp_path):
    path = package_file(secret_case, "guide-example", tmp_path, None)
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(PackageError, match="cut short"):
        packages.read(path, DSF)


@pytest.mark.parametrize(
    "content, words",
    [
        (b"%PDF-1.7 a case report", "not a cocdata case package"),
        (b'{"case_id": "amber-falcon"}', "not a cocdata case package"),
        (b"[1, 2]", "not a cocdata case package"),
        (b"\xff\xfe\x00", "not a cocdata case package"),
    ],
)
def test_a_file_that_is_not_a_package_is_refused(tmp_path, content, words):
    path = tmp_path / "thing.json"
    path.write_bytes(content)
    with pytest.raises(PackageError, match=words):
        packages.read(path, DSF)


def test_a_package_for_another_body_is_refused(secret_case, tmp_path):
    path = package_file(secret_case, "guide-example", tmp_path, None, to="PSF Conduct WG")
    with pytest.raises(PackageError, match="meant for 'PSF Conduct WG'"):
        packages.read(path, DSF)
    # The recipient is compared folded: case and spacing do not matter.
    assert packages.read(path, "psf  conduct wg")[0].recipient == "PSF Conduct WG"


def test_a_broken_case_inside_is_named(secret_case, tmp_path):
    path = package_file(secret_case, "guide-example", tmp_path, None)
    data = json.loads(path.read_text())
    data["content"]["case"]["report"]["made_at"] = "yesterday"
    data["sha256"] = packages.digest(data["content"])
    path.write_text(json.dumps(data))
    with pytest.raises(PackageError, match=r"report\.made_at"):
        packages.read(path, DSF)
