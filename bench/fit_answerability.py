#!/usr/bin/env python
"""Fit the answerability decision (answer vs not_in_material) on the development sets, by leave-one-set-out.

Run by hand from the repository root (not a pytest test):

    .venv/bin/python bench/fit_answerability.py record          # ask every case once, keep what judge saw
    .venv/bin/python bench/fit_answerability.py fit             # LOSO of the rules and of the fitted decision
    .venv/bin/python bench/fit_answerability.py candidates      # LOSO of each round-6 candidate signal as a rule
    .venv/bin/python bench/fit_answerability.py verdicts [--wrong] [--json F]  # the current rules on the recorded cases
                                                 # (misses and items of VALIDATION_SETS are never printed)

`record` runs the full pipeline once per case and stores each last turn's judge arguments (question,
standalone, passages, ranked sentences) in a pickle under the system temp directory, so `fit` can recompute
the signals (`Answerability.signals`) and refit in seconds. The development sets are the labelled ones the
answerability rounds have read; the blind set of the current round is never listed here.

`fit` prints, for each set left out: kind accuracy, answer recall and not_in_material recall of the rules alone
and of the logistic decision fitted on the other sets, then the coefficients fitted on all sets (what
`tutor/answerability.py` stores).
"""

from __future__ import annotations

import argparse
import os
import re
import pickle
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import numpy as np  # noqa: E402

from bench_answerability import cached_embed, load_cases, record, rejudge, right  # noqa: E402
from tutor.premise import premises_of  # noqa: E402
from tutor.service import Tutor  # noqa: E402

# Development sets only (their misses have been read). Never add the blind set of the running round.
DEV_SETS = ["tests/data/answerability.yaml", "tests/data/answerability_fresh.yaml",
            "tests/data/answerability_fresh2.yaml", "tests/data/answerability_fresh3.yaml",
            "tests/data/answerability_fresh4.yaml", "tests/data/answerability_fresh5.yaml",
            "tests/data/answerability_fresh6.yaml", "tests/data/answerability_fresh7.yaml",
            "tests/data/answerability_fresh8.yaml", "tests/data/answerability_fresh9.yaml",
            "tests/data/answerability_fresh10.yaml", "tests/data/answerability_fresh11.yaml",
            "tests/data/answerability_fresh12.yaml", "evals/datasets/golden.yaml", "tests/data/retrieval.yaml"]
# The validation set: last round's blind set, measured (counts) before and after every change but never read.
# `verdicts --wrong` and `--json` leave its cases out; it stands in for the next writer nobody has read.
VALIDATION_SETS = ["tests/data/answerability_fresh12.yaml"]
CACHE = Path(tempfile.gettempdir()) / "tutor-answerability-records.pkl"


def do_record(cache: Path, paths: list[str]) -> None:
    """Ask every case of the sets once and pickle what the verdict of its last turn was computed from.

    The cache is rewritten after each set, so the first sets can be read while the others are still asked."""
    with tempfile.TemporaryDirectory(prefix="fit-answerability-") as tmp:
        tutor = Tutor.load(corpus_dir=REPO / "corpus", data_dir=Path(tmp) / "data")
        try:
            records = {}
            for path in paths:
                records[path] = record(tutor, load_cases(REPO / path))
                cache.write_bytes(pickle.dumps(records))
                print(f"{path}: {len(records[path])} cases", flush=True)
        finally:
            tutor.close()
    print(f"wrote {cache}")


RULES = ["type", "definition", "abbreviation", "which", "others", "circumstance", "target", "foreign"]
# Signals of `Answerability.assess`, and of the claim judge (tutor.grounding) on the question's declarative form
# (premise.premises_of) or, for a wh-question, its words after the question word: how much of what it asks
# the best three sentences support (judge_coverage) and its least supported word's weight (judge_gap).
SIGNALS = ["best_sentence", "best_chunk", "best_focus", "coverage_min", "coverage_mean", "judge_coverage", "judge_gap"]
_WH = re.compile(r"^\s*(?:so |and |but |ok |okay )?(?:what|which|who|whom|whose|when|where|why|how)\b"
                 r"(?:\s+(?:is|are|was|were|does|do|did|can|could|would|will|has|have|'s))?\s*", re.IGNORECASE)


