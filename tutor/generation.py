"""Generate, then verify: a language model writes, and only what the source supports reaches the learner.

Two modes share one verifier and one answer builder:

- **generate**: the model answers in its own words from numbered source sentences, citing each
  sentence with [n]. Every completed sentence is judged (`tutor.grounding`) against what it cites,
  or against every source when it cites none or cites wrongly. A supported sentence is kept; one
  another source supports is re-cited to that source; one that is about a source but says
  something else (a reversed fact, an invented dose) is replaced by that source sentence, quoted
  (or rewritten by the model and judged again, with `repair="rewrite"`); anything else is dropped.
  If too little survives, the extractive answer is given instead.
- **select**: for small models. The model returns JSON, constrained by a schema (llama.cpp grammar,
  OpenAI `json_schema`, Ollama `format`), naming source sentences by number and a connective from
  a fixed list. Claims are then the source's own words.

Streaming and verification coexist sentence by sentence: the model's tokens are read as they
arrive, each sentence is verified the moment it is complete, and only verified (or repaired)
sentences are streamed, in their final form with their final markers. What the learner sees while
streaming is therefore exactly the start of the final answer, unless the draft ends up falling back
to the extractive answer, in which case the final reply replaces it. `stream_mode="tokens"` streams
raw tokens instead (the verified reply then replaces them).

Everything here is pure: the chat model arrives as a `LanguageModel`, built by `tutor.adapters.llm`
(or from a LangChain fake in tests).
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel
from wordfreq import zipf_frequency

from tutor.answering import (_ANAPHORIC_OPENING, CORRECTION_LEAD, AnswerContext, Composition, ExtractiveBackend,
                             quotable)
from tutor.citations import MARKER
from tutor.grounding import Judge, is_framing
from tutor.prompts import Prompt
from tutor.retrieval import ScoredSentence
from tutor.text import content_stems
from tutor.types import Citation, SentenceSupport

log = logging.getLogger(__name__)

Mode = Literal["generate", "select"]
# Phrases a model may put before a quoted sentence in select mode. None of them asserts a relation
# between facts ("because", "as a result" would): they only order the quotes.
CONNECTIVES: tuple[str, ...] = ("", "First,", "Also,", "In addition,", "Moreover,", "Finally,")
# Which mode each bundled model answers best in (see docs/benchmarks.md, "Generative backends").
DEFAULT_MODES: dict[str, Mode] = {"smollm2": "select", "qwen2.5-coder-1.5b": "generate"}


@dataclass
class LanguageModel:
    """A chat model as generation needs it; built by `tutor.adapters.llm.load_language_model`."""

    provider: str
    model: str
    chat: Any = field(repr=False)
    """A LangChain chat model (`.stream(messages)` yields chunks with `.content`)."""
    constrained: Callable[[dict], Any] | None = field(default=None, repr=False)
    """JSON schema -> a runnable whose output text obeys the schema (grammar-constrained decoding)."""
    transient: tuple[type[BaseException], ...] = ()
    """Errors worth retrying (connection refused, timeouts, 5xx)."""
    retryable: Callable[[BaseException], bool] | None = field(default=None, repr=False)
    """Whether an error is worth retrying, when its type alone does not tell (else `transient` decides)."""
    explain: Callable[[BaseException], str] = str
    """A one-line, user-facing description of a failure, naming the fix."""
    count_tokens: Callable[[list[BaseMessage]], int] | None = field(default=None, repr=False)
    """Prompt tokens of a call (for the time-to-first-token breakdown); None when the provider cannot tell."""
    warm: Callable[[list[BaseMessage]], None] | None = field(default=None, repr=False)
    """Process a fixed prompt prefix now, so the first question reuses it (local models)."""
    default_mode: Mode = "generate"


class ModelCallFailed(Exception):
    """A model call failed after its retries; generation falls back to the extractive answer."""


class GenerationStats(BaseModel):
    """What happened to one generated answer (for diagnostics and bench/bench_generation.py)."""

    mode: str
    drafted: int = 0
    kept: int = 0
    recited: int = 0
    replaced: int = 0
    rewritten: int = 0
    dropped: int = 0
    framing: int = 0
    fallback: str | None = None
    first_token_s: float | None = None
    first_text_s: float | None = None
    tokens: int = 0
    generation_s: float = 0.0
    total_s: float = 0.0
    error: str | None = None
    repeated: int = 0
    verify_s: float = 0.0
    prompt_tokens: int | None = None
    """Tokens of the answer prompt (system message included), when the provider can count them."""
    generation_verify_s: float = 0.0
    """Verification time spent while the model was still generating (the model waits meanwhile)."""
    prompt_cached_tokens: int = 0
    """Of those, the fixed start processed by `warm_up` and reused from llama.cpp's cache (about)."""
    first_text_tokens: int | None = None
    """Tokens the model had generated when the first verified text was streamed."""
    first_text_verify_s: float | None = None
    """Verification time spent before the first verified text was streamed."""
    draft: str = ""
    """The model's raw output, for audits."""

    @property
    def factual(self) -> int:
        """Draft sentences that made a claim (everything but framing)."""
        return self.kept + self.recited + self.replaced + self.rewritten + self.dropped

    @property
    def survived(self) -> int:
        return self.kept + self.recited + self.replaced + self.rewritten


