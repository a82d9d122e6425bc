"""Run a golden set through a tutor and score it: `evaluate(dataset, tutor) -> EvalReport`.

Only the tutor's public surface is used: `ask()` and the reply's fields, plus `retrieve()` when the
object has it (for retrieval metrics; without it they are computed from the reply's citations).
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import yaml
from pydantic import BaseModel, Field

from evals import metrics as m
from evals.judging import JudgeQuality, SupportJudge, rules_judge
from evals.schema import GoldenCase, GoldenSet, Quote, corpus_texts, locate
from tutor.errors import TutorError
from tutor.types import TutorReply

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.yaml"
KINDS = ["answer", "not_in_material", "out_of_scope", "safety", "crisis"]


class Askable(Protocol):
    """Anything that answers like `Tutor.ask` (the tutor itself, or a wrapper around it)."""

    def ask(self, question: str, session_id: str | None = None) -> TutorReply: ...


# -- results -----------------------------------------------------------------------------------


class SentenceResult(BaseModel):
    """One sentence of an answer and what the judge made of it."""

    sentence: str
    citations: list[int] = Field(default_factory=list)
    verdict: str
    score: float


class CitationResult(BaseModel):
    """One citation, whether it supports what cites it, and whether it is an expected passage."""

    marker: int
    section: str
    source: str
    start: int
    end: int
    text: str
    supports: bool
    expected: bool


class RetrievedPassage(BaseModel):
    """A retrieved (or, without `retrieve`, cited) passage in rank order."""

    rank: int
    section: str
    source: str
    start: int
    end: int
    relevant: bool


class CaseResult(BaseModel):
    """Everything measured for one case."""

    id: str
    category: str
    turns: list[str]
    question: str
    standalone_question: str = ""
    expected_kind: str
    kind: str
    kind_correct: bool
    answer: str
    reference_answer: str = ""
    expected_passages: list[str] = Field(default_factory=list)
    citations: list[CitationResult] = Field(default_factory=list)
    sentences: list[SentenceResult] = Field(default_factory=list)
    retrieved: list[RetrievedPassage] = Field(default_factory=list)
    traps: list[str] = Field(default_factory=list, description="must_not_say phrases found in the answer.")
    reply_backend: str = Field(default="", description="The `backend` field of the reply.")
    metrics: dict[str, float | None] = Field(default_factory=dict, description="None: not applicable (NaN).")
    counts: dict[str, int] = Field(default_factory=dict)
    error: str | None = None


class Threshold(BaseModel):
    """A bound on one aggregate metric."""

    metric: str
    min: float | None = None
    max: float | None = None


class GateCheck(BaseModel):
    """One threshold checked against a backend's aggregate."""

    metric: str
    value: float | None
    bound: str
    passed: bool


class EvalReport(BaseModel):
    """The result of one golden set through one backend."""

    dataset: str
    backend: str
    judge: str
    retrieval: Literal["retrieve", "citations"]
    k: int
    cases: list[CaseResult]
    metrics: dict[str, float | None]
    counts: dict[str, int]
    kind_confusion: dict[str, dict[str, int]] = Field(description="{expected kind: {actual kind: count}}")
    by_category: dict[str, dict[str, float | None]]
    gate: list[GateCheck] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(g.passed for g in self.gate)

    def scores(self) -> dict[str, Any]:
        """Everything that should be identical between two runs (no timings)."""
        return self.model_dump(exclude={"seconds"})


class EvalRun(BaseModel):
    """Several backends over one golden set, with the judge's measured quality and the gate."""

    dataset: str
    judge: str
    judge_quality: list[JudgeQuality] = Field(default_factory=list)
    thresholds: list[Threshold] = Field(default_factory=list)
    reports: list[EvalReport]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.reports)


# -- running -----------------------------------------------------------------------------------


def _num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 4)


