"""Quiz questions generated from the material: multiple choice, true/false and short answer.

Every item carries its answer key and the exact passage that proves it, and is checked with
`tutor.grounding.judge` when it is made: the key must be supported by the passage; a multiple-choice
distractor put in the answer's place must not be (and must not be the answer's synonym by embedding);
the false statement of a true/false item (an antonym, a swapped term or a negation of a source
sentence) must be contradicted or unsupported. Items that fail a check are never offered.
Deterministic: the same material and seed give the same quiz.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field
from wordfreq import zipf_frequency

from tutor.lessons import LessonMap, Objective, section_sentences, sentence_citation
from tutor.text import STOPWORDS, content_stems, normalize, stem, words
from tutor.types import Chunk, Citation, Sentence

ItemKind = Literal["multiple_choice", "true_false", "short_answer"]
Judge = Callable[[str, list[str]], Any]
Embed = Callable[[list[str]], np.ndarray]

BLANK = "_____"
# A term this similar to the answer (cosine of MiniLM vectors) is treated as the answer in disguise.
DISTRACTOR_MAX_SIMILARITY = 0.8

# General-English antonyms for near-miss false statements (either direction).
ANTONYM_PAIRS = [
    ("increase", "decrease"), ("increases", "decreases"), ("increased", "decreased"), ("increasing", "decreasing"),
    ("more", "less"), ("most", "least"), ("higher", "lower"), ("high", "low"), ("rapid", "slow"),
    ("fast", "slow"), ("quickly", "slowly"), ("temporary", "permanent"), ("temporarily", "permanently"),
    ("inhibitory", "excitatory"), ("block", "activate"), ("blocks", "activates"), ("blocking", "activating"),
    ("antagonist", "agonist"), ("suppressing", "stimulating"), ("suppress", "stimulate"), ("dampen", "amplify"),
    ("encourages", "discourages"), ("growth", "loss"), ("repair", "damage"), ("repairs", "damages"),
    ("helps", "prevents"), ("fade", "intensify"), ("fades", "intensifies"), ("before", "after"),
    ("different", "similar"), ("long-term", "short-term"), ("new", "old"), ("form", "destroy"),
    ("foster", "prevent"), ("prominent", "absent"), ("abundant", "scarce"), ("recent", "past"),
    ("stretched", "unchanged"), ("disconnected", "connected"), ("detachment", "attachment"),
    ("weeks", "minutes"), ("excessive", "insufficient"), ("overstimulated", "understimulated"),
    ("improve", "impair"), ("improves", "impairs"), ("strengthen", "weaken"), ("strengthens", "weakens"),
    ("rise", "fall"), ("rises", "falls"), ("gain", "loss"), ("open", "closed"), ("opens", "closes"),
    ("always", "never"), ("many", "few"), ("all", "none"), ("large", "small"), ("larger", "smaller"),
    ("warm", "cold"), ("warmer", "colder"), ("heat", "cool"), ("absorb", "reflect"), ("absorbs", "reflects"),
    ("release", "absorb"), ("releases", "absorbs"), ("lighter", "heavier"), ("denser", "lighter"),
    ("up", "down"), ("upward", "downward"), ("rising", "sinking"), ("expands", "contracts"), ("expand", "contract"),
]
ANTONYMS: dict[str, str] = {}
for _a, _b in ANTONYM_PAIRS:
    ANTONYMS.setdefault(_a, _b)
    ANTONYMS.setdefault(_b, _a)

_AUX = re.compile(r"\b(is|are|was|were|can|may|might|will|could|does|do|has|have)\b(?! not\b)")
_NOUN_CONTEXT = frozenset("the a an these this those its their his her our of in at as like on by with from new "
                          "other and or is are such called known into to".split())
_VAGUE_WORDS = frozenset("often seen certain such being become becomes thought make makes made several "
                         "there their them they this that these those which where while".split())
_ADJECTIVE = ("al", "ic", "ive", "ous", "ary", "ar", "ory")


class CachedEmbed:
    """An embedding function that remembers vectors and embeds new texts in one batch (`prime`)."""

    def __init__(self, embed: Embed):
        self._embed = embed
        self._cache: dict[str, np.ndarray] = {}

    def prime(self, texts: Sequence[str]) -> None:
        """Embed every text not seen yet, in one call."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for t, v in zip(missing, np.asarray(self._embed(missing), dtype=np.float32)):
                self._cache[t] = v

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.prime(texts)
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


