"""A learned head for the judge, FactCC-style, and the experiment that decides whether to use it.

`synthesize` makes near-miss pairs from corpus sentences by rule-based transformations (negation in several
forms, antonym and entity swaps, reversed cause and effect, synonym paraphrases, negated antonyms that
agree, unrelated additions and passages, overclaims). `experiment` fits a multinomial logistic regression
(deterministic L-BFGS) over `Judge.inspect`'s input vector — the rules' named signals plus [u*v, |u-v|] of
the MiniLM vectors of the claim and its best sentence — on those pairs and on hand-labelled pairs, and
compares it with the rules by cross-validation. Measured on this project's labelled pairs it does not beat
the rules (docs/evals.md), so the judge does not use it; `python -m tutor.judge_model --meta FILE …`
reruns the comparison, and with `--leave-one-set-out` trains on all files but one and scores that one.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

CLASSES = ("supported", "unsupported", "contradicted")
SEED = 20260527


# --------------------------------------------------------------------------------------------
# Synthetic near-miss pairs (the FactCC recipe) from corpus sentences
# --------------------------------------------------------------------------------------------

_AUX_NOT = {"is": "is not", "are": "are not", "was": "was not", "were": "were not", "has": "has not",
            "have": "have not", "will": "will not", "can": "cannot", "could": "could not", "may": "cannot"}
_NEVER = {"is": "is never", "are": "are never", "can": "can never", "may": "can never", "has": "has never"}
_DETS = frozenset("the a an this that these those its their his her of to and or".split())
ADDITIONS = (
    " in most patients", " within about ten minutes", " especially in teenagers", " in about 30 percent of users",
    ", according to large clinical trials", " more strongly in women than in men", " after a single dose",
    ", which is why it was banned in several countries", " for at least two days", " in older adults",
    ", mainly through the liver", " at any dose",
)
OVERCLAIMS = (("can", "always"), ("may", "always"), ("often", "always"), ("many", "all"), ("Many", "All"))


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9’'-]+", text)


def _sub_word(text: str, old: str, new: str) -> str:
    """Replace the first whole-word `old` (case kept for a capital) by `new`."""
    def repl(m: re.Match[str]) -> str:
        return new[:1].upper() + new[1:] if m.group(0)[:1].isupper() else new
    return re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", repl, text, count=1)


def _base_verb(word: str) -> str | None:
    """"encourages" -> "encourage", "carries" -> "carry"; None for a word that is no 3rd-person verb."""
    if not word.endswith("s") or word.endswith("ss") or len(word) < 5:
        return None
    if word.endswith("ies"):
        return word[:-3] + "y"
    if re.search(r"(ches|shes|sses|xes|zes)$", word):
        return word[:-2]
    return word[:-1]


def _same_form(candidates: Sequence[str], like: str) -> list[str]:
    """Candidates with the same ending as `like` (-ly, -ing, -ed, -s) so a swap stays grammatical."""
    for suffix in ("ly", "ing", "ed", "est", "er", "s"):
        if like.endswith(suffix):
            return [c for c in candidates if c.endswith(suffix) and "_" not in c]
    return [c for c in candidates if not re.search(r"(ly|ing|ed|s)$", c) and "_" not in c]


def _negate(sentence: str, rng: random.Random) -> str | None:
    """Deny the main predicate in one of several forms."""
    words = _words(sentence)
    for w in words[1:]:
        low = w.lower()
        if low in _AUX_NOT:
            form = _NEVER.get(low) if rng.random() < 0.3 and low in _NEVER else _AUX_NOT[low]
            return _sub_word(sentence, w, form)
    from tutor.grounding import analyse

    a = analyse(sentence)
    for i, t in enumerate(a.tokens[1:], start=1):
        base = _base_verb(t.text)
        if base and t.content and a.tokens[i - 1].text not in _DETS and (t.poles or t.canon.startswith("syn:")):
            form = rng.choice([f"does not {base}", f"never {t.text}", f"fails to {base}", f"does not {base}"])
            return _sub_word(sentence, t.text, form)
    return None


def _antonym(sentence: str, rng: random.Random, negate: bool = False) -> str | None:
    """Swap a word for one on the opposite pole of the same concept (with `negate`: "is not <opposite>")."""
    from tutor.grounding import ANTONYMS, _ENTITY_KIND, analyse

    opposite: dict[tuple[str, int], list[str]] = {}
    for concept, plus, minus in ANTONYMS:
        opposite[(concept, 1)] = minus.split()
        opposite[(concept, -1)] = plus.split()
    a = analyse(sentence)
    tokens = [t for t in a.tokens if t.poles and t.content and not t.negated and "_" not in t.text
              and t.stem not in _ENTITY_KIND and re.search(rf"(?<![\w-]){re.escape(t.text)}(?![\w-])",
                                                           sentence, re.I)]
    rng.shuffle(tokens)
    for t in tokens:
        concept, sign = t.poles[0]
        choices = _same_form(opposite[(concept, sign)], t.text)
        if not choices:
            continue
        new = rng.choice(sorted(choices))
        if negate:
            before = a.tokens[t.index - 1].text if t.index else ""
            if before not in ("is", "are", "was", "were", "be", "become", "becomes", "seem", "seems"):
                continue
            new = "not " + new
        return _sub_word(sentence, t.text, new)
    return None


def _entity_swap(sentence: str, rng: random.Random) -> str | None:
    """Name another thing of the same kind (serotonin for glutamate)."""
    from tutor.grounding import ENTITIES

    for kind, members in ENTITIES.items():
        listed = [m for m in members.split() if "_" not in m]
        here = [m for m in listed if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", sentence, re.I)]
        if here:
            old = here[0]
            others = [m for m in listed if m not in here and m.endswith("s") == old.endswith("s")]
            if others:
                new = rng.choice(sorted(others))
                return _sub_word(sentence, old, new.upper() if old.isupper() or new in ("bdnf", "ngf") else new)
    return None


_CAUSAL = ("leads to", "lead to", "leading to", "underlies", "underlie", "triggers", "trigger", "stimulates",
           "activates", "encourages", "causes")


def _reverse(sentence: str) -> str | None:
    """"A leads to B" -> "B leads to A"."""
    for conn in _CAUSAL:
        m = re.search(rf"\b{conn}\b", sentence)
        if not m:
            continue
        left = sentence[: m.start()].strip(" ,")
        right = sentence[m.end():].strip(" .")
        if len(left.split()) < 2 or len(right.split()) < 2:
            continue
        left = re.sub(r"^(This|These|It|The)\s+", "", left)
        right = re.sub(r"^(the|a|an)\s+", "", right)
        return f"{right[:1].upper()}{right[1:]} {conn} {left[:1].lower()}{left[1:]}."
    return None


def _paraphrase(sentence: str, rng: random.Random) -> str | None:
    """Swap one or two words for synonyms from the judge's lexicon and maybe drop an adverb."""
    from tutor.grounding import SYNONYMS

    groups = [g.split() for g in SYNONYMS]
    words = _words(sentence)
    out, changed = sentence, 0
    for w in rng.sample(words, len(words)):
        low = w.lower()
        for g in groups:
            if low in g:
                choices = [c for c in _same_form(g, low) if c != low]
                if choices:
                    out = _sub_word(out, w, rng.choice(sorted(choices)))
                    changed += 1
                break
        if changed >= 2:
            break
    adverbs = [w for w in _words(out) if w.endswith("ly") and len(w) > 5 and w[0].islower()]
    if adverbs and rng.random() < 0.5:
        out = re.sub(rf"\s+{re.escape(adverbs[0])}\b", "", out, count=1)
        changed += 1
    return out if changed else None


