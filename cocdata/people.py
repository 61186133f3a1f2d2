"""People across cases: person code names, merging and splitting them, and subject access.

The store gives everyone in a case a person code name (``Store._with_person_codes``),
the same across cases and events when the name or contact matches. The real
names and contacts sit only in each revision's ``identity`` column: that column
is the identity key. There is no second table mapping names to codes, because
a name is a fact of one report (how the reporter named someone, "the tall man
in the red shirt"), and a separate key would be one more copy to keep in step
with every save, to lock and to forget at expunge time; the name -> code index
is derived from the identity columns when needed and never written down.
Everything else (analysis, charts, public reports) works on code names.

Matching by name is a guess, so a team corrects it here:

- ``merge(store, keep, other)``: two codes are the same person; every case
  naming ``other`` names ``keep`` instead;
- ``split(store, code, case_ids)``: one code wrongly joins two people; the
  people with ``code`` in ``case_ids`` get a new code.

Both write a new revision of every case they change, as the current team
member, through the normal save: a case someone changed meanwhile makes the
whole change refused (nothing is half-done), and the history keeps the old
codes. Expunged cases are left as they are (they can no longer change).

``subject_access(store, code)`` gathers everything the store holds about one
person for a data-protection request.

Merging and splitting codes live in ``person_codes``, subject access in
``subject_access``; their public names are all here too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cocdata.model import Case
from cocdata.names import fold_name as fold
from cocdata.person_codes import CodeChange, merge, split, unknown_code
from cocdata.subject_access import MIN_NAME, TEXT_MEDIA, subject_access, write_subject_access

__all__ = [
    "MIN_NAME",
    "TEXT_MEDIA",
    "CodeChange",
    "merge",
    "split",
    "subject_access",
    "unknown_code",
    "with_code_names",
    "write_subject_access",
]

# -- code names only -----------------------------------------------------------------


def with_code_names(case: Case) -> Case:
    """The case with every person's name replaced by their person code name and contacts
    dropped, also where the names occur in free text; for exports that leave the team.

    Evidence names and notes are dropped (a file name often carries a name).
    Only names recorded in the case's people list can be found in its texts;
    the team still reads a shared export before it goes out.
    """
    codes: dict[str, str] = {}
    for p in case.people:
        for text in (p.name, p.contact):
            if text and p.person and len(text.strip()) >= MIN_NAME:
                codes.setdefault(fold(text), p.person)
    words = sorted(codes, key=len, reverse=True)
    # Case and spacing may differ in the texts ("person b", "Person\nB").
    pattern = (
        re.compile(
            r"(?<!\w)(?:"
            + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
            + r")(?!\w)",
            re.IGNORECASE,
        )
        if words
        else None
    )

    def swap(text: str | None) -> str | None:
        if text is None or pattern is None:
            return text
        return pattern.sub(lambda m: codes.get(fold(m.group(0)), m.group(0)), text)

    def swap_all(items: Sequence[str]) -> list[str]:
        return [swap(i) or i for i in items]

    r = case.report
    return case.model_copy(
        update={
            "report": r.model_copy(
                update={"made_by": swap(r.made_by), "made_where": swap(r.made_where)}
            ),
            "people": [
                p.model_copy(update={"name": p.person, "contact": None}) for p in case.people
            ],
            "description": swap(case.description),
            "timeline": [
                t.model_copy(
                    update={"with_": swap_all(t.with_), "text": swap(t.text), "why": swap(t.why)}
                )
                for t in case.timeline
            ],
            "actions": [a.model_copy(update={"text": swap(a.text)}) for a in case.actions],
            "decisions": case.decisions.model_copy(
                update={"organisers_must": swap(case.decisions.organisers_must)}
            ),
            "evidence": [
                e.model_copy(update={"name": f"evidence {i + 1}", "note": None})
                for i, e in enumerate(case.evidence)
            ],
        }
    )
