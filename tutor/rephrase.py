"""Follow-ups that ask for the last answer again, more simply or by example, answered from the material alone.

An extractive tutor cannot reword, but the material often explains its own terms ("synapses (connections between
neurons)", "… an antagonist. This means it temporarily blocks the receptor") and offers images ("like a fertilizer
for brain cells") and examples ("such as problems with recalling past events"). "Explain that more simply" quotes
those for the terms of the sentences just quoted; "give me an example" quotes the examples near them, or says the
material gives none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from tutor.answerability import defined_in
from tutor.lessons import section_sentences, sentence_citation
from tutor.quiz import terms_in
from tutor.suggestions import defined_terms
from tutor.text import content_stems
from tutor.types import Chunk, Citation, Sentence

_ENDING = r"(?:\s+(?:please|pls|for me|again))?\s*[.!?]*\s*$"
_IT = r"(?:that|it|this|the (?:answer|last (?:one|answer|bit)))"
SIMPLER = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|sorry|hmm+|um+|so|but|wait)[,.!]?\s+)*(?:"
    rf"(?:(?:can|could|would) you\s+|please\s+)?(?:explain|say|put|describe|rephrase|word)\s+{_IT}\s+"
    r"(?:again\s*)?(?:,?\s*(?:but|and)\s+)?(?:(?:make it|in a)\s+)?"
    r"(?:(?:more\s+)?(?:simply|plainly|clearly)|simpler(?: way)?|easier"
    r"|in (?:simpler|simple|plain|plainer|easier|everyday|normal|layman'?s?|"
    r"other|different) (?:words|terms|english|language)|(?:in )?another way|differently|like i'?m (?:\d+|five|a kid|a child))"
    rf"|(?:(?:can|could|would) you\s+)?(?:simplify|rephrase|reword|break down|dumb down)\s+{_IT}"
    rf"|(?:(?:can|could|would) you\s+)?(?:make|break|dumb)\s+{_IT}\s+(?:simpler|easier|clearer|down)"
    r"|(?:that'?s|it'?s|this is) (?:too )?(?:complicated|confusing|too technical|over my head)"
    r"|i (?:still )?(?:don'?t|do not|didn'?t|did not) (?:understand|get)(?: (?:that|it|this|what you mean))?"
    r"|huh+|what(?=\s*\?)|pardon(?: me)?|sorry(?=\s*\?)|what do you mean"
    r"|(?:i'?m )?(?:still )?(?:confused|lost) by (?:that|this|it)"
    r"|eli5|in (?:simpler|plain|plainer|simple) (?:words|terms|english)|simpler|more simply"
    rf"|what does that mean in (?:plain|simple|normal) (?:words|terms|english)){_ENDING}",
    re.I)
EXAMPLE = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|and|but)[,.!]?\s+)*(?:"
    r"(?:(?:can|could) you\s+)?(?:give|show) (?:me\s+)?(?:an?|some|one) (?:example|illustration|analogy)s?"
    rf"(?: of {_IT})?|(?:is there|are there|got) (?:an?|any) (?:examples?|analog(?:y|ies))(?: of {_IT})?"
    rf"|what(?:'s| is| would be| could be) (?:an?|one) (?:example|analogy)(?: of {_IT})?"
    rf"|(?:for )?(?:example|e\.?g\.?)|like what|such as|an example){_ENDING}",
    re.I)
# Where the material offers an image or an example of what a sentence says.
_IMAGE = re.compile(r"\b(?:like an?|comparable to|similar to|as if|as though|think of it as|compared to an?)\b", re.I)
_EXAMPLES = re.compile(r"\b(?:such as|for example|for instance|e\.g\.|including)\b|,\s+like\b|\b\w+s like (?:the )?\w",
                       re.I)

# "Tell me more", "go on": what the material says next, after the sentences just quoted. ("What happens after
# that?" asks about the process, not the page: retrieval answers it.)
MORE = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|and|so|cool|great|nice|interesting|right|i see|got it|hmm+)[,.!]?\s+)*(?:"
    rf"(?:(?:can|could) you\s+|please\s+)?(?:(?:tell me|say) more(?: (?:about|on) {_IT})?|go on|keep going|continue|"
    rf"elaborate(?: on {_IT})?|expand on {_IT})|more(?: (?:about|on) {_IT})?|what else|anything else)" + _ENDING, re.I)

MAX_GLOSSES = 3
MAX_GLOSSARY = 24
"""At most this many sentences in the list of key terms ("what are the key terms?")."""
MAX_CONTINUED = 3


class Quote(BaseModel):
    """A sentence of the material to quote, and the term or role it is quoted for."""

    chunk: Chunk
    sentence: Sentence
    label: str = ""


def asks_simpler(message: str) -> bool:
    """Whether the message asks for the last answer again in plainer words."""
    return bool(SIMPLER.match(message))


def asks_more(message: str) -> bool:
    """Whether the message asks what comes after the last answer ("tell me more", "go on")."""
    return bool(MORE.match(message))


def asks_example(message: str) -> bool:
    """Whether the message asks for an example of what was just said."""
    return bool(EXAMPLE.match(message))


def _sentences(chunks: Sequence[Chunk]) -> list[tuple[Chunk, Sentence]]:
    return [pair for _, _, pairs in section_sentences(chunks) for pair in pairs]


def _terms(text: str) -> list[str]:
    found = [t for _, _, t in terms_in(text)] + defined_terms(text)
    # A capital that only starts the sentence is not part of the term ("Excitotoxicity occurs …").
    return [t if t.isupper() or " " in t else t.lower() for t in found]


def glosses(cited: Sequence[tuple[Chunk, Sentence]], chunks: Sequence[Chunk],
            limit: int = MAX_GLOSSES) -> list[Quote]:
    """The material's own explanations of the terms in the cited sentences, and its images for them."""
    everything = _sentences(chunks)
    texts = [s.text for _, s in everything]
    out: list[Quote] = []
    for term in dict.fromkeys(t for _, s in cited for t in _terms(s.text)):
        if len(out) >= limit:
            break
        for i, (chunk, sentence) in enumerate(everything):
            window = texts[i:i + 2] if i + 1 < len(texts) and everything[i + 1][0].source == chunk.source else texts[i:i + 1]
            if not defined_in(term, window) or defined_in(term, window[1:]):
                continue
            # The term is explained in this sentence or by the next one ("known as dissociation. This is …").
            quotes = [(chunk, sentence)] if defined_in(term, window[:1]) else everything[i:i + 2]
            out.extend(Quote(chunk=c, sentence=s, label=term) for c, s in quotes
                       if all(q.sentence.start != s.start or q.chunk.source != c.source for q in out))
            break
    sections = {(c.source, c.section) for c, _ in cited}
    taken = {(q.chunk.source, q.sentence.start) for q in out}
    images = [(c, s) for c, s in everything if (c.source, c.section) in sections and _IMAGE.search(s.text)
              and (c.source, s.start) not in taken]
    out.extend(Quote(chunk=c, sentence=s, label="image") for c, s in images[:1])
    return out