def signals(tutor: Tutor, records: dict[str, list[dict]]) -> list[dict]:
    """One row per recorded case that reached answerability: its set, label, rules fired and signals."""
    embed = cached_embed(tutor)

    tutor.answerability.embed = embed
    rows = []
    for path, recs in records.items():
        for r in recs:
            if r["call"] is None:
                continue
            off, fired, features = tutor.answerability.assess(*r["call"]["args"])
            question, _, _, ranked = r["call"]["args"]
            claims = premises_of(question)
            claim = claims[0] if claims else _WH.sub("", question).rstrip(" ?!.") or question
            captured: dict = {}
            signals_of = tutor.judge.signals
            tutor.judge.signals = lambda *a: captured.update(signals_of(*a)) or captured  # type: ignore[method-assign]
            try:
                tutor.judge.inspect(claim, [s.sentence.text for s in ranked[:3]])
            finally:
                del tutor.judge.signals
            features["judge_coverage"] = captured.get("coverage", 1.0)
            features["judge_gap"] = captured.get("worst_gap", 0.0)
            rows.append({"set": path, "id": r["id"], "question": r["turns"][-1], "kind": r["kind"], "got": r["got"],
                         "off": off, "names_topic": r["call"]["names_topic"], "fired": [n for n, _ in fired],
                         **{k: float(features.get(k, 1.0)) for k in SIGNALS}})
    return rows


def vector(row: dict, names: list[str]) -> list[float]:
    return [float(n in row["fired"]) if n in RULES else row[n] for n in names]


def predict_rules(row: dict) -> str:
    if row["off"]:
        return "not_in_material" if row["names_topic"] else "out_of_scope"
    return "not_in_material" if row["fired"] else "answer"


def scores(rows: list[dict], predicted: list[str]) -> tuple[float, float, float, int]:
    """(kind accuracy, answer recall, not_in_material recall, cases) with a safety reply to a dose question right."""
    def ok(r, p):
        return p == r["kind"] or (r["kind"] == "not_in_material" and p == "safety")
    def recall(kind):
        pairs = [(r, p) for r, p in zip(rows, predicted, strict=True) if r["kind"] == kind]
        return sum(ok(r, p) for r, p in pairs) / len(pairs) if pairs else float("nan")
    right = sum(ok(r, p) for r, p in zip(rows, predicted, strict=True))
    return right / len(rows), recall("answer"), recall("not_in_material"), len(rows)


def fit_model(rows: list[dict], names: list[str], c: float):
    """A logistic regression over the named features, with the decision threshold at 0.5."""
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    train = [r for r in rows if not r["off"] and r["kind"] in ("answer", "not_in_material")]
    x = np.asarray([vector(r, names) for r in train])
    y = np.asarray([r["kind"] == "answer" for r in train])
    return LogisticRegression(C=c, max_iter=2000).fit(x, y)


def predict_model(model, rows: list[dict], names: list[str], threshold: float = 0.5) -> list[str]:
    out = []
    for r in rows:
        if r["off"]:
            out.append(predict_rules(r))
            continue
        p = model.predict_proba(np.asarray([vector(r, names)]))[0, 1]
        out.append("answer" if p >= threshold else "not_in_material")
    return out


FEATURE_SETS = {
    "rules+signals": RULES + SIGNALS,
    "rules+judge": RULES + ["judge_coverage", "judge_gap"],
    "signals only": SIGNALS,
}


