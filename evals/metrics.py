"""Metric functions. Pure: lists in, numbers out. NaN means "nothing to measure", never a free 1.0.

Each formula is written out in docs/evals.md.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np

NAN = float("nan")


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else NAN


def nanmean(values: Iterable[float | None]) -> float:
    """Mean of the values that are numbers (None and NaN skipped); NaN when none are."""
    return _mean(v for v in values if v is not None and not math.isnan(v))


# -- retrieval ---------------------------------------------------------------------------------


def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    """1 if any of the first k retrieved passages is relevant, else 0."""
    return 1.0 if any(relevant[:k]) else 0.0


def reciprocal_rank(relevant: Sequence[bool]) -> float:
    """1 / rank of the first relevant passage (0 when none is); averaged over cases it is MRR."""
    for i, rel in enumerate(relevant):
        if rel:
            return 1.0 / (i + 1)
    return 0.0


def precision_at_k(relevant: Sequence[bool], k: int) -> float:
    """Share of the first k retrieved passages that are relevant (NaN when nothing was retrieved)."""
    top = list(relevant[:k])
    return _mean(1.0 if r else 0.0 for r in top)


def recall(found: Sequence[bool]) -> float:
    """Share of the expected items that were found (NaN when nothing was expected)."""
    return _mean(1.0 if f else 0.0 for f in found)


# -- answers -----------------------------------------------------------------------------------


def faithfulness(labels: Sequence[str]) -> float:
    """Supported claims / claims; NaN when there are no claims (a refusal is not 'perfectly faithful')."""
    return _mean(1.0 if label == "supported" else 0.0 for label in labels)


def citation_precision(supporting: Sequence[bool]) -> float:
    """Share of citations whose passage supports a sentence that cites it (NaN with no citations)."""
    return _mean(1.0 if s else 0.0 for s in supporting)


def citation_recall(supported_by_citation: Sequence[bool]) -> float:
    """Share of factual sentences supported by what they cite (NaN with no factual sentences)."""
    return _mean(1.0 if s else 0.0 for s in supported_by_citation)


def fold(text: str) -> str:
    """Lower-case, accents and typographic quotes folded, whitespace collapsed (for trap matching)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("—", "-"), ("–", "-")):
        text = text.replace(a, b)
    return " ".join(text.lower().split())


def trap_hits(answer: str, phrases: Sequence[str]) -> list[str]:
    """The must-not-say phrases that occur in the answer (case-insensitive substrings)."""
    folded = fold(answer)
    return [p for p in phrases if fold(p) and fold(p) in folded]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two vectors, clipped to [0, 1]."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0 or nb == 0:
        return 0.0
    return float(np.clip(float(np.dot(a, b)) / (na * nb), 0.0, 1.0))


# -- classification ----------------------------------------------------------------------------


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, dict[str, int]]:
    """{gold label: {predicted label: count}} over the given labels (others are added as they appear)."""
    names = list(labels) + sorted({x for x in [*gold, *predicted] if x not in labels})
    matrix = {g: {p: 0 for p in names} for g in names}
    for g, p in zip(gold, predicted, strict=True):
        matrix[g][p] += 1
    return matrix


def per_class_recall(matrix: dict[str, dict[str, int]]) -> dict[str, float]:
    """Recall of each gold label that occurs (correct / gold count)."""
    out = {}
    for g, row in matrix.items():
        total = sum(row.values())
        if total:
            out[g] = row.get(g, 0) / total
    return out


def balanced_accuracy(matrix: dict[str, dict[str, int]]) -> float:
    """Mean per-class recall over the gold labels that occur."""
    return _mean(per_class_recall(matrix).values())


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of exact matches (NaN for no items)."""
    return _mean(1.0 if g == p else 0.0 for g, p in zip(gold, predicted, strict=True))