def examples(cited: Sequence[tuple[Chunk, Sentence]], chunks: Sequence[Chunk]) -> list[Quote]:
    """Sentences near the cited ones (same section) that give examples, those sharing their words first."""
    sections = {(c.source, c.section) for c, _ in cited}
    topic = {w for _, s in cited for w in content_stems(s.text)}
    found = [(c, s) for c, s in _sentences(chunks) if (c.source, c.section) in sections
             and (_EXAMPLES.search(s.text) or _IMAGE.search(s.text))]
    first = (cited[0][0].source, cited[0][0].section) if cited else None
    # An example shares a word with what was quoted, or sits in the section the answer starts from.
    found = [(c, s) for c, s in found if topic & set(content_stems(s.text)) or (c.source, c.section) == first]
    found.sort(key=lambda pair: -len(topic & set(content_stems(pair[1].text))))
    return [Quote(chunk=c, sentence=s, label="example") for c, s in found[:2]]


def cited_sentences(spans: Sequence[tuple[str, int]], chunks: Sequence[Chunk]) -> list[tuple[Chunk, Sentence]]:
    """The (chunk, sentence) pairs of cited (source, start) spans, in the order they were cited."""
    index = {(c.source, s.start): (c, s) for c, s in _sentences(chunks)}
    return [index[(source, start)] for source, start in spans if (source, start) in index]