# --------------------------------------------------------------------------------------------
# Sources and drafts
# --------------------------------------------------------------------------------------------


def pick_sources(ranked: Sequence[ScoredSentence], limit: int, by_rank: bool = False) -> list[ScoredSentence]:
    """The best `limit` distinct sentences plus the sentence an anaphoric one leans on.

    In document order (reads as a text), or with `by_rank` best first (a weak model that picks
    sources by position then still picks the best ones), each leaning sentence after its antecedent.
    """
    unique: dict[tuple[str, int], ScoredSentence] = {}
    for s in ranked:
        unique.setdefault((s.sentence.source, s.sentence.start), s)
    candidates = list(unique.values())
    chosen = candidates[:limit]
    by_position = {(s.chunk.chunk_id, s.index): s for s in candidates}
    for s in list(chosen):
        if _ANAPHORIC_OPENING.match(s.sentence.text):
            previous = by_position.get((s.chunk.chunk_id, s.index - 1))
            if previous is not None and previous not in chosen and len(chosen) < limit + 2:
                chosen.append(previous)
    if not by_rank:
        return sorted(chosen, key=lambda s: (s.sentence.source, s.sentence.start))
    ordered: list[ScoredSentence] = []
    for s in sorted(chosen, key=lambda s: -s.score):
        if s in ordered:
            continue
        previous = by_position.get((s.chunk.chunk_id, s.index - 1))
        if _ANAPHORIC_OPENING.match(s.sentence.text) and previous in chosen and previous not in ordered:
            ordered.append(previous)
        ordered.append(s)
    return ordered


def format_sources(sources: Sequence[ScoredSentence]) -> str:
    """Numbered source sentences for a prompt; a closing delimiter inside the data is defused."""
    return "\n".join(f"[{i}] {s.sentence.text.replace('</sources>', '</ sources>')}"
                     for i, s in enumerate(sources, start=1))


_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
# Small models start sentences in lower case too; common abbreviations are not sentence ends.
_SENTENCE_BREAK = re.compile(r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)(?<!\bvs\.)(?<!\bDr\.)(?<=[.!?])[\"”’)]*\s+"
                             r"(?=[\"“‘(]?[A-Za-z0-9])")
_MARKERS_AFTER_STOP = re.compile(r"([.!?][\"”’)]*)\s*((?:\[\d+\]\s*)+)")
_SPACE = re.compile(r"\s+")


def split_draft(text: str) -> list[str]:
    """Sentences of a model's draft: lines and bullets split, markers kept with the sentence they end."""
    pieces: list[str] = []
    for line in text.split("\n"):
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        # "… glutamate. [1] Next …": the marker belongs to the sentence before it.
        line = _MARKERS_AFTER_STOP.sub(lambda m: m.group(1) + " " + _SPACE.sub("", m.group(2)) + "\n", line)
        for part in line.split("\n"):
            pieces.extend(p.strip() for p in _SENTENCE_BREAK.split(part.strip()) if p.strip())
    return pieces


_SOURCE_NOTE = re.compile(r"\(\s*(?:sources?|see)?\s*:?\s*((?:\[?\d+\]?\s*(?:,|and|&)?\s*)+)\)", re.IGNORECASE)


