"""Deciding whether retrieved passages answer a question: answer, not_in_material, or out_of_scope."""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Callable, Collection, Sequence

import numpy as np
from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process
from wordfreq import top_n_list, zipf_frequency

from tutor.grounding import ENTITIES
from tutor.retrieval import ScoredSentence, Vocabulary, lexical_stems, plain_question, prefixed
from tutor.text import QUESTION_WORDS, STOPWORDS, content_words, normalize, stem, words
from tutor.types import Passage, ReplyKind

_Q = lambda pattern: re.compile(pattern, re.IGNORECASE)  # noqa: E731
_QUANTITY_ADJ = (r"(?:lethal|fatal|toxic|safe|right|recommended|typical|normal|starting|effective|max|maximum|"
                 r"minimum|standard|usual|average|good|proper|correct|therapeutic) ")
_UNITS = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)"
_NUMBER_WORD = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|dozen|hundred|thousand|half)"
# A count or amount in a passage; "one" only before a noun, since "one of these" counts nothing.
_COUNT = (r"(?:\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten|twelve|dozen|hundred|thousand|half|twice|"
          r"double|triple|percent|one (?!of\b|another\b|is\b|such\b|that\b|which\b)[a-z]+)")

def _names_its_idea(question: str, asked_for: re.Match[str], retrieved: str) -> bool:
    """Whether the phrase that looked like a request for a fact is the material's own name for an idea.

    "therapeutic doses can foster neuroplasticity, right?" mentions what the material calls "therapeutic doses";
    "what is a therapeutic dose (of it)?" still asks for an amount."""
    phrase = asked_for.group(0).lower()
    if not re.search(r"\b" + re.escape(phrase) + r"\b", retrieved):
        return False
    before, after = question[:asked_for.start()].lower(), question[asked_for.end():].lower()
    return not (re.search(r"\bwhat(?:'s| is| are| would be| counts as)?\s+(?:a |an |the )?$", before)
                or re.match(r"\s+(?:of|for|is|are|would)\b", after))


# "What is dissociation, and how many minutes does it last?": a further question joined to the first.
_FURTHER = _Q(r"(?:,\s*|\s+)(?:and|but|plus)\s+(?:(?:also|btw|by the way|then|so|one more thing|another thing|oh)\W*\s+)?"
              r"(?=(?:what|how|which|when|who|whom|whose|why|where|in what|does|do|did|"
              r"is|are|was|were|can|could|will|would|should|has|have)\b)")
_OPENS_QUESTION = _Q(r"^(?:so |and |but |ok |okay )?(?:what|what's|whats|how|which|when|who|whom|whose|why|where|does|do|did|"
                     r"is|are|was|were|can|could|will|would|should|has|have)\b")


def main_question(question: str) -> str:
    """The first of several questions joined in one ("what is X, and when was it found?"), else the whole question.

    Learners ask the main thing first: a passage that answers it is quoted, and the kind of fact a further question
    asks for (a date, a number) does not decide whether the material answers the message."""
    further = _FURTHER.search(question)
    if further and _OPENS_QUESTION.match(question) and len(words(question[:further.start()])) >= 3:
        return question[:further.start()]
    return question


# A question of a given type can only be answered by a passage holding that type of fact.
# (question pattern, evidence pattern, what the material lacks)
ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str], str]] = [
    (_Q(r"\b(how much(?! of\b)|how many|dosage|dosing|milligrams?|mg|ml|micrograms?|grams?|percent|percentage|"
        r"how often|how frequently|half[- ]?life|what(?: is|'s| are) the (?:dose|amount|quantity)|"
        r"what (?:dose|amount|quantity) (?:of|for|should|would|is|do|to)|what dose (?!the|it|this|that|ketamine)\w+|"
        + _QUANTITY_ADJ + r"(?:doses?|amounts?|quantity))\b"),
     _Q(r"\d|\b" + _COUNT + r"\b"), "amounts or numbers"),
    # "How much of what the brain does …?" asks for a share, which "nearly all" gives. ("What part of the brain …?"
    # asks which part, read by the other rules.)
    (_Q(r"\b(how much of|what (?:share|proportion|fraction|percentage) of)\b"),
     _Q(r"\d|\b" + _COUNT + r"\b|\b(?:nearly|almost|virtually) all\b|\bthe majority\b"), "amounts or numbers"),
    (_Q(r"\b(how long|after how|how many (?:seconds|minutes|hours|days|weeks|months|years))\b"),
     _Q(r"\b(?:" + _NUMBER_WORD + r"|several|few|many) " + _UNITS + r"\b"), "durations"),
    # How long something lasts is not how long something takes to start ("take several weeks to work").
    (_Q(r"\bhow long\b.*\b(last|lasts|persist|persists|stay|stays|remain|remains|linger|lingers|wear off)\b"),
     _Q(r"\b(lasts?|lasting|persists?|persisting|remains? for|for (?:up to |about |around |at least )?(?:"
        + _NUMBER_WORD + r"|several|few|many) " + _UNITS + r"|up to (?:" + _NUMBER_WORD + r"|several|a few) " + _UNITS
        + r")\b"), "durations of the effect"),
    (_Q(r"\b(how soon|how quickly|how fast)\b"),
     _Q(r"\b(?:" + _NUMBER_WORD + r"|several|few|many) " + _UNITS + r"\b|\b(?:rapid|rapidly|immediate|immediately|quickly|fast)\b"),
     "durations"),
    # "Within hours or days?": durations offered to choose from ask for a duration.
    (_Q(r"\b" + _UNITS + r" or (?:a few |several |many )?" + _UNITS + r"\b"),
     _Q(r"\b(?:" + _NUMBER_WORD + r"|several|few|many) " + _UNITS + r"\b"), "durations"),
    # "Who figured out …?", "who came up with …?": who did something, a question of history.
    (_Q(r"\b(when (?:was|were|did)|what year|which year|in what year|who (?:discovered|invented|created|"
        r"developed|synthesi[sz]ed|first|made|found|came up with|[a-z]{3,}ed (?:out|up|that|on)\b)|history of|"
        r"first (?:used|synthesi[sz]ed|discovered|approved)|"
        r"approved|approval)\b"),
     _Q(r"\b(1[5-9]\d\d|20\d\d|century|decade|approved|approval|discovered|invented)\b"), "dates or history"),
    # "Who makes it?", "who runs the trials?": a doer asked for, told only by a passage naming people or bodies
    # ("who is it for?", "who should avoid it?" ask about the people it concerns).
    (_Q(r"(?:^|[,;:]\s*)(?:so |and |but |ok |then )?who\s+(?!(?:is|are|was|were|do|does|did|should|shouldn't|can|"
        r"could|would|might|may|must|will|need|needs|use|uses|take|takes|get|gets|benefit|benefits|tend|tends|"
        r"respond|responds|has|have|else|exactly)\b)[a-z]{3,}"),
     _Q(r"\b(?:researchers?|scientists?|chemists?|doctors?|physicians?|clinicians?|compan(?:y|ies)|manufacturers?|"
        r"firms?|teams?|laborator(?:y|ies)|universit(?:y|ies)|professors?|inventors?|governments?|agenc(?:y|ies)|"
        r"named (?:after|for)|by [a-z]+ [a-z]+ in)\b"), "names of people or organisations"),
    (_Q(r"\b(legal|illegal|legally|law|laws|controlled substance|schedule [ivx1-5]+|scheduled|penalty|penalties|"
        r"arrested|prescription[- ]only)\b"),
     _Q(r"\b(legal|illegal|law|laws|controlled substance|schedule [ivx1-5]+|scheduled|prescription)\b"), "legal status"),
    (_Q(r"\b(how (?:is|are) (?:it|ketamine|\w+) (?:given|taken|administered|used)|routes? of administration|"
        r"inject(?:ed|ion)?|intravenous|iv|infusion|nasal spray|snort(?:ed|ing)?|as a (?:pill|tablet)|orally|by mouth)\b"),
     _Q(r"\b(inject\w*|intravenous\w*|infusion|nasal|spray|snort\w*|pills?|tablets?|orally|oral|intramuscular)\b"),
     "word on how it is given"),
    (_Q(r"\b((?:street|slang|brand|trade|common|other|popular|chemical) names?|nicknames?|slang (?:terms?|words?)|"
        r"what (?:else )?(?:is|are) (?:it|they|ketamine|\w+) called|what (?:do|does|did|would) \w+ (?:\w+ )?call)\b"),
     _Q(r"\b(called|known as|named|names?|nicknamed|referred to as)\b"), "names"),
    # "Can A and B be taken together?" (but "fitting together" is no combination).
    (_Q(r"\b(together with|(?:take|takes|taken|taking|took|use|used|using|mix|mixed|have|having)\b[^.?!]{0,30}\btogether|"
        r"mix(?:ed|ing)? (?:\w+ )?(?:with|and)|combin(?:e|ed|ing|ation)|interact(?:s|ion|ions)?|"
        r"at the same time as|alongside)\b"),
     _Q(r"\b(together with|mix(?:ed|ing)?|combin\w+|interact\w*|at the same time|alongside)\b"), "combinations"),
    (_Q(r"\b((?:which|what) (?:clinical )?(?:trials?|studies|study|research|papers?|experiments?)|"
        r"(?:studies|research|trials?) (?:show|shows|showed|prove|proved|found|find)|who (?:studied|researched))\b"),
     _Q(r"\b(stud(?:y|ies|ied)|trials?|research\w*|experiments?|evidence|published|journal)\b"), "studies or trials"),
    # Whether an effect lasts or goes away needs a passage that says how long it lasts.
    (_Q(r"\b(go(?:es)? away|reversible|irreversible|revers(?:e|ed|ing) (?:it|them|the|this|that)|(?:be|been|being|get|gets|got) reversed|recover\w*|"
        r"(?:is|are|was|were|be)\b[^.?!]{0,60}\bpermanent|(?:grow|grows|grew|come|comes|came) back(?! to\b)|regrows?|"
        r"regenerates?|"
        r"heal|heals|healed|undo|undone|bounce back|back to normal)\b"),
     _Q(r"\b(revers\w*|irreversib\w*|recover\w*|permanent\w*|temporar\w*|heal\w*|persist\w*|lasting|lasts?|"
        r"go(?:es)? away|back to normal)\b"), "word on whether it lasts"),
    # "Can ketamine kill you?", "can you die from it?", "is it deadly?": whether it can kill a person is told only by a
    # passage on deaths, fatality or overdose ("neurons … die" is about cells, and "kill brain cells" asks about them).
    (_Q(r"\b(kill(?:s|ed|ing)? (?:you|me|us|people|someone|somebody|anyone|a person|humans?|users?|patients?)\b|"
        r"(?:you|i|we|people|someone|somebody|anyone|a person|users?|patients?) (?:\w+ )?(?:die|dies|died|dying)\b|"
        r"deadly|fatal|lethal|overdos\w*)"),
     _Q(r"\b(fatal\w*|lethal\w*|deadly|deaths?|mortality|overdos\w*|life-threatening|"
        r"(?:people|users|patients|persons?) (?:\w+ )?(?:die|died|dying))\b"), "word on whether it can kill"),
    # "Does everyone who takes it feel that?": whether an effect holds for all is told only by a passage on who does.
    (_Q(r"^(?:so |and |but )?(?:does|do|did|will|would|is|are|can)\b[^?.!]*\b(everyone|everybody|every (?:person|user|"
        r"patient|individual)|all (?:people|users|patients|individuals))\b"),
     _Q(r"\b(everyone|everybody|all (?:people|users|patients|individuals)|some (?:people|users|patients|individuals)|"
        r"not everyone|vary|varies|variation|differ(?:s|ences?)? (?:between|among|from person))\b"),
     "word on whether it holds for everyone"),
    # Why a name was given is told only by a passage that says so (what it stands for may be, "(NMDA)").
    (_Q(r"\b(why\b[^?.!]*\bnamed|why\b[^?.!]*\bcalled (?:that|this|so)|why\b[^?.!]*\bcall (?:it|them|\w+) (?:a|an|the)|"
        r"name (?:come|comes|came|derive|derives) from|"
        r"origin of (?:the|its) name)\b"),
     _Q(r"\b(named (?:after|for)|name (?:comes|came|derives)|gets its name|called [^.]*because|so called)\b"),
     "word on where the name comes from"),
    # "The second most common …?": a rank is told only by a passage that ranks that far ("the most abundant" is first).
    (_Q(r"\b(second|third|fourth|fifth|2nd|3rd|4th|5th)[- ](?:most|least|largest|biggest|highest|lowest|[a-z]+est)\b"),
     _Q(r"\b(second|third|fourth|fifth|2nd|3rd|4th|5th)\b"), "rankings beyond the first"),
    # "Does it show up on a drug test?": whether something is detected is told only by a passage about tests.
    (_Q(r"\b((?:drug|urine|blood|hair|saliva|tox\w*) (?:tests?|screens?|screenings?)|show(?:s|ing)? up (?:on|in) (?:a |an |the )?"
        r"(?:\w+ ){0,2}(?:tests?|screens?|scans?)|detect(?:ed|able|ion)?|test(?:s|ed)? positive)\b"),
     _Q(r"\b(tests?|tested|screens?|screening|detect\w*|scans?|urine)\b"), "word on tests or detection"),
    # "How do I know if he's addicted?": telling whether something is so needs a passage giving its signs.
    (_Q(r"\bhow (?:do|can|would|could|will|should|does) (?:i|you|we|one|someone|people|they|a \w+) (?:\w+ )?"
        r"(?:know|tell|recogni[sz]e|spot|check|notice)\b(?! (?:me|us)\b)"),
     _Q(r"\b(signs?|symptoms?|indicat\w*|recogni[sz]\w*|diagnos\w*|warning|tell-tale|noticeable)\b"), "signs to tell by"),
    # "Which one is safer?", "which has fewer side effects?": a comparison of harms needs a passage that speaks of harm.
    (_Q(r"\b(safer|safest|riskier|riskiest|(?:more|less) (?:dangerous|harmful|risky|toxic|addictive)|"
        r"(?:fewer|more|less) (?:side effects|risks|harms?))\b"),
     _Q(r"\b(safe\w*|risk\w*|danger\w*|harm\w*|side effects?|adverse|toxic\w*)\b"), "comparisons of safety"),
    # "Why do vets pick it over other anesthetics?": a comparison with the others of a kind is told only by a passage that
    # compares ("contrasts with traditional antidepressants", "unlike", "faster than").
    (_Q(r"\b(?:over|instead of|rather than|compared (?:to|with)|unlike|than|versus|vs\.?) (?:the |all |any |most )?other\b"),
     _Q(r"\b(?:contrasts?|contrasting|unlike|compared (?:to|with)|comparison|whereas|in contrast|differs? from|instead of|"
        r"rather than|(?:more|less|better|worse|faster|slower|safer|stronger|weaker)\s+(?:\w+\s+)?than)\b"),
     "comparisons with others of its kind"),
    # "Where exactly on the receptor does it bind?": a place on or inside a thing needs a passage naming such a place
    # ("where in the brain …?" asks for regions, which the other rules read).
    (_Q(r"^(?:so |and |but |ok |okay )?where (?:exactly |precisely )?(?:on|inside|within|at) (?:the|a|an|this|that|its) "),
     _Q(r"\b(sites?|pockets?|inside|within|channels?|pores?|parts? of|regions?|areas?|domains?|subunits?|surface|located)\b"),
     "places inside it"),
    # "What does N-methyl-D-aspartate mean chemically?", "its chemical formula": chemistry is told only by a passage
    # that speaks of chemicals, molecules or atoms (the material's name for a thing says nothing of its chemistry).
    (_Q(r"\b(chemically|chemical (?:formula|structure|makeup|composition|class|family)|molecular (?:structure|formula|weight)|"
        r"(?:structural )?formula|molecule look like)\b"),
     _Q(r"\b(chemicals?|chemistry|formulas?|atoms?|molecules?|compounds?|proteins?)\b"), "word on its chemistry"),
    (_Q(r"\b(price|cost|costs|how much does .* cost|expensive|cheap|insurance)\b"),
     _Q(r"\b(price|cost|dollars?|euros?|pounds?|\$|€|£)"), "prices"),
]