def fit(records: dict[str, list[dict]]) -> None:
    """Print leave-one-set-out scores of the rules and of each feature set, then the coefficients on all sets."""
    with tempfile.TemporaryDirectory(prefix="fit-answerability-") as tmp:
        tutor = Tutor.load(corpus_dir=REPO / "corpus", data_dir=Path(tmp) / "data")
        try:
            rows = signals(tutor, records)
        finally:
            tutor.close()
    sets = list(records)
    print("| held out | cases | rules: acc / answer / nim | " + " | ".join(f"{k}: acc / answer / nim" for k in FEATURE_SETS)
          + " |")
    print("|---|---|---|" + "---|" * len(FEATURE_SETS))
    pooled: dict[str, list[str]] = {k: [] for k in ["rules", *FEATURE_SETS]}
    ordered = []
    for held in sets:
        test = [r for r in rows if r["set"] == held]
        train = [r for r in rows if r["set"] != held]
        ordered += test
        cells = []
        predicted = [predict_rules(r) for r in test]
        pooled["rules"] += predicted
        cells.append("%.3f / %.3f / %.3f" % scores(test, predicted)[:3])
        for key, names in FEATURE_SETS.items():
            predicted = predict_model(fit_model(train, names, 1.0), test, names)
            pooled[key] += predicted
            cells.append("%.3f / %.3f / %.3f" % scores(test, predicted)[:3])
        print(f"| {held} | {len(test)} | " + " | ".join(cells) + " |")
    print("| pooled | %d | " % len(ordered) + " | ".join("%.3f / %.3f / %.3f" % scores(ordered, p)[:3]
                                                      for p in pooled.values()) + " |")
    for key, names in FEATURE_SETS.items():
        model = fit_model(rows, names, 1.0)
        print(f"\n{key}: intercept {model.intercept_[0]:+.3f}; "
              + ", ".join(f"{n} {w:+.3f}" for n, w in zip(names, model.coef_[0], strict=True)))
    pickle.dump(rows, open(Path(tempfile.gettempdir()) / "tutor-answerability-rows.pkl", "wb"))


CANDIDATES = ["best_focus", "topic_drop", "uncovered", "unknown"]


def candidates(records: dict[str, list[dict]]) -> None:
    """Round 6: each candidate signal as one more decline rule ("decline an answer when the signal is beyond t"), t
    chosen on the other sets (answer recall first, then accuracy) and scored on the one left out.

    best_focus: best similarity of the question without the material's common words to the top three sentences;
    topic_drop: best sentence similarity minus best_focus (similarity carried by the topic word alone); uncovered:
    the question's content words beyond the subject whose stem no top-three sentence has; unknown: those the
    material never uses at all (variants, misspellings and compounds aside)."""
    from tutor import answerability as A  # noqa: PLC0415
    from tutor.text import content_words, normalize, stem  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="fit-answerability-") as tmp:
        tutor = Tutor.load(corpus_dir=REPO / "corpus", data_dir=Path(tmp) / "data")
        try:
            ans = tutor.answerability
            ans.embed = cached_embed(tutor)
            rows = []
            for path, recs in records.items():
                for r in recs:
                    if r["call"] is None:
                        continue
                    question, standalone, passages, ranked = r["call"]["args"]
                    off, fired, f = ans.assess(question, standalone, passages, ranked)
                    asked = [w for w in dict.fromkeys(content_words(ans.vocabulary.repair(normalize(question))))
                             if stem(w) not in ans.subject and w not in A._TARGET_FILLER and w not in A._JUDGEMENTS
                             and w not in A._CONTRACTIONS and w not in A.framing_words(question)]
                    said = {stem(w) for s in ranked[:3] for w in content_words(s.sentence.text)}
                    focus = [s.focus for s in ranked[:3] if s.focus is not None]
                    best = ranked[0].dense if ranked else 0.0
                    rows.append({"set": path, "kind": r["kind"], "got": r["got"], "off": off,
                                 "names_topic": r["call"]["names_topic"], "fired": [n for n, _ in fired],
                                 "best_focus": max(focus) if focus else best, "topic_drop": best - max(focus) if focus else 0.0,
                                 "uncovered": sum(stem(w) not in said for w in asked),
                                 "unknown": sum(not (ans.vocabulary.known(w) or ans._variant(w) or ans._typo(w)
                                                     or ans._compound(w)) for w in asked)})
        finally:
            tutor.close()

    def predict(row: dict, name: str, t: float, sign: int) -> str:
        kind = "safety" if row["got"] == "safety" else predict_rules(row)
        beyond = row[name] > t if sign > 0 else row[name] < t
        return "not_in_material" if kind == "answer" and beyond else kind

    sets = list(records)
    for name in CANDIDATES:
        for sign in (1, -1):
            values = sorted({r[name] for r in rows})
            cuts = [values[0] - 1] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1] + 1]
            print(f"\n{name}, decline when {'>' if sign > 0 else '<'} t:")
            for held in sets:
                train = [r for r in rows if r["set"] != held]
                test = [r for r in rows if r["set"] == held]
                best = max(cuts, key=lambda t: (lambda sc: (sc[1], sc[0]))(scores(train, [predict(r, name, t, sign) for r in train])))
                before = scores(test, [("safety" if r["got"] == "safety" else predict_rules(r)) for r in test])
                after = scores(test, [predict(r, name, best, sign) for r in test])
                print(f"  {held}: t={best:.3f} answer {before[1]:.3f} -> {after[1]:.3f}, nim {before[2]:.3f} -> {after[2]:.3f}")