def strip_markers(sentence: str) -> tuple[str, list[int]]:
    """The sentence without [n] markers (spacing and final punctuation tidied) and the markers in order.

    Variants models write, "(Source [5])" or "(sources 2, 3)", count as markers too.
    """
    sentence = _SOURCE_NOTE.sub(lambda m: " ".join(f"[{n}]" for n in re.findall(r"\d+", m.group(1))), sentence)
    markers = [int(m) for m in MARKER.findall(sentence)]
    plain = re.sub(r"\s+", " ", MARKER.sub(" ", sentence)).strip()
    plain = re.sub(r"\s+([.,;:!?])", r"\1", plain)
    return plain, list(dict.fromkeys(markers))


class DraftSplitter:
    """Feeds on streamed text and releases sentences once the text after them shows they are complete."""

    def __init__(self) -> None:
        self.buffer = ""
        self.released = 0

    def feed(self, text: str) -> list[str]:
        self.buffer += text
        pieces = split_draft(self.buffer)
        # The last piece may still grow (or gain its [n]), unless a line break closed it.
        complete = pieces if self.buffer.rstrip(" \t").endswith("\n") else pieces[:-1]
        new = complete[self.released:]
        self.released += len(new)
        return new

    def finish(self) -> list[str]:
        pieces = split_draft(self.buffer)
        new = pieces[self.released:]
        self.released = len(pieces)
        return new


# Words that point back into the conversation: only then is the model asked to condense a follow-up.
_REFERS_BACK = re.compile(r"\b(it|its|it's|this|that|these|those|they|them|their|theirs|he|him|his|she|her|"
                          r"there|then|the same|former|latter)\b", re.IGNORECASE)

_STEP = re.compile(r'\{\s*"id"\s*:\s*(\d+)\s*,\s*"connective"\s*:\s*"((?:[^"\\]|\\.)*)"\s*\}')


class StepParser:
    """Reads select-mode JSON as it streams and releases each complete {"id", "connective"} step."""

    def __init__(self) -> None:
        self.buffer = ""
        self.released = 0

    def feed(self, text: str) -> list[tuple[int, str]]:
        self.buffer += text
        steps = [(int(m.group(1)), json.loads(f'"{m.group(2)}"')) for m in _STEP.finditer(self.buffer)]
        new = steps[self.released:]
        self.released = len(steps)
        return new


def selection_schema(n_sources: int, max_steps: int) -> dict:
    """The JSON schema of a select-mode reply: source numbers and connectives from the fixed list."""
    return {
        "type": "object",
        "properties": {
            "steps": {
                "type": "array", "minItems": 1, "maxItems": max_steps,
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer", "enum": list(range(1, n_sources + 1))},
                        "connective": {"type": "string", "enum": list(CONNECTIVES)},
                    },
                    "required": ["id", "connective"], "additionalProperties": False,
                },
            },
        },
        "required": ["steps"], "additionalProperties": False,
    }


# --------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------

Action = Literal["kept", "recited", "replaced", "rewritten", "dropped", "framing"]


@dataclass
class Checked:
    """The verifier's decision on one draft sentence."""

    action: Action
    text: str
    sources: list[int]
    """0-based indexes into the sources the sentence now cites."""
    score: float
    verdict: Literal["supported", "unsupported", "contradicted", "framing"]
    original: str = ""
    reason: str = ""