class QuizItem(BaseModel):
    """One question with its answer key and the passage that proves it."""

    item_id: str = Field(description="Stable id: kind, source span and content.")
    kind: ItemKind
    objective_id: str | None = Field(default=None, description="The lesson objective this item tests.")
    section: str
    question: str = Field(description="What the learner sees.")
    options: list[str] = Field(default_factory=list, description="Choices (multiple choice, true/false).")
    answer: str = Field(description="The right option, 'True'/'False', or the model answer (short answer).")
    key: str = Field(description="The answer key as a statement; supported by the citations.")
    key_points: list[str] = Field(default_factory=list, description="Words a full short answer mentions.")
    citations: list[Citation] = Field(description="Exact passages that prove the key.")
    checks: dict[str, str] = Field(default_factory=dict, description="What the judge said when the item was made.")


class Quiz(BaseModel):
    """A set of items on everything or one section."""

    quiz_id: str
    scope: str = Field(description="'all' or a section title.")
    items: list[QuizItem]


# -- terms -----------------------------------------------------------------------------------------------

def _rare(word: str) -> bool:
    return len(word) >= 4 and zipf_frequency(word.lower().replace("’", "'"), "en") < 3.4


_TOKEN = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]|[A-Za-z]")


def terms_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of the technical terms of a sentence: acronyms, names, rare nouns with their modifier."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        s, e, w = tokens[i]
        prev = tokens[i - 1][2].lower() if i else ""
        if re.fullmatch(r"[A-Z]{2,6}s?", w):
            found.append((s, e, w))
            i += 1
            continue
        # Capitalised multi-word names inside a sentence (Brain-Derived Neurotrophic Factor).
        if i and w[0].isupper() and i + 1 < len(tokens) and tokens[i + 1][2][0].isupper():
            j = i
            while j + 1 < len(tokens) and tokens[j + 1][2][0].isupper() and tokens[j + 1][0] - tokens[j][1] <= 1:
                j += 1
            found.append((s, tokens[j][1], text[s:tokens[j][1]]))
            i = j + 1
            continue
        low = w.lower()
        if _rare(low) and not low.endswith(("ly", "ing", "ed", "’s", "'s")) \
                and (prev in _NOUN_CONTEXT or i == 0 or _rare(prev)):
            j = i
            # a rare modifier followed by its noun ("prefrontal cortex", "neurotrophic factors")
            if low.endswith(_ADJECTIVE) and j + 1 < len(tokens) and tokens[j + 1][0] - tokens[j][1] == 1:
                nxt = tokens[j + 1][2]
                if nxt[0].islower() and nxt not in STOPWORDS and not nxt.endswith(("ly", "ing", "ed", "’s", "'s")):
                    j += 1
            found.append((s, tokens[j][1], text[s:tokens[j][1]]))
            i = j + 1
            continue
        i += 1
    return found


def _term_key(term: str) -> str:
    return " ".join(stem(w) for w in words(term))


def _acronym_of(short: str, long: str) -> bool:
    letters = re.sub(r"s$", "", short)
    initials = "".join(p[0] for p in re.split(r"[\s-]+", long) if p).upper()
    return len(letters) >= 2 and letters.upper() in initials


def equivalent(a: str, b: str) -> bool:
    """Whether two terms are the same thing written differently (stems, plural, acronym)."""
    ka, kb = _term_key(a), _term_key(b)
    if not ka or not kb:
        return False
    sa, sb = set(ka.split()), set(kb.split())
    return ka == kb or bool(sa & sb) or _acronym_of(a, b) or _acronym_of(b, a)


