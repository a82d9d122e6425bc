"""Chroma, embedded or as a server: two collections, chunks and sentences, with our own vectors."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any

from tutor.errors import StoreUnavailable
from tutor.types import Chunk

log = logging.getLogger(__name__)


class ChromaStore:
    """Stores chunk and sentence vectors; every vector comes from the tutor's embedding model."""

    def __init__(self, client: Any, collection: str, signature: str):
        self._client = client
        self.location = ""
        meta = {"hnsw:space": "cosine", "signature": signature}
        try:
            self.chunks = self._open(f"{collection}-chunks", meta)
            self.sentences = self._open(f"{collection}-sentences", meta)
        except Exception as exc:  # chromadb raises many types for a dead connection
            raise StoreUnavailable(f"Chroma is unavailable: {exc}") from exc

    @classmethod
    def connect(
        cls,
        *,
        path: str | None = None,
        host: str | None = None,
        port: int = 8000,
        collection: str,
        signature: str,
    ) -> ChromaStore:
        """Open the embedded store at `path`, or the server at host:port when a host is given."""
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if host:
            try:
                client = chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
                client.heartbeat()
            except Exception as exc:
                raise StoreUnavailable(
                    f"Cannot reach the Chroma server at {host}:{port} ({type(exc).__name__}). "
                    f"Start it with `chroma run --path DIR --host {host} --port {port}` or unset TUTOR_CHROMA_HOST."
                ) from exc
            location = f"chroma server {host}:{port}"
        else:
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            location = f"embedded chroma at {path}"
        store = cls(client, collection, signature)
        store.location = location
        return store

    def _open(self, name: str, meta: dict[str, str]) -> Any:
        collection = self._client.get_or_create_collection(name, embedding_function=None, metadata=meta)
        if (collection.metadata or {}).get("signature") != meta["signature"]:
            # A different embedding model or chunking: old vectors cannot be mixed with new ones.
            log.info("Index signature changed; recreating %s", name)
            self._client.delete_collection(name)
            collection = self._client.create_collection(name, embedding_function=None, metadata=meta)
        return collection

    def chunk_ids(self) -> set[str]:
        """Ids of every stored chunk."""
        return set(self._call(self.chunks.get, include=[])["ids"])

    def add_chunks(self, chunks: Sequence[Chunk], chunk_vectors: Sequence[Sequence[float]],
                   sentence_vectors: Sequence[Sequence[float]]) -> None:
        """Store chunks and their sentences with precomputed vectors (sentences in chunk order)."""
        if not chunks:
            return
        self._call(
            self.chunks.upsert,
            ids=[c.chunk_id for c in chunks],
            embeddings=[list(v) for v in chunk_vectors],
            documents=[c.text for c in chunks],
            metadatas=[{"source": c.source, "section": c.section, "start": c.start, "end": c.end} for c in chunks],
        )
        ids, metas = [], []
        for c in chunks:
            for i, s in enumerate(c.sentences):
                ids.append(sentence_id(c.chunk_id, i))
                metas.append({"chunk_id": c.chunk_id, "start": s.start, "end": s.end})
        self._call(self.sentences.upsert, ids=ids, embeddings=[list(v) for v in sentence_vectors], metadatas=metas)

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        """Remove chunks and their sentences."""
        if not chunk_ids:
            return
        self._call(self.chunks.delete, ids=list(chunk_ids))
        self._call(self.sentences.delete, where={"chunk_id": {"$in": list(chunk_ids)}})

    def search_chunks(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the k nearest chunks."""
        res = self._call(self.chunks.query, query_embeddings=[list(vector)], n_results=k, include=["distances"])
        return [(cid, 1.0 - dist) for cid, dist in zip(res["ids"][0], res["distances"][0], strict=True)]

    def search_sentences(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the chunks holding the k nearest sentences, best first."""
        res = self._call(self.sentences.query, query_embeddings=[list(vector)], n_results=k,
                         include=["distances", "metadatas"])
        best: dict[str, float] = {}
        for meta, dist in zip(res["metadatas"][0], res["distances"][0], strict=True):
            best.setdefault(meta["chunk_id"], 1.0 - dist)
        return list(best.items())

    def sentence_vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """Stored vectors of the given sentence ids."""
        if not ids:
            return {}
        res = self._call(self.sentences.get, ids=list(ids), include=["embeddings"])
        return {sid: list(vec) for sid, vec in zip(res["ids"], res["embeddings"], strict=True)}

    def _call(self, fn: Any, **kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except Exception as exc:
            if type(exc).__module__.startswith(("httpx", "requests", "urllib3")) or isinstance(exc, (ConnectionError, OSError)):
                raise StoreUnavailable(f"Chroma is unavailable ({self.location}): {exc}") from exc
            raise


def sentence_id(chunk_id: str, index: int) -> str:
    """Id of the index-th sentence of a chunk in the sentences collection."""
    return f"{chunk_id}/{index}"
