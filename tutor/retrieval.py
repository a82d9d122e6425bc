"""Pure retrieval logic: BM25 with spelling repair, rank fusion, follow-up condensing, sentence ranking."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel
from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from tutor.smalltalk import strip_openers
from tutor.text import STOPWORDS, content_stems, content_words, normalize, stem, words
from tutor.types import Chunk, Passage, Sentence

RRF_K = 60  # the constant from Cormack et al.; damps the influence of any single ranker
# Zipf frequency from which a word counts as real English (about once per 10 million words); misspellings
# sit below it ("percieve" 1.4, "efect" 1.1).
REAL_WORD_ZIPF = 3.0


def lexical_stems(text: str) -> list[str]:
    """The stems lexical matching compares: content stems, an acronym's plural read as the acronym.

    Snowball keeps "ssris" whole (its only vowel ends it), so "SSRI" never matched "SSRIs"; a stem of four letters or
    more ending in "s" with no vowel before its last two letters is such a plural, in any case ("ssris" typed)."""
    return [s[:-1] if len(s) >= 4 and s.endswith("s") and not re.search(r"[aeiouy]", s[:-2]) else s
            for s in content_stems(text)]


def prefixed(word: str, base: str) -> bool:
    """Whether a word is another word with letters put in front of it ("esketamine" of "ketamine")."""
    return len(base) >= 5 and len(word) - len(base) >= 2 and word.endswith(base)


class Vocabulary:
    """Every word of the corpus, to repair misspellings and tell known words from unknown ones."""

    def __init__(self, texts: Sequence[str]):
        counts = Counter(w for t in texts for w in words(t))
        self.words = sorted(w for w in counts if len(w) > 2)
        self._anagrams = {"".join(sorted(w)): w for w in self.words}  # catches swapped letters: "brian"
        self.stems = {stem(w) for w in counts}
        # A word is common in this corpus when many chunks use it (the subject of the material).
        stems = Counter(s for t in texts for s in set(content_stems(t)))
        surface = {stem(w): w for w in sorted(counts, key=counts.get)}  # most frequent form wins
        self.document_frequency = {s: (df, surface.get(s, s)) for s, df in stems.items()}
        self.n_texts = max(1, len(texts))

    def correct(self, word: str) -> str:
        """The corpus word a misspelt word most likely meant, or the word itself."""
        if len(word) < 5 or stem(word) in self.stems or word in STOPWORDS or word.isdigit():
            return word
        swapped = self._anagrams.get("".join(sorted(word)))
        if swapped:
            return swapped
        # Short words need a closer match: "train" is not a misspelt "brain".
        cutoff = 80 if len(word) >= 7 else 88
        match = process.extractOne(word, self.words, scorer=fuzz.ratio, score_cutoff=cutoff)
        if not match:
            return word
        # A prefix makes another word, not a misspelling ("esketamine" is not "ketamine").
        if prefixed(word, match[0]):
            return word
        # A real English word is no misspelling ("surgery" is not "surge", "overdose" not "overuse"),
        # unless it is an inflection of the corpus word ("hallucinations" / "hallucinatory").
        if zipf_frequency(word, "en") >= REAL_WORD_ZIPF and word[:6] != match[0][:6]:
            return word
        return match[0]

    def known(self, word: str) -> bool:
        """Whether the word (or its stem) occurs in the corpus."""
        return stem(word) in self.stems

    def recognizes(self, word: str) -> bool:
        """Whether the word is the corpus's, as written or misspelt or inflected ("hallucinations", "hallucinatory")."""
        return self.known(word) or self.correct(word) != word

    def repair(self, text: str) -> str:
        """Text with misspelt words replaced by corpus words (for lexical matching only)."""
        return " ".join(self.correct(w) for w in words(text))


