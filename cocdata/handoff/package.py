"""The case package: one JSON file a receiving body's cocdata imports.

A package is::

    {"format": "cocdata-case-package", "version": 1,
     "sha256": "<SHA-256 of the canonical JSON of content>",
     "content": {"recipient": ..., "sender": {...}, "left_out": [...],
                 "link_key_id": ... or null, "case": {...}}}

``content.case`` is a case in the interchange format as of the forwarded
revision, under the forwarding redaction: with ``names`` and ``contacts``
left out nobody's name or contact is in it; each person carries a package-
local label (``p1``, ``p2``: the same label for the same person within the
case) and, made with a linkage key, keyed pseudonyms (``linkage``). Free text
written by the team (description, places, timeline and action texts) can name
people in ways no rule finds, so a package leaves it out unless the redaction
is given explicitly without ``description`` and ``timeline``. Evidence content
never travels; with ``evidence`` left out not even its list. The public
summary, written for publication, is kept.

The hash is over ``content`` as canonical JSON (sorted keys, no spaces,
UTF-8), so any changed byte of the content, or a cut-short file, is caught
before anything is read into a store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from cocdata.case_checks import problems_from
from cocdata.errors import PackageError, Problem
from cocdata.handoff.linkage import LinkKey
from cocdata.model import Action, Case, Person, Record, TimelineEntry
from cocdata.names import fold_name, identifies_someone

FORMAT = "cocdata-case-package"
VERSION = 1
SUFFIX = ".cocpkg.json"
LEFT_OUT = "[left out of this copy]"

#: Parts of a case a package leaves out unless the redaction is given explicitly.
FREE_TEXT = ("description", "timeline")


class Sender(Record):
    """Who forwarded the case: the sending team's organisation, event, member, time, revision."""

    organisation: str = Field(min_length=1, description="The sending team's organisation.")
    event_id: str
    event_name: str
    forwarded_by: str = Field(description="The team member who forwarded it.")
    forwarded_at: dt.datetime
    case_id: str = Field(description="The case's code name in the sending team's store.")
    rev: int = Field(ge=1, description="The revision of the case that was forwarded.")


class Content(Record):
    """What the package's SHA-256 covers."""

    recipient: str = Field(min_length=1, description="The body the package is meant for.")
    sender: Sender
    left_out: list[str] = Field(description="Parts of the case left out (redaction).")
    link_key_id: str | None = Field(
        default=None, description="Fingerprint of the linkage key the pseudonyms were made with."
    )
    decided_by: str = Field(description="Who decided the finding and actions: the sending team.")
    case: Case


class PackageFile(Record):
    """A case package file, as written by ``cocdata forward --package``."""

    format: Literal["cocdata-case-package"]
    version: int
    sha256: str
    content: Content


