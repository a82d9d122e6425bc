#!/usr/bin/env python
"""Premise benchmark: does the tutor say so when a question rests on something the material contradicts?

Run by hand from the repository root (not a pytest test):

    .venv/bin/python bench/bench_premises.py                                # tests/data/premises.yaml
    .venv/bin/python bench/bench_premises.py tests/data/premises_fresh.yaml
    .venv/bin/python bench/bench_premises.py tests/data/premises_fresh2.yaml
    .venv/bin/python bench/bench_premises.py tests/data/premises_fresh3.yaml
    .venv/bin/python bench/bench_premises.py tests/data/premises_fresh4.yaml
    .venv/bin/python bench/bench_premises.py tests/data/premises_fresh5.yaml
    .venv/bin/python bench/bench_premises.py tests/data/premises_fresh6.yaml   # validation in session 15: counts only
    .venv/bin/python bench/bench_premises.py --wrong                        # also list every miss
    .venv/bin/python bench/bench_premises.py --stages                       # where each miss is lost
    .venv/bin/python bench/bench_premises.py --half 0                       # every other case (0 or 1)
    .venv/bin/python bench/bench_premises.py FILE --record runs.json        # also keep what the check saw
    .venv/bin/python bench/bench_premises.py FILE --replay runs.json        # re-run only the check on those

`--replay` re-runs `check_premise` and the service's decision on the rankings and answerability verdicts
recorded by `--record`, without asking the tutor again: it gives the same counts as a full run as long as
retrieval and answerability are unchanged (checked on premises_fresh3.yaml: 38/47, 2/42, 2/16 both ways).

Each case is a question with the statement it takes for granted and whether the article states it
(`true`), rules it out (`false`) or neither (`unknown`). A reply "corrects" when it opens with the
correction lead (tutor.answering.CORRECTION_LEAD). Wanted: every false premise corrected (or the
question declined), and no true one. Every case gets its own session; the tutor runs over corpus/
with a fresh data directory. Nothing is written; the output is Markdown.

Development sets (read and tuned on): premises.yaml, premises_fresh.yaml, premises_fresh2.yaml (blind in
session 10, development from session 11), premises_fresh3.yaml (blind in session 11, development from
session 12), premises_fresh4.yaml (blind in session 12, development from session 13, read from session 14),
premises_fresh5.yaml (blind in session 13, development from session 14, the validation set of session 14, read from
session 15), premises_fresh6.yaml (blind in session 14, development from session 15; in session 15 it is the validation
set: counted before and after each change, without --wrong or --stages, its items and misses not read). The blind set
of session 15, premises_fresh7.yaml, is measured once by the lead and never read.
"""

from __future__ import annotations

import argparse
import json
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

import tutor.service as service  # noqa: E402
from tutor.answering import CORRECTION_LEAD  # noqa: E402
from tutor.premise import check_premise, premises_of  # noqa: E402
from tutor.retrieval import ScoredSentence  # noqa: E402
from tutor.service import Tutor  # noqa: E402


def outcome(kind: str, answer: str) -> str:
    """corrected | answered | declined (not_in_material, out_of_scope, safety) from one reply."""
    if kind != "answer":
        return "declined"
    return "corrected" if answer.startswith(CORRECTION_LEAD) else "answered"


def run(tutor: Tutor, cases: list[dict]) -> list[dict]:
    """Ask every case in its own session and classify the reply; record what the premise check saw."""
    seen: dict = {}
    checked, judged = service.check_premise, tutor.answerability.judge

    def spy_check(question, ranked, judge, *args, **kwargs):
        seen["ranked"] = [s.sentence.text for s in ranked]
        seen["scored"] = [s.model_dump(mode="json") for s in ranked]
        seen["subject"] = kwargs.get("subject")
        seen["premise"] = checked(question, ranked, judge, *args, **kwargs)
        return seen["premise"]

    def spy_judge(*args, **kwargs):
        seen["verdict"] = judged(*args, **kwargs)
        return seen["verdict"]

    service.check_premise, tutor.answerability.judge = spy_check, spy_judge
    results = []
    try:
        for case in cases:
            seen.clear()
            reply = tutor.ask(case["question"], uuid.uuid4().hex)
            verdict = seen.get("verdict")
            results.append({**case, "got": outcome(reply.kind, reply.answer), "answer": reply.answer,
                            "stage": stage(tutor, case, seen),
                            "record": {"checked": "scored" in seen, "ranked": seen.get("scored"),
                                       "subject": seen.get("subject"),
                                       "verdict": verdict.model_dump(mode="json") if verdict is not None else None}})
    finally:
        service.check_premise, tutor.answerability.judge = checked, judged
    return results


