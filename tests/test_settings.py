"""A store's own settings in cocdata.toml: retention and forwarding."""

from __future__ import annotations

import pytest

from cocdata import settings
from cocdata.errors import StoreError
from cocdata.store import Store


def test_a_new_store_writes_the_defaults_with_comments(tmp_path):
    store = Store.init(tmp_path / "store")
    text = (store.root / "cocdata.toml").read_text()
    assert "[retention]" in text and "# months after closure" in text
    assert store.settings == settings.Settings()
    assert settings.parse(settings.default_toml()) == settings.Settings()


def test_an_older_store_without_the_sections_gets_the_defaults(tmp_path):
    store = Store.init(tmp_path / "store")
    path = store.root / "cocdata.toml"
    path.write_text(path.read_text().split("[retention]")[0])
    assert Store.open(store.root).settings == settings.Settings()


def test_a_team_can_set_its_own_policy():
    parsed = settings.parse(
        "[retention]\nmonths = 9\nnever_actions = ['ban']\nreset_roles = ['reported', 'target']\n"
        "[forwarding]\nredact = ['contacts']\n"
    )
    assert parsed.retention.months == 9 and parsed.retention.months_no_action == 6
    assert parsed.retention.never_actions == ("ban",)
    assert parsed.retention.reset_roles == ("reported", "target")
    assert parsed.forwarding.redact == ("contacts",)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[retention]\nmonths = 0", "retention.months .* must be a whole number of months"),
        ("[retention]\nmonths = 'twelve'", "whole number"),
        ("[retention]\nmonths = true", "whole number"),
        ("[retention]\nnever_if_safety_risk = 'yes'", "must be true or false"),
        ("[retention]\nnever_actions = 'ban'", "must be a list of texts"),
        ("[retention]\nkeep_forever = true", "unknown setting 'keep_forever'"),
        ("retention = 3", r"\[retention\] .* must be a section"),
        ("[forwarding]\nredact = 'names'", "must be a list of texts"),
        ("[retention\nmonths = 3", "not valid TOML"),
    ],
)
def test_a_wrong_setting_is_refused_with_the_key(text, words):
    with pytest.raises(StoreError, match=words):
        settings.parse(text, "cocdata.toml")


# -- [transparency] -------------------------------------------------------------------

TRANSPARENCY = """
[transparency]
how_to_report = "Tell  any team member."
team = ["A. Member", "B. Member"]

[transparency.series.djangocon]
layout = "incidents"
name_team = true

[transparency.events.djangocon-2001]
layout = "summary"
"""


@pytest.mark.parametrize(
    ("event_id", "series", "layout", "named"),
    [
        ("djangocon-2001", "djangocon", "summary", True),  # the event's own over its series'
        ("djangocon-2002", "djangocon", "incidents", True),  # the series' over the general
        ("pycon-2002", None, "summary", False),  # the general ones, and the defaults
    ],
)
def test_report_settings_take_the_most_specific_key_by_key(event_id, series, layout, named):
    chosen = settings.report_settings(TRANSPARENCY, event_id, series)
    assert (chosen.layout, chosen.name_team) == (layout, named)
    assert chosen.how_to_report == "Tell any team member."
    assert chosen.team == ("A. Member", "B. Member")


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('[transparency]\nlayout = "cards"', "not a layout of transparency reports"),
        ("[transparency]\nteam = 'Jo'", "must be a list of texts"),
        ("[transparency]\nname_team = 'yes'", "must be true or false"),
        ("[transparency]\ncolour = 'red'", "unknown setting 'colour'"),
    ],
)
def test_wrong_transparency_settings_are_named(toml, words) -> None:
    with pytest.raises(StoreError, match=words):
        settings.report_settings(toml, "e")