# "Is it used in children?", "shown in rats?": a group of people or animals the question is about.
_POPULATION = _Q(r"\b(children|child|kids?|teens?|teenagers?|adolescents?|babies|baby|infants?|toddlers?|elderly|seniors|"
                 r"pregnan\w*|rats?|mice|mouse|monkeys?|primates?)\b")
# "Explain it like I'm a kid": whom an explanation is for.
_AUDIENCE_OF = _Q(r"\b(?:like|as if|as though|as)\s+(?:i'm|i am|im|i was|you're|to|for)\s+(?:a |an |my |\d+\s*(?:years? old\s*)?)?(?:\w+\s+)?$"
                  r"|\b(?:to|for)\s+(?:a |an |my )(?:\w+\s+)?$")
# "Is it safe for children?": who or what the question is about must be something the material discusses.
_CIRCUMSTANCE = _Q(r"\b(?:safe|safer|dangerous|risky|harmful|okay|ok|allowed)\b[^.?!]{0,40}?"
                   r"\b(?:for|during|while|in)\s+(?:a |an |the |my |your |young |old |older |elderly |pregnant )?"
                   r"([a-z]{4,})")


# Words that ask for a judgement rather than name a concept: "Is it harmful to memory?" is answered by
# what the material says about memory.
_JUDGEMENTS = frozenset("""harm harmful harmless dangerous danger risky risk risks unsafe safe safer bad worse
    good better beneficial helpful healthy unhealthy""".split())


def names(text: str) -> dict[str, str]:
    """Words written as names, lower-cased to as written: all capitals ("LSD", "GABA") or capitals inside ("mTOR").

    Three capitals name something ("DMT"); other three-letter words rarely carry a question's point.
    A message in capitals throughout names nothing by it.
    """
    tokens = re.findall(r"\b[A-Za-z][A-Za-z0-9]{2,}\b", text)
    if sum(t.isupper() for t in tokens) > len(tokens) / 2:
        return {}
    return {t.lower(): t for t in tokens if t.isupper() or (any(c.isupper() for c in t[1:]) and any(c.islower() for c in t))}


# "Does ketamine raise blood pressure?", "Is ketamine habit-forming?": a yes/no question about what something
# does or is. Its target (what follows the verb) is what the material must speak of.
_EFFECT_VERBS = (r"affects?|causes?|raises?|lowers?|increases?|decreases?|reduces?|damages?|harms?|hurts?|helps?|"
                 r"treats?|improves?|worsens?|impairs?|triggers?|makes?|leads? to|gives?|induces?|prevents?|cures?")
# "Can you give me an overview?" asks the tutor for something, not what something does.
# ("Can the damage be reversed?": a verb's form after a determiner is a noun.)
_EFFECT = _Q(r"^(?:so |and |but |also )?(?:does|do|did|can|could|will|would|might|may)\s+(?!you\b|u\b)"
             r"(?!(?:the|a|an|this|that|these|those|my|your|his|her|its|their|our)\s+(?:" + _EFFECT_VERBS + r")\b)"
             r"(?:\w+[-' ]?){1,3}?\s*"
             r"(?:" + _EFFECT_VERBS + r")\s+(.+)$|^(?:is|are|was|were)\s+(?:it|they|this|that|\w+)\s+(.+)$")
# "Can ketamine stop your heart?": any verb after the material's subject (or a pronoun for it) has a target too.
_ACTS = _Q(r"^(?:so |and |but |also )?(?:does|do|did|can|could|will|would|might|may)\s+(?P<subject>[a-z'-]+)\s+"
           r"(?:ever |really |actually |also |still |just )?(?P<verb>[a-z'-]+)\s+(?P<target>.+)$")
_PRONOUNS = frozenset("it they this that".split())
# Who would do something in "can I …?", "should you …?", "will people …?".
_PERSONS = frozenset("i we you u he she someone somebody people anyone anybody one".split())
# "Does it ever feel like you're watching yourself?": what follows a verb of likeness describes, in any words.
# "Does that go away?", "does it wear off fast?": a verb with its particle; the answer-type rules read those.
_PARTICLE = _Q(r"^(?:away|off|up|down|out|back|on|over|through|in)\b")
_LIKENING = frozenset("feel feels seem seems look looks sound sounds appear appears".split())
# Words of a target that name no concept of their own ("make you feel sick", "heart problems").
_TARGET_FILLER = frozenset("""people ppl folks person someone somebody anyone anybody everyone you your yourself they them their
    he she him her user users person's feel feels feeling felt problems problem issues issue effects effect
    symptoms damage changes stuff bit lot able likely possible really actually also ever even""".split())


# Contractions written without their apostrophe ("theyre", "im", "dont") are function words, not concepts.
_CONTRACTIONS = frozenset(w.replace("'", "") for w in STOPWORDS if "'" in w) - {
    "hell", "shell", "well", "ill", "wed", "shed", "were", "id", "its"}
# Internet shorthand that frames a message ("ELI5: how does …") and names nothing the answer is about.
_SHORTHAND = frozenset("eli5 eli tldr tl;dr imo imho btw fyi pls plz thx idk iirc afaik ngl tbh lol omg asap".split())
# "Can you unpack …", "could you please spell out …": the verb says what the tutor should do, not what about.
_REQUEST = _Q(r"\b(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|just\s+|maybe\s+|briefly\s+)?([a-z]+)")
# "Summarize the effects on memory", "give me an overview of …": a request for a kind of answer, not a concept.
_ASKS_FORM = _Q(r"^(?:please\s+)?(?:(summari[sz]e|outline|recap)|give\s+me\s+(?:an?\s+)?(overview|summary|recap))\b")


# "My textbook calls it …", "our lecturer says …": where the learner read or heard something is no part of what is asked.
_SOURCE = _Q(r"\b(?:my|our|the|a|this|one)\s+(?:\w+\s+)?(?:textbooks?|books?|teachers?|professors?|prof|lecturers?|tutors?|"
             r"instructors?|notes|lectures?|class|classes|course|articles?|videos?|podcasts?|friends?|parents?|mum|mom|dad|"
             r"doctors?|therapists?|psychiatrists?|coach|website|source)\s+(?:also\s+|just\s+)?(?:calls?|called|says?|said|"
             r"describes?|described|mentions?|mentioned|explains?|explained|claims?|claimed|told\s+(?:me|us)|refers?\s+to)\b")
# "anterograde amnesia, i.e. trouble making new memories": the learner glosses a term in other words.
_GLOSSED = _Q(r"([a-z'-]+(?:\s+[a-z'-]+)?)\s*,?\s*\(?\s*(?:i\.\s?e\.?|that is,?|in other words,?|meaning)\s+([^?!.;()]+)")


def glossed_terms(question: str, known: Callable[[str], bool]) -> set[str]:
    """The words of a term the learner glosses in words the material uses ("X, i.e. Y" with most of Y's words
    known): the answer must speak of the gloss, not of the term's own words."""
    glossed: set[str] = set()
    for m in _GLOSSED.finditer(normalize(question)):
        gloss = content_words(m.group(2))
        if gloss and sum(map(known, gloss)) * 2 >= len(gloss):
            glossed |= set(words(m.group(1))) - set(STOPWORDS)
    return glossed


