"""The lesson map: learning objectives per section, each resting on exact passages of the material.

Objectives are derived from the kinds of sentences an expository text teaches with: definitions
("X is …", "known as X"), causes and mechanisms ("By V-ing X, Y", "X leads to Y", "When X, Y"),
contrasts and risks. The objective's statement (what a learner should be able to explain) is a
clause of its source sentence; it is checked with `tutor.grounding.judge` against its passages and
dropped unless supported. Pure and deterministic: same chunks, same map.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from tutor.answering import leans_back
from tutor.suggestions import defined_terms
from tutor.text import content_stems, normalize
from tutor.types import Chunk, Citation, Sentence

ObjectiveKind = Literal["define", "explain_why", "what_happens", "explain_how", "describe_risk", "compare", "describe"]
Judge = Callable[[str, list[str]], object]

# Sentences that point back ("This …", "It …") need the sentence before them as context.
_ANAPHORIC = re.compile(r"^(?:this|these|that|those|it|they|such|the (?:action|process|effect|substance))\b", re.I)
_BY_CLAUSE = re.compile(r"^By ([^,]{3,120}), (.{10,})$")
_WHEN_CLAUSE = re.compile(r"^(?:When|As|Following|After) ([^,]{3,120}), (.{10,})$")
_CAUSAL = re.compile(r"\b(?:leads? to|led to|can lead to|results? in|causes?|triggers?|underlies|underlie|stems? from|"
                     r"stimulates?|activates?|encourages?|promotes?|initiates?|drives?|produces?|prevent(?:s|ing)?|"
                     r"blocks?|suppress(?:es|ing)?|increases?|decreases?|reduces?|because|due to|thereby)\b", re.I)
_RISK = re.compile(r"\b(?:risks?|harm\w*|damage\w*|impair\w*|die|death|toxic\w*|abuse|overuse|chronic|prolonged|"
                   r"compromis\w*|loss|adverse|dangerous|addict\w*)\b", re.I)
_CONTRAST = re.compile(r"\b(?:contrasts? with|unlike|whereas|differs? from|different (?:from|than)|"
                       r"markedly different|in contrast)\b", re.I)
_DEFINITION = re.compile(r"\b(?:is|are) (?:a|an|the) [a-z]|\b(?:known as|called|refers? to|is defined as|means|"
                         r"functions like|occurs when)\b", re.I)
# A clause ends before an example list, an aside or a dash; the objective keeps the main idea.
_TRAIL = re.compile(r"(?:,\s*(?:such as|for example|including|like|which)\b|\s*[—–]\s*|:\s).*$", re.S)
_ASIDE = re.compile(r",\s*(?:often|usually|typically|mostly|sometimes|especially)\b[^,]{0,60},")
_CONCESSIVE = re.compile(r"^(?:While|Whereas|Although|Though) ([^,]{3,160}), (.{10,})$")
# "Ketamine is a medication …", "Excitotoxicity occurs when …": the subject is the term being taught.
_SUBJECT_DEFINITION = re.compile(r"^((?:[A-Z][\w’'-]*)(?: [\w’'-]+){0,5}?) (?:is|are|occurs? when|refers? to|means)\b")
_POINTING = re.compile(r"\b(?:these|this|those|such)\b", re.I)
_VAGUE = re.compile(r"\b(?:this|these|that|those|it|they|one|which)\b", re.I)

MAX_PER_SECTION = 6


class Objective(BaseModel):
    """A learning objective with the passages that teach it."""

    objective_id: str = Field(description="Stable id: hash of source, section and statement.")
    section: str
    source: str
    kind: ObjectiveKind
    text: str = Field(description="What the learner should be able to do, e.g. 'Explain why …'.")
    statement: str = Field(description="The declarative claim behind the objective; judged against the passages.")
    passages: list[Citation] = Field(description="Exact spans of the material that support the objective.")
    context: int = Field(0, ge=0, description="How many leading passages only give context (what 'these' points at).")
    support: float = Field(ge=0, le=1, description="The judge's support score for the statement.")


class LessonSection(BaseModel):
    """One section of the material and its objectives, in document order."""

    title: str
    source: str
    objectives: list[Objective]


class LessonMap(BaseModel):
    """Every section's objectives; what `tutor lessons` prints and `GET /v1/lessons` returns."""

    sections: list[LessonSection]

    def objectives(self) -> list[Objective]:
        """All objectives in document order."""
        return [o for s in self.sections for o in s.objectives]

    def objective(self, objective_id: str) -> Objective | None:
        """The objective with this id, if any."""
        return next((o for o in self.objectives() if o.objective_id == objective_id), None)

    def section(self, query: str, by_title: bool = False) -> LessonSection | None:
        """The section whose title best matches `query` (shared content words), if any; `by_title`: only a section
        whose title shares a word with it (a word of its objectives alone is not enough)."""
        want = set(content_stems(query))
        best, score = None, 0.0
        for s in self.sections:
            words = set(content_stems(s.title)) | {w for o in s.objectives for w in content_stems(o.statement)}
            title = set(content_stems(s.title))
            if by_title and not want & title:
                continue
            hit = 2 * len(want & title) + len(want & words) / 4
            if hit > score:
                best, score = s, hit
        return best


