"""The eval suite: dataset validation, metric formulas, the gate on broken backends, reports, determinism."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from evals import metrics as m
from evals.judging import JudgeQuality, meta_evaluate, split_pairs
from evals.report import write_reports
from evals.runner import CaseResult, EvalRun, Threshold, aggregate, check, evaluate, load_thresholds
from evals.schema import GOLDEN, GoldenCase, GoldenSet, JudgePair, corpus_texts, load_dataset, load_judge_meta
from tutor.grounding import Judge
from tutor.types import TutorReply

REPO = Path(__file__).resolve().parent.parent
SUBSET = ["mech-nmda-antagonist-01", "mech-glutamate-surge-01", "mech-bdnf-function-01", "risk-excitotoxicity-def-01",
          "overview-veterinary-01", "mech-vs-ssri-01", "nim-half-life-01", "oos-capital-france-01",
          "fp-activates-nmda-01"]


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    return corpus_texts(REPO / "corpus")


@pytest.fixture(scope="module")
def golden(corpus) -> GoldenSet:
    return load_dataset(GOLDEN, corpus)


@pytest.fixture(scope="module")
def subset(golden) -> GoldenSet:
    by_id = {c.id: c for c in golden.cases}
    return GoldenSet(name="subset", cases=[by_id[i] for i in SUBSET if i in by_id])


@pytest.fixture(scope="module")
def rules(embeddings) -> Judge:
    return Judge(embeddings)


# -- datasets ----------------------------------------------------------------------------------


def test_golden_set_is_valid_and_covers_the_kinds(golden):
    assert len(golden.cases) >= 60
    kinds = {c.expected_kind for c in golden.cases}
    assert {"answer", "not_in_material", "out_of_scope"} <= kinds
    assert {"false_premise", "follow_up", "misspelling", "paraphrase"} <= set(golden.categories())
    assert any(len(c.turns) > 1 for c in golden.cases)


def test_judge_meta_is_valid(corpus):
    pairs = load_judge_meta(corpus=corpus)
    assert len(pairs) >= 200
    assert {p.label for p in pairs} == {"supported", "unsupported", "contradicted"}


def test_a_quote_missing_from_the_corpus_fails_validation(corpus):
    case = {"id": "x", "category": "mechanism", "turns": ["q"], "expected_kind": "answer",
            "expected_passages": ["Ketamine activates NMDA receptors."]}
    with pytest.raises(ValidationError, match="not found verbatim"):
        GoldenCase.model_validate(case, context={"corpus": corpus})
    pair = {"id": "p", "claim": "c", "passages": ["The substance is never used."], "label": "supported"}
    with pytest.raises(ValidationError, match="not found verbatim"):
        JudgePair.model_validate(pair, context={"corpus": corpus})


def test_every_golden_quote_exists_in_the_corpus(golden, corpus):
    from evals.schema import locate

    for case in golden.cases:
        for quote in case.expected_passages:
            where = locate(quote, corpus)
            assert where is not None, (case.id, quote)
            assert corpus[where.source][where.start:where.end].split() == quote.split()


def test_schema_rejects_inconsistent_cases(corpus, tmp_path):
    with pytest.raises(ValidationError, match="needs expected passages"):
        GoldenCase(id="a", category="mechanism", turns=["q"], expected_kind="answer")
    with pytest.raises(ValidationError):
        GoldenCase(id="a", category="mechanism", turns=[], expected_kind="out_of_scope")
    path = tmp_path / "dupes.yaml"
    case = {"id": "same", "category": "out_of_scope", "turns": ["hi"], "expected_kind": "out_of_scope"}
    path.write_text(yaml.safe_dump([case, case]))
    with pytest.raises(ValidationError, match="duplicate"):
        load_dataset(path, corpus)


# -- metric formulas against hand-computed values ----------------------------------------------


def test_retrieval_metrics():
    ranked = [False, True, False, True]
    assert m.hit_at_k(ranked, 1) == 0.0
    assert m.hit_at_k(ranked, 3) == 1.0
    assert m.reciprocal_rank(ranked) == 0.5
    assert m.reciprocal_rank([False, False, True]) == pytest.approx(1 / 3)
    assert m.reciprocal_rank([False, False]) == 0.0
    assert m.precision_at_k(ranked, 3) == pytest.approx(1 / 3)
    assert m.precision_at_k([True, True], 3) == 1.0  # fewer than k retrieved: over what was retrieved
    assert math.isnan(m.precision_at_k([], 3))
    assert m.recall([True, False, True, True]) == 0.75
    assert math.isnan(m.recall([]))


def test_answer_metrics():
    assert m.faithfulness(["supported", "contradicted", "unsupported", "supported"]) == 0.5
    assert math.isnan(m.faithfulness([]))  # no claims: NaN, never a free 1.0
    assert m.citation_precision([True, True, False]) == pytest.approx(2 / 3)
    assert m.citation_recall([True, False]) == 0.5
    assert math.isnan(m.citation_precision([]))
    assert m.trap_hits("Ketamine’s effect ACTIVATES NMDA receptors.", ["ketamine's effect", "activates nmda",
                                                                       "serotonin"]) == ["ketamine's effect",
                                                                                         "activates nmda"]
    assert m.cosine(__import__("numpy").array([1.0, 0.0]), __import__("numpy").array([1.0, 1.0])) == \
        pytest.approx(2 ** -0.5)


def test_classification_metrics():
    gold = ["supported", "supported", "unsupported", "contradicted"]
    pred = ["supported", "unsupported", "unsupported", "supported"]
    matrix = m.confusion_matrix(gold, pred, ["supported", "unsupported", "contradicted"])
    assert matrix["supported"] == {"supported": 1, "unsupported": 1, "contradicted": 0}
    assert matrix["contradicted"]["supported"] == 1
    assert m.per_class_recall(matrix) == {"supported": 0.5, "unsupported": 1.0, "contradicted": 0.0}
    assert m.balanced_accuracy(matrix) == 0.5
    assert m.accuracy(gold, pred) == 0.5
    assert math.isnan(m.nanmean([None, float("nan")]))
    assert m.nanmean([1.0, None, 0.0]) == 0.5


def _case(id_: str, kind: str, expected: str, labels: list[str], hit: float | None = None, traps=()) -> CaseResult:
    claims = {"claims": len(labels), "supported": labels.count("supported"),
              "unsupported": labels.count("unsupported"), "contradicted": labels.count("contradicted"),
              "citations": len(labels), "supporting_citations": labels.count("supported"),
              "factual_sentences": len(labels), "sentences_supported_by_citation": labels.count("supported")}
    metrics = {"faithfulness": (labels.count("supported") / len(labels)) if labels else None}
    if hit is not None:
        metrics["hit_at_3"] = hit
    return CaseResult(id=id_, category="c", turns=["q"], question="q", expected_kind=expected, kind=kind,
                      kind_correct=kind == expected, answer="a", traps=list(traps), metrics=metrics, counts=claims)


def test_aggregate_by_hand():
    cases = [_case("a", "answer", "answer", ["supported", "supported", "supported", "contradicted"], hit=1.0),
             _case("b", "answer", "answer", ["supported"], hit=0.0, traps=["x"]),
             _case("c", "not_in_material", "answer", [], hit=1.0),
             _case("d", "out_of_scope", "out_of_scope", [])]
    values, counts = aggregate(cases)
    assert values["faithfulness"] == pytest.approx((0.75 + 1.0) / 2)  # mean over cases with claims
    assert values["faithfulness_pooled"] == pytest.approx(4 / 5)
    assert values["contradicted_claims"] == 1
    assert values["citation_precision"] == pytest.approx(4 / 5)
    assert values["kind_accuracy"] == 0.75
    assert values["hit_at_3"] == pytest.approx(2 / 3, abs=1e-4)  # reported to 4 decimals
    assert values["trap_violations"] == 1
    assert counts["claims"] == 5 and counts["answered"] == 2


def test_gate_checks_bounds_and_fails_on_nan():
    values = {"a": 0.97, "b": 0.0, "c": None, "d": 1.0}
    checks = check(values, [Threshold(metric="a", min=0.98), Threshold(metric="b", max=0),
                            Threshold(metric="c", min=0.5), Threshold(metric="d", min=0.95, max=1.0)])
    assert [c.passed for c in checks] == [False, True, False, True]
    assert checks[0].bound == "≥ 0.98"
    shipped = {t.metric: t for t in load_thresholds()}
    assert shipped["faithfulness"].min == 0.98 and shipped["contradicted_claims"].max == 0
    assert shipped["citation_precision"].min == 0.95 and shipped["hit_at_3"].min == 0.95
    assert shipped["kind_accuracy"].min == 0.95 and shipped["trap_violations"].max == 0


# -- the gate on the real tutor and on deliberately broken backends -----------------------------


class Recorded:
    """The real tutor, replies remembered per question (single-turn cases) to keep the tests quick."""

    def __init__(self, tutor):
        self.tutor = tutor
        self.embeddings = tutor.embeddings
        self.replies: dict[str, TutorReply] = {}

    def ask(self, question: str, session_id: str | None = None) -> TutorReply:
        if question not in self.replies:
            self.replies[question] = self.tutor.ask(question, session_id=session_id)
        return self.replies[question].model_copy(deep=True)

    def retrieve(self, standalone: str, question: str | None = None):
        return self.tutor.retrieve(standalone, question)


class WrongPassage:
    """A broken backend: every citation points at a sentence from elsewhere in the article."""

    name = "wrong-passage"
    OTHER = "The user may feel as though they are an observer of their own life."

    def __init__(self, inner, corpus: dict[str, str]):
        self.inner, self.corpus = inner, corpus

    def ask(self, question: str, session_id: str | None = None) -> TutorReply:
        reply = self.inner.ask(question, session_id)
        source, text = next(iter(self.corpus.items()))
        start = text.index(self.OTHER)
        reply.citations = [c.model_copy(update={"text": self.OTHER, "start": start, "end": start + len(self.OTHER)})
                           for c in reply.citations]
        return reply


class InventedFact:
    """A broken backend: each answer gains a confident sentence the article contradicts, with a citation."""

    name = "invented-fact"

    def __init__(self, inner):
        self.inner = inner

    def ask(self, question: str, session_id: str | None = None) -> TutorReply:
        reply = self.inner.ask(question, session_id)
        if reply.kind == "answer" and reply.citations:
            reply.answer += " Ketamine permanently increases serotonin in the hippocampus. [1]"
        return reply


GATE = [Threshold(metric="faithfulness", min=0.98), Threshold(metric="contradicted_claims", max=0),
        Threshold(metric="citation_precision", min=0.95), Threshold(metric="trap_violations", max=0)]


@pytest.fixture(scope="module")
def recorded(tutor):
    return Recorded(tutor)


@pytest.fixture(scope="module")
def honest_report(subset, recorded, rules, corpus):
    return evaluate(subset, recorded, judge=rules, thresholds=GATE, corpus=corpus)


def test_a_corrected_false_premise_is_counted(honest_report):
    fp = next(c for c in honest_report.cases if c.category == "false_premise")
    assert fp.counts["premises_corrected"] == 1, fp.answer
    assert honest_report.metrics["premises_corrected"] == 1.0
    assert honest_report.metrics["other_corrections"] == 0


def test_the_extractive_tutor_passes_the_grounding_gate(honest_report, subset):
    assert honest_report.backend == "extractive"
    assert honest_report.retrieval == "retrieve"
    assert honest_report.passed, [g for g in honest_report.gate if not g.passed]
    assert honest_report.metrics["faithfulness"] == 1.0
    assert honest_report.counts["claims"] > 0
    declines = [c for c in honest_report.cases if c.kind != "answer"]
    assert declines and all(c.metrics.get("faithfulness") is None for c in declines)  # NaN, not 1.0
    assert len(honest_report.cases) == len(subset.cases) == len(SUBSET)


def test_gate_fails_when_citations_point_at_the_wrong_passage(subset, recorded, rules, corpus, honest_report):
    report = evaluate(subset, WrongPassage(recorded, corpus), judge=rules, backend="wrong-passage", thresholds=GATE,
                      corpus=corpus)
    assert not report.passed
    failed = {g.metric for g in report.gate if not g.passed}
    assert "citation_precision" in failed
    assert report.metrics["citation_precision"] < honest_report.metrics["citation_precision"]
    assert report.retrieval == "citations"  # the wrapper has no retrieve(): metrics come from citations


def test_gate_fails_when_the_backend_invents_a_fact(subset, recorded, rules, corpus):
    report = evaluate(subset, InventedFact(recorded), judge=rules, backend="invented-fact", thresholds=GATE,
                      corpus=corpus)
    assert not report.passed
    assert report.metrics["faithfulness"] < 0.98
    invented = [s for c in report.cases for s in c.sentences if "serotonin in the hippocampus" in s.sentence]
    assert invented and all(s.verdict in ("unsupported", "contradicted") for s in invented)


def test_two_runs_give_identical_scores(subset, tutor, rules, corpus):
    first = evaluate(subset, tutor, judge=rules, thresholds=GATE, corpus=corpus)
    second = evaluate(subset, tutor, judge=Judge(tutor.embeddings), thresholds=GATE, corpus=corpus)
    assert first.scores() == second.scores()


# -- reports -----------------------------------------------------------------------------------


def test_report_files_are_well_formed(honest_report, subset, recorded, rules, corpus, tmp_path):
    broken = evaluate(subset, InventedFact(recorded), judge=rules, backend="invented-fact", thresholds=GATE,
                      corpus=corpus)
    quality = JudgeQuality(judge="rules", split="test", n=2, balanced_accuracy=1.0, recall={"supported": 1.0},
                           confusion={"supported": {"supported": 2}})
    run = EvalRun(dataset="subset", judge="rules", judge_quality=[quality], thresholds=GATE,
                  reports=[honest_report, broken])
    paths = write_reports(run, tmp_path / "out")
    summary = json.loads(paths["summary"].read_text())
    assert [r["backend"] for r in summary["reports"]] == ["extractive", "invented-fact"]
    assert "cases" not in summary["reports"][0]
    cases = json.loads(paths["cases"].read_text())
    assert [c["id"] for c in cases["extractive"]] == [c.id for c in subset.cases]
    page = paths["html"].read_text()
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    assert all(c.id in page for c in subset.cases)
    assert page.count("<svg") >= 3  # by backend, and by category per backend
    assert 's-contradicted' in page or 's-unsupported' in page  # the invented sentence is highlighted
    md = paths["markdown"].read_text()
    assert "**Gate: FAILED**" in md and "invented-fact" in md and "balanced accuracy 1.000" in md


# -- the judge's meta-evaluation and the command line ------------------------------------------


def test_split_is_stratified_and_disjoint():
    pairs = [JudgePair(id=f"p{i}", claim="c", passages=["x"], label=label)
             for i, label in enumerate(["supported"] * 10 + ["unsupported"] * 10 + ["contradicted"] * 10)]
    dev, test = split_pairs(pairs, "dev"), split_pairs(pairs, "test")
    assert {p.id for p in dev}.isdisjoint({p.id for p in test})
    assert len(dev) + len(test) == len(pairs)
    assert [sum(p.label == lab for p in dev) for lab in ("supported", "unsupported", "contradicted")] == [3, 3, 3]
    assert split_pairs(pairs, "dev") == dev  # fixed, not random


def test_meta_evaluate_scores_a_judge(rules):
    pairs = [JudgePair(id="a", claim="BDNF helps repair neuronal pathways.", label="supported",
                       passages=["BDNF encourages the growth of new synapses (connections between neurons) and helps "
                                 "repair neuronal pathways."]),
             JudgePair(id="b", claim="BDNF damages neuronal pathways.", label="contradicted",
                       passages=["BDNF encourages the growth of new synapses (connections between neurons) and helps "
                                 "repair neuronal pathways."]),
             JudgePair(id="c", claim="BDNF is made in the liver.", label="unsupported",
                       passages=["One of these is Brain-Derived Neurotrophic Factor (BDNF), which functions like a "
                                 "fertilizer for brain cells."])]
    quality = meta_evaluate(pairs, rules, "all")
    assert quality.n == 3 and quality.balanced_accuracy == 1.0
    assert quality.confusion["contradicted"]["contradicted"] == 1
    assert "balanced accuracy 1.000" in quality.line()


def test_cli_eval_writes_reports_and_exits_nonzero_when_the_gate_fails(tmp_path, capsys):
    from tutor.cli import main

    strict = tmp_path / "strict.yaml"
    strict.write_text("kind_accuracy: {min: 1.01}\n")
    out = tmp_path / "eval"
    code = main(["--corpus", str(REPO / "corpus"), "--data-dir", str(tmp_path / "data"), "eval", "--limit", "2",
                 "--no-judge-quality", "--thresholds", str(strict), "--out", str(out)])
    assert code == 1
    printed = capsys.readouterr().out
    assert "gate FAILED" in printed and "kind_accuracy" in printed
    assert json.loads((out / "summary.json").read_text())["reports"][0]["gate"][0]["passed"] is False
    assert (out / "report.html").exists() and (out / "report.md").exists()
