"""Domain types shared by every layer: documents, chunks, passages, citations, replies."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ReplyKind = Literal["answer", "not_in_material", "out_of_scope", "safety", "crisis"]
"""What sort of reply the tutor gave; front ends style each kind differently."""


class Span(BaseModel):
    """A piece of a source document, addressed by character offsets."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(description="Path of the document relative to the corpus directory.")
    start: int = Field(ge=0, description="Offset of the first character in the document text.")
    end: int = Field(ge=0, description="Offset one past the last character.")
    text: str = Field(description="Exactly document_text[start:end].")


class Section(BaseModel):
    """A titled part of a document; text before any heading belongs to 'Introduction'."""

    title: str
    start: int
    end: int


class Document(BaseModel):
    """One corpus file, decoded, with its sections."""

    source: str
    title: str
    text: str
    sections: list[Section]
    sha256: str = Field(description="Hash of the decoded text; drives incremental ingest.")


class Sentence(Span):
    """A sentence of a document, with its paragraph index inside the document."""

    paragraph: int = Field(ge=0)


class Chunk(Span):
    """A retrievable unit: whole sentences inside one section."""

    chunk_id: str = Field(description="Stable id: source, section and a hash of the text.")
    section: str
    sentences: list[Sentence]


class Passage(BaseModel):
    """A retrieved chunk with its fused rank score."""

    chunk: Chunk
    score: float = Field(description="Fused reciprocal-rank score; higher is better.")
    dense: float = Field(description="Cosine similarity between query and chunk.")
    lexical: float = Field(description="BM25 score of the chunk for the query.")


class Citation(BaseModel):
    """A cited span: `text == corpus/source[start:end]`, inside chunk `chunk_id`."""

    marker: int = Field(ge=1, description="The n of the [n] marker in the answer.")
    chunk_id: str
    source: str
    section: str
    text: str
    start: int
    end: int


class SentenceSupport(BaseModel):
    """How well one sentence of an answer is supported by what it cites."""

    sentence: str
    citations: list[int] = Field(default_factory=list, description="Markers the sentence carries.")
    score: float = Field(ge=0, le=1)
    verdict: Literal["supported", "unsupported", "contradicted", "framing"]


class TutorReply(BaseModel):
    """The one reply type every front end and the evals consume."""

    kind: ReplyKind
    answer: str = Field(description="Text with inline markers [1], [2] … for answers.")
    citations: list[Citation] = Field(default_factory=list)
    session_id: str
    question: str = Field(description="The learner's message as received.")
    standalone_question: str = Field(
        default="", description="The question after folding in the conversation (what was searched)."
    )
    suggestions: list[str] = Field(default_factory=list, description="Follow-up questions to offer.")
    grounding: list[SentenceSupport] = Field(default_factory=list)
    backend: str = "extractive"
    notice: str | None = Field(default=None, description="Optional one-line disclaimer or note.")
    corrected_premise: str | None = Field(
        default=None, description="What the question took for granted that the material contradicts (the answer "
                                  "opens by saying so and quotes the sentence that contradicts it).")


class Turn(BaseModel):
    """One exchange stored in a session."""

    question: str
    standalone_question: str
    reply_kind: ReplyKind
    answer: str
    cited_chunk_ids: list[str] = Field(default_factory=list)
    cited_spans: list[tuple[str, int]] = Field(
        default_factory=list, description="(source, start) of each cited sentence, to prefer new ones next turn."
    )
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