class LexicalIndex:
    """Okapi BM25 over chunks, on stemmed content words, with misspellings repaired."""

    def __init__(self, chunks: Sequence[Chunk], vocabulary: Vocabulary, k1: float = 1.5, b: float = 0.75):
        self.chunks = list(chunks)
        self.vocabulary = vocabulary
        self.k1, self.b = k1, b
        self.docs = [Counter(lexical_stems(c.text)) for c in self.chunks]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg_length = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0
        df = Counter(t for d in self.docs for t in d)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) of the best k chunks with a positive score."""
        terms = lexical_stems(self.vocabulary.repair(query))
        scores = []
        for chunk, doc, length in zip(self.chunks, self.docs, self.lengths, strict=True):
            score = 0.0
            for t in terms:
                f = doc.get(t, 0)
                if f:
                    norm = self.k1 * (1 - self.b + self.b * length / self.avg_length)
                    score += self.idf[t] * f * (self.k1 + 1) / (f + norm)
            if score > 0:
                scores.append((chunk.chunk_id, score))
        scores.sort(key=lambda x: -x[1])
        return scores[:k]


def fuse(rankings: Sequence[Sequence[str]], weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion of several ranked id lists, best first."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + weight / (RRF_K + rank + 1)
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))


def without_common_words(query: str, vocabulary: Vocabulary, share: float = 0.4) -> str | None:
    """The query without the words most passages share ("ketamine"), or None when nothing else is left
    or nothing was removed.

    Dense similarity to such a word favours every passage that names it, so a passage that never
    names the subject ("This altered state … hallucinatory experiences") loses to ones that do.
    """
    common = {s for s, (df, _) in vocabulary.document_frequency.items() if df / vocabulary.n_texts >= share}
    kept = [w for w in words(query) if stem(w) not in common]
    if len(kept) == len(words(query)) or not content_words(" ".join(kept)):
        return None
    return " ".join(kept)


_FOLLOW_UP_START = re.compile(
    r"^(and|but|so|also|then|what about|how about|why is that|why so|how so|how come|really|"
    r"in what way|what else|anything else|more on|tell me more|go on|which one|is that|does that|was that|"
    r"can you elaborate|elaborate|why\??$|how\??$)\b"
)
_REFERRING = re.compile(r"\b(it|its|that|this|these|those|they|them|their|there|he|she|the same|such|one)\b")
# "What is glutamate?", "what does antagonist mean?", "what does glutamate do?", "explain excitotoxicity": a bare term
# asked about names its own topic ("what's the mechanism?" leans on the conversation: "the" points back).
_ASKS_ABOUT_TERM = re.compile(r"^(?:(?:what(?:'s| is| are)|whats|define|explain|describe|tell me about)\s+(?:an? )?"
                              r"[\"']?[\w-]+[\"']?(?: (?:used )?for)?"
                              r"|what (?:does|do) (?:an? |the word )?[\"']?[\w-]+[\"']? (?:mean|do|stand for)"
                              r"|how (?:does|do) (?:an? )?[\w-]+ work)\s*[?.!]*$")
# "what does paradoxically mean here / in this context?": where the word is read, the material, no earlier question.
_IN_THE_MATERIAL = re.compile(r"\s+(?:here|in (?:this|the) (?:context|text|article|material|sentence|passage))"
                              r"(?=\s*[?.!]*$)")


# "How long does the relief last though?": a closing "though" answers what was just said.
_FOLLOW_UP_END = re.compile(r"\b(?:though|tho)\W*$")


def is_follow_up(question: str, vocabulary: Vocabulary) -> bool:
    """Whether a question leans on the conversation (pronouns, connectives, or almost no content)."""
    q = normalize(plain_question(question))  # "wait, what's glutamate again?" asks about glutamate
    q = _IN_THE_MATERIAL.sub("", q)
    content = [w for w in content_words(q) if vocabulary.recognizes(w)]
    if _FOLLOW_UP_START.search(q) or _FOLLOW_UP_END.search(q):
        return True
    if _REFERRING.search(q) and len(content) <= 3:
        return True
    return len(content_words(q)) <= 1 and len(words(q)) <= 6 and not _ASKS_ABOUT_TERM.match(q)


def refers_back(question: str) -> bool:
    """Whether a question has a word pointing back at the conversation ("it", "that", "those")."""
    return bool(_REFERRING.search(normalize(question)))


_AGAIN = re.compile(r"\s+again(?=\s*[?.!]*\s*$)", re.I)
# "true or false: BDNF is a neurotransmitter", "… — yes or no?": the frame of a quiz-style question, no word of it.
_CHOICE_FRAME = re.compile(r"^\s*(?:true or false|t or f|t/f|yes or no)\s*[:?,.\-–—]+\s*"
                           r"|\s*[,:\-–—]+\s*(?:true or false|yes or no)\s*[?.!]*\s*$", re.I)


def plain_question(question: str) -> str:
    """The question without the opener and the closing "again" a learner wraps it in ("wait, what's glutamate
    again?" searches for "what's glutamate?"), or a "true or false:" frame, which only dilute the search."""
    def unframed(text: str) -> str:
        return _CHOICE_FRAME.sub("", text).strip() or text

    return _AGAIN.sub("", unframed(strip_openers(unframed(question)))).strip()


def condense(question: str, previous: Sequence[str], vocabulary: Vocabulary, force: bool = False) -> str:
    """A standalone query: a follow-up gets the content words of the earlier questions appended.

    Deterministic stand-in for a model that rewrites the question; the generative backends may
    replace it. The most recent earlier question comes first, since it is most likely referred to.
    """
    question = plain_question(question)
    if not previous or not (force or is_follow_up(question, vocabulary)):
        return question
    seen = {stem(w) for w in content_words(question)}
    context: list[str] = []
    for earlier in reversed(previous):
        for w in content_words(earlier):
            if stem(w) not in seen:
                seen.add(stem(w))
                context.append(w)
        if len(context) >= 6:
            break
    # "and memory?" after "what about the bladder? (risks long term use)" puts memory in the bladder's place: with no
    # word pointing back, an earlier word the material never mentions was that question's own topic, not context —
    # unless it is all the context there is.
    known = [w for w in context if vocabulary.recognizes(w)]
    if known and not refers_back(question):
        context = known
    return f"{question.strip()} ({' '.join(context)})" if context else question


# "how long does it last?" as the first message: "it" can only be what the material is about.
_DANGLING_IT = re.compile(r"\bits?\b")


def about_subject(question: str, subject: str | None) -> str:
    """A question with no conversation before it, whose "it" then means the material's subject, gets it named:
    "is it addictive?" searches as "is it addictive? (ketamine)"."""
    if not subject or not _DANGLING_IT.search(normalize(question)) or stem(subject.lower()) in content_stems(question):
        return question
    return f"{question.strip()} ({subject})"


class ScoredSentence(BaseModel):
    """A candidate sentence for an answer, with what it belongs to and how relevant it is."""

    sentence: Sentence
    chunk: Chunk
    index: int
    dense: float
    lexical: float
    score: float
    focus: float | None = None
    """Dense similarity to the query without the words most passages share (`without_common_words`), when it
    has such words: what the question asks about beyond the material's subject. Used to choose what to quote,
    never to rank (answerability reads `score`)."""


def rank_sentences(
    passages: Sequence[Passage],
    query_vectors: Sequence[np.ndarray],
    sentence_vectors: dict[tuple[str, int], np.ndarray],
    query_terms: set[str],
    idf: dict[str, float],
    focus_vectors: Sequence[np.ndarray] = (),
) -> list[ScoredSentence]:
    """Score every sentence of the passages against the query: dense similarity plus term overlap.

    `focus_vectors` (the query without its common words) give each sentence its `focus` similarity."""
    total_idf = sum(idf.get(t, 1.0) for t in query_terms) or 1.0
    ranked: list[ScoredSentence] = []
    for rank, passage in enumerate(passages):
        for i, sentence in enumerate(passage.chunk.sentences):
            vec = sentence_vectors.get((passage.chunk.chunk_id, i))
            if vec is None:
                continue
            dense = max(float(np.dot(q, vec)) for q in query_vectors)
            focus = max(float(np.dot(q, vec)) for q in focus_vectors) if len(focus_vectors) else None
            terms = set(lexical_stems(sentence.text))
            lexical = sum(idf.get(t, 1.0) for t in query_terms & terms) / total_idf
            # Dense similarity leads; shared rare terms and a well-ranked passage break ties.
            score = dense + 0.25 * lexical + 0.02 * (len(passages) - rank) / len(passages)
            ranked.append(ScoredSentence(sentence=sentence, chunk=passage.chunk, index=i, dense=dense,
                                         lexical=lexical, score=score, focus=focus))
    ranked.sort(key=lambda s: -s.score)
    return ranked


_CONTINUATION = re.compile(r"\b(after|afterwards|then|next|later|follows?|following|wears? off|fades?|once|subsequently|what happens)\b")
# Sentences that narrate a sequence ("Following the blockade …", "As the effects fade …").
_SEQUENCE = re.compile(r"\b(following|after|afterwards|subsequent|subsequently|then|later|fade|fades|once|eventually|over time|leads? to|triggers?)\b")


def prefer_new(ranked: Sequence[ScoredSentence], question: str, already_cited: set[tuple[str, int]],
               penalty: float = 0.15, bonus: float = 0.08) -> list[ScoredSentence]:
    """Re-rank for a follow-up: what the learner was just shown counts less, and when the question
    asks what comes next, sentences that narrate a sequence count more."""
    if not already_cited:
        return list(ranked)
    continuation = bool(_CONTINUATION.search(normalize(question)))
    adjusted = []
    for s in ranked:
        key = (s.sentence.source, s.sentence.start)
        delta = -penalty if key in already_cited else 0.0
        if continuation and key not in already_cited and _SEQUENCE.search(normalize(s.sentence.text)):
            delta += bonus
        adjusted.append(s.model_copy(update={"score": s.score + delta}))
    adjusted.sort(key=lambda s: -s.score)
    return adjusted
