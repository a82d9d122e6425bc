"""Grading a learner's answer to a quiz item: correct / partly / incorrect, with feedback quoting the passage.

Choices (multiple choice, true/false) are matched to an option. Free text is compared with the known key
and its passage, which is easier than judging an open claim:

1. Reversal first. An answer is incorrect when it reverses an idea of the key: the claim judge
   (`tutor.grounding.judge`) calls a sentence contradicted and the reversal is real — the opposite word is
   not negated in the answer ("no longer combines" for "fragmented"), the answer has no synonym of the
   source's word beside it ("fixes damaged pathways" for "repair"), and a swapped entity sits in a clause
   that is contradicted on its own; or the answer denies any change the key states ("stays the same"),
   speaks (in any clause) only of benefit where the key speaks only of harm, or names another
   region, chemical… in the place of the passages' one ("managed by the cerebellum"), or gives a drug another time
   frame or speed than the passages give it ("SSRIs act within hours", "SSRIs work rapidly"), or follows a passage
   sentence but puts a known contrast of one of its words in that word's slot ("at lower doses", "new long-term
   memories", "helps break down"), or compares the subject to an image the material uses elsewhere ("a roadblock" for
   BDNF); a judged opposite of the learner's own word that no excuse proves a rewording is one too (round 12). A judged
   contradiction that is excused without proof of a rewording (proof is a denial of what the source denies or says
   is disrupted or failing, an event named in a clause of time, a word of the source's benefit or harm beside the
   opposite, two negations, or a clause its closest passage sentence supports, one without the source's word: the
   judge paired words of two statements) is a doubt; so is an answer giving "both" sides of a contrast one side's
   property (or carrying it over: "that effect even stronger"), or another relative clause to a named thing than the
   passages give it. Until round 17 a doubt kept the answer at most partly right; since then it is incorrect like a
   reversal: on the thirteen read sets no answer with a doubt was labelled partly, and 18 contradicting or wrong ones
   got partial credit from the coverage of the rest of the answer.
   Round 13 proves three more judged contradictions rewordings: a restated contrast whose sides each keep to one side
   of a passage's contrast, "just" read as "only", and a double negation ("hardly anything … without it"); a denied
   belonging ("don't feel like yours") is the detachment a key names; a word of breaking beside a judged opposite of
   "fragmented" ("integration … is broken up") says it. A negative prefix in a word's slot ("inability" for "ability")
   is a known contrast, and an effect kept to one place ("stays local", "nowhere else") where the passages say it
   spreads through the system is a reversal. Round 17: a claim pairing two named things otherwise than the passages
   do ("SSRIs act on glutamate") is a reversal too, on either side of a contrast.
2. Coverage. The key is split into ideas (clauses the question does not give away); each idea scores how
   well the answer says it: its best sentence-embedding cosine to a clause of the answer (both read without the
   question's words, round 16: naming the asked thing says no idea of it), the share of its new
   words the answer says (same stem or prefix, or a word within WORD_MATCH by embedding), how nearly it says them
   (each new word's best cosine to an answer word, scaled from SAY_FROM to WORD_MATCH, averaged), or the judge's support
   for the idea read against the answer. The mean is over the ideas asked for: clauses that lead up, in their
   sentence, to the key's clause closest to the question set the scene (not for "why" and "how" questions).
3. Backing. Each clause of the answer is backed by the judge's support score or its closest cosine to a passage
   clause (or to the question, which a clause may restate); below
   ACCOUNTED_FLOOR for its least-backed clause an answer adds something of its own (a cause, a time, a place, an
   entity) and is at most partly right, however well it
   covers the key. A clause some sentence of the
   whole material supports, none of its closest contradicts, and that pairs nothing otherwise, is true detail from
   elsewhere (round 11b): left out of backing, never counted towards the key.
4. Label. Two linear boundaries, fitted on all labelled development answers, separate correct, partly and incorrect:
   partly over the mean and best idea score, the judge's verdict (every sentence supported or not; its lowest score
   until round 17) and the least-backed clause (the share of the answer's
   words that neither passage nor question uses is reported, not weighed, since round 16); correct over the mean idea
   score and length, never earned by length alone.

Deterministic and offline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field
from wordfreq import zipf_frequency

from tutor.grounding import ENTITIES, TIME_UNITS, antonym_poles, canonical, valence_of_poles
from tutor.quiz import ANTONYMS, QuizItem
from tutor.text import STOPWORDS, content_stems, content_words, normalize, stem, words
from tutor.types import Citation

GradeLabel = Literal["correct", "partly", "incorrect"]
Judge = Callable[[str, list[str]], Any]
Embed = Callable[[list[str]], np.ndarray]

# Calibrated on evals/datasets/learner_answers.yaml and learner_answers_fresh{,2,3,4,5,6,7,8,9,10,11,12,13}.yaml
# (`tutor quiz-eval` reports leave-one-question-out and leave-one-set-out accuracy).
# An idea's embedding match counts from cosine SAY_FROM (unrelated text on the same topic) to SAY_AT (said).
SAY_FROM, SAY_AT = 0.4, 0.7
# Two linear boundaries over (mean idea score, best idea score, the judge's verdict — its lowest sentence score until
# round 17 —, share of the answer's words foreign to passage and question, least-backed clause, length, 1): at or
# above zero the answer is at least partly right / correct. Logistic regression on all labelled development answers (C=1,
# evals.pedagogy.fit_boundaries), rounded. "Correct" weighs only how much of the key is said (mean idea score and
# length), both upwards: a judge score there weighed against it (a verbatim fragment is well supported), which made
# unsupported answers easier to credit; length took its place.
# Round 16: the foreign share is left out of the partly boundary (fitted, its weight was positive: contradictions reuse
# the passages' words, so wrong answers got partial credit for their outside words), and the correct boundary is fitted
# through coverage 0.05 at full length (evals.pedagogy.LENGTH_ALONE_COVERAGE), so length alone never earns it.
PARTLY_WEIGHTS = (2.3, 3.1, 1.4, 0.0, 1.7, 0.0, -2.0)  # refit in round 17 (the judge's verdict; doubts left out)
CORRECT_WEIGHTS = (5.3, 0.0, 0.0, 0.0, 0.0, 6.0, -6.2)
# Length is the answer's content words the question does not use, up to LENGTH_CAP, as a share of it: a fragment of
# three words cannot say a key of several ideas however close its words are to one of them ("There's a surge of
# glutamate"), and at the cap length alone never earns "correct" (its weight stays below the intercept).
LENGTH_CAP = 8
# Round 15 removed the floor partial credit needed besides its boundary (one idea scored >= 0.2): the best idea score is
# weighed by the boundary already, and without the floor leave-one-set-out gains on five writers and loses on none
# ("Dream-like." for "often described as dream-like or can involve hallucinatory experiences" is partly right).
# "Correct" also needs every clause of the answer backed at least this well (judge score or closest cosine to a
# passage clause): an answer that adds its own cause, time, place or entity to a faithful core is at most partly
# right. Chosen by leave-one-set-out accuracy and contradicting answers credited (docs/pedagogy.md).
ACCOUNTED_FLOOR = 0.2
WORD_MATCH = 0.72  # cosine between a key word and an answer word that counts as saying it
# Cosine of an answer clause to a key idea at which a judged contradiction of a word the idea itself uses is read as
# a rewording (when the source's word is not in that idea and nothing in the clause negates or reverses it).
REWORDED = 0.6
# Cosine of an answer clause (with a word of the idea's own and an intensifier) to a key idea that says its process is
# disrupted, at which the clause says more of that process.
SAYS_MORE = 0.5
# Material sentences (closest by MiniLM cosine) a clause the passages do not back is judged against: one supporting
# it and none contradicting it makes it true detail from elsewhere (round 11b).
ELSEWHERE_NEAREST = 3
SYNONYM = 0.6  # cosine at which an answer word says the source's word a judged antonym stands against

# Clause boundaries: punctuation, sentence ends, and the connectives expository text chains ideas with.
_CLAUSE = re.compile(r"\s*(?:[,;:—–()]|[.!?](?=\s|$)|\b(?:which|where|meaning|and|leading to|while|whereas|so|that|"
                     r"because|by|such as|as well as)\b)\s*", re.I)

# Ideas of a key: the same boundaries except "by" and "that", which join a clause to its own complement.
_IDEA = re.compile(r"\s*(?:[,;:—–()]|[.!?](?=\s|$)|\b(?:which|where|meaning|and|leading to|while|whereas|so|because|"
                   r"such as|as well as)\b)\s*", re.I)

_GIVE_UP = re.compile(r"^\s*(?:i\s*(?:do ?n[o']?t|dunno)\s*know|idk|no idea|not sure|pass|skip|\?+|-+)\W*$", re.I)
_TRUE = {"true", "t", "yes", "y", "right", "correct", "it is true", "that is true", "true."}
_FALSE = {"false", "f", "no", "n", "wrong", "incorrect", "it is false", "that is false", "false."}
_JUDGE_OPPOSITE = re.compile(r"(antonym|negation): claim says “(not )?(.+?)”, source says “(.+?)”")
_JUDGE_SWAP = re.compile(r"swapped entity: claim names (\S+), source names (\S+)")
# Judged contradictions that name the answer's word (and the source's, when there is one): they can be placed.
_JUDGE_WORD = re.compile(r"(?:antonym: claim says “(?P<a>.+?)”, source says “(?P<b>.+?)”|replaces what the source says: "
                         r"“(?P<c>.+?)” rather than “(?P<d>.+?)”|another subject for “(?P<e>.+?)” than the source gives)")
_NO_CHANGE = re.compile(r"\b(?:stays?|staying|remains?|remaining|keeps?)\s+(?:\w+\s+){0,2}(?:the\s+)?same\b|"
                        r"\b(?:stays?|staying|remains?|remaining)\s+(?:\w+\s+)?(?:normal|intact|unchanged|fine)\b|"
                        r"\b(?:little|nothing|not much)\s+to do with\b|"
                        r"\b(?:unchanged|unaffected|unaltered)\b|\b(?:no|nothing|not any|without any)\s+(?:\w+\s+)?"
                        r"(?:effect|effects|change|changes|impact|difference|damage)\b|\bnothing\s+(?:else\s+)?"
                        r"(?:changes|happens|changes elsewhere)\b|\bchanges nothing\b|(?:\bnot|n['’]t)\s+(?:be\s+|get\s+)?"
                        r"(?:\w+\s+)?(?:affected|altered|changed|impacted|harmed|damaged|impaired)\b")
# Words of benefit and harm (stem prefixes): a key that only harms and an answer that only helps disagree.
_BENEFIT = re.compile(r"(?:improv|enhanc|boost|benefi|heal|strength|sharpen|better|protect|help|repair|fix|mend|patch|nourish|"
                      r"promot|encourag|reliev|restor)\w*|easier|sharper")
_HARM = re.compile(r"(?:impair|impact|harm|damag|hurt|problem|compromis|wors|destr|kill|troubl|injur|weaken|toxic)\w*|"
                   r"los[est]|losing|die[sd]?|dying|death|mess(?:ed|es|ing)?|harder|difficult\w*")
# Contractions learners type without the apostrophe ("cant activate"): restored before the judge reads the answer.
_BARE_CONTRACTION = re.compile(r"\b(can|don|doesn|didn|won|isn|aren|wasn|weren|couldn|shouldn|wouldn|haven|hasn|hadn)t\b",
                               re.I)
# Named things by kind (chemicals, regions, drugs…), from the judge's lexicon, with their plural forms.
_ENTITY_NAMES = sorted({(form, kind) for kind, names in ENTITIES.items() for name in names.split()
                        for form in (name.replace("_", " "), name.replace("_", " ") + "s")})
_NAME_SET = set(_ENTITY_NAMES)
# Kinds of named things specific enough that naming one the passages and question do not name adds a claim of the
# answer's own ("made by the liver"); people, drugs and conditions are talked about in many ways.
_SPECIFIC = {"chemical", "receptor", "region", "factor", "organ", "cell"}
CLAIM_WORDS = 2  # a clause with fewer content words is a fragment of the one before it
# Words that hedge or fill rather than claim.
_HEDGE = re.compile(r"\b(?:i\s+(?:think|believe|guess|reckon|suppose|remember)|i'?m\s+(?:fairly\s+|pretty\s+|quite\s+)?"
                    r"sure|as\s+far\s+as\s+i\s+(?:understand|know|remember|can\s+tell)|if\s+i\s+(?:remember|recall)"
                    r"(?:\s+(?:right|rightly|correctly))?|i'?d\s+say|basically|probably|maybe|kind\s+of|sort\s+of|"
                    r"um+|hmm+|uh+|well|so\s+yeah)\b", re.I)
# Examples of a kind are not rivals of it ("neurotrophic factors, like BDNF").
_EXAMPLE = re.compile(r"\b(?:like|such as|e\.?g\.?|including|for example|for instance)\s+((?:\S+\s*){1,3})", re.I)
_PREVENT = re.compile(r"\b(?:prevent|stop|block|keep|inhibit|suppress)\w*", re.I)
# A clause that restricts ("only shows up after …", "never changes") or prevents ("which ketamine blocks") makes a claim
# of its own: below the backing floor it keeps the answer from "correct" (round 14); other weakly backed clauses are
# the learner's images and rewordings ("the jam spreads out", "are slow to kick in").
_STRONG_CLAIM = re.compile(r"\b(?:only|solely|exclusively|always|never|no longer)\b|" + _PREVENT.pattern, re.I)
_CONTRAST = re.compile(r"\b(?:whereas|while|but|unlike|however|instead|rather|although|though|versus|vs|than)\b", re.I)
# Words that say a process is disrupted.
_DISRUPT = re.compile(r"(?:fragment|disrupt|interrupt|impair|block|prevent|inhibit|suppress|hinder|weaken)\w*", re.I)
_APART = re.compile(r"(?:detach|disconnect|separat|apart|distort|piece)\w*", re.I)  # words of things coming apart
_WITHOUT = re.compile(r"\bwithout\s+", re.I)
# Words of breaking apart a learner puts where the material says "fragmented" ("broken up", "breaks up", "shatters").
_BREAKING = re.compile(r"(?:brok|break|split|shatter|crumbl|splinter)\w*", re.I)
# Words that say a faculty fails ("problems with recalling", "difficulty storing"): a denial of the faculty ("can't
# recall", "not being able to remember") says the same.
_FAILURE = re.compile(r"(?:problem|difficult|troubl|unabl|inabilit|struggl)\w*", re.I)
# Words that say a thing belongs to or is inside someone ("feel like yours", "belong to you", "in your body"): denied,
# they say the detachment a key names with words of coming apart.
_BELONGING = re.compile(r"\b(?:yours|belong\w*|(?:your|their|my) own|(?:in|inside|part of) (?:your|their|my) \w+)\b",
                        re.I)
# The judge's reason for a restated contrast whose sides it reads as mixed.
_MIXED_SIDES = "the two sides of a contrast are mixed up"
# Where a sentence sets two sides against each other ("While A, B", "A, whereas B", "A than B").
_SIDE_SPLIT = re.compile(r"\b(?:whereas|while|but|unlike|than|rather than|in contrast to|instead of|versus|vs)\b|[;]",
                         re.I)
# A contrast the material draws between two things, and an answer that says what holds for "both" of them (not "both
# X and Y", which lists).
_SOURCE_CONTRAST = re.compile(r"\b(?:contrast\w*|whereas|unlike|while|rather than|in contrast to)\b", re.I)
_BOTH = re.compile(r"\b(?:both|neither)\b(?!(?:\W+\w+){0,4}?\W+(?:and|nor)\b)", re.I)
# Words that carry what one side of a contrast has over to the other ("… and chronic overuse makes that effect even
# stronger", "does the same").
_CARRIED = re.compile(r"\b(?:the same|that effect|this effect|those effects|these effects|likewise|similarly|equally|"
                      r"even (?:more|stronger|greater|bigger|better))\b", re.I)
# Questions that ask for a cause or a means ("how much" too: "which … and how much …" asks two things).
_CAUSAL_ASK = re.compile(r"\b(?:why|how)\b", re.I)
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

    def __init__(self, judge: Judge, embed: Embed, material: Sequence[str] = ()):
        self.judge = judge
        self.embed = embed
        # Every sentence of the material (the Tutor's chunks): a clause the item's passages do not back but another
        # part of the material supports is true detail, neutral to the grade (round 11b).
        self.material = list(dict.fromkeys(s.strip() for s in material if s and s.strip()))
        self._material_vectors: np.ndarray | None = None

    def grade(self, item: QuizItem, answer: str) -> Grade:
        """Grade one answer to `item`."""
        return self.grade_with_evidence(item, answer)[0]

    def grade_with_evidence(self, item: QuizItem, answer: str) -> tuple[Grade, Evidence | None]:
        """Grade one answer, with the evidence a free-text grade rests on (None for choices and no attempt)."""
        answer = (answer or "").strip()
        cite = _main_citation(item)
        if not answer or _GIVE_UP.match(answer):
            return Grade(label="incorrect", score=0.0, citation=cite, missing=item.key_points,
                         feedback=f"No answer yet — here is what the material says: {_quote(cite)}",
                         reasons=["no attempt"]), None
        if item.kind == "true_false":
            return self._grade_choice(item, _true_false(answer), cite), None
        if item.kind == "multiple_choice":
            return self._grade_choice(item, _option(answer, item.options), cite), None
        return self.grade_text_with_evidence(item, answer)

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
        return self.grade_text_with_evidence(item, answer)[0]

    def grade_text_with_evidence(self, item: QuizItem, answer: str) -> tuple[Grade, Evidence]:
        """The grade of a free-text answer and the evidence it rests on (for calibration)."""
        cite = _main_citation(item)
        ev = self.evidence(item, answer)
        covered, missing = self._coverage(item.key_points, answer)
        reasons = [f"judge {ev.judged}; ideas {' '.join(f'{s:.2f}' for s in ev.scores)} (coverage {ev.coverage:.2f}, "
                   f"best {ev.best:.2f}); judge score {ev.judge_score:.2f}, foreign {ev.foreign:.2f}, "
                   f"least-backed clause {ev.accounted:.2f}, {ev.words} words"]
        if ev.reversal or ev.doubt:
            reasons.insert(0, ev.reversal or ev.doubt)
        elif ev.accounted < ACCOUNTED_FLOOR:
            reasons.insert(0, f"a clause the passages do not back: “{ev.unbacked}” ({ev.accounted:.2f} < "
                              f"{ACCOUNTED_FLOOR})")
        label = decide(ev)
        if label == "incorrect" and (ev.reversal or ev.doubt):
            feedback = f"Not quite — that goes against the material, which says: {_quote(cite)}"
        elif label == "correct":
            feedback = f"Correct — the material says: {_quote(cite)}"
        elif label == "partly":
            also = f" It also mentions {', '.join(missing)}." if missing else ""
            feedback = f"Partly right.{also} The material says: {_quote(cite)}"
        else:
            feedback = f"Not quite — the material says: {_quote(cite)}"
        return Grade(label=label, score={"correct": 1.0, "partly": 0.5, "incorrect": 0.0}[label], feedback=feedback,
                     citation=cite, covered=covered, missing=missing, judged=ev.judged, reasons=reasons), ev

    def evidence(self, item: QuizItem, answer: str) -> Evidence:
        """How well the answer says each idea of the key, and whether it reverses one."""
        passages = [c.text for c in item.citations]
        answer = _BARE_CONTRACTION.sub(lambda m: m.group(1) + "'t", answer)
        key_ideas = ideas(item.answer, item.question) or [item.answer]
        asked = set(content_stems(item.question))
        context = self._context(item.answer, item.question)
        parts = list(dict.fromkeys([p.strip() for p in _CLAUSE.split(answer) if content_stems(p)]
                                   + _sentences(answer) + [answer]))
        # The question's words are left out on both sides (round 16): an answer that names the asked thing and says
        # something else of it ("Glutamate is a type of white blood cell.") matched "The most abundant of these is
        # glutamate" at 0.69 on the shared name alone.
        sims = _unit(self.embed([without_asked(i, asked) for i in key_ideas])) @ \
            _unit(self.embed([without_asked(p, asked) for p in parts])).T
        said = self._said_stems(answer, item.answer, asked)
        near = self._near_words(key_ideas, answer, asked)
        scores = []
        for idea, row, by_word in zip(key_ideas, sims, near):
            need = set(content_stems(idea)) - asked
            lexical = len(need & said) / len(need) if need else 0.0
            said_by_meaning = float(np.clip((row.max() - SAY_FROM) / (SAY_AT - SAY_FROM), 0.0, 1.0))
            # The judge reading the idea against the answer knows synonyms a single cosine misses.
            entailed = self.judge(idea, [answer])
            scores.append(max(said_by_meaning, lexical, by_word,
                              float(entailed.score) if entailed.label == "supported" else 0.0))
        verdicts = [(s, self.judge(s, passages)) for s in _sentences(answer)]
        labels = [v.label for _, v in verdicts]
        judged = "contradicted" if "contradicted" in labels else ("unsupported" if "unsupported" in labels
                                                                   else "supported")
        reversal = doubt = None
        for sentence, v in verdicts:
            if v.label == "contradicted":
                reason = v.reasons[0] if v.reasons else ""
                reversal, proven = self._aligned(reason, sentence, item, passages)
                if not reversal and not proven:
                    reversal = _known_contrast(reason, sentence, passages, item.question)
                if reversal:
                    break
                if not proven:
                    doubt = doubt or f"judge: {reason} (not shown to be a rewording)"
        if not doubt:
            doubt = self._other_attribute(answer, passages) or self._other_frame(answer, passages, item.question)
        if not doubt and _SOURCE_CONTRAST.search(" ".join(passages)) and (_BOTH.search(answer)
                                                                           or _CARRIED.search(answer)):
            doubt = "the material sets two things against each other; the answer gives them one thing in common"
        accounted, unbacked = self._accounted(answer, passages, item.question)
        reversal = reversal or _substituted(answer, passages, item.question) \
            or self._other_image(answer, passages, item.question) \
            or _replaced_entity(answer, passages, item.question) or _swapped_time(answer, passages) \
            or _denied_change(answer, item.answer) or _narrowed_scope(answer, passages) \
            or _valence_reversal(answer, item.answer) or _swapped_pair(answer, passages)
        said_here = set(content_stems(answer))
        local = set(content_stems(" ".join(passages))) | asked
        foreign = len(said_here - local) / len(said_here) if said_here else 0.0
        return Evidence(ideas=key_ideas, scores=scores, judged=judged, reversal=reversal, doubt=doubt,
                        asked=[idea not in context for idea in key_ideas],
                        supported=judged == "supported", judge_score=min(float(v.score) for _, v in verdicts),
                        foreign=foreign, accounted=accounted, unbacked=unbacked, words=len(said_here - asked))

    def _context(self, key: str, question: str) -> set[str]:
        """The key's clauses that lead up, in their sentence, to the clause closest to the question: given context.

        The question restates a clause of the key; what the sentence says before that clause sets the scene ("Glutamate
        interacts with receptors on neurons, and a primary one is the NMDA receptor" before "which is involved in
        regulating learning…" for "The NMDA receptor regulates which things?") and is not what is asked. The closest
        clause itself and what follows it stay: they hold the answer (round 7 found that requiring the closest clause
        alone misses it). Not for "why" and "how": a cause or means comes before the effect it explains ("By
        suppressing these cells, ketamine can paradoxically increase…"), so there what leads up is the answer.
        """
        if _CAUSAL_ASK.search(question):
            return set()
        per = [[p.strip() for p in _IDEA.split(s) if content_stems(p)] for s in _sentences(key)]
        flat = [(i, j, piece) for i, pieces in enumerate(per) for j, piece in enumerate(pieces)]
        if len(flat) < 2:
            return set()
        sims = _unit(self.embed([piece for _, _, piece in flat])) @ _unit(self.embed([question]))[0]
        at_sentence, at_clause, _ = flat[int(sims.argmax())]
        return {piece for i, j, piece in flat if i == at_sentence and j < at_clause}

    def _other_attribute(self, answer: str, passages: list[str]) -> str | None:
        """A relative clause the answer attaches to a named thing where the passages attach another to it, sharing no
        word with it and not close in meaning ("the prefrontal cortex, which is mainly responsible for processing
        vision" where it "is involved in mood regulation")."""
        theirs = _attributes(" ".join(passages))
        for name, said in _attributes(answer).items():
            source = theirs.get(name)
            if not source:
                continue
            shared = (set(content_stems(said)) & set(content_stems(source))) - _GENERIC_ROLE
            if not shared and float((_unit(self.embed([said])) @ _unit(self.embed([source])).T)[0, 0]) < SAYS_MORE:
                return f"says something else of {name} than the material: “{said}”"
        return None

    def _other_frame(self, answer: str, passages: list[str], question: str) -> str | None:
        """The answer keeps a phrase of the passages ("used in …", "managed by …") but puts a thing of its own after
        it, one that neither passages nor question mention and that is below cosine 0.5 to the passages' thing ("also
        used in dentistry" where the passages say "used in veterinary medicine")."""
        local = set(content_stems(" ".join(passages))) | set(content_stems(question))
        theirs = _frames(" ".join(passages))
        for verb, prep, thing in _frames(answer):
            if set(content_stems(thing)) & local or thing.endswith("ing"):
                continue
            others = [t for v, p, t in theirs if v == verb and p == prep and t != thing]
            if others and float((_unit(self.embed([thing])) @ _unit(self.embed(others)).T).max()) < SAYS_MORE:
                return f"puts “{thing}” where the material says “{others[0]}”"
        return None

    def _other_image(self, answer: str, passages: list[str], question: str) -> str | None:
        """An image the material uses elsewhere put where the passages use another ("The article compares it to a
        roadblock" where they say BDNF "functions like a fertilizer"): a thing of the same type, taken from the
        material's own vocabulary, in the passages' one's place (round 12)."""
        theirs = _images(" ".join(passages))
        if not theirs or not self.material:
            return None
        elsewhere = set(_images(" ".join(self.material))) - set(theirs) - set(content_stems(question))
        for image, word in _images(answer).items():
            if image in elsewhere:
                return f"compares it to the material's “{word}” where the passages use “{sorted(theirs.values())[0]}”"
        return None

    def _accounted(self, answer: str, passages: list[str], question: str) -> tuple[float, str]:
        """How well the answer's least-backed clause is backed by the passages, and that clause.

        Each clause of two words or more counts by the judge's support score or its closest cosine to a clause of
        the passages, whichever is higher. An answer that adds its own cause, time or entity to a faithful core
        ("…, which comes from ketamine flooding the brain with serotonin") has one clause nothing vouches for; a
        clause that names a rival of an entity the passages name (another chemical, region or drug), or a specific
        thing (a chemical, receptor, region, factor, organ, cell) that neither passages nor question name, backs
        nothing unless it is an example or sits in a contrast. A clause backed above 0 but below ACCOUNTED_FLOOR counts
        at the floor unless it restricts or prevents (_STRONG_CLAIM) or the answer holds the opposite pole of a passage
        word (_opposes_a_pole): "the jam spreads out" is the learner's image, "only shows up after the drug has worn
        off" a claim, and "the block is permanent, like a dam across a river" no faithful image (round 14). (Judged on its own, out of its sentence, a
        clause's contradictions are too noisy to use.)
        """
        clauses = _claims(answer)
        source = [c.strip() for p in passages for c in _IDEA.split(p) if content_stems(c)] + list(passages)
        # A clause that restates the question ("Each time you use" for "Why can repeated use damage neurons?") adds
        # nothing of the answer's own.
        asked = [c.strip() for c in _IDEA.split(question) if content_stems(c)] + [question]
        if not clauses or not source:
            return 1.0, ""
        sims = (_unit(self.embed(clauses)) @ _unit(self.embed(source + asked)).T).max(axis=1)
        named = _entities(" ".join(passages))
        names = {e for e, _ in named | _entities(question)}
        given = {e for e, _ in _ENTITY_NAMES if any(e in n or n in e for n in names)}  # "frontal cortex", "prefrontal"
        contrast = {c for sentence in _sentences(answer) if _CONTRAST.search(sentence)
                    for c in clauses if c in sentence}
        # Examples are read from the whole answer: the clause split cuts "such as" off the example it introduces.
        examples = {e for e, _ in _entities(" ".join(m.group(1) for m in _EXAMPLE.finditer(answer)))}
        worst, unbacked, detail = 1.0, "", 0
        # An answer that says the opposite pole of a passage word anywhere ("the block is permanent") gets no benefit of
        # the doubt for its images ("like a dam across a river"): they may be what carries the reversal.
        reverses_a_pole = _opposes_a_pole(answer, passages)
        raw, raw_unbacked = 1.0, ""  # counting true detail too: for an answer made of nothing else
        for clause, sim in zip(clauses, sims):
            rivals = {(e, kind) for e, kind in _entities(clause) if e not in given and e not in examples
                      and (kind in _SPECIFIC or any(k == kind and r not in normalize(clause) for r, k in named))}
            # A contrast may set a rival beside the passages' thing ("unlike SSRIs, which act on serotonin"), but a pair
            # the passages make otherwise is wrong on either side of one ("…, while SSRIs act on glutamate").
            if (rivals and clause not in contrast) or _mispaired(clause, passages):
                value = 0.0
            else:
                # Round 15 removed "a clause saying something comes apart is backed where a passage says fragmented": the
                # floor for weakly backed images below subsumes it (no answer of the twelve sets changed without it).
                value = max(float(self.judge(clause, passages).score), float(sim))
            if value < raw:
                raw, raw_unbacked = value, clause
            # A pair the passages make otherwise is never excused: the judge, reading one sentence, can miss the swap.
            if value < ACCOUNTED_FLOOR and not _mispaired(clause, passages) and self._true_elsewhere(clause):
                detail += 1  # true detail from another part of the material: neither backs nor lowers the answer
                continue
            if 0.0 < value < ACCOUNTED_FLOOR and not _STRONG_CLAIM.search(clause) and not reverses_a_pole:
                value = ACCOUNTED_FLOOR  # weakly backed, no rival named, nothing restricted, prevented or reversed
            if value < worst:
                worst, unbacked = value, clause
        if detail and detail == len(clauses):
            return raw, raw_unbacked  # nothing of the answer speaks to the passages: as unbacked as before
        return worst, unbacked

    def _true_elsewhere(self, clause: str) -> bool:
        """Whether a sentence of the material supports the clause and none of the closest contradicts it: true detail
        the answer brings from another part of the article ("the NMDA receptor" inside the roadblock analogy)."""
        if not self.material or _mispaired(clause, self.material):
            return False
        if self._material_vectors is None:
            self._material_vectors = _unit(self.embed(self.material))
        sims = self._material_vectors @ _unit(self.embed([clause]))[0]
        verdicts = [self.judge(clause, [self.material[i]]).label for i in np.argsort(-sims)[:ELSEWHERE_NEAREST]]
        # A contradiction anywhere among them is never excused by another sentence's support.
        return "supported" in verdicts and "contradicted" not in verdicts

    def _near_words(self, key_ideas: list[str], answer: str, asked: set[str]) -> list[float]:
        """Per idea, how nearly the answer says each of its new words, on average: a word's best cosine to a word of
        the answer, scaled from SAY_FROM to WORD_MATCH (round 10: "plentiful" for "abundant", "detached" for
        "detachment" count in part, where the share of words said counts them not at all)."""
        said = [w for w in dict.fromkeys(content_words(answer)) if len(w) > 2]
        needs = [[w for w in dict.fromkeys(content_words(idea)) if stem(w) not in asked] for idea in key_ideas]
        flat = list(dict.fromkeys(w for need in needs for w in need))
        if not said or not flat:
            return [0.0] * len(key_ideas)
        best = dict(zip(flat, (_unit(self.embed(flat)) @ _unit(self.embed(said)).T).max(axis=1)))
        return [float(np.mean([np.clip((best[w] - SAY_FROM) / (WORD_MATCH - SAY_FROM), 0.0, 1.0) for w in need]))
                if need else 0.0 for need in needs]

    def _said_stems(self, answer: str, key: str, asked: set[str]) -> set[str]:
        """Stems of the key the answer says: the same stem or prefix, or a word within WORD_MATCH of it."""
        key_words = [w for w in dict.fromkeys(content_words(key)) if stem(w) not in asked]
        said = [w for w in dict.fromkeys(content_words(answer)) if len(w) > 2]
        out, pending = set(), []
        answer_stems = {stem(w) for w in said}
        for w in key_words:
            ks = stem(w)
            if ks in answer_stems or any(len(ks) >= 5 and s[:5] == ks[:5] for s in answer_stems):
                out.add(ks)
            else:
                pending.append(w)
        if pending and said:
            best = (_unit(self.embed(pending)) @ _unit(self.embed(said)).T).max(axis=1)
            out |= {stem(w) for w, b in zip(pending, best) if b >= WORD_MATCH}
        return out

    def _aligned(self, reason: str, sentence: str, item: QuizItem, passages: list[str]) -> tuple[str | None, bool]:
        """The judge's contradiction when it reverses an idea of the key, and whether an excuse is a proven rewording.

        Only a denial of what the source itself denies ("no longer feel connected" for "disconnected") or a
        negated opposite ("no longer combines" for "fragmented") proves a rewording; other excuses (a synonym
        beside the opposite, a swapped entity whose own clause is not contradicted) leave a doubt that keeps
        the answer from being marked correct.
        """
        if self._reworded(reason, sentence, item, passages):
            return None, True
        if reason == _MIXED_SIDES and _sides_kept(sentence, passages):
            return None, True  # each side of the answer's contrast keeps to one side of a passage's contrast (round 13)
        if _judged_just(reason, sentence):
            # "just for fun", "what you were just told": "just" says "simply" or "a moment ago" as often as "only"; the
            # judge's exclusive reading is a rewording when the sentence without it is not contradicted (round 13).
            rest = re.sub(r"\bjust\b", " ", sentence, flags=re.I)
            return None, self.judge(rest, passages).label != "contradicted"
        m = _JUDGE_OPPOSITE.match(reason)
        if ((m and m.group(2)) or reason.startswith("negation: the claim denies")) \
                and self._double_negation_stands(sentence, item, passages):
            return None, True  # "hardly anything the brain does happens without it" for "nearly all" (round 13)
        if ((m and m.group(2)) or reason.startswith("negation: the claim denies")) \
                and self._denies_the_disrupted(sentence, item, passages):
            return None, True  # "without the glutamate signals" where the source says the signals "are interrupted"
        if m:
            claimed, source = m.group(3).replace(" ", "_"), m.group(4)
            toks = words(sentence)
            if stem(claimed.split("_")[0]) == stem(source.split(" ")[0]):
                if not m.group(2) and _held_back(toks, claimed) \
                        and all(_held_back(words(p), source) for p in passages if source in words(p)):
                    return None, True  # "stops glutamate activating it" where the source says "preventing … activating"
                return f"judge: {reason}", False  # the same word with the other sign: a polarity the judge resolved
            if not m.group(2) and (_double_negative(toks, m.group(3)) or (
                    _held_near(toks, m.group(3)) and any(source in words(p) for p in passages)
                    and all(_held_back(words(p), source) for p in passages if source in words(p)))) \
                    and self._rest_stands(sentence, m.group(3), item, passages):
                # "hardly any brain activity happens without it" for "nearly all"; "glutamate can't do its usual job of
                # triggering it" where the source says "preventing glutamate from activating it": two negations.
                return None, True
            if not m.group(2) and _referenced(sentence, m.group(3)):
                # "after the blockade ends", "compensates for the blockade": the answer names an event as the time or
                # cause of what it says, it does not claim the opposite of the source's word. A rewording when the
                # sentence without that word is not contradicted.
                rest = re.sub(rf"\b{re.escape(m.group(3))}\w*", " ", sentence, flags=re.I)
                return None, self.judge(rest, passages).label != "contradicted"
            if not m.group(2) and self._said_elsewhere(sentence, m.group(3), source, passages):
                return None, True  # "that spike starts the processes …" says another sentence than the one with "fade"
            if self._also_says(sentence, source, item, skip=claimed) \
                    or (not m.group(2) and _also_valued(sentence, m.group(3), source, passages)):
                # "fixes damaged pathways" where the source says "repair": a synonym is there too. It is a proven
                # rewording when the sentence without the opposite word is no longer contradicted.
                rest = re.sub(rf"\b{re.escape(m.group(3))}\w*", " ", sentence, flags=re.I)
                return None, self.judge(rest, passages).label != "contradicted"
            return f"judge: {reason}", False
        m = _JUDGE_SWAP.match(reason)
        if m:
            # An entity swap is a reversal when the idea naming the entity is contradicted on its own; a
            # clause that only names it beside a true one ("…, whereas ketamine works differently") is not.
            claimed = m.group(1)
            naming = [p for p in _IDEA.split(sentence) if content_stems(p) and claimed in content_stems(p)]
            if any(self.judge(clause, passages).label == "contradicted" for clause in naming):
                return f"judge: {reason}", False
            # Only a contrast ("whereas", "unlike", "while") sets the entity beside the source's: without one it may
            # stand in the source entity's place ("…, which are handled by the cerebellum"), so it stays a doubt.
            rest = " ".join(p for p in _IDEA.split(sentence) if p not in naming)
            return None, bool(_CONTRAST.search(sentence)) and bool(content_stems(rest)) \
                and self.judge(rest, passages).label != "contradicted"
        return f"judge: {reason}", False  # other reversals (numbers, time spans, causes, roles) are specific already

    def _rest_stands(self, sentence: str, claimed: str, item: QuizItem, passages: list[str]) -> bool:
        """Whether the sentence without the clause holding the judged word is not contradicted, or only by a
        contradiction proven a rewording in turn (the judge names one contradiction per sentence)."""
        head = stem(words(claimed)[0]) if words(claimed) else ""
        rest = " ".join(c.strip() for c in _IDEA.split(sentence)
                        if content_stems(c) and not any(stem(w) == head for w in words(c)))
        if not content_stems(rest) or rest == sentence:
            return rest != sentence
        v = self.judge(rest, passages)
        if v.label != "contradicted":
            return True
        reversal, proven = self._aligned(v.reasons[0] if v.reasons else "", rest, item, passages)
        return reversal is None and proven

    def _double_negation_stands(self, sentence: str, item: QuizItem, passages: list[str]) -> bool:
        """Whether every clause of the sentence that negates does so twice (a word of "few" and a negation within six
        words after it: "hardly anything … happens without it"), and the rest of the sentence is not contradicted, or
        only by a contradiction proven a rewording in turn: a judged negation there says "nearly all"."""
        clauses = [c.strip() for c in _IDEA.split(sentence) if content_stems(c)]
        negating = [c for c in clauses if any(_stopped(w) or w in _FEW for w in words(c))]
        if not negating or not all(_double_negated(words(c)) for c in negating):
            return False
        rest = " ".join(c for c in clauses if c not in negating)
        if not content_stems(rest):
            return True
        v = self.judge(rest, passages)
        if v.label != "contradicted":
            return True
        reversal, proven = self._aligned(v.reasons[0] if v.reasons else "", rest, item, passages)
        return reversal is None and proven

    def _said_elsewhere(self, sentence: str, claimed: str, source: str, passages: list[str]) -> bool:
        """Whether a judged opposite sits in a clause that the passage sentence closest to it, one without the source's
        word, supports on its own, and the rest of the sentence is not contradicted: the judge paired words of two
        different statements ("that spike starts the processes behind the rapid effect" against "fade" of "As
        ketamine's effects fade", where "This glutamate burst is thought to trigger molecular events …" says it)."""
        head, other = (stem(words(w)[0]) if words(w) else "" for w in (claimed, source))
        clauses = [c.strip() for c in _IDEA.split(sentence) if content_stems(c)]
        holding = [c for c in clauses if any(stem(w) == head for w in words(c))]
        sentences = [s for p in passages for s in _sentences(p)]
        if not head or len(holding) != 1 or not sentences:
            return False
        clause = holding[0]
        closest = sentences[int((_unit(self.embed([clause])) @ _unit(self.embed(sentences)).T)[0].argmax())]
        if any(stem(w) == other for w in words(closest)) or self.judge(clause, [closest]).label != "supported":
            return False
        # Nor when that sentence holds a known contrast of the judged word ("permanent" where it says "temporary"): the
        # judge's pair then stands in the sentence the clause follows (round 12).
        if any(_contrast(w, claimed_word) for w in _compounds(closest) for claimed_word in _compounds(claimed)):
            return False
        rest = " ".join(c for c in clauses if c is not clause)
        return not content_stems(rest) or self.judge(rest, passages).label != "contradicted"

    def _reworded(self, reason: str, sentence: str, item: QuizItem, passages: list[str]) -> bool:
        """Whether a judged contradiction sits in a clause that says an idea of the key in other words.

        The clause holding the answer's word must be within REWORDED of a key idea that holds the same word (not
        negated or prevented there) and not the source's word (a real reversal stands where that word stands:
        "activates" for "blocks" aligns with the idea saying "blocks"); the clause holds no negator and no listed
        antonym of the idea's words, and the sentence without it is not contradicted ("grows new synapses +
        repairs pathways" read as another subject for "repairs", where the key says "helps repair pathways").
        """
        m = _JUDGE_WORD.match(reason)
        if not m:
            return False
        claimed = m.group("a") or m.group("c") or m.group("e")
        source = m.group("b") or m.group("d") or ""
        head = stem(words(claimed)[0]) if words(claimed) else ""
        clauses = [c.strip() for c in _CLAUSE.split(sentence) if content_stems(c)]
        holding = [c for c in clauses if any(stem(w) == head for w in words(c))]
        key_ideas = ideas(item.answer, item.question) or [item.answer]
        if not head or len(holding) != 1 or not key_ideas:
            return False
        clause = holding[0]
        toks = words(clause)
        if any(_NEGATOR.fullmatch(w) or w.endswith("n't") for w in toks):
            return False
        sims = (_unit(self.embed([clause])) @ _unit(self.embed(key_ideas)).T)[0]
        best = int(sims.argmax())
        idea = key_ideas[best]
        idea_stems = {stem(w) for w in words(idea)}
        if sims[best] < REWORDED or any(stem(w) in idea_stems for w in words(source)):
            return False
        if any(ANTONYMS.get(w) and stem(ANTONYMS[w]) in idea_stems for w in toks):
            return False
        # The answer's word must stand in that idea itself, not negated or prevented there: then the judge's
        # opposite belongs to another part of the passage. (Synonyms are too far apart as single-word vectors.)
        idea_toks = words(idea)
        at = [i for i, w in enumerate(idea_toks) if stem(w) == head or (len(head) >= 5 and stem(w)[:5] == head[:5])]
        if not at or any(_negated(idea_toks, i) or _PREVENT.search(" ".join(idea_toks[max(0, i - 3):i])) for i in at):
            return False
        rest = " ".join(c for c in clauses if c is not clause)
        return not content_stems(rest) or self.judge(rest, passages).label != "contradicted"

    def _denies_the_disrupted(self, sentence: str, item: QuizItem, passages: list[str]) -> bool:
        """Whether each denial of the sentence denies what a key idea says is disrupted or missing, and the rest of the
        sentence is not contradicted ("brain can't stitch senses and self together" where the ability to integrate
        senses with the self "becomes fragmented"; "without the glutamate signals" where they "are interrupted").

        A denial counts for an idea with a word of disruption or detachment when, negator taken out, it shares a word
        of the idea's own besides that word ("not from long-term use" shares none with "chronic exposure can lead to
        impairments") and is within SAYS_MORE of it.
        """
        clauses = [c.strip() for c in _CLAUSE.split(sentence) if content_stems(c)]
        denials = [c for c in clauses if _WITHOUT.sub("", _affirm(c)) != c]
        # The passages' own clauses too: the question may give the disruption away ("when signals are interrupted").
        key_ideas = (ideas(item.answer, item.question) or [item.answer]) \
            + [c.strip() for p in passages for c in _IDEA.split(p) if content_stems(c)]
        def failing(w: str) -> bool:
            return bool(_DISRUPT.fullmatch(w) or _APART.fullmatch(w) or _FAILURE.fullmatch(w))
        disrupted = [(idea, {stem(w) for w in words(idea) if len(w) > 3 and w not in STOPWORDS and not failing(w)})
                     for idea in key_ideas if any(failing(w) for w in words(idea))]
        if not denials or not disrupted:
            return False
        local = set(content_stems(" ".join(passages))) | set(content_stems(item.question))
        matched = 0
        for denial in denials:
            toks = words(denial)
            if any(failing(w) and _negated(toks, i) for i, w in enumerate(toks)):
                return False  # "signals aren't interrupted" denies the disruption itself
            said = _WITHOUT.sub("", _affirm(denial))
            if _BELONGING.search(said) and any(_APART.fullmatch(w) for idea, _ in disrupted for w in words(idea)):
                # "your thoughts don't feel like yours", "not really in your body": a denied belonging is the
                # detachment the key names (round 13).
                matched += 1
                continue
            own = {stem(w) for w in words(said) if len(w) > 3 and w not in STOPWORDS}
            near = [idea for idea, stems in disrupted if own & stems]
            if not near and not own & local:
                continue  # "(…, not therapeutic use)": a denial of something the material does not speak of reverses nothing
            if not near or float((_unit(self.embed([said])) @ _unit(self.embed(near)).T).max()) < SAYS_MORE:
                return False
            matched += 1
        if not matched:
            return False
        rest = " ".join(c for c in clauses if c not in denials)
        return not content_stems(rest) or self.judge(rest, passages).label != "contradicted"

    def _also_says(self, sentence: str, source_word: str, item: QuizItem, skip: str) -> bool:
        """Whether the sentence also has a word for the source's word (not one the key itself uses)."""
        key_stems = {stem(w) for w in words(item.answer)}
        toks = words(sentence)
        cands = [w for i, w in enumerate(toks) if w not in STOPWORDS and len(w) > 2 and w != skip
                 and stem(w) != stem(skip) and stem(w) not in key_stems and not _negated(toks, i)
                 and not _set_aside(toks, i)]
        if not cands:
            return False
        sims = _unit(self.embed(cands)) @ _unit(self.embed([source_word]))[0]
        return bool(sims.max() >= SYNONYM)

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


_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")


def without_asked(text: str, asked: set[str]) -> str:
    """The text without the words whose stems the question uses (the text itself when nothing else is left)."""
    kept = [t for t in _TOKEN.findall(text) if not (t[0].isalnum() and stem(t.lower()) in asked)]
    return " ".join(kept).strip() or text


def ideas(key: str, question: str) -> list[str]:
    """The clauses of a key that carry something the question does not already say."""
    asked = set(content_stems(question))
    return [p.strip() for p in _IDEA.split(key) if set(content_stems(p)) - asked]


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _claims(answer: str) -> list[str]:
    """The answer's claims: its clauses, a fragment joined to the clause before it ("…, the key"), hedges left out."""
    out: list[str] = []
    for piece in (p.strip() for p in _CLAUSE.split(answer) if p and p.strip()):
        if out and len(content_stems(_HEDGE.sub(" ", piece))) < CLAIM_WORDS:
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return list(dict.fromkeys(c for c in out if len(content_stems(_HEDGE.sub(" ", c))) >= 2))


def _entities(text: str) -> set[tuple[str, str]]:
    """The named things of the judge's lexicon a text names, with their kind ("serotonin", "chemical")."""
    text = " " + " ".join(w.removesuffix("'s") for w in words(text)) + " "
    return {(name, kind) for name, kind in _ENTITY_NAMES if f" {name} " in text}


def _base_names(text: str) -> set[tuple[str, str]]:
    """The named things of a text, plural forms folded into their singular ("ssris" → "ssri")."""
    return {(n[:-1], k) if n.endswith("s") and (n[:-1], k) in _NAME_SET else (n, k) for n, k in _entities(text)}


def _mispaired(clause: str, passages: Sequence[str]) -> bool:
    """Whether a clause pairs two named things the passages never name together, where the passages pair the first
    with another thing of the second's kind ("SSRIs act on the glutamate system" where SSRIs go with serotonin)."""
    named = _base_names(clause)
    if len(named) < 2:
        return False
    sentences = [_base_names(s) for p in passages for s in _sentences(p)]
    names = {n for n, _ in named}
    for first, kind in named:
        for second, other in named:
            if kind == other or not any((second, other) in s for s in sentences):
                continue
            with_first = [s for s in sentences if (first, kind) in s]
            partners = {n for s in with_first for n, k in s if k == other and n != second}
            if with_first and partners and not partners & names \
                    and not any((second, other) in s for s in with_first):
                return True
    return False


def _swapped_pair(answer: str, passages: Sequence[str]) -> str | None:
    """A claim pairing two named things otherwise than the passages pair them ("SSRIs act on glutamate" where SSRIs go
    with serotonin), on either side of a contrast: a reversal since round 17 (until then it only backed nothing, and the
    rest of the answer earned partial credit; on the thirteen read sets every such answer was a contradiction)."""
    for clause in _claims(answer):
        if _mispaired(clause, passages):
            return f"pairs named things otherwise than the material: “{clause}”"
    return None


def _replaced_entity(answer: str, passages: Sequence[str], question: str) -> str | None:
    """A clause that names a specific thing (region, chemical, receptor, factor, organ, cell) in the place of the one
    of that kind the passages name, which the answer itself never names ("managed by the cerebellum" where the
    passages say the prefrontal cortex; "flooding the brain with serotonin" where they speak of glutamate).

    Not an example ("factors like BDNF"), not inside a contrast ("…, whereas SSRIs act on serotonin"), not a thing
    the question names: those set the other thing beside the passages' one rather than in its place.
    """
    named = {(e, k) for e, k in _base_names(" ".join(passages)) if k in _SPECIFIC}
    if not named:
        return None
    given = {e for e, _ in _ENTITY_NAMES if any(e in n or n in e for n, _ in named | _base_names(question))}
    said = {e for e, _ in _base_names(answer)}
    examples = {e for e, _ in _base_names(" ".join(m.group(1) for m in _EXAMPLE.finditer(answer)))}
    for sentence in _sentences(answer):
        if _CONTRAST.search(sentence):
            continue
        for e, kind in _base_names(sentence):
            if e in given or e in examples:
                continue
            theirs = [n for n, k in named if k == kind and not any(n in s or s in n for s in said)]
            if theirs and len(theirs) == len([n for n, k in named if k == kind]):
                return f"names {e} where the material names {theirs[0]}"
    return None


# Words as the learner writes them, hyphenated compounds kept whole ("long-term", "memory-enhancing").
_COMPOUND = re.compile(r"[a-z0-9]+(?:'[a-z]+)?(?:-[a-z0-9]+)*")
# Concepts of the judge's antonym lexicon that stand for benefit or harm when the two words' own concepts differ
# ("break down" against "repair"); amount and excitation say how much, not whether it helps.
_VALUED = frozenset("growth health quality".split())
# The judge's "change" poles ("normal" against "altered") qualify what changes ("disrupting the normal flow" said as
# "changes the flow"): a slot word of that concept is no contrast.
_NO_SLOT_CONCEPTS = frozenset({"change"})


# An image a text compares its subject to ("functions like a fertilizer", "comparable to a temporary roadblock", "the
# article compares it to a roadblock"): the head word after the article, before a preposition or a break.
_IMAGE = re.compile(r"\b(?:like|comparable\s+to|compared?\s+(?:\w+\s+)?to|compares\s+(?:\w+\s+)?to|similar\s+to|"
                    r"resembl\w*)\s+(?:an?)\s+((?:[a-z-]+\s+){0,2}?[a-z-]+)(?=\s+(?:at|for|in|on|of|to|with|that|"
                    r"which|across|placed)\b|\s*[,.;:!?)]|\s*$)", re.I)


def _images(text: str) -> dict[str, str]:
    """The images a text compares its subject to, by stem."""
    heads = (m.group(1).split()[-1].lower() for m in _IMAGE.finditer(normalize(text)))
    return {stem(w): w for w in heads}


def _compounds(text: str) -> list[str]:
    return _COMPOUND.findall(normalize(text).replace("’", "'"))


def _forms(w: str) -> list[str]:
    """A word, its joined compound form ("long_term") and its parts ("long", "term")."""
    return ([w.replace("-", "_"), w, *w.split("-")] if "-" in w else [w])


def _whole(w: str) -> set[str]:
    """What identifies a word as a whole: its stem, its compound's stem, and its synonym group."""
    joined = w.replace("-", "_")
    return {stem(w), stem(joined), canonical(joined)}


def _slot_poles(w: str) -> set[tuple[str, int]]:
    for f in _forms(w):
        poles = set(antonym_poles(f))
        if poles:
            return poles
    return set()


def _worth(w: str) -> set[int]:
    """Whether a word says benefit (+1) or harm (-1): the grader's words of benefit and harm, disruption and coming
    apart, and the judge's concepts of growth, health and quality (a compound by its whole only: "pain-relieving")."""
    out = set()
    for f in _forms(w)[:2]:
        if _BENEFIT.fullmatch(f) or f in ("strong", "stronger", "strongest"):
            out.add(1)
        if _HARM.fullmatch(f) or _DISRUPT.fullmatch(f) or _APART.fullmatch(f) or _FAILURE.fullmatch(f):
            out.add(-1)
        sign = valence_of_poles([(c, s) for c, s in antonym_poles(f) if c in _VALUED])
        if sign:
            out.add(sign)
    return out


_NEGATIVE_PREFIX = ("in", "un", "dis", "im", "ir", "il", "non")


def _negative_form(a: str, p: str) -> bool:
    """Whether `a` is `p` with a negative prefix ("inability" for "ability", "disconnected" for "connected")."""
    # "information" is no negation of "formation": the negative form is the rarer word.
    return len(p) >= 4 and any(a.startswith(x) and stem(a[len(x):].lstrip("-")) == stem(p)
                               and zipf_frequency(a, "en") < zipf_frequency(p, "en") for x in _NEGATIVE_PREFIX)


def _contrast(a: str, p: str) -> str | None:
    """Whether an answer word is a known contrast of a passage word: opposite poles of one concept of the judge's
    antonym lexicon ("lower"/"higher", "long-term"/"short-term", "permanently"/"temporarily"), or one says benefit where
    the other says harm ("stronger"/"fragmented", "break down"/"repair")."""
    if _negative_form(a, p) or _negative_form(p, a):
        return "a negative prefix"
    pa, pp = _slot_poles(a), _slot_poles(p)
    for concept, sign in pa:
        if concept not in _NO_SLOT_CONCEPTS and (concept, -sign) in pp and (concept, sign) not in pp:
            return concept
    wa, wp = _worth(a), _worth(p)
    if len(wa) == 1 and len(wp) == 1 and wa != wp:
        return "benefit and harm"
    return None


def _opposes_a_pole(clause: str, passages: Sequence[str]) -> bool:
    """Whether a word of the clause stands at the opposite pole of a concept of the judge's antonym lexicon from a word
    of the passages ("the block is permanent" against "a temporary roadblock"): a claim, not an image (round 14)."""
    theirs = {pole for w in _compounds(" ".join(passages)) for pole in _slot_poles(w)}
    return any(concept not in _NO_SLOT_CONCEPTS and (concept, -sign) in theirs and (concept, sign) not in theirs
               for w in _compounds(clause) for concept, sign in _slot_poles(w))


def _known_contrast(reason: str, sentence: str, passages: Sequence[str], question: str) -> str | None:
    """A judged opposite no excuse proved a rewording, where the pair is a known contrast (`_contrast`:
    "understimulated" for "overstimulated") and the answer's word is its own (neither passages nor question use it) and
    claims something (not an event named after a preposition or in a clause of time, "after the NMDA blockade"): a
    reversal rather than a doubt (round 12)."""
    m = _JUDGE_OPPOSITE.match(reason)
    if not m or m.group(2):
        return None
    claimed, source = m.group(3), m.group(4)
    joined = claimed.replace(" ", "-")
    known = {stem(f) for t in [*passages, question] for w in _compounds(t) for f in _forms(w)}
    if {stem(joined), stem(joined.replace("-", "_"))} & known or _referenced(sentence, claimed) \
            or not _contrast(joined, source.replace(" ", "-")):
        return None
    return f"judge: {reason} (a known contrast of the material's word)"


def _substituted(answer: str, passages: Sequence[str], question: str) -> str | None:
    """One word of a passage sentence put in its slot as a known contrast, in a sentence of the answer that otherwise
    follows it ("at lower doses it can involve hallucinatory experiences" for "at higher doses"; "forming new long-term
    memories" for "new short-term memories"; "helps break down old neuronal pathways" for "helps repair").

    The answer sentence is aligned to the passage sentence that holds most of its content words (at least half); an
    answer word neither passages nor question use, not negated nor set aside by a contrast, stands in the slot of a
    passage word the answer does not say when a content word next to it (before or after) is the same on both sides,
    and it is a contrast of that word (`_contrast`). A synonym or a more general word is no contrast, and a word in
    another slot is left to the judge.
    """
    known = {stem(f) for t in [*passages, question] for w in _compounds(t) for f in _forms(w)}
    sentences = [s for p in passages for s in _sentences(p)]
    def content(text: str) -> list[tuple[int, str]]:
        return [(i, w) for i, w in enumerate(_compounds(text))
                if len(w) > 1 and not all(part in STOPWORDS for part in w.split("-"))]
    def ids(w: str) -> set[str]:
        return {stem(f) for f in _forms(w)} | _whole(w)
    for sentence in _sentences(answer):
        toks = _compounds(sentence)
        mine = content(sentence)
        if len(mine) < 2:
            continue
        share, best = 0.0, ""
        for s in sentences:
            theirs = set().union(*(ids(w) for w in _compounds(s)))
            share_s = sum(bool(ids(w) & theirs) for _, w in mine) / len(mine)
            if share_s > share:
                share, best = share_s, s
        if share < 0.5:
            continue
        source = content(best)
        said = set().union(*(_whole(w) for _, w in mine))
        for k, (i, a) in enumerate(mine):
            if {stem(a), stem(a.replace("-", "_"))} & known or _negated(toks, i) or _set_aside(toks, i):
                continue
            before = ids(mine[k - 1][1]) if k else set()
            after = ids(mine[k + 1][1]) if k + 1 < len(mine) else set()
            for m, (_, p) in enumerate(source):
                if _whole(p) & said:
                    continue  # the answer says the passage word too
                why = _contrast(a, p)
                if not why:
                    continue
                if (m and before & ids(source[m - 1][1])) or (m + 1 < len(source) and after & ids(source[m + 1][1])):
                    return f"puts “{a}” where the material says “{p}” ({why})"
    return None


# Words of speed, by the time frames they stand for: quick is within a day, slow is weeks or more.
_SPEED = {w: 0 for w in "rapid rapidly quick quickly fast faster quicker immediate immediately instant instantly".split()} \
    | {w: 1 for w in "slow slowly slower gradual gradually".split()}
_SLOW_FROM = TIME_UNITS["week"]


def _timed(text: str) -> set[tuple[str, int]]:
    """Each time unit a text names ("within hours", "several weeks") with the drug named nearest before it; a word of
    speed ("rapidly", "slow") counts as its time frame (-1 quick, -2 slow); a negated one ("doesn't need weeks") not at
    all."""
    out = set()
    for sentence in _sentences(text):
        toks = [w.removesuffix("'s") for w in words(sentence)]
        drug = None
        for i, w in enumerate(toks):
            named = [n for n, k in _base_names(w) if k == "drug"]
            if named:
                drug = named[0]
            unit = TIME_UNITS.get(w.removesuffix("s")) or (-1 - _SPEED[w] if w in _SPEED else None)
            if unit and drug and not _negated(toks, i):
                out.add((drug, unit))
    return out


def _pace(unit: int) -> int:
    """Quick (0) or slow (1): the pace a time unit or speed word stands for."""
    return 1 if unit == -2 or unit >= _SLOW_FROM else 0


def _swapped_time(answer: str, passages: Sequence[str]) -> str | None:
    """A drug given a time frame the passages give it none of, where they give it another ("SSRIs … act within hours,
    while ketamine takes several weeks" where SSRIs take several weeks; "SSRIs … work rapidly"). A word of speed is
    compared by pace only (weeks are slow)."""
    theirs = _timed(" ".join(passages))
    for drug, unit in _timed(answer):
        other = {u for d, u in theirs if d == drug}
        if unit < 0 or any(u < 0 for u in other):
            if other and _pace(unit) not in {_pace(u) for u in other}:
                return f"gives {drug} another time frame than the material"
        elif other and unit not in other:
            return f"gives {drug} another time frame than the material"
    return None


# Words that only say that a thing has a role, not which one ("which is mainly responsible for …").
_GENERIC_ROLE = {stem(w) for w in "is involved responsible mainly mostly main primarily role plays key part".split()}


def _attributes(text: str) -> dict[str, str]:
    """The relative clause a text attaches to each specific named thing ("the prefrontal cortex, which is involved in
    mood regulation" → {"prefrontal cortex": "is involved in mood regulation"})."""
    out: dict[str, str] = {}
    for sentence in _sentences(text):
        low = normalize(sentence)
        for name, kind in sorted(_ENTITY_NAMES, key=lambda e: -len(e[0])):
            if kind not in _SPECIFIC or any(name in longer for longer in out):
                continue
            m = re.search(rf"\b{re.escape(name)}\b\s*,?\s*(?:which|that|who)\s+([^,;.()—–]+)", low)
            if m and content_stems(m.group(1)):
                out.setdefault(name, m.group(1).strip())
    return out


_NOUN_END = re.compile(r"\w+(?:ade|age|tion|sion|ment|ance|ence|ure)s?")
_REFERRING = {"after", "following", "follows", "followed", "for", "to", "from", "since", "during", "before", "by",
              "with", "of"}


_TIME_CLAUSE = {"after", "following", "follows", "followed", "once"}


def _referenced(sentence: str, word: str) -> bool:
    """Whether every use of a noun in the sentence names an event after a preposition ("after the blockade ends",
    "responds to the blockade", "follows the blockade") rather than being what the sentence claims."""
    toks = words(sentence)
    at = [i for i, w in enumerate(toks) if w == word]
    def ref(i: int) -> bool:
        if i >= 2 and _NOUN_END.fullmatch(word) and toks[i - 1] in ("the", "this", "that", "its", "their") \
                and toks[i - 2] in _REFERRING:
            return True
        return any(w in _TIME_CLAUSE for w in toks[max(0, i - 5):i])
    return bool(at) and all(ref(i) for i in at)


_FRAME_PREP = {"in", "by", "for", "on", "from", "at"}


def _frames(text: str) -> list[tuple[str, str, str]]:
    """Each content word followed by a preposition, with the (up to two) content words after it ("used in veterinary
    medicine" → ("use", "in", "veterinary medicine"))."""
    toks = words(text)
    out = []
    for i in range(len(toks) - 2):
        if toks[i] in STOPWORDS or toks[i + 1] not in _FRAME_PREP:
            continue
        j = i + 2
        while j < len(toks) and toks[j] in STOPWORDS:
            j += 1
        thing: list[str] = []
        while j < len(toks) and toks[j] not in STOPWORDS and len(thing) < 2:
            thing.append(toks[j])
            j += 1
        if thing:
            out.append((stem(toks[i]), toks[i + 1], " ".join(thing)))
    return out


def _held_back(toks: Sequence[str], word: str) -> bool:
    """Whether every use of `word` is negated or prevented within the three words before it ("stops glutamate
    activating it", "preventing glutamate from activating it")."""
    at = [i for i, w in enumerate(toks) if w == word]
    return bool(at) and all(_negated(toks, i) or any(_PREVENT.fullmatch(w) for w in toks[max(0, i - 3):i]) for i in at)


_FEW = {"hardly", "barely", "scarcely", "few", "little", "rarely", "seldom", "no", "none", "nothing"}


def _heads(toks: Sequence[str], word: str) -> list[int]:
    """Where a (maybe multi-word) judged word starts in the tokens, by its first word."""
    first = words(word)[0] if words(word) else ""
    return [i for i, w in enumerate(toks) if w == first or w == word.replace(" ", "_")]


def _stopped(w: str) -> bool:
    return bool(_NEGATOR.fullmatch(w) or w.endswith("n't") or _PREVENT.fullmatch(w))


def _double_negative(toks: Sequence[str], word: str) -> bool:
    """Whether a word of "few" or "none" is followed, within six words, by a negation ("hardly any brain activity
    happens without it"): together they say "nearly all"."""
    at = _heads(toks, word)
    return bool(at) and words(word)[0] in _FEW and all(any(_stopped(w) for w in toks[i + 1:i + 7]) for i in at)


def _double_negated(toks: Sequence[str]) -> bool:
    """Whether a clause's negation comes twice, as a word of "few" and a negation within six words after it ("hardly
    anything the brain does happens without it"), and nowhere else."""
    at = [i for i, w in enumerate(toks) if _stopped(w) or w in _FEW]
    return len(at) == 2 and toks[at[0]] in _FEW and at[1] - at[0] <= 6 \
        and bool(_NEGATOR.fullmatch(toks[at[1]]) or toks[at[1]].endswith("n't"))


def _judged_just(reason: str, sentence: str) -> bool:
    """Whether the judge read the answer's "just" as "only" (an antonym of "both", or an exclusive claim) where the
    answer says no other word of exclusion."""
    m = _JUDGE_OPPOSITE.match(reason)
    exclusive = (m and not m.group(2) and m.group(3).lower() == "just") or reason.startswith("exclusive claim")
    toks = words(sentence)
    return bool(exclusive) and "just" in toks and not {"only", "solely", "exclusively", "merely"} & set(toks)


def _sides(sentence: str) -> list[set[str]]:
    """The content stems of each side of a contrast in a sentence ("While A, B" splits at its comma)."""
    text = normalize(sentence)
    lead = re.match(r"\s*(?:while|whereas|unlike)\b([^,;]+),(.+)", text)
    parts = [lead.group(1), lead.group(2)] if lead else _SIDE_SPLIT.split(text)
    return [set(content_stems(p)) for p in parts if content_stems(p)]


def _sides_kept(sentence: str, passages: Sequence[str]) -> bool:
    """Whether some contrast of the passages has two sides such that each side of the answer's contrast uses words of
    one of them (at most one word of the other, and fewer), the two answer sides taking different ones ("therapeutic
    doses can foster neuroplasticity, while chronic high-dose overuse may trigger excitotoxicity" keeps the sides of
    "While therapeutic doses can foster neuroplasticity, chronic overuse may trigger …", where another passage sentence
    puts "high-dose" on the other side; "chronic overuse can foster neuroplasticity, while therapeutic doses …" does
    not)."""
    mine = _sides(sentence)
    if len(mine) < 2:
        return False
    for source in (s for p in passages for s in _sentences(p)):
        theirs = _sides(source)
        if len(theirs) != 2:
            continue
        own = [theirs[0] - theirs[1], theirs[1] - theirs[0]]
        took = []
        for side in mine:
            hits = [len(side & own[0]), len(side & own[1])]
            k = int(hits[1] > hits[0])
            if hits[k] > hits[1 - k] and hits[1 - k] <= 1:
                took.append(k)
            elif hits[k]:
                break
        else:
            if sorted(took) == [0, 1]:
                return True
    return False


def _held_near(toks: Sequence[str], word: str) -> bool:
    """Whether every use of a word has a negation or a word of preventing within six words of it ("glutamate can't do
    its usual job of triggering it", "which would normally turn it on, can't get its signal through")."""
    at = _heads(toks, word)
    return bool(at) and all(any(_stopped(w) for w in toks[max(0, i - 6):i] + toks[i + 1:i + 7]) for i in at)


def _set_aside(toks: Sequence[str], i: int) -> bool:
    """Whether toks[i] is what a contrast puts aside ("low doses rather than high ones", "instead of fast")."""
    return any(w in ("than", "unlike", "instead", "versus", "vs") for w in toks[max(0, i - 3):i])


def _negated(toks: Sequence[str], i: int) -> bool:
    """Whether a negator stands within the three words before toks[i] ("can no longer properly combine")."""
    return any(_NEGATOR.fullmatch(w) or w.endswith("n't") for w in toks[max(0, i - 3):i])


_DENIAL = [(re.compile(p, re.I), r) for p, r in [
    (r"\b(can|could|do|does|did|is|are|was|were|has|have|had|will|would|should)(?:n['’]t| not)\b", r"\1"),
    (r"\bcannot\b", "can"), (r"\bcan['’]t\b", "can"), (r"\bwon['’]t\b", "will"), (r"\b(?:no longer|never|not)\s+", ""),
    (r"\bno\s+", "")]]


def _affirm(sentence: str) -> str:
    """The sentence with its negations taken out ("no longer fit" → "fit")."""
    for pattern, repl in _DENIAL:
        sentence = pattern.sub(repl, sentence)
    return re.sub(r"\s+", " ", sentence).strip()


# An effect kept to one place ("stays local", "only affects that one intersection", "nowhere else"), and words that say
# an effect spreads through a whole system ("system-wide", "throughout", "the entire network").
_LOCAL = re.compile(r"\bnowhere else\b|\b(?:stays?|remains?|staying|is|being|kept) (?:\w+ )?local\b|\blocal(?:ly)? only\b|"
                    r"\bonly (?:\w+ ){0,4}?(?:that|this|one) (?:one )?(?:spot|point|place|corner|junction|intersection|area|"
                    r"street|region)\b|\bright (?:around|there)\b", re.I)
_WHOLE = re.compile(r"system-wide|\bthroughout\b|\bentire\b|\bwhole\b|\ball over\b|\beverywhere\b|\bglobal\b", re.I)


def _narrowed_scope(answer: str, passages: Sequence[str]) -> str | None:
    """An answer that keeps an effect to one place ("only affects that one intersection", "the effect stays local",
    "nowhere else") where the passages say it spreads through the whole system ("altering system-wide traffic
    patterns"); a denied restriction ("doesn't only affect that one spot") says the opposite (round 13)."""
    if not _WHOLE.search(" ".join(passages)):
        return None
    text = normalize(answer).replace("’", "'")
    for m in _LOCAL.finditer(text):
        clause = re.split(r"[,;:.!?]", text[:m.start()])[-1]
        if not any(_NEGATOR.fullmatch(w) or w.endswith("n't") for w in words(clause)[-3:]):
            return f"keeps to one place what the material says spreads: “{m.group(0)}”"
    return None


def _denied_change(answer: str, key: str) -> str | None:
    """An answer that denies any effect or change where the key states one ("stays exactly the same")."""
    m = _NO_CHANGE.search(normalize(answer))
    if m and not _NO_CHANGE.search(normalize(key)):
        return f"denies what the material states: “{m.group(0)}”"
    return None


def _valence(text: str) -> set[int]:
    """Signs of the benefit (+1) and harm (-1) words of a text, a negated word counting the other way."""
    toks = words(text)
    signs = set()
    for i, w in enumerate(toks):
        for sign, pattern in ((1, _BENEFIT), (-1, _HARM)):
            if pattern.fullmatch(w):
                signs.add(-sign if _negated(toks, i) else sign)
    return signs


def _breaks_beside(sentence: str, claimed: str, source: str) -> bool:
    """Whether the source word says something comes apart ("fragmented") and the answer's clause holding the judged
    word has, not negated, a word of breaking or coming apart and no word of benefit ("integration … is broken up")."""
    if not words(source) or not (re.fullmatch(r"fragment\w*", words(source)[0]) or _APART.fullmatch(words(source)[0])):
        return False
    head = stem(words(claimed)[0]) if words(claimed) else ""
    for clause in re.split(r"[;:,—–()]|\s-\s|\b(?:but|however|while|whereas|although|though)\b", sentence):
        toks = words(clause)
        if head and any(stem(w) == head for w in toks):
            # A word of benefit beside it ("gets stronger") says the opposite whatever else the clause says.
            return not any(_worth(w) == {1} for w in toks) and any(
                (_BREAKING.fullmatch(w) or _APART.fullmatch(w)) and stem(w) != head and not _negated(toks, i)
                for i, w in enumerate(toks))
    return False


def _also_valued(sentence: str, claimed: str, source: str, passages: Sequence[str] = ()) -> bool:
    """Whether the clause holding the judged opposite also has a word of the source word's benefit or harm (of the
    passage sentence holding the source word, when the word itself has none: "mends broken pathways" against
    "growth" in "encourages the growth … and helps repair"), or, where the source word says something comes apart, a
    word of coming apart not negated ("integration … is broken up" against "fragmented"; round 13)."""
    if _breaks_beside(sentence, claimed, source):
        return True
    signs = _valence(source)
    if not signs:
        head = stem(words(source)[0]) if words(source) else ""
        holding = [s for p in passages for s in _sentences(p) if head and any(stem(w) == head for w in words(s))]
        signs = _valence(holding[0]) if len(holding) == 1 else set()
    if len(signs) != 1:
        return False
    head = stem(words(claimed)[0]) if words(claimed) else ""
    for clause in _CLAUSE.split(sentence):
        toks = words(clause)
        if head and any(stem(w) == head for w in toks):
            rest = " ".join(w for w in toks if stem(w) != head)
            return _valence(rest) == signs
    return False


def _valence_reversal(answer: str, key: str) -> str | None:
    """An answer (or a clause of it) that speaks only of benefit where the key speaks only of harm, or the other way."""
    taught = _valence(key)
    if len(taught) != 1:
        return None
    for part in [answer, *re.split(r"[;.!?]|\b(?:but|however|although|though|yet|whereas)\b", answer)]:
        said = _valence(part)
        if len(said) == 1 and said != taught:
            return "the material describes " + ("harm" if -1 in taught else "a benefit") + ", the answer the opposite"
    return None


class Evidence(BaseModel):
    """What grading rests on: each key idea's best match in the answer, and any reversal of one."""

    ideas: list[str]
    scores: list[float] = Field(description="Per idea, 0–1: its best cosine to a clause of the answer (scaled from "
                                            "SAY_FROM to SAY_AT), or the share of its new words the answer says.")
    asked: list[bool] = Field(default_factory=list, description="Per idea, whether it is asked for: not context that "
                                                                   "leads up to the clause the question restates.")
    judged: str = Field(description="The judge's worst label over the answer's sentences.")
    supported: bool
    judge_score: float = Field(default=0.0, description="The judge's lowest support score over the answer's sentences.")
    foreign: float = Field(default=0.0, description="Share of the answer's content words that neither the passages "
                                                    "nor the question use.")
    accounted: float = Field(default=1.0, description="The least-backed clause of the answer: its judge score or "
                                                        "closest cosine to a passage clause (0 when contradicted).")
    unbacked: str = Field(default="", description="The answer's least-backed clause.")
    words: int = Field(default=0, description="The answer's distinct content words (stems) the question does not use.")
    reversal: str | None = Field(default=None, description="A key idea the answer reverses, if any.")
    doubt: str | None = Field(default=None, description="A contradiction the judge found and no proof that it is a "
                                                        "rewording: the answer is incorrect (since round 17).")

    @property
    def coverage(self) -> float:
        """The mean score of the ideas asked for (of all ideas when none is marked)."""
        asked = [s for s, a in zip(self.scores, self.asked) if a] if len(self.asked) == len(self.scores) else []
        return float(np.mean(asked or self.scores)) if self.scores else 0.0

    @property
    def best(self) -> float:
        return max(self.scores, default=0.0)

    @property
    def length(self) -> float:
        """The answer's content words as a share of LENGTH_CAP (at most 1)."""
        return min(self.words, LENGTH_CAP) / LENGTH_CAP

    @property
    def features(self) -> tuple[float, float, float, float, float, float, float]:
        """What the linear boundaries weigh: mean and best idea score, the judge's verdict (1 when it supports every
        sentence), foreign share, the least-backed clause, length, 1."""
        # The verdict, not the lowest sentence score (round 17): an unsupported sentence's score (0.1–0.5) is noise the
        # partly boundary read as half support, and wrong answers (221 of 238 unsupported on the read sets) earned
        # partial credit from it.
        return self.coverage, self.best, float(self.supported), self.foreign, self.accounted, self.length, 1.0


def decide(ev: Evidence) -> GradeLabel:
    """The label from the evidence: a reversal or a doubt is incorrect; then how well the key's ideas are said decides."""
    # A doubt (a contradiction found and not proven a rewording) is incorrect since round 17: partial credit for the
    # rest of an answer that says something against the material was the commonest way contradictions scored.
    if ev.reversal or ev.doubt:
        return "incorrect"
    x = ev.features
    if float(np.dot(CORRECT_WEIGHTS, x)) >= 0 and ev.accounted >= ACCOUNTED_FLOOR:
        return "correct"
    if float(np.dot(PARTLY_WEIGHTS, x)) >= 0:
        return "partly"
    return "incorrect"


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
