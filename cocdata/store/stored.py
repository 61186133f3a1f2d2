"""What the store hands back: a case at one revision, and the store's constants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cocdata.model import Case

FORMAT = 1
"""The store format written in ``cocdata.toml``."""
GENESIS = "0" * 64
"""The previous hash of every case's first revision."""
MAX_EVIDENCE_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class StoredCase:
    """A case as it stands at one revision, with who saved it and when."""

    case: Case
    rev: int
    saved_by: str
    saved_at: dt.datetime
    hash: str

    @property
    def case_id(self) -> str:
        assert self.case.case_id is not None
        return self.case.case_id


def now() -> dt.datetime:
    """The time a save is stamped with."""
    # Milliseconds: what parquet keeps of the save time, so hashes verify.
    moment = dt.datetime.now()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
