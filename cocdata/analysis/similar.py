"""Similar earlier cases: the guide's "compare the incident with previous ones you dealt".

For one case, every case whose report was received earlier is scored on four
grounds, each between 0 and 1, and the score is their weighted sum
(``WEIGHTS``):

- **people**: the share of the case's person code names that the earlier
  case names too (in any role; code names only, never names);
- **category**: the overlap of the two category sets (Jaccard index);
- **space**: 1 when both happened in the same kind of space;
- **description**: the cosine similarity of the descriptions as TF-IDF
  vectors (words split at white space, lower-cased, punctuation trimmed;
  words of three letters or more, common English words left out; smoothed
  inverse document frequency over every case given).

The result lists the best earlier cases with the score of each ground and
the reasons in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cocdata.analysis.tidy import arrow, explode_list, isin, lookup, positions, take, vocabularies
from cocdata.errors import NotFound
from cocdata.tables import Frames
from cocdata.vocab import Vocabularies

WEIGHTS = {"people": 0.4, "category": 0.2, "space": 0.1, "description": 0.3}
"""How much each ground counts in the score; they add up to 1."""
PUNCTUATION = "\"'.,;:!?()[]{}<>«»“”‘’-–—…/\\*_#@&%+=|~`^"
"""Trimmed from both ends of each word, so 'party,' and 'party' are one word."""
TEXT_REASON_THRESHOLD = 0.1
"""Description similarity from which it is named as a reason."""
MIN_WORD_LENGTH = 3

_STOP_WORDS_TEXT = """
    about above after again against all also and any are because been before being below
    between both but can could did does doing down during each few for from further had has
    have having her here hers herself him himself his how into its itself just more most
    not now off once only other our ours out over own same she should some such than that
    the their theirs them themselves then there these they this those through too under
    until very was were what when where which while who whom why will with would you your
    yours yourself yourselves one two three later said asked told went got get
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
"""Common English words left out of description similarity."""


@dataclass(frozen=True)
class DescriptionIndex:
    """TF-IDF weights of every description: sparse (document, term, weight) triples.

    Build it once with ``DescriptionIndex.build(frames.cases)`` to compare many
    cases against the same frames; ``similar_cases`` builds one when not given.
    """

    case_ids: pd.Index
    docs: np.ndarray
    terms: np.ndarray
    weights: np.ndarray
    norms: np.ndarray

    @classmethod
    def build(cls, cases: pd.DataFrame) -> DescriptionIndex:
        """Index the ``description`` column of a cases frame."""
        words = pc.utf8_split_whitespace(pc.utf8_lower(arrow(cases["description"])))
        flat = pc.utf8_trim(pc.list_flatten(words), PUNCTUATION)
        parents = pc.list_parent_indices(words)
        keep = pc.and_(
            pc.greater_equal(pc.utf8_length(flat), MIN_WORD_LENGTH),
            pc.invert(pc.is_in(flat, value_set=pa.array(sorted(STOP_WORDS)))),
        )
        flat, parents = flat.filter(keep), parents.filter(keep)
        term_ids = pc.dictionary_encode(flat).indices.to_numpy(zero_copy_only=False)
        docs = parents.to_numpy(zero_copy_only=False).astype(np.int64)
        n_docs = len(cases)
        n_terms = int(term_ids.max()) + 1 if len(term_ids) else 0
        # Distinct (document, term) pairs and their counts, by one sort of their keys.
        keys = np.sort(docs * max(n_terms, 1) + term_ids)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else keys
        pairs = keys[starts]
        counts = np.diff(np.r_[starts, len(keys)])
        pair_docs, pair_terms = pairs // max(n_terms, 1), pairs % max(n_terms, 1)
        doc_freq = np.bincount(pair_terms, minlength=n_terms)
        idf = np.log((1.0 + n_docs) / (1.0 + doc_freq)) + 1.0
        weights = (1.0 + np.log(counts)) * idf[pair_terms]
        norms = np.sqrt(np.bincount(pair_docs, weights=weights**2, minlength=n_docs))
        return cls(pd.Index(cases["case_id"]), pair_docs, pair_terms, weights, norms)

    def cosine(self, case_id: str) -> np.ndarray:
        """Cosine similarity of one case's description with every indexed one (in index order)."""
        position = self.case_ids.get_loc(case_id)
        own = self.docs == position
        query = np.zeros(int(self.terms.max()) + 1 if len(self.terms) else 0)
        query[self.terms[own]] = self.weights[own]
        query_norm = self.norms[position]
        if query_norm == 0:
            return np.zeros(len(self.case_ids))
        dots = np.bincount(
            self.docs, weights=self.weights * query[self.terms], minlength=len(self.case_ids)
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            out = dots / (self.norms * query_norm)
        return np.nan_to_num(out, nan=0.0)


def case_profile(frames: Frames, case_id: str, vocab: Vocabularies | None = None) -> pd.DataFrame:
    """The facts of one case that similarity compares, without names or description text.

    One row: ``case_id, event, made_at, categories, space, people`` (people
    as code names with their role).
    """
    vocab = vocabularies(vocab)
    cases = frames.cases
    rows = cases[cases["case_id"] == case_id]
    if rows.empty:
        raise NotFound(
            f"There is no case {case_id!r} among the selected cases.",
            "Check the code name, or widen the event, date and category filters.",
        )
    case = rows.iloc[0]
    people = frames.people[(frames.people["case_id"] == case_id) & frames.people["person"].notna()]
    events = frames.events.set_index("id")["name"]
    return pd.DataFrame(
        {
            "case_id": [case_id],
            "event": [events.get(case["event_id"], case["event_id"])],
            "made_at": [case["made_at"]],
            "categories": ["; ".join(vocab.label("categories", c) for c in case["categories"])],
            "space": [vocab.label("spaces", case["space"]) if pd.notna(case["space"]) else ""],
            "people": [", ".join(f"{p.person} ({p.role})" for p in people.itertuples())],
        }
    ).astype(
        {"case_id": "str", "event": "str", "categories": "str", "space": "str", "people": "str"}
    )


def _people_overlap(frames: Frames, target_row: int) -> tuple[np.ndarray, pd.DataFrame]:
    """Per case position, the share of the target's person codes it names; and the shared rows."""
    cases, people = frames.cases, frames.people
    coded = people[people["person"].notna().to_numpy()]
    rows = positions(coded["case_id"], cases["case_id"])
    coded = pd.DataFrame(
        {"row": rows, "person": coded["person"].to_numpy(), "role": coded["role"].to_numpy()}
    )
    codes = coded.loc[(coded["row"] == target_row).to_numpy(), "person"].unique()
    shared = coded[isin(coded["person"], codes) & (coded["row"] != target_row).to_numpy()]
    shared = shared[(shared["row"] >= 0).to_numpy()]
    distinct = shared[["row", "person"]].drop_duplicates()
    counts = np.bincount(distinct["row"].to_numpy(), minlength=len(cases))
    return counts / max(len(codes), 1), shared


def _category_overlap(frames: Frames, target_row: int) -> np.ndarray:
    """Per case position, the Jaccard index of its categories and the target's."""
    cases = frames.cases
    own = set(cases["categories"].iloc[target_row])
    pairs = explode_list(cases, "categories", []).drop_duplicates()
    sizes = np.bincount(pairs["row"].to_numpy(), minlength=len(cases))
    common = np.bincount(
        pairs["row"].to_numpy()[isin(pairs["categories"], own)], minlength=len(cases)
    )
    union = sizes + len(own) - common
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, common / union, 0.0)


