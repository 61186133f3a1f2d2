"""The [team] tables of cocdata.toml: read, written back, refused in words when wrong."""

from __future__ import annotations

import tomllib

import pytest

from cocdata.errors import StoreError
from cocdata.team import Role, Team, load_team
from cocdata.team.config import Recusal, parse_team, team_text

CONTRACT = """
[store]
format = 1

[team]
group = "cocteam"
admins = ["root", "alice"]

[team.members]
alice = "lead"
bob = "member"
carol = "observer"
"""


def test_the_contract_reads_as_written(tmp_path):
    (tmp_path / "cocdata.toml").write_text(CONTRACT)
    team = load_team(tmp_path)
    assert team.group == "cocteam" and team.admins == ("root", "alice")
    assert team.members == {"alice": Role.LEAD, "bob": Role.MEMBER, "carol": Role.OBSERVER}
    assert team.leads() == ["alice"] and team.role_of("bob") == "member"
    assert team.role_of("dave") is None


def test_written_back_it_reads_the_same_and_keeps_the_rest(tmp_path):
    team = Team(
        "cocteam", {"a.b": Role.LEAD}, ("root",), (Recusal("a.b", "amber-falcon", 'says "hi"'),)
    )
    text = team_text(CONTRACT, team)
    assert "[store]\nformat = 1" in text and text.count("[team]") == 1
    assert parse_team(tomllib.loads(text)) == team


def test_a_change_is_seen_at_the_next_call(tmp_path):
    path = tmp_path / "cocdata.toml"
    path.write_text(CONTRACT)
    assert load_team(tmp_path).role_of("bob") == "member"
    path.write_text(CONTRACT.replace('bob = "member"\n', ""))
    assert load_team(tmp_path).role_of("bob") is None
    path.write_text("[store]\nformat = 1\n")
    assert load_team(tmp_path) is None


@pytest.mark.parametrize(
    "section, words",
    [
        ('[team]\ngroup = "Bad Group"\n', "group must be the name of a Unix group"),
        ('[team]\ngroup = "g"\nadmins = "root"\n', "admins must be a list"),
        (
            '[team]\ngroup = "g"\n[team.members]\nbob = "boss"\n',
            "a role is lead, member or observer",
        ),
        ('[team]\ngroup = "g"\ncolour = "red"\n', "unknown setting(s) colour"),
        ('[team]\ngroup = "g"\n[[team.recusals]]\nuser = "bob"\n', "needs a user and a case"),
    ],
)
def test_mistakes_are_refused_in_words(section, words):
    with pytest.raises(StoreError) as caught:
        parse_team(tomllib.loads(section))
    assert words.lower() in str(caught.value).lower()
