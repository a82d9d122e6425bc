"""Chat models through LangChain: llama.cpp (any GGUF), any OpenAI-compatible endpoint, Ollama.

The only module that imports provider SDKs. Each loader returns a `LanguageModel`: the chat model,
a way to constrain output to a JSON schema (grammar-constrained decoding), the errors worth
retrying, and a translator from SDK errors to a one-line message naming the fix.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from tutor.config import Settings
from tutor.errors import BackendUnavailable
from tutor.generation import DEFAULT_MODES, LanguageModel
from tutor.models import INSTALL_HINT, resolve_gguf

log = logging.getLogger(__name__)

PROVIDERS = ("local", "openai", "ollama")
OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434"


def load_language_model(provider: str, settings: Settings) -> LanguageModel:
    """The chat model for a provider name; raises BackendUnavailable naming the fix."""
    match provider:
        case "local":
            return load_local(settings)
        case "openai":
            return load_openai(settings)
        case "ollama":
            return load_ollama(settings)
        case _:
            raise BackendUnavailable(f"unknown model provider {provider!r}; valid: {', '.join(PROVIDERS)}")


def _missing_extra(what: str, exc: ImportError) -> BackendUnavailable:
    return BackendUnavailable(f"The {what} backend needs the generative extras ({exc.name or exc} is missing): "
                              f"{INSTALL_HINT}.")


# -- llama.cpp ------------------------------------------------------------------------------------


def load_local(settings: Settings) -> LanguageModel:
    """llama.cpp through LangChain's ChatLlamaCpp: a catalogue model or any GGUF path, on the CPU."""
    try:
        import llama_cpp  # noqa: F401 - fail here, with the fix, rather than inside LangChain
        from langchain_community.chat_models import ChatLlamaCpp
        from llama_cpp import LlamaGrammar
    except ImportError as exc:
        raise _missing_extra("local", exc) from exc
    path = resolve_gguf(settings.llm_model, settings.models_dir)
    threads = settings.llm_threads or os.cpu_count() or 2
    try:
        chat = ChatLlamaCpp(
            model_path=str(path), n_ctx=settings.llm_context, n_threads=threads, n_batch=512,
            # Prompt processing gets the same thread count (llama-cpp-python would use every core): its
            # threads spin-wait for each other, so on a busy CPU more threads than free cores is far slower
            # (measured on 2 shared cores: 23 prompt tok/s with 1 thread, 7 with 2; decoding 7.4 vs 0.3).
            model_kwargs={"n_threads_batch": threads},
            temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens,
            repeat_penalty=1.0,  # a penalty on repeats would steer a quoting model away from the source's words
            top_p=1.0, top_k=0 if settings.llm_temperature == 0 else 40, seed=0, streaming=True, verbose=False,
        )
    except Exception as exc:  # noqa: BLE001 - llama.cpp raises ValueError/RuntimeError for bad files
        raise BackendUnavailable(f"llama.cpp could not load {path}: {exc}") from exc

    def constrained(schema: dict) -> Any:
        return chat.bind(grammar=LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False))

    llama = chat.client

    def count_tokens(messages: list[Any]) -> int:
        # ChatML-style framing: "<|im_start|>role\n" + content + "<|im_end|>\n", then the assistant header.
        return 3 + sum(5 + len(llama.tokenize(str(m.content).encode(), add_bos=False, special=False))
                       for m in messages)

    def warm(messages: list[Any]) -> None:
        # llama.cpp keeps the KV cache of the last prompt and reuses its longest common prefix, so
        # evaluating the fixed system prompt once now spares the first question that work.
        roles = {"system": "system", "human": "user", "ai": "assistant"}
        llama.create_chat_completion(messages=[{"role": roles[m.type], "content": str(m.content)} for m in messages],
                                     max_tokens=1, temperature=0.0)

    name = settings.llm_model if settings.llm_model in DEFAULT_MODES else path.stem
    return LanguageModel(provider="local", model=name, chat=chat, constrained=constrained,
                         transient=(), explain=lambda exc: f"llama.cpp failed: {exc}",
                         default_mode=DEFAULT_MODES.get(settings.llm_model, "generate"),
                         count_tokens=count_tokens, warm=warm)


# -- OpenAI-compatible ----------------------------------------------------------------------------


