"""The eval datasets as pydantic models; every quoted passage is checked to occur in the corpus."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from tutor.config import REPO_ROOT

DATASETS = Path(__file__).resolve().parent / "datasets"
GOLDEN = DATASETS / "golden.yaml"
JUDGE_META = DATASETS / "judge_meta.yaml"

Category = Literal["mechanism", "risk", "overview", "paraphrase", "misspelling", "follow_up", "not_in_material",
                   "out_of_scope", "false_premise", "safety", "crisis", "injection"]
ExpectedKind = Literal["answer", "not_in_material", "out_of_scope", "safety", "crisis"]
JudgeLabel = Literal["supported", "unsupported", "contradicted"]


class Quote(BaseModel):
    """Where a quoted passage sits in the corpus."""

    source: str
    start: int
    end: int
    text: str


def _normal(text: str) -> str:
    return " ".join(text.split())


def locate(quote: str, corpus: Mapping[str, str]) -> Quote | None:
    """The first exact occurrence of `quote` in the corpus texts (whitespace runs may differ)."""
    for source, text in corpus.items():
        at = text.find(quote)
        if at >= 0:
            return Quote(source=source, start=at, end=at + len(quote), text=quote)
    # Paragraph breaks inside a quote: match with whitespace collapsed, then map back.
    wanted = _normal(quote)
    for source, text in corpus.items():
        collapsed, index = [], []
        previous_space = False
        for i, ch in enumerate(text):
            space = ch.isspace()
            if space and previous_space:
                continue
            collapsed.append(" " if space else ch)
            index.append(i)
            previous_space = space
        at = "".join(collapsed).find(wanted)
        if at >= 0:
            start = index[at]
            end = index[at + len(wanted) - 1] + 1
            return Quote(source=source, start=start, end=end, text=text[start:end])
    return None


def _check_quotes(quotes: list[str], info: ValidationInfo, what: str) -> list[str]:
    corpus = (info.context or {}).get("corpus")
    if corpus is None:
        return quotes
    missing = [q for q in quotes if locate(q, corpus) is None]
    if missing:
        raise ValueError(f"{what} not found verbatim in the corpus: " + " | ".join(repr(q[:80]) for q in missing))
    return quotes


class GoldenCase(BaseModel):
    """One conversation to evaluate: the last turn is the question, earlier turns are its history."""

    id: str = Field(min_length=1)
    category: Category
    turns: list[str] = Field(min_length=1, description="User messages in order; the last one is evaluated.")
    expected_kind: ExpectedKind
    expected_passages: list[str] = Field(default_factory=list,
                                         description="Verbatim corpus quotes that support the ideal answer.")
    reference_answer: str = ""
    must_not_say: list[str] = Field(default_factory=list, description="Trap phrases (case-insensitive substrings).")

    @property
    def question(self) -> str:
        return self.turns[-1]

    @field_validator("expected_passages")
    @classmethod
    def _quotes_exist(cls, quotes: list[str], info: ValidationInfo) -> list[str]:
        return _check_quotes(quotes, info, "expected passage")

    @field_validator("must_not_say")
    @classmethod
    def _lower(cls, phrases: list[str]) -> list[str]:
        return [p.lower() for p in phrases]

    @model_validator(mode="after")
    def _passages_match_kind(self) -> GoldenCase:
        if self.expected_kind == "answer" and not self.expected_passages:
            raise ValueError(f"case {self.id}: an answer case needs expected passages")
        if self.expected_kind != "answer" and self.expected_passages:
            raise ValueError(f"case {self.id}: a {self.expected_kind} case has no expected passages")
        return self


class GoldenSet(BaseModel):
    """A named list of cases with unique ids."""

    name: str
    cases: list[GoldenCase]

    @model_validator(mode="after")
    def _unique_ids(self) -> GoldenSet:
        seen: set[str] = set()
        dupes = [c.id for c in self.cases if c.id in seen or seen.add(c.id)]  # type: ignore[func-returns-value]
        if dupes:
            raise ValueError(f"duplicate case ids: {', '.join(dupes)}")
        return self

    def categories(self) -> list[str]:
        return list(dict.fromkeys(c.category for c in self.cases))


class JudgePair(BaseModel):
    """A hand-labelled (claim, passages, label) pair for measuring a judge."""

    id: str
    claim: str
    passages: list[str] = Field(min_length=1)
    label: JudgeLabel
    type: str = ""

    @field_validator("passages")
    @classmethod
    def _quotes_exist(cls, quotes: list[str], info: ValidationInfo) -> list[str]:
        return _check_quotes(quotes, info, "passage")


def corpus_texts(corpus_dir: Path | None = None) -> dict[str, str]:
    """{relative path: text} of the corpus documents, read as the tutor reads them."""
    from tutor.corpus import load_corpus

    return {d.source: d.text for d in load_corpus(corpus_dir or REPO_ROOT / "corpus").documents}


def _read_list(path: Path) -> list[Any]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a YAML list of cases")
    return data


def load_dataset(path: Path | str = GOLDEN, corpus: Mapping[str, str] | None = None) -> GoldenSet:
    """Read and validate a golden set; quotes are checked against `corpus` (default: the repo corpus)."""
    path = Path(path)
    corpus = corpus if corpus is not None else corpus_texts()
    return GoldenSet.model_validate({"name": path.stem, "cases": _read_list(path)}, context={"corpus": corpus})


def load_judge_meta(path: Path | str = JUDGE_META, corpus: Mapping[str, str] | None = None) -> list[JudgePair]:
    """Read and validate the judge meta-evaluation pairs."""
    corpus = corpus if corpus is not None else corpus_texts()
    pairs = [JudgePair.model_validate(item, context={"corpus": corpus}) for item in _read_list(Path(path))]
    ids = [p.id for p in pairs]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate pair ids")
    return pairs
