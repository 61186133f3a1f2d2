"""``compact``: merge the many small files of a folder into one, every row kept once.

Safe to interrupt: the merged file is complete and durable before any old
file is removed, and readers drop the duplicates an interruption can leave.
A full disk stops it before anything is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from cocdata.errors import StoreError
from cocdata.store.files import read_file, reworded, settle
from cocdata.store.rows import dedupe
from cocdata.team import permissions

if TYPE_CHECKING:
    from cocdata.store.core import Store


@dataclass
class CompactReport:
    """What ``compact`` did: files before and after, revisions kept, duplicates dropped."""

    files_before: int
    files_after: int
    revisions: int
    duplicates_dropped: int

    def text(self) -> str:
        """The report in words for the terminal (what ``cocdata compact`` prints)."""
        return (
            f"Compacted {self.files_before} file(s) into {self.files_after}: "
            f"{self.revisions} revision(s) kept, {self.duplicates_dropped} duplicate(s) dropped."
        )


def _merge(store: Store, folder: str, names: list[str], table: pa.Table) -> None:
    """Write ``table`` as the folder's one file, then remove the files it replaces."""
    store.write_table(folder, table, suffix="-compact")
    for name in names:
        (store.folder(folder) / name).unlink(missing_ok=True)
    settle(store.folder(folder))


def compact(store: Store) -> CompactReport:
    """Merge every case file into one, and the event and access-log files likewise."""
    permissions.require(store, "compact")
    store.key_for("reading the cases")
    with (
        store.lock(),
        reworded(
            store.root,
            "nothing was compacted and no file was removed",
            "Free space and run 'cocdata compact' again.",
        ),
    ):
        try:
            names = store.list_files("cases")
            tables = []
            for name in names:
                try:
                    tables.append(read_file(store.folder("cases") / name))
                except (OSError, pa.ArrowException) as exc:
                    raise StoreError(
                        f"{name} cannot be read ({exc}); nothing was compacted.",
                        "Run 'cocdata verify' first: it moves damaged files to quarantine/.",
                    ) from exc
            if len(names) <= 1:
                rows = tables[0].num_rows if tables else 0
                report = CompactReport(len(names), len(names), rows, 0)
            else:
                merged = pa.concat_tables(tables, promote_options="permissive")
                unique = dedupe(merged).sort_by([("case_id", "ascending"), ("rev", "ascending")])
                _merge(store, "cases", names, unique)
                report = CompactReport(
                    len(names), 1, unique.num_rows, merged.num_rows - unique.num_rows
                )
            for folder in ("events", "access"):
                # Event versions and access-log entries are merged too; all are kept.
                small = store.list_files(folder, missing_ok=True)
                if len(small) <= 1:
                    continue
                try:
                    parts = [read_file(store.folder(folder) / n) for n in small]
                except (OSError, pa.ArrowException) as exc:
                    raise StoreError(
                        f"A file in {folder}/ cannot be read ({exc}); the case files were "
                        f"compacted, the {folder} files not.",
                        "Run 'cocdata verify' first: it moves damaged files to quarantine/.",
                    ) from exc
                _merge(store, folder, small, pa.concat_tables(parts, promote_options="permissive"))
        finally:
            store.invalidate()
    return report