def sentence_citation(chunk: Chunk, sentence: Sentence, marker: int = 1) -> Citation:
    """A citation of one sentence of a chunk (exact offsets into its source)."""
    return Citation(marker=marker, chunk_id=chunk.chunk_id, source=chunk.source, section=chunk.section,
                    text=sentence.text, start=sentence.start, end=sentence.end)


def section_sentences(chunks: Sequence[Chunk]) -> list[tuple[str, str, list[tuple[Chunk, Sentence]]]]:
    """(source, section, [(chunk, sentence)]) in document order; overlapping sentences once."""
    out: list[tuple[str, str, list[tuple[Chunk, Sentence]]]] = []
    seen: set[tuple[str, int]] = set()
    for chunk in chunks:
        if not out or out[-1][:2] != (chunk.source, chunk.section):
            out.append((chunk.source, chunk.section, []))
        for s in chunk.sentences:
            if (chunk.source, s.start) not in seen:
                seen.add((chunk.source, s.start))
                out[-1][2].append((chunk, s))
    return out


def key_sentences(chunks: Sequence[Chunk], embed: Callable[[list[str]], Sequence[Sequence[float]]],
                  per_section: int = 2) -> list[tuple[Chunk, Sentence]]:
    """A summary: each section's sentences nearest its centre of meaning, in document order.

    A sentence that leans on an earlier one (`answering.leans_back`: "This …", "By suppressing these cells") is
    skipped: quoted alone it would not make sense. Sections with nothing else keep their most central sentence."""
    picked: list[tuple[Chunk, Sentence]] = []
    for _source, _section, pairs in section_sentences(chunks):
        vectors = np.asarray(embed([s.text for _, s in pairs]), dtype=float)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
        centre = vectors.mean(axis=0)
        closeness = vectors @ (centre / (np.linalg.norm(centre) + 1e-12))
        standalone = [i for i, (_, s) in enumerate(pairs) if not leans_back(s.text)] or list(range(len(pairs)))
        best = sorted(standalone, key=lambda i: -closeness[i])[:per_section]
        picked.extend(pairs[i] for i in sorted(best))
    return picked



