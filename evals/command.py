"""What `tutor eval` and `tutor judge-eval` do (tutor/cli.py only parses arguments and calls these)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from evals.judging import FRESH_META, JudgeQuality, make_judge, meta_evaluate, split_pairs
from evals.report import HEADLINE, _fmt, failing_cases, write_reports
from evals.runner import EvalRun, evaluate, load_thresholds
from evals.schema import GOLDEN, JUDGE_META, GoldenSet, load_dataset, load_judge_meta

JUDGE_GOALS = {"balanced_accuracy": 0.85, "contradicted": 0.9}


def _progress(total: int, label: str) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm comes with the model libraries
        return None
    return tqdm(total=total, desc=label, unit="case", file=sys.stderr, leave=False, dynamic_ncols=True)


def _tick(bar: Any):
    def update(done: int, total: int) -> None:
        if bar is not None:
            bar.n = done
            bar.refresh()
    return update


def measure_judge(judge: Any, meta: Path, splits: tuple[str, ...] = ("dev", "test")) -> list[JudgeQuality]:
    """The judge's quality on each split of the labelled pairs ("fresh": the fresh held-out file)."""
    pairs = load_judge_meta(meta)
    out = []
    for split in splits:
        chosen = load_judge_meta(FRESH_META) if split == "fresh" else pairs
        bar = _progress(len(split_pairs(chosen, split)), f"judge {split}")  # type: ignore[arg-type]
        out.append(meta_evaluate(chosen, judge, split, progress=_tick(bar)))  # type: ignore[arg-type]
        if bar is not None:
            bar.close()
    return out


def run_eval(args: argparse.Namespace, settings: Any, out: TextIO | None = None) -> int:
    """Evaluate each backend, write the reports, print a summary; 1 when a gate threshold fails."""
    out = out or sys.stdout  # looked up per call: a default bound at import keeps a stream replaced since
    from tutor.service import Tutor

    dataset = load_dataset(args.dataset or GOLDEN)
    if args.limit:
        dataset = GoldenSet(name=dataset.name, cases=dataset.cases[: args.limit])
    thresholds = load_thresholds(args.thresholds) if args.thresholds else load_thresholds()
    backends = list(dict.fromkeys(args.backends or [settings.backend]))
    reports, embeddings, judge = [], None, None
    for name in backends:
        tutor = Tutor.load(settings, backend=name, embeddings=embeddings)
        embeddings = tutor.embeddings
        judge = judge or make_judge(args.judge, embeddings)
        bar = _progress(len(dataset.cases), name)
        try:
            reports.append(evaluate(dataset, tutor, judge=judge, backend=name, thresholds=thresholds,
                                    progress=_tick(bar)))
        finally:
            if bar is not None:
                bar.close()
            tutor.close()
    # The fresh split too: the test split was read while the judge was revised (docs/evals.md).
    judge_splits = ("dev", "test") if args.judge_meta else ("dev", "test", "fresh")
    quality = [] if args.no_judge_quality else measure_judge(judge, Path(args.judge_meta or JUDGE_META),
                                                             judge_splits)
    run = EvalRun(dataset=dataset.name, judge=args.judge, judge_quality=quality, thresholds=thresholds,
                  reports=reports)
    paths = write_reports(run, Path(args.out))
    print(summary_text(run), file=out)
    print(f"Reports: {paths['html']} (also report.md, summary.json, cases.json)", file=out)
    return 0 if run.passed else 1


def summary_text(run: EvalRun) -> str:
    """A plain-text summary for the terminal."""
    names = [r.backend for r in run.reports]
    width = max(24, *(len(n) + 2 for n in names))
    lines = [f"{'metric':26}" + "".join(f"{n:>{width}}" for n in names)]
    for metric in HEADLINE:
        lines.append(f"{metric:26}" + "".join(f"{_fmt(r.metrics.get(metric), metric):>{width}}" for r in run.reports))
    for q in run.judge_quality:
        lines.append(f"Judge quality: {q.line()}")
    for r in run.reports:
        failed = [g for g in r.gate if not g.passed]
        lines.append(f"[{r.backend}] gate {'passed' if not failed else 'FAILED'}"
                     + "".join(f"; {g.metric} = {_fmt(g.value, g.metric)} (needs {g.bound})" for g in failed))
        for c, problems in failing_cases(r):
            lines.append(f"  {c.id}: {'; '.join(problems)}")
    return "\n".join(lines)


def run_judge_eval(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Measure the judge on the labelled pairs: balanced accuracy, per-class recall, confusion matrix."""
    out = out or sys.stdout
    judge = make_judge(args.judge)
    if args.split == "both":  # every split: dev, held-out test, and the fresh set unless --meta is given
        splits: tuple[str, ...] = ("dev", "test") if args.meta else ("dev", "test", "fresh")
    else:
        splits = (args.split,)
    results = measure_judge(judge, Path(args.meta or JUDGE_META), splits)
    for q in results:
        print(judge_text(q, errors=args.errors), file=out)
    held_out = [q for q in results if q.split != "dev"] or results
    met_all = True
    for q in held_out:
        met = (q.balanced_accuracy >= JUDGE_GOALS["balanced_accuracy"]
               and q.recall.get("contradicted", 0.0) >= JUDGE_GOALS["contradicted"])
        met_all = met_all and met
        print(f"Goals (balanced accuracy ≥ 0.85, contradiction recall ≥ 0.9) on {q.split}: "
              f"{'met' if met else 'NOT met'}", file=out)
    return 1 if args.check and not met_all else 0


def judge_text(q: JudgeQuality, errors: bool = False) -> str:
    """A judge's quality as a small text table."""
    labels = list(q.confusion)
    lines = [q.line() + f" ({q.seconds:.0f}s)",
             "  recall: " + ", ".join(f"{k} {v:.3f}" for k, v in q.recall.items()),
             "  confusion (rows gold, columns predicted):",
             "  " + f"{'':14}" + "".join(f"{lab[:12]:>14}" for lab in labels)]
    lines += ["  " + f"{g[:12]:14}" + "".join(f"{row[p]:>14}" for p in labels) for g, row in q.confusion.items()]
    lines.append("  by edit type: " + ", ".join(f"{t} {v:.2f}" for t, v in q.by_type.items()))
    if errors:
        lines += [f"  {e.id} gold={e.gold} got={e.predicted}: {e.claim}  [{'; '.join(e.reasons)}]"
                  for e in q.errors]
    return "\n".join(lines)
