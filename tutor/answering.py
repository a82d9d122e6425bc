"""Composing answers from ranked source sentences. The extractive backend needs no language model."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

import numpy as np
from pydantic import BaseModel
from wordfreq import zipf_frequency

from tutor.answerability import STATES_PLACE, asked_term, asks_place, defined_in
from tutor.retrieval import ScoredSentence, Vocabulary, plain_question
from tutor.text import STOPWORDS, content_stems, content_words, normalize, stem, words
from tutor.types import Citation, SentenceSupport

# A sentence opening like this leans on the one before it; quoting it alone would confuse.
_ANAPHORIC_OPENING = re.compile(
    r"^(This|These|That|Those|It|Its|They|Their|Such|The action|The process|The effect|The user|"
    r"Many neurons affected by this|As a result|However|Therefore|Thus|Following|One of these)\b"
)


# A sentence that says the one before it again in plainer words ("… an antagonist at these NMDA receptors. This means
# it temporarily blocks the receptor …"): quoted with that one whatever its own score, which shares few of the
# question's words.
_GLOSS_OPENING = re.compile(r"^(?:(?:This|That) (?:means|is to say)|In other words|That is,|Put (?:simply|another way)|"
                            r"Simply put|In plain terms|In short)\b")


# A demonstrative inside a sentence's first words leans back too ("By suppressing these cells, …").
_LEANING_WORD = re.compile(r"\b(this|these|those|such)\b", re.IGNORECASE)
LEANING_REACH = 6
"""How many opening words (of the first clause) a demonstrative may sit in for the sentence to lean on an earlier one."""


def leans_back(text: str) -> bool:
    """Whether a sentence refers to something only an earlier sentence names ("This …", "By suppressing these cells")."""
    if _ANAPHORIC_OPENING.match(text):
        return True
    head = re.split(r"[,;:—]", text, maxsplit=1)[0].split()[:LEANING_REACH]
    return bool(_LEANING_WORD.search(" ".join(head)))


class AnswerContext(BaseModel):
    """Everything a backend needs to answer one question."""

    question: str
    standalone_question: str
    sentences: list[ScoredSentence]
    max_sentences: int = 4
    correction: str | None = None
    """A source sentence that contradicts what the question takes for granted (tutor/premise.py): the answer
    opens by saying the premise is wrong and quotes it."""
    paraphrase: dict[tuple[str, int], float] = {}
    """How closely each sentence (by source and start) words what the question says in words the material never
    uses (`paraphrase_match`); empty when it says nothing that way."""


class Composition(BaseModel):
    """A composed answer: text with markers, the citations, and per-sentence support."""

    answer: str
    citations: list[Citation]
    grounding: list[SentenceSupport]
    notice: str | None = None
    """A one-line note for the reply (e.g. that a model's draft was replaced by quotes)."""


class Backend(Protocol):
    """Turns retrieved material into an answer. Generative backends implement the same two methods."""

    name: str

    def compose(self, context: AnswerContext) -> Composition: ...

    def stream(self, context: AnswerContext) -> Iterator[str | Composition]: ...


FOCUS_WEIGHT = 0.75
"""How far a sentence's similarity to the question without the material's common words (its `focus`) replaces
its similarity to the whole question when choosing what to quote. Measured on the development sets
(tests/data/answer_relevance.yaml, retrieval.yaml; tuned on each half, checked on the other): 0.75 on both."""


def refocus(ranked: Sequence[ScoredSentence], weight: float = FOCUS_WEIGHT) -> list[ScoredSentence]:
    """`ranked` re-scored by what the question asks beyond the material's subject, best first.

    Every passage names the subject ("ketamine"), so similarity to the whole question favours sentences that
    merely name it ("By suppressing these cells, ketamine …") over the one that answers ("BDNF encourages the
    growth of new synapses …"); similarity to the rest of the question does not.
    """
    adjusted = [s if s.focus is None else s.model_copy(update={"score": s.score + weight * (s.focus - s.dense)})
                for s in ranked]
    return sorted(adjusted, key=lambda s: -s.score)


# What a question asks for beyond the thing it names: what comes of it, what brings it about, what it means.
# ("What does X do?" is left out: it is as often answered by the sentence naming X, and quoting what follows
# X makes a follow-up about that sentence look already answered — tutor.retrieval.prefer_new.)
# The risks, dangers or side effects of X are what comes of it too, in other words ("what are the risks of …?"), and
# so is whether X is safe or can hurt ("is ketamine safe?").
_ASKS_AFTER = re.compile(r"\b(after|afterwards?|next|then|follows?|following|subsequently|leads?|led|results?|"
                         r"resulting|consequences?|outcomes?|triggers?|brings? about|risks?|dangers?|hazards?|"
                         r"downsides?|side[- ]effects?|safe|unsafe|safety|dangerous|harmful|harms?|hurts?|"
                         r"what happens (?:when|once|if|to))\b")
_ASKS_CAUSE = re.compile(r"\b(why|causes?|caused|reasons?|how come|stems?|due to|because|what makes)\b")
_ASKS_MEANING = re.compile(r"\b(means?|meaning|in what sense|what (?:is|are)|what's|define|definition|like)\b")
# A sentence that gives a cause or a condition ("When glutamate signals are interrupted, …", "… stems from …").
_STATES_CAUSE = re.compile(r"^(?:When|If|Once|Whenever)\b|\b(because|due to|caused by|stems? from|results? from|"
                           r"comes? from|underl(?:ies|ie|ying)|owing to|the reason)\b")
# The asking words are not part of what the question names, so they do not count towards a sentence restating it.
_ASKING_STEMS = frozenset(stem(w) for w in (
    "after afterwards next then follow follows following subsequently lead leads led result results resulting "
    "consequence consequences outcome outcomes trigger triggers bring about happen cause causes caused reason "
    "reasons stem stems due because make makes mean means meaning sense define definition like risk risks danger "
    "dangers hazard hazards downside downsides").split())
# Whether it is safe or can hurt asks what comes of it, but in the learner's own words ("harm" for "damaged"), which
# choose the sentence that means them (`own_words`).
_HARM_STEMS = frozenset(stem(w) for w in "safe unsafe safety dangerous harmful harm harms hurt hurts".split())

RESTATES = 0.6
"""A sentence holding this share of the question's own content words (its asking words aside) restates what the
question names; when the question asks what follows, the answer is the sentence after it."""
AFTER_BONUS = 0.02
"""How far the sentence after a restating one is put above it for a "what follows" question (so it is quoted
first when the answer's sentences are limited)."""
EXPLAINS_GAP = 0.05
"""How far below the best sentence the "This …" sentence after it is put when the question asks what something
means or is: that sentence usually explains it."""
CAUSE_GAP = 0.1
"""How far below the best sentence a sentence giving a cause ("When …", "… stems from …") in its paragraph or the
next is put when the question asks why."""


PLACE_BONUS = 0.02
"""How far above the best sentence the first sentence near it that names a place goes when the question asks where
("where in the brain?" after "what does BDNF do?": "… prominent in brain regions like the prefrontal cortex", not the
BDNF sentences again)."""


DEFINES_BONUS = 0.1
"""How far above the best sentence the one that says what a "what is X?" question's term is goes (the material's
definition, "X, the brain's ability to …", is quoted first and sets the bar for what else is quoted)."""


def _definition(term: str, candidates: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    """The best-ranked sentence that says what `term` is, with the next one when that one says it ("… a state known
    as dissociation. | This is a sense of detachment …"); [] when none does.

    The sentence must name every word of the term: "what's the glutamate surge?" is not answered by "… disruption
    of the glutamate system is a state known as dissociation. | This is …", which glosses something else."""
    named = set(content_stems(term))
    for s in candidates:
        if not named <= set(content_stems(s.sentence.text)):
            continue
        if defined_in(term, [s.sentence.text]):
            return [s]
        following = _successor(s, candidates)
        if (following is not None and defined_in(term, [s.sentence.text, following.sentence.text])
                and not defined_in(term, [following.sentence.text])):
            return [s, following]
    return []


# "What does NMDA stand for?", "what's BDNF short for?", "full name of BDNF": an abbreviation to spell out.
_STANDS_FOR = re.compile(r"\b(?:what(?: does| do| is|'s)|whats)\s+(?:an? |the )?([A-Za-z][\w-]{1,12})\s+(?:stand(?:s)? for|short for"
                         r"|an? (?:acronym|abbreviation) (?:for|of))|\bfull (?:name|form) (?:of|for) (?:an? |the )?"
                         r"([A-Za-z][\w-]{1,12})\b|\b([A-Za-z][\w-]{1,12})['’]s full (?:name|form)\b", re.I)


def _expansion(question: str, candidates: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    """The best-ranked sentence that spells out the abbreviation the question asks about ("… the
    N-methyl-D-aspartate (NMDA) receptor …" for "what does NMDA stand for?"); [] for any other question."""
    asked = _STANDS_FOR.search(question.replace("’", "'"))
    if asked is None:
        return []
    short = next(g for g in asked.groups() if g)
    spelled = re.compile(rf"\w[\w\s-]*\(\s*{re.escape(short)}\s*\)", re.I)
    return next(([s] for s in candidates if spelled.search(s.sentence.text)), [])


def _successor(s: ScoredSentence, candidates: Sequence[ScoredSentence]) -> ScoredSentence | None:
    """The candidate right after `s` in its section (next in its chunk, or opening the next chunk), if any."""
    last_of_chunk = s.index == len(s.chunk.sentences) - 1
    for c in candidates:
        if c.sentence.source != s.sentence.source or c.chunk.section != s.chunk.section:
            continue
        before = c.chunk.sentences[c.index - 1] if c.index > 0 else None
        if (before is not None and before.start == s.sentence.start) or (
                before is None and last_of_chunk and c.sentence.paragraph == s.sentence.paragraph + 1):
            return c
    return None


def restates(question: str, sentence: str) -> float:
    """The share of the question's content words, its asking words aside, that the sentence holds."""
    named = set(content_stems(question)) - _ASKING_STEMS - _HARM_STEMS
    return len(named & set(content_stems(sentence))) / len(named) if named else 0.0


# "Can you explain NMDA receptors?", "describe dissociation": a request to say what a term is.
_EXPLAIN = re.compile(r"^(?:(?:can|could|would) you |please )?(?:explain|describe|tell me about)\s+(?=\S)", re.I)


def follow_discourse(ranked: Sequence[ScoredSentence], question: str) -> list[ScoredSentence]:
    """`ranked` (distinct sentences, best first) re-scored by how the text goes on from the best sentence.

    The sentence most like the question often restates what it names rather than answering: for "what
    happens after the compensatory response?" the best match is "… the brain initiates a compensatory
    response." and the answer is the sentence after it; for "what does it mean that X is an antagonist?"
    the answer is the "This means …" after the match; for "why …?" it is the sentence giving a cause near it; for
    "what is X?" the sentence that says what X is goes first (`_definition`).
    """
    unique: dict[tuple[str, int], ScoredSentence] = {}
    for s in ranked:
        unique.setdefault((s.sentence.source, s.sentence.start), s)
    candidates = list(unique.values())
    if not candidates:
        return []
    asked = normalize(question)
    best = candidates[0]
    scores = {id(s): s.score for s in candidates}
    # "wait, what's glutamate again?" asks what glutamate is; so does "can you explain NMDA receptors?"
    term = asked_term(_EXPLAIN.sub("what is ", plain_question(question), count=1))
    bare = 1 <= len(words(term)) <= 4 and not any(w in STOPWORDS for w in words(term))  # not "the difference between …"
    for i, s in enumerate(_definition(term, candidates) if bare else []):
        scores[id(s)] = max(scores[id(s)], best.score + DEFINES_BONUS - 0.01 * i)
    for s in _expansion(question, candidates):
        scores[id(s)] = max(scores[id(s)], best.score + DEFINES_BONUS)
    if _ASKS_AFTER.search(asked) and restates(question, best.sentence.text) >= RESTATES:
        current = best
        # Two steps at most: "… processes like X. | X occurs when … | This process can lead to …"
        for _ in range(2):
            current = _successor(current, candidates)
            if current is None:
                break
            scores[id(current)] = max(scores[id(current)], best.score + AFTER_BONUS)
            if restates(question, current.sentence.text) < RESTATES:
                break  # the first sentence that goes beyond what the question names is what follows
    elif _ASKS_MEANING.search(asked):
        following = _successor(best, candidates)
        if following is not None and _ANAPHORIC_OPENING.match(following.sentence.text):
            scores[id(following)] = max(scores[id(following)], best.score - EXPLAINS_GAP)
    if _ASKS_CAUSE.search(asked):
        for s in candidates:
            near = (s.sentence.source == best.sentence.source and s.chunk.section == best.chunk.section
                    and s.sentence.paragraph - best.sentence.paragraph in (0, 1))
            if s is not best and near and _STATES_CAUSE.search(s.sentence.text):
                scores[id(s)] = max(scores[id(s)], best.score - CAUSE_GAP)
    if asks_place(asked) and not STATES_PLACE.search(best.sentence.text):
        # Where a section's process happens may be said paragraphs later ("This process stimulates neuroplasticity"
        # … "This effect is prominent in brain regions like the prefrontal cortex"), never before it is introduced.
        place = next((s for s in candidates if s.sentence.source == best.sentence.source
                      and s.chunk.section == best.chunk.section
                      and s.sentence.paragraph >= best.sentence.paragraph
                      and STATES_PLACE.search(s.sentence.text)), None)
        if place is not None:
            scores[id(place)] = max(scores[id(place)], best.score + PLACE_BONUS)
    rescored = [s if scores[id(s)] == s.score else s.model_copy(update={"score": scores[id(s)]}) for s in candidates]
    return sorted(rescored, key=lambda s: -s.score)


EVERYDAY_ZIPF = 5.5
"""Words at least this frequent in English ("people", "good", "first") are too general to say what a learner asks."""
PARAPHRASE_WEIGHT = 0.25
"""How far `paraphrase_match` raises a sentence when choosing what to quote. Tuned on half A of the development sets
(0, 0.25, 0.5, 0.75), checked on half B (docs/evals.md)."""


def own_words(question: str, vocabulary: Vocabulary) -> list[str]:
    """The question's content words the material never uses (misspellings of its words aside), its asking words and
    everyday words left out: what the learner says in their own words ("kill", "forgetting")."""
    return [w for w in dict.fromkeys(content_words(question))
            if not vocabulary.known(w) and vocabulary.correct(w) == w and stem(w) not in _ASKING_STEMS
            and zipf_frequency(w, "en") < EVERYDAY_ZIPF]


def paraphrase_match(words: Sequence[str], sentences: Sequence[ScoredSentence],
                     vectors: Callable[[list[str]], np.ndarray]) -> dict[tuple[str, int], float]:
    """How closely each sentence words the learner's own `words`: per word, how far its best cosine to one of the
    sentence's words stands above that word's median over the sentences, summed.

    Neither term overlap nor similarity to the whole question sees that "die" answers "can it kill brain cells?", so a
    word shared in another sense ("these cells") decides; a word every sentence matches about as well ("weekend")
    adds nothing. `vectors` gives unit vectors of words (cached by the caller)."""
    asked = list(dict.fromkeys(words))
    unique = {(s.sentence.source, s.sentence.start): s for s in sentences}
    own = {key: list(dict.fromkeys(content_words(s.sentence.text))) for key, s in unique.items()}
    vocabulary = sorted({w for ws in own.values() for w in ws})
    if not asked or not vocabulary:
        return {}
    table = np.asarray(vectors(asked + vocabulary))
    index = {w: i for i, w in enumerate(vocabulary)}
    asked_vectors, word_vectors = table[:len(asked)], table[len(asked):]
    best = {key: (asked_vectors @ word_vectors[[index[w] for w in ws]].T).max(axis=1) for key, ws in own.items() if ws}
    typical = np.median(np.stack(list(best.values())), axis=0)
    return {key: float(np.clip(b - typical, 0.0, None).sum()) for key, b in best.items()}


def rematch(ranked: Sequence[ScoredSentence], paraphrase: dict[tuple[str, int], float],
            weight: float = PARAPHRASE_WEIGHT) -> list[ScoredSentence]:
    """`ranked` raised by how closely each sentence words what the learner said in their own words, best first."""
    if not paraphrase or not weight:
        return list(ranked)
    adjusted = [s.model_copy(update={"score": s.score + weight * paraphrase.get((s.sentence.source, s.sentence.start),
                                                                                0.0)}) for s in ranked]
    return sorted(adjusted, key=lambda s: -s.score)


def quotable(context: AnswerContext) -> list[ScoredSentence]:
    """The context's sentences ranked for quoting: refocused, matched on the learner's own words (`rematch`) and
    following the text (`follow_discourse`).

    A correction's evidence was put first (premise.promote) and must stay quoted, so it is not re-scored."""
    if context.correction is not None:
        return list(context.sentences)
    return follow_discourse(rematch(refocus(context.sentences), context.paraphrase), context.standalone_question)


NAMES_AGAIN = 2
"""How many content words a paragraph's opening "This …" sentence must share with a sentence of the previous paragraph
to lean on it ("This interference with glutamate signaling …" on "… preventing glutamate … flow of signals …"); one
shared word is as often the material's subject."""


def antecedent(s: ScoredSentence, candidates: Sequence[ScoredSentence],
               across: bool = True) -> ScoredSentence | None:
    """The candidate sentence `s` leans on: the one before it in its paragraph or, when `s` opens a paragraph and
    `across` allows, the sentence of the previous paragraph (same section) that names again most of what `s` names."""
    earlier = [c for c in candidates if c.sentence.source == s.sentence.source and c.chunk.section == s.chunk.section
               and c.sentence.start < s.sentence.start
               and s.sentence.paragraph - c.sentence.paragraph in (0, 1)]
    same = [c for c in earlier if c.sentence.paragraph == s.sentence.paragraph]
    if same:
        previous = max(same, key=lambda c: c.sentence.start)
        adjacent = s.index > 0 and previous.chunk.chunk_id == s.chunk.chunk_id and previous.index == s.index - 1
        return previous if adjacent or s.index == 0 else None
    if not earlier or not across:
        return None
    named = set(content_stems(s.sentence.text))
    shared, _, best = max((len(named & set(content_stems(c.sentence.text))), c.sentence.start, c) for c in earlier)
    return best if shared >= NAMES_AGAIN else None


def select_sentences(ranked: Sequence[ScoredSentence], limit: int, margin: float = 0.12,
                     focus_weight: float = FOCUS_WEIGHT, question: str | None = None) -> list[ScoredSentence]:
    """The best sentence, those nearly as good, and the neighbours a chosen one needs to make sense.

    Sentences are judged by what the question asks beyond the material's subject (`refocus`) and, given the
    `question`, by how the text goes on from the best one (`follow_discourse`).
    A sentence opening with "This …" leans on the one before it, so that one is pulled in; and
    when the sentence after a chosen one opens that way, it usually explains it ("… a state known
    as dissociation. This is a sense of detachment …"), so it is pulled in when it is relevant too.
    """
    if not ranked:
        return []
    ranked = refocus(ranked, focus_weight) if focus_weight else list(ranked)
    if question is not None:
        ranked = follow_discourse(ranked, question)
    best = ranked[0].score
    unique: dict[tuple[str, int], ScoredSentence] = {}
    for s in ranked:
        unique.setdefault((s.sentence.source, s.sentence.start), s)
    candidates = list(unique.values())
    chosen = [s for s in candidates if s.score >= best - margin][:limit]
    if len(chosen) == 1 and len(candidates) > 1 and candidates[1].score >= best - 2 * margin:
        chosen.append(candidates[1])  # one quoted sentence is rarely a lesson
    by_position = {(s.chunk.chunk_id, s.index): s for s in candidates}

    def neighbour(s: ScoredSentence, step: int) -> ScoredSentence | None:
        other = by_position.get((s.chunk.chunk_id, s.index + step))
        return other if other is not None and other.sentence.paragraph == s.sentence.paragraph else None

    for s in list(chosen):
        current = s
        for step in range(2):  # up to two steps back ("This means …" after "This is …"), the second in its paragraph
            previous = antecedent(current, candidates, across=step == 0) if leans_back(current.sentence.text) else None
            if previous is None:
                break
            if previous not in chosen:
                chosen.append(previous)
            current = previous
        following = neighbour(s, +1)
        if (following is not None and following not in chosen and leans_back(following.sentence.text)
                and (following.score >= best - 2.5 * margin or _GLOSS_OPENING.match(following.sentence.text))
                and len(chosen) < limit + 1):
            chosen.append(following)
    return best_first(chosen)


def best_first(chosen: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    """The chosen sentences paragraph by paragraph, the paragraph holding the best one first, each in document order.

    Document order alone opened "which one works faster?" with the introduction, three paragraphs before the sentence
    that compares. A paragraph whose first chosen sentence leans on the paragraph before it ("This interference …")
    stays right after that one."""
    groups: list[list[ScoredSentence]] = []
    for s in sorted(chosen, key=lambda s: (s.sentence.source, s.sentence.start)):
        last = groups[-1][-1] if groups else None
        same = last is not None and last.sentence.source == s.sentence.source and (
            last.sentence.paragraph == s.sentence.paragraph
            or (last.sentence.paragraph == s.sentence.paragraph - 1 and last.chunk.section == s.chunk.section
                and leans_back(s.sentence.text)))
        if same:
            groups[-1].append(s)
        else:
            groups.append([s])
    return [s for group in sorted(groups, key=lambda g: -max(s.score for s in g)) for s in group]


def _lead_in(selected: Sequence[ScoredSentence], correcting: bool = False) -> str:
    sections = list(dict.fromkeys(s.chunk.section for s in selected))
    quoted = [f"“{t}”" for t in sections[:3]]
    named = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
    if correcting:
        return f"{CORRECTION_LEAD}, in {named}:"
    if len(sections) == 1:
        return f"Here is what the material says, from {named}:"
    return f"The material covers this in {named}:"


CORRECTION_LEAD = "Not quite — the material says otherwise"
"""How an answer opens when the question rests on something the material contradicts."""


class ExtractiveBackend:
    """Answers with the most relevant source sentences, verbatim, each with its citation."""

    name = "extractive"

    def compose(self, context: AnswerContext) -> Composition:
        """Quote the selected sentences in document order, one marker each, under a short lead-in."""
        selected = select_sentences(quotable(context), context.max_sentences, focus_weight=0.0)
        citations, grounding, parts = [], [], []
        lead = _lead_in(selected, correcting=context.correction is not None)
        grounding.append(SentenceSupport(sentence=lead, citations=[], score=1.0, verdict="framing"))
        previous_paragraph = None
        for marker, s in enumerate(selected, start=1):
            sent = s.sentence
            citations.append(Citation(marker=marker, chunk_id=s.chunk.chunk_id, source=sent.source,
                                      section=s.chunk.section, text=sent.text, start=sent.start, end=sent.end))
            grounding.append(SentenceSupport(sentence=sent.text, citations=[marker], score=1.0, verdict="supported"))
            separator = "" if previous_paragraph is None else (" " if sent.paragraph == previous_paragraph else "\n\n")
            parts.append(f"{separator}{sent.text} [{marker}]")
            previous_paragraph = sent.paragraph
        return Composition(answer=f"{lead}\n\n{''.join(parts)}", citations=citations, grounding=grounding)

    def stream(self, context: AnswerContext) -> Iterator[str | Composition]:
        """Yield the answer a sentence at a time, then the full composition."""
        composition = self.compose(context)
        for piece in re.split(r"(?<=\])(?=\s)", composition.answer):
            yield piece
        yield composition