# -- the bank ----------------------------------------------------------------------------------------------

class _Unit(BaseModel):
    chunk: Chunk
    sentence: Sentence
    context: list[Citation]  # the sentence before, when this one points back at it
    section: str
    source: str


def _stable(*parts: str) -> str:
    return hashlib.sha1("\x00".join(parts).encode()).hexdigest()[:12]


def _objective_for(unit: _Unit, lessons: LessonMap) -> str | None:
    """The objective whose passages hold this sentence, else the nearest one before it in its section."""
    same = [o for o in lessons.objectives() if o.source == unit.source and o.section == unit.section]
    for o in same:
        if any(p.start == unit.sentence.start for p in o.passages):
            return o.objective_id
    before = [o for o in same if min(p.start for p in o.passages) <= unit.sentence.start]
    if before:
        return max(before, key=lambda o: min(p.start for p in o.passages)).objective_id
    return same[0].objective_id if same else None


def key_points(key_text: str, question: str, limit: int = 4) -> list[str]:
    """The rarest content words of the key that the question does not already give away."""
    asked = set(content_stems(question))
    seen, ranked = set(), []
    for w in words(key_text):
        st = stem(w)
        if w in STOPWORDS or len(w) < 4 or st in asked or st in seen or w.endswith("ly") or w in _VAGUE_WORDS:
            continue
        seen.add(st)
        ranked.append((zipf_frequency(w, "en"), len(ranked), w))
    return [w for _, _, w in sorted(ranked)[:limit]]


class QuestionBank:
    """Every checked item the material supports; quizzes are drawn from it."""

    def __init__(self, items: list[QuizItem], rejected: dict[str, int]):
        self.items = items
        self.rejected = rejected

    @classmethod
    def build(cls, chunks: Sequence[Chunk], lessons: LessonMap, judge: Judge, embed: Embed) -> QuestionBank:
        """Generate and check items for every teaching sentence and every objective."""
        units: list[_Unit] = []
        for source, section, pairs in section_sentences(chunks):
            for i, (chunk, sentence) in enumerate(pairs):
                context = []
                if i and re.search(r"\b(?:this|these|those|such|it|they)\b", sentence.text, re.I):
                    context = [sentence_citation(pairs[i - 1][0], pairs[i - 1][1])]
                units.append(_Unit(chunk=chunk, sentence=sentence, context=context, section=section, source=source))
        pool = _term_pool(units)
        vectors = _term_vectors(pool, embed)
        topic = _topic_terms(units)
        rejected = {"key_unsupported": 0, "no_distractors": 0, "false_statement_supported": 0}
        prime = getattr(embed, "prime", None)
        if prime is not None:  # every claim the checks will judge, embedded in one batch
            claims = []
            for unit in units:
                text = unit.sentence.text
                claims.append(text)
                claims.extend(false for _, false in near_misses(text, pool, vectors, topic))
                blank = _pick_blank(unit, topic)
                if blank:
                    claims.extend(_filled(text, blank[0], blank[1], t)
                                  for t in _candidates(blank[2], text, pool, vectors)[:4])
            prime(claims)
        items: list[QuizItem] = []
        for unit in units:
            objective = _objective_for(unit, lessons)
            mc = _multiple_choice(unit, pool, vectors, topic, judge, rejected)
            if mc:
                items.append(mc.model_copy(update={"objective_id": objective}))
            tf = _true_false(unit, pool, vectors, topic, judge, rejected)
            items.extend(t.model_copy(update={"objective_id": objective}) for t in tf)
        for objective in lessons.objectives():
            sa = short_answer_item(objective, judge)
            if sa:
                items.append(sa)
        return cls(items, rejected)

    def quiz(self, scope: str = "all", n: int = 5, seed: int = 0, priority: Sequence[str] = (),
             lessons: LessonMap | None = None) -> Quiz:
        """A quiz of n items mixing kinds; `priority` objective ids come first (e.g. least mastered)."""
        items = self.items
        title = "all"
        if scope and scope != "all" and lessons is not None:
            section = lessons.section(scope)
            if section is not None:
                title = section.title
                items = [i for i in items if i.section == title]
        rank = {oid: r for r, oid in enumerate(priority)}
        by_kind: dict[str, list[QuizItem]] = {}
        for item in sorted(items, key=lambda it: (rank.get(it.objective_id or "", len(rank)),
                                                  _stable(str(seed), it.item_id))):
            by_kind.setdefault(item.kind, []).append(item)
        picked: list[QuizItem] = []
        used: set[tuple[str, int]] = set()
        kinds = ["multiple_choice", "true_false", "short_answer"]
        kinds = kinds[seed % 3:] + kinds[: seed % 3]
        # Round-robin over kinds; a sentence is asked about once per quiz unless nothing else is left.
        for allow_repeat in (False, True):
            progress = True
            while len(picked) < n and progress:
                progress = False
                for k in kinds:
                    queue = by_kind.get(k, [])
                    for item in queue:
                        spot = (item.citations[-1].source, item.citations[-1].start)
                        if allow_repeat or spot not in used:
                            queue.remove(item)
                            used.add(spot)
                            picked.append(item)
                            progress = True
                            break
                    if len(picked) == n:
                        break
        quiz_id = "quiz-" + _stable(title, str(seed), *[i.item_id for i in picked])
        return Quiz(quiz_id=quiz_id, scope=title, items=picked)


