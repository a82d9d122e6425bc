"""Chunking: offsets always address the exact text; sections and sentences are found."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ARTICLE
from tutor.chunking import chunk_document, markdown_sections, plain_text_sections, split_sentences
from tutor.corpus import load_document


def _doc(text: str, suffix: str = ".md"):
    from tutor.corpus import LOADERS
    from tutor.types import Document

    return Document(source=f"doc{suffix}", title="t", text=text, sections=LOADERS[suffix](text), sha256="x")


words = st.text(alphabet=string.ascii_letters + "’“”—é", min_size=1, max_size=12)
sentence = st.builds(lambda ws, end: " ".join(ws) + end, st.lists(words, min_size=1, max_size=25),
                     st.sampled_from([".", "!", "?", "…", ".”", ""]))
paragraph = st.builds(" ".join, st.lists(sentence, min_size=1, max_size=6))
block = st.one_of(paragraph, st.builds(lambda t: f"## {t}", words), st.builds(lambda t: f"- {t}", paragraph))
documents = st.builds(
    lambda blocks, seps, tail: "".join(b + s for b, s in zip(blocks, seps)) + tail,
    st.lists(block, min_size=1, max_size=12),
    st.lists(st.sampled_from(["\n\n", "\n", "\n \n", "\r\n\r\n".replace("\r", "")]), min_size=12, max_size=12),
    st.sampled_from(["", "\n", "  "]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents, size=st.integers(80, 900), overlap=st.integers(0, 2), suffix=st.sampled_from([".md", ".txt"]))
def test_every_chunk_is_the_slice_at_its_offsets(text, size, overlap, suffix):
    doc = _doc(text, suffix)
    chunks = chunk_document(doc, size, overlap)
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip() == chunk.text and chunk.text
        for s in chunk.sentences:
            assert text[s.start : s.end] == s.text
            assert chunk.start <= s.start < s.end <= chunk.end
    # Without overlap, every non-heading word of the document lands in exactly one chunk.
    if overlap == 0:
        covered = sum(len(c.text.split()) for c in chunks)
        body = sum(len(text[s.start:s.end].split()) for s in doc.sections)
        assert covered <= body


def test_article_offsets_survive_curly_quotes_and_the_last_line(tmp_path):
    doc = load_document(ARTICLE, ARTICLE.name)
    raw = ARTICLE.read_text(encoding="utf-8")
    chunks = chunk_document(doc, 700)
    assert all(raw[c.start : c.end] == c.text for c in chunks)
    assert chunks[-1].text.endswith("changes to brain structure.")
    assert any("’" in c.text for c in chunks)
    # a file without a trailing newline keeps its last sentence
    f = tmp_path / "x.md"
    f.write_text("## A\n\nFirst one. Last one without newline", encoding="utf-8")
    last = chunk_document(load_document(f, "x.md"), 200)[-1]
    assert last.text.endswith("Last one without newline")


def test_markdown_headings_become_sections_and_intro_is_named():
    text = "Opening words here.\n\n## Alpha\n\nA text.\n\n### Beta ##\n\nB text.\n"
    titles = [s.title for s in markdown_sections(text)]
    assert titles == ["Introduction", "Alpha", "Beta"]


def test_plain_text_title_lines_become_sections():
    raw = (ARTICLE.parent.parent / "corpus" / ARTICLE.name).read_text(encoding="utf-8")
    plain = "\n".join(line[3:] if line.startswith("## ") else line for line in raw.split("\n") if line)
    titles = [s.title for s in plain_text_sections(plain)]
    assert titles == ["Introduction", "Ketamine’s Primary Brain Target", "The Dissociative State Explained",
                      "Promoting Neuroplasticity and New Connections", "Brain Alterations from Prolonged Use"]


def test_sentences_respect_abbreviations_and_paragraphs():
    text = "Drugs, e.g. ketamine, act fast. Dr. Smith agreed! Really?\n\nNew paragraph here."
    got = split_sentences(text)
    assert [s.text for s in got] == ["Drugs, e.g. ketamine, act fast.", "Dr. Smith agreed!", "Really?", "New paragraph here."]
    assert [s.paragraph for s in got] == [0, 0, 0, 1]


def test_chunks_never_cross_sections_and_ids_are_stable():
    doc = load_document(ARTICLE, ARTICLE.name)
    a, b = chunk_document(doc, 300), chunk_document(doc, 300)
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert len({c.chunk_id for c in a}) == len(a)
    for c in a:
        section = next(s for s in doc.sections if s.title == c.section)
        assert section.start <= c.start and c.end <= section.end


def test_an_overlong_sentence_is_cut_so_chunks_stay_bounded():
    text = "## S\n\n" + " ".join(["word"] * 2000)
    chunks = chunk_document(_doc(text), 200)
    assert len(chunks) > 5
    assert max(len(c.text) for c in chunks) <= 400
