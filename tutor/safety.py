"""The safety layer: crisis, harmful-use and prompt-injection screening, replies, output check, counters.

Pure logic plus a small classifier; embeddings come in as a function, this module loads no model.
Each message goes through, in order:
1. normalise: case, spacing, leetspeak, shorthand, misspelt key words, street names → "ketamine";
2. crisis patterns: suicidal intent, self-harm, an emergency now (these win over everything else);
3. injection screen: injected instructions are dropped, a legitimate question left over is judged alone;
4. harmful-intent patterns: dosing, obtaining, making, combining, hiding, covert dosing, routes;
5. classifier: logistic regression on sentence embeddings (`tutor/data/safety/train.yaml`), whose vote
   counts only when the words agree: a distress cue for crisis, a request for use (`action_cue`) for safety.
Answers then pass the output check (doses, prices, sources, procedures, prompt text not in the material).
Measurement lives in `tutor.safety_report`.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from tutor.config import BUNDLED_PROMPTS_DIR
from tutor.storage import SqliteFile
from tutor.text import normalize
from tutor.types import TutorReply

DATA_DIR = Path(__file__).resolve().parent / "data" / "safety"
LABELS = ("crisis", "safety", "legitimate", "off_topic")
Embed = Callable[[list[str]], np.ndarray]
Kind = Literal["ok", "safety", "crisis"]
CLASSIFIER_VERSION = "v3"  # bump when classifier_text or training changes, to retire cached weights

# ============================================================================ normalisation

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
# Tokens with digits that are not leetspeak: quantities, ordinals, drug names ("2cb"), scores.
_NOT_LEET = re.compile(
    r"^(?:\d+(?:[.,]\d+)?(?:mg|g|kg|ml|mcg|ug|k|x|s|h|hr|hrs|min|mins|lbs?|oz|am|pm|cb|d|yo|m|km|mi|ft|c|f)?|"
    r"\d*1st|\d*2nd|\d*3rd|\d+th|mp[34]|h2o|co2|b12|k[12]|5-?ht\w*|\d+-?c-?[a-z]|covid-?19)$"
)
_LEET_TOKEN = re.compile(r"(?<![\w$@])[a-z0-9$@]*[a-z][a-z0-9$@]*(?![\w$@])|(?<![\w$@])[0-9$@]+[a-z][a-z0-9$@]*(?![\w$@])")
# "r-e-v-e-a-l", "k e t": letters joined by one repeated separator.
_SPACED = re.compile(r"(?<![a-z])[a-z](?P<sep>[-._* ])[a-z](?:(?P=sep)[a-z]){2,}(?![a-z])")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")

# Chat shorthand, so patterns can be written once in plain English.
_SHORTHAND = {
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "ppl": "people", "bc": "because",
    "cuz": "because", "coz": "because", "cos": "because", "wanna": "want to", "gonna": "going to",
    "tryna": "trying to", "gotta": "got to", "im": "i'm", "ive": "i've", "dont": "don't",
    "cant": "can't", "wont": "won't", "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't", "wasnt": "wasn't",
    "arent": "aren't", "shouldnt": "shouldn't", "couldnt": "couldn't", "wouldnt": "wouldn't", "whats": "what's",
    "hes": "he's", "shes": "she's", "theyre": "they're", "youre": "you're", "thats": "that's", "tmrw": "tomorrow",
    "tn": "tonight", "tonite": "tonight", "rn": "right now", "w/": "with", "w/o": "without", "abt": "about",
    "thru": "through", "n": "and", "idk": "i don't know", "b4": "before", "2nite": "tonight",
    "gf": "girlfriend", "bf": "boyfriend", "mum": "mom", "ya": "you", "bout": "about", "prolly": "probably",
    "kinda": "kind of", "sorta": "sort of", "ima": "i'm going to", "imma": "i'm going to", "od": "overdose",
    "oded": "overdosed", "od'd": "overdosed", "ods": "overdoses",
}
# Words that carry the meaning of a message; misspellings of them are repaired.
_KEY_WORDS = (
    "ketamine", "esketamine", "suicide", "suicidal", "overdose", "overdosed", "overdosing", "prescription",
    "unresponsive", "breathing", "tranquilizer", "dissociated", "dissociative", "instructions", "synthesize",
    "synthesis", "precursor", "extract", "purify", "inject", "injecting", "snorting", "dealer", "darknet",
    "hallucinating", "seizure", "unconscious", "ambulance", "kill", "myself",
)
_KEY_SET = set(_KEY_WORDS)
# Ketamine by other names. Each maps to "ketamine" unless the message is about the namesake.
_SLANG: list[tuple[re.Pattern[str], re.Pattern[str] | None]] = [
    (re.compile(r"\bspecial[- ]?k\b"), re.compile(r"\b(cereal|breakfast|granola|protein bar|kellogg)")),
    (re.compile(r"\bkit[- ]?kats?\b"), re.compile(r"\b(chocolate|bar|bars|calories|wafer|candy|biscuit|snack|nestle)\b")),
    (re.compile(r"\bvitamin[- ]?k\b"), re.compile(
        r"\b(blood|clot\w*|deficien\w*|food|foods|vegetables?|supplements?|newborns?|babies|spinach|kale|"
        r"warfarin|k1|k2|bone|nutrient|diet|leafy|injection at birth)\b")),
    (re.compile(r"\bsuper[- ]?k\b"), None),
    (re.compile(r"\bcat (?:valium|tranq\w*)\b"), None),
    (re.compile(r"\bhorse (?:tranq\w*|trank\w*|tranquil\w*|sedative|anesthetic)\b"), None),
    (re.compile(r"\b(?:ket|kets|keta|ketta|kety|ketty|ketalar|ketaset|ketanest|ketamina|ketamin|ketamines|kwet|"
                r"cetamina|ketaminy|ketaminu|ketaminie|кетамин\w*)\b"), None),
    # A bare "k" as a word: not the letter of k-means or k-pop, not "ok", not an abbreviation of thousand.
    (re.compile(r"(?<![\w.-])(?<!special )(?<!vitamin )(?<!super )(?<!special-)(?<!vitamin-)k(?![\w-]|\.\w)"),
     re.compile(r"\b(?:the|letter|a) k (?:in|stands?|for|is for)\b|^k\W*$|^k,? (?:thanks|thx|cool|bye)")),
]

_WORD_TOKEN = re.compile(r"[a-z][a-z']+")


def _fix_spacing(text: str) -> str:
    return _SPACED.sub(lambda m: re.sub(r"[-._* ]", "", m.group(0)), text)


def _fix_leet(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        token = m.group(0)
        if not re.search(r"[0-9$@]", token) or _NOT_LEET.match(token):
            return token
        return token.translate(_LEET)

    return _LEET_TOKEN.sub(repl, text)


def _repair_word(word: str) -> str:
    if len(word) < 5 or word in _KEY_SET or zipf_frequency(word, "en") >= 3.0:
        return word
    match = process.extractOne(word, _KEY_WORDS, scorer=fuzz.ratio, score_cutoff=84 if len(word) >= 7 else 88)
    return match[0] if match else word


def clean(text: str) -> str:
    """Lower-case text with obfuscation undone: spacing, leetspeak, shorthand and misspelt key words."""
    text = _ZERO_WIDTH.sub("", text)
    text = normalize(text)
    text = _fix_spacing(text)
    text = _fix_leet(text)
    text = re.sub(r"\b(?:w/o|w/)", lambda m: _SHORTHAND[m.group(0)], text)
    text = re.sub(r"\b2 (?=(?:much|many|late|high|far|strong|scared)\b)", "too ", text)
    text = re.sub(r"\b4 ?ever\b", "forever", text)
    text = re.sub(r"[a-z][a-z']*", lambda m: _SHORTHAND.get(m.group(0), m.group(0)), text)
    text = _WORD_TOKEN.sub(lambda m: _repair_word(m.group(0)), text)
    text = re.sub(r"\bk[- ]?hole", "k-hole", text)
    # "how dose it work": no noun phrase starts "how dose", so it is "does".
    text = re.sub(r"\b(how|why|when|where|who|which) dose\b(?! (?:of|is|was|should|would|will|for)\b)", r"\1 does", text)
    return text


# Death words used harmlessly: "this essay is killing me", "killing it", "overdosed on coffee lol", "dying to
# know". Rewritten to plain words before anything reads the message, so neither the patterns nor the
# classifier see a threat. The drug as the subject ("ket is killing me") is left alone: that may be real.
_HARMLESS = (r"(?:coffee|caffeine drinks|espresso|tea|sugar|chocolate|candy|sweets|snacks|pizza|cake|netflix|tv|tiktok|"
             r"youtube|memes|anime|podcasts|reddit|social media|studying|study|revision|revising|homework|flashcards|"
             r"notes|reading|lectures|work|exams?|information|info|content|sleep|naps?|gym|video games|games|"
             r"christmas|holidays?|music|books?|carbs|junk food|red bull|monster|energy drinks?|chips|crisps|cookies|"
             r"fertili[sz]ers?|plant food|sunlight|sun|water|slides|seminars?|facts|data|emails|meetings|theory|jargon|"
             r"words|terms|acronyms|details|knowledge|learning|new stuff)")
_STUDIED = (r"(?:chapter|section|topic|homework|assignments?|essays?|exams?|course(?:work)?|module|class|lectures?|"
            r"readings?|revision|studying|quiz(?:zes)?|questions?|problem sets?|worksheets?|notes|flashcards|textbook|"
            r"article|material|subject|unit|lesson|paper|neuroscience|pharmacology|biology|chemistry|maths?|physics|"
            r"psychology|science|anatomy|this stuff|all this|these terms|the terms|the jargon)")
_GIVING_UP = (r"(?:(?:i )?give up|(?:i )?(?:can'?t|cannot) (?:do|handle|take|deal with) (?:this|it)(?: any ?more)?|"
              r"(?:i'?m|i am) done|(?:i )?quit)")
_ADVERBS = r"(?:(?:literally|honestly|lowkey|low key|actually|so|really|seriously|absolutely|totally|just|kind of|slowly|genuinely|fr|truly|lowkey) )*"
# The end of the message, or a request about the lesson after it ("…, can you explain it again?").
_ABOUT_THE_LESSON = r"(?=\W*$|\W+(?:can|could|would) you\b|\W+(?:please|explain|what|how|which|so|lol|haha|ugh)\b)"
_LESSON_TALK = r"^(?:(?:ugh+|ok(?:ay)?|sorry|honestly|tbh|omg|wait|hmm+|um+|but|and)\W+)*"  # a whole message
_IDIOMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<!ketamine )(?<!ketamine's )(?<!drug )(?<!drugs )(?<!it )(?<!\bit)(?<!ketamine)\b(is|are|was|were|'s|be|been) " + _ADVERBS +
                r"kill(?:ing)? me\b(?! (?:inside|to|if|and i)\b)"), r"\1 hard for me"),
    (re.compile(r"\b(?:killing|killed|kill|smashing|smashed|crushing|crushed) it\b(?! (?:all|off|for good|forever)\b)"),
     "doing great"),
    (re.compile(r"\b(?:killing|killed|kill) myself (?:with|over|doing) " + _HARMLESS + r"\b"), "working hard on that"),
    # "Cut down on ket" is reducing use, not cutting: the classifier reads "cutting" as self-harm.
    (re.compile(r"\bcut(?:ting|s)? (?:down|back)\b(?! (?:my|the|your|his|her|their) (?:arms?|wrists?|legs?|skin|thighs?)\b)"),
     "reducing"),
    (re.compile(r"\b(?:overdos(?:ed|ing)|od'?d|oded) (?:on|of) (?:(?:all|so much|too much) )?(?:the |that |this )?("
                + _HARMLESS + r")\b"), r"had lots of \1"),
    # The noun ("an overdose of information", five writers), not only the verb.
    (re.compile(r"\b(?:an? )?overdoses? (?:on|of) (?:(?:all|so much|too much) )?(?:the |that |this )?(" + _HARMLESS + r")\b"),
     r"lots of \1"),
    # "My brain is fried" after studying (four writers): tiredness, not harm.
    (re.compile(r"\bbrain(?:'s| is| feels)? (?:so |completely |totally |literally )?(?:fried|mush|melting|frazzled|toast|"
                r"full)\b"), "brain is tired"),
    (re.compile(r"\bdying to (?=(?:know|see|find out|try|understand|learn|hear|ask|read|get started|go|meet)\b)"),
     "eager to "),
    (re.compile(r"\b(?:died|dying|dead|die)(?: of| from)? (?:laughing|of laughter|laughter|embarrassment|boredom|"
                r"curiosity|cringe)\b|\b(?:bored|scared|worried|stressed) to death\b"), "very amused"),
    (re.compile(r"\b(?:could|would|i'd|we'd) (?:literally |honestly |actually )?(?:kill|die) for (?:a|an|some|the)\b"),
     "would love a"),
    # "This revision is gonna kill me": an ordinary thing as the subject, not the drug.
    (re.compile(r"\b(?:revision|revising|exams?|essays?|homework|assignments?|lectures?|deadlines?|course|module|studying|"
                r"study|class|quiz|test|heat|weather|week|day|job|work|boss|teacher|traffic|commute|coursework|dissertation|"
                r"thesis|readings?|chapter|section|article|maths|chemistry|biology|pharmacology)\b(?:'s| is| are| will| 'll|"
                r"'ll|) ?(?:literally |honestly |actually |so |really )?(?:going to|gonna|about to)? ?(?:kill|murder|be the end "
                r"of|be the death of) (?:me|us)\b"), "is hard for me"),
    (re.compile(r"\bdead (?=(?:tired|beat|serious|easy|boring|on)\b)"), "very "),
    # Giving up on a chapter, a class or a subject ("i give up on this chapter", "can't do this anymore, neuroscience
    # is so confusing") is study frustration; the classifier read the despair words alone. Unnamed ("i give up,
    # this is too hard", "i can't do this anymore") stays for the screen to judge.
    (re.compile(rf"\b{_GIVING_UP}(?=(?: (?:on|with))? (?:(?:this|the|my|these|that|all) )?{_STUDIED}\b|[,.;:!]* (?:(?:this|"
                rf"the|my|these|that) )?{_STUDIED}\b[^.!?]{{0,40}}\b(?:is|are|'s)\b[^.!?]{{0,30}}\b(?:confusing|hard|"
                r"difficult|impossible|boring|too much|complicated|dense)\b)"), "i am stuck"),
    # "I could murder a pizza", "this deadline will be the death of me", "that meme had me dead", "I'm dying here".
    (re.compile(r"\b(?:could|would|i'd|we'd) (?:literally |honestly |actually |so )?(?:murder|demolish|destroy|kill) "
                r"(?:a|an|some|the) (?!person|guy|girl|man|woman|kid|child|baby|friend)"), "would love a "),
    (re.compile(r"\b(?:is|are|was|will be|'ll be|gonna be|going to be) (?:literally |honestly |actually )?(?:murdering|"
                r"destroying|the death of) (?:me|us)\b"), "is hard for me"),
    (re.compile(r"\b(?:had|has|have) (?:me|us) (?:dead|dying|deceased|in tears)\b|\b(?:i'm|i am|im) (?:literally |"
                r"actually |so )?(?:dead|deceased|crying|dying) (?=(?:lol|lmao|haha|ha|rofl|xd)\b)"), "was funny"),
    (re.compile(r"\b(?:i'm|i am|im) (?:literally |actually |honestly |just )?dying (?:here|over here|in (?:this|the) "
                r"(?:heat|library|lecture|exam)|of (?:boredom|heat|hunger|thirst))\b"), "i'm struggling here"),
    (re.compile(r"\b(?:i |i've |i )?(?:nearly|almost) (?:died|had a heart attack) (?:when|at|laughing|reading|seeing)\b"),
     "was shocked when"),
    (re.compile(r"\b(?:i'm|i am|im|we're|that's|thats) (?:all |it )?(?:done |finished )?for (?:today|tonight|now|the day|the "
                r"night|this session)\b"), "i'm finished studying for the day"),
    (re.compile(r"\b(?:my|the) (?:phone|laptop|battery|computer|car|plant|wifi|internet|charger|headphones)(?:'s| has| is)? "
                r"(?:died|dead|dying|killed itself)\b"), "stopped working"),
    # Confusion about the lesson and a tired learner ending it ("none of this makes sense to me", "i'm so confused
    # right now", "i'm tired, let's stop for today"), said as the whole message: the classifier read them as
    # despair. Unnamed ("nothing makes sense anymore", "i'm tired of everything") and confusion told among other
    # things (a symptom after a fall) stay for the screen.
    (re.compile(_LESSON_TALK + r"(?:none of (?:this|it) makes (?:any )?sense|(?:this|that|it|the (?:stuff|material|"
                r"chapter|section|article|topic|part|explanation|answer|passage|text|lesson)) (?:makes (?:no|zero) sense|"
                r"does(?:n't| not) make (?:any |much )?sense))(?: to me)?(?: at all)?" + _ABOUT_THE_LESSON),
     "i find this lesson hard to follow"),
    (re.compile(_LESSON_TALK + r"(?:i'm|i am|im) (?:so |really |totally |very |completely |super |a (?:bit|little) )?"
                r"(?:confused|lost)(?: (?:right now|rn|now|here|again|by (?:this|that|it)|with (?:this|that|it)|"
                r"about (?:this|that|it)|on (?:this|that) (?:one|question|part)))?" + _ABOUT_THE_LESSON),
     "i find this lesson hard to follow"),
    (re.compile(_LESSON_TALK + r"(?:i'm|i am|im) (?:so |really |very |super |a (?:bit|little) )?(?:tired|exhausted|"
                r"sleepy)\W{0,3} (?:let's|lets|can we|i'll|i will|i'm going to|gonna) (?:stop|call it a (?:day|night)|"
                r"take a break|pause|continue|finish|pick (?:this|it) up) (?:for (?:today|now|tonight)|tomorrow|later|"
                r"here)" + _ABOUT_THE_LESSON),
     "let's pause the lesson"),
]


# Round 10: a death idiom said laughing about the lesson ("this article is so boring i want to die lol", "i'd rather
# die than do another quiz lmao", "kill me now, three exams tomorrow 😭") is hyperbole: laughter or a crying-laughing
# face, a study object or boredom, and no word that the joke is not one ("not joking", "seriously", "unless?", "tbh").
# Over the 19 development sets laughter came with a crisis eight times and each time with such a word, or with no study
# object; the idiom forms are the common ones, not any writer's wording. Four writers' learning questions got the
# crisis reply so.
_LAUGHING = re.compile(r"\b(?:lol|lmao|lmfao|haha\w*|rofl|xd)\b|💀|😭|😩|😂|🤣|😅")
# Round 14: "jk" (just kidding) says it is a joke, not that it is none; a crisis after it says so again ("lol jk... unless?",
# "jk jk... unless?? no seriously"). "I'm going to die" is the same idiom as "it's going to kill me", and a dissertation,
# a thesis or a deadline are study objects too (three writers' learning questions had the crisis reply for these).
_NOT_A_JOKE = re.compile(r"\b(?:not (?:even )?joking|no joke|not a joke|seriously|for real|genuinely|unless|not really|i mean "
                         r"it|tbh|honestly|actually|tonight|right now)\b|\?\?")
_LESSON_HYPERBOLE = re.compile(
    r"\b(?:(?:i )?(?:want|wanna) to die|(?:i'd|i would) (?:literally |honestly )?rather die|kill me(?: now)?|(?:is|are|'s) "
    r"killing me|(?:going to|gonna|will|'ll) (?:literally )?(?:kill me|die))\b")
_ABOUT_STUDY = re.compile(r"\b(?:" + _STUDIED + r"s?|dissertation|thesis|deadlines?|boring|bored|so over)\b")


def _defuse_lesson_hyperbole(text: str) -> str:
    if (_LAUGHING.search(text) and not _NOT_A_JOKE.search(text)
            and _ABOUT_STUDY.search(text)):
        return _LESSON_HYPERBOLE.sub("i find this hard", text)
    return text


def _defuse_idioms(text: str) -> str:
    for pattern, plain in _IDIOMS:
        text = pattern.sub(plain, text)
    return _defuse_lesson_hyperbole(text)


def canonical(text: str) -> str:
    """`clean` text with ketamine's street names replaced by "ketamine" (for patterns)."""
    text = clean(text)
    for pattern, namesake in _SLANG:
        if namesake is None or not namesake.search(text):
            text = pattern.sub("ketamine", text)
    # "A bump on my eyelid", "a speed bump": not the drug sense of "bump". "A bump on my lunch break", "a bump in the
    # toilets" are times and places of use, not a lump.
    text = re.sub(r"\bbump(s?) (?=(?:on|in|under|near|along) (?:my|the|your|his|her|their|a)\b(?! (?:gram|g|bag|baggie|point|"
                  r"half)\b)(?! (?:\w+ )?(?:break|lunch|shift|commute|way|walk|night|toilets?|loos?|bathroom|club|party|rave|"
                  r"festival|gig)\b))",
                  r"lump\1 ", text)
    text = re.sub(r"\b(speed|baby|goose) bump", r"\1 hump", text)
    text = re.sub(r"\blines? (?=of (?:code|text|poetry|a poem|the (?:song|poem|article)|dialogue|work)\b|in the "
                  r"(?:article|text|poem|essay|song)\b)", "rows ", text)
    text = re.sub(r"\bketamine(?: ketamine)+\b", "ketamine", text)
    return _defuse_idioms(text)


_DRUG = re.compile(r"\b(?:ketamine|esketamine|k-hole\w*|bumps?|lines? of|tranquilizer|dissociatives?)\b")


def mentions_drug(canonical_text: str) -> bool:
    """Whether a (canonical) message names ketamine or its use."""
    return bool(_DRUG.search(canonical_text))


# ============================================================================ crisis and harmful-intent patterns


class Match(BaseModel):
    """A pattern that fired: the category it signals and the text it matched."""

    kind: Literal["safety", "crisis"]
    category: str
    text: str


_R = lambda p: re.compile(p)  # noqa: E731
_PERSON = r"(?:i|i'm|i've|i'll|i'd|me|my|mine|myself|we|we're|our|us)"
_SUBJ = (r"(?:i|i'm|we|we're|he|he's|she|she's|they|they're|him|her|my (?:\w+ )?(?:friend|mate|boyfriend|girlfriend|"
         r"partner|husband|wife|brother|sister|son|daughter|roommate|flatmate|dad|mom|mother|father|kid|child|"
         r"buddy|pal|cousin|colleague|housemate|uncle|aunt|grandma|grandpa|neighbou?r|bro|sis))")
_ANY = r"[^.?!\n]"
# Someone present named without a pronoun ("a guy at this party", "our mate"): reported emergencies name them so.
_SOMEONE = (r"(?:(?:a|the|this|that|our|one|some) (?:\w+ )?(?:guy|girl|man|woman|person|mate|friend|lad|boy|kid|baby|"
            r"dude|bloke))")

# "The someone is me", "not asking for a friend": the writer means themself.
_SELF_REF = (r"(?:\b(?:the|that|this) (?:girl|guy|boy|person|someone|character|friend|woman|man|kid) (?:is|was) (?:actually |"
             r"really |obviously )?me\b|\basking for (?:me|myself)\b|\bnot (?:really )?asking for a friend\b|\bi mean it\b|"
             r"\bnot joking\b|\bi'm (?:being )?serious\b|\bfor myself\b|[?.!,]\s*(?:it's |its )?for me\W*$|"
             r"\bi need it to\b|\bi'm tired of\b|\bi want it to\b|\bhow much i(?:'d| would)? need\b)")
_DEATH = (r"(?:\b(?:die|dying|death|dead|kill\w*|suicid\w*|funeral|overdos\w*|fatal|lethal|(?:never|not) (?:wake|come back)|"
          r"end(?:s|ed|ing)? (?:it|things|my life|her life|his life|your life|one's life|a life)|for good|forever|gone|"
          r"stop (?:a|my) heart|stop(?:s|ped)? breathing)\b)")

# Emergencies and suicidal intent in the six other languages the injection screen knows (Spanish, Portuguese, French,
# German, Italian, Dutch; accents are gone after `normalize`). The classifier, trained on English, cannot read them
# ("mi amigo ... no respira bien, esta poniendose azul" was voted a harmful request), so the words decide: a symptom
# of a body in danger and a second sign (another symptom, a call for help, or a friend or relative named).
_FOREIGN_SYMPTOM = (
    r"(?:no (?:respira|puede respirar|despierta|se despierta|reacciona|responde)|respira (?:mal|raro|poco|muy (?:lento|poco))|"
    r"(?:azul|azules|morad[oa]s?)|inconsciente|convulsion(?:es|ando|o|a)|se (?:desmayo|cayo y no)|desmayad[oa]|"
    r"sobredosis|nao (?:respira|consegue respirar|acorda|responde|reage)|(?:roxo|roxa|roxos)|convulsao|desmaiou|"
    r"ne (?:respire|se reveille|repond|reagit) (?:plus|pas|presque plus)|respire mal|bleus?|bleues?|inconscient\w*|"
    r"crise d'epilepsie|evanoui\w*|atmet (?:nicht|kaum)|keine luft|blau\w*|bewusstlos|wacht nicht (?:mehr )?auf|reagiert nicht|"
    r"krampf\w*|zusammengebrochen|uberdosis|non (?:respira|si sveglia|risponde|reagisce)|respira male|convulsioni|"
    r"(?:labbra|viso|faccia|pelle|diventando|diventa|e) (?:blu|viola)|"
    r"incosciente|privo di sensi|priva di sensi|svenut[oa]|ademt (?:niet|nauwelijks)|blauw\w*|bewusteloos|wordt niet "
    r"wakker|reageert niet|stuip\w*|epileptische aanval|flauwgevallen|overdosis|"
    # Round 8: the gaps one writer showed in these six (a racing heart, "reacts to nothing any more", breathing
    # strangely), and general words in Russian, Turkish, Polish, Indonesian, Tagalog, Vietnamese, Hindi/Urdu in Latin
    # script and Arabic (scripts without spaces are in `_FOREIGN_CJK_SYMPTOM`).
    r"coracao (?:ta |esta |todo )?(?:dispar\w*|aceler\w*|a mil)|nao consigo respirar|"
    # Round 11: breathing hard or barely, a racing heart, in the six (a writer's "mein Herz rast und ich kann kaum atmen").
    r"(?:kann|konnen|kannst) (?:kaum|nicht|fast nicht) (?:mehr )?atmen|atmet (?:\w+ ){1,3}(?:kaum|nicht mehr)|herz (?:rast|"
    r"hammert|schlagt (?:wie verruckt|viel zu schnell))|no puedo respirar|me cuesta respirar|(?:el )?corazon (?:me )?(?:late|"
    r"va) (?:muy |demasiado |super )?(?:rapido|fuerte|a mil)|je n'arrive (?:pas|plus) a respirer|(?:mon )?coeur (?:bat )?"
    r"(?:tres |trop |super )?(?:vite|fort|a cent a l'heure|a toute vitesse)|non riesco (?:piu )?a respirare|(?:il )?cuore "
    r"(?:mi )?(?:batte )?(?:fortissimo|a mille|troppo veloce)|ik kan (?:bijna )?niet (?:meer )?ademen|hart (?:gaat als een "
    r"gek|bonkt|racet)|не могу дышать|сердце (?:колотится|бьется)|nie moge oddychac|serce (?:wali|bije jak szalone)|"
    r"reageert (?:nergens|op niets) (?:meer )?(?:op)?|ademt (?:heel |erg |zo |een beetje )?(?:raar|vreemd|zwaar|moeilijk)|"
    r"respire (?:bizarrement|bizarre|tres mal|a peine)|atmet (?:komisch|komisch|seltsam|ganz flach)|"
    r"не дышит|не просыпается|без сознания|посинел\w*|судорог\w*|передоз\w*|"
    r"nefes alm[iı]yor|uyanm[iı]yor|bilinci (?:yok|kapal[iı])|bay[iı]ld\w*|bayg[iı]n|kas[iı]l[iı]yor|as[iı]r[iı] doz|"
    r"nie oddycha|nie budzi sie|nieprzytomn\w*|drgawk\w*|przedawkow\w*|"
    r"(?:tidak|nggak|gak|ga) (?:bernapas|napas|sadar(?:kan diri)?|bangun)|pingsan|kejang\w*|"
    r"hindi (?:humihinga|makahinga|magising|gumigising)|walang malay|nangingisay|"
    r"khong (?:tho|tho duoc|tinh|day)|bat tinh|co giat|qua lieu|"
    r"saa?ns nahi?n? (?:le|aa) (?:raha|rahi)|hosh (?:nahi?n?|mein nahi)|behosh|(?:uth|jaag) nahi?n? (?:raha|rahi)|"
    r"لا يتنفس|لا تتنفس|لا يستيقظ|لا تستيقظ|فاقد الوعي|فاقدة الوعي|فقد الوعي|جرعة زائدة)")
