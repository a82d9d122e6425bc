"""Ingest against the real Chroma and embeddings: idempotent, incremental, tolerant of bad files."""

from __future__ import annotations

import logging

import pytest

from tutor.config import Settings
from tutor.errors import CorpusError, IndexMissing
from tutor.service import build_index


def _settings(corpus, data) -> Settings:
    return Settings(corpus_dir=corpus, data_dir=data)


def test_ingest_is_idempotent(corpus_copy, tmp_path, embeddings):
    s = _settings(corpus_copy, tmp_path / "data")
    first = build_index(s, embeddings)
    assert first.added == first.chunks > 0 and first.removed == 0
    again = build_index(s, embeddings)
    assert (again.added, again.removed, again.unchanged) == (0, 0, first.chunks)


def test_ingest_updates_only_what_changed(corpus_copy, tmp_path, embeddings):
    s = _settings(corpus_copy, tmp_path / "data")
    base = build_index(s, embeddings)

    (corpus_copy / "extra.md").write_text("## Extra\n\nSerotonin is a different neurotransmitter.\n", encoding="utf-8")
    added = build_index(s, embeddings)
    assert (added.added, added.removed, added.unchanged) == (1, 0, base.chunks)

    article = corpus_copy / "ketamine-and-the-brain.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("veterinary medicine", "animal medicine"), encoding="utf-8")
    edited = build_index(s, embeddings)
    assert (edited.added, edited.removed) == (1, 1)
    assert edited.unchanged == base.chunks  # every other chunk of the article, plus extra.md

    (corpus_copy / "extra.md").unlink()
    removed = build_index(s, embeddings)
    assert (removed.added, removed.removed, removed.unchanged) == (0, 1, base.chunks)


def test_bad_files_are_skipped_with_a_warning_and_the_rest_indexed(corpus_copy, tmp_path, embeddings, caplog):
    (corpus_copy / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    (corpus_copy / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (corpus_copy / "empty.md").write_text("  \n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        report = build_index(_settings(corpus_copy, tmp_path / "data"), embeddings)
    skipped = {s.source: s.reason for s in report.skipped}
    assert set(skipped) == {"image.md", "latin1.txt", "empty.md"}
    assert "binary" in skipped["image.md"] and "UTF-8" in skipped["latin1.txt"]
    assert "image.md" in caplog.text
    assert report.documents == 1 and report.chunks > 0


def test_missing_or_empty_corpus_is_a_clear_error(tmp_path, embeddings):
    with pytest.raises(CorpusError, match="not found"):
        build_index(_settings(tmp_path / "nope", tmp_path / "data"), embeddings)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="No readable documents"):
        build_index(_settings(tmp_path / "empty", tmp_path / "data"), embeddings)


def test_a_stale_index_is_refused_when_auto_ingest_is_off(corpus_copy, tmp_path, make_tutor):
    data = tmp_path / "data"
    with pytest.raises(IndexMissing, match="has not been built.*tutor ingest"):
        make_tutor(corpus_copy, data, auto_ingest=False)
    make_tutor(corpus_copy, data)  # builds it
    (corpus_copy / "more.md").write_text("## More\n\nA new paragraph about glutamate.\n", encoding="utf-8")
    with pytest.raises(IndexMissing, match="out of date"):
        make_tutor(corpus_copy, data, auto_ingest=False)
    rebuilt = make_tutor(corpus_copy, data)
    assert rebuilt.last_ingest is not None and rebuilt.last_ingest.added == 1


def test_changing_chunk_size_rebuilds_instead_of_mixing(corpus_copy, tmp_path, embeddings):
    data = tmp_path / "data"
    a = build_index(Settings(corpus_dir=corpus_copy, data_dir=data, chunk_size=300), embeddings)
    b = build_index(Settings(corpus_dir=corpus_copy, data_dir=data, chunk_size=900), embeddings)
    assert b.added == b.chunks and b.unchanged == 0 and b.chunks < a.chunks
