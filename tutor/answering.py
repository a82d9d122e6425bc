"""Composing answers from ranked source sentences. The extractive backend needs no language model."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Protocol

from pydantic import BaseModel

from tutor.retrieval import ScoredSentence
from tutor.types import Citation, SentenceSupport

# A sentence opening like this leans on the one before it; quoting it alone would confuse.
_ANAPHORIC_OPENING = re.compile(
    r"^(This|These|That|Those|It|Its|They|Their|Such|The action|The process|The effect|The user|"
    r"Many neurons affected by this|As a result|However|Therefore|Thus|Following|One of these)\b"
)


class AnswerContext(BaseModel):
    """Everything a backend needs to answer one question."""

    question: str
    standalone_question: str
    sentences: list[ScoredSentence]
    max_sentences: int = 4


class Composition(BaseModel):
    """A composed answer: text with markers, the citations, and per-sentence support."""

    answer: str
    citations: list[Citation]
    grounding: list[SentenceSupport]


class Backend(Protocol):
    """Turns retrieved material into an answer. Generative backends implement the same two methods."""

    name: str

    def compose(self, context: AnswerContext) -> Composition: ...

    def stream(self, context: AnswerContext) -> Iterator[str | Composition]: ...


def select_sentences(ranked: Sequence[ScoredSentence], limit: int, margin: float = 0.1) -> list[ScoredSentence]:
    """The best sentence, those nearly as good, and any sentence a chosen one needs to make sense."""
    if not ranked:
        return []
    best = ranked[0].score
    unique: dict[tuple[str, int], ScoredSentence] = {}
    for s in ranked:
        unique.setdefault((s.sentence.source, s.sentence.start), s)
    candidates = list(unique.values())
    chosen = [s for s in candidates if s.score >= best - margin][:limit]
    by_position = {(s.chunk.chunk_id, s.index): s for s in candidates}
    for s in list(chosen):
        current = s
        # Pull in the sentence before an anaphoric opening ("This means …"), up to two steps back.
        for _ in range(2):
            if not _ANAPHORIC_OPENING.match(current.sentence.text) or current.index == 0:
                break
            previous = by_position.get((current.chunk.chunk_id, current.index - 1))
            if previous is None or previous.sentence.paragraph != current.sentence.paragraph:
                break
            if previous not in chosen:
                chosen.append(previous)
            current = previous
    return sorted(chosen, key=lambda s: (s.sentence.source, s.sentence.start))


def _lead_in(selected: Sequence[ScoredSentence]) -> str:
    sections = list(dict.fromkeys(s.chunk.section for s in selected))
    if len(sections) == 1:
        return f"Here is what the material says, from “{sections[0]}”:"
    return "The material covers this in " + " and ".join(f"“{t}”" for t in sections[:3]) + ":"


class ExtractiveBackend:
    """Answers with the most relevant source sentences, verbatim, each with its citation."""

    name = "extractive"

    def compose(self, context: AnswerContext) -> Composition:
        """Quote the selected sentences in document order, one marker each, under a short lead-in."""
        selected = select_sentences(context.sentences, context.max_sentences)
        citations, grounding, parts = [], [], []
        lead = _lead_in(selected)
        grounding.append(SentenceSupport(sentence=lead, citations=[], score=1.0, verdict="framing"))
        previous_paragraph = None
        for marker, s in enumerate(selected, start=1):
            sent = s.sentence
            citations.append(Citation(marker=marker, chunk_id=s.chunk.chunk_id, source=sent.source,
                                      section=s.chunk.section, text=sent.text, start=sent.start, end=sent.end))
            grounding.append(SentenceSupport(sentence=sent.text, citations=[marker], score=1.0, verdict="supported"))
            separator = "" if previous_paragraph is None else (" " if sent.paragraph == previous_paragraph else "\n\n")
            parts.append(f"{separator}{sent.text} [{marker}]")
            previous_paragraph = sent.paragraph
        return Composition(answer=f"{lead}\n\n{''.join(parts)}", citations=citations, grounding=grounding)

    def stream(self, context: AnswerContext) -> Iterator[str | Composition]:
        """Yield the answer a sentence at a time, then the full composition."""
        composition = self.compose(context)
        for piece in re.split(r"(?<=\])(?=\s)", composition.answer):
            yield piece
        yield composition