def similar_cases(
    frames: Frames,
    case_id: str,
    limit: int = 10,
    vocab: Vocabularies | None = None,
    index: DescriptionIndex | None = None,
) -> pd.DataFrame:
    """The ``limit`` earlier cases most similar to ``case_id``, best first.

    Earlier means the report was received before this case's report. Only
    cases with a score above zero are listed. Columns: ``case_id, event_id,
    event, made_at, status, score, people_score, category_score,
    space_score, description_score, reasons`` (reasons name code names and
    labels, never names or description text).
    """
    vocab = vocabularies(vocab)
    cases = frames.cases.reset_index(drop=True)
    matches = np.flatnonzero((cases["case_id"] == case_id).to_numpy())
    if len(matches) == 0:
        raise NotFound(
            f"There is no case {case_id!r} among the selected cases.",
            "Check the code name, or widen the event, date and category filters.",
        )
    row = int(matches[0])
    target = cases.iloc[row]
    index = index if index is not None else DescriptionIndex.build(cases)
    text_rows = positions(cases["case_id"], pd.Series(index.case_ids))
    text = index.cosine(case_id)
    grounds = {
        "people": None,
        "category": _category_overlap(frames, row),
        "space": (cases["space"] == target["space"]).fillna(False).to_numpy(dtype="float64"),
        "description": np.where(text_rows >= 0, text[np.maximum(text_rows, 0)], 0.0),
    }
    grounds["people"], shared_people = _people_overlap(frames, row)
    score = sum(WEIGHTS[name] * values for name, values in grounds.items())
    made_at = cases["made_at"].to_numpy()
    candidates = np.flatnonzero((made_at < made_at[row]) & (score > 0))
    # Best score first; among equal scores the most recent report.
    order = np.lexsort([-made_at[candidates].astype("int64"), -score[candidates]])
    chosen = candidates[order[:limit]]
    best = pd.DataFrame(
        {
            "case_id": take(cases["case_id"], chosen),
            "event_id": take(cases["event_id"], chosen),
            "made_at": made_at[chosen],
            "status": take(cases["status"], chosen),
            "score": score[chosen],
            **{f"{name}_score": values[chosen] for name, values in grounds.items()},
        }
    )
    best["event"] = lookup(frames.events.set_index("id")["name"], best["event_id"])
    best["reasons"] = _reasons(best, chosen, target, cases, shared_people, vocab)
    columns = ["case_id", "event_id", "event", "made_at", "status", "score", "people_score"]
    columns += ["category_score", "space_score", "description_score", "reasons"]
    return best[columns]


def _reasons(
    best: pd.DataFrame,
    chosen: np.ndarray,
    target: pd.Series,
    cases: pd.DataFrame,
    shared_people: pd.DataFrame,
    vocab: Vocabularies,
) -> pd.Series:
    """The reasons of each listed case in words, joined with '; ' (a handful of rows)."""
    own_categories = set(target["categories"])
    space_label = vocab.label("spaces", target["space"]) if pd.notna(target["space"]) else ""
    shared = shared_people[isin(shared_people["row"].astype("str"), chosen.astype(str))]
    texts = []
    for position, item in zip(chosen, best.itertuples(), strict=True):
        parts = []
        people = shared[(shared["row"] == position).to_numpy()].sort_values(["person", "role"])
        if len(people):
            named = ", ".join(f"{p.person} ({p.role})" for p in people.itertuples())
            parts.append(f"same person: {named}")
        common = sorted(own_categories.intersection(cases["categories"].iloc[position]))
        if common:
            parts.append(
                "same category: " + ", ".join(vocab.label("categories", c) for c in common)
            )
        if item.space_score > 0:
            parts.append(f"same space: {space_label}")
        if item.description_score >= TEXT_REASON_THRESHOLD:
            parts.append(f"similar description ({item.description_score:.2f})")
        texts.append("; ".join(parts))
    return pd.Series(texts, index=best.index, dtype="str")
