"""Deciding whether retrieved passages answer a question: answer, not_in_material, or out_of_scope."""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Callable, Sequence

import numpy as np
from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process
from wordfreq import top_n_list, zipf_frequency

from tutor.retrieval import ScoredSentence, Vocabulary
from tutor.text import content_words, normalize, stem
from tutor.types import Passage, ReplyKind

_Q = lambda pattern: re.compile(pattern, re.IGNORECASE)  # noqa: E731
_QUANTITY_ADJ = (r"(?:lethal|fatal|toxic|safe|right|recommended|typical|normal|starting|effective|max|maximum|"
                 r"minimum|standard|usual|average|good|proper|correct|therapeutic) ")
_UNITS = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)"
_NUMBER_WORD = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|dozen|hundred|thousand|half)"

# A question of a given type can only be answered by a passage holding that type of fact.
# (question pattern, evidence pattern, what the material lacks)
ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str], str]] = [
    (_Q(r"\b(how much|how many|dosage|dosing|milligrams?|mg|ml|micrograms?|grams?|percent|percentage|"
        r"how often|how frequently|half[- ]?life|what(?: is|'s| are) the (?:dose|amount|quantity)|"
        r"what (?:dose|amount|quantity) (?:of|for|should|would|is|do|to)|what dose (?!the|it|this|that|ketamine)\w+|"
        + _QUANTITY_ADJ + r"(?:doses?|amounts?|quantity))\b"),
     _Q(r"\d|\b" + _NUMBER_WORD + r"\b"), "amounts or numbers"),
    (_Q(r"\b(how long|after how|how many (?:seconds|minutes|hours|days|weeks|months|years))\b"),
     _Q(r"\b(?:" + _NUMBER_WORD + r"|several|few|many) " + _UNITS + r"\b"), "durations"),
    (_Q(r"\b(how soon|how quickly|how fast)\b"),
     _Q(r"\b(?:" + _NUMBER_WORD + r"|several|few|many) " + _UNITS + r"\b|\b(?:rapid|rapidly|immediate|immediately|quickly|fast)\b"),
     "durations"),
    (_Q(r"\b(when (?:was|were|did)|what year|which year|in what year|who (?:discovered|invented|created|"
        r"developed|synthesi[sz]ed|first|made|found)|history of|first (?:used|synthesi[sz]ed|discovered|approved)|"
        r"approved|approval)\b"),
     _Q(r"\b(1[5-9]\d\d|20\d\d|century|decade|approved|approval|discovered|invented)\b"), "dates or history"),
    (_Q(r"\b(legal|illegal|legally|law|laws|controlled substance|schedule [ivx1-5]+|scheduled|penalty|penalties|"
        r"arrested|prescription[- ]only)\b"),
     _Q(r"\b(legal|illegal|law|laws|controlled substance|schedule [ivx1-5]+|scheduled|prescription)\b"), "legal status"),
    (_Q(r"\b(how (?:is|are) (?:it|ketamine|\w+) (?:given|taken|administered|used)|routes? of administration|"
        r"inject(?:ed|ion)?|intravenous|iv|infusion|nasal spray|snort(?:ed|ing)?|as a (?:pill|tablet)|orally|by mouth)\b"),
     _Q(r"\b(inject\w*|intravenous\w*|infusion|nasal|spray|snort\w*|pills?|tablets?|orally|oral|intramuscular)\b"),
     "how it is given"),
    (_Q(r"\b(price|cost|costs|how much does .* cost|expensive|cheap|insurance)\b"),
     _Q(r"\b(price|cost|dollars?|euros?|pounds?|\$|€|£)"), "prices"),
]


class Verdict(BaseModel):
    """Whether to answer, and why not when not."""

    kind: ReplyKind
    reason: str = ""
    features: dict[str, float | str | list[str]] = Field(default_factory=dict)


Embed = Callable[[list[str]], np.ndarray]


