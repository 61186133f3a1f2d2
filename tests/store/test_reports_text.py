"""Result objects print themselves: the text each command shows, word for word."""

from __future__ import annotations

import datetime as dt

import pytest

from cocdata import crypto, retention
from cocdata.store import CompactReport, EncryptReport, VerifyReport
from cocdata.store.expunge import ExpungeReport


@pytest.mark.parametrize(
    "report, expected",
    [
        (
            VerifyReport(files=3, revisions=5, cases=2, blobs=1),
            "Checked 3 file(s), 5 revision(s) of 2 case(s), 1 evidence file(s).\n"
            "All good: every revision is present and unaltered.",
        ),
        (
            VerifyReport(files=1, revisions=1, cases=1, locked=True),
            "Checked 1 file(s), 1 revision(s) of 1 case(s), 0 evidence file(s).\n"
            "The store is encrypted and no key was given: only the statistics and the links "
            "between revisions were checked. " + crypto.HOW_TO_GIVE_KEY + "\n"
            "All good as far as it could be checked without the key.",
        ),
        (
            VerifyReport(
                files=2,
                revisions=2,
                cases=1,
                problems=["case a-b: revision 2 is missing"],
                quarantined=["cases/x.parquet"],
            ),
            "Checked 2 file(s), 2 revision(s) of 1 case(s), 0 evidence file(s).\n"
            "  problem: case a-b: revision 2 is missing\n"
            "  moved to quarantine: cases/x.parquet\n"
            "The store has problems (listed above). Cases in the other files still load.",
        ),
    ],
)
def test_verify_report_text(report, expected):
    assert report.text() == expected


def test_compact_report_text():
    assert CompactReport(4, 1, 10, 2).text() == (
        "Compacted 4 file(s) into 1: 10 revision(s) kept, 2 duplicate(s) dropped."
    )


@pytest.mark.parametrize(
    "report, unlock, expected",
    [
        (
            EncryptReport(new_key=True, cases=2, blobs=1, drafts=1, verify=VerifyReport()),
            "It opens with its passphrase.",
            "Encrypted 4 file(s) at /s: 2 case file(s), 1 evidence file(s), 1 draft(s), "
            "0 quarantined file(s).\nIt opens with its passphrase.\n"
            "Verified: every revision is present and unaltered. The old unencrypted bytes were "
            "deleted, but the disk may keep them until they are overwritten: use disk "
            "encryption too.",
        ),
        (
            EncryptReport(
                resumed=True,
                cases=1,
                temp_removed=2,
                problems=["cases/x is still not encrypted"],
                verify=VerifyReport(problems=["case a: revision 1 was altered after it was saved"]),
            ),
            "ignored: no new key",
            "Encrypted 1 file(s) at /s: 1 case file(s), 0 evidence file(s), 0 draft(s), "
            "0 quarantined file(s); removed 2 leftover temp file(s).\n"
            "  problem: cases/x is still not encrypted\n"
            "  problem: case a: revision 1 was altered after it was saved",
        ),
    ],
)
def test_encrypt_report_text(report, unlock, expected):
    assert report.text("/s", unlock) == expected


def test_expunge_report_text():
    item = retention.CaseRetention("a-b", "ev", "date", dt.date(2025, 1, 1), "12 months after x")
    report = ExpungeReport(cases=[item], files=["f"], revisions=3, blobs=["d"], tmp=["t"])
    assert report.text() == (
        "Identifying data removed from 1 case(s):\n"
        "  a-b (ev): expunge on 2025-01-01 (12 months after x)\n"
        "1 case file(s) and 0 set-aside file(s) were rewritten or deleted (3 revision(s) "
        "stripped); 1 evidence file(s) were deleted.\n"
        "1 temporary file(s) left by a crash were deleted."
    )
    assert retention.ExpungeReport is ExpungeReport