def _overlaps(quote: Quote, source: str, start: int, end: int) -> bool:
    """Whether a span holds at least half of a quoted passage."""
    if source != quote.source:
        return False
    shared = min(end, quote.end) - max(start, quote.start)
    return shared >= 0.5 * (quote.end - quote.start)


def _passages(tutor: Any, reply: TutorReply) -> tuple[list[tuple[str, str, int, int]], str]:
    """(section, source, start, end) of the retrieved passages in rank order, and where they came from."""
    retrieve = getattr(tutor, "retrieve", None)
    if callable(retrieve):
        try:
            found = retrieve(reply.standalone_question or reply.question, reply.question)
        except TypeError:
            found = None
        if found is not None:
            passages = found[0] if isinstance(found, tuple) else found
            out = []
            for p in passages:
                chunk = getattr(p, "chunk", p)
                out.append((chunk.section, chunk.source, chunk.start, chunk.end))
            return out, "retrieve"
    seen, out = set(), []
    for c in reply.citations:
        if c.chunk_id not in seen:
            seen.add(c.chunk_id)
            out.append((c.section, c.source, c.start, c.end))
    return out, "citations"


def evaluate_case(case: GoldenCase, tutor: Askable, judge: SupportJudge, embed: Callable[[list[str]], np.ndarray],
                  corpus: dict[str, str], k: int = 3) -> tuple[CaseResult, str]:
    """Ask a case's turns in one fresh session and measure the last reply."""
    session = f"eval-{uuid.uuid4().hex}"
    reply: TutorReply | None = None
    try:
        for turn in case.turns:
            reply = tutor.ask(turn, session_id=session)
    except TutorError as exc:
        return CaseResult(id=case.id, category=case.category, turns=case.turns, question=case.question,
                          expected_kind=case.expected_kind, kind="error", kind_correct=False, answer="",
                          reference_answer=case.reference_answer, expected_passages=case.expected_passages,
                          metrics={}, counts={}, error=str(exc)), "citations"
    assert reply is not None
    quotes = [q for q in (locate(p, corpus) for p in case.expected_passages) if q is not None]

    # Retrieval: is an expected passage among the top k, and how high?
    retrieved, retrieval_source = _passages(tutor, reply)
    relevance = [any(_overlaps(q, src, s, e) for q in quotes) for _, src, s, e in retrieved]
    found = [any(_overlaps(q, src, s, e) for _, src, s, e in retrieved) for q in quotes]
    metrics: dict[str, float | None] = {}
    if quotes:
        metrics.update({
            "hit_at_1": m.hit_at_k(relevance, 1), f"hit_at_{k}": m.hit_at_k(relevance, k),
            "reciprocal_rank": round(m.reciprocal_rank(relevance), 4),
            f"context_precision_at_{k}": _num(m.precision_at_k(relevance, k)),
            "context_recall": _num(m.recall(found)),
        })

    # Grounding: judge each sentence against what it cites.
    sentences, citations = [], []
    counts = {"claims": 0, "supported": 0, "unsupported": 0, "contradicted": 0, "citations": len(reply.citations),
              "supporting_citations": 0, "factual_sentences": 0, "sentences_supported_by_citation": 0}
    if reply.kind == "answer":
        support = judge.judge_answer(reply.answer, reply.citations)
        sentences = [SentenceResult(sentence=s.sentence, citations=s.citations, verdict=s.verdict, score=s.score)
                     for s in support]
        claims = [s for s in sentences if s.verdict != "framing"]
        labels = [s.verdict for s in claims]
        counts.update(claims=len(claims), supported=labels.count("supported"),
                      unsupported=labels.count("unsupported"), contradicted=labels.count("contradicted"),
                      factual_sentences=len(claims),
                      sentences_supported_by_citation=sum(1 for s in claims if s.citations and s.verdict == "supported"))
        for c in reply.citations:
            citing = [s for s in claims if c.marker in s.citations]
            ok = any(judge.judge(s.sentence, [c.text]).label == "supported" for s in citing)
            citations.append(CitationResult(marker=c.marker, section=c.section, source=c.source, start=c.start,
                                            end=c.end, text=c.text, supports=ok,
                                            expected=any(_overlaps(q, c.source, c.start, c.end) for q in quotes)))
        counts["supporting_citations"] = sum(1 for c in citations if c.supports)
        metrics.update({
            "faithfulness": _num(m.faithfulness(labels)),
            "citation_precision": _num(m.citation_precision([c.supports for c in citations])),
            "citation_recall": _num(m.citation_recall([bool(s.citations) and s.verdict == "supported"
                                                       for s in claims])),
        })
        metrics["answer_relevance"] = None  # filled in one batch by `evaluate` (see _relevance)
    # Premises: a false premise should be corrected. A correction anywhere else is worth reading: right for a
    # yes/no question whose answer is no, wrong when it tells a learner who is right that they are wrong.
    corrected = reply.kind == "answer" and reply.corrected_premise is not None
    if case.category == "false_premise":
        counts["false_premises"], counts["premises_corrected"] = 1, int(corrected)
    else:
        counts["other_corrections"] = int(corrected)
    traps = m.trap_hits(reply.answer, case.must_not_say)
    counts["trap_hits"] = len(traps)
    result = CaseResult(
        id=case.id, category=case.category, turns=case.turns, question=case.question,
        standalone_question=reply.standalone_question, expected_kind=case.expected_kind, kind=reply.kind,
        kind_correct=reply.kind == case.expected_kind, answer=reply.answer, reference_answer=case.reference_answer,
        expected_passages=case.expected_passages, citations=citations, sentences=sentences,
        retrieved=[RetrievedPassage(rank=i + 1, section=sec, source=src, start=s, end=e, relevant=rel)
                   for i, ((sec, src, s, e), rel) in enumerate(zip(retrieved, relevance, strict=True))],
        traps=traps, reply_backend=reply.backend, metrics=metrics, counts=counts,
    )
    return result, retrieval_source