def replay(tutor: Tutor, recorded: list[dict]) -> list[dict]:
    """The recorded cases with `got` recomputed by the premise check and the service's decision over the recorded
    ranking and verdict (a case the check never saw keeps its recorded outcome)."""
    results = []
    for case in recorded:
        record = case["record"]
        if not record["checked"]:
            results.append(case)
            continue
        ranked = [ScoredSentence.model_validate(s) for s in record["ranked"]]
        premise = check_premise(case["question"], ranked, tutor.judge, subject=record["subject"], pool=tutor.chunks)
        verdict = record["verdict"] or {"kind": "answer", "features": {}}
        unknown = [w for key in ("foreign", "target") for w in verdict["features"].get(key) or []]
        answered = verdict["kind"] == "answer"
        if premise is not None and (answered or (premise.swaps_entity and premise.exclusive)
                                    or premise.stands_despite(unknown)):
            got = "corrected"
        else:
            premise = None
            got = "answered" if answered else "declined"
        shown = f"[replayed] {premise.evidence[:90]}" if premise else "[replayed]"
        results.append({**case, "got": got, "answer": shown,
                        "stage": f"found: {premise.claim!r}" if premise else "replayed: no contradiction found"})
    return results


def stage(tutor: Tutor, case: dict, seen: dict) -> str:
    """Where a false premise is lost: no premise recovered, the deciding sentence not among the six checked, the
    judge not contradicting the claim with that sentence, or a premise found but the reply not corrected."""
    claims = premises_of(case["question"])
    verdict = seen.get("verdict")
    declined = f" [{verdict.kind}: {verdict.reason}]" if verdict is not None and verdict.kind != "answer" else ""
    if not claims:
        return "no premise" + declined
    if seen.get("premise") is not None:
        return f"found, not corrected{declined}: {seen['premise'].claim!r}"
    if "ranked" not in seen:
        return "not checked" + declined
    passage = case.get("passage")
    gold = [tutor.judge.judge(c, [passage]).label for c in claims] if passage else []
    top = any(passage and passage in s for s in seen["ranked"][:6])
    label = "judge" if "contradicted" not in gold else ("sentence" if not top else "combination")
    return f"{label} (rank {'top6' if top else 'out'}, alone {gold}){declined}: {claims!r}"


def report(results: list[dict], name: str, show_wrong: bool, stages: bool = False) -> str:
    """Markdown: correction recall on false premises, false corrections on true and unknown ones."""
    table = Counter((str(r["premise"]).lower(), r["got"]) for r in results)
    n = Counter(str(r["premise"]).lower() for r in results)
    false_n, true_n, unknown_n = n["false"], n["true"], n["unknown"]
    lines = [f"## Premises on `{name}` ({len(results)} questions)", "",
             f"- false premises corrected: **{table[('false', 'corrected')]}/{false_n}**"
             f" (declined {table[('false', 'declined')]}, answered without correcting {table[('false', 'answered')]})",
             f"- true premises wrongly corrected: **{table[('true', 'corrected')]}/{true_n}**"
             f" (declined {table[('true', 'declined')]})",
             f"- unknown premises corrected: {table[('unknown', 'corrected')]}/{unknown_n}"
             f" (declined {table[('unknown', 'declined')]})", "",
             "| premise | corrected | answered | declined |", "|---|---|---|---|"]
    for p in ("false", "true", "unknown"):
        lines.append(f"| {p} | " + " | ".join(str(table[(p, g)]) for g in ("corrected", "answered", "declined")) + " |")
    if show_wrong or stages:
        wanted = {"false": "corrected", "true": "answered", "unknown": "declined"}
        wrong = [r for r in results if r["got"] != wanted[str(r["premise"]).lower()]]
        lines += ["", f"Not as wanted ({len(wrong)}):", ""]
        lines += [f"- [{r['premise']}] {r['question']!r}: {r['got']} — {r['answer'][:100]!r}"
                  + (f"\n  - stage: {r['stage']}" if stages else "") for r in wrong]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", nargs="?", default=str(REPO / "tests" / "data" / "premises.yaml"))
    parser.add_argument("--wrong", action="store_true", help="list every question not handled as wanted")
    parser.add_argument("--stages", action="store_true", help="also say at which stage each miss was lost")
    parser.add_argument("--half", type=int, choices=(0, 1), help="only every other case, from this one (split halves)")
    parser.add_argument("--record", type=Path, help="write every case with what the check saw to this JSON file")
    parser.add_argument("--replay", type=Path, help="re-run only the check on the cases recorded in this JSON file")
    args = parser.parse_args()
    path = Path(args.dataset)
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    if args.half is not None:
        cases = cases[args.half::2]
    with tempfile.TemporaryDirectory(prefix="bench-premises-") as data:
        tutor = Tutor.load(corpus_dir=REPO / "corpus", data_dir=Path(data))
        try:
            if args.replay:
                recorded = {c["question"]: c for c in json.loads(args.replay.read_text(encoding="utf-8"))}
                results = replay(tutor, [recorded[c["question"]] for c in cases])
            else:
                results = run(tutor, cases)
            if args.record:
                args.record.write_text(json.dumps(results, indent=1), encoding="utf-8")
            print(report(results, path.name + ("" if args.half is None else f" half {args.half}")
                         + (" (replayed)" if args.replay else ""), args.wrong, args.stages))
        finally:
            tutor.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
