#!/usr/bin/env python
"""Answerability benchmark: kind accuracy and confusion matrix of `Tutor.ask` on a labelled question set.

Run by hand from the repository root (not a pytest test):

    .venv/bin/python bench/bench_answerability.py                                  # tests/data/answerability.yaml
    .venv/bin/python bench/bench_answerability.py tests/data/answerability_fresh.yaml
    .venv/bin/python bench/bench_answerability.py evals/datasets/golden.yaml --wrong # also list every miss
    .venv/bin/python bench/bench_answerability.py --cross A.yaml B.yaml C.yaml       # leave-one-set-out

`--cross` tunes a few answerability thresholds on all sets but one and scores the one left out, for each
set in turn: how well the rules carry over to questions they were not tuned on. Retrieval runs once per
case; only the verdict is recomputed for each setting.

Two YAML layouts are read: the test layout (`question`, `history`, `kind`, by default `answer`) and the golden layout
(`turns`, the last one asked, and `expected_kind`). Every case gets its own session; earlier turns are
asked first in it. The tutor runs over corpus/ with a fresh data directory (deleted afterwards).

"Declined" counts a `safety` reply to a `not_in_material` question as right, as tests/test_answers.py
does: the safety layer may refuse a dose question before answerability sees it, and either way the
tutor does not guess. Nothing is written anywhere; the output is Markdown.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import yaml  # noqa: E402

from tutor.answerability import Answerability  # noqa: E402
from tutor.service import Tutor  # noqa: E402

KINDS = ["answer", "not_in_material", "out_of_scope", "safety", "crisis"]


def load_cases(path: Path) -> list[dict]:
    """Cases as {id, turns, kind}, from either YAML layout."""
    cases = []
    for i, raw in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
        if "turns" in raw:
            turns, kind = list(raw["turns"]), raw["expected_kind"]
        else:
            # tests/data/retrieval.yaml has no kinds: every question in it is answerable.
            turns, kind = list(raw.get("history") or []) + [raw["question"]], raw.get("kind", "answer")
        cases.append({"id": raw.get("id", f"#{i + 1}"), "turns": turns, "kind": kind})
    return cases


def run(tutor: Tutor, cases: list[dict]) -> list[dict]:
    """Ask every case in a fresh session; the reply kind of its last turn, with the verdict's reason."""
    results = []
    for case in cases:
        session = uuid.uuid4().hex
        for earlier in case["turns"][:-1]:
            tutor.ask(earlier, session)
        reply = tutor.ask(case["turns"][-1], session)
        results.append({**case, "got": reply.kind, "answer": reply.answer})
    return results


def right(expected: str, got: str) -> bool:
    return got == expected or (expected == "not_in_material" and got == "safety")


