"""The eval suite: golden set, claim-level faithfulness with a measured judge, reports, CI gate.

    from evals import load_dataset, evaluate
    report = evaluate(load_dataset(), Tutor.load())
"""

from evals.judging import JudgeQuality, make_judge, meta_evaluate, split_pairs
from evals.report import write_reports
from evals.runner import EvalReport, EvalRun, aggregate, check, evaluate, load_thresholds
from evals.schema import GoldenCase, GoldenSet, JudgePair, load_dataset, load_judge_meta

__all__ = ["EvalReport", "EvalRun", "GoldenCase", "GoldenSet", "JudgePair", "JudgeQuality", "aggregate", "check",
           "evaluate", "load_dataset", "load_judge_meta", "load_thresholds", "make_judge", "meta_evaluate",
           "split_pairs", "write_reports"]
