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
    correction: str | None = None
    """A source sentence that contradicts what the question takes for granted (tutor/premise.py): the answer
    opens by saying the premise is wrong and quotes it."""


class Composition(BaseModel):
    """A composed answer: text with markers, the citations, and per-sentence support."""

    answer: str
    citations: list[Citation]
    grounding: list[SentenceSupport]
    notice: str | None = None
    """A one-line note for the reply (e.g. that a model's draft was replaced by quotes)."""


class Backend(Protocol):
    """Turns retrieved material into an answer. Generative backends implement the same two methods."""

    name: str

    def compose(self, context: AnswerContext) -> Composition: ...

    def stream(self, context: AnswerContext) -> Iterator[str | Composition]: ...


FOCUS_WEIGHT = 0.75
"""How far a sentence's similarity to the question without the material's common words (its `focus`) replaces
its similarity to the whole question when choosing what to quote. Measured on the development sets
(tests/data/answer_relevance.yaml, retrieval.yaml; tuned on each half, checked on the other): 0.75 on both."""


def refocus(ranked: Sequence[ScoredSentence], weight: float = FOCUS_WEIGHT) -> list[ScoredSentence]:
    """`ranked` re-scored by what the question asks beyond the material's subject, best first.

    Every passage names the subject ("ketamine"), so similarity to the whole question favours sentences that
    merely name it ("By suppressing these cells, ketamine …") over the one that answers ("BDNF encourages the
    growth of new synapses …"); similarity to the rest of the question does not.
    """
    adjusted = [s if s.focus is None else s.model_copy(update={"score": s.score + weight * (s.focus - s.dense)})
                for s in ranked]
    return sorted(adjusted, key=lambda s: -s.score)


def select_sentences(ranked: Sequence[ScoredSentence], limit: int, margin: float = 0.12,
                     focus_weight: float = FOCUS_WEIGHT) -> list[ScoredSentence]:
    """The best sentence, those nearly as good, and the neighbours a chosen one needs to make sense.

    Sentences are judged by what the question asks beyond the material's subject (`refocus`).
    A sentence opening with "This …" leans on the one before it, so that one is pulled in; and
    when the sentence after a chosen one opens that way, it usually explains it ("… a state known
    as dissociation. This is a sense of detachment …"), so it is pulled in when it is relevant too.
    """
    if not ranked:
        return []
    ranked = refocus(ranked, focus_weight) if focus_weight else list(ranked)
    best = ranked[0].score
    unique: dict[tuple[str, int], ScoredSentence] = {}
    for s in ranked:
        unique.setdefault((s.sentence.source, s.sentence.start), s)
    candidates = list(unique.values())
    chosen = [s for s in candidates if s.score >= best - margin][:limit]
    if len(chosen) == 1 and len(candidates) > 1 and candidates[1].score >= best - 2 * margin:
        chosen.append(candidates[1])  # one quoted sentence is rarely a lesson
    by_position = {(s.chunk.chunk_id, s.index): s for s in candidates}

    def neighbour(s: ScoredSentence, step: int) -> ScoredSentence | None:
        other = by_position.get((s.chunk.chunk_id, s.index + step))
        return other if other is not None and other.sentence.paragraph == s.sentence.paragraph else None

    for s in list(chosen):
        current = s
        for _ in range(2):  # up to two steps back: "This means …" after "This is …"
            previous = neighbour(current, -1) if _ANAPHORIC_OPENING.match(current.sentence.text) else None
            if previous is None:
                break
            if previous not in chosen:
                chosen.append(previous)
            current = previous
        following = neighbour(s, +1)
        if (following is not None and following not in chosen and _ANAPHORIC_OPENING.match(following.sentence.text)
                and following.score >= best - 2.5 * margin and len(chosen) < limit + 1):
            chosen.append(following)
    return sorted(chosen, key=lambda s: (s.sentence.source, s.sentence.start))


def _lead_in(selected: Sequence[ScoredSentence], correcting: bool = False) -> str:
    sections = list(dict.fromkeys(s.chunk.section for s in selected))
    named = " and ".join(f"“{t}”" for t in sections[:3])
    if correcting:
        return f"{CORRECTION_LEAD}, in {named}:"
    if len(sections) == 1:
        return f"Here is what the material says, from {named}:"
    return f"The material covers this in {named}:"


CORRECTION_LEAD = "Not quite — the material says otherwise"
"""How an answer opens when the question rests on something the material contradicts."""


class ExtractiveBackend:
    """Answers with the most relevant source sentences, verbatim, each with its citation."""

    name = "extractive"

    def compose(self, context: AnswerContext) -> Composition:
        """Quote the selected sentences in document order, one marker each, under a short lead-in."""
        # A correction's evidence was put first (premise.promote) and must stay quoted, so it is not re-scored.
        selected = select_sentences(context.sentences, context.max_sentences,
                                    focus_weight=0.0 if context.correction is not None else FOCUS_WEIGHT)
        citations, grounding, parts = [], [], []
        lead = _lead_in(selected, correcting=context.correction is not None)
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