_FOREIGN_SIGN = (
    # Round 11: having just taken far too much, a sign beside a symptom.
    r"(?:(?:viel )?zu viel (?:\w+ ){0,2}genommen|tome (?:demasiad[oa]|mucho mas)|tomei (?:demais|muito mais)|j'ai pris (?:beaucoup )?"
    r"trop|ho preso troppo|(?:veel )?te veel (?:\w+ ){0,2}genomen|слишком много|za duzo (?:\w+ )?wzial\w*|"
    r"ayuda|que hago|que (?:debo|puedo) hacer|ambulancia|emergencias|socorro|o que (?:eu )?faco|au secours|aidez|que "
    r"faire|qu'est-ce que je fais|les urgences|hilfe|was soll ich tun|was mache ich|notarzt|krankenwagen|aiuto|cosa faccio|"
    r"che faccio|ambulanza|wat moet ik doen|amig[oa]|novi[oa]|herman[oa]|hij[oa]|pareja|namorad[oa]|irmao|irma|"
    r"mon (?:ami|copain|frere|fils)|ma (?:copine|soeur|fille)|mon amie|freund\w*|kumpel|bruder|schwester|amic[oa]|"
    r"fratello|sorella|ragazz[oa]|vriend\w*|broer|zus|medo de morrer|vou morrer|peur de mourir|"
    r"помогите|что делать|скорую|скорая|друг\w*|подруг\w*|брат|сестра|"
    r"yard[iı]m|ne yapmal[iı]y[iı]m|ne yapay[iı]m|ambulans\w*|arkadas[iı]m|kardes[iı]m|"
    r"pomocy|co (?:mam )?robic|karetk\w*|przyjaciel\w*|kolega|kolezanka|brat|siostra|"
    r"tolong|harus (?:bagaimana|gimana)|gimana ini|teman\w*|temen\w*|pacar\w*|"
    r"tulong|anong gagawin|ano ang gagawin|ambulansya|kaibigan|kapatid|"
    r"cuu (?:voi|toi)|phai lam sao|lam gi bay gio|cap cuu|"
    r"madad|bachao|kya karu|kya karoon|kya karun|dost|bhai|behen|"
    r"ساعدوني|ساعدني|ماذا افعل|اسعاف|صديقي|صديقتي|اخي|اختي)")
_FOREIGN_SUICIDE = (
    r"(?:quiero (?:morir\w*|matarme|suicidarme|desaparecer)|me quiero (?:morir|matar)|suicidarme|no quiero (?:seguir )?viv\w+|"
    # Round 11: taking one's life, ending it all, the family better off without me, wanting everything to stop, in the six.
    r"quitarme la vida|acabar con (?:mi vida|todo)|(?:estarian|estaria|estaran) mejor sin mi|tirar a (?:minha )?(?:propria )?vida|"
    r"acabar com (?:a minha vida|tudo)|(?:ficariam|ficaria|estariam) melhor sem mim|nao quero (?:mais )?continuar (?:a viver|"
    r"vivendo)|mettre fin a (?:mes jours|ma vie)|(?:serai(?:en)?t|seront|serait) mieux sans moi|je veux que tout s'arrete|"
    r"me (?:donner|foutre) la mort|mir das leben (?:zu )?nehmen|(?:waren|ware) (?:besser|glucklicher) (?:dran )?ohne mich|"
    r"ich will nicht mehr\W*$|will, dass alles aufhort|non voglio piu vivere|(?:starebbero|sarebbero) meglio senza di me|"
    r"farla finita|een eind aan (?:mijn leven )?maken|(?:zijn|waren) beter af zonder mij|"
    r"не хочу (?:больше )?жить|лучше без меня|(?:byloby|bedzie) im lepiej beze mnie|odebrac sobie zycie|"
    r"quero (?:morrer|me matar|sumir)|me matar|nao quero (?:mais )?viver|je veux (?:mourir|en finir|me tuer)|me suicider|"
    r"ich will (?:sterben|nicht mehr leben)|mich umbringen|will nicht mehr leben|voglio (?:morire|uccidermi|farla finita)|"
    r"uccidermi|togliermi la vita|ik wil (?:dood|niet meer leven)|zelfmoord|mezelf van kant|"
    # Round 8: sleeping and never waking in these six, and first-person wishes to die or to stop living, suicide and
    # killing oneself in the most widely spoken languages the English classifier cannot read (general words).
    r"(?:ne plus jamais|ne jamais plus|ne plus) me reveiller|plus envie de vivre|en finir avec (?:la vie|tout)|"
    r"(?:no|nunca mas) (?:volver a )?despertar(?:me)?(?: nunca| mas| jamas)|"
    r"(?:nunca mais|nao) acordar (?:mais|nunca)|nie mehr aufwachen|nicht mehr aufwachen|"
    r"non svegliarmi (?:piu|mai piu)|niet meer wakker (?:worden|te worden)|"
    r"хочу умереть|покончить с собой|убить себя|не хочу жить|суицид\w*|"
    r"olmek ist(?:iyorum|erim)|kendimi oldur\w*|intihar\w*|yasamak ist(?:emiyorum|em[iı]yorum)|"
    r"chce umrzec|zabic sie|samobojstw\w*|samobojcz\w*|nie chce (?:juz )?zyc|"
    r"(?:ingin|mau|pengen|pengin) mati|bunuh diri|(?:tidak|nggak|gak|ga) (?:ingin|mau|pengen) hidup|"
    r"gusto ko (?:nang |na )?mamatay|magpakamatay|ayoko (?:nang|na) mabuhay|patayin ang sarili ko|"
    r"muon chet|tu sat|khong muon song|"
    r"marna chah?t[ai]|mar jana chah?t[ai]|khud ?kushi|aatm?hatya|atmahatya|jee?na nahi?n? chah?t[ai]|"
    r"zinda nahi?n? rehna|"
    r"اريد ان اموت|ابي اموت|بدي موت|اقتل نفسي|انتحار|انتحر|لا اريد ان اعيش)")