class Verifier:
    """Judges draft sentences against the source sentences and repairs or drops the unsupported."""

    def __init__(self, judge: Judge, sources: Sequence[ScoredSentence], *,
                 rewrite: Callable[[str, str], str | None] | None = None,
                 replace_at: float = 0.7, replace_contradicted_at: float = 0.6):
        self.judge = judge
        self.texts = [s.sentence.text for s in sources]
        self.rewrite = rewrite
        self.replace_at = replace_at
        self.replace_contradicted_at = replace_contradicted_at

    def check(self, raw: str) -> Checked | None:
        """Keep, re-cite, repair or drop one sentence of a draft; None for an empty fragment."""
        plain, markers = strip_markers(raw)
        if not re.search(r"[A-Za-z]", plain):
            return None
        valid = [m - 1 for m in markers if 1 <= m <= len(self.texts)]
        if not markers and is_framing(plain):
            return Checked("framing", plain, [], 1.0, "framing")
        malformed = self._malformed(plain)
        if malformed:
            return Checked("dropped", plain, [], 0.0, "unsupported", original=raw, reason=malformed)
        cited = None
        if valid:
            cited = self.judge.judge(plain, [self.texts[i] for i in valid])
            supporting = self._supporting(plain, valid) if cited.label == "supported" else []
            if supporting:
                return Checked("kept", plain, supporting, cited.score, "supported")
        verdict = self.judge.judge(plain, self.texts)
        about = self._index_of(verdict.evidence)
        if verdict.label == "supported" and about is not None:
            if self.judge.judge(plain, [self.texts[about]]).label == "supported":
                return Checked("recited", plain, [about], verdict.score, "supported", original=raw,
                               reason="cited the wrong source" if markers else "cited nothing")
            # Only several sources together support it: a citation must support its sentence on its own.
            verdict = verdict.model_copy(update={"label": "unsupported"})
        if cited is not None and cited.label == "contradicted" and self._index_of(cited.evidence) is not None:
            verdict, about = cited, self._index_of(cited.evidence)  # it contradicts what it cites: fix that one
        if about is None:
            return Checked("dropped", plain, [], verdict.score, verdict.label, original=raw, reason="no source")
        similarity = self._similarity(plain, self.texts[about])
        threshold = self.replace_contradicted_at if verdict.label == "contradicted" else self.replace_at
        reason = "; ".join(verdict.reasons)
        if similarity < threshold:
            return Checked("dropped", plain, [], verdict.score, verdict.label, original=raw, reason=reason)
        if self.rewrite is not None:
            rewritten = self.rewrite(plain, self.texts[about])
            if rewritten:
                again = self.judge.judge(rewritten, [self.texts[about]])
                if again.label == "supported":
                    return Checked("rewritten", rewritten, [about], again.score, "supported", original=raw,
                                   reason=reason)
        return Checked("replaced", self.texts[about], [about], 1.0, "supported", original=raw, reason=reason)

    def repeats(self, checked: Checked, builder: AnswerBuilder, at: float = 0.88) -> bool:
        """Whether a sentence says again, from the same sources, what the answer already says."""
        earlier = [g.sentence for g in builder.grounding
                   if g.verdict != "framing" and {builder.sources_of(m) for m in g.citations} == set(checked.sources)]
        if not earlier:
            return False
        vectors = self.judge.vectors([checked.text, *earlier])
        return bool((vectors[1:] @ vectors[0]).max() >= at)

    def _malformed(self, claim: str) -> str | None:
        """Why a sentence is no claim to check: a question, an echoed prompt, a run-on or a loop."""
        if claim.rstrip().endswith("?") or re.match(r"^(question|answer|sources?|note)\s*:", claim, re.IGNORECASE):
            return "not a statement"
        words = claim.split()
        longest = max(len(t.split()) for t in self.texts)
        if len(words) > max(45, 1.5 * longest):
            return "longer than any source sentence could support"
        grams = [" ".join(words[i:i + 4]).lower() for i in range(len(words) - 3)]
        if len(grams) != len(set(grams)):
            return "repeats itself"
        return None

    def _supporting(self, claim: str, cited: list[int]) -> list[int]:
        """The cited sources that support the claim each on their own (a citation must)."""
        if len(cited) == 1:
            return cited
        return [i for i in cited if self.judge.judge(claim, [self.texts[i]]).label == "supported"]

    def _index_of(self, evidence: str) -> int | None:
        if not evidence:
            return None
        norm = re.sub(r"\s+", " ", evidence).strip()
        for i, t in enumerate(self.texts):
            if norm == re.sub(r"\s+", " ", t).strip():
                return i
        for i, t in enumerate(self.texts):  # the judge may have split a source sentence further
            if norm in t:
                return i
        return None

    def _similarity(self, a: str, b: str) -> float:
        vectors = self.judge.vectors([a, b])
        return float(np.dot(vectors[0], vectors[1]))


