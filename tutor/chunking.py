"""Pure text logic: sections, sentences and chunks with exact character offsets."""

from __future__ import annotations

import hashlib
import re

from tutor.types import Chunk, Document, Section, Sentence

INTRO_SECTION = "Introduction"

_MD_HEADING = re.compile(r"^[ ]{0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
# A sentence ends at . ! ? (or an ellipsis), possibly followed by closing quotes or brackets,
# when whitespace and then something that can start a sentence follow.
_SENTENCE_END = re.compile(r"(?:[.!?]+|…)[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "prof", "fig", "approx", "no", "st", "jr",
    "sr", "u.s", "u.k", "cf", "al", "ca", "inc", "ltd", "co", "mg", "ml", "kg",
}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d+[.)])[ \t])")


def markdown_sections(text: str) -> list[Section]:
    """Sections of a Markdown text: each heading opens one; text before the first is 'Introduction'."""
    return _sections_from_headings(text, [(m.start(), m.end(), m.group(2).strip()) for m in _MD_HEADING.finditer(text)])


def plain_text_sections(text: str) -> list[Section]:
    """Sections of plain text, taking short unpunctuated title-like lines between paragraphs as headings."""
    headings = []
    lines = text.split("\n")
    offset = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        nxt = next((ln.strip() for ln in lines[i + 1 :] if ln.strip()), "")
        if (
            0 < len(stripped) <= 80
            and stripped[0].isupper()
            and stripped[-1] not in ".!?:;,…\"”’)"
            and len(stripped.split()) <= 12
            and len(nxt) > len(stripped)
            and i > 0
        ):
            headings.append((offset, offset + len(line), stripped))
        offset += len(line) + 1
    return _sections_from_headings(text, headings)


def _sections_from_headings(text: str, headings: list[tuple[int, int, str]]) -> list[Section]:
    sections: list[Section] = []
    cursor, title = 0, INTRO_SECTION
    for start, end, heading in headings:
        if text[cursor:start].strip():
            sections.append(Section(title=title, start=cursor, end=start))
        cursor, title = end, heading
    if text[cursor:].strip():
        sections.append(Section(title=title, start=cursor, end=len(text)))
    return sections


def split_sentences(text: str, start: int = 0, end: int | None = None, paragraph: int = 0) -> list[Sentence]:
    """Sentences of text[start:end], trimmed of whitespace, with paragraph numbers counted from `paragraph`."""
    end = len(text) if end is None else end
    sentences: list[Sentence] = []
    para_start = start
    breaks = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(text, start, end)] + [(end, end)]
    for para_end, next_start in breaks:
        if text[para_start:para_end].strip():
            sentences.extend(_split_paragraph(text, para_start, para_end, paragraph))
            paragraph += 1
        para_start = next_start
    return sentences


def _split_paragraph(text: str, start: int, end: int, paragraph: int) -> list[Sentence]:
    pieces: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        word = re.search(r"(\S+)$", text[cursor : match.start()])
        token = (word.group(1) if word else "").lower().rstrip(".")
        if match.group(0).startswith(".") and (token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token)):
            continue
        pieces.append((cursor, match.end()))
        cursor = match.end()
    pieces.append((cursor, end))
    sentences = []
    for s, e in pieces:
        s, e = _trim(text, s, e)
        if s < e:
            sentences.append(Sentence(source="", start=s, end=e, text=text[s:e], paragraph=paragraph))
    return sentences


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _hard_split(text: str, sentence: Sentence, limit: int) -> list[Sentence]:
    """Cut an over-long 'sentence' (a list, a table) at whitespace so no chunk grows unbounded."""
    parts, cursor = [], sentence.start
    while sentence.end - cursor > limit:
        cut = text.rfind(" ", cursor + limit // 2, cursor + limit)
        cut = cut if cut > cursor else cursor + limit
        s, e = _trim(text, cursor, cut)
        if s < e:
            parts.append(sentence.model_copy(update={"start": s, "end": e, "text": text[s:e]}))
        cursor = cut
    s, e = _trim(text, cursor, sentence.end)
    if s < e:
        parts.append(sentence.model_copy(update={"start": s, "end": e, "text": text[s:e]}))
    return parts


def document_sentences(doc: Document) -> list[tuple[Section, list[Sentence]]]:
    """Sentences of each section of a document, paragraphs numbered across the whole document."""
    out, paragraph = [], 0
    for section in doc.sections:
        sentences = [
            s.model_copy(update={"source": doc.source})
            for s in split_sentences(doc.text, section.start, section.end, paragraph)
        ]
        if sentences:
            paragraph = sentences[-1].paragraph + 1
            out.append((section, sentences))
    return out


def chunk_document(doc: Document, chunk_size: int = 500, overlap: int = 0) -> list[Chunk]:
    """Pack whole sentences of each section into chunks of about `chunk_size` characters.

    A chunk never crosses a section; it closes at a paragraph end once it is half full, so chunks
    tend to follow the author's paragraphs. `overlap` sentences are repeated from the previous chunk.
    """
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for section, raw in document_sentences(doc):
        sentences = [part for s in raw for part in _hard_split(doc.text, s, 2 * chunk_size)]
        group: list[Sentence] = []
        for i, sentence in enumerate(sentences):
            group.append(sentence)
            length = group[-1].end - group[0].start
            nxt = sentences[i + 1] if i + 1 < len(sentences) else None
            if nxt is None:
                close = True
            else:
                grown = nxt.end - group[0].start
                para_end = nxt.paragraph != sentence.paragraph
                close = grown > chunk_size or (para_end and length >= chunk_size // 2)
            if close:
                chunks.append(_make_chunk(doc, section.title, group, seen))
                group = group[-overlap:] if overlap and nxt is not None and nxt.paragraph == sentence.paragraph else []
    return chunks


def _make_chunk(doc: Document, section: str, group: list[Sentence], seen: dict[str, int]) -> Chunk:
    start, end = group[0].start, group[-1].end
    text = doc.text[start:end]
    digest = hashlib.sha1(f"{doc.source}\x00{section}\x00{text}".encode()).hexdigest()[:16]
    seen[digest] = seen.get(digest, 0) + 1
    chunk_id = f"{doc.source}#{digest}" + (f"-{seen[digest]}" if seen[digest] > 1 else "")
    return Chunk(
        source=doc.source, start=start, end=end, text=text, chunk_id=chunk_id, section=section,
        sentences=list(group),
    )