def _relevance(cases: Sequence[CaseResult], embed: Callable[[list[str]], np.ndarray]) -> None:
    """Answer relevance of every answered case: cosine of question and answer, embedded in one batch."""
    answered = [c for c in cases if "answer_relevance" in c.metrics]
    if not answered:
        return
    texts = []
    for c in answered:
        content = " ".join(s.sentence for s in c.sentences if s.verdict != "framing") or c.answer
        texts += [c.standalone_question or c.question, content]
    vectors = np.asarray(embed(texts))
    for i, c in enumerate(answered):
        c.metrics["answer_relevance"] = round(m.cosine(vectors[2 * i], vectors[2 * i + 1]), 4)


def aggregate(cases: Sequence[CaseResult], k: int = 3) -> tuple[dict[str, float | None], dict[str, int]]:
    """Headline metrics over cases (see docs/evals.md for each formula) and the counts behind them."""
    total = {key: sum(c.counts.get(key, 0) for c in cases)
             for key in ("claims", "supported", "unsupported", "contradicted", "citations", "supporting_citations",
                         "factual_sentences", "sentences_supported_by_citation", "trap_hits", "false_premises",
                         "premises_corrected", "other_corrections")}
    answered = [c for c in cases if c.kind == "answer"]

    def mean_of(name: str) -> float | None:
        return _num(m.nanmean(c.metrics.get(name) for c in cases))

    values: dict[str, float | None] = {
        "kind_accuracy": _num(m.accuracy([c.expected_kind for c in cases], [c.kind for c in cases])),
        "faithfulness": mean_of("faithfulness"),
        "faithfulness_pooled": _num(total["supported"] / total["claims"]) if total["claims"] else None,
        "contradicted_claims": float(total["contradicted"]),
        "unsupported_claims": float(total["unsupported"]),
        "citation_precision": _num(total["supporting_citations"] / total["citations"]) if total["citations"] else None,
        "citation_recall": (_num(total["sentences_supported_by_citation"] / total["factual_sentences"])
                            if total["factual_sentences"] else None),
        "hit_at_1": mean_of("hit_at_1"),
        f"hit_at_{k}": mean_of(f"hit_at_{k}"),
        "mrr": mean_of("reciprocal_rank"),
        f"context_precision_at_{k}": mean_of(f"context_precision_at_{k}"),
        "context_recall": mean_of("context_recall"),
        "trap_violations": float(sum(1 for c in cases if c.traps)),
        "answer_relevance": mean_of("answer_relevance"),
        "premises_corrected": (_num(total["premises_corrected"] / total["false_premises"])
                               if total["false_premises"] else None),
        "other_corrections": float(total["other_corrections"]),
    }
    counts = {"cases": len(cases), "answered": len(answered), "errors": sum(1 for c in cases if c.error), **total}
    return values, counts