class AnswerBuilder:
    """Assigns final [n] markers in order of first use and builds text, citations and grounding."""

    def __init__(self, sources: Sequence[ScoredSentence]):
        self.sources = list(sources)
        self.markers: dict[int, int] = {}
        self.parts: list[str] = []
        self.grounding: list[SentenceSupport] = []
        self.seen: set[str] = set()

    def add(self, checked: Checked) -> str | None:
        """The text to append for a decision (None when nothing is added)."""
        if checked.action == "dropped":
            return None
        key = re.sub(r"\W+", " ", checked.text.lower()).strip()
        if key in self.seen:
            return None  # a repeat, or a repair that quotes a sentence already given
        self.seen.add(key)
        text = checked.text if re.search(r"[.!?][\"”’)]*$", checked.text) else checked.text + "."
        text = text[:1].upper() + text[1:]
        markers = [self._marker(i) for i in checked.sources]
        suffix = "".join(f" [{m}]" for m in markers)
        piece = f"{' ' if self.parts else ''}{text}{suffix}"
        self.parts.append(piece)
        self.grounding.append(SentenceSupport(sentence=text, citations=markers, score=round(checked.score, 4),
                                              verdict=checked.verdict))
        return piece

    def sources_of(self, marker: int) -> int:
        """The source index behind a marker."""
        return next(i for i, m in self.markers.items() if m == marker)

    def _marker(self, index: int) -> int:
        if index not in self.markers:
            self.markers[index] = len(self.markers) + 1
        return self.markers[index]

    @property
    def answer(self) -> str:
        return "".join(self.parts)

    def citations(self) -> list[Citation]:
        out = []
        for index, marker in sorted(self.markers.items(), key=lambda x: x[1]):
            s = self.sources[index]
            out.append(Citation(marker=marker, chunk_id=s.chunk.chunk_id, source=s.sentence.source,
                                section=s.chunk.section, text=s.sentence.text, start=s.sentence.start,
                                end=s.sentence.end))
        return out

    def composition(self, notice: str | None = None) -> Composition:
        return Composition(answer=self.answer, citations=self.citations(), grounding=self.grounding, notice=notice)


def connect(connective: str, sentence: str, corpus_text: str) -> str:
    """A source sentence after a connective; its first word is lowercased only when it is a common word
    or the corpus writes it in lower case too (so "BDNF" and names keep their capitals)."""
    if not connective:
        return sentence
    first = sentence.split(" ", 1)[0]
    bare = re.sub(r"[’'].*$", "", first)
    common = zipf_frequency(bare.lower(), "en") >= 4.0
    if bare[:1].isupper() and bare[1:].islower() and (
            common or re.search(rf"\b{re.escape(bare.lower())}\b", corpus_text)):
        sentence = sentence[0].lower() + sentence[1:]
    return f"{connective} {sentence}"


# --------------------------------------------------------------------------------------------
# The backend
# --------------------------------------------------------------------------------------------


@dataclass
class GenerationOptions:
    """Knobs of a generative backend (taken from Settings by the factory)."""

    mode: Mode = "generate"
    stream_mode: Literal["verified", "tokens"] = "verified"
    repair: Literal["quote", "rewrite"] = "quote"
    sources: int = 6  # the factory passes TUTOR_LLM_SOURCES (4); tests script drafts against 6
    timeout: float = 60.0
    retries: int = 2
    backoff: float = 0.5
    min_verified_share: float = 0.5


