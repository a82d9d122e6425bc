"""Fixtures shared by the tutoring tests: the article's Tutoring, and a Tutor over a second, unrelated corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

SECOND_CORPUS = Path(__file__).resolve().parent / "data" / "tutoring_corpus"


@pytest.fixture(scope="session")
def tutoring(tutor):
    """The tutoring layer over the article (lesson map and question bank built once per test session)."""
    return tutor.tutoring


@pytest.fixture(scope="session")
def volcano_tutor(embeddings, tmp_path_factory):
    """A Tutor over tests/data/tutoring_corpus (a short text on volcanoes)."""
    from tutor.service import Tutor

    t = Tutor.load(corpus_dir=SECOND_CORPUS, data_dir=tmp_path_factory.mktemp("volcano-data"), embeddings=embeddings)
    yield t
    t.close()
