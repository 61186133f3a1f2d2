"""The interchange format: JSON Lines, one case per line, for import and export.

Import is all or nothing: every line is parsed and checked first, every
problem is reported with its line number and field, and nothing is written
unless the whole file is sound.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cocdata.errors import InvalidRecord, Problem
from cocdata.model import Case, check_case, parse_case
from cocdata.store import Store, StoredCase


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    case_ids: list[str]


def read_lines(
    lines: Iterable[str], store: Store, source: str = "the file"
) -> tuple[list[Case], list[Problem]]:
    """Parse and check every line; return the cases and every problem found."""
    cases: list[Case] = []
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        if not line.lstrip().startswith("{"):
            problems.append(Problem("line", "must be one JSON object (one case) per line", where))
            continue
        case, found = parse_case(line, where)
        if case is None:
            problems += found
            continue
        found = check_case(case, store.vocab, where)
        if found:
            problems += found
            continue
        cases.append(case)
    if not cases and not problems:
        problems.append(Problem("file", f"{source} holds no cases"))
    return cases, problems


def import_lines(
    lines: Iterable[str],
    store: Store,
    by: str | None = None,
    update: bool = False,
    source: str = "the file",
) -> ImportResult:
    """Import JSON Lines into the store, all or nothing.

    A case id already in the store is refused unless ``update`` is set; cases
    without an id get a new code name.
    """
    cases, problems = read_lines(lines, store, source)
    existing = set(store.case_ids())
    seen: dict[str, int] = {}
    for number, case in enumerate(cases, start=1):
        cid = case.case_id
        if cid is None:
            continue
        if cid in seen:
            problems.append(
                Problem("case_id", f"{cid!r} appears twice in {source}", f"case {number}")
            )
        seen[cid] = number
        if cid in existing and not update:
            problems.append(
                Problem(
                    "case_id",
                    f"{cid!r} is already in the store; use --update to replace it with this version",
                    f"case {number} ({cid})",
                )
            )
    if problems:
        raise InvalidRecord(problems, f"The import of {source}")
    before = {cid: store.head_rev(cid) for cid in seen if cid in existing}
    saved = store.save_many([(c, None) for c in cases], by=by, update=update, checked=True)
    created = sum(1 for s in saved if s.rev == 1)
    unchanged = sum(1 for s in saved if before.get(s.case_id) == s.rev)
    return ImportResult(
        created, len(saved) - created - unchanged, unchanged, [s.case_id for s in saved]
    )


def import_file(
    path: Path, store: Store, by: str | None = None, update: bool = False
) -> ImportResult:
    """Import a JSON Lines file (see ``import_lines``)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return import_lines(fh, store, by=by, update=update, source=str(path))
    except FileNotFoundError:
        raise InvalidRecord([Problem("file", f"{path} does not exist")], "The import") from None
    except UnicodeDecodeError as exc:
        raise InvalidRecord(
            [Problem("file", f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8")],
            "The import",
        ) from None


def export_lines(cases: Iterable[StoredCase | Case]) -> Iterator[str]:
    """One interchange line per case."""
    for item in cases:
        case = item.case if isinstance(item, StoredCase) else item
        yield case.to_json() + "\n"


def write_export(
    store: Store,
    out: IO[str],
    case_ids: list[str] | None = None,
    by: str | None = None,
    destination: str = "standard output",
    code_names: bool = False,
) -> int:
    """Write the chosen cases (default: all) as JSON Lines; return how many.

    With ``code_names`` every person's name is replaced by their person code
    name and contacts and evidence names are left out
    (``people.with_code_names``): an export to share outside the team. The
    export is logged in the store's access log (who, when, which cases, to
    ``destination``) before the first line is written.
    """
    from cocdata import accesslog
    from cocdata.people import with_code_names

    items = [store.get(cid) for cid in case_ids] if case_ids else store.load_all()
    accesslog.record(
        store,
        "export",
        [i.case_id for i in items],
        f"JSON Lines{' with code names only' if code_names else ''} to {destination}",
        by=by,
    )
    cases = [with_code_names(i.case) if code_names else i.case for i in items]
    count = 0
    for line in export_lines(cases):
        out.write(line)
        count += 1
    return count


def json_schema() -> dict[str, Any]:
    """JSON Schema of one interchange line."""
    schema = Case.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cocdata case (one line of the JSON Lines interchange format)"
    return schema