def _lower_first(text: str) -> str:
    """Lower-case the first word unless it is an acronym or a name written with capitals inside."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1:].lower() != first[1:] or first.isupper()):
        return text
    return text[:1].lower() + text[1:]


def _clause(text: str) -> str:
    text = _TRAIL.sub("", _ASIDE.sub("", text.strip())).strip()
    return text.rstrip(".!?;,").strip()


def classify(sentence: str) -> tuple[ObjectiveKind, str, str] | None:
    """(kind, objective text, statement) for a sentence that teaches something, else None."""
    text = " ".join(sentence.split())
    if text.endswith("?") or len(content_stems(text)) < 4:
        return None
    by = _BY_CLAUSE.match(text)
    if by:
        effect = _clause(by.group(2))
        return "explain_why", f"Explain why {_lower_first(effect)}.", effect
    when = _WHEN_CLAUSE.match(text)
    if when and not _ANAPHORIC.match(when.group(1)):
        clause = _clause(text)
        return "what_happens", f"Explain what happens {_lower_first(clause.split(',', 1)[0])}.", clause
    if _ANAPHORIC.match(text):
        return None  # the sentence is context for its neighbour; an objective must stand on its own
    clause = _clause(text)
    if len(content_stems(clause)) < 3:
        return None
    concessive = _CONCESSIVE.match(clause)
    if concessive:
        return "compare", f"Compare: {_lower_first(concessive.group(2))}, while {concessive.group(1)}.", clause
    subject = _SUBJECT_DEFINITION.match(text)
    if subject and not _VAGUE.search(subject.group(1)) and len(content_stems(subject.group(1))) <= 3:
        term = _lower_first(subject.group(1))
        return "define", f"Explain what {term} {'are' if _plural(term) else 'is'}.", clause
    terms = [t for t in defined_terms(text) if len(t) > 2]
    if terms and _DEFINITION.search(text):
        term = _with_head(terms[0], text)
        return "define", f"Explain what {term} {'are' if _plural(term) else 'is'}.", clause
    if _CONTRAST.search(text):
        return "compare", f"Explain how {_lower_first(clause)}.", clause
    if _RISK.search(text):
        return "describe_risk", f"Describe how {_lower_first(clause)}.", clause
    if _CAUSAL.search(text):
        return "explain_how", f"Explain how {_lower_first(clause)}.", clause
    if _DEFINITION.search(text):
        return "describe", f"Describe how {_lower_first(clause)}.", clause
    return None


def _plural(term: str) -> bool:
    last = term.split()[-1]
    return last.endswith("s") and not last.endswith(("ss", "sis", "us")) and not last.isupper()


def _with_head(term: str, text: str) -> str:
    """An acronym with the noun it abbreviates a modifier of: '(NMDA) receptor' gives 'the NMDA receptor'."""
    m = re.search(r"\(" + re.escape(term) + r"\) ([a-z]{4,})\b", text)
    return f"the {term} {m.group(1)}" if term.isupper() and m else term


def objective_id(source: str, section: str, statement: str) -> str:
    """A stable id for an objective."""
    return "obj-" + hashlib.sha1(f"{source}\x00{section}\x00{normalize(statement)}".encode()).hexdigest()[:10]


def build_lesson_map(chunks: Sequence[Chunk], judge: Judge, max_per_section: int = MAX_PER_SECTION) -> LessonMap:
    """Objectives per section from the chunks, each judged against its passages (unsupported ones dropped)."""
    sections = []
    for source, title, pairs in section_sentences(chunks):
        found: list[Objective] = []
        for i, (chunk, sentence) in enumerate(pairs):
            shaped = classify(sentence.text)
            if shaped is None:
                continue
            kind, text, statement = shaped
            cited = [(chunk, sentence)]
            # "these cells", "this process": the sentence before says which.
            if i > 0 and _POINTING.search(sentence.text):
                cited.insert(0, pairs[i - 1])
            # The sentence after often explains this one ("This means …"): it is part of the lesson.
            if i + 1 < len(pairs) and _ANAPHORIC.match(pairs[i + 1][1].text):
                cited.append(pairs[i + 1])
            passages = [sentence_citation(c, s, n) for n, (c, s) in enumerate(cited, 1)]
            verdict = judge(statement, [p.text for p in passages])
            if getattr(verdict, "label", "") != "supported":
                continue
            found.append(Objective(objective_id=objective_id(source, title, statement), section=title,
                                   source=source, kind=kind, text=text, statement=statement, passages=passages,
                                   context=int(cited[0][1] is not sentence),
                                   support=float(getattr(verdict, "score", 1.0))))
        sections.append(LessonSection(title=title, source=source, objectives=_pick(found, max_per_section)))
    return LessonMap(sections=[s for s in sections if s.objectives])


_PRIORITY = {"explain_why": 0, "define": 1, "what_happens": 1, "explain_how": 2, "describe_risk": 2, "compare": 3, "describe": 4}


def _pick(found: list[Objective], n: int) -> list[Objective]:
    """At most n objectives, preferring explanations and definitions, kept in document order."""
    if len(found) <= n:
        return found
    ranked = sorted(range(len(found)), key=lambda i: (_PRIORITY[found[i].kind], i))[:n]
    return [found[i] for i in sorted(ranked)]


def format_lessons(lessons: LessonMap) -> str:
    """The lesson map as text: sections, objectives, and where each is taught."""
    lines = []
    for s in lessons.sections:
        lines.append(f"{s.title}  ({s.source})")
        for o in s.objectives:
            spans = ", ".join(f"{p.start}-{p.end}" for p in o.passages)
            lines.append(f"  • {o.text}\n      [{o.objective_id}] support {o.support:.2f}; passages {spans}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