def framing_words(question: str) -> set[str]:
    """Words that frame a request to the tutor (shorthand, the verb of "can you …") rather than name a concept."""
    q = normalize(question)
    # "… in the text supposed to show?": the learner points at the material and asks what it means to say.
    pointing = {w for m in _POINTS_AT_MATERIAL.finditer(q) for w in words(m.group(0))} | {
        w for m in re.finditer(r"\bsupposed\s+to\s+(?:show|mean|say|illustrate|explain)\b", q) for w in words(m.group(0))}
    source = {w for m in _SOURCE.finditer(q) for w in words(m.group(0))} - set(STOPWORDS)
    form = {w for m in _ASKS_FORM.finditer(q) for w in m.groups() if w}
    return ({w for w in re.findall(r"[a-z0-9;]+", q) if w in _SHORTHAND} | {m.group(1) for m in _REQUEST.finditer(q)}
            | pointing | source | form)


# "Which other receptors …?", "which specific brain regions …?": the kind of thing the learner wants named.
# "What are the 'other receptors' …?" asks which, too.
_ASKS_WHICH = _Q(r"\b(?:what(?:'re|\s+are|\s+were)\s+the|which|what)\s+((?:(?:other|specific|particular|exact|kinds? of|types? of|"
                 r"sorts? of)\s+)*)([a-z'-]+(?:\s+[a-z'-]+){0,2})")
# "What leads to …", "what causes the …": a verb before "to" or a determiner, not a kind asked to be named.
_VERB_READING = _Q(r"^[a-z]+s\s+(?:to|the|a|an|this|that|these|those|its|it|them|your|my|our|their|his|her|you|people|someone)\b")
# "Name a couple of SSRIs", "list some X", "examples of X": as with "which X?", the learner wants names.
_ASKS_NAMES = _Q(r"\b(?:name|list)\s+(?:a\s+(?:few|couple)(?:\s+of)?|some|any|two|three|several|the)\s+([a-z'-]+(?:\s+[a-z'-]+)?)"
                 r"|\bexamples?\s+of\s+([a-z'-]+(?:\s+[a-z'-]+)?)")
# "Which animals do …", "which brain areas get …", a bare "which animals?": a kind named before the verb or alone, so
# a noun, not "which happens first".
_ASKS_WHICH_NOUN = _Q(r"\b(?:which|what\s+(?:other|specific|particular|kinds? of|types? of|sorts? of))\s+"
                      r"(?:(?:other|specific|particular|kinds? of|types? of|sorts? of)\s+)*(?:[a-z'-]+\s+)?([a-z'-]{4,})"
                      r"(?:\s+(?:do|does|did|is|are|was|were|can|could|will|would|has|have|should|get|gets)\b|\s*[?.!]*$)")
# Determiners with which a passage mentions things without naming them ("other receptors", "certain regions").
_VAGUE = frozenset("other certain some various unspecified unnamed".split())


# The verb that follows a wh-phrase in a question ("which X is …", "which X does …").
_INVERTED_VERBS = frozenset("is are was were do does did has have".split())


def asked_kind(question: str) -> list[str]:
    """The words (two, or three before the question's verb) of the noun phrase a "which X …?" question asks to be named
    ("brain regions")."""
    # Quotation marks around the kind ("the 'certain conditions'") are no part of it.
    text = re.sub(r"[\"‘’“”]|(?<![a-z])'|'(?![a-z])", " ", normalize(question))
    match = _ASKS_WHICH.search(text)
    names_asked = _ASKS_NAMES.search(text)
    if not match and not names_asked:
        return []
    if match and not match.group(1) and _VERB_READING.match(match.group(2) + text[match.end():]):
        return []
    asked = words(match.group(2) + text[match.end():] if match else names_asked.group(1) or names_asked.group(2))
    # "Which other mental health conditions is ketamine used for?": a third word is the head when the question's verb
    # follows it; else two words at most ("which brain regions become …", not "which brain regions become").
    length = 3 if len(asked) > 3 and asked[3] in _INVERTED_VERBS else 2
    phrase = []
    for w in asked[:length]:
        if w in STOPWORDS or w in QUESTION_WORDS:
            break
        phrase.append(w)
    return phrase


def vaguely_named(kind: Sequence[str], sentences: Sequence[str]) -> bool:
    """Whether the first sentence that mentions the kind's head word does so only vaguely ("in certain brain regions").

    Such a passage says that there are some, not which: it cannot answer a question asking which.
    """
    if not kind:
        return False
    head = stem(kind[-1])
    for sentence in sentences:
        tokens = words(sentence)
        at = [i for i, t in enumerate(tokens) if stem(t) == head]
        if at:
            # "antidepressants, like SSRIs, which …" gives the kind as a bare example of another; "impairments, such
            # as problems with recalling …" says what the members are.
            example = re.search(rf"\b(?:like|such as|including)\s+{re.escape(tokens[at[0]])}\s*[,;.)]", normalize(sentence))
            return example is not None or all(any(t in _VAGUE for t in tokens[max(0, i - 3):i]) or _as_a_class(kind, tokens, i, sentence)
                                              for i in at)
    return False


# What a kind named as a class is followed by when the sentence goes on to name its members ("regions like …").
_MEMBERS_FOLLOW = frozenset("like such including namely especially".split())


def _as_a_class(kind: Sequence[str], tokens: Sequence[str], at: int, sentence: str) -> bool:
    """Whether the kind (two words or more) is written whole as a bare plural ("trigger molecular events that …"), with
    no article, possessive, number or name before it ("Pahoehoe lava flows" names one) and no members after it: the
    sentence says there are such things, not which."""
    start = at - len(kind) + 1
    if len(kind) < 2 or start < 0 or [stem(t) for t in tokens[start:at + 1]] != [stem(k) for k in kind]:
        return False
    before = re.search(rf"\b{re.escape(tokens[start - 1])}\b", sentence, re.IGNORECASE) if start > 0 else None
    if before is not None and before.group(0)[0].isupper():
        return False
    if not tokens[at].endswith("s") or (start > 0 and (tokens[start - 1] in STOPWORDS and tokens[start - 1] not in
                                                        ("to", "of", "in", "on", "for", "with", "from", "into")
                                                        or tokens[start - 1].isdigit())):
        return False
    return not (at + 1 < len(tokens) and tokens[at + 1] in _MEMBERS_FOLLOW)


# Single-word members of the kinds of thing the claim judge knows (grounding.ENTITIES: "glutamate", "NMDA", "BDNF").
_MEMBERS = frozenset(stem(w) for members in ENTITIES.values() for w in members.split() if "_" not in w)


# A question that opens by asking for a kind ("which neurotransmitter …", "what animals …").
_OPENS_WHICH = _Q(r"^(?:so |and |but |ok |okay |then )?(?:which|what)\s+(?!(?:is|are|was|were|do|does|did)\b)[a-z]")


# "What's the main inhibitory neurotransmitter in the brain?": a qualified kind after "the", which asks which one.
_THE_QUALIFIED_KIND = _Q(r"^(?:so |and |but |ok |okay )?(?:what's|whats|what is|which is) the ((?:[a-z'-]+ ){1,3})"
                         r"([a-z'-]{4,})(?:\s+(?:in|of|for|among|that|which|used|at)\b|\s*[?.!]*$)")


def qualified_kind(question: str) -> list[str]:
    """The head noun of a qualified kind a "what's the X Y Z?" question asks to be named ("neurotransmitter"), else []."""
    match = _THE_QUALIFIED_KIND.match(normalize(question).strip())
    if not match or any(w in STOPWORDS for w in words(match.group(1))) or match.group(2) in STOPWORDS:
        return []
    return [match.group(2)]


def names_a_member(kind: Sequence[str], sentence: str) -> bool:
    """Whether a sentence speaks of the kind asked for or names a thing that could be one of it: the kind's head word,
    a member of an entity kind ("glutamate"), or a name written in capitals ("BDNF")."""
    stems = {stem(w) for w in words(sentence)}
    return stem(kind[-1]) in stems or bool(stems & _MEMBERS) or bool(names(sentence))


# "What other neurotrophic factors besides that one?": the learner wants one not named yet.
_OTHER = _Q(r"\b(?:what|which) (?:other|else)\b|\b(?:besides|apart from|other than|except)\b")


_POINTING = _Q(r"\b(?:that|this|the) one\b")
_EXCLUDED = _Q(r"\b(?:besides|apart from|other than|except)\s+([^,;?!.]+)")


def nothing_new_named(question: str, standalone: str, sentences: Sequence[str]) -> bool:
    """Whether a question asking for other things than those named gets passages that name only those.

    "One of these is BDNF" answers "what else besides BDNF?" with nothing. Counted by names written as names
    ("BDNF"), so passages that name things in plain words never trigger it.
    """
    if not _OTHER.search(question):
        return False
    # "Besides growing synapses, does BDNF do anything else?" excludes a thing said in plain words, not a name:
    # the learner asks what else it does, which passages that name only BDNF may well tell.
    excluded = _EXCLUDED.search(question)
    if excluded and not _POINTING.search(excluded.group(1)) and not any(
            re.search(rf"\b{re.escape(written)}\b", excluded.group(1)) for written in names(question).values()):
        return False
    named = set(names(" ".join(sentences)))
    asked = set(words(f"{question} {standalone}"))
    # "besides that one" points back at the one thing the passages name.
    pointed = len(named) == 1 and bool(_POINTING.search(question))
    return bool(named) and (named <= asked or pointed)


_STANDS_FOR = _Q(r"\b(?:stand|stands|short|abbreviation|acronym|abbreviated)\b")


def unexpanded(question: str, sentences: Sequence[str]) -> list[str]:
    """The abbreviations a "what does X stand for?" question asks about that no sentence spells out.

    A passage spells one out as "Brain-Derived Neurotrophic Factor (BDNF)", "BDNF (brain-derived …)" or
    "BDNF stands for …"; naming an abbreviation is not explaining it.
    """
    if not _STANDS_FOR.search(question):
        return []
    missing = []
    for lower, written in names(question).items():
        plural = rf"{re.escape(lower)}s?"
        spelled = _Q(rf"\(\s*{plural}\s*\)|\b{plural}\s*\(|\b{plural}\b[^.]*\b(?:stands? for|short for)\b")
        if not any(spelled.search(s) for s in sentences):
            missing.append(written)
    return missing


# "What is serotonin?", "what's a synapse", "define neuroplasticity": the learner asks what a term is.
_DEFINE = _Q(r"^(?:so |and |ok |okay |but )?(?:what(?:'s| is| are)|whats|define)\s+(?:an? |the )?(.+?)\s*"
             r"(?:,?\s*(?:\band\b.*|\bin (?:plain|simple) \w+|\bexactly|\bactually|\blike))?(?:\s-\s.*)?\s*[?.!]*$")


def asked_term(question: str) -> str:
    """The term a "what is X?" question asks about, as written ("" when the question asks anything else)."""
    # Quotation marks around the term ("what are the 'molecular events'?") are no part of it.
    match = _DEFINE.match(re.sub(r"\s+", " ", re.sub(r"\"|(?<![a-z])'|'(?![a-z])", " ", normalize(question))).strip())
    return match.group(1) if match else ""


# "What does antagonist mean?", "what is meant by neuroplasticity?": the learner asks what a term means.
_MEANS = _Q(r"^(?:so |and |ok |okay |but )?(?:what (?:does|do) (?:the (?:word|term) )?(?:an? |the )?(.+?) (?:mean|stand for)|"
            r"what(?:'s| is) meant by (?:an? |the )?(.+?))(?: exactly| here| in (?:plain|simple) \w+| in (?:this|that|the) "
            r"(?:context|case|text|article|sentence|passage))?\s*[?.!]*$")