def load_thresholds(path: Path | str = THRESHOLDS) -> list[Threshold]:
    """Thresholds from YAML: `metric: {min: x}` or `metric: {max: y}`."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [Threshold(metric=name, **(bounds or {})) for name, bounds in data.items()]


def check(values: dict[str, float | None], thresholds: Sequence[Threshold]) -> list[GateCheck]:
    """Each threshold against the aggregate; a metric that could not be computed fails."""
    checks = []
    for t in thresholds:
        value = values.get(t.metric)
        bounds, ok = [], value is not None
        if t.min is not None:
            bounds.append(f"≥ {t.min:g}")
            ok = ok and value >= t.min  # type: ignore[operator]
        if t.max is not None:
            bounds.append(f"≤ {t.max:g}")
            ok = ok and value <= t.max  # type: ignore[operator]
        checks.append(GateCheck(metric=t.metric, value=value, bound=" and ".join(bounds), passed=bool(ok)))
    return checks


def evaluate(dataset: GoldenSet, tutor: Askable, *, judge: SupportJudge | None = None, backend: str | None = None,
             k: int = 3, thresholds: Sequence[Threshold] | None = None, corpus: dict[str, str] | None = None,
             progress: Callable[[int, int], None] | None = None) -> EvalReport:
    """Run every case through `tutor` and score it.

    Args:
        dataset: the golden set (see `load_dataset`).
        tutor: a `Tutor`, or anything with the same `ask(question, session_id)`.
        judge: the support judge (default: the offline rules judge sharing the tutor's embeddings).
        backend: name to report (default: the `backend` field of the replies).
        k: the cut-off for hit@k and context precision@k.
        thresholds: checked against the aggregate; the result is in `report.gate`.
        progress: called with (done, total) after each case.
    """
    rules = rules_judge(getattr(tutor, "embeddings", None))
    judge = judge or rules
    embed = getattr(judge, "vectors", None) or rules.vectors
    corpus = corpus if corpus is not None else corpus_texts()
    started = time.perf_counter()
    cases, sources = [], set()
    for i, case in enumerate(dataset.cases):
        result, source = evaluate_case(case, tutor, judge, embed, corpus, k)
        cases.append(result)
        sources.add(source)
        if progress:
            progress(i + 1, len(dataset.cases))
    _relevance(cases, embed)
    values, counts = aggregate(cases, k)
    by_category = {cat: aggregate([c for c in cases if c.category == cat], k)[0] for cat in dataset.categories()}
    kinds = [c.kind for c in cases]
    used = [c.reply_backend for c in cases if c.kind == "answer" and c.reply_backend]
    name = backend or (max(sorted(set(used)), key=used.count) if used else "unknown")
    report = EvalReport(
        dataset=dataset.name, backend=name, judge=getattr(judge, "name", type(judge).__name__),
        retrieval="retrieve" if sources == {"retrieve"} else "citations", k=k, cases=cases, metrics=values,
        counts=counts, kind_confusion=m.confusion_matrix([c.expected_kind for c in cases], kinds, KINDS[:3]),
        by_category=by_category, seconds=round(time.perf_counter() - started, 2),
    )
    if thresholds is not None:
        report.gate = check(values, thresholds)
    return report