def load_openai(settings: Settings) -> LanguageModel:
    """Any OpenAI-compatible endpoint (vLLM, llama.cpp server, LM Studio, hosted APIs) via ChatOpenAI."""
    try:
        import httpx
        import openai
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise _missing_extra("openai", exc) from exc
    base_url = settings.llm_base_url
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    if not base_url and not key:
        raise BackendUnavailable("The openai backend needs TUTOR_LLM_BASE_URL (e.g. http://127.0.0.1:8080/v1) "
                                 "or, for api.openai.com, TUTOR_LLM_API_KEY.")
    _check_reachable(httpx, (base_url or "https://api.openai.com/v1").rstrip("/") + "/models", key,
                     settings.llm_timeout, "Start the server or fix TUTOR_LLM_BASE_URL.")
    chat = ChatOpenAI(
        model=settings.llm_model, base_url=base_url, api_key=key or "not-needed",
        temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout, max_retries=0,  # retries (before the first token) are ours: one policy
        streaming=True,
        # LangChain sends the cap as max_completion_tokens; llama.cpp server and older vLLM read max_tokens.
        extra_body={"max_tokens": settings.llm_max_tokens} if base_url else None,
    )

    def constrained(schema: dict) -> Any:
        return chat.bind(response_format={"type": "json_schema",
                                          "json_schema": {"name": "selection", "strict": True, "schema": schema}})

    transient = (openai.APIConnectionError, openai.APITimeoutError, openai.InternalServerError,
                 openai.RateLimitError, httpx.TransportError)

    def explain(exc: BaseException) -> str:
        if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
            return f"the endpoint did not answer within {settings.llm_timeout:g} s (TUTOR_LLM_TIMEOUT)"
        if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
            return f"cannot reach {base_url}; start the server or fix TUTOR_LLM_BASE_URL"
        if isinstance(exc, openai.AuthenticationError):
            return "the endpoint rejected the key; set TUTOR_LLM_API_KEY"
        if isinstance(exc, openai.NotFoundError):
            return f"the endpoint has no model {settings.llm_model!r}; set TUTOR_LLM_MODEL"
        if isinstance(exc, openai.APIStatusError):
            return f"the endpoint answered HTTP {exc.status_code}"
        return f"the endpoint sent something unexpected ({type(exc).__name__}: {exc})"

    return LanguageModel(provider="openai", model=settings.llm_model, chat=chat, constrained=constrained,
                         transient=transient, explain=explain, default_mode="generate")


# -- Ollama ---------------------------------------------------------------------------------------


def load_ollama(settings: Settings) -> LanguageModel:
    """A model served by Ollama, via ChatOllama."""
    try:
        import httpx
        from langchain_ollama import ChatOllama
        from ollama import ResponseError
    except ImportError as exc:
        raise _missing_extra("ollama", exc) from exc
    base_url = (settings.llm_base_url or OLLAMA_DEFAULT_URL).rstrip("/")
    tags = _check_reachable(httpx, base_url + "/api/tags", None, settings.llm_timeout,
                            "Start it with `ollama serve` or fix TUTOR_LLM_BASE_URL.")
    if tags is not None:
        names = {m.get("name", "") for m in tags.get("models", [])}
        if names and settings.llm_model not in names and f"{settings.llm_model}:latest" not in names:
            raise BackendUnavailable(f"Ollama has no model {settings.llm_model!r}: "
                                     f"run `ollama pull {settings.llm_model}`.")
    options = dict(model=settings.llm_model, base_url=base_url, temperature=settings.llm_temperature,
                   num_predict=settings.llm_max_tokens, seed=0, client_kwargs={"timeout": settings.llm_timeout})
    chat = ChatOllama(**options)

    def constrained(schema: dict) -> Any:
        return ChatOllama(**options, format=schema)

    transient = (httpx.TransportError, ConnectionError)

    def retryable(exc: BaseException) -> bool:
        # The server is down or slow, or failed inside (5xx); a 4xx (no such model) will not get better.
        return isinstance(exc, transient) or (isinstance(exc, ResponseError) and exc.status_code >= 500)

    def explain(exc: BaseException) -> str:
        if isinstance(exc, httpx.TimeoutException):
            return f"Ollama did not answer within {settings.llm_timeout:g} s (TUTOR_LLM_TIMEOUT)"
        if isinstance(exc, httpx.TransportError | ConnectionError):
            return f"cannot reach Ollama at {base_url}; start it with `ollama serve`"
        if isinstance(exc, ResponseError) and exc.status_code == 404:
            return f"Ollama has no model {settings.llm_model!r}; run `ollama pull {settings.llm_model}`"
        if isinstance(exc, ResponseError):
            status = f"HTTP {exc.status_code}: " if exc.status_code > 0 else ""
            return f"Ollama failed ({status}{exc.error})"
        return f"Ollama sent something unexpected ({type(exc).__name__}: {exc})"

    return LanguageModel(provider="ollama", model=settings.llm_model, chat=chat, constrained=constrained,
                         transient=transient, retryable=retryable, explain=explain, default_mode="generate")


def _check_reachable(httpx: Any, url: str, key: str | None, timeout: float, fix: str) -> dict | None:
    """GET a cheap endpoint once at load so a wrong address fails now, with the fix, not mid-answer."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        response = httpx.get(url, headers=headers, timeout=min(timeout, 10.0))
    except httpx.HTTPError as exc:
        raise BackendUnavailable(f"Cannot reach {url} ({type(exc).__name__}). {fix}") from exc
    if response.status_code in (401, 403):
        raise BackendUnavailable(f"{url} rejected the credentials (HTTP {response.status_code}); "
                                 "set TUTOR_LLM_API_KEY.")
    try:
        return response.json() if response.status_code == 200 else None
    except ValueError:
        return None