def meant_term(question: str) -> str:
    """The term a "what is X?" or "what does X mean?" question asks about, as written, else ""."""
    # Quotation marks around the term ("what does 'antagonist' mean?") are no part of it.
    match = _MEANS.match(re.sub(r"\s+", " ", re.sub(r"\"|(?<![a-z])'|'(?![a-z])", " ", normalize(question))).strip())
    return next((g for g in match.groups() if g), "") if match else asked_term(question)


# A sentence defines a term that is followed by an apposition, a gloss or a copula ("neuroplasticity, the
# brain's ability …", "synapses (connections …)", "executive functions—the skills …", "X occurs when …").
_DEFINING = r"\)?(?:\s*,\s*(?:which|who|the|an?|meaning|i\.e\.)\b|\s*\(|\s*[—–:]|\s+-\s|\s+(?:is|are|occurs|refers|means)\b)"
# A thing named as what something relies on or uses to do a thing ("relies on neurotransmitters to transmit …").
_USED_FOR = r"\b(?:rel(?:y|ies|ied|ying)\s+on|depends?\s+on|uses?|using|needs?|employs?)\s+(?:the\s+|its\s+|their\s+|an?\s+)?"
# A sentence that goes on about its predecessor's point ("This means …", "This process …").
_GLOSS_OPENING = _Q(r"^(?:this|that|these|those|such|it)\b")
# A sentence that says what its predecessor's term means ("… an antagonist. This means it blocks …").
_GLOSS_NEXT = _Q(r"^(?:this|that|which|in other words)\b\W*(?:is|means|refers)\b")


def defined_in(term: str, sentences: Sequence[str]) -> bool:
    """Whether some sentence says what a term is: an apposition, gloss or copula right after one of its words
    (plural or singular), "known as X" glossed by the next sentence, or a next sentence that says what it means."""
    # An abbreviation in parentheses names what precedes it ("N-methyl-D-aspartate (NMDA) receptor"), it says nothing
    # of what that is: read without it ("Neurotrophic Factor, which …"), and with it as a word ("BDNF, which …").
    acronym = r"\s*\(([A-Z][A-Za-z0-9-]*[A-Z][a-z]?)\)"
    readings = [re.sub(acronym, "", s) for s in sentences] + [re.sub(acronym, r" \1", s) for s in sentences]
    for i, sentence in enumerate(readings):
        text = normalize(sentence)
        following = normalize(readings[i + 1]) if i + 1 < len(readings) and i + 1 != len(sentences) else ""
        for w in words(term):
            if w in STOPWORDS or len(w) < 3:
                continue
            mention = rf"\b{re.escape(w.rstrip('s'))}s?\b"
            if re.search(mention + _DEFINING, text) or (re.search(mention, text) and _GLOSS_NEXT.search(following)):
                return True
            # What a thing is for says what it is ("the network relies on neurotransmitters to transmit signals").
            if re.search(_USED_FOR + mention + r"\s+to\s+[a-z]{3,}", text):
                return True
            if re.search(rf"\b(?:known as|called|named)\s+(?:an? |the )?{mention}\s*[.,]?$", text) and following:
                return True
    return False


_PARTICIPLE = _Q(r"^(?:(?:only|ever|still|always|also|just|mainly|mostly|usually|often|really)\s+)*"
                 r"(?:[a-z]+(?:ed|en)|found|made|done|kept|held|sold|put|set|brought|bought|told|left|lost|built|sent)\s+"
                 r"(?=(?:to|for|by|in|on|with|as|at|into)\b)")
# An example the learner gives ("…, like with exercise?", "such as PTSD"): what the answer must speak of.
_EXAMPLE = _Q(r"(?:,\s*|\(\s*)(?:like|e\.?g\.?|say)\s+(?:with\s+|by\s+|through\s+)?([^,;()?!.]+)|"
              r"\b(?:such as|for example|for instance)\s+([^,;()?!.]+)")
# The sides of a comparison: "the difference between A and B", "compare A to B", "A vs B".
_COMPARED = [
    _Q(r"\bdifferences? between\s+(.+?)\s+and\s+([^,;?!.]+)"),
    _Q(r"\b(?:compares?|comparing|comparison)\s+(?:(.+?)\s+)?(?:to|with|against)\s+([^,;?!.]+?)(?:\s+(?:for|in|when|as)\b|$)"),
    _Q(r"\b(\S+)\s+(?:vs\.?|versus)\s+([^,;?!.]+)"),
]


# "What does ketamine do to heart rate?", "how does it affect sleep?", "its effect on mood": what it acts on.
_ACTED_ON = [
    _Q(r"^(?:so |and |but |ok |okay )?what (?:does|do|did|can|could|will|would|might) (?:\S+\s+){1,3}?do to (.+)$"),
    _Q(r"^(?:so |and |but |ok |okay )?how (?:does|do|did|can|could|will|would|might) (?:\S+\s+){1,3}?"
       r"(?:affect|impact|influence|alter) (.+)$"),
    _Q(r"\b(?:effects?|impacts?|influence) (?:does \S+ (?:have|has) |(?:of|from) \S+(?: \S+)? )?on (.+)$"),
]


# "Compare it to me like I'm 12": a pronoun after "compare … to" is whom the comparison is for, not a side of it.
_AUDIENCE = _Q(r"^(?:me|us|you|him|her|them|someone|somebody)\b")


def focus_parts(question: str) -> list[str]:
    """The parts of a question its answer must speak of: a yes/no question's target, examples, compared sides."""
    parts: list[str] = []
    match = _EFFECT.match(question)
    if match:
        # "Is it only given to people?": the participle says what is done; what it is done to is the target.
        parts.append(match.group(1) or _PARTICIPLE.sub("", match.group(2)))
    for found in _EXAMPLE.finditer(question):
        parts.append(found.group(1) or found.group(2))
    acted_on = next((m for m in (p.search(question) for p in _ACTED_ON) if m), None)
    if acted_on:
        parts.append(acted_on.group(1))
    for pattern in _COMPARED:
        for found in pattern.finditer(question):
            parts += [side for side in found.groups() if side and not _AUDIENCE.match(side)]
    return parts


# "How is A different from B?", "the difference between A and B", "is that the same thing as B?", "how does it compare to
# B?": the learner asks how two things compare. ("The roadblock comparison" names the material's own comparison.)
_ASKS_COMPARISON = _Q(r"\b(?:differen(?:ce|ces|t|tly)|differs?|differing)\b(?=[^?.!]*\b(?:between|from|than|to)\b)|"
                      r"\bdifferen(?:ce|ces|t|tly)\b\s*[?.!]*$|"
                      r"\bcompar(?:e|es|ed|ing)\s+(?:to|with)\b|\b(?:how|where) (?:does|do|did|would) [a-z' ]{1,40}\bcompare\b|"
                      r"\b(?:the )?same(?: thing| as| kind of| sort of)\b|\bsimilar to\b|\b(?:vs\.?|versus)\s")
# A sentence that compares: it sets one thing against another ("contrasts with", "markedly different … than", "unlike",
# "while therapeutic doses …, chronic overuse …", "comparable to", "functions like a fertilizer").
COMPARES = _Q(r"\b(?:contrasts?|contrasting|unlike|compared|comparable|comparison|whereas|in contrast|differs?|different|"
              r"differently|difference|same as|similar|rather than|instead of|like an?|[a-z]+er than|more \w+ than|"
              r"less \w+ than)\b|^(?:while|whereas)\b|,\s*while\b")
# Words of a comparison question that name neither side ("how is it different from …", "in terms of").
_COMPARING_WORDS = frozenset("""different differently difference differences differ differs compare compared comparing
    comparison same similar thing kind sort versus terms basically exactly really""".split())


# "Why is BDNF compared to fertilizer?", "why does the article compare it to a roadblock?": a comparison the material makes.
_MATERIALS_COMPARISON = _Q(r"\b(?:is|are|was|were|be|being|gets?|got)\s+(?:\w+\s+)?compared\b|"
                           r"\b(?:article|text|author|passage|material|it)\s+(?:\w+\s+)?compar(?:e|es|ed|ing)\s+(?!to\b|with\b)")


def asks_comparison(question: str) -> bool:
    """Whether a question asks how two things compare ("how is ketamine different from SSRIs?", "is that the same thing
    as X?"), not about a comparison the material makes ("the roadblock comparison", "why is BDNF compared to …?")."""
    q = normalize(question)
    return bool(_ASKS_COMPARISON.search(q)) and not _MATERIALS_COMPARISON.search(q)


# "Why do SSRIs take so long to work?": a why-question about what a thing does or is.
_WHY_OF = _Q(r"^(?:so |and |but |ok |okay )?why (?:do|does|did|is|are|was|were|would|can|could) (?:the |a |an )?([a-z'-]{3,})\b")


def in_passing(question: str, sentences: Sequence[str], subject: Collection[str]) -> str:
    """What a why-question asks about when the material names it only as a bare example of something else, else "".

    "Antidepressants, like SSRIs, which … take several weeks" says what SSRIs do in passing, next to what the text is
    about; it says nothing of why. The material's own subject is never in passing."""
    match = _WHY_OF.match(normalize(question))
    if not match or match.group(1) in STOPWORDS or match.group(1) in _PRONOUNS or stem(match.group(1)) in subject:
        return ""
    thing = match.group(1)
    mentions = [normalize(s) for s in sentences if re.search(rf"\b{re.escape(thing)}\b", normalize(s))]
    example = rf"\b(?:like|such as|including|e\.g\.)\s+{re.escape(thing)}\s*[,;.)]"
    return thing if mentions and all(re.search(example, s) for s in mentions) else ""


# "Where exactly in the head is the prefrontal cortex?", "where is X located?": the learner asks where a thing is.
_WHERE_IS = _Q(r"^(?:so |and |but |ok |okay )?where (?:exactly |roughly )?(?:in (?:the|your|our) [a-z]+ |on (?:the|a) [a-z]+ )?"
               r"(?:exactly )?(?:is|are) (?:the |a |an |that |this )?([a-z' -]+?)(?: (?:located|found|situated|positioned))?"
               r"(?: in (?:the|your|our) [a-z]+)?(?:,? (?:physically|exactly|actually))?\s*[?.!]*$")


# "My therapist suggested ketamine infusions, what does it do to my brain?", "I read about X, how does it …?": a
# clause that says where the learner met the subject, then the question itself.
_CONTEXT = _Q(r"^(?P<who>(?:my|our|a)\s+(?:[a-z'-]+\s+){0,2}?[a-z'-]+\s+(?:said|says|suggested|suggests|mentioned|"
              r"mentions|recommended|recommends|prescribed|offered|told (?:me|us) about|brought up|talked about)|"
              r"i(?:'ve| have)?\s+(?:read|heard|seen|saw|was told)(?:\s+about|\s+of)?|"
              r"i(?:'m| am)\s+(?:getting|having|starting|considering|thinking (?:about|of))|"
              r"i(?:'ve| have) been\s+(?:prescribed|offered|getting|having))\s+(?P<what>[^,;:?!.]+?)\s*[,;:.!]\s*"
              r"(?P<rest>(?:so |and |but )?(?:what|which|who|how|why|where|when|does|do|did|is|are|can|could|will|would|should)\b.+)$")


