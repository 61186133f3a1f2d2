"""Similar earlier cases: the guide's "compare the incident with previous ones you dealt".

For one case, every case whose report was received earlier is scored on four
grounds, each between 0 and 1, and the score is their weighted sum
(``WEIGHTS``):

- **people**: the share of the case's person code names that the earlier
  case names too (in any role; code names only, never names);
- **category**: the overlap of the two category sets (Jaccard index);
- **space**: 1 when both happened in the same kind of space;
- **description**: the cosine similarity of the descriptions as TF-IDF
  vectors (words of three letters or more, common English words left out,
  smoothed inverse document frequency over every case given).

The result lists the best earlier cases with the score of each ground and
the reasons in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cocdata.analysis.tidy import lookup, vocabularies
from cocdata.errors import NotFound
from cocdata.tables import Frames
from cocdata.vocab import Vocabularies

WEIGHTS = {"people": 0.4, "category": 0.2, "space": 0.1, "description": 0.3}
"""How much each ground counts in the score; they add up to 1."""
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
        text = pa.array(cases["description"].fillna("").astype("str").to_numpy(), pa.string())
        words = pc.split_pattern_regex(pc.utf8_lower(text), r"[^\p{L}\p{N}]+")
        flat = pc.list_flatten(words)
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
        pairs, counts = np.unique(docs * max(n_terms, 1) + term_ids, return_counts=True)
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


def _people_overlap(frames: Frames, case_id: str) -> tuple[pd.Series, pd.Series]:
    """Per other case: share of this case's person codes it names, and the reasons."""
    people = frames.people[frames.people["person"].notna()][["case_id", "person", "role"]]
    own = people[people["case_id"] == case_id]
    codes = own["person"].drop_duplicates()
    if codes.empty:
        empty = pd.Series(dtype="float64")
        return empty, pd.Series(dtype="str")
    shared = people[people["person"].isin(codes) & (people["case_id"] != case_id)]
    shared = shared.drop_duplicates(["case_id", "person", "role"]).sort_values(
        ["case_id", "person", "role"]
    )
    share = shared.groupby("case_id")["person"].nunique() / len(codes)
    shared = shared.assign(text=shared["person"] + " (" + shared["role"] + ")")
    reasons = "same person: " + shared.groupby("case_id")["text"].agg(", ".join)
    return share, reasons


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
    target = cases.iloc[matches[0]]
    earlier = (cases["made_at"] < target["made_at"]).to_numpy()
    index = index if index is not None else DescriptionIndex.build(cases)
    text_score = pd.Series(index.cosine(case_id), index=index.case_ids)
    ids = cases["case_id"]
    people_score, people_reasons = _people_overlap(frames, case_id)
    own_categories = set(target["categories"])
    category_score = np.fromiter(
        (
            len(own_categories.intersection(c)) / len(own_categories.union(c))
            if own_categories or len(c)
            else 0.0
            for c in cases["categories"]
        ),
        dtype="float64",
        count=len(cases),
    )
    same_space = (cases["space"] == target["space"]).fillna(False).to_numpy(dtype=bool)
    scores = pd.DataFrame(
        {
            "case_id": ids,
            "event_id": cases["event_id"],
            "made_at": cases["made_at"],
            "status": cases["status"],
            "people_score": lookup(people_score, ids).fillna(0.0).to_numpy(),
            "category_score": category_score,
            "space_score": same_space.astype("float64"),
            "description_score": lookup(text_score, ids).fillna(0.0).to_numpy(),
        }
    )
    scores["score"] = sum(
        WEIGHTS[ground] * scores[f"{ground}_score"]
        for ground in ("people", "category", "space", "description")
    )
    best = scores[earlier & (scores["score"] > 0).to_numpy()]
    best = best.sort_values(["score", "made_at"], ascending=[False, False]).head(limit)
    best = best.reset_index(drop=True)
    best["event"] = lookup(frames.events.set_index("id")["name"], best["event_id"])
    best["reasons"] = _reasons(
        best,
        target,
        lookup(cases.set_index("case_id")["categories"], best["case_id"]),
        people_reasons,
        vocab,
    )
    columns = ["case_id", "event_id", "event", "made_at", "status", "score", "people_score"]
    columns += ["category_score", "space_score", "description_score", "reasons"]
    return best[columns]


def _reasons(
    best: pd.DataFrame,
    target: pd.Series,
    categories: pd.Series,
    people_reasons: pd.Series,
    vocab: Vocabularies,
) -> pd.Series:
    """The reasons of each listed case in words, joined with '; ' (a handful of rows)."""
    own_categories = set(target["categories"])
    space_label = vocab.label("spaces", target["space"]) if pd.notna(target["space"]) else ""
    texts = []
    for row, other_categories in zip(best.itertuples(), categories, strict=True):
        parts = []
        if row.case_id in people_reasons.index:
            parts.append(people_reasons[row.case_id])
        shared = sorted(own_categories.intersection(other_categories))
        if shared:
            names = ", ".join(vocab.label("categories", c) for c in shared)
            parts.append(f"same category: {names}")
        if row.space_score > 0:
            parts.append(f"same space: {space_label}")
        if row.description_score >= TEXT_REASON_THRESHOLD:
            parts.append(f"similar description ({row.description_score:.2f})")
        texts.append("; ".join(parts))
    return pd.Series(texts, index=best.index, dtype="str")
