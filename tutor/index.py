"""Incremental ingest: embed new and changed chunks, drop removed ones, leave the rest alone."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Protocol

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from tutor.corpus import SkippedFile
from tutor.types import Chunk


class VectorStore(Protocol):
    """What ingest and retrieval need from a vector store."""

    location: str

    def chunk_ids(self) -> set[str]: ...
    def add_chunks(self, chunks: Sequence[Chunk], chunk_vectors: Sequence[Sequence[float]],
                   sentence_vectors: Sequence[Sequence[float]]) -> None: ...
    def delete_chunks(self, chunk_ids: Sequence[str]) -> None: ...
    def search_chunks(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]: ...
    def search_sentences(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]: ...
    def sentence_vectors(self, ids: Sequence[str]) -> dict[str, list[float]]: ...


class IngestPlan(BaseModel):
    """What an ingest would change."""

    add: list[Chunk]
    remove: list[str]
    unchanged: int

    @property
    def up_to_date(self) -> bool:
        """True when the store already matches the corpus."""
        return not self.add and not self.remove


class IngestReport(BaseModel):
    """What an ingest did."""

    documents: int
    chunks: int
    added: int
    removed: int
    unchanged: int
    skipped: list[SkippedFile]
    seconds: float
    location: str


def plan_ingest(chunks: Sequence[Chunk], stored_ids: set[str]) -> IngestPlan:
    """Compare the corpus chunks with the stored ids. Ids hash the text, so an edit is remove + add."""
    wanted = {c.chunk_id for c in chunks}
    return IngestPlan(
        add=[c for c in chunks if c.chunk_id not in stored_ids],
        remove=sorted(stored_ids - wanted),
        unchanged=len(wanted & stored_ids),
    )


def apply_plan(plan: IngestPlan, store: VectorStore, embeddings: Embeddings, batch: int = 64) -> None:
    """Embed chunks and their sentences in one model pass per batch, then write them to the store."""
    store.delete_chunks(plan.remove)
    for i in range(0, len(plan.add), batch):
        part = plan.add[i : i + batch]
        texts = [c.text for c in part] + [s.text for c in part for s in c.sentences]
        vectors = embeddings.embed_documents(texts)
        store.add_chunks(part, vectors[: len(part)], vectors[len(part) :])


def ingest(chunks: Sequence[Chunk], store: VectorStore, embeddings: Embeddings,
           documents: int, skipped: Sequence[SkippedFile] = ()) -> IngestReport:
    """Bring the store in line with the chunks and report what changed."""
    started = time.perf_counter()
    plan = plan_ingest(chunks, store.chunk_ids())
    apply_plan(plan, store, embeddings)
    return IngestReport(
        documents=documents, chunks=len(chunks), added=len(plan.add), removed=len(plan.remove),
        unchanged=plan.unchanged, skipped=list(skipped), seconds=time.perf_counter() - started,
        location=store.location,
    )