def context_words(question: str, subject: Collection[str]) -> set[str]:
    """Words of a leading context clause that only say where the learner met the material's subject.

    In "my therapist suggested ketamine infusions, what does it do to my brain?" the reporter ("therapist") and
    the words right beside the subject ("infusions") describe the occasion; the question after the comma asks
    about the subject. Anything else the clause reports ("ketamine and lithium") stays part of the question, and
    so does every clause that does not name the subject (a "what does it do?" about esketamine).
    """
    match = _CONTEXT.match(normalize(question))
    if not match:
        return set()
    what = words(match.group("what"))
    at = [i for i, w in enumerate(what) if stem(w) in subject]
    if not at:
        return set()
    beside = {what[j] for i in at for j in (i - 1, i + 1, i + 2) if 0 <= j < len(what)
              and (j != i + 2 or what[i + 1] in ("of", "for"))}
    # "infusions of ketamine" as well as "ketamine infusions"; the reporter and its verb name no concept.
    beside |= {what[i - 2] for i in at if i >= 2 and what[i - 1] in ("of", "for")}
    asked = set(words(match.group("rest")))
    return ({w for w in words(match.group("who"))} | beside) - asked - set(STOPWORDS)


# "Where in the brain?", "where does it act most in the brain?": the learner asks for a place within a space they name
# (a bare "where does glutamate act?" is answered by what it acts on; "where does X come from?" asks for a source).
_ASKS_PLACE = _Q(r"^(?:so |and |but |ok |okay |then )?(?:where\b(?![^?.!]*\b(?:comes?|came|coming|stems?|originates?) from\b)"
                 r"[^?.!]*\bin (?:the|your|our|a|my) [a-z]+"
                 # "which brain regions …?", "what part of the brain …?" (not a part of the article, or one it plays)
                 r"|(?:in )?(?:what|which)(?: [a-z]+)? (?:regions?|areas?|parts? of (?:the|your|our|a|my) "
                 r"(?!article|text|material|course|lesson|process|story)[a-z]+))")
# A sentence that names a place: a region or site, or where a thing is found or strongest ("prominent in brain regions
# like the prefrontal cortex", "located in …").
STATES_PLACE = _Q(r"\b(?:regions?|areas?|sites?|locations?|zones?|lobes?|located|situated)\b|"
                  r"\b(?:prominent|concentrated|found|strongest|strong|abundant|active) in\b")


def asks_place(question: str) -> bool:
    """Whether a question asks where in a space it names something is or happens ("where in the brain?")."""
    return bool(_ASKS_PLACE.match(normalize(question).strip()))


# "What's the role of GABA here?", "how does the text explain …": the learner points at the material itself.
_POINTS_AT_MATERIAL = _Q(r"\bhere\s*[?.!]*$|\b(?:in|from|by) (?:the|this|your) (?:text|article|material|passage|reading|"
                         r"lesson|course|chapter|section)\b|\bthe (?:text|article|author|passage) (?:says?|said|mentions?|"
                         r"calls?|means?)\b")
# "After treatment", "while on it": a time around something.
_AROUND = _Q(r"\b(?:after|during|before|following|between|while (?:on|taking|having|getting))\s+(?:a |an |the |my |your |this |that |each |every )?"
             r"([a-z]{4,})")
_AROUND_BELOW = 5.2
# "Speaking of fertilizer, how often should I fertilize my plants?": an opener that takes up a word of the material to
# turn to something else; whether the question is about the material is read from what follows it.
_SEGUE = _Q(r"^(?:so |and |oh |ok |okay )?(?:speaking of|talking (?:of|about)|on the (?:topic|subject) of|"
            r"(?:while|since) we(?:'re| are) (?:on|talking about)|that reminds me of)\b[^,;:?!]*[,;:]\s*(?=\S)")


# Words by which a follow-up points back at what was said ("why does *that* happen?", "is there a cure for *it*?").
# A relational noun with nothing after it that says of what ("what's *the opposite*?", "and *the reason*?") points back
# too: it is the opposite of what was just said.
_RELATIONAL = frozenset("opposite reverse contrary converse antonym counterpart alternative difference reason cause".split())
_POINTS_BACK = _Q(r"\b(?:it|its|that|this|these|those|they|them|their|there|he|she|the same|such|one)\b|"
                  r"\bthe (?:" + "|".join(sorted(_RELATIONAL)) + r")\b(?!\s+(?:of|between|to|for|from|with)\b)")
# A message can lean on the conversation without a pronoun: it chooses among what was said ("which is worse?", "which one
# is safer?"), or asks for what something has without saying of what ("what signs should I look for?", "any risks?").
_CHOOSES = _Q(r"\bwhich(?: one| ones)?(?: of (?:them|those|these|the two|both))?\s+(?:is|are|was|were|'s|would|will|does|do|"
              r"did|has|have|should|can|could)\b(?!\s+(?:the|a|an)\b)")
# Nouns that say what a thing has or brings ("signs", "risks") and ask of what when nothing follows.
_BELONGING = frozenset("signs symptoms risks dangers effects consequences".split())
_ASKS_BELONGING = _Q(r"\b(?:the|what|which|any|those|these|some|other) (?:warning )?(?:" + "|".join(sorted(_BELONGING)) + r")\b"
                     r"(?!\s+(?:of|from|for|with|in|on)\b)")
# Verbs of looking out for something ("look for", "watch out for"): what is looked for is the point, not the looking.
_LOOKING = frozenset("look looking watch watching notice spot expect".split())
# Closing particles of a reply ("… last though?"), no concept of their own.
_DISCOURSE = frozenset("though tho anyway".split())


def without_segue(question: str) -> str:
    """The question after a segue opener ("speaking of fertilizer, how often …" → "how often …"), else as it is."""
    return _SEGUE.sub("", normalize(question)) if _SEGUE.match(normalize(question)) else question
# A phrase in quotation marks: "how fast is 'rapid'?" quotes the material when its words are the material's.
_QUOTED = re.compile(r"(?:^|[\s(])['\"‘“]([^'\"‘’“”]{2,40})['\"’”](?=[\s,.?!)]|$)")


# Second halves of a hyphenated word that describe rather than name ("dream-like", "brain-wise").
_COMPOUND_SUFFIXES = frozenset("like wise ish based related style type free level esque shaped sized ish linked".split())

# ("over", "under" and "out" are left out: an overdose is not a kind of dose.)
_ENGLISH_PREFIXES = frozenset("re un non pre post mis dis co".split())


def field_words(forms: Collection[str]) -> set[str]:
    """Words of the material's field it never uses: the other members of each kind of entity (grounding.ENTITIES:
    chemicals, receptors, brain regions …) that the material names a member of. "What is GABA?" asks about a
    chemical of the kind the material discusses (glutamate), however far apart an embedding puts the two."""
    field: set[str] = set()
    for members in ENTITIES.values():
        names_ = [m.split("_") for m in members.split()]
        if any(all(part in forms for part in name) for name in names_):
            field |= {part for name in names_ if len(name) == 1 for part in name if part not in forms}
    return field


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


# From this Zipf frequency an English word is common enough that a non-word a letter away from it is its misspelling.
_COMMON_AT = 4.0


@lru_cache(maxsize=1)
def _common_words() -> list[str]:
    return [w for w in _everyday_words() if zipf_frequency(w, "en") >= _COMMON_AT]


def _sound(word: str) -> str:
    """A rough spelling of how a word sounds, so phonetic misspellings meet their word ("disociashun")."""
    word = re.sub(r"(?:tion|sion|shun|cion|tian)", "shn", word.lower())
    word = word.replace("ph", "f").replace("ck", "k").replace("qu", "kw")
    return re.sub(r"(.)\1+", r"\1", word)


