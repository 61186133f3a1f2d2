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