def _add(sentence: str, rng: random.Random) -> str:
    return sentence.rstrip(". ") + rng.choice(ADDITIONS) + "."


def _overclaim(sentence: str) -> str | None:
    for old, new in OVERCLAIMS:
        if re.search(rf"\b{old}\b", sentence):
            return _sub_word(sentence, old, new) if old[0].islower() else sentence.replace(old, new, 1)
    return None


def synthesize(sentences: Sequence[str], seed: int = SEED) -> list[tuple[str, list[str], str, str]]:
    """(claim, passages, label, kind) near-miss pairs from source sentences, deterministically."""
    rng = random.Random(seed)
    usable = [s for s in sentences if 6 <= len(s.split()) <= 45]
    pairs: list[tuple[str, list[str], str, str]] = []
    for i, s in enumerate(usable):
        passages = [s]
        if i + 1 < len(usable) and rng.random() < 0.3:
            passages = [s, usable[i + 1]]
        made = {
            "negation": ("contradicted", _negate(s, rng)),
            "antonym": ("contradicted", _antonym(s, rng)),
            "entity_swap": ("contradicted", _entity_swap(s, rng)),
            "causal_reversal": ("contradicted", _reverse(s)),
            "paraphrase": ("supported", _paraphrase(s, rng)),
            "consistent_negation": ("supported", _antonym(s, rng, negate=True)),
            "addition": ("unsupported", _add(_paraphrase(s, rng) or s, rng)),
            "overclaim": ("unsupported", _overclaim(s)),
        }
        para = _paraphrase(s, rng)
        if para:
            neg = _negate(para, rng)
            made["negated_paraphrase"] = ("contradicted", neg)
            other = usable[(i + len(usable) // 2) % len(usable)]
            made["unrelated_passage"] = ("unsupported", para if other != s else None)
            if other != s:
                pairs.append((para, [other], "unsupported", "unrelated_passage"))
                del made["unrelated_passage"]
        for kind, (label, claim) in made.items():
            if claim and claim.strip() != s.strip():
                pairs.append((claim, passages, label, kind))
    return pairs


def corpus_sentences(texts: Iterable[str]) -> list[str]:
    """Body sentences of the corpus (headings and list markers left out)."""
    from tutor.grounding import split_sentences

    out = []
    for text in texts:
        for block in re.split(r"\n\s*\n", text):
            block = block.strip()
            if not block or block.startswith("#"):
                continue
            out.extend(split_sentences(block))
    return out


# --------------------------------------------------------------------------------------------
# The experiment: does a learned head beat the rules?
# --------------------------------------------------------------------------------------------

Row = tuple[str, str, np.ndarray | None, str]  # (gold, rules' label, head input or None, group)


def rows_for(pairs: Iterable[tuple[str, Sequence[str], str]], judge: Any, group: str) -> list[Row]:
    """The rules' label and the head's input for each (claim, passages, gold label) pair."""
    out = []
    for claim, passages, label in pairs:
        verdict, x = judge.inspect(claim, list(passages))
        out.append((label, verdict.label, x, group))
    return out


def fit(rows: Sequence[Row], columns: slice, *, c: float = 0.2, synthetic_weight: float = 0.3) -> Any:
    """A multinomial logistic regression on standardised inputs (L-BFGS: deterministic)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    kept = [r for r in rows if r[2] is not None]
    x = np.stack([r[2][columns] for r in kept])
    y = np.asarray([CLASSES.index(r[0]) for r in kept])
    weights = np.asarray([synthetic_weight if r[3] == "synthetic" else 1.0 for r in kept])
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000, class_weight="balanced"))
    model.fit(x, y, logisticregression__sample_weight=weights)
    return model


def predict(model: Any, rows: Sequence[Row], columns: slice, mode: str, at: float = 0.7) -> list[str]:
    """"head": the head's label; "upgrade": the rules' label, made contradicted when the head is `at` sure."""
    out = []
    for gold, rules, x, _ in rows:
        if x is None:
            out.append(rules)
            continue
        p = np.zeros(3)
        p[model.classes_] = model.predict_proba(x[columns][None, :])[0]
        if mode == "head":
            out.append(CLASSES[int(np.argmax(p))])
        else:
            out.append("contradicted" if p[2] >= at else rules)
    return out


def scores(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """(balanced accuracy, contradiction recall)."""
    recall = [np.mean([p == c for g, p in zip(gold, predicted, strict=True) if g == c]) for c in CLASSES]
    return round(float(np.mean(recall)), 3), round(float(recall[2]), 3)


def experiment(labelled: Sequence[Row], synthetic: Sequence[Row], n_signals: int, folds: int = 5) -> list[str]:
    """Lines of a comparison: the rules, a head trained on synthetic pairs only, and k-fold cross-validation
    over the labelled pairs (synthetic pairs added to every training fold), for signals alone and with MiniLM."""
    gold = [r[0] for r in labelled]
    lines = [f"rules: balanced accuracy / contradiction recall {scores(gold, [r[1] for r in labelled])}"]
    variants = {"signals": slice(0, n_signals), "signals+MiniLM": slice(None)}
    for name, cols in variants.items():
        model = fit(synthetic, cols, synthetic_weight=1.0)
        lines.append(f"synthetic only, {name}: head {scores(gold, predict(model, labelled, cols, 'head'))}, "
                     f"rules+head {scores(gold, predict(model, labelled, cols, 'upgrade'))}")
    order = np.random.RandomState(SEED).permutation(len(labelled))
    for name, cols in variants.items():
        for extra in ((), synthetic):
            for mode in ("head", "upgrade"):
                predicted: list[str] = [""] * len(labelled)
                for part in np.array_split(order, folds):
                    held = set(part.tolist())
                    train = [r for i, r in enumerate(labelled) if i not in held] + list(extra)
                    model = fit(train, cols)
                    for i, p in zip(sorted(held), predict(model, [labelled[i] for i in sorted(held)], cols, mode),
                                    strict=True):
                        predicted[i] = p
                lines.append(f"{folds}-fold CV, {name}{' + synthetic' if extra else ''}, "
                             f"{'head' if mode == 'head' else 'rules+head'}: {scores(gold, predicted)}")
    return lines


def leave_one_set_out(labelled: Sequence[Row], n_signals: int, c: float = 0.1) -> list[str]:
    """Lines of a comparison per held-out set (rows grouped by file): the rules, and a head trained on the other
    sets only. Each set has its own author, so a held-out set stands in for a blind one."""
    lines = []
    variants = {"signals": slice(0, n_signals), "signals+MiniLM": slice(None)}
    for group in dict.fromkeys(r[3] for r in labelled):
        held = [r for r in labelled if r[3] == group]
        gold = [r[0] for r in held]
        line = f"{group} (n={len(held)}): rules {scores(gold, [r[1] for r in held])}"
        for name, cols in variants.items():
            model = fit([r for r in labelled if r[3] != group], cols, c=c)
            line += f", head on {name} {scores(gold, predict(model, held, cols, 'head'))}"
        lines.append(line)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m tutor.judge_model --meta FILE …`: compare a learned head with the rules."""
    import argparse

    import yaml

    from tutor.config import Settings
    from tutor.corpus import load_corpus
    from tutor.grounding import Judge

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--meta", action="append", default=[], help="hand-labelled pairs (YAML)")
    parser.add_argument("--rounds", type=int, default=3, help="synthetic variants per corpus sentence")
    parser.add_argument("--leave-one-set-out", action="store_true",
                        help="train on all --meta files but one, score that one (no synthetic pairs)")
    args = parser.parse_args(argv)
    judge = Judge()
    if args.leave_one_set_out:
        rows = [r for f in args.meta for r in rows_for([(p["claim"], p["passages"], p["label"])
                                                         for p in yaml.safe_load(Path(f).read_text())],
                                                        judge, Path(f).stem)]
        n_signals = next(r[2] for r in rows if r[2] is not None).shape[0] - 2 * judge.vectors(["x"]).shape[1]
        print("balanced accuracy, contradiction recall; head = logistic regression trained on the other sets")
        for line in leave_one_set_out(rows, n_signals):
            print(line)
        return 0
    labelled = rows_for([(p["claim"], p["passages"], p["label"]) for f in args.meta
                         for p in yaml.safe_load(Path(f).read_text())], judge, "labelled")
    corpus = load_corpus(Settings().corpus_dir)
    sentences = corpus_sentences([d.text for d in corpus.documents])
    made = {(c, tuple(p)): lab for k in range(args.rounds) for c, p, lab, _ in synthesize(sentences, SEED + k)}
    synthetic = rows_for([(c, p, lab) for (c, p), lab in made.items()], judge, "synthetic")
    n_signals = next(r[2] for r in labelled if r[2] is not None).shape[0] - 2 * judge.vectors(["x"]).shape[1]
    print(f"{len(labelled)} labelled pairs, {len(synthetic)} synthetic pairs, {n_signals} rule signals")
    for line in experiment(labelled, synthetic, n_signals):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