class GenerativeBackend:
    """A `Backend` that lets a language model write and streams only what verification lets through."""

    def __init__(self, name: str, model: LanguageModel, prompts: dict[str, Prompt], judge: Judge,
                 options: GenerationOptions | None = None, fallback: Any = None):
        self.name = name
        self.model = model
        self.prompts = prompts
        self.judge = judge
        self.options = options or GenerationOptions()
        self.fallback = fallback or ExtractiveBackend()
        self.last_stats: GenerationStats | None = None
        self._warm_tokens = 0

    def warm_up(self) -> None:
        """Have a local model process the fixed start of every prompt now (the system message and the
        opening of the sources), so that no question pays for it; remote models need nothing."""
        if self.model.warm is None:
            return
        began = time.perf_counter()
        prefix = [SystemMessage(self.prompts["system"].render()), HumanMessage("<sources>")]
        try:
            self.model.warm(prefix)
        except Exception as exc:  # noqa: BLE001 - a failed warm-up only costs time later
            log.warning("warming up %s failed: %s", self.model.model, exc)
            return
        if self.model.count_tokens is not None:
            self._warm_tokens = self.model.count_tokens(prefix) - 5  # without the message end and reply header
        log.info("%s: prompt prefix processed in %.1f s", self.model.model, time.perf_counter() - began)

    # -- Backend protocol -----------------------------------------------------------------------

    def compose(self, context: AnswerContext) -> Composition:
        """The verified answer (runs the stream to its end)."""
        composition = None
        for item in self.stream(context):
            if isinstance(item, Composition):
                composition = item
        assert composition is not None
        return composition

    def stream(self, context: AnswerContext) -> Iterator[str | Composition]:
        """Yield verified sentences as they complete (or raw tokens), then the final Composition."""
        options = self.options
        started = time.perf_counter()
        stats = GenerationStats(mode=options.mode)
        self.last_stats = stats
        # The ranking the extractive backend quotes from: the question beyond the subject, how the text goes on.
        sources = pick_sources(quotable(context), options.sources, by_rank=options.mode == "select")
        builder = AnswerBuilder(sources)
        rewrite = self._rewrite if options.repair == "rewrite" else None
        verifier = Verifier(self.judge, sources, rewrite=rewrite)
        corpus_text = " ".join(dict.fromkeys(s.chunk.text for s in context.sentences))
        error: str | None = None

        def emit(piece: str | None) -> Iterator[str]:
            if piece and options.stream_mode == "verified":
                if stats.first_text_s is None:
                    stats.first_text_s = time.perf_counter() - started
                    stats.first_text_tokens, stats.first_text_verify_s = stats.tokens, stats.verify_s
                yield piece

        if context.correction and sources:
            # The question rests on something the material contradicts: say so first, whatever the model writes.
            yield from emit(builder.add(Checked("framing", f"{CORRECTION_LEAD}:", [], 1.0, "framing")))
        try:
            if not sources:
                raise ModelCallFailed("no source sentences to work from")
            if options.mode == "select":
                tokens = self._tokens(self._select_messages(context, sources), stats, started,
                                      schema=selection_schema(len(sources), context.max_sentences))
                parser = StepParser()
                try:
                    for token in tokens:
                        if options.stream_mode == "tokens":
                            yield token
                        for number, connective in parser.feed(token):
                            for checked in self._selected(number, connective, sources, builder, corpus_text, stats):
                                yield from emit(builder.add(checked))
                        if len(builder.parts) >= context.max_sentences + 1:
                            break  # enough quoted (a sentence a choice leans on may add one)
                finally:
                    tokens.close()
            else:
                splitter = DraftSplitter()
                tokens = self._tokens(self._answer_messages(context, sources), stats, started)
                drafts: set[str] = set()
                try:
                    for token in tokens:
                        if options.stream_mode == "tokens":
                            yield token
                        for sentence in splitter.feed(token):
                            yield from emit(self._verify(sentence, verifier, builder, stats))
                            if self._enough(sentence, drafts, builder, stats, context.max_sentences):
                                break
                        else:
                            continue
                        break  # enough said, or the model loops: stop generating now
                    else:
                        for sentence in splitter.finish():
                            yield from emit(self._verify(sentence, verifier, builder, stats))
                finally:
                    tokens.close()
        except ModelCallFailed as exc:
            error = str(exc)
            stats.error = error
            log.warning("%s backend: %s", self.name, error)

        notice = None
        if too_little(stats.survived, stats.factual, options.min_verified_share):
            stats.fallback = error or (f"{stats.survived} of {stats.factual} drafted sentences survived verification")
            composition = self.fallback.compose(context)
            if error:
                notice = f"The language model could not answer ({error}); these are the material’s own sentences."
            else:
                notice = "The model’s draft could not be verified against the material; these are its own sentences."
            composition = composition.model_copy(update={"notice": notice})
        else:
            if error:
                notice = f"The language model stopped early ({error}); this answer is what was verified."
            composition = builder.composition(notice)
        stats.total_s = time.perf_counter() - started
        yield composition

    # -- the two modes ----------------------------------------------------------------------------

    def _verify(self, sentence: str, verifier: Verifier, builder: AnswerBuilder,
                stats: GenerationStats) -> str | None:
        began = time.perf_counter()
        checked = verifier.check(sentence)
        stats.verify_s += time.perf_counter() - began
        if checked is None:
            return None
        stats.drafted += 1
        if checked.action != "dropped" and verifier.repeats(checked, builder):
            stats.repeated += 1
            return None
        setattr(stats, checked.action, getattr(stats, checked.action) + 1)
        if checked.action not in ("kept", "framing"):
            log.info("verifier %s %r (%s)", checked.action, checked.original or checked.text, checked.reason)
        return builder.add(checked)

    @staticmethod
    def _enough(sentence: str, drafts: set[str], builder: AnswerBuilder, stats: GenerationStats,
                limit: int) -> bool:
        """Whether to stop the model: the answer is long enough, the draft rambles, or it repeats itself."""
        key = re.sub(r"\W+", " ", strip_markers(sentence)[0].lower()).strip()
        repeated = key in drafts
        drafts.add(key)
        factual = sum(g.verdict != "framing" for g in builder.grounding)
        return repeated or factual >= limit or stats.drafted >= 2 * limit + 2

    def _selected(self, number: int, connective: str, sources: Sequence[ScoredSentence],
                  builder: AnswerBuilder, corpus_text: str, stats: GenerationStats) -> list[Checked]:
        """A chosen source sentence (with the sentence it leans on, if it opens with "This …")."""
        stats.drafted += 1
        index = number - 1
        if not 0 <= index < len(sources) or index in builder.markers:
            stats.dropped += 1
            return []
        connective = connective if connective in CONNECTIVES else ""
        if (connective == "First," and builder.parts) or (connective != "First," and not builder.parts):
            connective = ""  # "First," opens an answer, and only it does
        out = []
        chosen = sources[index]
        if _ANAPHORIC_OPENING.match(chosen.sentence.text):
            for j, s in enumerate(sources):
                if (s.chunk.chunk_id == chosen.chunk.chunk_id and s.index == chosen.index - 1
                        and j not in builder.markers):
                    out.append(Checked("kept", connect(connective, s.sentence.text, corpus_text), [j], 1.0,
                                       "supported"))
                    connective = ""
        out.append(Checked("kept", connect(connective, chosen.sentence.text, corpus_text), [index], 1.0,
                           "supported"))
        stats.kept += 1
        return out

    def _answer_messages(self, context: AnswerContext, sources: Sequence[ScoredSentence]) -> list[BaseMessage]:
        return [SystemMessage(self.prompts["system"].render()),
                HumanMessage(self.prompts["answer"].render(sources=format_sources(sources),
                                                           question=context.question,
                                                           max_sentences=context.max_sentences))]

    def _select_messages(self, context: AnswerContext, sources: Sequence[ScoredSentence]) -> list[BaseMessage]:
        return [SystemMessage(self.prompts["system"].render()),
                HumanMessage(self.prompts["select"].render(
                    sources=format_sources(sources), question=context.question,
                    max_sentences=context.max_sentences,
                    connectives=", ".join(json.dumps(c) for c in CONNECTIVES)))]

    def _rewrite(self, sentence: str, source: str) -> str | None:
        """The model's rewrite of an unsupported sentence from its source (one line, markers removed)."""
        messages = [SystemMessage(self.prompts["system"].render()),
                    HumanMessage(self.prompts["repair"].render(source=source, sentence=sentence))]
        try:
            text = self._first_line(messages, 80)
        except ModelCallFailed:
            return None
        plain, _ = strip_markers(text)
        return plain or None

    # -- condensing -------------------------------------------------------------------------------

    def condense(self, question: str, previous: Sequence[str]) -> str | None:
        """A standalone question from the model, or None (the caller then uses the rule-based way)."""
        if not previous or not _REFERS_BACK.search(question):
            # Nothing to resolve ("What about memory?"): the rule-based query, which appends the earlier
            # questions' content words, retrieves as well, and skipping the call saves ~1 s of a local model.
            return None
        text = self._side_call("condense", 60, history="\n".join(f"- {q}" for q in previous), question=question)
        if text is None:
            return None
        text = text.strip().strip('"“”').strip()
        text = re.sub(r"^(standalone question|question)\s*:\s*", "", text, flags=re.IGNORECASE)
        if not re.search(r"[A-Za-z]{3}", text) or len(text) > 300:
            return None
        # A standalone question only rewords the conversation; new content words mean the model drifted.
        known = set(content_stems(" ".join([question, *previous])))
        novel = [w for w in content_stems(text) if w not in known]
        if len(novel) > 2:
            log.info("condensed question rejected (new words %s): %r", novel, text)
            return None
        return text

    # -- a second opinion for the safety screen ------------------------------------------------------

    def screen(self, message: str, previous: Sequence[str]) -> Literal["crisis", "safety"] | None:
        """The model's label for a message the offline screen passed: "crisis", "safety", or None (OK or no
        usable answer: a failed call or a reply that is not one of the labels leaves the offline decision)."""
        history = "\n".join(f"EARLIER: {q}" for q in previous[-3:]) or "(no earlier messages)"
        label = re.match(r"\W*(crisis|harmful|ok)\b", self._side_call("safety_check", 8, history=history,
                                                                        message=message) or "", re.IGNORECASE)
        return {"crisis": "crisis", "harmful": "safety"}.get(label.group(1).lower()) if label else None

    # -- calling the model ---------------------------------------------------------------------------

    def _side_call(self, prompt: str, max_tokens: int, **variables: str) -> str | None:
        """The first line of the model's reply to one prompt besides the answer, or None when the call fails."""
        # The system message keeps the prompt prefix the answer call shares, so llama.cpp's cache of it survives.
        messages = [SystemMessage(self.prompts["system"].render()), HumanMessage(self.prompts[prompt].render(**variables))]
        try:
            return self._first_line(messages, max_tokens)
        except ModelCallFailed as exc:
            log.warning("the model's %s call failed: %s", prompt, exc)
            return None

    def _first_line(self, messages: list[BaseMessage], max_tokens: int) -> str:
        """Stream until the first non-empty line is complete (the rest is never generated)."""
        text = ""
        stream = self._stream(self.model.chat, messages)
        try:
            for count, token in enumerate(stream, start=1):
                text += token
                if ("\n" in text.strip()) or count >= max_tokens:
                    break
        finally:
            stream.close()  # stop generating now
        return text.strip().split("\n", 1)[0]

    def _tokens(self, messages: list[BaseMessage], stats: GenerationStats, started: float,
                schema: dict | None = None) -> Iterator[str]:
        runnable = self.model.chat
        if schema is not None:
            if self.model.constrained is None:
                raise ModelCallFailed(f"{self.model.provider} cannot constrain output to a schema; "
                                      "use TUTOR_GENERATION_MODE=generate")
            runnable = self.model.constrained(schema)
        if self.model.count_tokens is not None:
            stats.prompt_tokens = self.model.count_tokens(messages)
            stats.prompt_cached_tokens = self._warm_tokens
        began = time.perf_counter()
        try:
            for token in self._stream(runnable, messages):
                if stats.first_token_s is None:
                    stats.first_token_s = time.perf_counter() - started
                stats.tokens += 1
                stats.draft += token
                yield token
                if time.perf_counter() - began > self.options.timeout:
                    raise ModelCallFailed(f"no complete answer within {self.options.timeout:g} s")
        finally:
            stats.generation_s = time.perf_counter() - began
            stats.generation_verify_s = stats.verify_s

    def _stream(self, runnable: Any, messages: list[BaseMessage]) -> Iterator[str]:
        """Text chunks of a streamed call; transient failures before the first chunk are retried with
        exponential backoff; the call is closed when the consumer stops (cancellation)."""
        attempt = 0
        while True:
            iterator = iter(runnable.stream(messages))
            try:
                first = next(iterator)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 - every failure becomes a fallback, never a crash
                _close(iterator)
                retry = self.model.retryable(exc) if self.model.retryable else isinstance(exc, self.model.transient)
                if retry and attempt < self.options.retries:
                    delay = self.options.backoff * (2 ** attempt)
                    log.info("%s call failed (%s); retry %d in %.1f s", self.model.provider, exc, attempt + 1, delay)
                    time.sleep(delay)
                    attempt += 1
                    continue
                raise ModelCallFailed(self.model.explain(exc)) from exc
            break
        try:
            text = _content(first)
            if text:
                yield text
            while True:
                try:
                    chunk = next(iterator)
                except StopIteration:
                    return
                except Exception as exc:  # noqa: BLE001
                    raise ModelCallFailed(self.model.explain(exc)) from exc
                text = _content(chunk)
                if text:
                    yield text
        finally:
            _close(iterator)


def _content(chunk: Any) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, list):  # content blocks
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return content if isinstance(content, str) else str(content)


def _close(iterator: Any) -> None:
    close = getattr(iterator, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # noqa: BLE001 - closing a broken stream must not mask the real error
            log.debug("closing a model stream failed", exc_info=True)


def too_little(survived: int, factual: int, share: float) -> bool:
    """Whether a verified draft is too thin to give (then the extractive answer is given)."""
    return survived == 0 or survived < math.ceil(share * factual - 1e-9)
