"""Premises in questions: what a question takes for granted, and whether the material contradicts it.

"Why does ketamine raise serotonin?" assumes that it does; "it blocks NMDA receptors, right?" and "so it
blocks NMDA receptors?" ask to confirm a statement; "since it blocks NMDA receptors, why …?" takes one for
granted. Answering such a question with the right passages but without saying that the premise is wrong
lets the learner keep the misconception. So the statement a question rests on is recovered from its
wording and judged (tutor.grounding) against the sentences retrieved for it; a contradiction changes how
the answer opens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from tutor.grounding import (BACKWARD_CAUSE, EXCLUSIVES, FORWARD_CAUSE, TIME_UNITS, Analysed, Judge, Token, analyse,
                             entity_kind, is_entity)
from tutor.retrieval import ScoredSentence
from tutor.text import content_stems
from tutor.types import Chunk

_I = re.IGNORECASE
_AUX = r"(?:does|do|did|is|are|was|were|can|could|will|would|has|have|had|should|must|might|may)"
_NEG_AUX = r"(?:doesn'?t|don'?t|didn'?t|isn'?t|aren'?t|wasn'?t|weren'?t|can'?t|cannot|couldn'?t|won'?t|wouldn'?t|" \
           r"hasn'?t|haven'?t|shouldn'?t)"
# Words that open a message without belonging to its statement.
_FILLER = re.compile(r"^(?:so|ok|okay|well|hmm+|wait|and|but|also|hey|hi|um+|uh+|quick question|question|"
                     r"just to check|just checking|to be clear|basically)\b[\s,:;.!-]*", _I)
# "I read that S", "my teacher said S", "is it true that S": S is the premise.
_REPORTED = re.compile(
    r"^(?:i(?:'ve| have)? (?:read|heard|saw|seen|was told|learned|learnt|think|thought|believe|assume|understand|"
    r"guess|remember)|i'm pretty sure|im pretty sure|i'm told|my (?:[a-z]+ ){0,2}(?:teacher|friend|professor|prof|doctor|textbook|book|"
    r"lecturer|tutor|class|notes?|mum|mom|dad|parents?|coach)\s+(?:said|says|told (?:me|us)|tells (?:me|us)|claims?|claimed|mentioned|"
    r"taught (?:me|us)|explained|thinks|thought|reckons|insists|wrote)|"
    r"(?:someone|somebody|people|they|everyone|a friend) (?:said|says|told me|claim|claims)|apparently|supposedly|"
    r"we (?:(?:have |'ve )?(?:read|heard|learned|learnt)|were (?:told|taught))|"
    r"my (?:understanding|impression|guess|assumption|belief|take|hunch|thinking) (?:is|was)|"
    r"(?:is|isn'?t) it (?:true|right|correct|the case)|am i right (?:in thinking|to think|that)?|would i be right|"
    r"correct me if i'?m wrong,? but|it seems|it'?s said|is it a fact)\b[\s,:]*(?:that\b)?\s*", _I)
# "S, right?", "S, doesn't it?", "S - is that true?"
_TAG = re.compile(
    r"^(?P<s>.+?)[\s,;:.!-]+(?:right|correct|true|yes|yeah|no|innit|isn'?t (?:it|that (?:right|so|true))|"
    r"doesn'?t it|don'?t they|aren'?t they|wasn'?t it|didn'?t it|can'?t it|won'?t it|isn'?t that|"
    r"is that (?:right|true|correct|so|accurate)|am i right|have i got (?:that|it) right|or not|or no)\s*[?.!]*$", _I)
# "S, does it?" after a negative statement ("it doesn't …, does it?") expects agreement with S as said.
_POSITIVE_TAG = re.compile(r"^(?P<s>.+?)\s*,\s*(?:does|do|did|is|are|was|were|can|could|will|would|has|have)\s+"
                           r"(?:it|they|he|she|that|this|there|you|we)\s*[?.!]*$", _I)
# "Since S, …", "given that S, …": S is taken for granted, whatever is asked after the comma. ("If S" supposes, so no.)
_GIVEN = re.compile(r"^(?:since|given(?: that)?|because|considering(?: that)?|now that|seeing (?:as|that)|knowing(?: that)?|"
                    r"assuming(?: that)?|bearing in mind(?: that)?)\s+(?P<s>[^,;:?]+?)\s*[,;:]\s*(?P<rest>.+)$", _I)
# "Is it X that Y?" asks whether X is what Y holds of: the statement is "X Y".
_CLEFT = re.compile(r"^(?:is|isn'?t|was|wasn'?t)\s+it\s+(?P<x>(?:\S+\s+){0,5}?\S+)\s+(?:that|which|who)\s+(?P<y>.+?)[?.!]*$", _I)
_WHY = re.compile(rf"^(?:why|how come|how)\s+(?P<aux>{_AUX}|{_NEG_AUX})\s+(?P<rest>.+?)[?.!]*$", _I)
_ASKS_COMPARISON = re.compile(r"\b(?:compare[sd]?|stacks? up|measures? up)\s+(?:with|to|against)\b", _I)
_HOW_COME = re.compile(r"^how come\s+(?P<rest>.+?)[?.!]*$", _I)
_YES_NO = re.compile(rf"^(?P<aux>{_AUX}|{_NEG_AUX})\s+(?P<rest>.+?)[?.!]*$", _I)
_NOT_A_PREMISE = re.compile(r"^(?:(?:exactly|roughly|approximately|precisely|about|around|just|really|then)\s+)*"
                            r"(?:how (?:much|many|long|often|soon|fast|quickly)|what|which|who|where|when|"
                            r"(?:can|could|would|will) you)\b", _I)
# "Is that right?" asks about the sentence before it, which is the premise.
_ABOUT_ITSELF = re.compile(r"^(?:this|that|it|so)\b\W*(?:is|was|'s)?\W*(?:not )?(?:so|true|right|correct|accurate|"
                           r"the case|a fact|real|legit)\W*$", _I)
# Words that make a claim about one thing exclude every other: naming another then contradicts it.
_EXCLUSIVE = re.compile(r"\b(?:most|main|mainly|primary|primarily|only|sole|solely|chief|chiefly|principal|"
                        r"exclusive|exclusively|largest|biggest|single)\b", _I)
_PRONOUN_SUBJECT = re.compile(r"^(?:it|they|this|that|these|those|he|she)\b", _I)
# "Since S, how does *that* lead to …?", "why is *that same region* …": a demonstrative points back at what the message
# (or the conversation) has just said, never at the material's subject.
_POINTS_BACK = re.compile(r"^(?:this|that|these|those)\b", _I)
_DENIAL = "It is not true that "
_SWAPPED = re.compile(r"swapped entity: claim names (\S+), source names (\S+)")
# "Why do people use it at parties?": what people in general do is not ruled out by a sentence that makes the
# substance the doer of a noun ("ketamine use … in therapeutic settings"); the judge reads that as swapped roles.
_ROLE_OF_PEOPLE = re.compile(r"swapped roles: claim has (?:peopl|person|someon|somebodi|anyon|user|human|individu)\b")
_OPPOSED = re.compile(r"antonym: claim says [“\"]([^”\"]+)[”\"]")
# A verb that undoes harm turns the harm word after it around: "fix damaged pathways" says they get repaired.
_RESTORING = r"(?:fix|fixe[sd]|fixing|repair\w*|heal\w*|restor\w*|revers\w*|undo\w*|mend\w*|prevent\w*|reduc\w*|" \
             r"lessen\w*|eas(?:e|es|ed|ing)|protect\w* (?:against|from)|counter\w*|treat\w*)"
# Content words a sentence below the two best-ranked must share with a claim to be quoted against it.
OVERLAP = 2
# A statement sentence before the question ("Ketamine boosts serotonin. Why?") is a premise too.
_SENTENCE = re.compile(r"[^.?!]+[.?!]*")
# "S, so why …?", "S - how is that possible?": the question after a statement asks about it; S is the premise.
_ASKED_AFTER = re.compile(r"(?:\s*[,;:—–-]+\s*(?:so |and |but |then )?|\s+(?:so|and|but|then) )(?:why|how come|how|what|"
                          r"is (?:this|that|it)|"
                          r"does (?:this|that|it))\b", _I)
# "doesn't (really) have anything to do with", "don't play any role in": a denial the judge reads in its
# joined form ("nothing to do with", "no role in"); left as it is, "have … to do with" reads as support.
_ANY_DENIAL = [
    (re.compile(r"\b(?:do|does|did)(?:n'?t|n’t| not)\s+(?:really |actually |even |ever )?(?:have|has) "
                r"anything to do with\b", _I), "has nothing to do with"),
    (re.compile(r"\b(?:is|are|was|were)(?:n'?t|n’t| not)\s+(?:really |actually |even )?anything to do with\b", _I),
     "has nothing to do with"),
    (re.compile(r"\b(?:do|does|did)(?:n'?t|n’t| not)\s+(?:really |actually |even |ever )?play (?:any|a) "
                r"(role|part)\b", _I), r"plays no \1"),
]


class Premise(BaseModel):
    """A statement a question takes for granted that the material contradicts, and the sentence that does."""

    claim: str
    evidence: str
    reasons: list[str] = []
    # Whether the learner holds the claim (states, reports or presupposes it, or asks to have it confirmed) rather
    # than asking openly whether it holds ("does it act on GABA receptors?").
    held: bool = False

    @property
    def exclusive(self) -> bool:
        """Whether the claim says something holds of one thing alone ("the most abundant", "mainly", "only")."""
        return _EXCLUSIVE.search(self.claim) is not None

    @property
    def swaps_entity(self) -> bool:
        """Whether the claim names something else where the material names its own entity (GABA for glutamate)."""
        return any(r.startswith("swapped entity") for r in self.reasons)

    @property
    def opposed_words(self) -> set[str]:
        """The claim's words the judge read as opposites of the source's ("agonist" against "antagonist")."""
        return {w for r in self.reasons if (m := _OPPOSED.match(r)) for w in re.findall(r"[a-z]+", m.group(1).lower())}

    def stands_despite(self, unknown: Sequence[str]) -> bool:
        """Whether a premise survives its question being declined. One the learner holds does: the decline says the
        material does not answer what is asked ("why do SSRIs kick in within a day?", "…executive functions are run by
        the cerebellum, right?"), the contradiction that it rules out what the learner believes, which is worth
        saying. One asked about openly ("does it act on GABA receptors?") survives only words outside it ("…, isnt
        it?", "my biology teacher said …") or its own mistake, the word the material contradicts: silent on GABA,
        the material does not say no to the question."""
        if self.held:
            return True
        claim = set(re.findall(r"[a-z]+", self.claim.lower()))
        return bool(unknown) and all(w not in claim or w in self.opposed_words for w in unknown)


# "Will I get addicted?", "I start therapy next week": the learner's own situation, which no material states or
# contradicts ("I read that …" and "my teacher said …" are reported statements, taken apart before this).
_ABOUT_THE_ASKER = re.compile(r"^(?:i|i'm|im|i've|i'll|i'd|me|my|we|we're|we've|our|us)\b", _I)


def premises_of(question: str) -> list[str]:
    """The statements a question takes for granted or asks to confirm, as declarative sentences (may be empty)."""
    return [claim for claim, _ in stated_premises(question)]


def stated_premises(question: str) -> list[tuple[str, bool]]:
    """premises_of with, for each, whether the learner holds it (says, reports, presupposes it or asks to have it
    confirmed: "…, right?", "why does …?") rather than asking openly whether it holds ("does ketamine act on …?")."""
    claims: list[tuple[str, bool]] = []
    for raw in _SENTENCE.findall(question.strip()):
        text = raw.strip()
        for _ in range(3):
            text = _FILLER.sub("", text).strip()
        given = _GIVEN.match(text)
        if given:  # "Since S, why …?": S first, then whatever the rest takes for granted
            taken = (_clean(given.group("s")), True)
            claims += [c for c in (taken, _premise_of_sentence(given.group("rest"))) if c[0]
                       and not _ABOUT_THE_ASKER.match(c[0])]
            continue
        claim, held = _premise_of_sentence(text)
        if claim and not _ABOUT_THE_ASKER.match(claim):
            claims.append((claim, held))
    return claims[:2]


def _premise_of_sentence(sentence: str) -> tuple[str | None, bool]:
    """The sentence's premise and whether the learner holds it: every form but an open yes/no question ("does it
    act on GABA receptors?" asks; "isn't it …?", "…, right?", "why does …?", "I read that …" hold it)."""
    text = sentence
    for _ in range(3):
        text = _FILLER.sub("", text).strip()
    reported = _REPORTED.match(text)
    if reported and reported.end() < len(text):
        text = text[reported.end():]
        text = re.split(r"\s*(?:[,;:-]+\s*|\s+)(?:so |and |but )?(?:why|how come|how|is (?:this|that|it)|"
                        r"does (?:this|that|it)|what)\b", text, maxsplit=1, flags=_I)[0]
        return _clean(text), True
    tag = _TAG.match(text)
    if tag and len(tag.group("s").split()) >= 3:
        return _clean(tag.group("s")), True
    tag = _POSITIVE_TAG.match(text)
    if tag and len(tag.group("s").split()) >= 3 and not re.match(r"(?:how|why)\b|" + _NOT_A_PREMISE.pattern[1:],
                                                                 tag.group("s"), _I):
        return _clean(tag.group("s")), True
    if _NOT_A_PREMISE.match(text):
        return None, False
    if not re.match(r"(?:how|why)\b|" + _AUX + r"\b|" + _NEG_AUX + r"\b", text, _I):
        # a statement followed by its question ("glutamate only matters for memory, so why …?")
        stated = _ASKED_AFTER.split(text, maxsplit=1)[0]
        if stated != text and len(stated.split()) >= 3:
            return _clean(stated), True
    cleft = _CLEFT.match(text)
    if cleft and re.search(r"\bto\s+\w+", cleft.group("x"), _I):
        # "is it normal to see things that aren't there?": "it" stands for the doing after "to", asked about; no cleft
        # ("Normal to see things aren't there" read the relative clause's "aren't" as a denial) and no statement
        return None, False
    if cleft and not re.match(r"(?:true|right|correct|the case|possible|likely|bad|safe|ok|okay)\b", cleft.group("x"), _I):
        return _clean(f"{cleft.group('x')} {cleft.group('y')}"), False  # asks which thing Y holds of
    m = _WHY.match(text)
    if m and re.match(r"how\b", text, _I) and _ASKS_COMPARISON.search(m.group("rest")):
        # "how do therapeutic doses compare with chronic overuse?" asks what sets the two apart: nothing is taken for
        # granted ("Therapeutic doses compare with chronic overuse" is no statement the material could contradict)
        return None, False
    if m:  # "why doesn't it X?" takes for granted that it does not
        return _clean(_declarative(m.group("aux"), m.group("rest"), keep_negation=True)), True
    m = _YES_NO.match(text)
    if m and re.search(r"\bor\b", m.group("rest"), _I) and re.fullmatch(_AUX, m.group("aux"), _I):
        # "Is it an agonist or an antagonist?", "… for good, or only for a while?" asks which: it takes neither for
        # granted, and "Not quite" would tell the learner they were wrong about a choice they offered.
        return None, False
    if m:  # "isn't it X?" expects that it is; "is it X?" asks
        return (_clean(_declarative(m.group("aux"), m.group("rest"), keep_negation=False)),
                re.fullmatch(_NEG_AUX, m.group("aux"), _I) is not None)
    m = _HOW_COME.match(text)
    if m:
        return _clean(m.group("rest")), True
    if len(text.split()) >= 3 and not re.match(r"(?:please|tell|explain|describe|give|show|help|why|how)\b", text, _I):
        # a statement in a message that asks about it, or said with a question mark ("so BDNF kills neurons?")
        return _clean(text), True
    return None, False


def _declarative(aux: str, rest: str, keep_negation: bool) -> str:
    """The statement behind "does ketamine raise serotonin", "why isn't it …": the auxiliary is dropped
    rather than moved, since where the subject ends is guesswork without a parser and the judge compares
    content, not word order; a kept negation becomes "It is not true that …", which the judge reads."""
    if keep_negation and re.fullmatch(_NEG_AUX, aux, _I):
        return f"{_DENIAL}{rest}"
    return rest


def _with_subject(claim: str, subject: str | None) -> str | None:
    """The claim with a leading pronoun replaced by `subject`; None when it has one and `subject` is None."""
    denial = _DENIAL if claim.startswith(_DENIAL) else ""
    statement = claim[len(denial):]
    pronoun = _PRONOUN_SUBJECT.match(statement)
    if pronoun is None:
        return claim
    if subject is None or _POINTS_BACK.match(statement):
        return None
    statement = subject + statement[pronoun.end():]
    return denial + statement if denial else statement[:1].upper() + statement[1:]


def _clean(text: str) -> str | None:
    text = re.sub(r"\s+", " ", text).strip(" ,;:-—?!.\"'")
    # "only ever", "never ever": "ever" adds no word of its own, but the judge looks for it in the source
    text = re.sub(r"\b(only|never) ever\b", r"\1", text, flags=_I)
    for denial, joined in _ANY_DENIAL:
        text = denial.sub(joined, text)
    if len(text.split()) < 3 or _ABOUT_ITSELF.match(text):
        return None
    return text[0].upper() + text[1:] + "."


def _restored(claim: str, reasons: Sequence[str]) -> bool:
    """Whether the word the judge opposed to the source follows a verb that undoes it in the claim ("fix damaged")."""
    words = [w for r in reasons if (m := _OPPOSED.match(r)) for w in re.findall(r"[a-z]+", m.group(1).lower())]
    return any(re.search(rf"\b{_RESTORING}\s+(?:\w+\s+)?{re.escape(w)}", claim, _I) for w in words)


_ANTONYM = re.compile(r"antonym: claim says [“\"](?:not )?([^”\"]+)[”\"], source says [“\"]([^”\"]+)[”\"]")


def _another_event(claim: str, sentence: str, reasons: Sequence[str], topic: set[str]) -> bool:
    """Whether the only contradiction is a time that dates another event: "first synthesized in the 1960s" against
    "in recent years, ketamine has attracted attention" dates two different things, so neither rules the other out.
    A word of recency contradicts only a sentence that shares a content word with the claim besides the times and
    the material's subject (the event both date: "attracted attention … back in the 1960s")."""
    pairs = [m.groups() for r in reasons if (m := _ANTONYM.match(r))]
    if not pairs or len(pairs) < len(reasons):
        return False
    recency = {t.text.replace("_", " ") for t in analyse(claim).tokens if any(c == "recency" for c, _ in t.poles)}
    if not all(mine in recency for mine, _ in pairs):
        return False
    times = {w for pair in pairs for part in pair for w in content_stems(part)}
    shared = set(content_stems(claim)) & set(content_stems(sentence))
    return not shared - times - topic - {"year", "time"}


# The judge's antonym concepts of how long something lasts ("permanently"/"temporarily") and how long use goes on
# ("a single"/"long-term", "repeated"): such a word says so of one thing, and its opposite in a sentence rules a claim
# out only when it is said of the same thing ("temporarily blocks" for "blocks … permanently", not "the temporary
# interruption" for "damage the brain permanently").
_LASTING = frozenset("duration span".split())
# Verbs that only link a thing to what is said of it ("the damage *is* permanent", "perception *stays* normal").
_LINKING = frozenset("is are was were be been being become becomes became stay stays stayed remain remains remained "
                     "seem seems seemed feel feels felt get gets got make makes made keep keeps kept can could may might "
                     "will would very so too quite really also still more less".split())
# Words that start another clause: what an attribute goes before ends there.
_CLAUSE_WORDS = frozenset("which who that while whereas but and or".split())
# Words between a number word and what it counts ("a single *cycle of* …", "a handful *of* …").
_OF = frozenset("of the a an".split())


def described(a: Analysed, i: int, topic: set[str]) -> tuple[set[str], bool]:
    """What the modifier at token i says something of, as stems and synonym groups, and whether it goes before it
    (an attribute, "the temporary *interruption*", "a single *dose*") rather than being said of it: the verb an adverb
    goes with ("temporarily *blocks*", "*damage* the brain permanently") or, after a linking verb, the words before it
    ("the *damage* is permanent"). Empty when none is found in its clause; the material's subject is left out."""
    tokens, t = a.tokens, a.tokens[i]
    if t.text.endswith("ly") or t.text in ("forever", "for_good", "for_ever", "indefinitely"):
        verbs = [u for u in tokens if u.clause == t.clause and u.index != i and abs(u.index - i) <= 4 and u.content
                 and not u.text.endswith("ly") and (u.poles or u.canon.startswith("syn:")) and u.text not in _LINKING
                 and not (u.index > 0 and tokens[u.index - 1].text in _OF)]
        verb = min(verbs, key=lambda u: (abs(u.index - i), u.index < i), default=None)
        if verb is None:
            return set(), False
        # with what it is done to, the words right after it ("damage *the brain* permanently")
        done_to = []
        for u in tokens[verb.index + 1:]:
            if u.clause != t.clause or u.index == i or len(done_to) == 2 or not (u.content or u.text in _OF):
                break
            if u.content:
                done_to.append(u)
        return {w for u in (verb, *done_to) for w in (u.stem, u.canon)} - topic, False
    after: list[Token] = []
    for u in tokens[i + 1:]:
        if not after and u.text == "," and u.index == i + 1:
            continue  # stacked attributes: "long-term, high-dose use"
        if not (u.content or (u.text in _OF and not after)) or u.text in _CLAUSE_WORDS or u.text.endswith("ly"):
            break
        if u.content:
            after.append(u)
    if after:
        return {w for u in after for w in (u.stem, u.canon)} - topic, True
    before: list[Token] = []
    for u in reversed(tokens[:i]):
        if u.clause != t.clause or len(before) == 2:
            break
        if u.text in _LINKING or u.text.endswith("ly") or u.text in _OF or u.text in ("your", "their", "its"):
            continue
        if not u.content:
            break
        before.append(u)
    return {w for u in before for w in (u.stem, u.canon)} - topic, False


def _about_another_thing(claim: str, sentence: str, reasons: Sequence[str], topic: set[str]) -> bool:
    """Whether the only contradiction is a word of how long something lasts said of another thing than the claim's
    word ("the *temporary* interruption of the brain's communication network" against "ketamine damages the brain
    *permanently*": the material never says the damage is temporary), or of the same kind of thing in another case
    ("*long-term*, high-dose use has markedly different consequences" against "a *single* dose disconnects people from
    reality": the sentence says nothing of what a single dose does). Every word of the sentence on the other side
    counts, not only the one the judge named."""
    pairs = [m.groups() for r in reasons if (m := _ANTONYM.match(r))]
    if not pairs or len(pairs) < len(reasons):
        return False
    claimed, said = analyse(claim), analyse(sentence)
    for mine, _ in pairs:
        tokens = [t for t in claimed.tokens if t.text.replace("_", " ") == mine]
        poles = [(c, s) for t in tokens for c, s in t.poles if c in _LASTING]
        if not poles:
            return False  # another kind of opposite: left to the judge
        for t in tokens:
            for u in said.tokens:
                if (any((c, -s) in u.poles for c, s in poles)
                        and _said_of_the_same(claimed, t, said, u, topic) is not False):
                    return False  # the same (or not told: left to the judge)
    return True


def _said_of_the_same(claimed: Analysed, t: Token, said: Analysed, u: Token, topic: set[str]) -> bool | None:
    """Whether the claim's word t and the sentence's word u are said of the same thing (None when what either speaks
    of is not told): the same thing ("blocks" and "shuts down" are one act), or another one in the same place of a
    sentence that says the same around it ("the trip comes from permanent damage to brain circuits" against "stems from
    the temporary interruption of the brain's network"). An attribute needs the latter: "a single dose" and
    "long-term, high-dose use" are two cases of one thing."""
    thing, attribute = described(claimed, t.index, topic)
    other, _ = described(said, u.index, topic)
    if not thing or not other:
        return None
    same = bool(thing & other) or bool(_acts(claimed, thing) & _acts(said, other))
    rest = (set(content_stems(claimed.text)) - thing - set(content_stems(t.text.replace("_", " "))) - topic) & \
        (set(content_stems(said.text)) - other - set(content_stems(u.text.replace("_", " "))) - topic)
    return (same and not attribute) or bool(rest | _causes(claimed) & _causes(said))


def _causes(a: Analysed) -> set[str]:
    """Which way a sentence says something comes about: "caused by", "stems from", "comes from" all say where from."""
    return {side for u in a.tokens for side, words in (("from", BACKWARD_CAUSE), ("to", FORWARD_CAUSE)) if u.text in words}


def _acts(a: Analysed, words: set[str]) -> set[tuple[str, int]]:
    """The antonym poles (concept, side) of the words of `a` that are in `words`: two verbs with one ("blocks",
    "shuts down") name the same act."""
    return {p for u in a.tokens if u.stem in words or u.canon in words for p in u.poles}


# "SSRIs take weeks to work *when* ketamine acts quickly": when/while may set two things' statements side by side
# (a comparison) or say when something happens ("hallucinations … fade *when* the dose goes up").
_WHEN = re.compile(r"\s*,?\s+\b(?:when|while|whilst|whereas)\b\s+", _I)


def clauses_of(claim: str) -> list[str]:
    """The two statements a claim joins with when/while/whereas when each names a thing of one kind of its own (SSRIs
    and ketamine: a comparison, not a time), each of at least three words; else the claim itself."""
    parts = [p.strip(" ,.") for p in _WHEN.split(claim)]
    if len(parts) != 2 or any(len(p.split()) < 3 for p in parts):
        return [claim]
    named = [{t.stem for t in analyse(p).tokens if is_entity(t)} for p in parts]
    if not (named[0] and named[1]) or named[0] & named[1] \
            or not {entity_kind(e) for e in named[0]} & {entity_kind(e) for e in named[1]}:
        return [claim]
    return [p[:1].upper() + p[1:] + "." for p in parts]


def _across_clauses(claim: str, sentence: str, judge: Judge) -> bool:
    """Whether a sentence contradicts a claim only by pairing words of two of the statements it joins ("SSRIs take
    weeks to work when ketamine acts quickly" against "SSRIs, which … take several weeks": "quickly" is said of
    ketamine, the weeks of the SSRIs). Each statement is judged alone; one of them must be contradicted too."""
    parts = clauses_of(claim)
    return len(parts) > 1 and all(judge.judge(p, [sentence]).label != "contradicted" for p in parts)


# Words that say what something does when nothing acts on it ("they *normally* dampen brain activity").
_DEFAULT = frozenset("normally usually ordinarily typically generally naturally".split())


def _default_state(claim: str, sentence: str, reasons: Sequence[str]) -> bool:
    """Whether the only contradiction is a word the sentence says of the default state ("inhibitory, meaning they
    *normally dampen* brain activity") against a claim about what happens otherwise ("blocking them make the brain more
    active"): a claim that speaks of the default too ("inhibitory neurons normally boost brain activity") is still
    ruled out."""
    pairs = [m.groups() for r in reasons if (m := _ANTONYM.match(r))]
    if not pairs or len(pairs) < len(reasons) or _DEFAULT & {t.text for t in analyse(claim).tokens}:
        return False
    tokens = analyse(sentence).tokens
    for _, theirs in pairs:
        at = [t for t in tokens if t.text.replace("_", " ") == theirs]
        if not at or not all(any(u.text in _DEFAULT and u.clause == t.clause for u in tokens[max(0, t.index - 2): t.index])
                             for t in at):
            return False
    return True


# Words that open another statement inside a sentence: what comes after them is said of their own subject.
_OPENS_STATEMENT = frozenset("when while whilst whereas although though because since if once until unless which that "
                             "who whom whose where".split())


def doer_of(a: Analysed, u: Token) -> Token | None:
    """The named thing a sentence's word is said of, when the word sits in the statement of the thing the sentence
    opens with ("*BDNF* encourages the growth of new synapses (…) and helps *repair* …", "*the glutamate surge*
    *activates* other receptors"): None when the sentence opens with no named thing or a comma, a dash or a word
    that starts another statement stands between ("*when* glutamate signals are interrupted, the brain's ability …
    becomes *fragmented*"; "… trigger events *that* underlie the medication's *rapid* …")."""
    first = next((t for t in a.tokens if t.content), None)
    if first is None or not is_entity(first) or first.index >= u.index \
            or any(t.text in _OPENS_STATEMENT or t.text in ("as", "after", "before") for t in a.tokens[:first.index]):
        return None  # "*As* ketamine's effects fade, …": the sentence's subject comes later
    depth = 0  # a parenthesis ("(connections between neurons)") is an aside, not another statement
    for t in a.tokens[first.index + 1: u.index]:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and (t.text in (",", ";", ":", "—", "–", "-") or t.text in _OPENS_STATEMENT):
            return None
    return first


# Words that may stand for a thing named earlier ("*this* effect is prominent in …"): a sentence holding one may speak
# of the claim's thing without naming it.
_ANAPHORA = frozenset("this these that those it its they their them".split())


def _said_by_another(claim: str, sentence: str, reasons: Sequence[str], topic: set[str]) -> bool:
    """Whether the only contradiction is an opposite word said of another named thing than its counterpart: the
    sentence's word of the thing it opens with, which the claim never names, in a sentence that names none of the
    claim's own things ("*BDNF* … helps *repair* neuronal pathways" against "chronic ketamine use *damages* neurons":
    BDNF repairs, which says nothing of what ketamine use does; "*the glutamate surge activates* other receptors"
    against "ketamine *blocks* NMDA receptors"), or the claim's word of the thing it opens with, which the sentence
    never names nor points back at ("*BDNF* levels *peak* 24 hours after a dose" against "as ketamine's effects
    *fade*, a surge in glutamate release occurs"). What a word is said of is read by doer_of; a word said of the
    material's subject, or of nothing it can tell, is left to the judge."""
    pairs = [m.groups() for r in reasons if (m := _ANTONYM.match(r))]
    if not pairs or len(pairs) < len(reasons):
        return False
    claimed, said = analyse(claim), analyse(sentence)
    claim_words = {w for t in claimed.tokens for w in (t.stem, t.canon)}
    said_words = {w for t in said.tokens for w in (t.stem, t.canon)}
    own = {w for t in claimed.tokens if is_entity(t) for w in (t.stem, t.canon)} or set(topic)

    def of_another(a: Analysed, text: str, other_words: set[str]) -> bool:
        at = [u for u in a.tokens if u.text.replace("_", " ") == text]
        doers = [doer_of(a, u) for u in at]
        return bool(at) and all(d is not None and not {d.stem, d.canon} & (other_words | topic) for d in doers)

    theirs = not own & said_words and all(of_another(said, word, claim_words) for _, word in pairs)
    mine = not _ANAPHORA & {u.text for u in said.tokens} and \
        all(of_another(claimed, word.removeprefix("not "), said_words) for word, _ in pairs)
    return theirs or mine


_SAMENESS = "sameness"


def _identity(claim: str, reasons: Sequence[str]) -> bool:
    """Whether the only contradiction is a word of sameness that names one thing rather than likening two: "*the same*
    drug fosters neuroplasticity … but risks excitotoxicity" opens with the one drug it speaks of, which says nothing
    alike, so "markedly different consequences" does not rule it out ("the same as therapy", "the same way SSRIs do"
    liken, and stay with the judge)."""
    pairs = [m.groups() for r in reasons if (m := _ANTONYM.match(r))]
    if not pairs or len(pairs) < len(reasons):
        return False
    tokens = analyse(claim).tokens
    words = [t for t in tokens if t.content]
    for mine, _ in pairs:
        at = [t for t in tokens if t.text.replace("_", " ") == mine]
        if not at or not all(any(c == _SAMENESS for c, _ in t.poles) for t in at):
            return False
        # the claim's subject: the sameness word is its first content word, right after "the", with a noun after it
        if not (words and words[0] is at[0] and at[0].text in ("same", "the_same") and len(words) > 1
                and words[1].index == at[0].index + 1 and not words[1].poles):
            return False
    return True


_TIME_STEMS = frozenset(TIME_UNITS)


def counts_time(a: Analysed, t: Token) -> bool:
    """Whether a word of how many counts units of time ("*a few* minutes", "*several* weeks"): it says how long, not
    how much of a thing."""
    after = next((u for u in a.tokens[t.index + 1:] if u.content or u.text not in ("of", "the")), None)
    return after is not None and after.text.rstrip("s") in _TIME_STEMS


def _counted_time(claim: str, sentence: str, reasons: Sequence[str]) -> bool:
    """Whether the only contradiction is a word of how many that counts time on one side and things on the other: "*a
    few* minutes feel like forever" is a length of time, which "this interference underlies *all of* ketamine's effects"
    does not speak of."""
    pairs = [m.groups() for r in reasons if (m := _ANTONYM.match(r))]
    if not pairs or len(pairs) < len(reasons):
        return False
    claimed, said = analyse(claim), analyse(sentence)
    for mine, theirs in pairs:
        at = [t for t in claimed.tokens if t.text.replace("_", " ") == mine]
        there = [u for u in said.tokens if u.text.replace("_", " ") == theirs]
        if not at or not there or not all(any(c == "quantity" for c, _ in t.poles) for t in at):
            return False
        if {counts_time(claimed, t) for t in at} == {counts_time(said, u) for u in there}:
            return False
    return True


def _people_do(reasons: Sequence[str]) -> bool:
    """Whether the only contradiction found is people in general in a role the sentence gives to something else."""
    return bool(reasons) and all(_ROLE_OF_PEOPLE.match(r) for r in reasons)


def _swapped(reasons: Sequence[str], sentences: Sequence[str]) -> bool:
    """Whether the judge found another entity in the claim's place that no sentence names together with it."""
    for r in reasons:
        m = _SWAPPED.match(r)
        if m and not any({m.group(1), m.group(2)} <= {w for t in analyse(s).tokens for w in (t.canon, t.stem)}
                         for s in sentences):
            return True
    return False


def promote(ranked: Sequence[ScoredSentence], text: str, chunks: Sequence[Chunk] = ()) -> list[ScoredSentence]:
    """`ranked` with the sentence holding `text` moved to the top (tied with the best), so it is quoted; taken from
    `chunks` when the ranking lacks it (evidence found outside the retrieved passages, `check_premise`'s `pool`)."""
    found = [s for s in ranked if text and text.strip() in s.sentence.text]
    if not found and ranked:
        found = [ScoredSentence(sentence=sentence, chunk=chunk, index=i, dense=0.0, lexical=0.0, score=0.0)
                 for chunk in chunks for i, sentence in enumerate(chunk.sentences)
                 if text and text.strip() in sentence.text][:1]
    if not found or not ranked:
        return list(ranked)
    top = found[0].model_copy(update={"score": max(ranked[0].score, found[0].score)})
    return [top, *(s for s in ranked if s is not found[0])]


def check_premise(question: str, ranked: Sequence[ScoredSentence], judge: Judge, top: int = 6, *,
                  subject: str | None = None, pool: Sequence[Chunk] = ()) -> Premise | None:
    """The first premise of the question that the best-ranked sentences contradict, with the one sentence
    that contradicts it on its own (the one to quote), or None. `subject` stands in for a claim's leading
    pronoun ("it", "they"); without one, such claims are not checked.

    Judged against the sentences together first, then alone against the one the claim aligned with, the two
    best-ranked and lower ones that share content words with the claim: a contradiction the judge finds only in
    the combination, or in a sentence the question is not about, is too weak a reason to tell a learner they are
    wrong, and the quoted sentence has to show the contradiction by itself. A sentence that says the opposite of one
    of the claim's words about the same thing counts wherever it ranks, and in `pool` (the material's chunks) when the
    passages retrieved for the question lack it (_opposite_side)."""
    sentences = list(dict.fromkeys(s.sentence.text for s in ranked[:top]))
    for stated, held in stated_premises(question) if sentences else []:
        # "It works fast" binds "it" to whatever a sentence is about (SSRIs that take weeks): checked only when
        # the subject is known — the material's own, in a conversation's first message.
        claim = _with_subject(stated, subject)
        if claim is None:
            continue
        verdict = judge.judge(claim, sentences)
        together = verdict.label == "contradicted"
        aligned = [s for s in sentences if together and verdict.evidence and verdict.evidence.strip() in s]
        # The two best-ranked sentences are what the question is about; a lower one only when it shares at least
        # OVERLAP content words with the claim besides the material's subject (not a stray "also" for "just").
        topic = set(judge.topic)
        shared = [s for s in sentences[2:] if len((set(content_stems(claim)) & set(content_stems(s))) - topic) >= OVERLAP]
        for sentence in aligned + [s for s in sentences[:2] + (shared if together else []) if s not in aligned]:
            alone = judge.judge(claim, [sentence])
            if (alone.label != "contradicted" or _restored(claim, alone.reasons) or _people_do(alone.reasons)
                    or _another_event(claim, sentence, alone.reasons, topic)
                    or _about_another_thing(claim, sentence, alone.reasons, topic)
                    or _across_clauses(claim, sentence, judge) or _default_state(claim, sentence, alone.reasons)
                    or _said_by_another(claim, sentence, alone.reasons, topic)
                    or _identity(claim, alone.reasons) or _counted_time(claim, sentence, alone.reasons)):
                continue
            # Together, the sentences can hide what the question is about: the judge stitches support from one
            # sentence's subject and another's entity ("serotonin" from the SSRI sentence for "dissociation comes
            # from serotonin"). A best-ranked sentence that names another entity in its place still rules the
            # claim out then, unless some sentence alone supports it or names both entities ("one of these
            # [neurotrophic factors] is BDNF": naming BDNF for the factors is no swap).
            if together or (_swapped(alone.reasons, sentences)
                            and not any(judge.judge(claim, [s]).label == "supported" for s in sentences)):
                return Premise(claim=claim, evidence=sentence, reasons=alone.reasons, held=held)
        # The sentence that says the opposite of a claim's word may rank anywhere (_opposite_side).
        everywhere = [s.sentence.text for s in ranked] + [s.text for c in pool for s in c.sentences]
        found = _opposite_side(claim, everywhere, sentences[:2], judge, topic, held)
        if found is not None:
            return found
        if together:
            continue
        # Stitched support hides a contradiction by the sentence about the claim's own subject too: "excitotoxicity
        # happens when there is not enough glutamate" reads as supported by the six together ("glutamate" from
        # one, "happens when" from another) while the sentence that says what excitotoxicity is rules it out.
        own = subject_of(claim, topic)
        for sentence in sentences if own else []:
            if subject_of(sentence, topic) != own:
                continue
            alone = judge.judge(claim, [sentence])
            if (alone.label == "contradicted" and not _restored(claim, alone.reasons) and not _people_do(alone.reasons)
                    and not _another_event(claim, sentence, alone.reasons, topic)
                    and not _about_another_thing(claim, sentence, alone.reasons, topic)
                    and not _across_clauses(claim, sentence, judge)
                    and not _default_state(claim, sentence, alone.reasons)
                    and not _said_by_another(claim, sentence, alone.reasons, topic)
                    and not _identity(claim, alone.reasons)
                    and not _counted_time(claim, sentence, alone.reasons)
                    and (not _SWAPPED.match(alone.reasons[0]) or _swapped(alone.reasons, sentences))):
                # (a swap only when no sentence names both entities: "one of these [factors] is BDNF")
                return Premise(claim=claim, evidence=sentence, reasons=alone.reasons, held=held)
        # Support from a sentence that sets two things apart can be the claim mixing them up (module _contrast).
        for sentence in sentences[:2]:
            if _contrast_sides(sentence)[0] and judge.judge(claim, [sentence]).label == "supported":
                reason = _contrast(claim, sentence, judge, topic)
                if reason:
                    return Premise(claim=claim, evidence=sentence, reasons=[reason], held=held)
    return None


def _opposite_side(claim: str, candidates: Sequence[str], checked: Sequence[str], judge: Judge,
                   topic: set[str], held: bool) -> Premise | None:
    """A sentence that says the opposite of one of the claim's words about the same thing ("temporarily blocks the
    receptor" for "blocks NMDA receptors permanently", "also used in veterinary medicine" for "only used on
    animals"), wherever it ranks: the question's words rank sentences by what they share with it, so the one holding
    the opposite word can sit below the six checked, or outside the passages retrieved ("nearly all brain
    activities" for "glutamate only matters for a handful of brain functions, so why is blocking it a big deal?").
    It rules the claim out when it contradicts it alone for that very word."""
    claimed = analyse(claim)
    for sentence in dict.fromkeys(candidates):
        if sentence in checked:
            continue
        words = _opposed_pair(claimed, analyse(sentence), topic)
        if words is None:
            continue
        alone = judge.judge(claim, [sentence])
        if (alone.label == "contradicted" and not _restored(claim, alone.reasons) and not _people_do(alone.reasons)
                and any(r.startswith("antonym") and words[0] in r for r in alone.reasons)
                and not _about_another_thing(claim, sentence, alone.reasons, topic)
                and not _said_by_another(claim, sentence, alone.reasons, topic)
                and not _identity(claim, alone.reasons)
                and not _counted_time(claim, sentence, alone.reasons)):
            return Premise(claim=claim, evidence=sentence, reasons=alone.reasons, held=held)
    return None


# Words that make a statement one case among others, against a claim's "only" ("also used in …", "both … and …").
_PLURAL_WORDS = frozenset("also both other others including".split())
# The judge's antonym concepts whose poles describe what a thing is like, whoever speaks of it: how long it lasts
# ("permanently"/"temporarily"), how good it is ("sharper"/"distorted", "improve"/"impairments") and how much of it
# there is ("a handful"/"nearly all"). The concepts of
# direction (amount, activation, excitation, growth) are left out: the material blocks one thing and activates
# another, grows synapses here and loses them there, so their opposite in another sentence is mostly about something
# else ("the surge *activates* other receptors" against "ketamine *blocks* NMDA receptors").
_OPPOSED_CONCEPTS = frozenset("duration quality quantity".split())
_DIRECTIONS = frozenset("amount activation excitation growth".split())
# Verbs that pass their direction on to the next one ("helps grow"): they say nothing of their own.
_PASSING = frozenset("help helps helped helping let lets allow allows allowed enable enables".split())
# How many tokens either side of a contrasting word the thing it speaks of may stand; "only" and "also" bind to the
# word next to them ("only used" / "also used", not "just the brain's ability" / "may also be compromised").
_REACH = 4
_REACH_EXCLUSIVE = 2


def _opposed_pair(claim: Analysed, sentence: Analysed, topic: set[str]) -> tuple[str, str] | None:
    """The claim's word and the sentence's that stand on opposite sides of one contrast (antonym poles of one concept
    of the judge's lexicon, or "only" against "also"/"both"), each near a content word the two share (the thing both
    speak of), or None."""
    for t in claim.tokens:
        exclusive = t.text in EXCLUSIVES
        # a word that also gives a direction ("boost", "enhance": more of it) says how much rather than how good
        directed = any(c in _DIRECTIONS for c, _ in t.poles)
        poles = [(c, s) for c, s in t.poles if c in _OPPOSED_CONCEPTS and t.text not in _PASSING and not directed]
        if not poles and not exclusive:
            continue
        reach = _REACH_EXCLUSIVE if exclusive else _REACH
        near = _near(claim, t.index, topic, reach)
        for u in sentence.tokens:
            opposite = (u.text in _PLURAL_WORDS if exclusive
                        else any((c, -s) in u.poles and (c, s) not in u.poles for c, s in poles))
            if opposite and near & _near(sentence, u.index, topic, reach):
                return t.text.replace("_", " "), u.text.replace("_", " ")
    return None


# People are whom something happens to, not what a word of how good or how much is said of: "some *people* feel
# better" and "*individuals* may experience a distorted sense of time" share the experiencer, not the thing.
_PEOPLE = frozenset({"syn:individual"})


def _near(a: Analysed, i: int, topic: set[str], reach: int) -> set[str]:
    """Stems of the content words within `reach` tokens of token i (not the word itself, not the material's subject,
    not a word for people)."""
    return {w for u in a.tokens[max(0, i - reach): i + reach + 1] if u.index != i and u.content
            and u.canon not in _PEOPLE for w in (u.stem, u.canon)} - topic


# A sentence that sets two things apart: "While A, B", "A contrasts with B", "unlike B, A", "A, whereas B". `other` is
# the side the sentence's subject is contrasted with (none when the two sides are alike: "While A, B").
_CONTRASTS = [
    re.compile(r"^(?:while|whereas|although|though)\s+(?P<a>[^,;]+?),\s*(?P<b>.+)$", _I),
    re.compile(r"^(?P<a>.+?)\s+(?:contrasts? with|differs? from|is unlike|(?:are|is) different from)\s+(?P<other>.+)$", _I),
    re.compile(r"^(?P<a>.+?\b(?:different|differ\w*)\b.+?)\s+(?:than|from)\s+(?P<other>.+)$", _I),
    re.compile(r"^unlike\s+(?P<other>[^,;]+?),\s*(?P<a>.+)$", _I),
    re.compile(r"^(?P<a>.+?),\s*(?:whereas|while)\s+(?P<b>.+)$", _I),
]
# A claim that itself contrasts or compares ("…, unlike ketamine", "they have different effects") is not fused.
_CLAIM_CONTRASTS = re.compile(r"\b(?:unlike|while|whereas|but|differ\w*|contrast\w*|rather than|instead of|versus|vs|"
                              r"compared|than)\b", _I)
# "works slowly, like SSRIs", "the same as SSRIs": the claim likens its subject to something.
_LIKENS = r"(?:like|as|same as|similar to|just as|just like)"


def _contrast_sides(sentence: str) -> tuple[list[str], str | None]:
    """The sides a contrasting sentence sets apart, and the side its subject is contrasted with (or None)."""
    text = sentence.strip().rstrip(".!?")
    for pattern in _CONTRASTS:
        m = pattern.match(text)
        if m:
            sides = {k: v.strip(" ,;") for k, v in m.groupdict().items() if v}
            return list(sides.values()), sides.get("other")
    return [], None


def _contrast(claim: str, sentence: str, judge: Judge, topic: set[str]) -> str | None:
    """Why a sentence that seems to support `claim` rules it out by a contrast, or None. The claim fuses the two
    sides the sentence sets apart ("therapeutic doses trigger excitotoxicity" against "while therapeutic doses can
    foster neuroplasticity, chronic overuse may trigger … excitotoxicity": neither side says it), or likens the
    material's own subject to what the sentence contrasts it with ("ketamine takes several weeks, like SSRIs"
    against "this mechanism contrasts with … SSRIs, which … take several weeks")."""
    if _CLAIM_CONTRASTS.search(claim):
        return None
    sides, other = _contrast_sides(sentence)
    if len(sides) < 2:
        return None
    verdicts = [judge.judge(claim, [side]).label for side in sides]
    words = set(content_stems(claim)) - topic
    if ("supported" not in verdicts and "contradicted" not in verdicts
            and all(words & set(content_stems(side)) for side in sides)):  # it takes something from each side
        return "contrast: the claim joins what the source sets apart"
    if other is not None and verdicts[sides.index(other)] == "supported" and subject_of(claim, set()) in topic:
        likened = {t.canon for t in analyse(other).content} - topic
        if any(re.search(rf"\b{_LIKENS}\s+(?:\w+\s+){{0,2}}{re.escape(w)}", claim, _I) for w in likened):
            return "contrast: the claim gives its subject what the source says of what it is contrasted with"
    return None


def subject_of(text: str, topic: set[str]) -> str | None:
    """The first content word of a sentence (its subject, in a plain statement) unless it is the material's own
    subject, which most sentences are about ("ketamine"): then, and with no content word, None."""
    for t in analyse(text).tokens:
        if t.content:
            return None if {t.stem, t.canon} & topic else t.canon
    return None