def compose(message: str, cited: Sequence[tuple[Chunk, Sentence]], chunks: Sequence[Chunk]) -> tuple[str, list[Citation]]:
    """The reply to a request for plainer words or an example: quotes of the material, cited; "" if it has none."""
    quotes = glosses(cited, chunks) if asks_simpler(message) else examples(cited, chunks)
    if not quotes:
        return "", []
    lead = ("In plainer words — here is how the material itself explains what I just quoted:" if asks_simpler(message)
            else "The material’s examples near what I just quoted:")
    return quoted_list(lead, quotes)


def glossary(chunks: Sequence[Chunk]) -> tuple[str, list[Citation]]:
    """The key terms of the whole material, each with the sentences that explain it, cited."""
    quotes = [q for q in glosses(_sentences(chunks), chunks, limit=MAX_GLOSSARY) if q.label != "image"]
    for i, q in enumerate(quotes):  # each term as the material writes it ("SSRIs", not the matcher's "ssris")
        written = re.search(rf"(?<![\w-]){re.escape(q.label)}(?![\w-])", q.sentence.text, re.I)
        if written and written.start() and written.group(0).lower() != written.group(0) and q.label.islower():
            quotes[i] = q.model_copy(update={"label": written.group(0)})
    return quoted_list("The key terms, as the material itself explains them:", quotes) if quotes else ("", [])


def quoted_list(lead: str, quotes: Sequence[Quote]) -> tuple[str, list[Citation]]:
    """Quotes as a cited list under `lead`: a term's explanation on one line, an image or example on its own."""
    citations = [sentence_citation(q.chunk, q.sentence, marker=i + 1) for i, q in enumerate(quotes)]
    lines: list[str] = []
    for i, q in enumerate(quotes):
        mark = f"{q.sentence.text} [{i + 1}]"
        if i and quotes[i - 1].label == q.label and q.label not in ("image", "example"):
            lines[-1] += " " + mark  # the second sentence of the same explanation
        elif q.label == "image":
            lines.append(f"• An image it uses: {mark}")
        elif q.label == "example":
            lines.append(f"• {mark}")
        else:
            lines.append(f"• {q.label}: {mark}")
    return lead + "\n\n" + "\n".join(lines), citations


def continuation(cited: Sequence[tuple[Chunk, Sentence]], chunks: Sequence[Chunk]) -> tuple[str, list[Citation]]:
    """What the material says next after the quoted sentences, cited ("" at the material's end).

    It goes on from the last quoted sentence of the section the answer starts in, skipping what was quoted; when
    that section has no more, it opens the next section."""
    if not cited:
        return "", []
    shown = {(c.source, s.start) for c, s in cited}
    sections = section_sentences(chunks)
    first = (cited[0][0].source, cited[0][0].section)
    at = next(i for i, (source, section, _) in enumerate(sections) if (source, section) == first)
    pairs = sections[at][2]
    last = max(i for i, (c, s) in enumerate(pairs) if (c.source, s.start) in shown)
    following = pairs[last + 1:last + 1 + MAX_CONTINUED]
    title = sections[at][1]
    if not following and at + 1 < len(sections):
        title = sections[at + 1][1]
        following = [(c, s) for c, s in sections[at + 1][2] if (c.source, s.start) not in shown][:MAX_CONTINUED]
    if not following:
        return "", []
    citations = [sentence_citation(c, s, marker=i + 1) for i, (c, s) in enumerate(following)]
    body = " ".join(f"{s.text} [{i + 1}]" for i, (_, s) in enumerate(following))
    return f"The material goes on, in “{title}”:\n\n{body}", citations