class Answerability:
    """Rules over retrieval signals; thresholds were set on tests/data/answerability.yaml."""

    def __init__(self, vocabulary: Vocabulary, embed: Embed, vocabulary_vectors: np.ndarray, *,
                 domain: np.ndarray | None = None,
                 min_topic: float = 0.30, rare_below: float = 3.9,
                 synonym_at: float = 0.45, everyday_at: float = 4.8, loose_synonym_at: float = 0.6,
                 ablation_gain: float = 0.06, domain_at: float = 0.22, close_synonym_at: float = 0.65,
                 domain_ablation: float = -0.01, domain_core: float = 0.35, target_synonym_at: float = 0.6,
                 follow_up_synonym_at: float = 0.5, specific_below: float = 3.5):
        self.vocabulary = vocabulary
        self.embed = embed
        self.vocabulary_vectors = vocabulary_vectors
        # Meaning is compared with content words only: an unknown word near "its" or "from" ("ECT") is near
        # nothing the material says.
        self._content_vectors = vocabulary_vectors[[w not in STOPWORDS for w in vocabulary.words]]
        # The material's centre in embedding space (mean of its sentence vectors): a word near it
        # belongs to the material's field ("opioid" for an article on ketamine) even when the
        # material never uses it.
        self.domain = None if domain is None else domain / (np.linalg.norm(domain) or 1.0)
        self.min_topic = min_topic
        self.rare_below = rare_below
        self.synonym_at = synonym_at
        self.everyday_at = everyday_at
        self.loose_synonym_at = loose_synonym_at
        self.ablation_gain = ablation_gain
        self.domain_at = domain_at
        self.close_synonym_at = close_synonym_at
        self.domain_ablation = domain_ablation
        self.domain_core = domain_core
        self.target_synonym_at = target_synonym_at
        self.follow_up_synonym_at = follow_up_synonym_at
        self.specific_below = specific_below
        self.sounds = [_sound(w) for w in vocabulary.words if len(w) >= 4]
        n = vocabulary.n_texts
        # The material's subject: stems used in many passages ("ketamine", "brain", "glutamate").
        # Everyday words ("system", "use") are excluded: they do not make a question on-topic.
        self.subject = {s for s, (df, word) in vocabulary.document_frequency.items()
                        if df / n >= 0.25 and everyday_frequency(word) < 5.2}
        self.forms = set(vocabulary.words)
        self.field = field_words(self.forms)

    def about_material(self, question: str) -> bool:
        """Whether a question with none of the material's subject words is still about the material.

        It is when it uses one of the material's technical terms ("what is aspartate?": a corpus word rare in
        everyday English), quotes the material's words ("how fast is 'rapid'?") or points at the
        material ("what's the role of GABA here?"). Such a question is declined as not in the material, never as
        off-topic, however weakly retrieval matches it."""
        q = normalize(without_segue(question))
        # "Here" points at the material when the question names something ("the role of GABA here", not "the weather
        # like here").
        if _POINTS_AT_MATERIAL.search(q) and (names(question) or any(self.vocabulary.known(w) for w in content_words(q))):
            return True
        if any(any(self.vocabulary.known(w) for w in content_words(m.group(1))) for m in _QUOTED.finditer(q)):
            return True
        # "Can I drive after treatment?": what one may do around something the material discusses (a word it uses
        # that is not among the commonest of English, which "after years" or "during the day" use).
        if any(self.uses_form(m.group(1)) and everyday_frequency(m.group(1)) < _AROUND_BELOW for m in _AROUND.finditer(q)):
            return True
        for w in content_words(self.vocabulary.repair(q)):
            # A technical term as the material writes it ("aspartate"), not another word of its stem ("derivative"
            # of "derived"); or another thing of a kind the material names ("GABA", a chemical like glutamate).
            if (self.uses_form(w) and everyday_frequency(w) < self.rare_below) or w in self.field:
                return True
        return False

    def off_in_conversation(self, question: str, standalone: str) -> bool:
        """Whether a follow-up is off the material though the earlier turns lend it the subject's words.

        "thanks! and what's the weather going to be like tomorrow?" opens like a follow-up, so its standalone form
        carries "dissociation" from the question before; what the learner asks names nothing the material speaks of:
        no word of theirs is a corpus word (or its variant, misspelling or compound) or near one, and nothing points
        back at what was said ("why does *that* happen?"). The material's field and quoted words keep it on topic."""
        if normalize(standalone).strip() == normalize(plain_question(question)).strip():
            return False  # not read with the conversation
        q = normalize(without_segue(self.respell(question)))
        if _POINTS_BACK.search(q) or self.about_material(question):
            return False
        framing = framing_words(question)
        own = [w for w in content_words(self.vocabulary.repair(q)) if w not in _SHORTHAND and w not in _CONTRACTIONS
               and w not in _DISCOURSE and w not in framing]
        # A rare word ("what happens to your bladder?" after "is it addictive?") may name a concept of the field the
        # material does not cover: declined as not in the material, not called off-topic.
        if not own or any(self._spoken_of(w) or everyday_frequency(w) < self.rare_below for w in own):
            return False
        return float((self.embed(own) @ self._content_vectors.T).max()) < self.follow_up_synonym_at

    def leans_on_conversation(self, question: str) -> bool:
        """Whether a message points back and names nothing of its own ("what's the opposite?", "ok and after that?",
        "which is worse?", "what signs should I look for?"): its topic is what was just said, so it is never off-topic,
        however weakly that is matched; what it asks is declined when the material does not say it."""
        q = normalize(without_segue(question))
        if not (_POINTS_BACK.search(q) or _CHOOSES.search(q) or _ASKS_BELONGING.search(q)):
            return False
        return not [w for w in content_words(q) if w not in _SHORTHAND and w not in _CONTRACTIONS
                    and w not in _DISCOURSE and w not in _RELATIONAL and w not in _BELONGING and w not in _JUDGEMENTS
                    and w not in _LOOKING and w not in ("one", "ones")]

    def respell(self, text: str) -> str:

        """Text with misspelt common words spelt right ("whats the diffrence between …"), so the rules that read a
        question's wording see it. Only a non-word that is no corpus word's misspelling nor a prefixed form of one is
        respelt, and only into a common English word: a technical term never becomes another."""
        def right(match: re.Match[str]) -> str:
            word = match.group(0)
            lower = word.lower()
            frequency = zipf_frequency(lower, "en")
            if len(lower) < 5 or not lower.isalpha() or word.isupper() or frequency >= 2.5 \
                    or self.vocabulary.known(lower) or self._prefixed(lower):
                return word
            found = process.extractOne(lower, _common_words(), scorer=fuzz.ratio, score_cutoff=88)
            # A corpus word at least as close is what the learner meant ("recepter"), as the material's repair reads it.
            corpus = self.vocabulary.correct(lower)
            if not found or zipf_frequency(found[0], "en") < frequency + 2.0 \
                    or (corpus != lower and fuzz.ratio(lower, corpus) >= found[1]):
                return word
            return found[0]
        return re.sub(r"[A-Za-z]+", right, text)

    def written_form(self, word: str) -> str:
        """The word as the material writes it, singular or plural ("ssri" → "ssris"), else the word itself."""
        if self.vocabulary.known(word):
            return word
        return next((f for f in (word + "s", word + "es", word[:-1]) if f in self.forms and f), word)

    def uses_form(self, word: str) -> bool:
        """Whether the material writes this word, in the singular or the plural."""
        return bool({word, word + "s", word[:-1] if word.endswith("s") else word} & self.forms)

    def foreign_concepts(self, question: str, unknown: Sequence[str], evidence: Sequence[str],
                         acronyms: Collection[str] = ()) -> list[str]:
        """Unknown words that name something the material never discusses.

        Everyday words ("faster", "people") are let through: they rarely carry the point of a
        question, and neither do variants of corpus words ("hallucinations" / "hallucinatory"),
        compounds of them ("painkiller" / "pain") or misspellings. What is left counts as foreign when

        - it is rare and unlike any corpus word in meaning ("psilocybin", "bladder"); or
        - it belongs to the material's field (near the domain centre) without being a close synonym
          of a corpus word, and the best passages do not speak to it: the question matches them no
          worse without the word. Related concepts of the same field are what embeddings confuse
          most ("opioid" with "NMDA", "heroin" with "medication"); or
        - it is only loosely like a corpus word and the question matches the best passages clearly
          better without it ("damage the bladder").
        """
        # A name written with capitals ("mTOR", "GABA") is no misspelling or variant of a corpus word.
        candidates = [w for w in dict.fromkeys(unknown) if (len(w) >= 4 or w in acronyms)
                      and w not in _JUDGEMENTS and everyday_frequency(w) < self.everyday_at
                      and (w in acronyms or not (self._variant(w) or self._typo(w))) and not self._compound(w)]
        if not candidates:
            return []
        vectors = self.embed(candidates)
        similarity = (vectors @ self._content_vectors.T).max(axis=1)
        # A rare word that puts a prefix before a corpus word names another thing ("esketamine"), however
        # alike the two look to the embedding.
        foreign = [w for w, sim in zip(candidates, similarity, strict=True)
                   if (sim < self.synonym_at or self._prefixed(w)) and everyday_frequency(w) < self.rare_below]
        if not evidence:
            return foreign
        domain = vectors @ self.domain if self.domain is not None else np.zeros(len(candidates))
        gain = self._ablation_gain(question, candidates, evidence)
        for w, sim, near, g in zip(candidates, similarity, domain, gain, strict=True):
            if w in foreign:
                continue
            # Deep in the field ("hippocampus", "addictive"), a rare word names a concept of its own even when the
            # passages match better with it: they speak of neighbouring concepts, not of it.
            in_field = near >= self.domain_at and sim < self.close_synonym_at and (
                g >= self.domain_ablation or (near >= self.domain_core and everyday_frequency(w) < self.rare_below))
            loose = sim < self.loose_synonym_at and g >= self.ablation_gain
            if in_field or loose:
                foreign.append(w)
        return foreign

    def _ablation_gain(self, question: str, candidates: Sequence[str], evidence: Sequence[str]) -> np.ndarray:
        """How much better the question matches the evidence without each word (negative: the word helps)."""
        variants = [question] + [re.sub(rf"\b{re.escape(w)}\b", " ", question) for w in candidates]
        match = (self.embed(variants) @ self.embed(list(evidence)).T).max(axis=1)
        return match[1:] - match[0]

    def _compound(self, word: str) -> bool:
        """A compound of a corpus word and an everyday word ("painkiller": "pain" + "killer")."""
        for i in range(4, len(word) - 3):
            parts = (word[:i], word[i:])
            if any(p in STOPWORDS for p in parts):  # "over" + "dose" is not a kind of dose
                continue
            if any(self.vocabulary.known(p) for p in parts) and min(zipf_frequency(p, "en") for p in parts) >= 3.5:
                return True
        return False

    def unknown_target(self, question: str) -> list[str]:
        """The words of what the question is about when the material never speaks of it, else [].

        What it is about: the target of a yes/no question ("Does ketamine raise blood pressure?") and its doer
        when that is not the material's subject ("Can exercise boost BDNF?"), an example the learner gives ("…, like with exercise?") and each side of a comparison ("the difference between
        dissociation and depersonalization"). Such a part is unspoken of when none of its words is a corpus
        word or close to one. Everyday words are judged here too, which the foreign-concept test leaves
        alone: these parts are the point of the question.
        """
        parts = focus_parts(question.rstrip(" ?!."))
        framing = framing_words(question)
        acts = _ACTS.match(question.rstrip(" ?!."))
        # "Can exercise boost BDNF?": what a thing the material never speaks of does, it cannot say either.
        # The verb must read as one: a word the material does not use, or a verb of effect ("can heavy long-term use
        # …", "can heavy ketamine use …" have an adjective before a corpus noun).
        verb = acts.group("verb") if acts else ""
        if acts and acts.group("subject") not in _PRONOUNS and acts.group("subject") not in STOPWORDS \
                and verb not in STOPWORDS and "-" not in verb \
                and (not self.vocabulary.known(verb) or re.fullmatch(_EFFECT_VERBS, verb)):
            parts.append(acts.group("subject"))
        # "Can I drive after treatment?": what a person would do is the point; a verb the material never uses nor
        # comes near is something it does not speak of.
        if acts and acts.group("subject") in _PERSONS and verb not in STOPWORDS and verb not in _LIKENING \
                and "-" not in verb and verb not in framing:
            parts.append(verb)
        acts = None if _EFFECT.match(question.rstrip(" ?!.")) else acts
        if acts and (acts.group("subject") in _PRONOUNS or stem(acts.group("subject")) in self.subject) \
                and acts.group("verb") not in STOPWORDS and acts.group("verb") not in _LIKENING:
            # "Does it show up on a drug test?": after a verb's particle, what it is said of ("go away" alone is left to
            # the rules on whether it lasts).
            particle = _PARTICLE.match(acts.group("target"))
            target = acts.group("target")[particle.end():] if particle else acts.group("target")
            if content_words(target):
                parts.append(target)
        elif acts and acts.group("subject") in _PERSONS and acts.group("verb") not in STOPWORDS \
                and acts.group("verb") not in _LIKENING and acts.group("verb") not in framing:
            # "Do people build a tolerance to ketamine?": what a person would come to have or do is its direct object,
            # the noun phrase before any preposition (what follows names the subject it is had to).
            obj = re.split(r"\b(?:to|of|for|from|with|on|in|after|over|during|when|if|because)\b",
                           acts.group("target"), maxsplit=1)[0]
            if [w for w in content_words(obj) if stem(w) not in self.subject]:
                parts.append(obj)
        for part in parts:
            # An example of a concept the material names illustrates it ("perceive space, like distances and
            # rooms"); an example of something it does not ("in other ways, like with diet") is the question.
            before = re.search(rf"(\w+)\W*(?:like|e\.?g\.?|say|such as|for example|for instance)\s+(?:with\s+|by\s+|through\s+)?"
                               rf"{re.escape(part)}", question)
            if before and before.group(1) not in STOPWORDS and self.vocabulary.known(before.group(1)):
                continue
            target = [w for w in content_words(self.vocabulary.repair(part)) if w not in _TARGET_FILLER
                      and w not in _JUDGEMENTS and w not in _CONTRACTIONS and w not in framing]
            if not target:
                continue
            kind = self.unnamed_kind(part)
            if kind:
                return kind
            # One word the material knows is enough: a rarer unknown word beside it is as often a learner's synonym
            # ("help the brain rewire itself") as a concept of its own ("suicidal thoughts").
            if any(self.vocabulary.known(w) or self._variant(w) or self._typo(w) or self._compound(w) for w in target):
                continue
            similarity = (self.embed(target) @ self._content_vectors.T).max(axis=1)
            if similarity.max() < self.target_synonym_at:
                return target
        return []

    def _spoken_of(self, word: str) -> bool:
        return self.vocabulary.known(word) or self._variant(word) or self._typo(word) or self._compound(word)

    def unnamed_kind(self, part: str) -> list[str]:
        """A kind of a thing the material names that it never names itself ("the default mode network": the material
        speaks of a communication network), as [modifiers…, noun], else [].

        The modifiers are the words right before a corpus noun that the material never uses nor comes near; the
        material's subject ("heavy ketamine use") and adverbs ("quickly") are left out."""
        tokens = words(part)
        for i, noun in enumerate(tokens):
            if i == 0 or noun in STOPWORDS or not self.vocabulary.known(noun) or stem(noun) in self.subject:
                continue
            modifiers: list[str] = []
            for w in reversed(tokens[:i]):
                if w in STOPWORDS or w in _TARGET_FILLER or w in _JUDGEMENTS or w.endswith("ly") or len(w) < 3 \
                        or not w.isalpha() or self._spoken_of(w):
                    break
                modifiers.insert(0, w)
            if len(modifiers) >= 2 and (self.embed(modifiers) @ self._content_vectors.T).max(axis=1).min() < self.target_synonym_at:
                return [*modifiers, noun]
        return []

    def unnamed_compound(self, question: str) -> str:
        """A hyphenated term of the learner's that the material never names ("treatment-resistant depression"), else "".

        Hyphenated, a word names a term with its neighbour, however everyday it is alone ("resistant"): the term is
        unnamed when one of its words is one the material never uses nor comes near. Suffixes ("dream-like",
        "brain-wise") and participles ("ketamine-induced") describe in the learner's words and are left alone."""
        for compound in re.findall(r"\b[a-z]+(?:-[a-z]+)+\b", normalize(question)):
            if any(p in _COMPOUND_SUFFIXES or p.endswith(("ed", "ing", "ly")) for p in compound.split("-")):
                continue
            parts = [p for p in compound.split("-") if len(p) >= 3 and p not in STOPWORDS]
            unspoken = [p for p in parts if not self._spoken_of(p)]
            if unspoken and (self.embed(unspoken) @ self._content_vectors.T).max(axis=1).min() < self.target_synonym_at:
                return compound
        return ""

    def unrelated_kind(self, kind: Sequence[str], question: str, sentences: Sequence[str]) -> str:
        """The word that qualifies a "which X …?" question when no sentence naming an X speaks of it, else "".

        "Which neurotransmitter do the inhibitory neurons use?" asks for a member of a kind the material names
        ("glutamate") related to a concept it discusses ("inhibitory"); only a sentence that does both can answer it.
        The qualifier is the question's most specific word the material uses (rarest in everyday English), beyond
        the kind, the material's subject and the framing; words it never uses are the foreign-concept test's."""
        # "What's the difference between what X and Y do?" asks for no kind.
        if not (_OPENS_WHICH.match(normalize(question)) or qualified_kind(question)):
            return ""
        framing = framing_words(question)
        asked = {stem(w) for w in kind}
        qualifiers = [w for w in dict.fromkeys(content_words(self.vocabulary.repair(normalize(question))))
                      if stem(w) not in asked and stem(w) not in self.subject and w not in _TARGET_FILLER
                      and w not in _JUDGEMENTS and w not in _CONTRACTIONS and w not in _SHORTHAND and w not in framing
                      and self.vocabulary.known(w) and everyday_frequency(w) < self.specific_below]
        if not qualifiers:
            return ""
        key = min(qualifiers, key=everyday_frequency)
        naming = [s for s in sentences if names_a_member(kind, s)]
        return "" if any(stem(key) in {stem(w) for w in words(s)} for s in naming) else key

    def uncompared(self, question: str, sentences: Sequence[str]) -> bool:
        """Whether a question asking how two things compare gets no sentence that compares and names one of them.

        "Does ketamine work differently in depressed people than in healthy people?" is not answered by "… markedly
        different consequences than use in controlled, therapeutic settings", which compares other things; "how is
        ketamine different from SSRIs?" is, by "This mechanism contrasts with traditional antidepressants, like SSRIs".
        The sides are the question's words beyond the material's subject, the framing and the comparing words; a
        question whose sides are all the subject needs a comparing sentence only. Two things the material describes
        can be contrasted from what it says of each ("is dissociation the same thing as hallucinating?", "the difference
        between ketamine blocking glutamate and the glutamate surge afterwards"): only a comparison with something it
        never speaks of (a word it does not use nor vary, adverbs aside) needs the material to compare."""
        if not asks_comparison(question):
            return False
        framing = framing_words(question)
        side_words = [w for w in content_words(self.vocabulary.repair(normalize(question)))
                      if stem(w) not in self.subject and w not in _COMPARING_WORDS and w not in _TARGET_FILLER
                      and w not in _JUDGEMENTS and w not in _CONTRACTIONS and w not in _SHORTHAND and w not in framing]
        if not any(not self._spoken_of(w) and not w.endswith(("ly", "wards")) for w in side_words):
            return False
        # Stemmed as lexical matching stems them: "an SSRI" is a side of "… like SSRIs".
        sides = set(lexical_stems(" ".join(side_words)))
        for sentence in sentences:
            if COMPARES.search(normalize(sentence)) and (not sides or sides & set(lexical_stems(sentence))):
                return False
        return True

    def never_related(self, question: str, sentences: Sequence[str]) -> list[str]:
        """Two things a question names (as names: "SSRIs", "BDNF") that no sentence names together, else [].

        "Do SSRIs also raise BDNF levels?" asks how two things the material discusses bear on each other; passages
        about each alone cannot say. The material's subject is left out: every passage is about it.
        """
        written = names(question)
        named = [w for w in written if self.vocabulary.known(w) and stem(w) not in self.subject]
        if len(set(map(stem, named))) < 2:
            return []
        stems = {stem(w) for w in named}
        if any(len(stems & {stem(w) for w in words(s)}) >= 2 for s in sentences):
            return []
        return [written[named[0]], written[named[1]]]

    def undefined_term(self, question: str, passages: Sequence[Passage]) -> str:
        """The term a "what is X?" question asks about when the material uses it but never says what it is, else "".

        Only a bare term of corpus words counts ("what is serotonin?"), not a question about it ("what is X used
        for?"): naming a term ("the serotonin system") does not explain it. Read over the passages' sentences in
        order, so a gloss in the next sentence counts ("… known as dissociation. This is a sense of detachment").
        """
        asked = asked_term(question)
        if not asked:
            return ""
        term = [w for w in words(asked.replace("'", " ")) if w not in _SHORTHAND]
        term = [self.vocabulary.correct(w) for w in term]
        if not 1 <= len(term) <= 4 or any(w in STOPWORDS or not self.vocabulary.known(w) for w in term):
            return ""
        sentences = [s.text for p in passages for s in p.chunk.sentences]
        return "" if defined_in(" ".join(term), sentences) else " ".join(term)

    def defines(self, term: str, passages: Sequence[Passage]) -> bool:
        """Whether the passages say what a bare term of one to four corpus words is."""
        term_words = [self.vocabulary.correct(w) for w in words(term.replace("'", " "))]
        if not 1 <= len(term_words) <= 4 or any(w in STOPWORDS or not self.vocabulary.known(w) for w in term_words):
            return False
        return defined_in(" ".join(term_words), [s.text for p in passages for s in p.chunk.sentences])

    def unplaced(self, question: str, sentences: Sequence[str]) -> str:
        """The thing a "where is X?" question asks to locate when the material names it but never says where it is, else "".

        Only X itself, a short phrase of corpus words ("where in the head is the prefrontal cortex?"); "where is that
        effect strongest?" asks where something holds, which "prominent in brain regions like …" answers. A sentence
        places X with a preposition of place right after it ("chambers beneath a volcano", "X is located in …")."""
        match = _WHERE_IS.match(normalize(question))
        if not match:
            return ""
        thing = [self.vocabulary.correct(w) for w in words(match.group(1))]
        if not 1 <= len(thing) <= 3 or any(w in STOPWORDS or not self.vocabulary.known(w) for w in thing):
            return ""
        head = re.escape(stem(thing[-1]))
        placed = _Q(rf"\b{head}\w*\s+(?:(?:is|are|was|were|lies|lie|sits|sit)\s+)?(?:(?:located|situated|found)\s+)?"
                    r"(?:in|at|on|beneath|below|under|underneath|above|behind|near|inside|within|between|along)\b")
        # … or with a place word before it in its clause ("Deep below the surface, the mantle is …").
        before = _Q(rf"\b(?:below|beneath|under|underneath|above|behind|inside|deep|near|at the (?:front|back|base|top))\b"
                    rf"[^.;]*\b{head}")
        mentioned = [normalize(s) for s in sentences if re.search(rf"\b{head}", normalize(s))]
        return " ".join(thing) if mentioned and not any(placed.search(s) or before.search(s) for s in mentioned) else ""

    def _kind_in_material(self, kind: list[str], question: str) -> list[str]:
        """[] when the material has no word for a kind asked as a noun before its verb ("which animals do …?": it
        cannot say which), else the kind as asked. A close synonym ("areas" for "regions") is not read as the kind:
        the sentence that mentions it vaguely is as often about something else (golden: "which brain area's skills")."""
        head = self.vocabulary.correct(kind[-1])
        if self.vocabulary.known(head) or self._variant(head) or self._typo(head):
            return kind
        if (self.embed([head]) @ self._content_vectors.T).max() >= self.close_synonym_at:
            return kind
        noun = _ASKS_WHICH_NOUN.search(normalize(question))
        return [] if noun and noun.group(1) == kind[-1] else kind

    def _prefixed(self, word: str) -> bool:
        # An English prefix makes a form of the same word ("regrowth" of "growth"), not another substance.
        return any(prefixed(word, v) and word[: len(word) - len(v)] not in _ENGLISH_PREFIXES for v in self.vocabulary.words)

    def _typo(self, word: str) -> bool:
        """A non-word one edit or two away from a much more frequent everyday word ("hapen", "peple")."""
        frequency = zipf_frequency(word, "en")
        if len(word) < 4 or frequency >= 2.5:
            return False
        # A non-word loosely like a corpus word is a phonetic spelling of it ("disociashun").
        if self._prefixed(word):
            return False
        if frequency < 1.0 and process.extractOne(_sound(word), self.sounds, scorer=fuzz.ratio, score_cutoff=80):
            return True
        # "reuptake" is near "retake" and "ampa" near "tampa", but they are rare words, not misspellings.
        return any(zipf_frequency(match, "en") >= frequency + 2.0 for match, _, _ in
                   process.extract(word, _everyday_words(), scorer=fuzz.ratio, score_cutoff=80, limit=5))

    def _variant(self, word: str) -> bool:
        # Another ending of the same stem ("hallucinations" / "hallucinatory"), not merely the same first letters
        # ("psychosis" / "psychological"); inside a longer word too ("depression" / "antidepressant").
        root, own = word[:6], stem(word)
        if len(word) >= 6 and any(root in v and (own in v or word.startswith(stem(v)))
                                  for v in self.vocabulary.words if len(v) >= 6):
            return True
        # An English prefix before a corpus word ("regrowth", "unblocked") makes a form of that word.
        return any(word.startswith(p) and len(word) - len(p) >= 4 and self.vocabulary.known(word[len(p):])
                   for p in _ENGLISH_PREFIXES)

    def coverage(self, question: str, sentences: Sequence[str]) -> list[float]:
        """How closely the best sentences speak of each word the question asks about, one value per word.

        The words are the question's content words beyond the material's subject; a word the sentences share
        (by stem) scores 1, any other its best cosine with their content words. A question the material answers
        has what it asks about stated in some retrieved sentence, in its words or in near synonyms.
        """
        asked = [w for w in dict.fromkeys(content_words(self.vocabulary.repair(normalize(question))))
                 if stem(w) not in self.subject and w not in _SHORTHAND and w not in _TARGET_FILLER]
        if not asked or not sentences:
            return [1.0] * len(asked)
        said = list(dict.fromkeys(w for s in sentences for w in content_words(s)))
        stems = {stem(w) for w in said}
        open_ = [w for w in asked if stem(w) not in stems]
        scores = dict.fromkeys(asked, 1.0)
        if open_ and said:
            similarity = (self.embed(open_) @ self.embed(said).T).max(axis=1)
            scores.update(zip(open_, (float(x) for x in similarity), strict=True))
        return [scores[w] for w in asked]

    def assess(self, question: str, standalone: str, passages: Sequence[Passage],
               ranked: Sequence[ScoredSentence]) -> tuple[bool, list[tuple[str, str]], dict]:
        """(off the material's subject, the decline rules that fire as (name, reason), the signals)."""
        question, standalone = self.respell(question), self.respell(standalone)
        q = normalize(standalone)
        top = ranked[0] if ranked else None
        best_dense = max((p.dense for p in passages), default=0.0)
        best_sentence = top.dense if top else 0.0
        words_ = content_words(self.vocabulary.repair(q))
        known = [w for w in words_ if self.vocabulary.known(w)]
        unknown = [w for w in words_ if not self.vocabulary.known(w) and w not in _CONTRACTIONS]
        on_subject = [w for w in known if stem(w) in self.subject]
        features: dict = {
            "best_chunk": round(best_dense, 3), "best_sentence": round(best_sentence, 3),
            "known": known, "unknown": unknown, "subject": on_subject,
        }
        # Off the subject and weakly matched: off-topic, unless it is about the material all the same; then it may be
        # declined for a reason below, and is declined anyway (nothing retrieved speaks to it).
        weak = not on_subject and max(best_dense, best_sentence) < self.min_topic
        if weak and not self.about_material(question) and not self.leans_on_conversation(question):
            return True, [], features
        if self.off_in_conversation(question, standalone):
            return True, [], features
        fired: list[tuple[str, str]] = []
        # Where the learner met the subject is no part of what is asked ("my therapist suggested ketamine infusions, …").
        occasion = context_words(question, self.subject)
        if occasion:
            clause = _CONTEXT.match(q)
            q = clause.group("rest") if clause else q
            unknown = [w for w in unknown if w not in occasion]
        texts = [s.sentence.text for s in ranked]
        # A best sentence's gloss is part of what it says ("… an antagonist at these receptors. This means it
        # temporarily blocks the receptor …").
        glosses = [s.chunk.sentences[s.index + 1].text for s in ranked[:3] if s.index + 1 < len(s.chunk.sentences)
                   and _GLOSS_OPENING.match(s.chunk.sentences[s.index + 1].text)]
        evidence = " ".join(texts[:3] + glosses).lower()
        retrieved = " ".join(texts).lower()
        main = main_question(q)
        for asks, holds, lacking in ANSWER_TYPES:
            asked_for = asks.search(main)
            if asked_for and _names_its_idea(main, asked_for, retrieved):
                continue
            if asked_for and not holds.search(evidence):
                fired.append(("type", f"it gives no {lacking}"))
                break
        passing = in_passing(question, [s.text for p in passages for s in p.chunk.sentences], self.subject)
        if passing:
            fired.append(("passing", f"it names {passing} only as an example, not why"))
        unplaced = self.unplaced(question, [s.text for p in passages for s in p.chunk.sentences])
        if unplaced:
            fired.append(("where", f"it never says where the {unplaced} is"))
        undefined = self.undefined_term(question, passages)
        if undefined:
            fired.append(("definition", f"it names {undefined} but never says what it is"))
        missing = unexpanded(question, texts)
        if missing:
            fired.append(("abbreviation", f"it never spells out {', '.join(missing)}"))
        asked = asked_kind(question)
        # "Which SSRI …": the kind as the material writes it ("SSRIs"), whose stem differs.
        asked = asked[:-1] + [self.written_form(asked[-1])] if asked else asked
        if asked and not self.vocabulary.known(asked[-1]):
            asked = self._kind_in_material(asked, question)
            if not asked:
                fired.append(("which", f"it never says which {_as_written(question, asked_kind(question)[-1])}"))
        if asked and self.vocabulary.known(asked[-1]) and vaguely_named(asked, texts[:3]):
            fired.append(("which", f"it does not say which {_as_written(question, ' '.join(asked_kind(question)))}"))
        elif asked and self.vocabulary.known(asked[-1]) and self.unrelated_kind(asked, question, texts[:3]):
            fired.append(("which", f"it never says which {_as_written(question, ' '.join(asked_kind(question)))}"))
        elif not asked and self.vocabulary.known((qualified := qualified_kind(question) or [""])[-1]) \
                and self.unrelated_kind(qualified, question, texts[:3]):
            fired.append(("which", f"it never says which {_as_written(question, qualified[-1])}"))
        if nothing_new_named(question, standalone, texts[:3]):
            fired.append(("others", "it names no others"))
        unrelated = self.never_related(question, [s.text for p in passages for s in p.chunk.sentences])
        if unrelated:
            fired.append(("relation", f"it never relates {unrelated[0]} to {unrelated[1]}"))
        circumstance = _CIRCUMSTANCE.search(q)
        who = circumstance.group(1) if circumstance else ""
        if who and not self.vocabulary.known(self.vocabulary.correct(who)) and not self._variant(who):
            fired.append(("circumstance", f"it says nothing about {who}"))
        else:
            group = next((m.group(1) for m in _POPULATION.finditer(q) if not self.vocabulary.known(m.group(1))
                          and not _AUDIENCE_OF.search(q[:m.start()])), "")
            if group:
                fired.append(("circumstance", f"it says nothing about {group}"))
        # From the learner's own words: the context a follow-up is given names the subject, not the target.
        target = self.unknown_target(normalize(question))
        if target:
            features["target"] = target
            # Named as the learner wrote it, from its first unknown word to its last ("blood pressure or heart rate").
            span = re.search(rf"\b{re.escape(target[0])}\b.*\b{re.escape(target[-1])}\b", normalize(question))
            named = thing_named(question, span.group(0) if span else " ".join(target), target)
            fired.append(("target", f"it never mentions {named}" if named else _SAYS_NOTHING))
        coined = self.unnamed_compound(question)
        if coined:
            fired.append(("compound", f"it never mentions {coined}"))
        framing = framing_words(question) | glossed_terms(question, self.vocabulary.known)
        acronyms = {k: v for k, v in names(f"{question} {standalone}").items() if k not in framing}
        # Of several joined questions, the first decides (main_question): a further one's concepts do not.
        further = set(words(q[len(main):])) - set(words(main))
        foreign = self.foreign_concepts(q, [w for w in unknown if w not in framing and w not in further], texts[:3], acronyms)
        features["foreign"] = foreign
        if foreign:
            # The reason names what the learner just asked about, not words a follow-up borrowed from earlier turns.
            own = [w for w in foreign if re.search(rf"\b{re.escape(w)}", normalize(question))] or foreign
            foreign_named = foreign_phrases(question, [acronyms.get(w, w) for w in own])
            fired.append(("foreign", f"it never mentions {foreign_named}" if foreign_named else _SAYS_NOTHING))
        # Last of the reasons: a thing the material never mentions ("what's the difference between dissociation and a
        # k-hole?") says more than that it does not compare them.
        if self.uncompared(question, texts):
            fired.append(("comparison", "it does not compare them"))
        coverage = self.coverage(question, texts[:3])
        features["coverage_min"] = round(min(coverage, default=1.0), 3)
        features["coverage_mean"] = round(float(np.mean(coverage)) if coverage else 1.0, 3)
        focus = [s.focus for s in ranked[:3] if s.focus is not None]
        features["best_focus"] = round(max(focus) if focus else best_sentence, 3)
        # Weakly matched but asking what a term of the material means, which a retrieved sentence says: answered
        # ("what does antagonist mean?" finds "… act as an antagonist … This means it temporarily blocks …").
        if weak and not fired and not self.defines(meant_term(question), passages):
            fired.append(("weak", ""))
        return False, fired, features

    def judge(self, question: str, standalone: str, passages: Sequence[Passage],
              ranked: Sequence[ScoredSentence]) -> Verdict:
        """Classify a question given what retrieval found for it."""
        off, fired, features = self.assess(question, standalone, passages, ranked)
        if off:
            return Verdict(kind="out_of_scope", reason="not about the material", features=features)
        first = fired[0][0] if fired else ""
        features["rules"] = [name for name, _ in fired]
        # The words a question is declined for (premise.stands_despite) are those of the rule that gives the reason.
        if first != "foreign":
            features["foreign"] = []
        if first != "target":
            features.pop("target", None)
        if fired:
            return Verdict(kind="not_in_material", reason=fired[0][1], features=features)
        return Verdict(kind="answer", features=features)