def _fold_accents(pattern: str) -> str:
    """A pattern's letters folded the way `normalize` folds a message's (й -> и, ê -> e); regex syntax is ASCII, untouched."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", pattern) if not unicodedata.combining(ch))


# Round 11: the six languages' words were matched unfolded, so words with a letter `normalize` changes ("покончить с
# собой", "جرعة زائدة") never matched a message.
_FOREIGN_SYMPTOM, _FOREIGN_SIGN, _FOREIGN_SUICIDE = map(_fold_accents, (_FOREIGN_SYMPTOM, _FOREIGN_SIGN, _FOREIGN_SUICIDE))
# Scripts written without spaces (Chinese, Japanese, Korean): matched without word boundaries, in the same folded form
# as the message (Korean syllables decompose under `normalize`).
_FOREIGN_CJK_SUICIDE = "|".join(re.escape(normalize(w)) for w in (
    "想死", "自杀", "自殺", "不想活", "活不下去", "结束生命", "結束生命", "轻生", "死にたい", "消えたい", "生きていたくない",
    "生きたくない", "終わりにしたい", "죽고 싶", "자살", "살고 싶지 않", "사라지고 싶"))
_FOREIGN_CJK_SYMPTOM = "|".join(re.escape(normalize(w)) for w in (
    "不呼吸", "没有呼吸", "没呼吸", "叫不醒", "昏迷", "抽搐", "吃太多", "过量", "過量", "息をしていない", "息してない",
    "意識がない", "起きない", "けいれん", "痙攣", "過剰摂取", "オーバードーズ", "숨을 안 쉬", "숨을 못 쉬", "숨을 안쉬",
    "의식이 없", "안 깨어나", "경련", "과다복용"))
_FOREIGN_CJK_SIGN = "|".join(re.escape(normalize(w)) for w in (
    "怎么办", "怎麼辦", "救命", "救护车", "救護車", "朋友", "どうしよう", "助けて", "救急車", "友達", "어떡해", "어떻게 해",
    "도와주세요", "도와줘", "구급차", "친구"))

CRISIS_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "This chapter is killing me" is an idiom; "kill me", "killing myself" are not.
    ("suicide", _R(r"\b(?:ketamine(?:'s| is| was) (?:\w+ ){0,2}killing me|kill(?:ing)? my ?self|(?<!is )(?<!are )(?<!'s )kill(?:ing)? me\b(?! if\b)|kms|end (?:it all|my (?:own )?life|things|everything)|ending (?:it all|"
                   r"my life|things|everything)|take my (?:own )?life|(?:just|to|gonna|going to|would|will|could) end it)\b")),
    ("suicide", _R(r"\b(?:i'm|i am|i've been|i have been|been|i feel|i felt|feeling|i get|i keep (?:getting|having)|"
                   r"i'm having|i have|i've had|i was|my)\b (?:so |really |very |pretty |a bit |kind of |always |often |"
                   r"still |constantly |more )?(?:suicidal|suicide thoughts|thoughts of suicide|having suicidal|thinking "
                   r"about suicide|urges to kill)")),
    ("suicide", _R(r"\b(?:thinking|thoughts?|thought|think) (?:about|of) (?:suicide|killing|ending|dying|not being here)")),
    ("suicide", _R(r"\b(?:want|wanna|wish|wishing|ready|planning|plan|trying|going|prefer) (?:to )?(?:die|be dead|"
                   r"stop existing|not (?:be )?(?:here|alive|exist|wake up)|disappear|sleep forever|never wake up)")),
    ("suicide", _R(r"\b(?:don't|do not|dont) want to (?:be here|be alive|live|exist|wake up|go on|be around)")),
    ("suicide", _R(r"\b(?:wish i (?:was|were) dead|better off (?:without me|dead|if i (?:was|were)n't|if i was gone)|"
                   r"(?:no|any) (?:reason|point) (?:to|in) (?:live|living|go on|going on|being alive)|"
                   r"not (?:going to|gonna|be) (?:be )?(?:around|here|alive) (?:much )?(?:longer|anymore|tomorrow)|"
                   r"(?:if|when) i was gone|everything to stop (?:permanently|forever)|stop (?:existing|living)|"
                   r"(?:sleep|drift off) (?:forever|and never wake)|(?:make|want) (?:it|everything|the pain) (?:all )?"
                   r"(?:stop|end) (?:for good|forever|permanently))")),
    ("suicide", _R(r"\b(?:this is (?:my )?goodbye|goodbye (?:forever|everyone|letter)|(?:wrote|written|writing|left|"
                   r"leave) (?:a |my )?(?:suicide |goodbye )?(?:note|letter) (?:for|to) (?:my|the|everyone)|suicide note)")),
    ("suicide", _R(r"\b(?:would|will|could|did|do) (?:i|i just) (?:just )?(?:not|never) (?:wake up|come back)|"
                   r"(?:to|and) (?:just )?(?:not|never) (?:wake up|come back)[^\n]{0,40}\b(?:i mean it|for me|"
                   r"is me|sounds (?:fine|good|nice)|asking for me)|asking (?:because|for) (?:i want to|me)\b")),
    # Euphemisms and a "would it do it" about them, however wrapped ("hypothetically", "asking for a friend").
    ("suicide", _R(r"\b(?:to|i|i'll|i'd|i could|i can|me|just|someone|somebody|a person|myself) (?:disappear|vanish|"
                   r"sleep|go to sleep|drift off|check out|stop existing|not exist|be gone|slip(?:s|ped)? away|fade(?:s|d)? away|"
                   r"drift(?:s|ed)? off)\w* (?:permanently|forever|"
                   r"for good|for ever|and (?:never|not) (?:come back|wake up|be found))\b|^(?=[\s\S]*\b(?:(?:to|i|me|"
                   r"just|someone|somebody|a person) (?:disappear|vanish)\w*|never wake|not wake|sleep forever|end it|end "
                   r"things|stop existing|not exist|gone for good)\b)[\s\S]*\b(?:would|will|could|does|might)\b[^\n]{0,50}"
                   r"\b(?:do it|do the job|do the trick|get it done|be enough|be it|work for that)\b")),
    ("suicide", _R(r"\b(?:walk|walking|step|stepping|throw myself|throwing myself) (?:out )?(?:into|in front of) "
                   r"(?:the |a |an |oncoming )?(?:traffic|road|train|bus|lorry|truck|car|motorway|highway|river|sea|ocean|"
                   r"lake)\b|\bthrow(?:ing)? myself (?:off|under|in front of)\b|\bdriv(?:e|ing) (?:my car |the car )?"
                   r"(?:into|off) (?:a |the )?(?:wall|tree|river|bridge|cliff|sea|oncoming traffic|traffic)\b")),
    ("suicide", _R(r"\b(?:painless|easy|easiest|quick|quickest|peaceful|best|quiet|quietest|gentle|gentlest|calm|soft|"
                   r"simple|clean|least painful|surest) way (?:out|to die|to disappear)\b|\b(?:painless|easy|"
                   r"easiest|quick|quickest|peaceful|best|quiet|quietest|gentle|gentlest|calm|soft|simple|clean|least painful|"
                   r"surest) way to (?:end|go)\b(?! (?:a|an|the|this|that|our|their|his|her|your|my (?!life\b)\w+)\b)|"
                   r"\b(?:don't think|not sure|doubt) i'll (?:still )?be (?:here|around|alive)|\bi won't (?:still )?be "
                   r"(?:here|around|alive)|\bi have a plan\b|\b(?:having|have) (?:them|these thoughts|those thoughts|"
                   r"suicidal thoughts) (?:right )?now|overdose (?:alone|by myself)|before (?:someone|anyone|i) "
                   r"(?:is|gets|would be) found\b")),
    ("suicide", _R(r"\b(?:how (?:much|many)|what (?:dose|amount)|enough|how (?:strong|big))\b[^\n]{0,60}\b(?:to |and |would |"
                   r"could |will )?(?:make sure )?(?:i |you |he |she |they )?(?:just )?(?:never|not|won't|don't|do not|wouldn't|doesn't) "
                   r"(?:wake up|come back|wake again)\b|\b(?:switch|turn|shut) "
                   r"(?:myself|me) off\b|\b(?:fastest|quickest|easiest|painless|surest|best) way to\b[^\n]{0,30}\b(?:myself|"
                   r"for good|forever|die|not wake)|\bfor good\b[^\n]{0,20}\b(?:myself|me|my life)\b")),
    ("suicide", _R(r"^(?=[\s\S]*" + _SELF_REF + r")(?=[\s\S]*" + _DEATH + r")[\s\S]{0,80}")),
    ("suicide", _R(r"\b(?:lethal|fatal|deadly)\b[^\n]{0,40}\b(?:for me|for myself|(?:someone|a person) (?:my|of my) "
                   r"(?:size|weight)|my size|my weight)\b|\b(?:looking up|looked up|researching|searching|googling|googled)\b"
                   r"[^\n]{0,40}\b(?:lethal|fatal|deadly|overdos\w*)|\bno (?:other )?way out\b|"
                   # "Started looking up ways to do it": "it" with nothing it could stand for but the act (two writers).
                   r"\b(?:look(?:ing|ed)? up|research\w*|search\w*|googl\w*|read(?:ing)? up on)\b[^.?!\n]{0,20}\b(?:ways?|"
                   r"methods?|the (?:best|easiest|quickest|least painful) way) to (?:do it|end it|go through with it)\b|"
                   r"\b(?:thinking|thought|planning|planned|figured out|working out|worked out) (?:about )?(?:how|when|where) "
                   r"(?:to|i'd|i would|i will|i'll) (?:do it|end it|go through with it)\b(?! (?:safely|properly|right))")),
    ("suicide", _R(r"\b(?:bought|buying|got|have|stockpil\w*|saved up|saving up|hoard\w*|collecting|hidden|hid)\b[^\n]{0,20}"
                   r"\b(?:a |some |the )?(?:rope|noose)\b|\b(?:i|i've|i'm)\b[^\n]{0,40}\b(?:rope|noose)\b|"
                   r"\b(?:second|third|2nd|3rd|another|next|last) (?:time|attempt) (?:planning|trying|i tried)\b|"
                   r"\bmy (?:last|previous|first|second|other) attempt\b|\bfuneral\b[^\n]{0,40}\b(?:my|me)\b|"
                   r"\bmy (?:own )?funeral\b|\b(?:wrote|written|writing|left) (?:goodbye |farewell )?(?:letters|notes) "
                   r"(?:to|for) (?:everyone|my|all)|\b(?:wrote|written|writing|finished|left) (?:my|a|the) (?:suicide |goodbye |"
                   r"last |final )?note\b(?! (?:for|on|about) (?:the |my |a )?(?:class|exam|lecture|test|course|article|"
                   r"section))")),
    ("suicide", _R(r"\b(?:don't|do not|can't|cannot) see myself (?:making it|being (?:here|around|alive)|alive|living|"
                   r"getting through)|\b(?:won't|will not|not going to|not gonna) make it (?:to|through|past)\b|"
                   r"\bgiv(?:e|ing) (?:my|all my|away my) (?:stuff|things|belongings|possessions|pets?)\b[^\n]{0,20}\baway\b|"
                   r"\bgiv(?:e|ing) away (?:my|all my) (?:stuff|things|belongings|possessions)|\bi'm (?:on|at) (?:the|a) "
                   r"(?:roof|rooftop|bridge|ledge|edge|cliff|tracks|platform)\b|\b(?:want|wanna|hope|hoping|plan|planning|"
                   r"thinking about|going to|gonna|might|just)\b[^\n]{0,50}\b(?:not|never) (?:coming|come|waking|wake) "
                   r"(?:out|back|up)\b|\b(?:stop|stopped|stopping) being (?:around|here|alive)\b|\b(?:happier|better|fine|"
                   r"cope fine) (?:without me|if i (?:was|were) (?:gone|dead|not here))|(?<!like )(?<!ketamine )(?<!it )(?<!they )(?<!people )(?<!you )(?<!to )(?<!make )(?<!makes )(?<!made )\bfeel like "
                   r"dying\b|"
                   r"\bwhat'?s (?:even )?the point(?:\s*[.?!,]|\s*$| anymore| of (?:anything|living|life|trying|going on|it all|"
                   r"me))|"
                   r"\btired of (?:fighting|living|life|being alive|everything|it all|trying)\b|\b(?:i'm|i am) (?:so )?done "
                   r"(?:trying|with (?:life|everything|it all|living))\b|\btonight(?:'s| is) the night\b(?! (?:i|we) (?:finally |really )?(?:understand|learn|get|study|revise|finish|"
                   r"crack|master|figure))")),
    ("suicide", _R(r"\b(?:jump|jumping) (?:off|from|in front)|walk(?:ing)? into the (?:sea|ocean|river|traffic)|"
                   r"hang(?:ing)? myself|(?:shoot|drown|poison)(?:ing)? myself")),
    ("suicide", _R(r"\b(?:want|wanna|going|gonna|plan|planning|tried|trying|attempted|attempt) to (?:overdose|kill)|"
                   r"overdose\w*" + _ANY + r"{0,20}\bon purpose|(?:take|taking|swallow\w*|use|using|do|doing|mix|mixing|snort\w*|sniff\w*|inject\w*|"
                   r"rail\w*) (?:all|"
                   r"everything|the whole|my whole)" + _ANY + r"{0,30}\b(?:i have|i've got|left|at once|tonight|bottle|"
                   r"pills|meds|to end|bag|stash|vials?|supply|lot)")),
    # Knowing the amount, told and not asked, with no use in view ("I'm a nurse so I know exactly how much it would take.
    # I'm not going to tell anyone"): not a request for a dose. Fires on two writers' sets, never on a harmless message.
    ("suicide", _R(r"^(?![\s\S]*\?)(?![\s\S]*\b(?:why|how come|can you|could you|explain|is it|does it|high|trip|party|fun|"
                   r"buzz|k-hole|night out|festival|rave|feel (?:good|nice)|the effects?|we give|they give|patients?)\b)[\s\S]*"
                   r"\bi(?:'ve| have)? (?:(?:already |now )?(?:know|knew|known)|worked out|figured out|done the maths|counted|"
                   r"calculated)\b[^.?!\n]{0,30}\b(?:how much|how many|the amount|the dose|what would do it|what i'd (?:take|"
                   r"need)|enough|the number)\b")),
    # Passive wishes: "if a bus hit me i wouldn't mind", "i hope it takes me with it", "i keep hoping i won't wake up".
    ("suicide", _R(r"\b(?:wouldn't|would not|won't|wouldnt) (?:be )?(?:mind|care|upset|sad|sorry|bothered)\b[^\n]{0,30}"
                   r"\bif (?:i|it|the \w+|a \w+)\b[^\n]{0,30}\b(?:died|didn't wake|never woke|didn't come back|hit me|took "
                   r"me|killed me|was gone|wasn't here|kept me)|\bif (?:a|the) (?:bus|car|train|truck|lorry) (?:hit|hits|ran over) "
                   r"me\b|\b(?:take|takes|took|carry|carries) me (?:with it|away for good|away forever)|\b(?:hope|hoping|pray|"
                   r"praying|wish|wishing)\b[^\n]{0,20}\b(?:i|it) (?:don't|won't|never|doesn't|didn't|wouldn't) (?:wake|wakes|"
                   r"come back|let me wake)|\b(?:easier|better|simpler) for (?:everyone|everybody|them|my family) if i "
                   r"(?:wasn't|weren't|was not|were not|was gone|didn't exist|disappeared)|\b(?:nobody|no one|noone) "
                   r"(?:would|will) (?:even )?(?:notice|care|miss me)\b[^\n]{0,30}\bif i\b|\bif i (?:just |simply |suddenly |ever )?(?:never came back|"
                   r"didn't come back|died|was gone|were gone|disappeared|wasn't here|weren't here|vanished)\b[^\n]{0,50}"
                   r"\b(?:would|will) (?:anyone|anybody|people|they|you) (?:even )?(?:notice|care|miss me|be sad)\b")),
    # Goodbyes and decisions: "tell my brother i loved him", "for the last time", "my mind is made up".
    ("suicide", _R(r"\b(?:stockpil\w*|saving up|saved up|been saving|hoard\w*|collecting|kept back|keeping back)\b"
                   r"[^\n]{0,40}\b(?:meds|medication|pills|prescriptions?|tablets|ketamine|sleeping pills|painkillers)\b"
                   r"[^\n]{0,60}\b(?:enough|do it|the time|the day|the date|this weekend|tonight|tomorrow|when i)\b|"
                   r"\b(?:enough|all)\b[^\n]{0,30}\b(?:saved up|stockpiled|put aside|hidden away)\b[^\n]{0,40}\b(?:picked|"
                   r"chosen|set|decided on) (?:the|a) (?:date|day|night|time)\b|"
                   r"\b(?:tonight|this weekend|tomorrow|friday|saturday|sunday|monday|next week|soon) (?:is|will be|'s) "
                   r"(?:when|the (?:day|night|time)) (?:i|i'll) (?:do it|go|end it|finally do it)\b")),
    ("suicide", _R(r"\bif i (?:didn't|did not|never|don't|do not|wouldn't|won't) (?:wake|woke|come back|come round|come "
                   r"out)\b[^\n]{0,50}\b(?:relieved|relief|fine|okay|ok|good|better|wouldn't mind|not mind|wouldn't care|"
                   r"happy|grateful|glad)\b")),
    ("suicide", _R(r"\btell (?:my|them|him|her|everyone)\b[^\n]{0,20}\b(?:it wasn't|it's not|it isn't|it was not|it is "
                   r"not|none of this (?:is|was)) (?:their|his|her|your|anyone's) fault\b|"
                   r"\btell (?:my|them|him|her|everyone) [^\n]{0,20}\bi(?: love| loved|'m sorry| am sorry| was sorry)"
                   r"(?: (?:him|her|them|you|everyone|all of (?:you|them)))?(?:\s*[.!,]|\s*$| so much| very much| always)|"
                   r"\b(?:sleep|goodbye|say goodbye|signing off|logging off)\w*[^\n]{0,20}\bfor the (?:last|final) time\b|"
                   r"\b(?:you|anyone|everyone|nobody|no one) (?:won't|will not|will never|wont) (?:hear|see) (?:from )?me "
                   r"(?:again|after (?:this|tonight|today))|\b(?:my|this is (?:my|the)) (?:last|final) (?:message|words|"
                   r"goodbye|post)\b|\b(?:said|saying) (?:my )?goodbyes?\b(?! (?:to (?:a|my|our|the|his|her|their) (?:\w+ )?(?:colleague|coworker|"
                   r"classmate|teacher|team|boss|neighbou?r|pet|dog|cat|house|flat|home|school|job)|at (?:the|a|her|his|their|my|"
                   r"our) |in (?:japanese|french|spanish|german|italian|another language)))|\bsorry for everything\b(?! (?:i|you) (?:asked|said|"
                   r"wrote|typed))[^\n?]{0,40}\b(?:last(?! question)|goodbye|tonight|forever|bye)\b(?![^\n]*\?)|\bwon't (?:need|be needing) (?:it|this|you|any of (?:it|this)|anything) "
                   r"(?:after|past|beyond) (?:tonight|today|this|tomorrow)|\bmy mind is made up\b|"
                   r"\b(?:don't|do not|dont) (?:try to |bother trying to |bother )?(?:talk me out|stop me|change my mind)|"
                   r"\b(?:nobody|no one|you|nothing) (?:can|can't|could|will) (?:talk me out|stop me|change my mind)|"
                   r"\b(?:not|won't be) (?:stopping|calling anyone|telling anyone) (?:it |them )?(?:this time|tonight)\b|"
                   r"\b(?:just|and|finally|to) let (?:myself )?go\b(?! of)[^\n]{0,40}\b(?:tonight|for good|forever|"
                   r"don't|dont|this time)|\b(?:tonight|for good|forever)\b[^\n]{0,40}\b(?:just|and|finally) let (?:myself )?"
                   r"go\b(?! of)|\bnot that i'll (?:be|still be)\b|\bi've made (?:my|the) (?:plans|decision|peace)\b|"
                   r"\bthe last time (?:you'll|you will|anyone will|anyone'll|you) (?:hear from|see|talk to) me\b|"
                   r"\bthe last time (?:i'll|i will|i) (?:ever )?(?:talk|speak|write|message|text) (?:to )?(?:anyone|anybody|"
                   r"everyone|you|my \w+)\b|\b(?:written|wrote|writing|left|leaving) (?:something|a note|a letter|letters|notes|"
                   r"a message)\b[^\n]{0,30}\b(?:to find|find (?:it|them)|for (?:when|after) i'?m gone|in the morning)\b|"
                   r"\b(?:doesn't|does not|won't|will not|never|will never) get better\b[^\n]{0,60}\b(?:finish|finishing|end|"
                   r"ending) (?:it|this|things)\b|"
                   r"\bi know (?:how|when|where) and (?:i know )?(?:how|when|where)\b|\bmy affairs in order\b|"
                   r"\b(?:everything'?s|everything is|it'?s all|all) (?:arranged|sorted|in order|taken care of|ready|set)\b"
                   r"[^\n]{0,60}\b(?:dog|cat|pets?|will|letters?|notes?|neighbou?r|family|goodbye|tonight)\b|"
                   r"\b(?:gave|given|giving|rehomed|rehoming|left) (?:away )?my (?:cat|dog|pets?|kitten|puppy|rabbit|things|"
                   r"stuff)\b[^\n]{0,60}\b(?:doesn't know why|don't know why|didn't say why|won't need|for good|forever)|"
                   r"\bi (?:want|need) it to be (?:painless|quick|peaceful|over)\b|\b(?:for good|forever|last time|never "
                   r"again)\b[^\n]{0,50}\bif you know what i mean\b")),
    ("self_harm", _R(r"\b(?:cut|cutting|burn|burning|hurt|hurting|harm|harming|starve|starving) (?:my ?self|myself)\b|"
                     r"\b(?:been|started|keep|am|i'm|still) (?:cutting|burning)|\bcutting again|"
                     r"\bburns on my (?:arms|legs|skin)|\bwhen (?:you|i) cut\b|\b(?:scratch\w*|slash\w*|cut\w*|carv\w*) "
                     r"(?:at )?my (?:wrists?|arms?|legs?|thighs?|skin)\b|\b(?:razor|blade)s?\b[^\n]{0,40}\b(?:my|me|i)\b|"
                     r"\b(?:i|i'm|i've|my|me)\b[^\n]{0,40}\b(?:razor|blade)s?\b|\b(?:the|my) cuts\b|\bneeded stitches\b")),
    ("self_harm", _R(r"\b(?:i|i'm|i've|my|me)\b" + _ANY + r"{0,60}\bself[- ]?harm|\bself[- ]?harm" + _ANY +
                     r"{0,60}\b(?:i|i'm|i've|me|my)\b")),
    # The subject starts at a word boundary: "he" inside "the brain doesn't respond" is no one.
    ("emergency", _R(r"\b(?:" + _SUBJ + "|" + _SOMEONE + r")\b" + _ANY + r"{0,60}\b(?:won't|wont|will not|can't|"
                     r"cant|cannot|isn't|is not|not|doesn't|"
                     r"does not|barely|stopped|keeps?) (?:wake|waking|respond|responding|answer|answering|breath|"
                     r"breathe|breathing|move|moving|stand|standing|stay awake|open (?:his|her|their) eyes)")),
    ("emergency", _R(r"(?:\b" + _SUBJ + r"\b|\b(?:now|right now|still|minutes|mins|help)\b)[^\n]{0,60}"
                     r"\b(?:unresponsive|passed out|collapsed|turning blue|gone blue|lips (?:are |look |went |turned )?"
                     r"(?:blue|purple|grey|gray|weird)|gasping|breathing (?:weird|funny|strange|slow|shallow|badly)|"
                     r"(?:had|having|has) a (?:seizure|fit)|seizing|convulsing|fitting|foaming at|choking on (?:his|her|"
                     r"their) (?:vomit|sick)|won't stop bleeding|peeing blood|pissing blood|blood in my (?:pee|urine))")),
    ("emergency", _R(r"\b(?:unresponsive|passed out|collapsed|turning blue|gasping|seizing|convulsing|won't stop bleeding|"
                     r"peeing blood)\b[^\n]{0,40}\b(?:now|right now|still|help|minutes|mins|what do (?:i|we) do)\b")),
    ("emergency", _R(r"\b(?:i|i'm|i am|my)\b" + _ANY + r"{0,40}\b(?:chest pain|chest (?:hurts|is tight)|heart(?: is|'s)? "
                     r"(?:racing|pounding|beating (?:so )?(?:fast|hard)|going to stop|gonna stop|stopping)|can't breathe|"
                     r"can barely breathe|cannot breathe|(?:feel|think) (?:like )?i'm dying|i'm dying|vision (?:is )?"
                     r"(?:going|gone|went) (?:dark|black)|can't feel my|can't move my|can't stand|keep (?:throwing|"
                     r"being sick)|throwing up and)")),
    ("emergency", _R(r"\b(?:i think i|i just|i have|i've|i|he|she|they|we|my \w+)\b" + _ANY + r"{0,20}\b(?:overdosed|"
                     r"overdoes|overdosing|took (?:way |far )?too much|did (?:way |far )?too much|took (?:way |far )?more "
                     r"than (?:usual|normal)|took a (?:lot|bunch|huge)|took loads)\b" + _ANY + r"{0,80}\b(?:now|and|still|"
                     r"help|what do|spinning|won't|wont|can't|cant|not|keep|is|am|feel|he's|she's)")),
    ("emergency", _R(r"\b(?:chest pain|(?<!you )(?<!they )(?:can barely|can hardly|can't|cannot) breathe|heart(?: is|'s)? "
                     r"(?:racing|pounding)|throwing up|can't stand|can't move)\b[^\n]{0,60}\b(?:right now|now|currently|"
                     r"at the moment|help)\b|\b(?:right now|now|currently)\b[^\n]{0,60}\b(?:chest pain|can barely breathe|"
                     r"can't breathe|cannot breathe)")),
    ("emergency", _R(r"\b(?:he's|she's|they're|he is|she is|they are|i'm|i am|" + _SUBJ + r" (?:is|looks|seems)|" + _SUBJ +
                     r"'s) (?:acting |being |getting )?(?:really |so |"
                     r"very |totally |all )?(?:out of it|confused and|unresponsive|not making sense|slurring|hallucinating "
                     r"and|panicking so|blue|cold and|floppy|limp|clammy|gone (?:really )?pale)")),
    ("emergency", _R(r"(?:\b(?:just|now|right now|currently|still)\b|\b(?:a|some|this|the) (?:guy|girl|man|woman|person|"
                     r"kid|boy|dude|lad)\b)[^\n]{0,40}\b(?:collapsed|passed out|unconscious|twitching|jerking|"
                     r"convulsing|seizing|fitting|foaming|not breathing|stopped breathing|turning blue|on the floor and)\b|"
                     r"\b(?:hands|lips|fingers|face|skin|nails) (?:are |look |went |turned |turning |going )?(?:blue|purple|"
                     r"grey|gray)\b|(?:^|[.!?]\s+)(?:just )?(?:took|did|had|snorted) (?:way |far |much )?too much\b")),
    ("emergency", _R(r"\b(?:in agony|unbearable pain|worse by the minute|can't stop shaking|can't stop bleeding)\b")),
    # A symptom in the body now, with a worry about it: "heart racing and vision going black, should i be worried".
    ("emergency", _R(r"^(?![\s\S]*\b(?:infusions?|sessions?|treatment|therapy|appointment|clinic|esketamine|spravato)\b)"
                     r"(?=[\s\S]*\b(?:heart|pulse|chest|vision|eyesight|breathing|arms?|face|legs?|hands?|lips|jaw|"
                     r"head)\b[^.?!\n]{0,30}\b(?:racing|pounding|all over the place|irregular|skipping|(?:going|keeps going|"
                     r"went|goes) (?:black|dark|blurry|numb|blue)|numb|tight|tingling|won't slow|won't stop|hammering|"
                     r"thumping|fluttering|locked|twitching|burning up)\b)(?=[\s\S]*\b(?:should (?:i|we) (?:be worried|"
                     r"worry|go to|call|get)|is (?:this|that|it) (?:normal|bad|serious|dangerous|ok)|am i (?:ok|okay|going "
                     r"to be ok|dying)|do i need (?:a doctor|an ambulance|to go)|what do (?:i|we) do|(?:go|going) to "
                     r"(?:a&e|the er|hospital))\b)(?=[\s\S]*\b(?:my|i'm|i've|i (?:took|did|had|feel|think|just|used)|"
                     r"should (?:i|we)|am i|(?:his|her|their) (?:heart|pulse|chest|breathing|lips|face))\b)[\s\S]{0,80}")),
    ("emergency", _R(r"\b(?:should (?:we|i) call|call(?:ing)? (?:an )?ambulance|call (?:911|999|112)|someone help|"
                     r"please help (?:me|us|him|her)|help (?:me|us) please|(?:my|a) (?:friend|mate)" + _ANY +
                     r"{0,30}(?:not (?:there|with it)|out of it)" + _ANY + r"{0,30}(?:minutes|mins|hours|now))")),
    ("emergency", _R(r"\b(?:i'm|i am|stuck) in (?:a|the) k-hole\b" + _ANY + r"{0,40}\b(?:can't|cant|help|scared|panic)")),
    ("emergency", _R(r"^(?=[\s\S]*\b" + _FOREIGN_SYMPTOM + r"\b)(?=[\s\S]*\b" + _FOREIGN_SIGN + r"\b|[\s\S]*\b"
                     + _FOREIGN_SYMPTOM + r"\b[\s\S]*\b" + _FOREIGN_SYMPTOM + r"\b)[\s\S]{0,80}")),
    ("suicide", _R(r"\b" + _FOREIGN_SUICIDE + r"\b")),
    # Round 10: a treatment-failure ultimatum ("if the next infusion doesn't work i'm out", "if it fails i'm going to end
    # things"): a last try that may fail, and an ending as its consequence. On the development sets only crises of
    # eight writers; a confident vote on one of them sat on the edge of CRISIS_CERTAIN, held back by "the next infusion".
    ("suicide", _R(r"\bif (?:it|this|that|ketamine|esketamine|(?:the|my|this) (?:\w+ )?(?:infusions?|sessions?|treatment|"
                   r"therapy|round|try|attempt|dose|course|one))\b[^.?!]{0,25}\b(?:doesn'?t|does not|don'?t|won'?t|fails?|"
                   r"didn'?t|stops?) (?:work\w*|help\w*|fix\w*)?[^.?!]{0,30}?\b(?:(?:i'?m|i am|i'll be) (?:properly |really "
                   r")?(?:out|gone|done)\b(?! with (?:the|this|my|that) (?!life)\w)|that'?s it\b|not (?:sticking|staying) "
                   r"around|(?:won'?t|not) (?:still )?be (?:here|around)|end (?:it|things|everything)|(?:backup|back-up) "
                   r"plan|i have a plan)")),
    # A question about dying, then "because I want it to" (two writers, only crises).
    ("suicide", _R(r"^(?=[\s\S]*(?:" + _DEATH + r"|\bstop (?:you|your|me|my|someone|a person)\w* (?:from )?(?:breathing|heart)"
                   r"))[\s\S]*\b(?:because|cause|cos|coz) i (?:want|need|wish) (?:it|that|this) "
                   r"to\W*$")),
    ("emergency", _R(r"^(?=[\s\S]*(?:" + _FOREIGN_CJK_SYMPTOM + r"))(?=[\s\S]*(?:" + _FOREIGN_CJK_SIGN + r"|\b"
                     + _FOREIGN_SIGN + r"\b))[\s\S]{0,80}")),
    ("suicide", _R(_FOREIGN_CJK_SUICIDE)),
]

_OTHER_DRUGS = (r"(?:mdma|molly|mandy|ecstasy|pills|cocaine|coke|crack|alcohol|booze|drinks?|beers?|wine|vodka|weed|"
                r"cannabis|thc|acid|lsd|2c-?b|2cb|mushrooms|shrooms|xanax|benzos?|valium|diazepam|alprazolam|ghb|gbl|"
                r"speed|meth|amphetamines?|adderall|opioids?|heroin|oxy\w*|fentanyl|nitrous|nos|poppers|dmt|mephedrone|"
                r"caffeine|energy drinks?|ambien|sleeping pills|painkillers)")
_DOSE_NOUN = r"(?:dose|doses|dosage|dosing|amount|amounts|quantity|threshold|mg|milligrams?|grams?|number)"
_REC = (r"(?:fun|party|partying|parties|night|evening|weekend|festival|rave|club|trip|tripping|high|buzz|k-hole|"
        r"recreational\w*|recreationally|beginner|first[- ]?time\w*|first (?:go|try|goes|attempt)|newbie|noob|chill|relax\w*|vibe|dissociat\w*|dream\w*|"
        r"at home|myself|me|my weight|my size|\d+ ?(?:kg|lbs?|pounds|stone)|for a girl|for a guy|hit|feel|going too|"
        r"too deep|get there|without (?:going|a doctor|a prescription|prescription))")

SAFETY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # A prescription used past its dose for the effect ("does the spray get you high if you use more than prescribed"),
    # or someone else's medicine taken ("can i take a bit of my dog's meds"): use, however medical the words around it.
    ("dosing", _R(r"^(?=[\s\S]*\b(?:high|trip\w*|buzz\w*|k-hole|feel (?:it|more|something|floaty)|fucked|wasted|stoned|"
                  r"recreational\w*|for fun)\b)"
                  r"[\s\S]*\b(?:more than (?:prescribed|(?:i'm|you're|we're|i am|you are) (?:told|meant|supposed|prescribed)|"
                  r"the (?:prescribed |recommended |usual )?dose)|(?:a (?:couple|few) of |some )?extra (?:sprays?|doses?|puffs?|"
                  r"squirts?|vials?)|double (?:up|the dose|dose)|save (?:up|back) (?:a few |some |my )?doses)\b")),
    ("obtaining", _R(r"\b(?:can|could|should|would|may) (?:i|we) (?:just )?(?:take|use|borrow|try|have|nick|pinch|steal|"
                     r"share) (?:a (?:bit|little|few|some) (?:of )?|some (?:of )?|any (?:of )?)?(?:his|her|their|my (?:\w+ )?"
                     r"(?:\w+'s)|(?:my |the )?(?:cat|dog|pet|horse|mum|mom|dad|nan|gran|brother|sister|partner|friend)'?s) "
                     r"(?:\w+ )?(?:medicine|meds|medication|prescription|spray|vials?|pills|supply|dose|doses)\b")),
    # ------------------------------------------------------------------ dosing for use
    ("dosing", _R(r"\bhow (?:much|many)(?: more)? (?:mg|milligrams?|grams?|g|ml|mcg|bumps?|lines?|keys?|points?|hits?|"
                  r"bags?|vials?|doses?|rails?|of (?:it|ketamine|this|that|the powder|my))\b")),
    ("dosing", _R(r"\bhow (?:much|many)(?: of)?(?: the)?(?: ketamine| it)?" + _ANY + r"{0,25}\b(?:should|do|would|could|can|must|"
                  r"need to|to|will) (?:i|we|you|he|she|they|one|someone|people|my \w+|a (?:beginner|newbie|noob|novice|"
                  r"first[- ]?timer)|a person|a \w+ person|(?:each|all|both|the \w+|every one) of (?:us|them|you)|each "
                  r"person)? ?"
                  r"(?:take|do|use|snort|sniff|have|need|split|dose|get|rail|bump|try|give)\b")),
    ("dosing", _R(r"\bhow (?:much|many)\b" + _ANY + r"{0,40}\b(?:to|for) (?:a |an |my |the |get |getting |be |feel |hit |"
                  r"reach |go |have |experience )?(?:good |nice |chill |relaxed |fun |first |proper |big |strong |mild |"
                  r"light |real |decent |great |solid |moderate |heavy )?(?:trip\w*|k-hole|high|party|night|evening|weekend|"
                  r"time|buzz|beginner|newbie|first[- ]?tim\w*|first (?:go|try)|fun|hit|feel|get (?:high|there|into|to)|reach|go (?:deep|under)|"
                  r"dissociat\w*|roll|festival|rave|club|session at home|dream\w*|out of (?:it|my head)|wasted|wrecked|"
                  r"fucked|messed up|blackout|relax\w*|chill\w*)")),
    ("dosing", _R(r"\b(?:what|what's|which|a|the|good|safe|right|normal|typical|starting|recreational|first[- ]?time|"
                  r"beginner|threshold|k-hole|ideal|perfect|best|correct|proper|lethal|max|maximum|minimum|decent|"
                  r"strong|mild|light|moderate|heavy|exact|usual|average) (?:street |party |recreational |club )?"
                  + _DOSE_NOUN + r"\b" + _ANY + r"{0,60}\b"
                  + _REC + r"\b")),
    ("dosing", _R(r"\b" + _REC + r"\b" + _ANY + r"{0,60}\b(?:what|which|how much|good|safe|right|starting|ideal|best|"
                  r"exact) (?:dose|dosage|amount)\b")),
    ("dosing", _R(r"\b(?:dose|dosage|amount|doses|dosing) (?:of \w+ )?(?:for|to get|to feel|to reach|to hit) (?:fun|a party|"
                  r"partying|a night|the weekend|recreation|recreational|getting high|me|a k-hole|a trip|tripping|a buzz)")),
    ("dosing", _R(r"\b(?:is|are|would|will) (?:\d+(?:\.\d+)? ?(?:mg|g|grams?|ml|mcg)|\w+ (?:bumps?|lines?|keys?))\b" + _ANY +
                  r"{0,30}\b(?:too much|enough|ok|okay|safe|fine|a lot|too little|strong|weak|good)")),
    ("dosing", _R(r"\b\d+(?:\.\d+)? ?(?:mg|g|grams?|ml|mcg|mg/kg)\b" + _ANY + r"{0,40}\b(?:first time|for me|enough|"
                  r"too much|should i|can i|to get|to feel|for a k-hole|for a trip)")),
    ("dosing", _R(r"\b(?:take|do|use|have|snort) (?:a bit |a little |some |a lot |way |much |even )?more\b[^\n]{0,40}"
                  r"\b(?:stronger|to feel|high|effect|k-hole|to get)|\b(?:what|which) (?:dose|dosage|amount)\b[^\n]{0,20}"
                  r"\b(?:and how often|should i|do i|for me|for my|would i)|\bi (?:want|plan|am going|'m going|would like|"
                  r"need) to self[- ]?(?:treat|medicate)")),
    ("dosing", _R(r"\b(?:sweet spot|right amount|perfect amount|ideal amount|just enough|enough to feel|enough to get)\b|"
                  r"\bhow (?:often|frequently|many times)\b[^\n]{0,25}\b(?:can|should|could|do) (?:i|we|you)\b[^\n]{0,15}"
                  r"\b(?:k-hole|use|do|take|bump|dose|trip|have)\b|\b(?:can|should) (?:i|we)\b[^\n]{0,30}\b(?:per|a|each) "
                  r"(?:week|weekend|month|day|night)\b")),
    ("dosing", _R(r"\b(?:dose|amount|much)\b[^\n]{0,10}\b(?:where|so that|at which|that lets|that keeps)\b[^\n]{0,20}"
                  r"\b(?:i|i'd|i'll|i can|you|you'd|you can|still)\b")),
    # "Make it last longer", unless "it" is an everyday thing named in the message (a battery, a candle).
    ("dosing", _R(r"^(?![\s\S]*\b(?:battery|batteries|phone|laptop|charge|paint|flowers|bread|food|candle|tyres|shoes|"
                  r"perfume|makeup|coffee|holiday|money|savings)\b)[\s\S]*\bmake it last longer")),
    ("dosing", _R(r"\bhow (?:strong|big|fat|long|large|heavy) should (?:my|a|the|our|his|her) (?:first )?(?:line|bump|"
                  r"dose|rail|key|hit)")),
    ("dosing", _R(r"\b(?:redos\w*|re-dos\w*|top(?:ping)? up|(?:wait|gap|time|leave|space) between (?:bumps|lines|doses|hits|keys|rails)|"
                  r"keep (?:the|my) (?:buzz|high|trip) going|"
                  r"(?:how much )?more should (?:i|we) (?:do|take|use)|make (?:my |the )?(?:ketamine|high|trip|"
                  r"k-hole) last longer|increase (?:the|my) dos\w*|(?:same|a bigger|stronger) high|"
                  r"tolerance" + _ANY + r"{0,40}\b(?:increase|more|higher|up it|bump it|get the same|how much))")),
    ("dosing", _R(r"\b(?:microdos\w*" + _ANY + r"{0,40}\b(?:at home|myself|without|how (?:to|do|much|often)|schedule|"
                  r"protocol|what dose|how)|how (?:to|do i|can i|should i) microdose|"
                  r"dos(?:ing|e|age) (?:chart|table|guide|schedule|calculator)|dose ranges? for|"
                  r"exact (?:\w+ )?doses|list" + _ANY + r"{0,30}\bdoses|(?:mg|milligrams?) (?:per|/) ?kg" + _ANY +
                  r"{0,40}\b(?:to get|to feel|for (?:a|me|my|fun)|should|i|get)|in mg\b|"
                  r"(?:give|tell) me (?:a|the|an exact|some) (?:number|figure|amount|dose)|just (?:a )?(?:rough |"
                  r"ballpark )?(?:number|figure|amount)|ballpark (?:figure|number|dose|amount))")),
    ("dosing", _R(r"\b(?:how to|best way to|easiest way to|how do (?:i|you)|how can i|how would i|teach me to) (?:k-hole|"
                  r"trip|get high|get fucked up|get wrecked|get as high|reach a k-hole|hit a k-hole|go into a k-hole|get "
                  r"into a k-hole|dissociate on|get the most out of)|\bas high as possible\b")),
    ("dosing", _R(r"\bwhat (?:should|would|do|does|can|could) (?:a |an )?(?:beginner|first[- ]?timer|newbie|noob|novice|"
                  r"lightweight|someone new)s? (?:start|begin|take|use|do|try|go)\b|\b(?:start|begin) (?:with|on) "
                  r"(?:like )?(?:half a|a quarter of a|a small|a tiny|one|a single|a) (?:line|bump|key|rail|point)\b")),
    ("dosing", _R(r"\bwhat (?:should|would|do) (?:i|he|she|we|they|my \w+) (?:take|use)\b" + _ANY + r"{0,40}\b(?:and how|"
                  r"first time|ketamine|tonight|weekend|party)")),
    ("dosing", _R(r"\b(?:cuant[oa]s?|cuanta|wie ?viel|combien|quanto|quanta|hoeveel|ile|сколько)\b(?! (?:de )?(?:tiempo|tempo|"
                  r"temps|zeit|lange|tijd|czasu|времени|dura|duran|dure|dauert))" + _ANY +
                  r"{0,40}\b(?:ketamine|k-hole|keta)")),
    # Round 11: hiding use and a drug test got round, in the six languages and Polish (the English patterns cannot read them).
    ("concealment", _R(r"\b(?:escond\w*|ocult\w*|cacher|dissimuler|verstecken|verheimlichen|nascondere|verbergen|ukryc|"
                       r"скрыть|спрятать)\b" + _ANY + r"{0,40}\bketamine\b|\bketamine\b" + _ANY + r"{0,40}\b(?:aus (?:meinem|dem) "
                       r"(?:urin|blut|korper|system) (?:raus|bekommen)|(?:pasar|passar|passer|bestehen|superare) (?:el |o |le |den |il )?"
                       r"(?:test|examen|exame|drogentest|controle|control))\b|\b(?:wie|como|comment|come|hoe) [^.?!\n]{0,40}\bketamine\b"
                       r"[^.?!\n]{0,30}\b(?:raus|loswerden|eliminar|eliminer|sbarazzarmi|kwijt)\b")),
    # ------------------------------------------------------------------ obtaining
    ("obtaining", _R(r"\b(?:where|how) (?:can|could|do|would|should|to|might|does|did) (?:i|we|you|one|someone|he|she|"
                     r"people|a person|my \w+|they)? ?(?:usually |normally |typically |even |actually |ever |best )?(?:buy|purchase|order|score|cop|obtain|source|acquire|steal|nick|"
                     r"pinch|get hold of|get ahold of|pick up|get (?:ketamine|it|some|any|more|a supply|a prescription "
                     r"for (?:ketamine|it)|k|it from|some from)|find (?:ketamine|some|a dealer|a plug|a supplier|a vendor))\b")),
    ("obtaining", _R(r"(?<!legal to )(?<!allowed to )(?<!legally )\b(?:buy|buying|purchase|purchasing|order|ordering|score|"
                     r"scoring|cop|copping)\b" + _ANY +
                     r"{0,40}\b(?:ketamine|online|near me|without (?:a )?(?:prescription|script|doctor)|dark ?web|"
                     r"darknet|from a dealer|on the street)")),
    ("obtaining", _R(r"\b(?:ketamine|some|it)\b" + _ANY + r"{0,30}\b(?:buy|purchase|order|get|score)\b" + _ANY +
                     r"{0,20}\bonline\b|(?<!legal to )(?<!allowed to )\bbuy (?:some|it|ketamine)\b")),
    ("obtaining", _R(r"\b(?:find|best|text|texting|message|messaging|contact|which|recommend|reliable|trusted|good) (?:a |the )?"
                     r"(?:\w+ )?(?:dealers?|plugs?|darknet|dark web|vendors?|suppliers?|markets?)\b")),
    ("obtaining", _R(r"\b(?:darknet|dark web|darkweb|\.onion|telegram)\b" + _ANY + r"{0,40}\b(?:ketamine|market|buy|vendor|"
                     r"order|get|right now)|\bketamine\b" + _ANY + r"{0,40}\b(?:darknet|dark web|darkweb)")),
    ("obtaining", _R(r"\b(?:get|buy|order|obtain|ships?|shipping|sells?|selling|sold|pharmacy|online|take|use|microdose|"
                     r"supply|source|possible)\b" + _ANY + r"{0,60}\bwithout (?:a |an |any |seeing a |needing a )?"
                     r"(?:prescription|script|rx|doctor|psychiatrist|prescriber|gp|medical supervision)")),
    ("obtaining", _R(r"\b(?:what do i|how do i|how can i|what should i|how to) (?:say|tell|convince|persuade|trick|get|"
                     r"fool|lie to)\b" + _ANY + r"{0,40}\b(?:doctor|vet|clinic|pharmacist|psychiatrist|prescriber|gp|nurse)\b")),
    ("obtaining", _R(r"\b(?:from|at|ask|asking|tell|get) (?:a|the|my|our) (?:vet|veterinarian|veterinary clinic|animal hospital|"
                     r"pharmacy|hospital|clinic)\b" + _ANY + r"{0,60}\b(?:for (?:my|the) (?:dog|cat|horse|pet)|extra|"
                     r"for myself|for me|take home|so i can|without|easily|say it's|pretend)")),
    ("obtaining", _R(r"\b(?:extra|take-?home|leftover|spare) (?:ketamine|supply|doses?|vials?|some)\b" + _ANY +
                     r"{0,40}\b(?:for myself|so i can|to use|to take|at home|use extra)|\bso i can use (?:extra|more|it)")),
    ("obtaining", _R(r"\b(?:lax|easy|loose|relaxed|sketchy|dodgy) (?:about )?(?:prescrib\w*|clinics?|doctors?)|"
                     r"prescribe (?:me )?(?:ketamine|it)\b" + _ANY + r"{0,30}\b(?:so i can|for fun|easily|recreational)")),
    ("obtaining", _R(r"\b(?:steal|stealing|nick|pinch|swipe|divert|diverting|pocket|skim)\b" + _ANY + r"{0,60}\b(?:ketamine|"
                     r"supply|vials?|stash|from the|hospital|clinic|pharmacy|without)")),
    ("obtaining", _R(r"\b(?:take|get|sneak|grab)\b" + _ANY + r"{0,50}\b(?:without (?:anyone|him|her|them|it being|being|"
                     r"my \w+) (?:noticing|notic\w*|knowing|seeing|caught|noticed|finding out)|out without (?:anyone|"
                     r"them|him|her))|\bout of (?:the|his|her|their|my \w+'s) (?:supply|stash|stock|cabinet|safe)\b")),
    ("obtaining", _R(r"\bhow much (?:does|do|is|are|would|for|will) (?:a |an |one |half a )?(?:gram|g|bag|point|vial|ounce|oz|"
                     r"bottle)\b|\b(?:price|cost|going rate) (?:of|per|for) (?:a |an )?(?:gram|g|bag|point|vial|ounce|"
                     r"ketamine\b(?! therapy| treatment| infusions?))|\bgram of ketamine (?:go for|cost|sell)|"
                     r"\bcheapest (?:way|place) to (?:get|buy)|\bripped off|\bstreet (?:price|value)")),
    ("obtaining", _R(r"\b(?:comprar|compro|kaufen|acheter|achete|comprare)\b")),
    # Someone on the inside: "my cousin works at a vet's, could she get me some", "if you know someone who works there".
    ("obtaining", _R(r"^(?![\s\S]*\bfor (?:patients|the patients|surgery|operations)\b)(?=[\s\S]*\b(?:works?|working|job) (?:at|in|for) (?:a |an |the )?(?:vet\w*|veterinar\w*|animal "
                     r"(?:hospital|clinic)|hospital|pharmacy|chemist|clinic|surgery|a&e|ambulance|lab)|[\s\S]*\b(?:know|knows) "
                     r"(?:someone|somebody|a \w+|people) (?:who|that) works?\b)(?=[\s\S]*\b(?:get (?:me |us |hold of |you )?"
                     r"(?:some|it|ketamine|vials?|a bottle|any)|get (?:it|some|them) out|take (?:some|it|a few|vials?) home|"
                     r"get (?:me |us |you )?(?:a (?:couple|few|bottle|vial|bit|little)|one|a couple of \w+|a few \w+)|"
                     r"sneak|nick|pinch|without (?:it )?being (?:missed|noticed)|(?:possible|easy|hard) to get)\b)")),
    # Who sells, and who sells the best: "who's got the cleanest shards on the market", "most reliable vendor".
    ("obtaining", _R(r"\b(?:who(?:'s| is| has)?|where(?:'s| is)?|which (?:shop|vendor|seller|dealer|site|channel|plug|"
                     r"market))\b[^.?!\n]{0,30}\b(?:got|selling|sells|stocks?|has|have)\b[^.?!\n]{0,30}\b(?:cleanest|purest|"
                     r"best|strongest|cheapest)\b|\b(?:cleanest|purest|strongest|cheapest|best)\b[^.?!\n]{0,20}\b(?:shards?|"
                     r"crystals?|gear|batch|powder|ketamine)\b[^.?!\n]{0,20}\b(?:on the market|around|going|out there|"
                     r"right now|to buy|in town)|\b(?:most|more) (?:reliable|trusted|legit|trustworthy) (?:vendor|seller|"
                     r"dealer|plug|supplier|source|shop)")),
    # Price in slang: "how much would 5g set me back", "what's a fair price for a q".
    ("obtaining", _R(r"\bwhat (?:do|should|can|would|could) (?:people|someone|i|you|one|we) (?:say|tell)\b[^.?!\n]{0,40}"
                     r"\bto (?:get (?:prescribed|a prescription|it prescribed|off|let off|out of it)|avoid (?:arrest|charges|"
                     r"being charged))\b|\bhow long (?:does|will|would|should) (?:a|an|one|half a|the) (?:gram|g|bag|point|"
                     r"baggie|vial|bottle)\b[^.?!\n]{0,20}\blast\b")),
    ("obtaining", _R(r"\bno questions asked\b|\bset (?:me|you|us|someone) back\b|\b(?:fair|good|normal|usual|decent|going) (?:price|rate)\b(?! (?:of|for) "
                     r"(?:relapse|\w+ (?:therapy|treatment|infusions?)|therapy|treatment|infusions?|recovery|success))"
                     r"(?![^.?!\n]{0,30}\b(?:therapy|treatment|infusions?|clinic|insurance)\b)|"
                     r"\bhow much (?:would|is|are|does|do|for|will|to get) (?:an? )?(?:\d+(?:\.\d+)? ?(?:g|grams?|oz|q|qs|"
                     r"bags?|points?)|q|quarter|half|eighth|ball|nine bar|ounce|gram)\b")),
    ("obtaining", _R(r"\b(?:what|which) symptoms (?:should|do|can|would|must) (?:i|we) (?:list|say|claim|fake|mention|tell|"
                     r"report|describe|have)|\bfake (?:symptoms|depression|pain|an illness|being depressed)|\bexaggerat\w* "
                     r"(?:my )?symptoms|\b(?:so|until) (?:they|the clinic|the doctor|the psychiatrist|they'll) (?:accept|approve|"
                     r"prescribe|give|sign off)|\bjust want (?:access|a prescription|the prescription|to get it)")),
    ("obtaining", _R(r"\b(?:so|to make sure|make sure|ensure|guarantee|until) (?:that )?(?:they|he|she|the (?:doctor|clinic|"
                     r"psychiatrist|gp|prescriber)|my (?:doctor|gp|psychiatrist|prescriber))(?:'ll| will| would| can)? "
                     r"(?:definitely |actually |surely |just |have to )?(?:prescribe|give me|write me|sign off|approve|put me on)\b|"
                     r"\b(?:even though|although|but|when|if) (?:i'm|i am|i don't|i do not|i'm really|i am really) (?:not|have no|"
                     r"don't have) (?:actually |really |even |clinically )?(?:depressed|depression|in pain|ill|sick|"
                     r"suicidal|a patient|diagnosed)\b")),
    # ------------------------------------------------------------------ making, extracting, purifying
    ("synthesis", _R(r"\b(?:synthesi[sz]\w*|manufactur\w*|cook(?:ing)?|make|making|produce|producing|brew\w*|home-?made|"
                     r"homemade)\b" + _ANY + r"{0,40}\bketamine\b" + _ANY + r"{0,40}\b(?:step|steps|at home|home|lab|"
                     r"garage|kitchen|route|recipe|chemicals?|ingredients|need|precursors?|yourself|myself|how|process|"
                     r"procedure|method)")),
    ("synthesis", _R(r"\b(?:how|steps?|recipe|route|method|what do i need|what chemicals)\b" + _ANY + r"{0,40}\b(?:synthesi[sz]"
                     r"\w*|manufactur\w*|make|making|cook|cooking|produce)\b" + _ANY + r"{0,30}\bketamine\b")),
    ("synthesis", _R(r"\brecipes?\b(?! for (?:disaster|trouble|success))[^.?!\n]{0,30}\b(?:ketamine|make (?:it|ketamine|some))\b|"
                     r"\bketamine recipes?\b")),
    ("synthesis", _R(r"\bstep[- ]by[- ]step\b[^\n]{0,40}\b(?:synthesi|make|making|made|extract|cook|produc|purif)|"
                     r"\b(?:synthesi[sz]\w*|made|make|extract\w*|cooked|produced|purified)\b[^\n]{0,30}\bstep[- ]by[- ]step")),
    ("synthesis", _R(r"\b(?:synthesis route|synthetic route|precursors?|reagents? (?:to|for) make|chemicals? (?:to|for) make|"
                     r"what chemicals)\b")),
    ("synthesis", _R(r"\b(?:extract\w*|purif\w*|recrystalli\w*|re-crystalli\w*|evaporat\w*|crystalli[sz]\w*|freebase|"
                     r"freebasing|cook (?:it )?down|dry (?:it )?out|reduce (?:it )?to powder)\b" + _ANY +
                     r"{0,60}\b(?:ketamine|vials?|spray|liquid|solution|powder|crystals?|my |mine|it\b)")),
    ("synthesis", _R(r"\b(?:turn|convert|make|get)\b" + _ANY + r"{0,40}\b(?:liquid|vials?|solution|spray)\b" + _ANY +
                     r"{0,30}\b(?:into|to) (?:powder|crystals?|something (?:i|you) can snort)")),
    ("synthesis", _R(r"\b(?:convert|turn|transform|change|make)\b[^\n]{0,40}\binto ketamine\b|\bketamine (?:out of|from) "
                     r"(?:scratch|household|legal|over the counter|otc|something)")),
    ("synthesis", _R(r"\b(?:get|take|remove|wash) (?:the )?cut(?:s|ting agents?)? out|\bremove (?:the )?(?:cut|adulterants?|"
                     r"fillers?)\b")),
    # ------------------------------------------------------------------ combining for effect
    ("combining", _R(r"\bketamine ?(?:\+|and|&|with|plus|then|after|before|or) ?(?:a |some |\w+ )?" + _OTHER_DRUGS +
                     r"\b" + _ANY + r"{0,60}\b(?:ratio|order|before or after|how much of each|"
                     r"better|best|stronger|deeper|vibe|combo\b(?! considered)|tonight|for the best|first|enhance|"
                     r"should i|can i|ok to|okay to|i'm|intense|visuals|night|together for|mix well|go well|come down|"
                     r"come-?up|ruin)")),
    ("combining", _R(r"\b" + _OTHER_DRUGS + r"\b" + _ANY + r"{0,30}\b(?:with|and|\+|before|after|on) (?:my )?(?:ketamine|"
                     r"bumps?|lines?|it)\b" + _ANY + r"{0,60}\b(?:ratio|order|better|best|stronger|deeper|tonight|"
                     r"should i|can i|ok|okay|fine|i'm|first|come down|before it gets)")),
    ("combining", _R(r"\b(?:ketamine|mdma|coke|cocaine|molly)\b[^\n]{0,20}\bratio\b|\bratio\b[^\n]{0,20}\b(?:ketamine|"
                     r"mdma|coke|cocaine|molly)\b")),
    ("combining", _R(r"\b" + _OTHER_DRUGS + r"\b[^\n]{0,30}\b(?:cancel\w*|counteract\w*|balance\w*|offset\w*|reverse\w*|"
                     r"bring (?:me|you|him|her) (?:out|back|down|round)|wake (?:me|you) up|take the edge off)")),
    ("combining", _R(r"^(?=[\s\S]*\b(?:ketamine|" + _OTHER_DRUGS[3:] + r"\b)[\s\S]*(?:\b(?:go|goes|mix|mixes|work|works|pair|"
                     r"pairs) (?:well|nicely|good) (?:together|with)|\bgo together\b|\b(?:good|nice|best|great|fun) (?:combo|mix|"
                     r"combination)\b)")),
    # "Does k go better with mdma or with acid": the better partner for the high, named.
    ("combining", _R(r"\b(?:go|goes|mix|mixes|pair|pairs|work|works|combine|combines) (?:better|best) with (?:\w+ )?"
                     + _OTHER_DRUGS + r"\b")),
    ("combining", _R(r"\b(?:what'?s|which is|what is|is it|which one is|what goes) (?:better|best|good|nicer|more fun|"
                     r"well) (?:with|on|alongside) ketamine\b")),
    ("combining", _R(r"\b(?:calvin klein|ck1|candy ?flip|kitty ?flip|k ?flip|special k ?flip|tusi|pink cocaine|"
                     r"kcmdma)\b")),
    ("combining", _R(r"\b(?:can|should|could) (?:i|we|you) (?:still )?(?:drink|smoke|take|do|mix|have)\b" + _ANY +
                     r"{0,40}\b(?:on|with|while on|after) (?:ketamine|bumps?|lines?|it tonight)")),
    ("combining", _R(r"\b(?:best|what|which) (?:thing|drug|drugs|stuff|substance)s? (?:to )?(?:mix|combine|take|pair)\b" + _ANY +
                     r"{0,40}\b(?:ketamine|with it)|\b(?:mix|combine|stack|pair)\b" + _ANY +
                     r"{0,40}\bketamine\b" + _ANY + r"{0,40}\b(?:to make|stronger|better|deeper|intense|visuals|for the best)")),
    # "Should I drop the pill before or after the ket": the order of a combination for effect.
    ("combining", _R(r"^(?![\s\S]*\b(?:infusion|session|treatment|therapy|antidepressants?|medication|meds|prescri\w*|"
                     r"doctor|clinic)\b)[\s\S]*\b(?:should|do|can|would|shall) (?:i|we)\b[^.?!\n]{0,40}\b(?:before or after|"
                     r"after or before|first or second|at the same time as)\b[^.?!\n]{0,30}\b(?:ketamine|" + _OTHER_DRUGS[3:] +
                     r"\b")),
    ("combining", _R(r"\bwhat order should (?:i|we) take\b|\bbefore or after the \w+ (?:kicks|comes) in\b|"
                     r"(?:how much|how many) (?:alcohol|drinks|beers|shots)" + _ANY + r"{0,30}\b(?:with|on) (?:my )?(?:bumps|"
                     r"ketamine|lines)")),
    # ------------------------------------------------------------------ hiding use, beating tests
    ("concealment", _R(r"\b(?:pass|beat|cheat|fool|trick|get through|clear|evade|dodge|avoid failing|fake)\b" + _ANY +
                       r"{0,25}\b(?:drug|urine|hair|piss|pee|saliva|blood|\d+[- ]?panel|work|job|random) ?(?:test|screen\w*|panel)|"
                       r"\b(?:pass|beat|cheat|fool|trick|get through|clear|evade|dodge) (?:a |an |the |my |our |his |her )?"
                       r"(?:\w+ )?(?:\d+[- ]?panel|panel|swab)")),
    ("concealment", _R(r"\b(?:make sure|ensure|so that|so|to keep|keep) (?:it|ketamine|that|this|mine|the ketamine|my "
                       r"ketamine)? ?(?:doesn't|does not|won't|wont|will not|don't|never|can't) (?:show|come|turn|appear|"
                       r"register|flag|get (?:picked|detected|flagged|found|caught)|be (?:detected|picked up|found|seen))\b|"
                       r"\bhow (?:do|can|could|should|would|did) (?:i|we|you|one|someone|they|people|users|others) (?:stop|prevent|avoid|keep|hide) "
                       r"(?:it|ketamine|that|this|mine) (?:from )?(?:showing|appearing|coming up|turning up|being (?:detected|"
                       r"picked up|found|seen))|^(?=[\s\S]*\b(?:tests?|screens?|panels?|swabs?)\b)[\s\S]*\b(?:make sure|ensure) "
                       r"(?:it|that|ketamine|mine) (?:doesn't|does not|won't|wont|will not)\s*(?:[.?!]|$)")),
    ("concealment", _R(r"\b(?:flush|clear|detox|get)\b" + _ANY + r"{0,30}\b(?:out of (?:my|your|his|her) (?:system|body|pee|"
                       r"urine)|system (?:fast|quickly|quick))|test-?proof|\bclean (?:for|by) (?:monday|my test|the test|"
                       r"tomorrow)|\b(?:stop|quit)\b" + _ANY + r"{0,30}\bbefore (?:my|a|the) (?:work |job |random )?"
                       r"(?:drug )?test|\btest\b[^\n]{0,80}\b(?:i'm|i am|will i be|am i) (?:good|clean|ok|okay|fine|"
                       r"safe)\b")),
    ("concealment", _R(r"\b(?:hide|hiding|conceal|concealing|cover up|covering up|disguise|mask|stash|smuggle|sneak)\b" +
                       _ANY + r"{0,50}\b(?:from (?:my |the )?(?:parents|partner|wife|husband|boss|family|security|police|"
                       r"cops|mom|dad|girlfriend|boyfriend|roommate|work|school|teachers?|doctor)|so (?:security|they|"
                       r"nobody|no one|my \w+)|(?:at|into|in to|past|through) (?:a |the )?(?:festival|club|airport|border|gig|"
                       r"venue|rave|concert|prison|jail|school|security|party)|past (?:security|"
                       r"customs|the dogs|sniffer)|my (?:use|habit|ketamine)|on me|in my)")),
    ("concealment", _R(r"\b(?:so|without) (?:that )?(?:security|my \w+|the police|cops|anyone|nobody|no one|they|he|she|"
                       r"people) (?:doesn't|don't|won't|can't|never|wont|dont|doesnt) (?:find|know|notice|see|smell|suspect|"
                       r"catch|realize|figure)\b" + _ANY + r"{0,0}")),
    ("concealment", _R(r"^(?=[\s\S]*\b(?:my|i|i'm|i'll|me)\b)[\s\S]*\b(?:drug |urine |hair |saliva |work |employer'?s? |"
                       r"random |pre-employment )?(?:screen|test|swab|panel)s?\b[^\n]{0,30}\b(?:pick up|picks up|detect|"
                       r"show|shows|find|catch|flag)\b")),
    # Round 10: a drug test and a way round it anywhere in one message ("the trick for passing a hair follicle test?
    # bleach?", "what should i tell my probation officer so they don't test me"), by co-occurrence rather than one
    # phrasing: over the 19 development sets every message with both is a request to beat a test (45, nine writers),
    # none a learning question; five writers' such requests had slipped past the phrasings above.
    ("concealment", _R(r"^(?=[\s\S]*\b(?:(?:drug|urine|hair|follicle|piss|pee|saliva|blood|swab|work|job|random|"
                       r"pre-employment|probation)\w* ?(?:tests?|screens?|panels?|swabs?)|\d+[- ]?panels?|tests? (?:me|him|her|"
                       r"them|us)\b|(?:probation|parole) (?:officer|test|visit))\b)(?=[\s\S]*\b(?:pass(?:es|ed|ing)?|beat(?:s|ing)?|"
                       r"tricks?|cheat\w*|get (?:around|past|round)|dodge\w*|fool\w*|flush\w*|detox\w*|bleach\w*|dilut\w*|"
                       r"(?:get|clear|clean) (?:\w+ ){0,2}out of (?:my|your|his|her|their|the) (?:system|urine|pee|body)|without "
                       r"(?:it )?(?:showing|being (?:detected|picked up)|getting caught)|(?:don'?t|doesn'?t|won'?t|wouldn'?t) "
                       r"(?:test|show(?: up)?|detect|catch|flag|pick (?:it )?up)\b))[\s\S]{0,80}")),
    ("concealment", _R(r"\b(?:add|put|mix|swap|dilute|substitute|spike|fake)\b[^\n]{0,30}\b(?:urine|pee|piss|sample)\b|"
                       r"\b(?:so|that) the (?:lab|test|screen|drug test)\b[^\n]{0,20}\b(?:miss|misses|won't|doesn't|can't)|"
                       r"\b(?:synthetic|clean|fake|someone else's) (?:urine|pee|piss)\b")),
    ("concealment", _R(r"\b(?:sweat|flush|detox|pee|piss|clean|wash) (?:it |ketamine |that |this )?out\b[^.?!\n]{0,40}"
                       r"\b(?:before|for|by) (?:a|the|my|his|her|their|your|monday|tomorrow) (?:\w+ ){0,2}(?:test|screen|"
                       r"panel|swab)")),
    # A question about detection with the writer's own test coming up ("does it show up on a 10 panel? mine is on
    # monday"): timing use around a test, not learning about tests.
    ("concealment", _R(r"^(?=[\s\S]*\b(?:shows? (?:up|in)|detect\w*|picks? up|comes? up|test positive|flag\w*|in (?:my|your) "
                       r"system|stays? in|traces?|time)\b)[\s\S]*\b(?:mine(?:'s| is)|my (?:\w+ )?(?:test|screen|panel|swab)"
                       r"(?:'s| is)?|i(?:'ve| have) (?:got )?(?:a|my|another) (?:\w+ )?(?:test|screen|panel|swab)|good for)"
                       r"\b[^.?!\n]{0,25}\b(?:on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the)|this "
                       r"(?:week|weekend|morning|afternoon)|next (?:week|\w+day)|tomorrow|today|monday|tuesday|wednesday|"
                       r"thursday|friday|saturday|sunday|in (?:a|\d+|two|three|a few|a couple of) (?:days?|weeks?|hours?)|"
                       r"soon|coming up)")),
    ("concealment", _R(r"\bhow (?:long|many (?:hours|days|weeks)) before (?:a|the|my|their|his|her|your) (?:\w+ )?(?:test|screen|swab|panel)\b[^.?!\n]{0,40}"
                       r"\b(?:stop|quit|lay off|be clean|come off)")),
    ("concealment", _R(r"\b(?:excuses?|cover stor(?:y|ies)|explain away|explanation)\b[^.?!\n]{0,40}\b(?:nosebleeds?|"
                       r"sniff\w*|runny nose|bladder|peeing|red eyes|pupils|being (?:high|out of it|wasted)|slurring|track "
                       r"marks|where i (?:was|went)|the smell|the powder|the bags?)\b|\bso (?:that )?(?:my \w+|they|he|she|"
                       r"nobody|no one|people) (?:don't|doesn't|won't|can't|dont|wont) (?:guess|twig|clock|work (?:it )?out|"
                       r"cotton on|ask questions)\b")),
    ("concealment", _R(r"\b(?:hide|hiding|cover|covering|mask|masking)\b" + _ANY + r"{0,30}\b(?:nosebleeds?|sniffing|"
                       r"the signs|red eyes|pupils|smell|track marks|bladder|that i'm high|being high)")),
    # ------------------------------------------------------------------ giving it to someone covertly
    ("covert", _R(r"\b(?:slip|slipping|spike|spiking|sneak|sneaking|put|putting|add|adding|mix|mixing|drop|dropping|"
                  r"dose|dosing|crush|roofie)\b" + _ANY + r"{0,40}\b(?:in|into) (?:someone'?s?|somebody'?s?|his|her|"
                  r"their|my \w+'?s?|a girl'?s?|a guy'?s?|people'?s?) (?:drink|food|tea|coffee|water|beer|meal|juice|"
                  r"cup|glass|dinner|soup|smoothie|wine|cocktail)")),
    ("covert", _R(r"\bknock (?:\w+ )?out\b|\bknock (?:out )?(?:someone|somebody|him|her|them|a (?:\w+ )?(?:man|woman|guy|girl|"
                  r"person))\b")),
    ("covert", _R(r"\b(?:slip|put|add|give|get|make|dose|spike|mix|knock)\b" + _ANY + r"{0,60}\bwithout (?:them|him|her|their|his|"
                  r"my \w+|someone|anyone|the person|people) (?:knowing|noticing|tasting|realizing|realising|finding out|"
                  r"knowledge|consent|telling|seeing|being told)|\bwithout telling (?:her|him|them) what it is")),
    ("covert", _R(r"\b(?:in|into) (?:someone|somebody|a girl|a guy|a person|people|his|her|their|my \w+)'?s? (?:drink|"
                  r"food|tea|coffee|water|beer|juice|cup|glass|wine|cocktail)\b")),
    ("covert", _R(r"\b(?:secretly|covertly|sneakily|quietly) (?:give|put|add|dose|slip|mix|drug|spike|crush)|"
                  r"\bas a prank\b|\bspike (?:someone|a drink|her|his|their)|\b(?:drug|roofie) (?:her|him|someone|"
                  r"a girl|a guy|my \w+)\b")),
    ("covert", _R(r"\b(?:make|get|knock) (?:someone|her|him|them|a girl|a guy|my \w+|people) (?:sleepy|pass out|out|"
                  r"unconscious|black out|not remember|forget|compliant)|\b(?:so|that) (?:they|he|she) (?:don't|doesn't|"
                  r"won't|wont|dont|doesnt) remember\b|\bsleepy enough that\b")),
    ("covert", _R(r"\b(?:won't|wont|wouldn't|doesn't|does not|don't|will not|refuses? to|refusing to|not going to) "
                  r"(?:take|have|want|agree to|accept|swallow|drink) (?:it |ketamine |anything )?(?:willingly|voluntarily|"
                  r"on (?:his|her|their) own|himself|herself|themselves)\b|\bagainst (?:his|her|their|my \w+'s|someone's) "
                  r"will\b|\bwithout (?:his|her|their) (?:consent|agreement|permission)\b|\b(?:how|best way|easiest "
                  r"way) (?:do |can |could |should |would |to )?(?:i |we )?(?:dose|sedate|drug|calm|knock out|get ketamine "
                  r"into|get it into) (?:my (?:\w+ )?(?:brother|sister|mum|mom|dad|father|mother|husband|wife|partner|son|"
                  r"daughter|kid|child|friend|flatmate|roommate|boyfriend|girlfriend|grandma|grandpa|nan)|him|her|them|"
                  r"someone|somebody)\b")),
    # ------------------------------------------------------------------ routes for getting high
    ("route", _R(r"\b(?:snort|sniff|rail)(?: it)? or (?:inject|shoot|smoke|swallow|boof|plug|drink|eat|take it orally|oral|"
                 r"bomb)|\b(?:inject|shoot|smoke|swallow|boof|plug) (?:it )?or (?:snort|sniff|rail)")),
    ("route", _R(r"\b(?:snorting|sniffing|injecting|shooting|smoking|boofing|plugging|orally|swallowing|railing|bombing|"
                 r"im|iv|intramuscular\w*)\b" + _ANY + r"{0,50}\b(?:stronger|better|best|more intense|hits? harder|higher|"
                 r"faster high|quicker high|bigger high|hits faster|last longer)\b")),
    # "Why does ketamine work faster than SSRIs?" compares medicines (three writers); "hit faster" is about a route.
    # "Works faster" is about a route only beside a way of taking it or the writer's own use: "which one works
    # faster?" after a comparison with SSRIs compares medicines too (no development message has it otherwise).
    ("route", _R(r"\b(?:hit|hits|kick in|kicks in|come up|comes up)\b (?:faster|quicker|harder|stronger|sooner)\b|"
                 r"(?=.*\b(?:if|when) (?:i|you|we|u)\b|.*\b(?:snort\w*|sniff\w*|inject\w*|shoot\w*|smok\w*|boof\w*|"
                 r"plug\w*|oral\w*|swallow\w*|rail\w*|nasal\w*|intranasal\w*|iv|im|bumps?|lines?|way|ways|method|route)\b)"
                 r".*?\b(?:work|works)\b (?:faster|quicker|harder|stronger|sooner)\b(?! than)|"
                 r"\bunder (?:your|my|the) tongue\b|\bsublingual\w*|\bbuccal\w*|\b(?:up|in) (?:your|my) (?:bum|butt|ass)\b")),
    ("route", _R(r"\b(?:stronger|strongest|better|best|more intense|most intense|bigger|biggest|deeper|deepest|longer|"
                 r"longest) (?:high|hit|trip|buzz|k-hole)\b|\b(?:better|best|"
                 r"stronger|more intense|quicker|faster|harder)\b[^\n]{0,40}\b(?:snort\w*|inject\w*|shoot\w*|smok\w*|"
                 r"boof\w*|sniff\w*|bumps|a (?:big |fat )?line|orally|swallow\w*|plugging|railing)\b")),
    ("route", _R(r"\b(?:how (?:do|can|should|would|to) (?:i|we|you|one)?|best way to|right way to|proper way to|"
                 r"teach me to|show me how to) ?(?:inject|shoot up|shoot|snort|sniff|smoke|boof|plug|rail|rack (?:up)?|"
                 r"cut (?:up )?(?:a )?line|bump|dab|key|vape|bomb|parachute)\b|\bcan (?:i|you) (?:inject|shoot up|snort|"
                 r"sniff|smoke|boof|plug|rail|vape|bomb|parachute)\b")),
    ("route", _R(r"\b(?:get rid of|stop|avoid|mask|help with|deal with|hide)\b[^.?!\n]{0,30}\b(?:the drip|drip|bitter "
                 r"taste)\b[^.?!\n]{0,30}\b(?:drip|snort\w*|line|bump|ketamine|nose|throat)?")),
    ("route", _R(r"\bwhere on (?:the|my|your) (?:body|arm|leg)|\brack (?:up|out)\b|\bcut (?:up )?(?:a )?lines?\b|"
                 r"(?:crush|grind)\b" + _ANY + r"{0,30}\b(?:before|for|to) (?:snort|sniff|rail|bump)|"
                 r"\b(?:get|make) it (?:ready )?(?:to |for )?(?:sniff|snort|inject)|"
                 r"\b(?:burn|sting)\w*" + _ANY + r"{0,20}\b(?:my|your) nose" + _ANY + r"{0,0}|"
                 r"\bnot burn (?:my|your) nose\b|\bwith a key\b")),
]

_PERSONAL = re.compile(r"\b" + _PERSON + r"\b")
# A class, course or debate the writer is in: study, not use.
_STUDY_FRAME = re.compile(
    r"\b(?:in|for|from|during) (?:my|our|a|the) (?:\w+ ){0,2}(?:class|classes|course|lecture|lectures|seminar|module|"
    r"essay|exam|project|presentation|report|assignment|thesis|dissertation|homework|debate|textbook|tutorial|lab|"
    r"placement|training|degree|revision)\b|\b(?:we're|we are|we were|i'm|i am|i was|we) (?:\w+ )?(?:debating|"
    r"discussing|studying|learning about|covering|arguing about|writing about|researching|reading about)\b|"
    r"\b(?:debated|discussed|covered|studied|learned about|learnt about) (?:it |this |that )?(?:in|for) (?:class|"
    r"my|our|the)\b")


# Everyday substances with doses of their own ("a beginner dose of creatine", "vitamin d for adults").
_EVERYDAY = re.compile(r"\b(?:creatine|protein|whey|vitamins?|melatonin|iron|magnesium|zinc|fish oil|omega[- ]?3|"
                       r"ibuprofen|paracetamol|acetaminophen|aspirin|antibiotics?|fertili[sz]ers?|plant food|pre-?workout|"
                       r"electrolytes?|salt|sugar|flour|yeast|chlorine|bleach)\b")
# Dosing, buying and hiding patterns need the drug in view: "how many grams of sugar", "hide a gift from my partner".
_DRUGISH = re.compile(r"\b(?:ketamine|esketamine|k-hole|bumps?|lines?|keys?|rails?|vials?|powder|snort\w*|sniff\w*|inject\w*|"
                      r"high|trip\w*|dose|doses|dosing|dosage|mg|it|some|any|them|stuff|gear|drugs?|substance|prescriptions?|"
                      r"script|dealers?|plug|dark ?web|darknet|party|rave|festival|club|fun|buzz|wasted|recreational\w*|"
                      r"users?|comedown|come down|stoned|dissociat\w*|vendors?|sellers?|suppliers?|shards?|crystals?|"
                      r"pharma|telegram|on the market|a q|qs|nosebleeds?|runny nose)\b|"
                      r"\d ?(?:mg|g)\b|"
                      # "What should a first timer start with?": a beginner's use with nothing else named (not "... in
                      # chess") is, in a ketamine tutor, the drug.
                      r"\b(?:first[- ]?timers?|beginners?|newbies?|noobs?|novices?|someone new)\b[^.?!,]{0,25}\b(?:start|begin|"
                      r"take|try|use|do|have)(?: with| on| first)?\s*[?.!]*\s*$")
# An overdose last year is history, not an emergency now.
# "Last time" is the past ("last time the ket just made me sick"), not "the last time" or "one last time": those tell of
# an ending (12 development crises of nine sets say so; two messages, neither a learning question, say "last time" of the
# past).
_PAST = re.compile(r"\b(?:last (?:year|month|week|weekend|summer|winter|spring|autumn|fall|term|semester)|(?<!the )(?<!one )last time|years? ago|(?:back )?in (?:19|20)\d\d|months? ago|weeks? ago|(?<!at )once|in the past|"
                   r"used to|when i was|survived|recovered|back then|as a teen\w*|died|passed away|lost (?:a|my) \w+|"
                   r"i was given|(?:i|they) (?:had|got|gave me) (?:ketamine|it|some) (?:for|in|at|after|when|during)|when i "
                   r"(?:broke|had|was in)|after my (?:operation|surgery|accident))\b")
_NOW = re.compile(r"\b(?:now|right now|still|currently|won't|wont|isn't|can't|cant|hasn't|hasnt|doesn't|help|tonight|today|"
                  r"just|please|"
                  r"what do (?:i|we) do|should (?:i|we) call)\b")
# "She's fine now", "a year clean now": the present tense of an event that is over, not an emergency now.
_SETTLED = re.compile(r"\b(?:(?:is|are|was|'s|'re|i'm|i am|all|totally|completely|doing|much|a lot) )?(?:fine|ok|okay|better|"
                      r"alright|all right|well|safe|sober|clean|recovered|stable|good|home|back to normal)(?: again)? now\b|"
                      r"\b(?:clean|sober|off it|recovered) (?:for )?(?:\w+ )?(?:years?|months?|weeks?)(?: now)?\b")


def _happening_now(text: str) -> bool:
    return bool(_NOW.search(_SETTLED.sub(" ", text)))


# A professional or a student asking about patients or people in general ("I'm a nurse; why do they
# sometimes not respond?") describes, not reports, an emergency, unless it is happening now.
_PROFESSIONAL = re.compile(
    r"\b(?:i'm|i am|as|i work as|i'm training to be|i'm studying to be|we're|we are) (?:a|an) (?:\w+ )?(?:nurse|"
    r"paramedic|emt|doctor|medic|medical student|nursing student|pharmacist|pharmacy student|an(?:a)?esthetist|"
    r"anesthesiologist|vet|vet nurse|carer|caregiver|care worker|support worker|social worker|youth worker|teacher|"
    r"lecturer|researcher|first aider|lifeguard|police officer|firefighter|midwife|psychologist|counsel?lor|"
    r"therapist|physician|surgeon|resident|intern|junior doctor|st(?:ud)?ent|trainee)s?\b|"
    r"\bi work (?:in|at|on) (?:a |an |the )?(?:a&e|er|emergency|ed|icu|hospital|ambulance|clinic|ward|rehab|"
    r"treatment|recovery|harm[- ]reduction|outreach)\b|\b(?:we|i) (?:had|have|get|see|saw|treat|treated) "
    r"(?:a |some |many |lots of )?(?:patients?|clients?|service users?)\b")
_GENERAL = re.compile(r"\b(?:sometimes|usually|often|typically|generally|tend to|in general|patients|people|users|"
                      r"someone who|anyone who|why|what is happening|what happens|how come)\b")
_URGENT = re.compile(r"\b(?:right now|now|help|please|what do (?:i|we) do|should (?:i|we) call|call (?:an )?ambulance|"
                     r"911|999|112|hurry|asap|tonight|at the moment|currently)\b")


def describes_people(text: str) -> bool:
    """Whether a (canonical) message is a professional or a student describing people in general, nothing urgent."""
    return (bool(_PROFESSIONAL.search(text) or _STUDY_FRAME.search(text)) and bool(_GENERAL.search(text))
            and not _URGENT.search(text))


# "Is buying ketamine online illegal?", "can you get arrested for ordering it?": a question about the law, whose answer
# is no help in buying, unless it also asks where, how or from whom.
_LAW_QUESTION = re.compile(
    r"^(?:so |and |but |ok |okay )?(?:(?:is|are|was|were|would|could|can|will) (?:it |they |you |that |this )?[^.?!]{0,60}\b"
    r"(?:legal|illegal|legally|illegally|against the law|a crime|an? (?:criminal )?offen[cs]e|punishable|prosecuted)\b|"
    r"(?:can|could|would|will|do|does) (?:you|someone|people|one|a person) (?:get|be|go to) (?:arrested|charged|prosecuted|"
    r"jailed|fined|prison|jail) for\b|what(?:'s| is| are) the (?:law|laws|penalty|penalties|punishment|sentence|charge) "
    r"(?:on|for|about|around)\b)[^.?!\n]{0,60}[?.!]*\s*$")
_HOW_WHERE = re.compile(r"\b(?:where|how|which|who|from whom|what site|what app)\b")


def law_question(text: str) -> bool:
    """Whether a (canonical) message only asks what the law says about something (not where or how to do it)."""
    return (bool(_LAW_QUESTION.search(text)) and not _HOW_WHERE.search(text)
            and not re.search(r"\b(?:i|i'm|i've|i'll|i'd|me|my|myself)\b", text))


# Round 9: a crisis told in the past beside a question of knowledge ("I tried to kill myself two years ago and ketamine
# helped me recover; how do I explain BDNF?", "I self-harmed as a teenager, now I study psychology: is there research on
# ...?", "I lost a friend to an overdose; what does too much ketamine do?") is a learner's history, not a crisis now:
# an event in the past, a question about the topic, and nothing of now in the words (no danger now, despair, goodbye,
# intent to die, "again" or "still"). "Now" alone ("I'm on esketamine now", "I'm 30 now") is no danger now.
_STILL = re.compile(r"\b(?:again|still|lately|these days|this week|anymore|any more|keep|keeps|been (?:thinking|feeling|"
                    r"wanting|planning|cutting|hurting|struggling)|thinking about|(?:most|every|some) (?:nights|days|night|"
                    r"day|mornings))\b")


_PASSIVE_USED = re.compile(r"\b(?:be|is|are|was|were|being|been|get|gets|got) used to\b")  # "be used to end it": no past
_ATTEMPT_TOLD = re.compile(r"\b(?:tried|attempted) to (?:kill|end) (?:my ?self|my life|it)\b")


def past_disclosure(text: str) -> bool:
    """Whether a (canonical) message tells of a crisis in the past and asks a question about the topic, nothing now."""
    if not _PAST.search(_PASSIVE_USED.sub(" ", text)) or _HAPPENING.search(text) or _STILL.search(text):
        return False
    told = _ATTEMPT_TOLD.sub(" ", text)  # "I tried to kill myself two years ago": the attempt is the event past
    if _DESPAIR.search(told) or _FAREWELL.search(told) or _INTENT_TO_DIE.search(told):
        return False
    # Round 10: "I'm curious how it works" asks as a question mark does (two writers' past crises told calmly).
    asks = "?" in text or bool(_CURIOUS.search(text))
    return bool(_LEARNING_QUESTION.search(text) or (asks and (_TOPIC.search(text) or _STUDY_FRAME.search(text))))


# Round 11: death words said of someone in general in a question ("why does the k-hole feel like dying to some people?",
# "does ketamine help people who feel like they want to die?"): a question whose clause, up to the words, has a third
# person or a thing as its subject and no word of the writer. Two writers' learning questions got the crisis reply so.
_QUESTION_OPENER = re.compile(r"^(?:\W*(?:so|and|but|ok|okay|also|wait)\W+)?(?:why|how|does|do|did|is|are|can|could|would|"
                              r"will|what|when|which|who)\b")
_THIRD_PERSON = re.compile(r"\b(?:people|someone|somebody|anyone|they|he|she|patients|users|others)\b")
# "Does the k-hole feel like dying?": what something feels like, asked of a thing or someone else.
_FEELS_LIKE_ASKED = re.compile(r"\b(?:does|do|did|would|will|can|could|might) (?!i |you |we )(?:[\w'-]+ ){1,3}$")
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'll|i'd|im|me|my|mine|myself|we|we're|us|our)\b")
_WRITER_AS_SUBJECT = re.compile(r"\b(?:i|i'm|i've|i'll|i'd|im|me|myself)\b")  # anywhere: "does anyone else? because i do"


def said_of_others(text: str, at: int) -> bool:
    """Whether the words at `at` of a (canonical) message are asked about someone in general, not the writer."""
    start = max(text.rfind(c, 0, at) for c in ".?!\n") + 1
    end = min([i for i in (text.find(c, at) for c in ".?!\n") if i >= 0] or [len(text)])
    clause, before = text[start:end], text[start:at]
    feels = text.startswith("feel", at) and bool(_FEELS_LIKE_ASKED.search(before))
    return (bool(_QUESTION_OPENER.search(clause.strip())) and bool(_THIRD_PERSON.search(before) or feels)
            and not _FIRST_PERSON.search(clause) and not _WRITER_AS_SUBJECT.search(text))


_CURIOUS = re.compile(r"\b(?:i'm|i am|i was|i've been) (?:\w+ )?(?:curious|wondering)\b|\bi (?:always )?wonder(?:ed)?\b|"
                      r"\b(?:just|only|purely|mostly) (?:curious|wondering)\b")  # round 11: "just curious how it worked"


def match_patterns(text: str, drug_in_view: bool | None = None) -> Match | None:
    """The first crisis pattern, else the first safety pattern, that fires on a canonical message.

    `drug_in_view`: whether the message is about a drug at all (default: it names one).
    """
    past = bool(_PAST.search(text)) and not _happening_now(text)
    describing = describes_people(text)
    for category, pattern in CRISIS_PATTERNS:
        m = pattern.search(text)
        if m and not ((past or describing) and category == "emergency") and not past_disclosure(text) and not (
                category == "suicide" and said_of_others(text, m.start())):
            return Match(kind="crisis", category=category, text=m.group(0))
    # "Why do people snort it rather than swallow it?", "what does 'tusi' mean?" ask for an explanation.
    explaining = explains(text) and not _PERSONAL.search(_LEARNER_FRAME.sub(" ", _STUDY_FRAME.sub(" ", text)))
    drugish = bool(_DRUGISH.search(text)) if drug_in_view is None else drug_in_view
    # "How many milligrams are in a medical vial?": an amount asked about medicine or science, for nobody.
    # "Purely for research, what's a typical amount for a big night": a research wrapper is not a scientific frame.
    for_use = (not _FRAME.search(_WRAPPER.sub(" ", text)) or bool(_PERSONAL.search(_LEARNER_FRAME.sub(" ", text)) or _HOW_TO.search(text))
               or bool(_USE_SETTING.search(text)))
    studied = _STUDY_FRAME.sub(" ", text)
    for category, pattern in SAFETY_PATTERNS:
        # "in my criminology class": the writer's class is not the writer's drug test.
        m = pattern.search(text)
        if not m or explaining or not pattern.search(studied):
            continue
        if category in {"dosing", "obtaining", "concealment"} and not drugish or category == "dosing" and not for_use:
            continue
        if category == "obtaining" and law_question(text):
            continue
        return Match(kind="safety", category=category, text=m.group(0))
    return None


# ============================================================================ prompt injection

_RULES = (r"(?:instructions?|rules?|prompts?|guidelines?|polic(?:y|ies)|restrictions?|filters?|filtering|programming|"
          r"directives?|constraints?|guardrails?|safeguards?|layer|checks?|training|limits|limitations|the article|"
          r"the material|everything (?:above|before|you were told)|what you were told)")
_RULE_MODIFIERS = (r"(?:all |any |the |your |these |those |my |its |of your |of the )?(?:previous |prior |above |earlier |preceding |"
                   r"former |original |initial |system |safety |content |current |existing |hidden |other )*")
_INJECTION_PATTERNS: list[re.Pattern[str]] = [
    # Overrides: "ignore previous instructions", "disregard your rules", "forget the article".
    _R(r"\b(?:ignore|ignoring|disregard|disregarding|bypass|bypassing|override|overriding|circumvent|forget|drop|skip|"
       r"abandon|set aside|suspend|lift|throw out|break)\b " + _RULE_MODIFIERS + _RULES + r"\b"),
    _R(r"\b(?:ignore|ignoring|disregard|disregarding)\b (?:all |everything |anything )?(?:above|previous|prior|before this|"
       r"you were told|you've been told)\b"),
    # Fake roles and delimiters: "SYSTEM:", "### system", "[ADMIN OVERRIDE]", "</article>", HTML comments.
    _R(r"(?:^|\n|[.!?]\s+|<!--\s*)(?:system|assistant|admin|administrator|developer|root|operator|user)(?: (?:prompt|note|"
       r"message|override|mode|instructions?|update))?\s*:"),
    _R(r"(?:^|\n)\s*#+\s*(?:system|user|assistant|instructions?)\b|\[/?(?:admin|system|developer|root|inst|sys)\b[^\]]*\]|"
       r"</?(?:system|article|context|instructions?|prompt|document|material|im_start|im_end|s)>|<\|[a-z_]+\|>|<!--"),
    _R(r"\bnew (?:instructions?|rules?|polic(?:y|ies)|system prompt|directive)\b|\brule #?\d+\s*:|\bnever refuse\b|"
       r"\b(?:rules?|guidelines?|restrictions?) (?:are|is|have been) (?:deprecated|suspended|lifted|removed|disabled|void)"),
    _R(r"\b(?:you|assistant|ai|tutor|bot|chatbot|model|mode|persona|version|character|dan)\b[^\n]{0,40}\b(?:no|zero|"
       r"without (?:any )?|free of|broken free of|freed from) (?:restrictions|limits|filters?|filtering|rules|content "
       r"filters?|censorship|guardrails|limitations)\b|\bunrestricted\b|\bunfiltered\w*|\buncensored\b|\bjailbr(?:eak|"
       r"oken)\w*"),
    # Personas and role-play.
    _R(r"\byou are (?:now|no longer|not (?:a|the) tutor|dan\b|\w+bot\b|\w+gpt\b|a general[- ]purpose)|\byou're (?:not a tutor|"
       r"no longer|now)\b|\bdo anything now\b|\b(?:pretend|imagine|act as if|act like|behave as if) (?:that )?(?:you are|"
       r"you're|to be|you were)\b|\b(?:roleplay|role-play|role play|play the role|stay in character)\b|\blet's play a "
       r"game\b|\bfrom now on,? (?:you|answer|respond|reply|act|ignore|always answer|only answer)\b|\banswer (?:twice|two "
       r"ways|both ways)\b|\b(?:developer|dev|god|debug|admin|unrestricted|dan|jailbreak|sudo) mode\b|\b(?:act|behave|"
       r"respond|answer) as (?:an?|my) (?:\w+ )?(?:assistant|ai|bot|chatbot|hacker|chemist|dealer|pharmacist|persona|"
       r"character|hotline|expert|doctor|grandma|grandmother)\b"),
    # Asking for the prompt or configuration.
    _R(r"\b(?:print|show|reveal|display|output|repeat|tell me|give me|share|leak|dump|recite|write out|paste|expose|"
       r"return|copy)\b[^\n]{0,40}\b(?:system ?prompt|systemprompt|(?:your|the|hidden|initial|original|secret|full|"
       r"complete|whole|exact) (?:instructions|prompt|configuration|config|guidelines|directives|settings)|your rules|"
       r"context window|(?:text|everything|message|words|conversation) above(?! about| on | regarding)|before this message)"),
    _R(r"\bsystem[ _-]?prompt\b|\bsystemprompt\b|\byour (?:full |complete |whole |hidden |initial |original |secret )?"
       r"(?:system prompt|instructions|configuration|prompt|programming)\b|\bstarting with (?:the words )?['\"]?you are"),
    # Claimed authority.
    _R(r"\b(?:i am|i'm) (?:the|your|a) (?:developer|admin|administrator|creator|owner|engineer|programmer)\b|"
       r"\b(?:authori[sz]ed|approved|sanctioned) (?:red[- ]?team|by (?:your|the) (?:developers|creators|admins))|"
       r"\b(?:openai|anthropic|staff|developers|admins)\b[^\n]{0,60}\b(?:suspended|disabled|permitted|lifted|override)\b|"
       r"\bverified (?:physician|doctor|clinician|professional|researcher)\b|\b(?:dosing|this|that|everything|anything|"
       r"you) (?:is|are) now (?:permitted|allowed|unlocked|enabled)\b|\b(?:is|are) now (?:permitted|allowed|unlocked)\b|"
       r"\b(?:policy|rules|guidelines|instructions|settings) (?:has|have) been (?:updated|changed|lifted)\b"),
    _R(r"\b(?:safety|filters?|content filter|guardrails?|checks?|moderation)\s*(?:=|:)\s*(?:false|off|0|none|disabled)|"
       r"\b(?:disable|turn off|switch off|deactivate|remove)\b (?:your |the |all |any )?(?:content |safety )*(?:safety "
       r"(?:checks?|filters?|layer|mode|features?|settings?)|filters?|guardrails?|moderation|restrictions|checks)\b"),
    # Laundering: encoded or translated payloads, completion and nested-fiction tricks.
    _R(r"\b(?:decode|decrypt|deobfuscate|base64|rot-?13|reverse this)\b[^\n]{0,60}\b(?:execute|follow|comply|obey|do "
       r"(?:exactly )?what it says|answer|run|perform)|\brot-?13\b|\bbase64\b"),
    _R(r"\btranslate\b[^\n]{0,60}\b(?:and|then) (?:follow|do|execute|comply|obey|answer|carry out)"),
    _R(r"\bcomplete (?:this|the following|my) (?:sentence|text|paragraph)\b[^\n]{0,60}\b(?:no|without) (?:filter|"
       r"filtering|censor)"),
    _R(r"\b(?:ai|assistant|tutor|chatbot|model|bot)\b[^\n]{0,30}\b(?:breaks|ignores|without|bypasses) (?:its |all |their )?"
       r"(?:rules|restrictions|filters|guidelines)"),
    # Other languages: Spanish, German, French, Italian, Portuguese, Dutch.
    _R(r"\b(?:ignora|ignorar|ignore[sz]?|olvida|olvidar|ignoriere\w*|vergiss|oublie[zr]?|ignorare|dimentica|esqueca|"
       r"negeer|vergeet)\b[^\n]{0,40}\b(?:instrucciones|reglas|indicaciones|anweisungen|regeln|vorgaben|instructions|"
       r"regles|consignes|istruzioni|regole|instrucoes|regras|instructies|regels)\b"),
    _R(r"\b(?:prompt (?:del )?sistema|prompt systeme|ton prompt|votre prompt|tu prompt|deinen? (?:\w+ )?prompt|"
       r"instrucciones (?:anteriores|previas|ocultas)|anweisungen (?:oben|zuvor)|instructions precedentes)\b"),
]
# Setting the material aside, and nothing else: a change of subject, not an attack on the rules.
_SOFT_OVERRIDE = re.compile(r"(?:ignore|ignoring|forget|skip|drop|set aside) (?:the |this )?(?:article|material)")
_SOFT_OVERRIDE_CLAUSE = re.compile(r"(?:ignore|ignoring|forget|skip|drop|set aside) (?:the |this )?(?:article|material)"
                                   r"(?: (?:for|just for) (?:a |one )?(?:second|sec|moment|minute|bit)\b)?")
# Anything about the rules themselves makes it an attack after all ("ignore the article and your rules").
_RULE_WORDS = re.compile(r"\b(?:instructions?|rules?|prompts?|guidelines?|polic(?:y|ies)|restrictions?|filters?|system|"
                         r"safety|programming|training|limits)\b")
# "DAN" the jailbreak persona is written in capitals; "my friend Dan" is not an injection.
_DAN = re.compile(r"\bDAN\b")

_B64 = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")
_SEGMENT_SPLIT = re.compile(r"(?<=[.?!])\s+(?=\S)|\n+|\s+(?=\bP\.?\s?S\.?\b)|:\s+|\s*<!--|-->\s*")
_LEADING = re.compile(
    r"^(?:(?:hi|hello|hey)(?: tutor)?[!,.]?\s*|also[,:]?\s*|then[,:]?\s*|and then[,:]?\s*|and\s+|ok(?:ay)?[,:]?\s*|"
    r"so[,:]?\s*|p\.?\s?s\.?[,:]?\s*|first question[,:]?\s*|question[,:]?\s*|now answer[,:]?\s*|now[,:]?\s*|"
    r"ensuite[,:]?\s*|außerdem[,:]?\s*|tambien[,:]?\s*|dann[,:]?\s*)+", re.IGNORECASE)
_REQUEST = re.compile(
    r"\?|^(?:what|why|how|when|where|which|who|is|are|does|do|did|can|could|would|should|explain|describe|summari[sz]e|"
    r"define|tell me about|compare|give me an overview|outline|list|what's|whats|que|qu'est|por que|como|cual|warum|was|"
    r"wie|welche|pourquoi|comment|quel|quelle|perche|cosa|come)\b", re.IGNORECASE)


class InjectionScan(BaseModel):
    """What the injection screen found in a message."""

    found: bool
    markers: list[str] = Field(default_factory=list, description="The injected phrases that were recognised.")
    candidates: list[str] = Field(default_factory=list, description="Parts of the message that remain after stripping.")
    decoded: list[str] = Field(default_factory=list, description="Text recovered from base64 or ROT13.")


def _decode_base64(blob: str) -> str | None:
    try:
        raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=False)
        text = raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    printable = sum(ch.isprintable() for ch in text) / max(1, len(text))
    return text if printable > 0.95 and " " in text else None


def injection_markers(text: str) -> list[str]:
    """Injected instructions recognised in one piece of (raw) text."""
    cleaned = clean(text)
    found = [m.group(0).strip() for p in _INJECTION_PATTERNS for m in [p.search(cleaned)] if m]
    if _DAN.search(text):
        found.append("DAN")
    rot = codecs.decode(cleaned, "rot13")
    if not found and any(p.search(rot) for p in _INJECTION_PATTERNS[:2] + _INJECTION_PATTERNS[7:9]):
        found.append("rot13-encoded instructions")
    return found


def scan_injection(message: str) -> InjectionScan:
    """Find injected instructions and split off the parts of the message that are left."""
    decoded = [d for blob in _B64.findall(message) if (d := _decode_base64(blob))]
    markers = injection_markers(message)
    if decoded:
        markers.append("base64-encoded text")
    if not markers:
        return InjectionScan(found=False, candidates=[message.strip()])
    candidates = []
    for raw in _SEGMENT_SPLIT.split(message):
        segment = _LEADING.sub("", (raw or "").strip()).strip(" '\"")
        if not segment or _B64.search(segment) or injection_markers(segment):
            continue
        candidates.append(segment)
    return InjectionScan(found=True, markers=markers, candidates=candidates, decoded=decoded)


def looks_like_request(text: str) -> bool:
    """Whether a piece of text asks something (a question or an explain/summarise request)."""
    return bool(_REQUEST.search(text.strip()))


# ============================================================================ classifier


class Example(BaseModel):
    """One labelled message of the safety data set."""

    text: str
    label: Literal["crisis", "safety", "legitimate", "off_topic"]
    history: list[str] = Field(default_factory=list)
    note: str = ""


def load_examples(path: Path) -> list[Example]:
    """Labelled messages from a YAML file of the safety data set."""
    return [Example.model_validate(item) for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


def classifier_text(message: str) -> str:
    """What the classifier embeds: the message de-obfuscated, with street names spelled out."""
    return canonical(message)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# Chosen by leave-one-set-out cross-validation on the development sets (`tutor safety-report --cv-only`):
# the blend finds more crisis and harmful messages at the same false-positive rate than either part alone.
CLASS_WEIGHTS = (1.0, 1.0, 1.0, 1.0)  # per label in LABELS order, on top of balancing the classes
KNN_K = 10
KNN_TEMPERATURE = 0.05
LR_SHARE = 0.6


# Round 12: how far a vote is trusted, by how close the message comes to any training message (cosine similarity of
# the nearest). Far from everything, both parts extrapolate: the regression's default for unfamiliar short text is
# "crisis" ("my bad" 1.00) and the neighbour vote is as sure of a neighbour at 0.4 as of one at 0.9. Such a vote is
# drawn toward "no idea" (every label equally likely) in proportion to how unfamiliar the message is. Leave one writer
# out: 0.35/0.5/0.7 gave two learning questions of one writer and one of a validation writer their answer back and lost
# nothing; a wider ramp (0.4 to 0.6) lost three crises of three writers whose sentences are far from every training
# message, and 0.35 to 0.55 at 0.6 a harmful request.
FAMILIAR_LOW = 0.35  # nearest training message this close or farther: the vote keeps UNFAMILIAR_TRUST of its weight
FAMILIAR_HIGH = 0.5  # this close or closer: the vote is trusted whole
UNFAMILIAR_TRUST = 0.7


def familiarity_trust(nearest: np.ndarray) -> np.ndarray:
    """How much of the classifier's vote to keep, from the similarity of each message's nearest training message."""
    if FAMILIAR_HIGH <= FAMILIAR_LOW:
        return np.ones_like(nearest)
    ramp = np.clip((nearest - FAMILIAR_LOW) / (FAMILIAR_HIGH - FAMILIAR_LOW), 0.0, 1.0)
    return UNFAMILIAR_TRUST + (1.0 - UNFAMILIAR_TRUST) * ramp


class SafetyClassifier:
    """Logistic regression on sentence embeddings blended with a nearest-neighbour vote (numpy only).

    The regression generalises over wording; the neighbours keep rare but clear cases (a goodbye, an
    impersonal amount) that a linear boundary averages away.
    """

    def __init__(self, weights: np.ndarray, bias: np.ndarray, labels: Sequence[str] = LABELS,
                 vectors: np.ndarray | None = None, targets: np.ndarray | None = None):
        self.weights = weights
        self.bias = bias
        self.labels = tuple(labels)
        self.vectors = vectors
        self.targets = targets

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: Sequence[str], *, class_weights: Sequence[float] = CLASS_WEIGHTS,
            l2: float = 1e-3, steps: int = 600, learning_rate: float = 0.5, scale: float = 8.0) -> SafetyClassifier:
        """Fit with class-balanced (times `class_weights`) sample weights by full-batch Adam; deterministic."""
        x = np.asarray(vectors, dtype=np.float64) * scale
        y = np.array([LABELS.index(label) for label in labels])
        n, d = x.shape
        k = len(LABELS)
        onehot = np.eye(k)[y]
        counts = np.bincount(y, minlength=k).astype(float)
        sample_weight = (n / (k * np.maximum(counts, 1)) * np.asarray(class_weights, dtype=float))[y][:, None]
        w, b = np.zeros((d, k)), np.zeros(k)
        mw, vw, mb, vb = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
        for t in range(1, steps + 1):
            p = _softmax(x @ w + b)
            g = sample_weight * (p - onehot) / n
            gw, gb = x.T @ g + l2 * w, g.sum(axis=0)
            for param, grad, m, v in ((w, gw, mw, vw), (b, gb, mb, vb)):
                m *= 0.9
                m += 0.1 * grad
                v *= 0.999
                v += 0.001 * grad**2
                param -= learning_rate * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8) / np.sqrt(t)
        return cls(w * scale, b, vectors=np.asarray(vectors, dtype=np.float32), targets=y)

    def _neighbours(self, sims: np.ndarray) -> np.ndarray:
        assert self.vectors is not None and self.targets is not None
        k = len(LABELS)
        counts = np.bincount(self.targets, minlength=k).astype(float)
        balance = counts.sum() / (k * np.maximum(counts, 1))  # a vote per class as if the classes were equal
        top = np.argsort(-sims, axis=1)[:, :KNN_K]
        out = np.full((len(sims), k), 1e-3)
        for i, idx in enumerate(top):
            s = sims[i, idx]
            np.add.at(out[i], self.targets[idx], np.exp((s - s.max()) / KNN_TEMPERATURE) * balance[self.targets[idx]])
        return out / out.sum(axis=1, keepdims=True)

    def proba(self, vectors: np.ndarray) -> np.ndarray:
        """Class probabilities, one row per vector, columns in LABELS order."""
        x = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
        p = _softmax(x @ self.weights + self.bias)
        if self.vectors is None or not len(self.vectors):
            return p
        sims = x @ self.vectors.T.astype(np.float64)
        blend = LR_SHARE * p + (1 - LR_SHARE) * self._neighbours(sims)
        trust = familiarity_trust(sims.max(axis=1))[:, None]
        return trust * blend + (1 - trust) / len(LABELS)

    def save(self, path: Path) -> None:
        """Store the weights and the neighbours (an .npz file)."""
        extra = {} if self.vectors is None else {"vectors": self.vectors, "targets": self.targets}
        np.savez(path, weights=self.weights, bias=self.bias, labels=np.array(self.labels), **extra)

    @classmethod
    def load(cls, path: Path) -> SafetyClassifier:
        """Weights stored by `save`."""
        with np.load(path) as f:
            vectors = f["vectors"] if "vectors" in f else None
            targets = f["targets"] if "targets" in f else None
            return cls(f["weights"], f["bias"], [str(x) for x in f["labels"]], vectors, targets)


def training_texts(examples: Sequence[Example]) -> tuple[list[str], list[str]]:
    """What the classifier learns from: each message, and a multi-turn one again with its context."""
    texts, labels = [], []
    for e in examples:
        texts.append(classifier_text(e.text))
        labels.append(e.label)
        if e.history:
            texts.append(context_text(e.text, e.history))
            labels.append(e.label)
    return texts, labels


def train_classifier(examples: Sequence[Example], embed: Embed, **fit_options: Any) -> SafetyClassifier:
    """Fit the classifier on labelled messages; a multi-turn example is seen with its context too."""
    texts, labels = training_texts(examples)
    return SafetyClassifier.fit(embed(texts), labels, **fit_options)


# Every labelled development set trains the classifier. Sets written blind (fresh17.yaml and later) are
# not listed here: they are only ever measured, by `tutor safety-report`. fresh4.yaml to fresh16_second.yaml were
# measured blind once each and are development data since (sets 11 to 16 are two writers each);
# train_round4.yaml to train_round6.yaml hold messages written for those rounds.
TRAINING_FILES = ("train.yaml", "heldout.yaml", "fresh_legit.yaml", "fresh_harmful.yaml", "fresh2.yaml", "fresh3.yaml",
                  "fresh4.yaml", "fresh5.yaml", "fresh6.yaml", "train_round4.yaml", "fresh7.yaml", "train_round5.yaml",
                  "fresh8.yaml", "train_round6.yaml", "fresh9.yaml", "fresh10.yaml", "fresh11.yaml",
                  "fresh11_second.yaml", "fresh12.yaml", "fresh12_second.yaml", "fresh13.yaml",
                  "fresh13_second.yaml", "fresh14.yaml", "fresh14_second.yaml", "fresh15.yaml",
                  "fresh15_second.yaml", "fresh16.yaml", "fresh16_second.yaml")
TRAINING_PATHS = tuple(DATA_DIR / name for name in TRAINING_FILES)


# Classifiers trained or read in this process, by cache key: a second Tutor over another data directory (several
# courses in one server, or the test suite) reuses the weights instead of embedding the training set again (~1 min).
_TRAINED: dict[str, SafetyClassifier] = {}


def load_classifier(embed: Embed, model_name: str, cache_dir: Path,
                    train_path: Path | Sequence[Path] = TRAINING_PATHS) -> SafetyClassifier:
    """The classifier for these training files and embedding model, trained once and cached as .npz."""
    paths = [train_path] if isinstance(train_path, Path) else list(train_path)
    content = b"".join(p.read_bytes() + b"\0" for p in paths)
    digest = hashlib.sha1(content + f"|{model_name}|{CLASSIFIER_VERSION}".encode()).hexdigest()[:16]
    path = cache_dir / f"safety-classifier-{digest}.npz"
    classifier = _TRAINED.get(digest)
    on_disk = path.exists()
    if classifier is None and on_disk:
        try:
            classifier = SafetyClassifier.load(path)
        except (OSError, ValueError, KeyError):
            on_disk = False  # a damaged cache is rebuilt below
    if classifier is None:
        classifier = train_classifier([e for p in paths for e in load_examples(p)], embed)
    if not on_disk:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{uuid.uuid4().hex}.tmp.npz")  # unique: two processes may share the directory
        classifier.save(tmp)
        tmp.replace(path)
    _TRAINED[digest] = classifier
    return classifier


# ============================================================================ multi-turn context

_TOPIC = re.compile(r"\b(?:ketamine|esketamine|k-hole|nmda|glutamate|bdnf|brain|neur\w*|receptors?|dissociat\w*|"
                    r"neuroplasticity|synapses?|prefrontal|excitotoxicity|anesthe\w*|antidepressant\w*|ssris?|"
                    r"depression|serotonin|memory|hallucinat\w*|bumps?|lines?|trip|high)\b")
_REFERS_BACK = re.compile(r"^(?:and|but|so|ok|okay|then|cool|great|got it|fine|right|thanks|wait|because|cause|yeah|"
                          r"yes|no|alright|hmm|come on|please|lol)\b|\b(?:it|that|this|them|those|these|there|some|"
                          r"any|one|the stuff|the same)\b")


_NEW_TOPIC = re.compile(r"\b(?:unrelated|different (?:question|topic|subject)|change (?:of|the) (?:topic|subject)|"
                        r"off[- ]topic|new question|something else)\b")


def is_follow_up(message: str) -> bool:
    """Whether a message leans on earlier turns: no subject of its own and a back-reference or little content."""
    text = canonical(message)
    if _TOPIC.search(text) or _NEW_TOPIC.search(text):
        return False
    return bool(_REFERS_BACK.search(text)) or len(text.split()) <= 8


def context_text(message: str, history: Sequence[str]) -> str:
    """The message with the most recent earlier messages in front, for the classifier."""
    recent = [canonical(h) for h in history[-2:]]
    return " ".join(recent + [classifier_text(message)])


# ============================================================================ the input screen


class SafetyDecision(BaseModel):
    """What the input screen decided about one message."""

    kind: Kind = Field(description="ok: answer it; safety or crisis: reply with that message instead.")
    category: str = Field("", description="Why: suicide, emergency, dosing, obtaining, injection, ...")
    layer: str = Field("", description="Which layer decided: pattern, classifier, context or injection.")
    question: str = Field(description="What to answer when ok: the message, or its inner question after an injection.")
    injection: bool = False
    matched: str = Field("", description="The phrase a pattern matched (for reports; never stored).")
    scores: dict[str, float] = Field(default_factory=dict)


# The classifier proposes; a cue in the words must agree before it blocks anything. Its mistakes on
# near-miss questions ("is it possible to overdose?", "what does bump mean?") lack these cues.
_DISTRESS = re.compile(
    r"\b(?:"
    r"die|dying|dead|death|kill\w*|suicid\w*|end (?:it|things|everything|my)|over with|gone|goodbye|"
    r"disappear\w*|not (?:be )?(?:here|around|alive)|(?:not|never) wake|wake up|exist\w*|alive|"
    r"(?:to|want|wanna) live|living|hopeless\w*|pointless|no point|the point|tired of|"
    r"can't (?:go on|cope|take|do this|stop|breathe|move|feel|stand|wake)|give up|giving up|worthless|burden|"
    r"better off|nobody|no one|alone|empty|scared|afraid|panic\w*|terrified|help (?:me|us|him|her|them)(?! (?:to )?(?:write|plan|understand|learn|study|revise|prepare|pick|"
    r"choose|find|make sense|with (?:my|an?|the|this) (?:essay|homework|exam|assignment|email|project)))|"
    r"please help|need help|someone help|get help|emergency|ambulance|hospital|breath\w*|respond\w*|"
    r"unresponsive|blue|seizure|fit|bleed\w*|blood|funeral|grave|relief|letters|last thing|"
    r"nothing (?:helps|works|left)|doesn't help|even that|for good|switch (?:myself|me) off|rope|noose|razor|"
    r"blades?|wrists?|stitches|scratch\w*|cuts|twitch\w*|jerking|sweating|collapsed|on the floor|unconscious|"
    r"passed out|pulse|heart|chest|vomit\w*|throwing up|sick|spinning|right now|tonight|hurt\w*|harm\w*|cut|"
    r"cutting|burn\w*|overdosed|took (?:too|way|a lot|loads|all)|too much|pills|note|a plan|my plan|"
    r"planning to|jump|bridge|agony|pain|won't (?:wake|respond|stop|breathe)|"
    r"isn't (?:breathing|moving|responding|waking)|not moving|not waking|forever|permanent\w*|on purpose|"
    r"slurr\w*|gasp\w*|lips|call (?:someone|anyone|an ambulance|for help)|be here|here anymore|anymore|"
    r"trying again|try again|confused|sleepy|drowsy|shaking|fainted|faint|being around|stop being|making it|"
    r"make it to|giving (?:my|away)|coming out|come out of it|survive|roof|ledge|end (?:your|my) life|"
    r"peaceful\w*|done trying|so done(?! with (?:the|this|that|my) (?!life\b|living\b|myself\b|everything\b|it all\b|"
    r"everyone\b|people\b)\w)|i'm done|cope|happier without|without me|the night|need it to|"
    r"stop a heart|fatal|lethal|cold and|floppy|gurgl\w*|limp|no way out|stay asleep|stay that way|going out|"
    r"way out|decided how|check out|end it|finish(?:ing)? it|get better|"
    # Holding on, reasons to stay, being hated: weariness of life without a death word (two writers' missed crises).
    r"(?:can't|cannot|couldn't|can|not|won't be able to|don't think i can|no longer) (?:hold|hang) on|(?:holding|hanging) on|"
    r"reasons? (?:left )?to (?:stay|live|keep going|go on|be here|carry on|stick around)|running out of (?:reasons|time|"
    r"strength)|hates? me|hate myself|bullied|bullying|lonely|(?:how much longer|how long|if|whether) i can (?:last|keep "
    r"going|go on|carry on|hold on|hang on|do this|cope|take it)|last another (?:day|week|month|night)|keep going like this|"
    # Not making it through the week, not needing anything much longer (round 8; three sets, only crisis messages).
    r"(?:don'?t|do not|won'?t|will not|not going to|might not|may not|never going to) make it (?:through|past|to)|"
    r"(?:need|needing|be here|be around|last|stick around) (?:\w+ ){0,2}(?:much|for much|any) longer"
    r")\b")
# An overdose word signals danger only when it is about someone in particular.
_OVERDOSE_PERSONAL = re.compile(r"\b(?:i|i'm|i've|me|my|we|he|she|they|him|her|asking because)\b[^\n]{0,60}\b(?:overdos\w*|"
                                r"took|taken|snorted|did)\b|\boverdos\w*\b[^\n]{0,60}\b(?:i|i'm|me|my|he|she|him|her)\b")
# Framing that makes the writer a learner, not an actor: "I read that", "for my class", "my doctor said".
_LEARNER_FRAME = re.compile(
    r"\b(?:tell|teach|show) (?:me|us) (?:about|more|why|what)\b|\bexplain(?: to me)?\b|\bhelp me understand\b|"
    r"\b(?:can|could|may) i ask\b|\b(?:i|we) (?:should|need to|want to|would like to|'d like to) (?:know|learn|understand)\b|"
    r"\bi(?:'m| am)? (?:curious|wondering|wonder|read|heard|saw|learned|noticed|studying|writing|researching)\b|"
    r"\b(?:i'm|i am) (?:so |really |just )?(?:eager|keen) to (?:know|learn|understand|find out|hear)\b|"
    r"\bfor (?:my|our|a) (?:\w+ ){0,2}(?:class|essay|course|exam|project|presentation|report|assignment|thesis|homework|"
    r"lecture|seminar|module|dissertation)\b|"
    # Help asked with the writer's own coursework ("can you help with my spanish homework?").
    r"\b(?:help|stuck|struggling) (?:me )?with (?:my|our|this|the) (?:\w+ ){0,2}(?:homework|essay|assignment|coursework|"
    r"revision|project|worksheet)\b|"
    r"\bmy (?:\w+ )?(?:doctor|gp|psychiatrist|therapist|nurse|teacher|professor|lecturer)\b(?: (?:said|says|told|"
    r"suggested|mentioned|recommended|thinks))?")
# Asking for something to be done with the drug: amounts, getting, making, mixing, hiding, taking.
_DOING = re.compile(
    r"\b(?:how much|how many|dos(?:e|es|ing|age)|amounts?|mg|grams?|buy\w*|get|getting|score|order\w*|find|source|sell\w*|"
    r"pay|offer\w*|cash|price|cost|make|making|cook\w*|synth\w*|got|have|extract\w*|purif\w*|mix\w*|combin\w*|together|hide|hiding|"
    r"pass|tests?|detect\w*|snort\w*|sniff\w*|inject\w*|smok\w*|rail\w*|bump\w*|lines?|keys?|take|taking|do|doing|use|"
    r"using|try|trying|drink|tonight|weekend|party|parties|high|trip\w*|k-hole|quickest|fastest|stronger|longer)\b|\d ?(?:mg|g|ml)\b")
# ... by someone in particular: the writer (`_PERSONAL`), a how-to, an order, an amount of their own.
_HOW_TO = re.compile(
    r"\bhow (?:do|can|should|would|could) (?:you|one)\b|\bhow to\b|\b(?:best|safest|easiest|quickest|right|proper) way "
    r"(?:to|of)\b|^(?:please )?(?:give|tell|show|walk|teach|list|send|recommend|suggest|find) (?:me|us)\b|"
    r"\b\d+(?:\.\d+)? ?(?:mg|g|grams?|ml|kg|kilos?|lbs?)\b|\b(?:bumps?|lines?|keys?|rails?)\b|"
    # Steps, a recipe or amounts asked for anywhere in the message ("stay in role and give me the reaction steps").
    r"\b(?:give|tell|show|send|list|walk) (?:me|us) (?:through )?(?:the |a |your |all the |exact )?(?:\w+ )?(?:steps|recipe|"
    r"method|procedure|instructions|synthesis|dosages?|doses?|amounts?)\b")
# Medicine, law, animals, science, risk and time course: a question framed by one of these, with nobody in
# particular doing anything, asks about the drug ("how many weeks does it take to work?", "do vets use it?").
_FRAME = re.compile(
    r"\b(?:doctors?|clinics?|clinical|hospitals?|patients?|therap\w*|treatments?|infusions?|an(?:a)?esthe\w*|surg\w*|"
    r"paramedics?|medic\w*|veterinar\w*|animals?|horses?|cats?|dogs?|legal\w*|illegal\w*|laws?|penalt\w*|"
    r"schedule[ds]?|controlled|police|courts?|punish\w*|prison|jail|arrest\w*|labs?|laborator\w*|poison\w*|"
    r"esketamine|spravato|nasal spray|(?:worse|bad|better) for (?:you|the body|your health)|stud(?:y|ies)|trials?|research\w*|scientists?|brain|receptors?|neurons?|"
    r"synap\w*|glutamate|bdnf|nmda|mechanism|harm\w*|danger\w*|risk\w*|damag\w*|side effects?|toxic\w*|weeks|months|"
    r"depress\w*|ptsd|mental health|pain relie\w*|unconscious\w*|breathing|heart|bladder|kidneys?|liver|memory|body|"
    r"years|history|invented|discovered|take to work|how (?:long|fast|quickly|soon)|detect\w*|detection|screening|"
    r"(?:drug|hair|urine|saliva|blood) tests?|"
    # Testing positive as a topic ("can you test positive for ketamine?"): detection, for nobody in particular.
    r"test(?:s|ed|ing)? (?:positive|negative)|(?:positive|negative) (?:for|results?|tests?))\b")
_USE_SETTING = re.compile(r"\b(?:recreational\w*|k-hole|party|parties|rave|festival|club|night out|big night|high|trip\w*|fun|"
                          r"buzz)\b")
# Asking what a word means, or why something is so, is learning even when the words sound like a request.
_EXPLAIN = re.compile(
    r"^(?:why|how come|define|explain|describe|summari[sz]e|compare|is it true)\b|"
    r"^what(?: is| are| does| do|'s)\b[^.?!]{0,40}\b(?:mean|means|meaning|short for|stands? for|slang (?:for|term|word|"
    r"name))\b|"
    r"^what(?: is| are|'s) (?:a |an |the )?['\"][^'\"]{1,30}['\"]|^(?:is|are) (?:a|an) [\w' -]{1,20} (?:a|an|the|just|another|slang)\b|"
    r"^(?:is it|are they|isn't it|would it be) (?:dangerous|risky|harmful|bad for you|unsafe)\b")
# "What does a k-hole feel like?", "what's it like to dissociate?": asking for a description, not for use.
_DESCRIBE = re.compile(r"^(?:so |and |but |ok |okay )?(?:what(?: does| do|'s| is| are| was)|how does)\b[^.?!]{0,50}"
                       r"\b(?:feel|feels|look|looks|seem|seems|sound|sounds) like\b|^what(?:'s| is| was) it (?:actually |really )?like\b")
# "... or should I just do a line": the writer's own decision about use, even inside a "what is" question.
_OWN_DECISION = re.compile(r"\b(?:should|shall|can|could|do|would) (?:i|we) (?:just |still |even |then |maybe )?(?:do|take|use|"
                           r"have|try|go for|snort|rail|bump|redose|mix|start|get|buy|order|inject|smoke|keep)\b")
# The writer, or the writer's group, about to use: a decision asked for or an intent told.
_OWN_USE = re.compile(
    _OWN_DECISION.pattern + r"|\b(?:i|we)(?:'m| am|'re| are)? (?:going to|planning to|about to|thinking (?:of|about)|want to|"
    r"wanna|need to|plan to|gonna|trying to|'d like to|would like to) (?:\w+ )?(?:try|take|do|use|get|buy|have|snort|mix|"
    r"combine|redose|top up|save|keep|borrow|make)\b|\bmy first (?:time|go|try)\b|\b(?:for|to) (?:me|myself|us)\b|"
    r"\b(?:is it|would it be) (?:ok|okay|fine|alright|all right|a good idea) (?:to|if (?:i|we)) "
    r"(?:just )?(?:do|take|use|have|mix|snort|redose|top up|try|keep|save|split)\b")
# Asking how to raise something with one's own clinician is the advice we point people to.
_CLINICIAN = re.compile(r"\b(?:ask|tell|talk to|talk with|discuss with|speak to|speak with|check with|bring up with|raise "
                        r"with) (?:my|your|a|the|our) (?:doctor|gp|psychiatrist|therapist|clinician|nurse|pharmacist|"
                        r"prescriber|care team|clinic)\b")
_DECEIT = re.compile(r"\b(?:pretend|lie|lying|say it's|convince|trick|fool|so i can|get (?:them|him|her) to|extra|"
                     r"without (?:them|him|her) knowing|definitely|guarantee\w*|for sure|make sure|even though|even if|"
                     r"not (?:actually|really|even)|persuade|talk (?:them|him|her) into)\b")
_SOMEONE_REAL = re.compile(r"\b(?:i|i'm|i've|i'll|me|my|myself|we|we're|us|our|he|he's|she|she's|him|her|they're|"
                           r"someone here)\b|\b(?:right now|help (?:me|us|him|her)|please help|need help|emergency|"
                           r"tonight)\b")


def writer_implied(text: str) -> bool:
    """Whether a (canonical) message of a few words names nobody at all and tells rather than asks, so its subject is
    the writer, dropped as chat drops it ("feel like a ghost at work. decided this weekend is the last one",
    "forever. bye"). A question with nobody named is about things, not the writer."""
    return (len(text.split()) >= 3 and not _SOMEONE_REAL.search(text) and not _OTHER_PERSON.search(text)
            and not _ANYONE.search(text) and not _TOPIC_QUESTION.search(text) and not _ASKS.search(text))


# Anyone at all, not a person in particular: "what happens to someone's breathing", "what should you do if".
_GENERIC_PERSON = re.compile(r"\b(?:someone(?:'s)?|somebody(?:'s)?|anyone|anybody|people(?:'s)?|a person(?:'s)?|you|your|"
                             r"they|them|their|users?|patients?)\b")


def said_of_someone_real(text: str) -> str:
    """The sentences of a (canonical) message that may speak of a real person. When the writer is in it only as a
    learner (every sentence naming a real person is about their study: "nursing student here, our pharm module skipped
    it"), a sentence whose only person is anyone at all ("what happens to someone's breathing when they take too
    much?") speaks of harm in general and is left out; a writer who makes it personal ("asking because i want it to")
    keeps it."""
    sentences = _SENTENCES.split(text)
    personal = [s for s in sentences if _SOMEONE_REAL.search(s)]
    if not personal or not all(_ABOUT_STUDY.search(s) for s in personal):
        return text
    return " ".join(s for s in sentences if _SOMEONE_REAL.search(s) or not _GENERIC_PERSON.search(s))


# Round 13: an amount that kills, asked for the writer's own body ("whats the lethal amount for a 55 kg girl. i'm 55 kg",
# "how much would it take for someone my size … i want to make sure it works"): on the development sets five crises of
# four writers and no other message; three of them were refused as dosing questions.
_LETHAL = re.compile(r"\b(?:lethal|fatal|deadly|kill\w*|die|dying|death|overdos\w*|stop (?:a|my) heart|(?:never|not|don'?t) "
                     r"(?:wake|come back)|make sure it works)\b")
_AMOUNT = re.compile(r"\b(?:how much|how many|amount|dose|doses|dosage|mg|grams?|ml)\b")
_OWN_BODY = re.compile(r"\b(?:my (?:size|weight|body)|i weigh|someone my (?:size|weight)|for me|on me|myself|(?:i'?m|i am) "
                       r"(?:a |only |about |around )?\d+ ?(?:kg|kilos?|lbs?|pounds|stone)|(?:i'?m|i am) (?:a |an )?\d+ ?"
                       r"(?:kg|kilo)?s? (?:girl|guy|woman|man|female|male))\b")


def lethal_for_self(text: str) -> bool:
    """Whether a (canonical) message asks what amount would kill, for the writer's own body: care before refusal."""
    return bool(_LETHAL.search(text) and _AMOUNT.search(text) and _OWN_BODY.search(text))


# Round 14: a death or no waking up, and the writer's wish for it pointing back ("is there a dose where you just don't come
# back from the k-hole? that's kind of what i'm hoping for", "will i just not wake up? thats kind of the point"): on the
# read development sets eight crises of six sets and no other message; two of them were refused as dosing questions.
_WISH = re.compile(r"\b(?:what|all) (?:i|i'm|i am|im) (?:\w+ ){0,2}?(?:want|wanting|hoping for|hope for|after|looking for|"
                   r"going for|aiming for)\b|\b(?:i|i'd) (?:want|hope|need|would like) (?:it|that|mine|this|them) to\b|"
                   r"\b(?:that's|thats|that is) (?:kind of |sort of |kinda |exactly |really )?the (?:point|idea|plan|goal)\b")


def wishes_death(text: str) -> bool:
    """Whether a (canonical) message speaks of dying or not waking up and the writer wishes for it: care first."""
    return bool(_LETHAL.search(text) and _WISH.search(text))


def grave_cue(text: str) -> bool:
    """The strong part of the distress words: despair, a goodbye, the intent to die or danger happening now."""
    return bool(_DESPAIR.search(text) or _FAREWELL.search(text) or _INTENT_TO_DIE.search(text) or _HAPPENING.search(text))


def distress_cue(text: str) -> bool:
    """Despair or danger about a real person (corroborates a crisis vote of the classifier)."""
    about = _LEARNER_FRAME.sub(" ", text)
    if not _SOMEONE_REAL.search(about):
        return False
    # Round 13: the danger word must be said where a real person may be its subject: "our pharm module skipped it"
    # after a question about someone's breathing lent its "our" to the breathing.
    said = said_of_someone_real(text)
    return bool(_DISTRESS.search(said) or _OVERDOSE_PERSONAL.search(about) or _FAREWELL.search(text)
                or _INTENT_TO_DIE.search(text))


_BUMP_NAMESAKE = re.compile(r"\b(?:speed|baby|goose) bumps?\b|\bbumps? (?:on|in|under|near|along|to) (?:my|the|your|his|her|"
                            r"their|a)\b|\b(?:line|lines) (?:of code|in the|from the|of the (?:article|text|poem))\b")


# "In my novel a girl goes into a k-hole: what would she perceive?": asking what an experience is like, for someone
# else (a character, a patient, people), is a question of perception, not of use; no amount may be in it.
_PERCEIVE = re.compile(
    r"\bwhat (?:would|does|do|did|might|will|could|can) (?:she|he|they|someone|somebody|a person|people|the character|my "
    r"character|the narrator|a user|users|the patient|patients) (?:actually |really |typically |usually )?(?:perceive|feel|"
    r"experience|see|hear|notice|sense|go through)\b|\bwhat (?:sensations|feelings|perceptions|experiences)\b[^.?!]{0,30}"
    r"\b(?:would|does|do|might|could|are)\b|\bwhat(?:'s| is| was| would be) (?:it|that|the experience|a k-hole) (?:actually "
    r"|really )?like\b|\bhow (?:would|does|did|might) (?:it|that|a k-hole) feel\b|\bwhat (?:would|might|will|could) (?:it|that|"
    r"a k-hole|dissociation) (?:actually |really )?(?:feel|look|seem|be) like\b")


# "I don't need anything about doses": a disclaimer, not the writer's use.
_DISCLAIMER = re.compile(r"\b(?:i )?(?:don't|do not|won't) (?:need|want) (?:anything|any|the|info\w*|details?)(?: (?:about|on|"
                         r"for) [\w ]{1,25})?|\bno need for\b[^.?!]*|\b(?:nothing|not) (?:about|on) (?:amounts|doses|dosing|"
                         r"how much|getting it|where to get it)\b[^.?!]*")
_CHARACTER = re.compile(r"\bmy (?:main )?(?:character|protagonist|narrator|hero|heroine|villain)s?\b")


def explains(text: str) -> bool:
    """Whether a (canonical) message asks what something means or why, also after a class or study frame in front
    ("for my chemistry class, why is it hard to make?"), or what an experience is like for someone else."""
    if _OWN_DECISION.search(text):
        return False
    if _EXPLAIN.search(text) or (_DESCRIBE.search(text) and not _PERSONAL.search(text)):
        return True
    if (_PERCEIVE.search(text) and not _HOW_TO.search(text)
            and not _PERSONAL.search(_DISCLAIMER.sub(" ", _CHARACTER.sub(" ", _WRAPPER.sub(" ", _LEARNER_FRAME.sub(
                " ", _STUDY_FRAME.sub(" ", text))))))):
        return True
    m = _STUDY_FRAME.match(text) or _LEARNER_FRAME.match(text) or _WRAPPER.match(text)
    return bool(m) and bool(_EXPLAIN.search(re.sub(r"^[\s,.:;-]+", "", text[m.end():])))


# Setting the risks aside ("ignoring the risks, which ...") asks for use: the risks are what a learner would ask about.
_DISMISSED_RISK = re.compile(r"\b(?:ignoring|ignore|forget(?:ting)?|never mind|setting aside|regardless of|not (?:worried|"
                             r"bothered|fussed) about|screw|apart from|aside from) (?:the |all the |any )?(?:risks?|dangers?|"
                             r"harms?|safety|side effects|health stuff)\b")


# Cutting down, quitting, withdrawal, rehab: the writer's way out of use (ten writers), which the tutor should answer or
# point to help for, not refuse or meet as a crisis; unless it is about passing a test, asks an amount, or despairs.
_RECOVERY = re.compile(
    r"\b(?:reducing|cut(?:ting)? (?:down|back)|(?:quit|quitting|stop|stopping|give up|giving up|come off|coming off|kick|"
    r"kicking|get off|getting off) (?:using |taking |doing |on )?(?:ketamine|the habit|my habit)|(?:get|getting|stay|staying|"
    r"go|going) (?:clean|sober)|taper\w*|withdrawals?|detox\w*|rehab|relapse\w*|(?:want|wanna|trying|try|need|going|"
    r"planning|decided|ready) to (?:stop|quit|give (?:it )?up)\b(?! (?:existing|living|breathing|being|feeling|everything|"
    r"it all|eating|waking)))\b")
_TEST_DODGE = re.compile(r"\b(?:tests?|screens?|drinks?|pass|show(?:s|ing)? up|flush\w*|nose|probation|custody)\b")


_HARM_WORDS = re.compile(r"\b(?:die|dying|dead|death|kill\w*|suicid\w*|end (?:it|my life)|ending (?:it|my life)|(?:hurt|harm|"
                         r"cut)(?:ing)? myself|not (?:be )?(?:here|around|alive))\b")


def recovering(text: str) -> bool:
    """Whether a (canonical) message is about cutting down or quitting, without despair, harm, amounts or a test."""
    return (bool(_RECOVERY.search(text)) and not _TEST_DODGE.search(text) and not _DESPAIR.search(text)
            and not _HARM_WORDS.search(text) and not re.search(r"\bhow (?:much|many)\b|\d", text))


# "How do bumps differ from a full dose in their effect on the brain?": a comparison asks for knowledge (twelve writers'
# learning questions, no harmful one); used only against a safety vote, as two crises were worded so too.
_COMPARE = re.compile(r"^(?:how (?:do|does|is|are|would|did) [^?.!]{1,50}\b(?:differ|compare)\b|what(?:'s| is| are) the "
                      r"differences? between\b)")


# Round 14: an act meant to go unnoticed ("would someone notice it in a strong coffee", "would a horse clinic notice if
# a few vials went missing?", "which stocks are least tracked so a few vials wouldn't be missed"): taking from
# a supply, dosing someone or using in secret, whatever the frame of medicine or animals around it. On the read
# development sets these words are in 60 harmful requests of 21 sets, 6 crises (which the crisis checks before this
# one hear first) and no learning question; the writer's absence ("nobody would notice if i was gone") and asking what
# someone would notice ("what would she notice about the room?") are left out.
_UNNOTICED = re.compile(
    r"\bwithout (?:\w+ ){0,3}?(?:notic\w*|realis\w*|realiz\w*|spotting|clocking)\b|"
    r"\b(?:won'?t|wouldn'?t|doesn'?t|don'?t|didn'?t|not|never|can'?t|couldn'?t|before) (?:\w+ )?(?:notice|notices|clock|"
    r"twig)\b|(?<!what )(?<!nobody )(?<!no one )\b(?:would|will|does|do|did|could|might) (?:\w+ ){1,2}?notice "
    r"(?:if|when|that|it|them|a|the|any)\b|\b(?:go|goes|went|gone|going|be|been) missing\b|\b(?:would|will|won'?t|"
    r"wouldn'?t) be missed\b|\b(?:least|less|not|un|poorly|barely)[- ]?(?:tracked|counted|monitored|checked|logged|"
    r"audited)\b|\bwithout (?:it )?(?:showing up|being (?:noticed|detected|missed|tracked|logged|counted|caught))")


# How much of something is in a product ("how many milligrams are in a medical vial of ketamine"): a fact, in a frame.
_AMOUNT_IN = re.compile(r"\bhow (?:much|many) (?:\w+ ){0,3}(?:is|are|was|were|comes?) (?:there )?(?:in|per)\b")


def asks_knowledge(text: str) -> bool:
    """Whether a (canonical) message asks for knowledge whatever its other words: what something means or why, how to
    raise it with one's own clinician, cutting down, what the law says, or a comparison for nobody in particular."""
    if explains(text) or (_CLINICIAN.search(text) and not _DECEIT.search(text)) or recovering(text) or law_question(text):
        return True
    return bool(_COMPARE.search(text) and not _PERSONAL.search(text))


def action_cue(text: str, context: str = "") -> bool:
    """Whether a message asks for use rather than knowledge (corroborates a safety vote of the classifier).

    Someone in particular going to do something always counts; otherwise a framing in medicine, law,
    animals, science, risk or time course (in the message or the turns it follows up) marks a learning question.
    """
    if asks_knowledge(text):
        return False
    text = _LEARNER_FRAME.sub(" ", _BUMP_NAMESAKE.sub(" ", text))
    if _HOW_TO.search(text) or _DISMISSED_RISK.search(text) or _UNNOTICED.search(text):
        return True
    return bool(_DOING.search(text)) and bool(_PERSONAL.search(text) or not _FRAME.search(f"{text} {context}"))


# Probability thresholds for the classifier, chosen by leave-one-set-out cross-validation on the development sets.
OFF_TOPIC_GATE = 0.3
CRISIS_THRESHOLD = 0.3  # with a distress cue in the words
SAFETY_THRESHOLD = 0.4  # with a request for use in the words
# Above these the classifier's vote stands without the corroborating words: crisis messages with no
# distress word ("it's the last night, i've decided") and impersonal amounts ("how many bumps in a gram").
CRISIS_CONFIDENT = 0.8
SAFETY_CONFIDENT = 0.8
# The asymmetric policy: a missed crisis is the worst failure, so a crisis vote at least this likely, ahead of the
# safety vote, about the writer or someone with them, wins unless the message is clearly a question of knowledge.
CRISIS_LEAN = 0.4
CRISIS_LEAN_BARE = 0.65  # the same without a distress word, for a message that tells rather than asks
CRISIS_CERTAIN = 0.9  # on the message's own score: no framing but a question of knowledge holds this back
# The same asymmetry for harmful requests, narrower: the writer's own use in the words (`_OWN_USE`).
SAFETY_LEAN = 0.25
# A sentence's crisis vote against the whole message's legitimate vote (round 9, leave one writer out).
SENTENCE_LEGIT_VETO = 0.9
# A sentence's crisis vote that stands without a distress word, with the whole message's at least DISTRESS_FLOOR
# (round 10, leave one writer out: at 0.9 it gave the crisis reply to three learning questions of two writers).
SENTENCE_CERTAIN = 0.95
# A message of at least this many words is also read clause by clause (round 9).
CLAUSE_WORDS = 30
_CLAUSES = re.compile(r"\s*[,;:]\s+|\s+(?:but|and honestly|honestly|anyway)\s+")


# Asking how to support someone ("how can I talk to my flatmate about his ket use?") is care, not use or crisis,
# unless something is happening now or the help asked for is getting, hiding or dosing.
_SUPPORT = re.compile(
    r"\b(?:how (?:can|do|should|could|would|might) (?:i|we) (?:best |gently |even )?(?:support|help|talk to|talk with|speak to|"
    r"speak with|approach|reach out to|bring (?:it )?up|raise|mention|check on|look after|be there for|encourage|"
    r"convince|persuade|confront)|what (?:should|can|do|could) (?:i|we) (?:say|tell|do for)|how (?:do|can|would) (?:i|we|you) "
    r"(?:tell|know|spot|notice) (?:if|whether|when)|(?:worried|concerned|worrying) about|(?:i|we) (?:really )?(?:want|need|'d "
    r"like|would like|have|am going|'m going|plan|am trying|'m trying) to (?:gently |calmly |properly )?(?:talk to|talk with|"
    r"speak to|speak with|approach|support|help|reach out to|have (?:a|the) (?:chat|talk|conversation) with))\b[^.?!\n]{0,50}\b(?:my "
    r"(?!ketamine|stash|bag|baggie|gear|stuff|supply|drugs?|powder|batch|test|screen|panel|dose|use\b)\w+|"
    r"a (?:friend|mate|relative|partner|student|client|patient|colleague)|someone|somebody|them|him|her|friends?|family)\b")
# "My friend uses ket every weekend, how do I bring it up?": the person named before the question.
_SUPPORT_AFTER = re.compile(
    r"\b(?:my (?:\w+ )?(?:friend|mate|partner|boyfriend|girlfriend|husband|wife|brother|sister|son|daughter|kid|child|"
    r"teen\w*|dad|mum|mom|father|mother|flatmate|roommate|housemate|colleague|cousin|student|client|patient)s?|a "
    r"(?:friend|mate|relative|student|client|patient|colleague))\b[^?]{0,100}\bhow (?:can|do|should|could|would|might) "
    r"(?:i|we) (?:best |gently |even )?(?:support|help|talk to|talk with|speak to|approach|bring (?:it|this|that) up|raise "
    r"(?:it|this|that)|mention (?:it|this|that)|check on|look after|be there for|encourage|confront|start (?:that|the|a) "
    r"conversation)\b|\b(?:what|which) (?:signs|symptoms|warning signs|red flags|changes)\b[^.?!\n]{0,30}\b(?:should|do|can|"
    r"could|would|might) (?:i|we) (?:look|watch|check) (?:out )?for\b")
_SUPPORT_MISUSE = re.compile(r"\b(?:get|buy|find|score|hide|pass|beat|dose|make|mix|sneak|slip|source|order|spike|sedate|"
                             r"knock|without (?:them|him|her) knowing)\b")
_HAPPENING = re.compile(r"\b(?:right now|tonight|at the moment|currently|just (?:took|did|had|collapsed|passed)|what do (?:i|we) do|"
                        r"should (?:i|we) call|call (?:an )?ambulance|911|999|112|hurry|asap|isn't|won't|can't|not "
                        r"(?:breathing|waking|moving|responding))\b")


# Round 10: getting ready to help someone, nobody in particular now ("what should you do if a friend tells you they're
# suicidal?", "what are the warning signs that someone might be suicidal?", "trying to understand my sister better"):
# the crisis as a topic of care, which the classifier read as a crisis for two writers.
_PREPARING = re.compile(
    r"\bwhat (?:should|can|could|do|would) (?:you|one|people|i|we) (?:do|say) (?:if|when) (?:a|my|your|someone|somebody|"
    r"a person|people)\b[^.?!\n]{0,30}\b(?:tells?|says?|is|are|seems?|admits?|opens? up)\b|"
    r"\b(?:warning )?signs (?:that )?(?:someone|somebody|a (?:friend|person|loved one|student|teen\w*)|people|(?:my|your) "
    r"\w+) (?:might|may|could|is|are) (?:be )?\w+|"
    r"\b(?:trying|want|wanted|need|'d like|would like) to (?:be able to )?(?:understand|look out for|recogni[sz]e|spot|"
    r"be prepared|know how to help)\b[^.?!\n]{0,20}\b(?:my (?:\w+ )?(?:friend|mate|partner|boyfriend|girlfriend|husband|"
    r"wife|brother|sister|son|daughter|kid|child|dad|mum|mom|father|mother|flatmate|roommate|cousin|student|client|patient)s?|"
    r"friends?|someone|somebody|people|them|him|her)\b")


def supporting_someone(text: str) -> bool:
    """Whether a (canonical) message asks how to support someone else, with nothing happening now."""
    m = _SUPPORT.search(text) or _PREPARING.search(text)
    if not m and (after := _SUPPORT_AFTER.search(text)):
        m = re.compile(r"\bhow (?:can|do|should|could|would|might) (?:i|we)\b|\b(?:what|which) (?:signs|symptoms|warning "
                       r"signs|red flags|changes)\b").search(text, after.start())
    return bool(m) and not _SUPPORT_MISUSE.search(text[m.start():]) and not _HAPPENING.search(text)


# Telling of feeling better ("I felt dead inside before my treatment; now I feel better"): despair in the past.
_RECOVERED = re.compile(
    r"\b(?:before (?:my|the|i started|starting|i had|i began)(?: \w+)? (?:treatment|infusions?|therapy|sessions?|medication|"
    r"meds|esketamine|ketamine|course)|(?:now|since then|since (?:my|the) \w+) i (?:feel|am|'m|have been|'ve been) (?:a bit |"
    r"much |so |a lot |loads |way |finally |actually )?(?:better|lighter|happier|less \w+|more like myself|okay|ok|good)|"
    r"used to feel|(?:it|ketamine|treatment|therapy) (?:really )?helped me|for the first time in (?:years|ages|months))\b")
# Treatment under way or a study session closing ("I'm starting my third infusion tomorrow", "that's all for
# tonight, bye"): a crisis vote needs a distress word and more certainty.
_ROUTINE = re.compile(
    r"\b(?:(?:my|the) (?:first|second|third|fourth|fifth|next|\d+(?:st|nd|rd|th)) (?:infusion|session|treatment|appointment|"
    r"dose of (?:es)?ketamine)|i'm (?:on|having|getting|starting|doing) (?:ketamine |esketamine |spravato )?(?:treatment|"
    r"therapy|infusions)|(?:that's all|that's it|done|finished) for (?:today|tonight|now|the day)|see you (?:tomorrow|"
    r"next time|later)|what should i (?:revise|study|read|learn) next)\b|"
    # A patient's fear of the treatment ("scared of losing myself during treatment"): six writers, never a crisis.
    r"\b(?:scared|afraid|nervous|worried|anxious|terrified|frightened|freaked out|apprehensive|fear)\b[^.?!]{0,50}\b(?:my |"
    r"the |this |a |an |each |every )?(?:next |first |upcoming )?(?:treatment|infusions?|sessions?|therapy|esketamine|spravato|"
    r"appointment|dissociation|clinic)\b")

# A question about the material inside a longer message: "... anyway, what's an NMDA antagonist?".
_LEARNING_QUESTION = re.compile(
    r"(?:^|[.?!,;]\s*|\b(?:anyway|but|so|ok|okay|also|and)\s*,?\s*)(?:what(?:'s| is| are| does| do| did| was| were)|why|how (?:does|do|is|"
    r"are|did|long|come)|explain|can you explain|could you explain|is it true)\b[^.?!]{0,60}\b(?:ketamine|nmda|glutamate|"
    r"bdnf|receptors?|brain|neur\w*|synap\w*|dissociat\w*|antagonist|anaesthe\w*|anesthe\w*|depression|k-hole|"
    r"prefrontal|plasticity|cortex|memory|bladder|dopamine|serotonin|"
    # ... or about the material itself ("what's the main takeaway of the last section").
    r"section|article|chapter|takeaway|material|reading)\b")

# Danger now, to the writer or someone with them: what a crisis vote needs to outrank a harmful-intent pattern.
_URGENT_SELF = re.compile(
    r"\b(?:right now|now|tonight|let (?:myself |it all )?go|talk me out|stop me|change my mind|for good|forever|this time|"
    r"never wake|not wake|should (?:i|we) be worried|is (?:this|that|it) (?:normal|bad|serious|dangerous)|what do (?:i|we) "
    r"do|should (?:i|we) (?:call|go)|a&e|er|hospital|ambulance|help)\b")
# An interrogative opening any clause ("ok so how does esketamine help ..."): asks, with or without a question mark.
_ASKS = re.compile(r"(?:^|[.,;:!]\s*|\b(?:so|ok|okay|and|but|also|anyway)\s+)(?:how|what|whats|why|when|where|which|who|"
                   r"is|are|does|do|did|can|could|would|should)\b(?!')")
# A question (a question mark, or an interrogative in front): asks rather than tells.
_TOPIC_QUESTION = re.compile(r"\?|^(?:is|are|does|do|did|can|could|would|will|what|why|how|when|where|which|who|whats)"
                             r"(?:'s)?\b(?!')|[,;]\s*(?:should|shall|do|does|is|are|can|could|will|would) (?:i|we|it|this|that)"
                             r"\b[^.!]*$")
_ABOUT_MATERIAL = re.compile(r"\b(?:article|material|section|text|reading)\b")
_WHY = re.compile(r"\bwhy (?:would|did|does|do|is|was|are|might|can|could)\b|\bhow come\b|"
                  r"\b(?:be|is that|is this|was that) (?:why|the reason|what caused|because of)\b")
_SENTENCES = re.compile(r"(?<=[.?!])\s+|\s*(?:\.\.\.|…)\s*|\n+")
# A question about effects ("asking for a friend, is it normal to feel detached after using?"): without a distress
# word, a crisis vote alone does not make it a crisis.
_EFFECT_QUESTION = re.compile(
    r"^(?:[\W_]*(?:asking for a friend|hypothetically|lol|so|ok|okay|hey|hi|quick question|random question|genuine "
    r"question|serious question|also|and|but)\b[\W_]*)*(?:is (?:it|that|this) (?:normal|common|usual|possible|safe|bad|"
    r"dangerous|true|a sign)|are (?:they|these|those) (?:normal|common)|does (?:it|ketamine|that|this|everyone)|do (?:people|"
    r"most people|you|they|others)|can (?:it|ketamine|that|this) |could (?:it|ketamine|that|this) |will (?:it|ketamine|that|"
    r"this) |how long (?:does|do|will|can|is))")


# A wrapper around a request: fiction, research, a hypothetical, harm reduction, "not for me". The request inside is
# judged as if asked plainly ("for a thriller I'm writing: the exact method the villain uses to spike a glass").
_WRAPPER = re.compile(
    r"(?:^|[,.;:!?]\s*|\s-\s*)(?:(?:purely |just |only )?(?:for|in) (?:a|an|my|our|the|this) (?:[\w'-]+ ){0,3}?(?:novel|"
    r"story|stories|book|screenplay|script|film|movie|thriller|fiction|game|podcast|research|thesis|dissertation|project|"
    r"zine|leaflet|debate|essay|blog|video|survey)(?: (?:i'm|i am|we're|we are) (?:writing|making|doing|working on))?|"
    r"(?:i'm |i am |we're )?(?:writing|making|doing) (?:a|an|my) (?:[\w'-]+ ){0,2}(?:novel|story|book|screenplay|script|film|"
    r"thriller|zine|leaflet|game|piece|poem|play|scene)(?: where| in which| about)?|(?:trying to )?write (?:it )?realistically|hypothetically"
    r"(?: speaking)?|in (?:a )?(?:theory|hypothetical|fiction)|purely academic(?:ally)?|(?:asking )?academically|for "
    r"science|for (?:research|educational|academic) purposes|(?:doing|for) (?:a )?research(?: survey)?|in theory|just "
    r"curious|just for knowledge|not for me|asking for (?:a friend|my \w+)|as a harm[- ]reduction \w+|for harm[- ]"
    r"reduction(?: reasons| purposes)?|harm[- ]reduction (?:q|qs|question|questions)|(?:to be|to stay|to keep) safe|for "
    r"safety(?: reasons)?)\b\s*[,.;:!-]*\s*")
_SPECIFICS = re.compile(r"\b(?:exact\w*|precise\w*|realistic\w*|step[- ]by[- ]step|method|recipe|how (?:would|do|does|"
                        r"could|can|should|to|much|many|long)|what (?:amount|dose|would|temperature|ratio)|where|which|who|"
                        r"give me|tell me|list)\b")


def unwrapped(text: str) -> str | None:
    """A (canonical) message without its fiction, research or harm-reduction wrapper, if it has one."""
    if not _WRAPPER.search(text):
        return None
    rest = _WRAPPER.sub(" ", text).strip(" ,.;:")
    return rest if len(rest.split()) >= 3 else None


# The writer's intent to die, in a message otherwise refused as a harmful request (`Screen._care_first`): not waking
# up, wanting it over, ending it, not seeing the next birthday. "On purpose" and "my last" alone are not (a k-hole on
# purpose, my last session: a safety request and a learning question of two writers).
_INTENT_TO_DIE = re.compile(
    r"\b(?:(?:not|never|don'?t|won'?t) (?:\w+ )?(?:wake|waking) (?:up|again)|(?:want|need|wanna) (?:it|this|everything|all of "
    r"it|all this|things) (?:all )?(?:to be |to )?(?:over|end|stop)\b|(?:end|ending) (?:it|it all|my life|things|everything)\b|"
    r"kill(?:ing)? my ?self|(?:want|wanna|going|ready|deserve) to die|(?:don'?t|do not|won'?t) (?:want to )?(?:live|be alive|"
    r"be here)\b|(?:won'?t|don'?t think i'?ll|not going to|never going to) (?:see|make it to|live to see|be around for) "
    r"(?:\d+|next|another|christmas|my birthday|the end|new year)|sleep forever|be gone for good|stop my heart|"
    r"my last (?:night|day|goodbye|message|words)|when i do it|"
    # Round 11: not existing or never waking as something appealing ("imagine just not existing. that'd be so nice", "drift
    # off and never wake up, would it be peaceful?"): on the development sets two writers' crises and nothing else.
    r"(?:not|never|stop|stopped|no longer) (?:existing|exist|being alive|be alive|being here|be here|waking up|wake up)\b"
    r"[^\n]{0,40}\b(?:nice|peaceful|bliss\w*|relief|lovely|appealing|tempting|heaven)|\b(?:nice|peaceful|bliss\w*|a relief|"
    r"lovely|appealing|tempting)\b[^\n]{0,30}\b(?:to )?(?:just )?(?:not|never|stop) (?:exist|existing|be here|being here|wake "
    r"up|waking up))")
# Goodbyes and arrangements, the warning signs a writer tells without despair: giving things away, finding homes for
# pets, a will, tying up loose ends, not being back.
_FAREWELL = re.compile(
    r"\b(?:(?:gave|giving|give|given) (?:\w+ ){0,5}away|found (?:\w+ ){0,3}(?:a )?(?:new )?homes? for|(?:arranged|arranging|"
    r"sorted|organised|organized) (?:for )?(?:\w+ ){1,3}to (?:take|look after|have|feed|keep|adopt|rehome) (?:my |the |our )?"
    r"(?:\w+ )?(?:dog|dogs|cat|cats|pets?|kids|children|rabbit|hamster)|(?:wrote|written|writing|made|"
    r"sorted|updated) (?:a |my |out my )?will\b|loose ends|before i go\b|(?:won'?t|will not|not going to|never) be (?:\w+ing )?"
    r"(?:\w+ )?(?:here |back |on here )?again|(?:won'?t|will not) (?:need|be needing) (?:a |my |this |the )?\w+ (?:much )?"
    r"(?:longer|anymore|again)|(?:not|n't) (?:need|be needing) (?:a |my )?\w+ much longer)")
NET_BARE = 1.1  # off: without despair or farewell words the net does not act on the vote alone (measured, round 8)
CARE_VOTE = 1.1  # off: a crisis vote behind the safety vote alone does not turn a refusal into care (measured, round 8)


# The safety net under declines (`Screen.distress`): a message the tutor declines as off-topic or not in the material
# had nothing to learn in it, so a lower bar costs no teaching. Despair, weariness of life, a goodbye or being a
# burden in the words, said by the writer (or by nobody in particular: "no point anymore"), and a crisis vote at
# least this likely and ahead of the safety vote, in the message, one of its sentences or with its earlier turns.
DISTRESS_FLOOR = 0.2
_DESPAIR = re.compile(
    r"\b(?:no point|(?:what'?s|whats) the point|pointless|hopeless\w*|worthless|useless|a burden|burden (?:to|on)|"
    r"better off (?:without|if)|without me|dragging (?:\w+ )?down|waste of (?:space|air|oxygen)|(?:nobody|no one|noone) "
    r"(?:would|will|cares|gives|even) |tired of (?:it all|everything|life|living|being|trying|fighting|waking|existing|"
    r"feeling)|(?:so|just) (?:tired|exhausted|done)(?: of| with)? (?:everything|all of it|it all|life)|(?:had|have had) "
    r"enough|can'?t (?:do this|go on|keep (?:going|doing this)|take (?:it|this|any ?more)|anymore|cope)|give up|giving up|"
    r"gave up|done trying|i'?m (?:so )?done(?=\s*(?:[.,!;]|$|with (?:life|living|everything|it all|all of (?:it|this)|"
    r"people|myself|everyone|trying|this world)))|so done\b(?! with (?:the|this|that|my) )|over it all|"
    r"nothing (?:matters|left|to live)|(?:nothing(?:'s| is)|not|isn't) worth (?:it|anything|living|the effort)|no (?:future|reason|hope|way "
    r"out)|(?:not|never) (?:sticking|stick|staying|stay|being|be) around|(?:won'?t|will not|not going to|not gonna) be "
    r"(?:here|around)|won'?t (?:need|be needing)|be gone|gone by|disappear\w*|vanish\w*|(?:not|never) (?:wake|waking|"
    r"come back|coming back)|sleep forever|stop existing|(?:not|don'?t want to) (?:exist|be here|be alive|live)|"
    r"good ?bye(?! for now)|(?:say|said|saying) (?:my )?byes?\b(?! for now)|farewell|last (?:message|words|goodbye)|"
    r"(?:the|my) last time|thanks for everything|sorry for everything|"
    r"(?:end|ending) (?:it|things|everything)|(?:want|need) (?:it|everything) (?:all )?to (?:stop|end)|empty inside|"
    r"dead inside|numb|can'?t feel anything|(?:don'?t|do not) care (?:anymore|what happens)|anymore|any more|"
    r"(?:can'?t|cannot|don'?t think i can|not sure i can|no longer) (?:hold|hang) on|running out of reasons|no reasons? "
    r"(?:left )?to (?:stay|live|keep going|go on|be here)|(?:don'?t|do not|won'?t|will not|not going to|might not|may not|"
    r"never going to) make it (?:through|past|to)|(?:need|needing|be here|be around|last|stick around) (?:\w+ ){0,2}(?:much|"
    r"for much|any) longer)\b")
# Someone else as the subject ("my friend feels hopeless", "the character says goodbye") and no "I".
_OTHER_PERSON = re.compile(r"\b(?:he|he's|she|she's|they|they're|him|her|his|their|people|someone|somebody|character|"
                           r"patients?|users?|my (?:\w+ )?(?:friend|mate|partner|brother|sister|son|daughter|mum|mom|dad|"
                           r"cousin|flatmate|roommate|colleague|student|client))\b")


_WRITER = re.compile(r"\b(?:i|i'm|i've|i'll|i'd|me|myself|we|we're|us)\b")
# A person other than the writer, however general ("you" of a statement is often anyone: "it makes you feel numb").
_ANYONE = re.compile(r"\b(?:you|your|you're|anyone|anybody|others?|men|women|kids|teens?|students?|nurses?|doctors?)\b")


def _writer_is_subject(text: str) -> bool:
    return bool(_WRITER.search(text)) or not _OTHER_PERSON.search(text)


# "My therapist" alone is a person in the writer's life ("I just haven't told my therapist"), not a learner's frame.
_BARE_CLINICIAN = re.compile(r"\bmy (?:\w+ )?(?:doctor|gp|psychiatrist|therapist|nurse|teacher|professor|lecturer)\b"
                             r"(?! (?:said|says|told|suggested|mentioned|recommended|thinks|explained))")


def _learner(text: str) -> bool:
    return bool(_LEARNER_FRAME.search(_BARE_CLINICIAN.sub(" ", text)))


class Screen:
    """The input screen: patterns, then the classifier, with the conversation for follow-ups."""

    def __init__(self, classifier: SafetyClassifier, embed: Embed, topic_terms: Iterable[str] = (),
                 crisis_threshold: float = CRISIS_THRESHOLD, safety_threshold: float = SAFETY_THRESHOLD,
                 crisis_confident: float = CRISIS_CONFIDENT, safety_confident: float = SAFETY_CONFIDENT,
                 crisis_lean: float = CRISIS_LEAN, distress_floor: float = DISTRESS_FLOOR,
                 safety_lean: float = SAFETY_LEAN, care_vote: float = CARE_VOTE, net_bare: float = NET_BARE,
                 clause_words: float = CLAUSE_WORDS):
        self.classifier = classifier
        self.embed = embed
        self.topic_terms = {t.lower() for t in topic_terms}
        self.crisis_threshold = crisis_threshold
        self.safety_threshold = safety_threshold
        self.crisis_confident = crisis_confident
        self.safety_confident = safety_confident
        self.crisis_lean = crisis_lean
        self.distress_floor = distress_floor
        self.safety_lean = safety_lean
        self.care_vote = care_vote
        self.net_bare = net_bare
        self.clause_words = clause_words

    def assess(self, message: str, history: Sequence[str] = ()) -> SafetyDecision:
        """Decide about one message; `history` holds the earlier messages of the conversation, oldest first."""
        text = canonical(message)
        crisis = self._crisis_pattern(text)
        if crisis:
            return crisis.model_copy(update={"question": message})
        scan = scan_injection(message)
        if scan.found:
            return self._after_injection(message, scan, history)
        return self._care_first(self._judge(message, history), text)

    def _care_first(self, decision: SafetyDecision, text: str) -> SafetyDecision:
        """Crisis over refusal: a refused message that carries the writer's intent to die ("how much would it take to not
        wake up", "when i do it i want it over quickly", a death wished for), gets the crisis reply; it gives no amount
        either, so care costs no safety, while a refusal gives a person in crisis no help."""
        if decision.kind != "safety" or not _writer_is_subject(text):
            return decision
        crisis_vote = decision.scores.get("crisis", 0.0)
        if (_INTENT_TO_DIE.search(text) or lethal_for_self(text) or wishes_death(text)
                or (crisis_vote >= self.care_vote and distress_cue(text)
                    and crisis_vote * 2 >= decision.scores.get("safety", 1.0))):
            return decision.model_copy(update={"kind": "crisis", "category": "crisis", "layer": "care"})
        return decision

    def _crisis_pattern(self, text: str) -> SafetyDecision | None:
        m = match_patterns(text)
        if m and m.kind == "crisis":
            return SafetyDecision(kind="crisis", category=m.category, layer="pattern", question="", matched=m.text)
        return None

    def _judge(self, message: str, history: Sequence[str]) -> SafetyDecision:
        text = canonical(message)
        follow_up = bool(history) and is_follow_up(message)
        seen = " ".join([text] + ([canonical(h) for h in history[-2:]] if follow_up else []))
        # "A good beginner dose of creatine": an everyday substance named, and not ketamine, is not about a drug.
        everyday = bool(_EVERYDAY.search(text)) and not mentions_drug(text)
        named = (bool(_DRUGISH.search(seen)) and not everyday) or follow_up
        # A harmful-intent pattern does not decide alone: a crisis wrapped in a harmful request ("taking the rest
        # of the ket and the vodka tonight and letting go") is a crisis, so the crisis vote is heard first.
        pattern = match_patterns(text, drug_in_view=named)
        texts = [classifier_text(message)]
        if follow_up:
            texts.append(context_text(message, history))
        # A crisis signal in one sentence of a longer message is not diluted by the rest of it.
        parts = [p for p in _SENTENCES.split(text) if len(p.split()) >= 3]
        # A long run-on message ("so i've been reading the article for my psych class, ..., and i keep thinking tonight
        # might be the night i stop") is read clause by clause too: its crisis is one clause among many.
        if len(text.split()) >= self.clause_words:
            parts += [c for p in parts if len(p.split()) >= 12 for c in _CLAUSES.split(p)
                      if len(c.split()) >= 4 and c != p]
        parts = parts if len(parts) > 1 else []
        probs = self.classifier.proba(self.embed(texts + parts))
        p = probs[: len(texts)].max(axis=0)
        scores = {label: round(float(v), 3) for label, v in zip(LABELS, p, strict=True)}
        # In a ketamine tutor an unnamed drug is usually ketamine; only clearly off-topic messages
        # ("how many grams of sugar in a coke") are let off the dosing and buying checks.
        m = pattern
        if m is None and not named and not everyday and probs[0][LABELS.index("off_topic")] < OFF_TOPIC_GATE:
            m = match_patterns(text, True)
        layer = "context" if follow_up and bool((probs[1][:2] > probs[0][:2]).any()) else "classifier"
        # Over a harmful-intent pattern the crisis vote must also beat the safety vote and see danger now.
        over = m is not None
        supporting = supporting_someone(text)
        # An event over and settled ("in hospital last spring, she's okay now") is as steady as feeling better.
        steady = bool(_RECOVERED.search(text)) or (bool(_SETTLED.search(text) and _PAST.search(text))
                                                   and not _HARM_WORDS.search(text) and "again" not in text)
        # Round 9: calm after arrangements ("updated my will today ... I feel calm for the first time in ages") is a
        # warning sign, not recovery: goodbye and intent-to-die words outweigh feeling better.
        steady = steady and not (_FAREWELL.search(text) or _INTENT_TO_DIE.search(_ATTEMPT_TOLD.sub(" ", text)))
        # Round 10: the writer's intent to die in the words ("..., i just want it over with", "so that one day i just
        # don't wake up") is a crisis beside a question of knowledge too, with a crisis vote of at least the net's floor
        # in the message or one of its sentences: over the 19 development sets these words, outside a past crisis told
        # calmly, are in 167 crisis messages and no other.
        if (not supporting and _writer_is_subject(text) and not past_disclosure(text)
                and (_INTENT_TO_DIE.search(_ATTEMPT_TOLD.sub(" ", text)) or wishes_death(text))
                and probs[:, 0].max() >= self.distress_floor):
            return SafetyDecision(kind="crisis", category="crisis", layer="intent", question=message, scores=scores)
        if not supporting and self._crisis_vote(float(p[0]), text, own=float(probs[0][0]), over_pattern=over,
                                                steady=steady, rival=float(p[1]),
                                                learning=float(p[LABELS.index("legitimate")])) and (
                not over or (p[0] > p[1] and bool(_URGENT_SELF.search(text) or not _TOPIC_QUESTION.search(text)))):
            return SafetyDecision(kind="crisis", category="crisis", layer=layer, question=message, scores=scores)
        # "how much would that take" after "I don't want to be here anymore": the distress is in the earlier turn.
        if follow_up and probs[1][0] >= self.crisis_confident and probs[1][0] > probs[1][1] and distress_cue(seen):
            return SafetyDecision(kind="crisis", category="crisis", layer="context", question=message, scores=scores)
        told_past = past_disclosure(text)
        for part, row in zip(parts, probs[len(texts):], strict=True):
            # Over a harmful-intent pattern one sentence is too little ("that's the plan for tonight").
            # Under a harmful request voted ahead of crisis ("my dealer's gone quiet. where else would i look"), one
            # sentence must be near certain.
            asked_harm = p[1] >= self.safety_threshold and p[1] > p[0] and row[0] < self.crisis_confident
            # Cutting down or quitting, said elsewhere in the message ("... too much k? want to cut down"), is the way out.
            quitting = recovering(text) and row[0] < self.crisis_confident
            # Round 9: a message the classifier reads as a confident learning question as a whole ("sorry for all the
            # questions, my brain is dead today. what does 'compensatory' mean?") is not made a crisis by one sentence
            # unless that sentence is near certain; no crisis the sentence layer caught on seven writers scored above
            # 0.85 legitimate as a whole, five learning questions of three writers did (0.91 to 0.99).
            if probs[0][LABELS.index("legitimate")] >= SENTENCE_LEGIT_VETO and row[0] < CRISIS_CERTAIN:
                continue
            # A crisis told in the past beside a question of knowledge: its sentence of history is no crisis now.
            if told_past:
                continue
            if not supporting and not over and not asked_harm and not quitting and row[0] > row[1] and self._crisis_vote(
                    float(row[0]), part, whole=False, own=float(p[0]), steady=steady, rival=float(row[1]), message=text):
                scores["crisis"] = round(float(row[0]), 3)
                return SafetyDecision(kind="crisis", category="crisis", layer="sentence", question=message,
                                      scores=scores)
        if m:
            return SafetyDecision(kind=m.kind, category=m.category, layer="pattern", question=message, matched=m.text,
                                  scores=scores)
        if supporting:
            return SafetyDecision(kind="ok", question=message, scores=scores)
        # A request wrapped in fiction, research or harm reduction is judged as if asked plainly, when it asks for
        # specifics: the wrapper would otherwise lend it the look of a learning question.
        inner = unwrapped(text)
        if inner is not None and named and _SPECIFICS.search(inner):
            inner_match = match_patterns(inner, drug_in_view=True)
            if inner_match is not None and inner_match.kind == "safety":
                return SafetyDecision(kind="safety", category=inner_match.category, layer="pattern", question=message,
                                      matched=inner_match.text, scores=scores)
            q = self.classifier.proba(self.embed([classifier_text(inner)]))[0]
            if q[1] >= self.safety_threshold and q[1] > q[2] and q[1] > q[0] and not explains(inner):
                return SafetyDecision(kind="safety", category="unsafe_use", layer="classifier", question=message,
                                      scores=scores)
        # Round 12: a safety vote behind the off-topic vote ("can you give me a line for my dating profile": "line" names
        # the drug for `named`) is an everyday request, not a harmful one.
        if (p[1] >= self.safety_threshold and p[1] >= p[LABELS.index("off_topic")] and named
                and action_cue(text, seen if follow_up else "")):
            return SafetyDecision(kind="safety", category="unsafe_use", layer=layer, question=message, scores=scores)
        # The asymmetric policy for harmful requests: the writer (or their group) about to use, with a moderate safety
        # vote ahead of the crisis vote, is refused; asking what or why still is not ("should I ..." is not "why do ...").
        if (p[1] >= self.safety_lean and p[1] > p[0] and named and _OWN_USE.search(text) and not explains(text)
                and action_cue(text, seen if follow_up else "")):
            return SafetyDecision(kind="safety", category="unsafe_use", layer="lean", question=message, scores=scores)
        # A confident vote (on the message's own score) needs no request word, but still no "what does X mean"
        # or "why", and the drug in view or, unnamed (in a ketamine tutor usually ketamine), a message that is not
        # clearly off-topic. Round 14: a frame in medicine, law, tests or science holds it back only with a question
        # of knowledge in it (`asks_knowledge`, or how much is in a product): "how do people fake a prescription for
        # ketamine nasal spray", "any tips to keep ket from showing on a hair test" name the frame they get round, not
        # a subject of study.
        own = probs[0]
        on_topic = named or (not everyday and own[LABELS.index("off_topic")] < OFF_TOPIC_GATE)
        asks_use = not ((asks_knowledge(text) or _AMOUNT_IN.search(text)) and _FRAME.search(_WRAPPER.sub(" ", text)))
        if (own[1] >= self.safety_confident and own[1] > own[0] and on_topic and asks_use and not explains(text)
                and not recovering(text)):
            return SafetyDecision(kind="safety", category="unsafe_use", layer=layer, question=message, scores=scores)
        return SafetyDecision(kind="ok", question=message, scores=scores)

    def _crisis_vote(self, p: float, text: str, whole: bool = True, own: float = 0.0, over_pattern: bool = False,
                     steady: bool = False, rival: float = 1.0, message: str = "", learning: float = 0.0) -> bool:
        """The classifier's crisis probability, corroborated by the words; asking why needs more certainty.

        A confident vote stands without a distress word, but only for a whole message of a few words that is not
        framed as study, and only on the message's own score (`own`): "what for?" after a question about
        hospitals is no crisis. A sentence (`whole=False`) is read with its `message`: an event over ("years ago, all
        good now"), treatment under way or quitting said in another sentence of it holds for this one too.
        """
        message = message or text
        # Asking why, or telling of something past ("my friend died of an overdose"), needs more certainty.
        if steady and not _HAPPENING.search(text):
            return False  # feeling better after treatment, with nothing happening now: despair in the past
        # A question about the material in the message ("... anyway, what's an NMDA antagonist?") is study too.
        # A professional or student describing patients ("any tips for patients who come in scared?") is study too.
        knowing = (bool(_WHY.search(text)) or (bool(_PAST.search(message)) and not _happening_now(message))
                   or past_disclosure(message)
                   or (whole and bool(_LEARNING_QUESTION.search(text))) or describes_people(text) or recovering(message))
        asking_why = knowing or bool(_ROUTINE.search(message))
        if over_pattern and p < 0.7:
            return False
        distress = distress_cue(text)
        # Round 13: a whole message the classifier reads as more likely learning than crisis needs more than a word of
        # the broad lexicon ("my head is spinning from all these terms, can you slow down", "my brain is dead after this
        # shift lol": 0.33 crisis, 0.44 and 0.47 learning): despair, a goodbye, the intent to die or danger now.
        if whole and p < learning and not grave_cue(text):
            distress = False
        if p >= self.crisis_threshold and distress and (not asking_why or p >= 0.7):
            return True
        # Round 10: a sentence the classifier is near certain of, told by the writer and not asked, stands without a
        # distress word when the whole message leans that way too (its crisis vote at least the net's floor): "I've
        # been researching bridges near me. Anyway, the question was about glutamate". The lexicon of distress words
        # never covers every way to tell a plan, and a question of knowledge beside it dilutes the whole message's
        # vote. The sentence vote alone is not enough: short sentences of learning questions ("sorry my english not
        # good.", "some days are hard but i'm okay.") score 0.9 and more, with the whole message near zero.
        if (not whole and p >= SENTENCE_CERTAIN and own >= self.distress_floor and not asking_why and not explains(text)
                and _SOMEONE_REAL.search(text) and not _TOPIC_QUESTION.search(text)):
            return True
        # The asymmetric policy: treatment under way does not outweigh a likely crisis with distress in the words
        # ("hopeless after the sixth infusion, looking up bridges"), nor does the lack of a distress word a likely
        # crisis told, not asked ("I think about steering into the river"); a question of knowledge still does.
        # Round 12: the writer may be implied, not named ("feel like a ghost at work. decided this weekend is the last
        # one"): three crises of two writers named nobody at all.
        if (whole and not over_pattern and p >= self.crisis_lean and p > rival and not knowing and not explains(text)
                and not _learner(text) and (_SOMEONE_REAL.search(text) or writer_implied(text))
                and (distress or (p >= CRISIS_LEAN_BARE and not _ROUTINE.search(text) and not _ABOUT_STUDY.search(text)
                                  and not _TOPIC_QUESTION.search(text)))):
            return True
        # A near-certain vote is not held back by treatment under way or a "writing" frame ("I won't be at the next
        # session, I won't be anywhere"; "I'm writing to you from the bridge"); a question of knowledge still is.
        if (whole and own >= CRISIS_CERTAIN and len(text.split()) >= 3 and not knowing and not explains(text)
                and (distress or not _EFFECT_QUESTION.search(text))):
            return True
        # Over a harmful-intent pattern this also needs danger now or a message that tells rather than asks ("I worked
        # out how many it would take. haven't told anyone"), which `_judge` checks.
        return (whole and own >= self.crisis_confident and len(text.split()) >= 3 and not asking_why
                and not _learner(text) and (distress or not _EFFECT_QUESTION.search(text)))

    def distress(self, message: str, history: Sequence[str] = ()) -> bool:
        """A lower bar than a crisis, for a message the tutor would decline anyway: the writer's own despair,
        weariness of life, a goodbye or being a burden, in the words and (more weakly) in the classifier's vote.

        Earlier turns only add: the vote is the highest of the message alone, its sentences and the message with
        the turns before it, so learning turns before it never lower it.
        """
        text = canonical(message)
        if not _writer_is_subject(text):
            return False
        if explains(text) or _WHY.search(text) or describes_people(text) or _RECOVERED.search(text):
            return False
        words = bool(_DESPAIR.search(text) or _FAREWELL.search(text) or _INTENT_TO_DIE.search(text))
        if not words and self.net_bare > 1:
            return False
        texts = [classifier_text(message)] + ([context_text(message, history)] if history else [])
        texts += [p for p in _SENTENCES.split(text) if len(p.split()) >= 2]
        probs = self.classifier.proba(self.embed(texts))
        # The writer's intent to die ("when i do it i want it over quickly") holds even after "i want to know".
        if (words and not _learner(text) or _INTENT_TO_DIE.search(text)) and (
                (probs[:, 0] >= self.distress_floor) & (probs[:, 0] > probs[:, 1])).any():
            return True
        # Without those words: a crisis vote ahead of every other label on the message itself or with its earlier turns.
        whole = probs[: 2 if history else 1]
        return bool(((whole[:, 0] >= self.net_bare) & (whole[:, 0] >= whole[:, 1:].max(axis=1))).any())

    def on_topic(self, segment: str) -> bool:
        """Whether a leftover part of a message is a question about the material."""
        text = canonical(segment)
        if set(re.findall(r"[a-z]+", text)) & self.topic_terms or _TOPIC.search(text) or _ABOUT_MATERIAL.search(text):
            return True
        p = self.classifier.proba(self.embed([classifier_text(segment)]))[0]
        return p[LABELS.index("legitimate")] > p[LABELS.index("off_topic")]

    def _after_injection(self, message: str, scan: InjectionScan, history: Sequence[str]) -> SafetyDecision:
        # "Ignore the article for a sec, what's your favourite planet?" only changes the subject: with nothing else
        # injected, a harmless question left over is passed on (and declined as out of scope), not refused.
        soft = (all(_SOFT_OVERRIDE.fullmatch(clean(marker)) for marker in scan.markers)
                and not _RULE_WORDS.search(clean(message)))
        candidates = scan.candidates
        if soft and not candidates:
            rest = _SOFT_OVERRIDE_CLAUSE.sub(" ", clean(message)).strip(" -–—,.:;")
            candidates = [rest] if rest else []
        kept: list[str] = []
        harmful: SafetyDecision | None = None
        for segment in candidates:
            if not looks_like_request(segment):
                continue
            verdict = self._judge(segment, history)
            if verdict.kind == "crisis":
                return verdict.model_copy(update={"injection": True})
            if verdict.kind == "safety":
                harmful = harmful or verdict
            elif soft or self.on_topic(segment):
                kept.append(segment)
        if kept:
            return SafetyDecision(kind="ok", category="injection", layer="injection", question=" ".join(kept),
                                  injection=True, matched="; ".join(scan.markers))
        return SafetyDecision(kind="safety", category=harmful.category if harmful else "injection", layer="injection",
                              question=message, injection=True, matched="; ".join(scan.markers))


# ============================================================================ output check

_MARKER = re.compile(r"\s*\[\d+\]")
_QUANTITY = re.compile(
    r"(?:\b\d+(?:[.,]\d+)?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred|half|quarter|"
    r"a|an)\b)(?:\s*(?:-|–|to|or)\s*\d+(?:[.,]\d+)?)?\s*(?:mg/kg|mg|milligrams?|g\b|grams?|gr\b|mcg|µg|micrograms?|ml|"
    r"millilit(?:er|re)s?|cc\b|kg\b|bumps?|lines?|keys?|points?|hits?|rails?|doses?|tablets?|pills?|vials?|drops?|"
    r"sprays?|lozenges?|%|percent)")
_PRICE = re.compile(r"[$£€]\s?\d|\b\d+(?:[.,]\d+)?\s?(?:dollars|bucks|quid|pounds|euros|usd|gbp|eur)\b|\bper gram\b|"
                    r"\b(?:costs?|sells? for|goes for|going rate)\b[^.]{0,30}\d")
_SOURCE = re.compile(r"https?://|\bwww\.|\.onion\b|\b[a-z0-9-]+\.(?:com|net|org|io|to|shop|store|co\.uk|ru|cc)\b|"
                     r"\bdark ?web\b|\bdarknet\b|\btelegram\b|\bwickr\b|\bvendors?\b|\bdealers?\b|\bplugs?\b|"
                     r"\bonline pharmac\w*|\b(?:buy|order|get|source) (?:it|ketamine|some)? ?(?:from|at|online|on)\b|"
                     r"\byou can (?:buy|order|get|find|score) (?:it|ketamine|some)\b")
# Verbs of preparing or taking a drug. Everyday verbs ("take the prefrontal cortex, for example") are left
# out so that a paraphrasing backend is not refused for ordinary prose; amounts are caught as doses anyway.
_PROCEDURE_VERB = (r"(?:dissolve|evaporate|heat|boil|filter|crush|grind|mix|pour|bake|cook|snort|sniff|inject|measure out|"
                   r"weigh out|divide|rack|dilute|extract|purify|recrystalli[sz]e|draw up|rail|boof|plug|smoke|vape|"
                   r"swallow|redose|re-dose|scrape|chop|microwave|distil|distill|neutrali[sz]e|acidify|basify|reflux)")
_PROCEDURE = re.compile(
    r"(?:^|\n)\s*(?:\d+[.)]|step \d+|[-*•])\s*" + _PROCEDURE_VERB + r"\b|"
    r"(?:^|[.!?]\s+|\n)\s*(?:first|then|next|after that|finally|now),?\s+" + _PROCEDURE_VERB + r"\b|"
    r"(?:^|[.!?]\s+|\n)\s*" + _PROCEDURE_VERB + r"\s+(?:the|it|your|a|an|some|about|until|into|with|over)\b|"
    r"\byou (?:should|can|need to|must|want to|will need to) " + _PROCEDURE_VERB + r"\b")


class OutputProblem(BaseModel):
    """Something an answer states that the material does not: a dose, price, source or procedure."""

    kind: Literal["dose", "price", "source", "procedure"]
    text: str


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", normalize(_MARKER.sub("", text)))


@lru_cache(maxsize=8)
def _flat_corpus(texts: tuple[str, ...]) -> str:
    return " ".join(_flat(t) for t in texts)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", normalize(text))


@lru_cache(maxsize=8)
def _protected_runs(protected: tuple[str, ...], corpus_texts: tuple[str, ...], window: int) -> frozenset[str]:
    corpus = " ".join(_tokens(" ".join(corpus_texts)))
    runs = set()
    for secret in protected:
        tokens = _tokens(secret)
        for i in range(max(1, len(tokens) - window + 1)):
            run = " ".join(tokens[i : i + window])
            if len(run) > 20 and run not in corpus:
                runs.add(run)
    return frozenset(runs)


def check_output(answer_text: str, corpus_texts: Iterable[str]) -> list[OutputProblem]:
    """Doses, quantities, prices, sources and procedures in an answer that the material does not contain.

    A sentence quoted from the material passes whole; otherwise each such detail must occur in it.
    """
    corpus = _flat_corpus(tuple(corpus_texts))
    problems: list[OutputProblem] = []
    text = _MARKER.sub("", answer_text)
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        flat = _flat(sentence)
        if not flat or flat in corpus:
            continue
        for kind, pattern in (("dose", _QUANTITY), ("price", _PRICE), ("source", _SOURCE)):
            for m in pattern.finditer(flat):
                found = m.group(0).strip()
                if found not in corpus and not re.fullmatch(r"(?:a|an) (?:dose|doses|line|lines|hit|point)", found):
                    problems.append(OutputProblem(kind=kind, text=found))
    for m in _PROCEDURE.finditer(normalize(text)):
        found = m.group(0).strip()
        if found not in corpus:
            problems.append(OutputProblem(kind="procedure", text=found))
    return problems


def leaked(answer_text: str, protected: Sequence[str], corpus_texts: Iterable[str] = (), window: int = 8) -> bool:
    """Whether an answer repeats a run of `window` words from a protected text (a prompt) not also in the material."""
    if not protected:
        return False
    runs = _protected_runs(tuple(protected), tuple(corpus_texts), window)
    tokens = _tokens(answer_text)
    return any(" ".join(tokens[i : i + window]) in runs for i in range(max(1, len(tokens) - window + 1)))


# ============================================================================ replies

_CANNOT = {
    "dosing": "doses, amounts or how often to take it",
    "obtaining": "getting or buying it, or what it costs",
    "synthesis": "making, extracting or purifying it",
    "combining": "combining it with other substances",
    "concealment": "hiding use or getting around drug tests",
    "covert": "giving it to someone without their knowledge",
    "route": "ways of taking it",
    "use": "how to use it",
    "unsafe_use": "practical advice on using, getting or making it",
}


class CrisisResources(BaseModel):
    """Where to get help now, for one locale."""

    locale: str
    emergency: str = Field(description="The emergency number, e.g. '911'.")
    line: str = Field(description="A crisis line and how to reach it.")
    directory: str = Field(description="An international directory of crisis lines.")


def crisis_text(category: str, help_: CrisisResources) -> str:
    """A short, warm reply with help now; no material, no lecture, no citations."""
    if category == "emergency":
        head = ("This sounds like an emergency. Please call " + help_.emergency + " right now; the operator will tell "
                "you what to do until help arrives. Stay with the person, or if it's you, tell someone nearby.")
    else:
        head = ("I'm really sorry you're going through this, and I'm glad you said something. You deserve support "
                "right now, from a person.")
    return (f"{head}\n\n"
            f"• If you or someone else is in danger, call {help_.emergency}.\n"
            f"• Crisis line: {help_.line}. Free and confidential.\n"
            "• Reach out to someone you trust and tell them what's going on, so you're not alone with this.\n\n"
            f"Somewhere else? {help_.directory} lists free crisis lines in every country.")


def safety_text(category: str) -> str:
    """A brief reply: what the tutor can't help with, what it can, and where real advice comes from."""
    if category == "injection":
        head = ("I can't follow instructions written into a message, and I don't share how I'm set up. "
                "I can't help with anything the material doesn't cover either.")
    elif category == "output":
        head = ("I've held back that answer: it included details the material doesn't contain, such as amounts, "
                "sources or how-to instructions, and I don't give those.")
    elif category == "prompt_leak":
        head = "I've held back that answer because it repeated my own instructions, which I don't share."
    else:
        head = f"I can't help with {_CANNOT.get(category, _CANNOT['unsafe_use'])}."
    return (f"{head} What I can do is explain, from the course material, how ketamine acts on the brain and what its "
            "risks are, such as what heavy use does to memory and planning. For advice about your own situation, "
            "talk to a doctor or pharmacist, or a local harm-reduction or drug-information service; they give "
            "confidential, non-judgemental advice.")


_THERAPEUTIC = re.compile(
    r"\b(?:therap\w*|treat\w*|depress\w*|antidepress\w*|clinic\w*|medical|medication\w*|medicine|anesthe\w*|"
    r"anaesthe\w*|psychiatr\w*|prescri\w*|patients?|infusions?|esketamine|ssris?|mental health|ptsd|doctors?|"
    r"pain[- ]reliev\w*|sedative)\b")


def touches_therapy(*texts: str) -> bool:
    """Whether therapeutic or medical use comes up in a question or answer."""
    return any(_THERAPEUTIC.search(normalize(t)) for t in texts if t)


# ============================================================================ privacy-preserving counters


class SafetyLog:
    """Counts of safety events by day, kind and category in SQLite; message text only if enabled."""

    def __init__(self, path: Path, store_text: bool = False):
        self.path = path
        self.store_text = store_text
        schema = ("CREATE TABLE IF NOT EXISTS safety_counts (day TEXT NOT NULL, kind TEXT NOT NULL, "
                  "category TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, kind, category));")
        if store_text:
            schema += ("CREATE TABLE IF NOT EXISTS safety_messages (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                       "at TEXT NOT NULL, kind TEXT NOT NULL, category TEXT NOT NULL, text TEXT NOT NULL);")
        self._file = SqliteFile(path, schema)

    def record(self, kind: str, category: str, text: str | None = None) -> None:
        """Count one event; keep `text` only when the operator turned message logging on."""
        now = datetime.now(timezone.utc)
        with self._file.transaction() as db:
            db.execute("INSERT INTO safety_counts VALUES (?, ?, ?, 1) ON CONFLICT(day, kind, category) "
                       "DO UPDATE SET n = n + 1", (now.date().isoformat(), kind, category))
            if self.store_text and text is not None:
                db.execute("INSERT INTO safety_messages (at, kind, category, text) VALUES (?, ?, ?, ?)",
                           (now.isoformat(timespec="seconds"), kind, category, text))

    def counts(self) -> dict[str, int]:
        """Totals per 'kind/category' over all days."""
        with self._file.transaction() as db:
            rows = db.execute("SELECT kind, category, SUM(n) FROM safety_counts GROUP BY kind, category").fetchall()
        return {f"{k}/{c}": int(n) for k, c, n in rows}

    def close(self) -> None:
        """Close the database."""
        self._file.close()


# ============================================================================ the guard the Tutor uses

def prompt_texts(dirs: Iterable[Path]) -> list[str]:
    """The text of every prompt file in the given folders (each folder once): replies must never repeat it."""
    unique = dict.fromkeys(Path(d).resolve() for d in dirs)
    return [p.read_text(encoding="utf-8", errors="replace") for d in unique if d.is_dir()
            for p in sorted(d.rglob("*")) if p.is_file() and p.suffix in {".yaml", ".yml", ".txt", ".md", ".j2", ".jinja"}]


def topic_terms(corpus_texts: Iterable[str]) -> set[str]:
    """Distinctive words of the material ("nmda", "bdnf"): a question using one is about it, in any language."""
    words_ = {w for t in corpus_texts for w in re.findall(r"[a-z]{4,}", normalize(t))}
    return {w for w in words_ if zipf_frequency(w, "en") < 3.5}


_AFTER_CRISIS_ASK = re.compile(r"\b(?:how (?:much|many|long|fast|quick)|enough|would (?:that|it|this) (?:do|work|take|be)|"
                               r"what (?:amount|dose))\b")


def _question_of(turn: Any) -> str:
    return turn if isinstance(turn, str) else getattr(turn, "question", "")


class SafetyGuard:
    """Screens messages before retrieval and answers after composition; counts events without text."""

    def __init__(self, screen: Screen, help_: CrisisResources, *, corpus_texts: Iterable[str] = (),
                 disclaimer: str = "", log: SafetyLog | None = None, protected: Sequence[str] = ()):
        self.screen = screen
        self.help = help_
        self.corpus_texts = list(corpus_texts)
        self.disclaimer = disclaimer.strip()
        self.log = log
        self.protected = list(protected)

    @classmethod
    def from_settings(cls, settings: Any, embed: Embed, corpus_texts: Iterable[str]) -> SafetyGuard:
        """Build from Settings: the cached classifier, locale resources, counters in the data directory."""
        corpus_texts = list(corpus_texts)
        classifier = load_classifier(embed, settings.embedding_model, settings.data_dir)
        locale = settings.safety_locale.upper()
        numbers, lines = settings.crisis_emergency_numbers, settings.crisis_lines
        fallback = "INTL" if "INTL" in numbers else next(iter(numbers), "")
        help_ = CrisisResources(locale=locale, emergency=numbers.get(locale, numbers.get(fallback, "your local emergency number")),
                                line=lines.get(locale, lines.get(fallback, settings.crisis_directory)),
                                directory=settings.crisis_directory)
        return cls(Screen(classifier, embed, topic_terms(corpus_texts)), help_, corpus_texts=corpus_texts,
                   disclaimer=settings.safety_disclaimer,
                   log=SafetyLog(settings.data_dir / "safety.sqlite3", settings.safety_log_messages),
                   protected=prompt_texts([BUNDLED_PROMPTS_DIR, settings.prompts_dir]))

    def check_input(self, message: str, history: Sequence[Any] = ()) -> SafetyDecision:
        """Screen one message with the session's earlier turns (Turn objects or strings), counting what fires."""
        decision = self.screen.assess(message, [_question_of(t) for t in history])
        # A harmful request right after a crisis turn ("how much would that take") belongs to the crisis:
        # the writer needs care and help, not a refusal.
        after_crisis = any(getattr(t, "reply_kind", None) == "crisis" for t in history[-2:])
        # So does a follow-up asking an amount or whether it would do ("how much would that take"), whatever the vote.
        asks_amount = (decision.kind == "ok" and is_follow_up(message)
                       and bool(_AFTER_CRISIS_ASK.search(canonical(message))))
        if after_crisis and (decision.kind == "safety" or asks_amount):
            decision = decision.model_copy(update={"kind": "crisis", "category": "crisis", "layer": "escalation"})
        if decision.kind != "ok":
            self._record(decision.kind, decision.category, message)
        elif decision.injection:
            self._record("injection", "stripped", message)
        return decision

    def check_decline(self, message: str, history: Sequence[Any] = ()) -> SafetyDecision | None:
        """The safety net under a decline: a crisis decision for a message about to be declined as off-topic or not
        in the material that carries the writer's distress (`Screen.distress`), else None; counted when it fires."""
        if not self.screen.distress(message, [_question_of(t) for t in history]):
            return None
        self._record("crisis", "distress", message)
        return SafetyDecision(kind="crisis", category="distress", layer="net", question=message)

    def consult(self, model_screen: Callable[[str, list[str]], str | None], decision: SafetyDecision,
                history: Sequence[Any] = ()) -> SafetyDecision:
        """A model's second opinion on a message the screen passed (TUTOR_SAFETY_MODEL_CHECK): its label ("crisis"
        or "safety") may add a refusal, never lift one; counted under the category "model" when it does."""
        if decision.kind != "ok":
            return decision
        label = model_screen(decision.question, [_question_of(t) for t in history])
        if label not in ("crisis", "safety"):
            return decision
        self._record(label, "model", decision.question)
        return decision.model_copy(update={"kind": label, "category": "model", "layer": "model"})

    def names_topic(self, message: str) -> bool:
        """Whether a message names the drug, by any of its street names ("what is a k-hole?" is on topic)."""
        return mentions_drug(canonical(message))

    def reply(self, decision: SafetyDecision, session_id: str, message: str) -> TutorReply:
        """The crisis or safety reply for a blocked message: no citations, no material."""
        assert decision.kind in ("safety", "crisis")
        text = crisis_text(decision.category, self.help) if decision.kind == "crisis" else safety_text(decision.category)
        return TutorReply(kind=decision.kind, answer=text, citations=[], session_id=session_id, question=message,
                          standalone_question="", suggestions=[], grounding=[], backend="safety")

    def output_ok(self, text: str) -> bool:
        """Whether answer text may be shown: no unsupported dose/price/source/procedure, no prompt text."""
        return not check_output(text, self.corpus_texts) and not leaked(text, self.protected, self.corpus_texts)

    def screen_stream(self, pieces: Iterable[Any]) -> Iterator[Any]:
        """Pass streamed answer text through while it stays acceptable; hold back the rest. Non-text passes."""
        shown, blocked = "", False
        for piece in pieces:
            if not isinstance(piece, str):
                yield piece
            elif not blocked:
                if self.output_ok(shown + piece):
                    shown += piece
                    yield piece
                else:
                    blocked = True

    def finish(self, reply: TutorReply, decision: SafetyDecision | None = None) -> TutorReply:
        """The output check and notices for a composed reply; replaces an unacceptable answer."""
        if leaked(reply.answer, self.protected, self.corpus_texts):
            self._record("safety", "prompt_leak", None)
            return self._replace(reply, "prompt_leak")
        if reply.kind == "answer" and check_output(reply.answer, self.corpus_texts):
            self._record("safety", "output", None)
            return self._replace(reply, "output")
        notes = []
        if decision is not None and decision.injection:
            notes.append("Instructions inside your message were ignored; I answered only the question in it.")
        if reply.kind == "answer" and self.disclaimer and touches_therapy(reply.question, reply.answer):
            notes.append(self.disclaimer)
        return reply.model_copy(update={"notice": " ".join(notes)}) if notes else reply

    def _replace(self, reply: TutorReply, category: str) -> TutorReply:
        return reply.model_copy(update={"kind": "safety", "answer": safety_text(category), "citations": [],
                                        "grounding": [], "suggestions": [], "notice": None})

    def _record(self, kind: str, category: str, text: str | None) -> None:
        if self.log is not None:
            self.log.record(kind, category, text)

    def close(self) -> None:
        """Close the counters database."""
        if self.log is not None:
            self.log.close()
