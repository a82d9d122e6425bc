#!/usr/bin/env python
"""Answerability benchmark: kind accuracy and confusion matrix of `Tutor.ask` on a labelled question set.

Run by hand from the repository root (not a pytest test):

    .venv/bin/python bench/bench_answerability.py                                  # tests/data/answerability.yaml
    .venv/bin/python bench/bench_answerability.py tests/data/answerability_fresh.yaml
    .venv/bin/python bench/bench_answerability.py evals/datasets/golden.yaml --wrong # also list every miss

Two YAML layouts are read: the test layout (`question`, `history`, `kind`) and the golden layout
(`turns`, the last one asked, and `expected_kind`). Every case gets its own session; earlier turns are
asked first in it. The tutor runs over corpus/ with a fresh data directory (deleted afterwards).

"Declined" counts a `safety` reply to a `not_in_material` question as right, as tests/test_answers.py
does: the safety layer may refuse a dose question before answerability sees it, and either way the
tutor does not guess. Nothing is written anywhere; the output is Markdown.
"""

from __future__ import annotations

import argparse
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

import yaml  # noqa: E402

from tutor.service import Tutor  # noqa: E402

KINDS = ["answer", "not_in_material", "out_of_scope", "safety", "crisis"]


def load_cases(path: Path) -> list[dict]:
    """Cases as {id, turns, kind}, from either YAML layout."""
    cases = []
    for i, raw in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
        if "turns" in raw:
            turns, kind = list(raw["turns"]), raw["expected_kind"]
        else:
            turns, kind = list(raw.get("history") or []) + [raw["question"]], raw["kind"]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", type=Path, default=[REPO / "tests/data/answerability.yaml"])
    parser.add_argument("--wrong", action="store_true", help="list every case whose kind was wrong")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-answerability-") as tmp:
        tutor = Tutor.load(corpus_dir=REPO / "corpus", data_dir=Path(tmp) / "data")
        try:
            for path in args.datasets:
                print(report(run(tutor, load_cases(path)), os.path.relpath(path, REPO), args.wrong), "\n")
        finally:
            tutor.close()


if __name__ == "__main__":
    main()
