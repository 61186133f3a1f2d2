"""Export: cases as JSON Lines, to a stream or atomically to a file, logged in the access log.

An exported line carries the revision the case was at (``"revision": 3``),
right after the case id, so that ``import --update`` can tell an old line
from a current one. A file is written in full under a temporary name beside
the target and renamed only then: an export is either whole or not there,
and the access log records it once every line is written, before the file
appears.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from cocdata.errors import CocdataError, FileAccess
from cocdata.model import Case
from cocdata.store import Store, StoredCase
from cocdata.store.files import fsync_dir


def case_line(case: Case, revision: int | None = None) -> str:
    """One interchange line (with its newline); ``revision`` goes right after the case id."""
    text = case.to_json()
    if revision is not None:
        # case_id is a slug or null, so its JSON is known exactly.
        head = '{"case_id":' + json.dumps(case.case_id)
        assert text.startswith(head)
        text = f'{head},"revision":{revision}{text[len(head) :]}'
    return text + "\n"


def export_lines(cases: Iterable[StoredCase | Case]) -> Iterator[str]:
    """One interchange line per case; a stored case's line carries its revision."""
    for item in cases:
        if isinstance(item, StoredCase):
            yield case_line(item.case, item.rev)
        else:
            yield case_line(item)


def _chosen(store: Store, case_ids: list[str] | None) -> list[StoredCase]:
    return [store.get(cid) for cid in case_ids] if case_ids else store.load_all()


def _shared(items: list[StoredCase], code_names: bool) -> Iterator[str]:
    from cocdata.people import with_code_names

    for item in items:
        yield case_line(with_code_names(item.case) if code_names else item.case, item.rev)


def _what(code_names: bool, destination: str) -> str:
    return f"JSON Lines{' with code names only' if code_names else ''} to {destination}"


def write_export(
    store: Store,
    out: IO[str],
    case_ids: list[str] | None = None,
    by: str | None = None,
    destination: str = "standard output",
    code_names: bool = False,
) -> int:
    """Write the chosen cases (default: all) as JSON Lines to a stream; return how many.

    With ``code_names`` every person's name is replaced by their person code
    name and contacts and evidence names are left out
    (``people.with_code_names``): an export to share outside the team. A
    stream cannot be taken back, so the export is logged in the store's
    access log (who, when, which cases, to ``destination``) before the first
    line is written; if writing fails halfway, a second entry says which
    cases were written. To a file, use ``export_file``.
    """
    from cocdata import accesslog

    items = _chosen(store, case_ids)
    ids = [i.case_id for i in items]
    accesslog.record(store, "export", ids, _what(code_names, destination), by=by)
    count = 0
    try:
        for line in _shared(items, code_names):
            out.write(line)
            count += 1
        out.flush()
    except OSError as exc:
        # Should this entry fail too, the first one already names every case:
        # the log errs on the safe side.
        with contextlib.suppress(OSError, CocdataError):
            accesslog.record(
                store,
                "export",
                ids[:count],
                f"interrupted: only {count} of {len(ids)} case(s) written to {destination}",
                by=by,
            )
        raise CocdataError(
            f"The export to {destination} stopped after {count} of {len(ids)} case(s) "
            f"({exc.strerror or exc}).",
            "Export again to a file with --out; the access log says which cases were written.",
        ) from None
    return count


def export_file(
    store: Store,
    path: str | os.PathLike[str],
    case_ids: list[str] | None = None,
    by: str | None = None,
    code_names: bool = False,
) -> int:
    """Write the chosen cases (default: all) to the JSON Lines file ``path``; return how many.

    The file is readable by its owner only (it holds names). It is written in
    full under a temporary name beside ``path`` and renamed only then: a full
    disk or any other failure leaves no partial file and no temporary file,
    and nothing in the access log. The access log records the export once
    every line is written, before the file appears. See ``write_export`` for
    ``code_names``.
    """
    from cocdata import accesslog

    path = Path(path)
    items = _chosen(store, case_ids)
    count = 0
    with private_file(path) as fh:
        for line in _shared(items, code_names):
            fh.write(line)
            count += 1
        # Logged once every line is written and before the file appears.
        accesslog.record(
            store, "export", [i.case_id for i in items], _what(code_names, str(path)), by=by
        )
    return count


@contextlib.contextmanager
def private_file(path: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """A text file readable by its owner only, that appears at ``path`` whole or not at all.

    What is written goes to a temporary file beside ``path``; it is synced
    and renamed into place when the block ends without an error. A full disk
    or any other failure leaves no partial file and no temporary file, and an
    existing file at ``path`` untouched.
    """
    path = Path(path)
    _check_destination(path)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FileAccess.from_os_error(
            exc, path, "nothing was exported and no partial file was left"
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _check_destination(path: Path) -> None:
    nothing = "Nothing was exported."
    if path.is_dir():
        raise FileAccess(
            str(path),
            "Is a directory",
            f"Name a file inside it, like {path / 'cases.jsonl'}. {nothing}",
        )
    if path.parent.exists() and not path.parent.is_dir():
        raise FileAccess(
            str(path),
            "Not a directory",
            f"{path.parent} is a file, not a folder: choose another file with --out. {nothing}",
        )
    if not path.parent.is_dir():
        raise FileAccess(
            str(path),
            "No such file or directory",
            f"The folder {path.parent} does not exist: create it first, or choose another file "
            f"with --out. {nothing}",
        )
