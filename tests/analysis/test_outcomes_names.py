"""analysis.outcomes compares names by the one folding rule of cocdata.names."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocdata import analysis
from cocdata.model import Case
from cocdata.store import Store
from tests.helpers import guide_data


@pytest.mark.parametrize(
    "written",
    [
        "Zéphyrine Quillfeather",
        "ZEPHYRINE QUILLFEATHER",
        "Zephyrine  Quillfeather",
        "Zé\u200bphyrine Quillfeather",
    ],
)
def test_a_reaction_of_the_reported_person_is_theirs_however_the_name_is_written(
    tmp_path: Path, written: str
) -> None:
    data = guide_data()
    data["case_id"] = "case-one"
    data["people"] = [{"name": "Zéphyrine Quillfeather", "role": "reported"}]
    data["timeline"] = [
        {
            "at": data["report"]["made_at"],
            "by": ["Team Member"],
            "kind": "reaction",
            "with": [written],
            "reaction": "apologised",
            "text": "Apologised.",
        }
    ]
    store = Store.init(tmp_path / "store")
    store.save(Case.model_validate(data), by="Team Member")
    table = analysis.reactions(store.frames())
    row = table[table["reaction"] == "apologised"]
    assert row["side"].tolist() == [analysis.outcomes.REPORTED_SIDE]
