"""The leak guard: a public report is written only if it shows nothing the store holds about people.

Before a transparency report is written, :class:`LeakGuard` reads its
rendered HTML and Markdown and looks for everything in the store that points
at a person (the *needles*):

- **names**: everyone involved in any case (``people.N.name``, the reporter
  in ``report.made_by``, the people met in ``timeline.N.with``) and every
  team member (``report.received_by``, ``timeline.N.by``, ``actions.N.by``,
  ``evidence.N.added_by``, who saved a revision);
- **contacts**: e-mail addresses, handles, phone numbers (``people.N.contact``);
- **code names**: every case code name and every person code name;
- **exact times** of the event's own cases: when each report was received,
  when the incident happened (where known to the hour or minute), each
  timeline step, action and evidence file.

What is scanned: the HTML as written, with HTML entities and the ``\\u``
escapes of embedded JSON undone (so text, attributes and the chart data are
all covered); the page's visible text, its descriptive attributes (labels,
titles, links) and the string values of each chart's data, read apart; and
the Markdown, with its backslash escapes undone.

How text matches a needle (the word rule):

- Both are folded (:func:`cocdata.reports.disguises.fold`): case, accents,
  compatibility forms and invisible characters are ignored (``José Núñez``
  matches ``JOSE NUNEZ``), look-alike letters of other scripts read as
  Latin ones, and cut into words at every character that is not a letter
  or a digit.
- Each surface is read as written, and also as rendered (Markdown and
  inline HTML marks gone, words split by a hyphen or a line break joined,
  spaced-out letters read as a word) and, for contacts, with e-mail
  disguises (``[at]``, `` dot ``) undone. A phone number is found by what
  it is, in any national or international form (``phonenumbers``).
- A needle matches whole words only: ``Ann`` does not match ``annual``.
- A needle of several words (``Jean-Luc Picard``, ``amber-falcon``,
  ``jo.smith@example.org``) matches those words in a row, joined by at most
  three spaces, hyphens, underscores, dots, apostrophes, ``@``, ``+`` or
  backslashes, and not by a full stop and a space: ``Jean_Luc.Picard``
  matches, ``... a person. A case ...`` never matches ``Person A``, nor do
  words in two table cells or on two lines.
- A needle of one word (a one-word name, each part of a longer name, a
  handle) is checked only when it has at least 3 characters and is not a
  common word (:data:`COMMON_WORDS`) or a word of the report's own text
  (the template's sentences, the vocabulary labels, event names): a person
  called ``Hall`` or ``Will`` is caught by their full name, not by "hall"
  or "will" in a sentence. Each needle is looked for in the page's text,
  descriptive attributes and chart strings, and in the Markdown.
- A needle that is itself part of the report's own words (a person named
  like an event) cannot be told apart from them and is not checked.
- A time matches when a date and a time of day in a common format
  (``2000-12-28T22:30``, ``28 December 2000, 22:30``, ``Dec 28, 2000
  10:30 pm``, ``28/12/2000 22.30``, ``29th December 2000, 9am``, or
  seconds or milliseconds since 1970 as chart data may hold them) name the
  same minute as a time of one of the event's cases. A date alone is never
  a finding: the event's dates are public.

A finding names the case and the field the needle comes from, and where in
the report it was seen, never the value itself: messages go to the
terminal, and even there a name should not be repeated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cocdata.errors import Leak, LeakFound
from cocdata.reports.disguises import Phones, fold, phone_number, variants
from cocdata.reports.leak_needles import (  # noqa: F401 (the kinds are the guard's public names)
    CASE_CODE,
    CONTACT,
    NAME,
    PART,
    PERSON_CODE,
    TEAM,
    TEAM_PART,
    TIME,
    Finding,
    Needle,
    Source,
    gather,
)
from cocdata.reports.leak_surfaces import (
    COMMON_WORDS,
    MAX_RUN,
    MIN_WORD,
    TITLES,
    WORD,
    joined,
    surfaces,
    without_titles,
    words,
)
from cocdata.reports.times import Minute, find_times, minute_of

if TYPE_CHECKING:
    from cocdata.store import Store


class LeakGuard:
    """The needles of one store, ready to check any number of reports against.

    ``allowed`` is the report's own text (template sentences, vocabulary
    labels, event names): its words are never taken for names on their own.
    """

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self._needles: dict[tuple[str, ...], Needle] = {}
        self._times: dict[str, dict[Minute, list[Source]]] = {}
        self.allowed_words: set[str] = set(COMMON_WORDS)
        self._allowed_runs: set[tuple[str, ...]] = set()
        for text in allowed:
            found = words(text)
            self.allowed_words.update(found)
            for n in range(2, MAX_RUN + 1):
                self._allowed_runs.update(found[i : i + n] for i in range(len(found) - n + 1))
        self._named: dict[str, set[tuple[str, ...]]] = {}
        self.unchecked = 0
        """Needles left out because they are the report's own words (see the module docstring)."""
        self._first: dict[str, list[Needle]] = {}
        self._single: dict[str, Needle] = {}
        self._phones: Phones[Needle] = Phones()
        self._words: dict[str, tuple[str, ...]] = {}
        self._ready = False

    # -- gathering ---------------------------------------------------------

    def add(self, kind: str, value: str | None, source: Source) -> None:
        """Hold ``value`` (a name, contact or code name) as a needle."""
        if not value or not value.strip():
            return
        found = self._words.get(value)
        if found is None:  # the same name is often held in several fields and cases
            found = self._words[value] = words(value)
        if not found:
            return
        self._put(kind, found, source)
        if kind in (NAME, TEAM):
            # "Dr. Jo Smith" is also written "Jo Smith", and "Smith
            # apologised" leaks as much as the full name does.
            core = without_titles(found)
            if core and core != found:
                self._put(kind, core, source)
            if len(core) > 1:
                for part in core:
                    self._put(PART if kind == NAME else TEAM_PART, (part,), source)
        if kind != CONTACT:
            return
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 7 and len(digits) >= len(re.sub(r"\s", "", value)) - 4:
            # A phone number, whatever its spacing or punctuation.
            needle = self._put(kind, (digits,), source)
            number = phone_number(value)
            if number is not None:
                # ... and in every national and international form.
                self._phones.add(number, needle)

    def allow_for(self, event_id: str, name: str) -> None:
        """Let the report of ``event_id`` show ``name`` (a team member the team chose to name)."""
        found = words(name)
        core = without_titles(found)
        named = self._named.setdefault(event_id, set())
        named.update({found, core, *((part,) for part in core)} - {()})

    def _put(self, kind: str, found: tuple[str, ...], source: Source) -> Needle:
        needle = self._needles.get(found)
        if needle is None:
            needle = self._needles[found] = Needle(kind, found)
        if len(needle.sources) < 50 and source not in needle.sources:
            needle.sources.append(source)
        self._ready = False
        return needle

    def add_time(self, event_id: str, value: Any, source: Source) -> None:
        """Hold an exact time of one of the event's cases."""
        self.hold_time(event_id, minute_of(value), source)

    def hold_time(self, event_id: str, minute: Minute | None, source: Source) -> None:
        """Hold a time already taken to the minute (None: nothing to hold)."""
        if minute is not None:
            self._times.setdefault(event_id, {}).setdefault(minute, []).append(source)

    @classmethod
    def from_store(cls, store: Store, allowed: Iterable[str] = ()) -> LeakGuard:
        """Every needle of the store: all names, contacts and code names, and each event's times."""
        from cocdata.team.recusal import seeing_all

        guard = cls(allowed)
        with seeing_all():  # a lead recused from a case still must not publish its names
            guard.add_frames(store.frames())
        return guard

    def add_frames(self, frames: Any, case_ids: Iterable[str] | None = None) -> None:
        """Gather the needles of a store's frames (see :meth:`from_store`), and the code
        names ``case_ids`` (by default those of the frames' cases)."""
        gather(self, frames, case_ids)

    def _prepare(self) -> None:
        if self._ready:
            return
        self._first, self._single = {}, {}
        self.unchecked = 0
        for found, needle in self._needles.items():
            if self._is_own_words(found):
                self.unchecked += 1
            elif len(found) == 1:
                self._single[found[0]] = needle
            else:
                self._first.setdefault(found[0], []).append(needle)
        self._ready = True

    def _is_own_words(self, found: tuple[str, ...]) -> bool:
        if len(found) == 1:
            word = found[0]
            return len(word) < MIN_WORD or word in self.allowed_words or word in TITLES
        return found in self._allowed_runs

    def _scan(
        self, text: str, singles: bool, only: str | None = None
    ) -> dict[tuple[str, ...], Needle]:
        """The needles in ``text`` (already folded); one-word ones only if ``singles``,
        and only needles of kind ``only`` if given.

        A word inside a longer needle found there (the surname of a full
        name) is not a finding of its own.
        """
        hits: dict[tuple[str, ...], Needle] = {}
        present = set(WORD.findall(text))
        if present.isdisjoint(self._first):
            # No longer needle can start here (the usual case, found at C speed):
            # only one-word needles, and none of them is inside a longer one.
            if singles:
                for word in present.intersection(self._single):
                    needle = self._single[word]
                    if only in (None, needle.kind):
                        hits[needle.words] = needle
            return hits
        tokens = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
        covered: set[int] = set()
        for i, (_, _, word) in enumerate(tokens):
            for needle in self._first.get(word, ()):
                n = len(needle.words)
                if only is not None and needle.kind != only:
                    continue
                if i + n > len(tokens):
                    continue
                if all(
                    tokens[i + j][2] == needle.words[j]
                    and joined(text[tokens[i + j - 1][1] : tokens[i + j][0]])
                    for j in range(1, n)
                ):
                    hits[needle.words] = needle
                    covered.update(range(i, i + n))
        if singles:
            for i, (_, _, word) in enumerate(tokens):
                needle = self._single.get(word)
                if needle is not None and i not in covered and only in (None, needle.kind):
                    hits[needle.words] = needle
        return hits

    def _scan_all(self, surface: str, singles: bool) -> list[Needle]:
        """The needles in a folded surface, plainly written or in disguise (see
        :mod:`cocdata.reports.disguises`)."""
        hits = self._scan(surface, singles)
        if singles:
            shown, unmasked = variants(surface)
            if shown != surface:
                hits.update(self._scan(shown, singles))
            if unmasked != shown:
                hits.update(self._scan(unmasked, singles, only=CONTACT))
            for needle in self._phones.find(surface):
                hits[needle.words] = needle
        return list(hits.values())

    def _scan_times(self, text: str, event_id: str) -> list[tuple[Minute, list[Source]]]:
        times = self._times.get(event_id)
        if not times:
            return []
        return [(m, times[m]) for m in sorted(find_times(text)) if m in times]

    def findings(
        self,
        event_id: str,
        texts: Mapping[str, str],
        summaries: Mapping[str, str] | None = None,
    ) -> list[Finding]:
        """Every needle seen in the rendered ``texts`` (by format: ``html``, ``md``).

        ``summaries`` (case id to public summary) lets a finding say which
        case's summary holds it.
        """
        self._prepare()
        seen: dict[tuple[str, str], tuple[str, tuple[Source, ...], set[str]]] = {}

        def note(kind: str, key: str, sources: Sequence[Source], where: str, fmt: str) -> None:
            entry = seen.setdefault((key, where), (kind, tuple(sources), set()))
            entry[2].add(fmt)

        folded_summaries = {
            cid: "\n".join(dict.fromkeys((fold(s), *variants(fold(s)))))
            for cid, s in (summaries or {}).items()
            if s
        }
        for fmt, text in texts.items():
            if fmt not in ("html", "md"):
                continue
            noted: set[str] = set()  # each needle once per format, where it shows most plainly
            for where, surface, singles in surfaces(fmt, text):
                for needle in self._scan_all(surface, singles):
                    if needle.words in self._named.get(event_id, ()):
                        continue
                    if needle.key not in noted:
                        noted.add(needle.key)
                        place = _in_summary(self, needle.words, folded_summaries) or where
                        note(needle.kind, needle.key, needle.sources, place, fmt)
                for minute, sources in self._scan_times(surface, event_id):
                    key = "{:04d}-{:02d}-{:02d} {:02d}:{:02d}".format(*minute)
                    if key not in noted:
                        noted.add(key)
                        note(TIME, key, sources, where, fmt)
        out = []
        for (key, where), (kind, sources, fmts) in seen.items():
            digest = hashlib.sha256(f"{event_id}\n{kind}\n{key}\n{where}".encode()).hexdigest()
            out.append(Finding(digest[:8], kind, sources, where, tuple(sorted(fmts))))
        return sorted(out, key=lambda f: (f.where, f.kind, f.id))

    def check(
        self,
        event_id: str,
        title: str,
        texts: Mapping[str, str],
        summaries: Mapping[str, str] | None = None,
        accept: Iterable[str] = (),
    ) -> list[Finding]:
        """Raise :class:`LeakFound` unless every finding's id is in ``accept``; return the accepted."""
        found = self.findings(event_id, texts, summaries)
        accepted = set(accept)
        blocking = [f for f in found if f.id not in accepted]
        if blocking:
            raise LeakFound(
                f"{title} was not written: it shows {len(blocking)} thing(s) the store holds "
                "about people:\n" + "\n".join(f"  - {f}" for f in blocking),
                "Rewrite the part named (usually the public summary) so that it names no one, "
                "and render again. If a finding is not a leak (an ordinary word that is also "
                "someone's name), publish anyway with --accept ID for each; that is recorded.",
                [
                    Leak(f.id, f.kind, s.field, s.case_id, f.where)
                    for f in blocking
                    for s in f.sources
                ],
            )
        return found


def _in_summary(
    guard: LeakGuard, needle: tuple[str, ...], summaries: Mapping[str, str]
) -> str | None:
    """'the public summary of case X' where the needle is in that case's summary."""
    for case_id, summary in summaries.items():
        tokens = WORD.findall(summary)
        n = len(needle)
        if any(tuple(tokens[i : i + n]) == needle for i in range(len(tokens) - n + 1)):
            return f"the public summary of case {case_id}"
    return None