def _term_pool(units: Sequence[_Unit]) -> list[str]:
    """Distinct terms of the whole material, in order of first appearance."""
    pool: list[str] = []
    keys: set[str] = set()
    for u in units:
        for _, _, term in terms_in(u.sentence.text):
            k = _term_key(term)
            if k and k not in keys:
                keys.add(k)
                pool.append(term)
    return pool


def _term_vectors(pool: Sequence[str], embed: Embed) -> dict[str, np.ndarray]:
    if not pool:
        return {}
    vecs = np.asarray(embed(list(pool)), dtype=float)
    vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
    return dict(zip(pool, vecs))


def _topic_terms(units: Sequence[_Unit]) -> set[str]:
    """Terms in a third or more of the sentences: the subject itself, too easy to ask about."""
    counts: dict[str, int] = {}
    for u in units:
        for k in {_term_key(t) for _, _, t in terms_in(u.sentence.text)}:
            counts[k] = counts.get(k, 0) + 1
    return {k for k, c in counts.items() if c >= max(3, len(units) / 3)}


def _filled(text: str, start: int, end: int, term: str) -> str:
    return text[:start] + term + text[end:]


def _pick_blank(unit: _Unit, topic: set[str]) -> tuple[int, int, str] | None:
    text = unit.sentence.text
    candidates = [t for t in terms_in(text) if _term_key(t[2]) not in topic
                  and normalize(text).count(normalize(t[2])) == 1 and len(words(text)) >= 7]
    if not candidates:
        return None
    # The rarest term is the most specific thing the sentence teaches.
    return min(candidates, key=lambda t: (min(zipf_frequency(w, "en") for w in words(t[2]) or ["x"]), t[0]))


def _candidates(answer: str, sentence: str, pool: Sequence[str], vectors: dict[str, np.ndarray]) -> list[str]:
    """Terms from elsewhere in the material, most plausible first, none equivalent to the answer."""
    target = vectors.get(answer)
    if target is None:
        return []
    shape = (answer.isupper(), answer.endswith("s") and not answer.endswith("ss"), len(answer.split()) > 1)
    scored = []
    for term in pool:
        if term == answer or normalize(term) in normalize(sentence) or equivalent(term, answer):
            continue
        sim = float(vectors[term] @ target)
        if sim >= DISTRACTOR_MAX_SIMILARITY:
            continue  # close enough to be read as the answer itself
        same = (term.isupper(), term.endswith("s") and not term.endswith("ss"), len(term.split()) > 1)
        scored.append((-(sim + 0.15 * sum(a == b for a, b in zip(same, shape))), term))
    chosen: list[str] = []
    for _, term in sorted(scored):
        if not any(equivalent(term, c) for c in chosen):
            chosen.append(term)
    return chosen


