"""Word-level text helpers shared by retrieval, grounding and safety: tokens, stems, stopwords."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

import snowballstemmer
from wordfreq import zipf_frequency

STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
    here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
    let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out
    over own same shan't she she'd she'll she's should shouldn't so some such than that that's the their
    theirs them themselves then there there's these they they'd they'll they're they've this those through
    to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's
    where where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're
    you've your yours yourself yourselves also just really please tell explain describe me us can could
    would will shall may might must okay ok hi hello hey thanks thank yes yeah anything something thing
    things kind sort way much many lot lots get gets got like""".split()
)

# Words that ask rather than inform; they carry no content to look up.
QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how does do did is are was were can could should would "
    "happen happens happened mean means meant work works role exactly actually "
    # chat spellings ("wats glutamate"): as content they steered the choice of quotes
    "whats wats wat wut hows whys wheres whos whens".split()
)

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_stemmer = snowballstemmer.stemmer("english")


def normalize(text: str) -> str:
    """Lower-case, fold accents and typographic quotes and dashes, collapse whitespace."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[‐‑‒–—−]", " - ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def words(text: str) -> list[str]:
    """Lower-case word tokens (apostrophes kept inside words)."""
    return [w.replace("’", "'") for w in _WORD.findall(normalize(text))]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of one lower-case word, possessive dropped."""
    if word.endswith("'s"):
        word = word[:-2]
    return _stemmer.stemWord(word)


def content_words(text: str) -> list[str]:
    """Words that carry content: no stopwords, no question words, no single letters."""
    return [w for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS and len(w) > 1]


def content_stems(text: str) -> list[str]:
    """Stems of the content words of a text, in order."""
    return [stem(w) for w in content_words(text)]


LANGUAGES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese", "it": "Italian",
             "nl": "Dutch"}
"""The languages `language_of` tells apart (wordfreq codes and their names)."""


def language_of(text: str, min_votes: int = 2) -> str | None:
    """The code of the language most of the text's words belong to, or None when too few words tell.

    A word votes for the language it is clearly most frequent in (wordfreq); words common to several ("la", "en",
    "was") and names ("ketamina") do not vote."""
    votes: Counter[str] = Counter()
    for word in re.findall(r"[^\W\d_]{2,}", text.lower()):
        (best, code), (second, _) = sorted(((zipf_frequency(word, c), c) for c in LANGUAGES), reverse=True)[:2]
        if best >= 3.0 and best - second >= 0.5:
            votes[code] += 1
    if not votes:
        return None
    code, count = votes.most_common(1)[0]
    return code if count >= min_votes and count >= 0.6 * sum(votes.values()) else None