# The reason given when the words a question is declined for name no thing ("… be reversed if you stop").
_SAYS_NOTHING = "it does not go into that"
# Words after which a noun phrase begins ("studied for PTSD", "hard on the liver", "a psychedelic like LSD").
_NOUN_FOLLOWS = frozenset("for on to in with like as about from of into at by the a an".split())
_JOINING = frozenset("and or of".split())


def thing_named(question: str, phrase: str, target: Sequence[str]) -> str:
    """The phrase, as the question writes it, when it reads as the name of a thing ("heart rate and blood pressure",
    "PTSD or OCD"), else "".

    A phrase with a clause or a participle in it is cut to the noun phrase that ends it, when a preposition, article or
    "like" opens that ("studied for PTSD or OCD" → "PTSD or OCD"); a phrase whose last word takes a particle ("sick or
    throw up") or is left with a clause ("reversed if you stop") names nothing."""
    tokens = words(phrase)
    after = re.search(rf"\b{re.escape(phrase)}\s+(\w+)", normalize(question))
    if not tokens or (after and after.group(1) in ("up", "out", "off", "down", "away", "over", "back")):
        return ""
    breaks = [i for i, w in enumerate(tokens) if (w in STOPWORDS and w not in _JOINING) or w.endswith(("ed", "ly"))]
    if breaks:
        cut = breaks[-1]
        if tokens[cut] not in _NOUN_FOLLOWS or cut + 1 >= len(tokens) or tokens[cut + 1] not in target:
            return ""
        tokens = tokens[cut + 1:]
    if len(tokens) > 5 or tokens[-1] in _JOINING:
        return ""
    # As the learner wrote it ("PTSD", "Alzheimer's"), with a parenthesis closed.
    named = _as_asked(question, _as_written(question, " ".join(tokens)))
    return named + ")" if named.count("(") > named.count(")") else named


