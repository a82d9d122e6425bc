"""The backend factory: a name (from settings, or per request) -> a `Backend`."""

from __future__ import annotations

from typing import Any

from tutor.answering import Backend, ExtractiveBackend
from tutor.config import Settings
from tutor.errors import ConfigError

BACKEND_NAMES = ("extractive", "local", "openai", "ollama")


def create_backend(name: str, settings: Settings, *, embeddings: Any = None) -> Backend:
    """Build the named backend; generative ones load their model and the grounding judge now.

    `embeddings` (the tutor's LangChain embeddings) is shared with the judge, so no second copy of
    the sentence model is loaded.
    """
    match name:
        case "extractive":
            return ExtractiveBackend()
        case "local" | "openai" | "ollama":
            return _generative(name, settings, embeddings)
        case _:
            raise ConfigError(f"unknown backend {name!r}; valid backends: {', '.join(BACKEND_NAMES)}")


def _generative(name: str, settings: Settings, embeddings: Any) -> Backend:
    from tutor.adapters.llm import load_language_model
    from tutor.generation import GenerationOptions, GenerativeBackend
    from tutor.grounding import Judge
    from tutor.prompts import load_prompts

    prompts = load_prompts(settings.prompts_dir)  # before the model: a broken prompt fails fast
    model = load_language_model(name, settings)
    mode = model.default_mode if settings.generation_mode == "auto" else settings.generation_mode
    options = GenerationOptions(
        mode=mode, stream_mode=settings.stream_mode, repair=settings.repair, sources=settings.llm_sources,
        timeout=settings.llm_timeout, retries=settings.llm_retries, backoff=settings.llm_retry_backoff,
        min_verified_share=settings.min_verified_share,
    )
    judge = Judge(embeddings) if embeddings is not None else Judge()
    backend = GenerativeBackend(name, model, prompts, judge, options)
    backend.warm_up()
    return backend
