#!/usr/bin/env python
"""Answer relevance benchmark: does an answer quote the sentences that actually answer the question?

Run by hand from the repository root (not a pytest test):

    .venv/bin/python bench/bench_relevance.py tests/data/answer_relevance.yaml
    .venv/bin/python bench/bench_relevance.py tests/data/answer_relevance.yaml --wrong   # also list every miss

A case is `{id, question, history, style, expect}`: `expect` lists the article's sentences (verbatim) that a
good answer must quote (tests/data/retrieval.yaml's single `expect` string is read as a list of one). Each
case gets its own session; its earlier turns are asked first. Reported:

- answered: the reply is an answer (every case in such a set is answerable);
- key recall: the share of expected sentences among the answer's cited sentences, averaged over cases;
- complete: every expected sentence is cited;
- precision: the share of cited sentences that are expected (an answer may quote useful context, so this is
  a lower bound on how focused it is), and the mean number of cited sentences.

`--wrong` is for development sets only: a blind set's misses are not read. Nothing is written anywhere.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import uuid
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from tutor.config import Settings  # noqa: E402
from tutor.service import Tutor  # noqa: E402


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def score_case(case: dict, cited: list[str], answered: bool) -> dict:
    """Recall, completeness and precision of one reply's cited sentences against the expected ones."""
    cited_flat = [_flat(c) for c in cited]
    expected = [_flat(e) for e in ([case["expect"]] if isinstance(case["expect"], str) else case["expect"])]

    def quoted(sentence: str) -> bool:
        # A citation is one source sentence; an expected "sentence" may be a clause of it or span two of them.
        return any(sentence in c or c in sentence for c in cited_flat)

    found = [quoted(e) for e in expected]
    relevant = [any(e in c or c in e for e in expected) for c in cited_flat]
    return {
        "answered": answered,
        "recall": sum(found) / len(expected) if answered else 0.0,
        "complete": answered and all(found),
        "precision": sum(relevant) / len(relevant) if relevant else 0.0,
        "cited": len(cited_flat),
    }


def run(path: Path, wrong: bool) -> None:
    """Ask every case and print the summary table (and the misses with `wrong`)."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as data_dir:
        tutor = Tutor.load(Settings(data_dir=Path(data_dir)))
        try:
            rows = []
            for case in cases:
                session = uuid.uuid4().hex
                for turn in case.get("history") or []:
                    tutor.ask(turn, session)
                reply = tutor.ask(case["question"], session)
                cited = [c.text for c in sorted(reply.citations, key=lambda c: c.marker)]
                rows.append((case, reply, score_case(case, cited, reply.kind == "answer")))
        finally:
            tutor.close()
    groups: dict[str, list[dict]] = defaultdict(list)
    for case, _, score in rows:
        groups["all"].append(score)
        groups[str(case.get("style", "-"))].append(score)
    print(f"## Answer relevance on `{path}` ({len(rows)} cases)\n")
    print("| style | cases | answered | key recall | complete | precision | cited |")
    print("|---|---|---|---|---|---|---|")
    for style in ["all"] + sorted(k for k in groups if k != "all"):
        s = groups[style]
        answered = [x for x in s if x["answered"]]

        def mean(key: str, of: list[dict] = s) -> float:
            return sum(float(x[key]) for x in of) / len(of) if of else 0.0
        print(f"| {style} | {len(s)} | {mean('answered'):.3f} | {mean('recall'):.3f} | {mean('complete'):.3f} | "
              f"{mean('precision', answered):.3f} | {mean('cited', answered):.1f} |")
    if wrong:
        print("\n### Incomplete answers\n")
        for case, reply, score in rows:
            if not score["complete"]:
                print(f"- {case.get('id')} ({reply.kind}): {case['question']}")
                for c in sorted(reply.citations, key=lambda c: c.marker):
                    print(f"    cited: {c.text[:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--wrong", action="store_true", help="list incomplete answers (development sets only)")
    args = parser.parse_args()
    run(args.dataset, args.wrong)


if __name__ == "__main__":
    main()
