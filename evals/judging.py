"""Judges for the eval suite, and the meta-evaluation that measures how often a judge is right."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from evals.metrics import balanced_accuracy, confusion_matrix, per_class_recall
from evals.schema import DATASETS, JudgePair
from tutor.grounding import LABELS, Judge, Verdict
from tutor.types import Citation, SentenceSupport

Split = Literal["dev", "test", "all", "fresh"]
DEV_SHARE = 0.3  # the part of judge_meta.yaml used to set the judge's thresholds; the rest is held out
FRESH_META = DATASETS / "judge_meta_fresh.yaml"
"""A second set, written after the "test" split of judge_meta.yaml had been read (its split is "fresh":
every pair). Held out in round 2; its misses were read in round 3, so it is development data now."""
DEVELOPMENT_METAS = (DATASETS / "judge_meta.yaml", FRESH_META, DATASETS / "judge_meta_fresh2.yaml",
                     DATASETS / "judge_meta_fresh3.yaml", DATASETS / "judge_meta_fresh4.yaml")
"""Every labelled set whose misses have been read while the rules were written (judge_meta_fresh2.yaml was
the blind set of round 3 and was read in round 4; judge_meta_fresh3.yaml was the blind set of round 4 and was
read in round 5; judge_meta_fresh4.yaml was the blind set of rounds 5 and 6 and was read in round 7):
development data, not a held-out measurement. Each was written by a different author, so leave-one-set-out
over them is the proxy for a blind set."""
BLIND_META = DATASETS / "judge_meta_fresh5.yaml"
"""The blind set of round 7, written without looking at the judge. No default reads it: it is measured once,
by the lead, with `tutor judge-eval --meta evals/datasets/judge_meta_fresh5.yaml --split all`."""


class SupportJudge(Protocol):
    """What the suite needs from a judge (tutor.grounding.Judge and LLMJudge both fit)."""

    name: str

    def judge(self, claim: str, passages: Sequence[str]) -> Verdict: ...

    def judge_answer(self, answer: str, citations: Sequence[Citation],
                     context: Sequence[str] | None = None) -> list[SentenceSupport]: ...


def rules_judge(embeddings: Any = None) -> Judge:
    """The offline judge (MiniLM + rules); `embeddings` shares an already loaded model."""
    return Judge(embeddings)


JUDGES: dict[str, Callable[[Any], SupportJudge]] = {"rules": rules_judge}
"""Judges selectable by name on the command line. An LLM judge (tutor.grounding.LLMJudge) needs a chat
model object, so it is used from Python: `evaluate(dataset, tutor, judge=LLMJudge(chat_model))`."""


def make_judge(name: str, embeddings: Any = None) -> SupportJudge:
    """A judge by name; an unknown name is an error listing the valid ones."""
    try:
        factory = JUDGES[name]
    except KeyError:
        raise ValueError(f"unknown judge {name!r}; valid judges: {', '.join(JUDGES)}") from None
    return factory(embeddings)


def split_pairs(pairs: Sequence[JudgePair], split: Split) -> list[JudgePair]:
    """A fixed, label-stratified split: the first 30% of each label by a hash of the id is "dev";
    "all" and "fresh" (a file that is held out as a whole) take every pair."""
    if split in ("all", "fresh"):
        return list(pairs)
    dev: set[str] = set()
    for label in LABELS:
        ids = sorted((p.id for p in pairs if p.label == label),
                     key=lambda i: hashlib.sha1(f"judge-split|{i}".encode()).hexdigest())
        dev.update(ids[: round(len(ids) * DEV_SHARE)])
    return [p for p in pairs if (p.id in dev) == (split == "dev")]


class PairResult(BaseModel):
    """One meta-evaluation pair with the judge's answer."""

    id: str
    type: str
    claim: str
    gold: str
    predicted: str
    score: float
    reasons: list[str] = Field(default_factory=list)


class JudgeQuality(BaseModel):
    """How well a judge agrees with the hand labels."""

    judge: str
    split: Split
    n: int
    balanced_accuracy: float
    recall: dict[str, float]
    confusion: dict[str, dict[str, int]] = Field(description="{gold: {predicted: count}}")
    by_type: dict[str, float] = Field(default_factory=dict, description="Accuracy per kind of edit.")
    errors: list[PairResult] = Field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        """One line for reports: balanced accuracy and contradiction recall."""
        contra = self.recall.get("contradicted", float("nan"))
        where = "judge_meta_fresh" if self.split == "fresh" else "judge_meta"
        return (f"{self.judge} judge on {where} ({self.split}, n={self.n}): balanced accuracy "
                f"{self.balanced_accuracy:.3f}, contradiction recall {contra:.3f}")


def meta_evaluate(pairs: Sequence[JudgePair], judge: SupportJudge, split: Split = "test",
                  progress: Callable[[int, int], None] | None = None) -> JudgeQuality:
    """Run a judge over the labelled pairs of a split and score it."""
    chosen = split_pairs(pairs, split)
    started = time.perf_counter()
    results = []
    for i, pair in enumerate(chosen):
        verdict = judge.judge(pair.claim, pair.passages)
        results.append(PairResult(id=pair.id, type=pair.type, claim=pair.claim, gold=pair.label,
                                  predicted=verdict.label, score=verdict.score, reasons=verdict.reasons))
        if progress:
            progress(i + 1, len(chosen))
    matrix = confusion_matrix([r.gold for r in results], [r.predicted for r in results], LABELS)
    by_type: dict[str, list[bool]] = {}
    for r in results:
        by_type.setdefault(r.type, []).append(r.gold == r.predicted)
    return JudgeQuality(
        judge=getattr(judge, "name", type(judge).__name__), split=split, n=len(results),
        balanced_accuracy=round(balanced_accuracy(matrix), 4),
        recall={k: round(v, 4) for k, v in per_class_recall(matrix).items()}, confusion=matrix,
        by_type={t: round(sum(v) / len(v), 4) for t, v in sorted(by_type.items())},
        errors=[r for r in results if r.gold != r.predicted], seconds=round(time.perf_counter() - started, 2),
    )