def _distractors(answer: str, sentence: str, start: int, end: int, pool: Sequence[str],
                 vectors: dict[str, np.ndarray], judge: Judge, passages: list[str], n: int = 3) -> tuple[list[str], list[str]]:
    """Up to n plausible distractors that the material does not support in the answer's place."""
    chosen, checks = [], []
    for term in _candidates(answer, sentence, pool, vectors)[: 3 * n]:
        verdict = judge(_filled(sentence, start, end, term), passages)
        if verdict.label == "supported":
            continue  # the material would make this option right too
        chosen.append(term)
        checks.append(f"{term}: {verdict.label}")
        if len(chosen) == n:
            break
    return chosen, checks


def _multiple_choice(unit: _Unit, pool, vectors, topic, judge: Judge, rejected: dict[str, int]) -> QuizItem | None:
    blank = _pick_blank(unit, topic)
    if blank is None:
        return None
    start, end, answer = blank
    text = unit.sentence.text
    citations = _proven_key(unit, judge, rejected)
    if citations is None:
        return None
    passages = [c.text for c in citations]
    distractors, checks = _distractors(answer, text, start, end, pool, vectors, judge, passages)
    if len(distractors) < 2:
        rejected["no_distractors"] += 1
        return None
    options = sorted([answer, *distractors], key=lambda o: _stable(text, o))
    lead = f"(Context: {unit.context[0].text}) " if unit.context else ""  # as true/false items show it
    question = f"Which term completes the statement? {lead}“{text[:start]}{BLANK}{text[end:]}”"
    return QuizItem(item_id="mc-" + _stable(unit.source, str(unit.sentence.start), answer), kind="multiple_choice",
                    section=unit.section, question=question, options=options, answer=answer, key=text,
                    key_points=[answer], citations=citations,
                    checks={"key": "supported", **{f"distractor {i + 1}": c for i, c in enumerate(checks)}})


