"""How many PyTorch threads the embedding model should use, on a quiet and on a busy CPU.

    .venv/bin/python bench/bench_embedding_threads.py             # ~1-2 minutes; updates docs/benchmarks.md
    .venv/bin/python bench/bench_embedding_threads.py --no-write  # prints only

For each thread count (1 .. cores) it loads MiniLM through the tutor's own adapter in a fresh process and
times single-question embeddings (what every ask does) and a batch of 256 sentences (what an index build
does), first on the machine as it is, then with `--busy` more processes spinning on the CPU (what a server
answering other requests, a local language model or a neighbour looks like). This is what the default of
TUTOR_EMBEDDING_THREADS rests on.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from docs_section import write_section  # noqa: E402  (bench/ is on sys.path when run)

SECTION = "## Embedding threads (TUTOR_EMBEDDING_THREADS)"
QUERIES = 40

WORKER = r"""
import json, statistics, sys, time
from tutor.adapters.embeddings import load_embeddings
from tutor.config import BUNDLED_EMBEDDING_MODEL
model = load_embeddings(BUNDLED_EMBEDDING_MODEL, threads=int(sys.argv[1]))
model.embed_query("warm up")
times = []
for i in range(int(sys.argv[2])):
    start = time.perf_counter()
    model.embed_query(f"why does blocking NMDA receptors raise activity in region {i}?")
    times.append(time.perf_counter() - start)
times.sort()
batch = [f"Sentence {i} on glutamate, BDNF and synapses in the prefrontal cortex." for i in range(256)]
start = time.perf_counter()
model.embed_documents(batch)
print(json.dumps({"p50": times[len(times) // 2], "p95": times[int(0.95 * (len(times) - 1))],
                  "batch": time.perf_counter() - start}))
"""


def spin() -> None:
    """Burn one core until terminated."""
    while True:
        pass


def measure(threads: int) -> dict:
    """One fresh process: PyTorch's thread count is fixed once per process."""
    out = subprocess.run([sys.executable, "-c", WORKER, str(threads), str(QUERIES)], cwd=REPO, check=True,
                         capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=1, help="processes spinning on the CPU in the busy rounds")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    load_before = os.getloadavg()[0]
    rows = []
    for busy in (0, args.busy):
        spinners = [multiprocessing.Process(target=spin, daemon=True) for _ in range(busy)]
        for p in spinners:
            p.start()
        time.sleep(0.5 if busy else 0)
        try:
            for threads in range(1, cores + 1):
                rows.append({"busy": busy, "threads": threads, **measure(threads)})
                print(rows[-1], file=sys.stderr)
        finally:
            for p in spinners:
                p.terminate()
    lines = [SECTION, "",
             f"`bench/bench_embedding_threads.py`, {time.strftime('%Y-%m-%d')}, {cores} CPUs, 1-minute load "
             f"average {load_before:.1f} before the run. One question embedded ({QUERIES} times, after a warm-up) and "
             "256 sentences in one batch, per PyTorch thread count, each in a fresh process; \"+busy\" rows add "
             f"{args.busy} process(es) spinning on the CPU to whatever else was running.", "",
             "| CPU | threads | one question p50 | p95 | 256 sentences |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {'+busy' if r['busy'] else 'as found'} | {r['threads']} | {r['p50'] * 1000:.1f} ms | "
                     f"{r['p95'] * 1000:.1f} ms | {r['batch']:.2f} s |")
    lines += ["", "PyTorch's threads spin-wait for each other: when another process holds a core, every extra "
              "thread waits on one that is not running. The default (1) is what a shared machine needs; on a "
              "dedicated one more threads may speed up index builds (TUTOR_EMBEDDING_THREADS; not measured on an idle box).", ""]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