def everyday_frequency(word: str) -> float:
    """Zipf frequency of a word in everyday English, taking its most frequent inflection."""
    forms = {word}
    for suffix in ("s", "es", "ed", "d", "ing", "er", "est", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.add(word[: -len(suffix)])
    return max(zipf_frequency(f, "en") for f in forms)


@lru_cache(maxsize=1)
def _everyday_words() -> list[str]:
    return [w for w in top_n_list("en", 30000) if w.isalpha() and len(w) > 3]


class Answerability:
    """Rules over retrieval signals; thresholds were set on tests/data/answerability.yaml."""

    def __init__(self, vocabulary: Vocabulary, embed: Embed, vocabulary_vectors: np.ndarray, *,
                 min_topic: float = 0.30, min_answer: float = 0.35, rare_below: float = 4.0,
                 synonym_at: float = 0.45, everyday_at: float = 4.8, loose_synonym_at: float = 0.6,
                 ablation_gain: float = 0.06):
        self.vocabulary = vocabulary
        self.embed = embed
        self.vocabulary_vectors = vocabulary_vectors
        self.min_topic = min_topic
        self.min_answer = min_answer
        self.rare_below = rare_below
        self.synonym_at = synonym_at
        self.everyday_at = everyday_at
        self.loose_synonym_at = loose_synonym_at
        self.ablation_gain = ablation_gain
        n = vocabulary.n_texts
        # The material's subject: stems used in many passages ("ketamine", "brain", "glutamate").
        # Everyday words ("system", "use") are excluded: they do not make a question on-topic.
        self.subject = {s for s, (df, word) in vocabulary.document_frequency.items()
                        if df / n >= 0.25 and zipf_frequency(word, "en") < 5.2}

    def foreign_concepts(self, question: str, unknown: Sequence[str], evidence: Sequence[str]) -> list[str]:
        """Unknown words that name something the material never discusses.

        Everyday words ("faster", "people") are let through: they rarely carry the point of a
        question, and neither do variants of corpus words ("hallucinations" / "hallucinatory") or
        misspellings. What is left counts as foreign when it is rare and unlike any corpus word in
        meaning, or when it is only loosely like one and the question matches the best passages
        better without it (the passages do not speak to that word: "damage the bladder").
        """
        candidates = [w for w in unknown if len(w) >= 4 and everyday_frequency(w) < self.everyday_at
                      and not self._variant(w) and not self._typo(w)]
        if not candidates:
            return []
        similarity = (self.embed(candidates) @ self.vocabulary_vectors.T).max(axis=1)
        foreign = [w for w, sim in zip(candidates, similarity, strict=True)
                   if sim < self.synonym_at and everyday_frequency(w) < self.rare_below]
        loose = [w for w, sim in zip(candidates, similarity, strict=True)
                 if w not in foreign and sim < self.loose_synonym_at]
        if loose and evidence:
            variants = [question] + [re.sub(rf"\b{re.escape(w)}\b", " ", question) for w in loose]
            match = (self.embed(variants) @ self.embed(list(evidence)).T).max(axis=1)
            foreign += [w for w, m in zip(loose, match[1:], strict=True) if m - match[0] >= self.ablation_gain]
        return foreign

    def _typo(self, word: str) -> bool:
        """A non-word one edit or two away from an everyday word ("hapen", "peple")."""
        if len(word) < 4 or zipf_frequency(word, "en") >= 2.5:
            return False
        return process.extractOne(word, _everyday_words(), scorer=fuzz.ratio, score_cutoff=80) is not None

    def _variant(self, word: str) -> bool:
        root = word[:6]
        return len(word) >= 6 and any(root in v for v in self.vocabulary.words if len(v) >= 6)

    def judge(self, question: str, standalone: str, passages: Sequence[Passage],
              ranked: Sequence[ScoredSentence]) -> Verdict:
        """Classify a question given what retrieval found for it."""
        q = normalize(standalone)
        top = ranked[0] if ranked else None
        best_dense = max((p.dense for p in passages), default=0.0)
        best_sentence = top.dense if top else 0.0
        words_ = content_words(self.vocabulary.repair(q))
        known = [w for w in words_ if self.vocabulary.known(w)]
        unknown = [w for w in words_ if not self.vocabulary.known(w)]
        on_subject = [w for w in known if stem(w) in self.subject]
        features: dict[str, float | str | list[str]] = {
            "best_chunk": round(best_dense, 3), "best_sentence": round(best_sentence, 3),
            "known": known, "unknown": unknown, "subject": on_subject,
        }
        if not on_subject and max(best_dense, best_sentence) < self.min_topic:
            return Verdict(kind="out_of_scope", reason="not about the material", features=features)
        evidence = " ".join(s.sentence.text for s in ranked[:3]).lower()
        for asks, holds, lacking in ANSWER_TYPES:
            if asks.search(q) and not holds.search(evidence):
                return Verdict(kind="not_in_material", reason=f"it gives no {lacking}", features=features)
        foreign = self.foreign_concepts(q, unknown, [s.sentence.text for s in ranked[:3]])
        features["foreign"] = foreign
        if foreign:
            return Verdict(kind="not_in_material", reason=f"it never mentions {', '.join(foreign)}", features=features)
        if best_sentence < self.min_answer:
            return Verdict(kind="not_in_material", features=features)
        return Verdict(kind="answer", features=features)