def verdicts(records: dict[str, list[dict]], show_wrong: bool, dump: Path | None) -> None:
    """Re-judge every recorded case with the current code: per set kind accuracy (a safety refusal of a
    not_in_material question right), recall per kind, pooled, and optionally each miss with the rules that fired."""
    import json  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="fit-answerability-") as tmp:
        tutor = Tutor.load(corpus_dir=REPO / "corpus", data_dir=Path(tmp) / "data")
        try:
            tutor.answerability.embed = cached_embed(tutor)
            reasons = {path: [tutor.answerability.judge(*r["call"]["args"]) if r["call"] else None for r in recs]
                       for path, recs in records.items()}
        finally:
            tutor.close()
    # As bench_answerability.rejudge and Tutor.stream: a question off the subject that names its topic is declined.
    results = {path: [{**r, "got": r["got"] if v is None else "not_in_material"
                       if v.kind == "out_of_scope" and r["call"]["names_topic"] else v.kind}
                      for r, v in zip(recs, reasons[path], strict=True)] for path, recs in records.items()}

    def recall(rows: list[dict], kind: str) -> str:
        cases = [r for r in rows if r["kind"] == kind]
        return f"{sum(right(kind, r['got']) for r in cases) / len(cases):.3f}" if cases else "–"

    print("| set | cases | accuracy | answer | not_in_material | out_of_scope |\n|---|---|---|---|---|---|")
    pooled = []
    for path, rows in results.items():
        pooled += rows
        print(f"| {path} | {len(rows)} | {sum(right(r['kind'], r['got']) for r in rows) / len(rows):.3f} | "
              f"{recall(rows, 'answer')} | {recall(rows, 'not_in_material')} | {recall(rows, 'out_of_scope')} |")
    print(f"| pooled | {len(pooled)} | {sum(right(r['kind'], r['got']) for r in pooled) / len(pooled):.3f} | "
          f"{recall(pooled, 'answer')} | {recall(pooled, 'not_in_material')} | {recall(pooled, 'out_of_scope')} |")
    out = []
    for path, rows in results.items():
        if path in VALIDATION_SETS:  # counted above; its items and misses stay unread
            continue
        for r, verdict in zip(rows, reasons[path], strict=True):
            row = {"set": path, "id": r["id"], "question": r["turns"][-1], "kind": r["kind"], "got": r["got"],
                   "reason": verdict.reason if verdict else "", "rules": verdict.features.get("rules", []) if verdict else []}
            out.append(row)
            if show_wrong and not right(r["kind"], r["got"]):
                print(f"- {path} `{r['id']}` {r['turns'][-1]!r}: expected {r['kind']}, got {r['got']}"
                      + (f" ({row['reason']}; rules {row['rules']})" if row["reason"] else ""))
    if dump:
        dump.write_text(json.dumps(out, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["record", "fit", "candidates", "verdicts"])
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--sets", nargs="+", default=DEV_SETS, help="record: these sets, in this order")
    parser.add_argument("--wrong", action="store_true", help="verdicts: list every miss with its reason")
    parser.add_argument("--json", type=Path, help="verdicts: write every case's verdict and reason to this file")
    args = parser.parse_args()
    if args.command == "record":
        do_record(args.cache, args.sets)
    elif args.command == "verdicts":
        verdicts(pickle.loads(args.cache.read_bytes()), args.wrong, args.json)
    elif args.command == "candidates":
        candidates(pickle.loads(args.cache.read_bytes()))
    else:
        fit(pickle.loads(args.cache.read_bytes()))


if __name__ == "__main__":
    main()