def _match_case(original: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if original[:1].isupper() else replacement


def near_misses(text: str, pool: Sequence[str] = (), vectors: dict[str, np.ndarray] | None = None,
                topic: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(how, false statement) variants of a true sentence: antonym swap, term swap, negation."""
    out: list[tuple[str, str]] = []
    for m in re.finditer(r"[A-Za-z][A-Za-z-]*", text):
        w = m.group(0)
        if w.lower() in ANTONYMS:
            out.append((f"antonym {w}→{ANTONYMS[w.lower()]}",
                        text[:m.start()] + _match_case(w, ANTONYMS[w.lower()]) + text[m.end():]))
            break
    if vectors:
        for s, e, term in terms_in(text):
            if _term_key(term) in topic or term not in vectors:
                continue
            others = [t for t in pool if t in vectors and not equivalent(t, term) and normalize(t) not in normalize(text)]
            if others:
                swap = max(others, key=lambda t: (float(vectors[t] @ vectors[term]), t))
                out.append((f"term {term}→{swap}", _filled(text, s, e, swap)))
                break
    m = _AUX.search(text)
    if m:
        neg = "cannot" if m.group(1) == "can" else f"{m.group(1)} not"
        rest = re.sub(r"^\s+(?:also|too)\b", "", text[m.end():])  # "is not also used" reads wrong
        out.append((f"negation of {m.group(1)}", text[:m.start()] + neg + rest))
    return out


def _proven_key(unit: _Unit, judge: Judge, rejected: dict[str, int]) -> list[Citation] | None:
    """The unit's context and sentence as numbered citations, when the judge finds the sentence supported."""
    citations = [*unit.context, sentence_citation(unit.chunk, unit.sentence)]
    citations = [c.model_copy(update={"marker": n}) for n, c in enumerate(citations, 1)]
    if judge(unit.sentence.text, [c.text for c in citations]).label != "supported":
        rejected["key_unsupported"] += 1
        return None
    return citations


def _true_false(unit: _Unit, pool, vectors, topic, judge: Judge, rejected: dict[str, int]) -> list[QuizItem]:
    text = unit.sentence.text
    if len(words(text)) < 7 or text.endswith("?"):
        return []
    citations = _proven_key(unit, judge, rejected)
    if citations is None:
        return []
    passages = [c.text for c in citations]
    lead = f"(Context: {unit.context[0].text}) " if unit.context else ""
    items = [QuizItem(item_id="tf-" + _stable(unit.source, str(unit.sentence.start), "true"), kind="true_false",
                      section=unit.section, question=f"True or false? {lead}“{text}”", options=["True", "False"],
                      answer="True", key=text, citations=citations, checks={"key": "supported"})]
    for how, false in near_misses(text, pool, vectors, topic):
        verdict = judge(false, passages)
        if verdict.label == "supported":
            rejected["false_statement_supported"] += 1
            continue
        items.append(QuizItem(
            item_id="tf-" + _stable(unit.source, str(unit.sentence.start), false), kind="true_false",
            section=unit.section, question=f"True or false? {lead}“{false}”", options=["True", "False"],
            answer="False", key=text, citations=citations,
            checks={"key": "supported", "false statement": f"{verdict.label} ({how})"}))
        break
    return items


# Objectives whose question leaves the answer to the learner ("Explain how X leads to Y" gives it away).
SHORT_ANSWER_KINDS = frozenset({"define", "explain_why", "what_happens"})


def short_answer_item(objective: Objective, judge: Judge) -> QuizItem | None:
    """A free-text question from an objective; the key is its passages (None when it would give itself away)."""
    if objective.kind not in SHORT_ANSWER_KINDS:
        return None
    passages = [p.text for p in objective.passages]
    verdict = judge(objective.statement, passages)
    if verdict.label != "supported":
        return None
    question = objective.text
    taught = " ".join(passages[objective.context:])
    points = key_points(taught, question)
    if len(points) < 2:
        return None
    return QuizItem(item_id="sa-" + _stable(objective.objective_id), kind="short_answer",
                    objective_id=objective.objective_id, section=objective.section, question=question,
                    answer=taught, key=objective.statement, key_points=points,
                    citations=objective.passages, checks={"key": verdict.label})


def item_from_passage(question: str, passages: Sequence[Citation], section: str = "") -> QuizItem:
    """A short-answer item for any question and the passages that answer it (used for hand-written sets)."""
    key = " ".join(p.text for p in passages)
    return QuizItem(item_id="sa-" + _stable(question, key), kind="short_answer", section=section or passages[0].section,
                    question=question, answer=key, key=key, key_points=key_points(key, question),
                    citations=list(passages))


_POINTS_BACK = re.compile(r"\b(?:this|these|those|such|it|they)\b", re.I)


def with_context(citations: Sequence[Citation], chunks: Sequence[Chunk]) -> list[Citation]:
    """The citations, each preceded by the sentence before it when it points back ("these cells")."""
    by_id = {c.chunk_id: c for c in chunks}
    out: list[Citation] = []
    seen = {(c.source, c.start) for c in citations}
    for c in citations:
        chunk = by_id.get(c.chunk_id)
        if chunk is not None and _POINTS_BACK.search(c.text):
            i = next((k for k, s in enumerate(chunk.sentences) if s.start == c.start), 0)
            if i > 0 and (chunk.source, chunk.sentences[i - 1].start) not in seen:
                seen.add((chunk.source, chunk.sentences[i - 1].start))
                out.append(sentence_citation(chunk, chunk.sentences[i - 1]))
        out.append(c)
    return [c.model_copy(update={"marker": n}) for n, c in enumerate(out, 1)]

