#!/usr/bin/env bash
# Create .venv and install the pinned dependencies once (again only when requirements.lock changes).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 || python=python3
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $("$python" --version)…"
  "$python" -m venv .venv
fi
stamp=".venv/.installed-$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing pinned dependencies (first run takes a couple of minutes)…"
  .venv/bin/python -m pip install --quiet --upgrade pip
  # torch==2.13.0 is pinned in the lock: the CPU build; anything looser pulls a multi-GB CUDA build.
  .venv/bin/python -m pip install --quiet -r requirements.lock
  .venv/bin/python -m pip install --quiet --no-deps -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# The generative backends only when asked (./run-tests sets BOOTSTRAP_GENERATIVE=1): llama-cpp-python builds
# from source (3-5 minutes; pip caches the wheel afterwards), which ./run must never wait for.
if [ "${BOOTSTRAP_GENERATIVE:-0}" = 1 ]; then
  gen_stamp=".venv/.generative-$(cat requirements.lock requirements-generative.lock | sha256sum | cut -c1-16)"
  if [ ! -f "$gen_stamp" ]; then
    echo "Installing the generative backends (llama-cpp-python builds from source once: 3-5 minutes)…"
    .venv/bin/python -m pip install --quiet -c requirements.lock -r requirements-generative.lock
    rm -f .venv/.generative-*
    touch "$gen_stamp"
  fi
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False
