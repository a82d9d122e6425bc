"""Grading a learner's answer to a quiz item: correct / partly / incorrect, with feedback quoting the passage.

Choices (multiple choice, true/false) are matched to an option. Free text is graded on two signals:
the claim judge (`tutor.grounding.judge`) checks each sentence of the answer against the item's
passages — anything contradicted, or an antonym of a word the passage uses, makes the answer
incorrect whatever else it covers — and coverage measures how much of what the passage teaches the
answer says: the share of the key's ideas (clauses the question does not give away) that some
clause of the answer matches by sentence embedding, their mean similarity, and how many of the
key's new content words' worth the answer says. Wording does not matter, meaning does; a
contradicting answer is never marked correct.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from tutor.quiz import ANTONYMS, QuizItem
from tutor.text import content_stems, content_words, normalize, stem, words
from tutor.types import Citation

GradeLabel = Literal["correct", "partly", "incorrect"]
Judge = Callable[[str, list[str]], Any]
Embed = Callable[[list[str]], np.ndarray]

# Thresholds, chosen on the dev half of evals/datasets/learner_answers.yaml (docs/pedagogy.md).
IDEA_MATCH = 0.6  # cosine between a clause of the key and a clause of the answer that counts as saying it
CORRECT_AMOUNT = 0.35  # a correct answer says at least this share of the key's new content words (paraphrased)…
CORRECT_COVERAGE = 0.25  # …and covers this share of the key's ideas…
CORRECT_MEAN = 0.7  # …or matches all of them this closely on average
PARTLY_COVERAGE = 0.2  # partly: some idea covered…
PARTLY_MEAN = 0.5  # …or close on average
SUPPORTED_RELEVANT = 0.4  # a true (judge-supported) statement this close to the key earns partial credit
UNSUPPORTED_IDEAS = 0.5  # an answer the judge finds unsupported must cover this share of ideas for any credit
WORD_MATCH = 0.72  # cosine between a key word and an answer word that counts as saying it (feedback only)

# Clause boundaries: punctuation, sentence ends, and the connectives expository text chains ideas with.
_CLAUSE = re.compile(r"\s*(?:[,;:—–()]|[.!?](?=\s|$)|\b(?:which|where|meaning|and|leading to|while|whereas|so|that|"
                     r"because|by|such as|as well as)\b)\s*", re.I)

_GIVE_UP = re.compile(r"^\s*(?:i\s*(?:do ?n[o']?t|dunno)\s*know|idk|no idea|not sure|pass|skip|\?+|-+)\W*$", re.I)
_TRUE = {"true", "t", "yes", "y", "right", "correct", "it is true", "that is true", "true."}
_FALSE = {"false", "f", "no", "n", "wrong", "incorrect", "it is false", "that is false", "false."}
_NEGATOR = re.compile(r"\b(?:not|no|never|cannot|can't|doesn't|don't|isn't|aren't|won't|without|nothing|neither)\b|n't\b",
                      re.I)


class Grade(BaseModel):
    """The verdict on one answer, what it covered, and feedback that quotes the material."""

    label: GradeLabel
    score: float = Field(ge=0, le=1, description="1 correct, 0.5 partly, 0 incorrect (for mastery).")
    feedback: str
    citation: Citation | None = Field(default=None, description="The passage quoted in the feedback.")
    covered: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    judged: str = Field(default="", description="The judge's worst label over the answer's sentences.")
    reasons: list[str] = Field(default_factory=list)


def _quote(c: Citation) -> str:
    return f"“{c.text}” ({c.section})"


def _main_citation(item: QuizItem) -> Citation:
    return item.citations[-1] if item.kind != "short_answer" else next(
        (c for c in item.citations if c.text in item.answer), item.citations[-1])


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?;])\s+", text.strip())
    return [p for p in parts if len(words(p)) >= 2] or [text.strip()]


class Grader:
    """Grades answers with the claim judge and word vectors (both passed in, so the Tutor's model is shared)."""

    def __init__(self, judge: Judge, embed: Embed):
        self.judge = judge
        self.embed = embed

    def grade(self, item: QuizItem, answer: str) -> Grade:
        """Grade one answer to `item`."""
        answer = (answer or "").strip()
        cite = _main_citation(item)
        if not answer or _GIVE_UP.match(answer):
            return Grade(label="incorrect", score=0.0, citation=cite, missing=item.key_points,
                         feedback=f"No answer yet — here is what the material says: {_quote(cite)}",
                         reasons=["no attempt"])
        if item.kind == "true_false":
            return self._grade_choice(item, _true_false(answer), cite)
        if item.kind == "multiple_choice":
            return self._grade_choice(item, _option(answer, item.options), cite)
        return self.grade_text(item, answer)

    def _grade_choice(self, item: QuizItem, chosen: str | None, cite: Citation) -> Grade:
        if chosen is None:
            options = " / ".join(item.options)
            return Grade(label="incorrect", score=0.0, citation=cite, reasons=["no option recognised"],
                         feedback=f"I couldn’t tell which option you meant ({options}). The answer is "
                                  f"{item.answer}: {_quote(cite)}")
        if chosen == item.answer:
            why = "the material says" if item.answer != "False" else "the material actually says"
            return Grade(label="correct", score=1.0, citation=cite, feedback=f"Correct — {why}: {_quote(cite)}")
        why = "the statement changes what the material says:" if item.answer == "False" else "the material says:"
        return Grade(label="incorrect", score=0.0, citation=cite,
                     feedback=f"Not quite — the answer is {item.answer}; {why} {_quote(cite)}")

    def grade_text(self, item: QuizItem, answer: str) -> Grade:
        """Grade a free-text answer against the item's passages and key points."""
        passages = [c.text for c in item.citations]
        cite = _main_citation(item)
        reasons: list[str] = []
        verdicts = [self.judge(s, passages) for s in _sentences(answer)]
        labels = [v.label for v in verdicts]
        worst = "contradicted" if "contradicted" in labels else ("unsupported" if "unsupported" in labels else "supported")
        clash = _antonym_clash(answer, " ".join(passages))
        if clash:
            reasons.append(f"antonym: answer says “{clash[0]}”, the material says “{clash[1]}”")
        covered, missing = self._coverage(item.key_points, answer)
        ideas, mean = self._idea_coverage(item, answer)
        asked = set(content_stems(item.question))
        key_stems = set(content_stems(item.answer)) - asked
        answer_stems = set(content_stems(answer)) - asked
        reasons.append(f"judge {worst}; ideas covered {ideas:.2f} (mean similarity {mean:.2f}); amount "
                       f"{len(answer_stems)}/{len(key_stems)}; key words {len(covered)}/{len(item.key_points)}")
        if worst == "contradicted" or clash:
            return Grade(label="incorrect", score=0.0, citation=cite, covered=covered, missing=missing, judged=worst,
                         reasons=reasons, feedback=f"Not quite — that goes against the material, which says: "
                                                   f"{_quote(cite)}")
        # An answer the judge cannot find in the material needs to match it closely to earn credit.
        grounded = worst == "supported" or ideas >= UNSUPPORTED_IDEAS
        said = len(answer_stems) / len(key_stems) if key_stems else 0.0
        if said >= CORRECT_AMOUNT and (ideas >= CORRECT_COVERAGE or mean >= CORRECT_MEAN) and grounded:
            return Grade(label="correct", score=1.0, citation=cite, covered=covered, missing=missing, judged=worst,
                         reasons=reasons, feedback=f"Correct — the material says: {_quote(cite)}")
        if (ideas >= PARTLY_COVERAGE or mean >= PARTLY_MEAN) and grounded or \
                (worst == "supported" and mean >= SUPPORTED_RELEVANT):
            also = f" It also mentions {', '.join(missing)}." if missing else ""
            return Grade(label="partly", score=0.5, citation=cite, covered=covered, missing=missing, judged=worst,
                         reasons=reasons, feedback=f"Partly right.{also} The material says: {_quote(cite)}")
        return Grade(label="incorrect", score=0.0, citation=cite, covered=covered, missing=missing, judged=worst,
                     reasons=reasons, feedback=f"Not quite — the material says: {_quote(cite)}")

    def _idea_coverage(self, item: QuizItem, answer: str) -> tuple[float, float]:
        """Share of the key's ideas (clauses the question does not give away) that some part of the answer says."""
        key_ideas = ideas(item.answer, item.question)
        if not key_ideas:
            return 0.0, 0.0
        parts = [p for p in _CLAUSE.split(answer) if content_stems(p)] + [answer]
        best = (_unit(self.embed(key_ideas)) @ _unit(self.embed(parts)).T).max(axis=1)
        return float(np.mean(best >= IDEA_MATCH)), float(np.mean(best))

    def _coverage(self, points: Sequence[str], answer: str) -> tuple[list[str], list[str]]:
        said = [w for w in content_words(answer) if len(w) > 2]
        stems = {stem(w) for w in said}
        covered, missing, pending = [], [], []
        for p in points:
            ps = stem(p)
            if ps in stems or any(len(ps) >= 5 and s.startswith(ps[:5]) for s in stems):
                covered.append(p)
            else:
                pending.append(p)
        if pending and said:
            vp = _unit(self.embed(list(pending)))
            va = _unit(self.embed(list(dict.fromkeys(said))))
            best = (vp @ va.T).max(axis=1)
            for p, b in zip(pending, best):
                (covered if b >= WORD_MATCH else missing).append(p)
        else:
            missing.extend(pending)
        return covered, missing

    def _similarity(self, answer: str, key: str) -> float:
        v = _unit(self.embed([answer, key]))
        return float(v[0] @ v[1])


def ideas(key: str, question: str) -> list[str]:
    """The clauses of a key that carry something the question does not already say."""
    asked = set(content_stems(question))
    out = []
    for part in _CLAUSE.split(key):
        st = set(content_stems(part))
        if st and st - asked:
            out.append(part.strip())
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _antonym_clash(answer: str, passage: str) -> tuple[str, str] | None:
    """A word of the answer whose antonym the passage uses while the passage never uses the word itself."""
    source = {stem(w) for w in words(passage)}
    negated = bool(_NEGATOR.search(answer))
    for w in words(answer):
        opposite = ANTONYMS.get(w)
        if opposite and stem(opposite) in source and stem(w) not in source and not negated:
            return w, opposite
    return None


def _true_false(answer: str) -> str | None:
    text = normalize(answer).strip(" .!")
    first = text.split(" ", 1)[0].strip(",.!") if text else ""
    if text in _TRUE or first in ("true", "yes"):
        return "True"
    if text in _FALSE or first in ("false", "no"):
        return "False"
    return None


def _option(answer: str, options: Sequence[str]) -> str | None:
    """The option an answer picks: its letter (a–d), its number, or its text."""
    text = normalize(answer).strip(" .!)")
    letters = "abcdefgh"
    m = re.fullmatch(r"(?:option\s+)?\(?([a-h])\)?", text)
    if m and letters.index(m.group(1)) < len(options):
        return options[letters.index(m.group(1))]
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    exact = [o for o in options if normalize(o) == text]
    if exact:
        return exact[0]
    inside = [o for o in options if normalize(o) in text]
    return inside[0] if len(inside) == 1 else None