def canonical_bytes(content: dict[str, Any]) -> bytes:
    """The bytes the package hash is taken over."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``content``."""
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a case package file (``cocdata schema --package``)."""
    schema = PackageFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"cocdata case package, format version {VERSION}"
    return schema


# -- making a package ------------------------------------------------------------


class _Hider:
    """Replaces the case's people's names in free text with their roles."""

    def __init__(self, people: list[Person]) -> None:
        self.roles: dict[str, str] = {}
        for p in people:
            if p.name and identifies_someone(p.name):
                self.roles.setdefault(fold_name(p.name), f"[{p.role}]")
        words = sorted(self.roles, key=len, reverse=True)
        self.pattern = (
            re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
            if words
            else None
        )

    def text(self, value: str | None) -> str | None:
        if value is None or self.pattern is None:
            return value
        return self.pattern.sub(lambda m: self.roles.get(fold_name(m.group(0)), "[person]"), value)

    def names(self, items: list[str]) -> list[str]:
        return [self.roles.get(fold_name(n), n) for n in items]


def package_case(case: Case, left_out: frozenset[str], link_key: LinkKey | None) -> Case:
    """The case as it travels: redacted, people labelled per package and pseudonymised."""
    hide_names, hide_contacts = "names" in left_out, "contacts" in left_out
    hide_desc, hide_timeline = "description" in left_out, "timeline" in left_out
    hider = _Hider(case.people) if hide_names else None

    def free(value: str | None, hidden: bool) -> str | None:
        if value is None:
            return None
        if hidden:
            return LEFT_OUT
        return hider.text(value) if hider else value

    labels: dict[str, str] = {}
    people = []
    for i, p in enumerate(case.people):
        key = p.person or f"#{i}"
        label = labels.setdefault(key, f"p{len(labels) + 1}")
        links = link_key.pseudonyms(p.name, p.contact) if link_key else []
        people.append(
            Person(
                # Left out as nothing at all: a stand-in text would fold to one
                # person key shared by everybody received.
                name=None if hide_names else p.name,
                contact=None if hide_contacts else p.contact,
                role=p.role,
                person=label,
                links=links,
            )
        )
    report = case.report.model_copy(
        update={
            "made_by": (LEFT_OUT if hide_names and case.report.made_by else case.report.made_by),
            "made_where": free(case.report.made_where, hide_desc),
        }
    )
    occurred = case.occurred.model_copy(update={"where": free(case.occurred.where, hide_desc)})
    keep_evidence = "evidence" not in left_out
    timeline = [
        TimelineEntry(
            at=t.at,
            by=t.by,
            kind=t.kind,
            with_=[] if hide_timeline else (hider.names(t.with_) if hider else t.with_),
            text=free(t.text, hide_timeline),
            reaction=t.reaction,
            why=free(t.why, hide_timeline),
            evidence=t.evidence if keep_evidence else [],
        )
        for t in case.timeline
    ]
    actions = [
        Action(kind=a.kind, text=free(a.text, hide_timeline), at=a.at, by=a.by)
        for a in case.actions
    ]
    evidence = (
        [e.model_copy(update={"note": free(e.note, hide_desc)}) for e in case.evidence]
        if keep_evidence
        else []
    )
    decisions = case.decisions.model_copy(
        update={"organisers_must": free(case.decisions.organisers_must, hide_desc)}
    )
    return case.model_copy(
        update={
            "case_id": None,
            "report": report,
            "occurred": occurred,
            "people": people,
            "description": free(case.description, hide_desc),
            "timeline": timeline,
            "actions": actions,
            "decisions": decisions,
            "evidence": evidence,
        }
    )


def build(
    case: Case,
    rev: int,
    recipient: str,
    left_out: frozenset[str],
    forwarded_by: str,
    link_key: LinkKey | None = None,
    organisation: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The package of ``case`` at revision ``rev`` for ``recipient``, as JSON data."""
    assert case.case_id is not None
    org = " ".join((organisation or case.event.organiser or case.event.name).split())
    sender = Sender(
        organisation=org,
        event_id=case.event.id,
        event_name=case.event.name,
        forwarded_by=forwarded_by,
        forwarded_at=(now or dt.datetime.now()).replace(microsecond=0),
        case_id=case.case_id,
        rev=rev,
    )
    content = Content(
        recipient=recipient,
        sender=sender,
        left_out=sorted(left_out),
        link_key_id=link_key.key_id if link_key else None,
        decided_by=org,
        case=package_case(case, left_out, link_key),
    ).model_dump(mode="json", by_alias=True)
    return {"format": FORMAT, "version": VERSION, "sha256": digest(content), "content": content}


def write(data: dict[str, Any], path: Path) -> Path:
    """Write a package atomically (temporary file, fsync, rename), readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        # Format and version first, so even a cut-short file says what it was.
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    return path


# -- reading a package ----------------------------------------------------------


def _refuse(path: Path, problem: str, hint: str) -> PackageError:
    return PackageError(f"{path.name} was not received: {problem}. Nothing was written.", hint)


def read(path: str | os.PathLike[str], recipient: str | None = None) -> tuple[Content, str]:
    """Read and check a package file: its format, version, hash, recipient and case.

    Returns the content and its SHA-256; raises ``PackageError`` naming the
    problem (nothing is read into any store before this passed).
    """
    source = Path(path)
    resend = "Ask the sending team to forward the case again with 'cocdata forward --package'."
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise _refuse(source, "there is no such file", "Check the path.") from None
    except OSError as exc:
        raise _refuse(source, f"it cannot be read ({exc.strerror})", "Check the path.") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        looks_cut = raw.lstrip().startswith(b"{") and b'"cocdata-case-package"' in raw
        problem = (
            "it is cut short or damaged (its JSON does not end properly)"
            if looks_cut
            else "it is not a cocdata case package (not JSON)"
        )
        raise _refuse(source, problem, resend) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _refuse(
            source,
            'it is not a cocdata case package (no "format": "cocdata-case-package")',
            "Receive only files made by 'cocdata forward --package'.",
        )
    version = data.get("version")
    if version != VERSION:
        raise _refuse(
            source,
            f"it has package format version {version!r}, and this cocdata reads version "
            f"{VERSION} only",
            "Update cocdata if the package is newer, or ask the sender to forward it again.",
        )
    content = data.get("content")
    if not isinstance(content, dict) or not isinstance(data.get("sha256"), str):
        raise _refuse(source, "it has no content or no SHA-256", resend)
    if digest(content) != data["sha256"]:
        raise _refuse(
            source,
            "its content does not match its SHA-256, so it was changed after it was made",
            resend,
        )
    try:
        parsed = PackageFile.model_validate(data)
    except ValidationError as exc:
        problems = problems_from(exc, source.name)
        raise _refuse(
            source, "its content is not a valid package: " + _listed(problems), resend
        ) from None
    if recipient is not None and fold_name(parsed.content.recipient) != fold_name(recipient):
        raise _refuse(
            source,
            f"it is meant for {parsed.content.recipient!r}, not for {recipient!r}",
            "Pass it on to the body it names, or check --body.",
        )
    return parsed.content, data["sha256"]


def _listed(problems: list[Problem]) -> str:
    return "; ".join(f"{p.field} {p.message}" for p in problems[:5]) + (
        f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    )