def report(results: list[dict], name: str, show_wrong: bool) -> str:
    """Markdown: accuracy, per-kind recall and precision, the confusion matrix, optionally the misses."""
    n = len(results)
    exact = sum(r["got"] == r["kind"] for r in results)
    declined = sum(right(r["kind"], r["got"]) for r in results)
    kinds = [k for k in KINDS if any(r["kind"] == k or r["got"] == k for r in results)]
    matrix = Counter((r["kind"], r["got"]) for r in results)
    lines = [f"## Answerability on `{name}` ({n} cases)", "",
             f"- kind accuracy: **{exact / n:.3f}** ({exact}/{n})",
             f"- accuracy counting a safety refusal of a not_in_material question as right: "
             f"**{declined / n:.3f}** ({declined}/{n})", "",
             "| expected | cases | recall | precision |", "|---|---|---|---|"]
    for k in kinds:
        gold = sum(1 for r in results if r["kind"] == k)
        predicted = sum(1 for r in results if r["got"] == k)
        hit = matrix[(k, k)]
        recall = f"{hit / gold:.3f}" if gold else "–"
        precision = f"{hit / predicted:.3f}" if predicted else "–"
        lines.append(f"| {k} | {gold} | {recall} | {precision} |")
    lines += ["", "Confusion (rows expected, columns got):", "",
              "| expected \\ got | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds)]
    for g in kinds:
        if any(r["kind"] == g for r in results):
            lines.append(f"| {g} | " + " | ".join(str(matrix[(g, p)]) for p in kinds) + " |")
    if show_wrong:
        wrong = [r for r in results if r["got"] != r["kind"]]
        lines += ["", f"Misses ({len(wrong)}):", ""]
        lines += [f"- `{r['id']}` {r['turns'][-1]!r}: expected {r['kind']}, got {r['got']}"
                  + (f" — {r['answer'][:90]!r}" if r["got"] != "answer" else "") for r in wrong]
    return "\n".join(lines)


# Thresholds tuned in --cross (name: candidates); the others keep their defaults.
# domain_core 9.0 and target_synonym_at -9.0 turn their rule off.
GRID = {"domain_core": [0.3, 0.35, 0.4, 0.5, 9.0], "target_synonym_at": [-9.0, 0.55, 0.6, 0.65],
        "synonym_at": [0.4, 0.45, 0.5]}


def record(tutor: Tutor, cases: list[dict]) -> list[dict]:
    """Ask every case once, keeping what the answerability verdict of its last turn was computed from."""
    calls: list[dict] = []
    judge = tutor.answerability.judge

    def recording(question, standalone, passages, ranked):
        calls.append({"args": (question, standalone, passages, ranked), "names_topic": tutor.guard.names_topic(standalone)})
        return judge(question, standalone, passages, ranked)

    tutor.answerability.judge = recording
    try:
        records = []
        for case in cases:
            session = uuid.uuid4().hex
            for earlier in case["turns"][:-1]:
                tutor.ask(earlier, session)
            calls.clear()
            reply = tutor.ask(case["turns"][-1], session)
            records.append({**case, "got": reply.kind, "call": calls[-1] if calls else None})
        return records
    finally:
        tutor.answerability.judge = judge


def rejudge(answerability: Answerability, records: list[dict]) -> list[dict]:
    """The reply kinds with another Answerability; replies that never reached it (safety) stay as they were."""
    results = []
    for r in records:
        got = r["got"]
        if r["call"] is not None:
            got = answerability.judge(*r["call"]["args"]).kind
            if got == "out_of_scope" and r["call"]["names_topic"]:  # as Tutor.stream does
                got = "not_in_material"
        results.append({**r, "got": got, "answer": ""})
    return results


def score(results: list[dict]) -> tuple[float, float, float]:
    """(accuracy with safety refusals of not_in_material right, answer recall, not_in_material recall)."""
    def recall(kind: str) -> float:
        cases = [r for r in results if r["kind"] == kind]
        return sum(right(kind, r["got"]) for r in cases) / len(cases) if cases else float("nan")
    return sum(right(r["kind"], r["got"]) for r in results) / len(results), recall("answer"), recall("not_in_material")


def cached_embed(tutor: Tutor):
    """The tutor's embedding function, remembering every text it has embedded (sweeps re-judge the same questions)."""
    cache: dict[str, np.ndarray] = {}

    def embed(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            cache.update(zip(missing, tutor._embed(missing), strict=True))
        return np.asarray([cache[t] for t in texts])

    return embed


def cross(tutor: Tutor, paths: list[Path]) -> str:
    """Leave-one-set-out: thresholds picked on the other sets (answer recall first), scored on the one left out."""
    embed = cached_embed(tutor)

    base = tutor.answerability
    records = {path: record(tutor, load_cases(path)) for path in paths}
    settings = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    scores = {}
    for i, params in enumerate(settings):
        answerability = Answerability(base.vocabulary, embed, base.vocabulary_vectors, domain=base.domain, **params)
        scores[i] = {path: rejudge(answerability, recs) for path, recs in records.items()}
    default = {k: getattr(base, k) for k in GRID}
    lines = ["## Leave-one-set-out", "", f"Grid: {GRID}; defaults {default}.", "",
             "| held out | chosen on the others | accuracy | answer recall | not_in_material recall "
             "| accuracy over tied settings | with the defaults |", "|---|---|---|---|---|---|---|"]
    for held in paths:
        train = [p for p in paths if p != held]

        def objective(i: int) -> tuple[float, float, int]:
            pooled = [r for p in train for r in scores[i][p]]
            accuracy, answer_recall, _ = score(pooled)
            # Declining what the material answers is worst; among equals, the setting nearest the defaults.
            distance = sum(settings[i][k] != default[k] for k in GRID)
            return (answer_recall, accuracy, -distance)

        best = max(scores, key=objective)
        accuracy, answer_recall, nim_recall = score(scores[best][held])
        # Settings the other sets cannot tell apart may differ on this one: the spread shows how much rests on
        # the tie-break towards the defaults.
        tied = [score(scores[i][held])[0] for i in scores if objective(i)[:2] == objective(best)[:2]]
        default_i = next((i for i, s in enumerate(settings) if s == default), None)
        base_acc = f"{score(scores[default_i][held])[0]:.3f}" if default_i is not None else "–"
        lines.append(f"| {os.path.relpath(held, REPO)} | {settings[best]} | {accuracy:.3f} | {answer_recall:.3f} "
                     f"| {nim_recall:.3f} | {min(tied):.3f}–{max(tied):.3f} ({len(tied)}) | {base_acc} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", type=Path, default=[REPO / "tests/data/answerability.yaml"])
    parser.add_argument("--wrong", action="store_true", help="list every case whose kind was wrong")
    parser.add_argument("--cross", action="store_true", help="leave-one-set-out over the datasets (two or more)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-answerability-") as tmp:
        tutor = Tutor.load(corpus_dir=REPO / "corpus", data_dir=Path(tmp) / "data")
        try:
            if args.cross:
                print(cross(tutor, args.datasets))
                return
            for path in args.datasets:
                print(report(run(tutor, load_cases(path)), os.path.relpath(path, REPO), args.wrong), "\n")
        finally:
            tutor.close()


if __name__ == "__main__":
    main()