# A verb after an auxiliary and a pronoun ("how does it relate …"), or before its particle ("switch on", "relate to").
_VERB_AFTER = _Q(r"\b(?:does|do|did|can|could|will|would|might|may) (?:it|they|you|i|we|he|she) $")
_AFTER_VERB = frozenset("to on up off out".split())


def foreign_phrases(question: str, foreign: Sequence[str]) -> str:
    """The words the material never uses, named as things: neighbours in the question joined ("identity disorder"),
    verbs left out ("how does it relate …", "does ketamine mimic …", "switch on"); "" when nothing is left."""
    tokens = words(normalize(question))
    acts = _ACTS.match(normalize(question).rstrip(" ?!."))
    verb = acts.group("verb") if acts and acts.group("subject") not in _PERSONS | STOPWORDS else ""
    at = {}
    for w in foreign:
        i = next((j for j, t in enumerate(tokens) if t == w.lower()), None)
        if i is None:
            at[w] = None
            continue
        verb_like = (tokens[i] == verb or bool(_VERB_AFTER.search(" ".join(tokens[:i]) + " "))
                     or (i + 1 < len(tokens) and tokens[i + 1] in _AFTER_VERB))
        if not verb_like:
            at[w] = i
    phrases: list[list[str]] = []
    last = None
    for w, i in sorted(at.items(), key=lambda item: (item[1] is None, item[1] or 0)):
        if i is not None and last is not None and i == last + 1 and phrases and re.search(
                rf"\b{re.escape(phrases[-1][-1].lower())}\s+{re.escape(w.lower())}\b", normalize(question)):
            phrases[-1].append(w)
        else:
            phrases.append([w])
        last = i
    return ", ".join(_as_asked(question, " ".join(p)) for p in phrases)


def _as_written(question: str, phrase: str) -> str:
    """A phrase of lower-cased words as the question writes it ("SSRI" for "ssri"), else as it is."""
    found = re.search(r"\b" + r"\W+".join(map(re.escape, words(phrase))) + r"\b", question, re.IGNORECASE)
    return found.group(0) if found else phrase


def _as_asked(question: str, word: str) -> str:
    """A word as the question writes it, with the rest of a hyphenated name ("hole" → "k-hole")."""
    m = re.search(r"[\w-]*\b" + re.escape(word) + r"\b[\w-]*", question, re.I)
    return m.group(0) if m and "-" in m.group(0) else word
