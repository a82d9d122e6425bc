"""Follow-up questions drawn from the material itself: terms it defines and sections it covers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from tutor.text import normalize
from tutor.types import Chunk

_TERM = r"([A-Za-z][A-Za-z-]+(?: [A-Za-z][A-Za-z-]+){0,3})"
# Ways an expository text introduces a term it then explains.
_DEFINITIONS = [
    re.compile(r"\b[A-Z][A-Za-z-]+(?: [A-Z][A-Za-z-]+)* \(([A-Z][A-Za-z0-9]{1,9})\)"),  # Long Name (ACRONYM)
    re.compile(r"\b(?:known as|called|termed|referred to as) (?:a |an |the )?(?:state of )?" + r"([a-z][a-z-]+)"),
    re.compile(r"\b([a-z][a-z-]+), the brain[’']s [a-z]+"),  # appositive definition
    re.compile(r"(?:^|\. )([A-Z][a-z-]+) (?:occurs|refers|is defined|means) "),
    re.compile(r"\b([a-z]+(?: [a-z]+)?)\s?—the\b"),  # term—the explanation
    re.compile(r"\b([a-z]+) \((?:[a-z]+ ){1,5}[a-z]+\)"),  # term (plain-words gloss)
]
_SKIP = {"this", "that", "which", "these", "such", "it", "one"}


class Suggestion(BaseModel):
    """A question the material can answer, and the chunk it comes from."""

    question: str
    chunk_id: str
    section: str


def defined_terms(text: str) -> list[str]:
    """Terms a passage introduces and explains, in order of appearance."""
    found: list[tuple[int, str]] = []
    for pattern in _DEFINITIONS:
        for m in pattern.finditer(text):
            term = m.group(1).strip()
            if term.lower() in _SKIP or len(term) <= 2 or term.endswith("ed"):
                continue
            found.append((m.start(1), term if term.isupper() else term[0].lower() + term[1:]))
    seen, terms = set(), []
    for _, term in sorted(found):
        if term.lower() not in seen:
            seen.add(term.lower())
            terms.append(term)
    return terms


def _what_is(term: str) -> str:
    plural = term.endswith("s") and not term.endswith(("ss", "sis", "us")) and not term.isupper()
    return f"What {'are' if plural else 'is'} {term}?"


def suggestion_pool(chunks: Sequence[Chunk]) -> list[Suggestion]:
    """Every suggestion the material supports, in document order: its defined terms, then sections."""
    pool: list[Suggestion] = []
    seen: set[str] = set()
    for chunk in chunks:
        for term in defined_terms(chunk.text):
            key = normalize(term)
            if key not in seen:
                seen.add(key)
                pool.append(Suggestion(question=_what_is(term), chunk_id=chunk.chunk_id, section=chunk.section))
    return pool


def pick_suggestions(pool: Sequence[Suggestion], chunks: Sequence[Chunk], cited: Sequence[str],
                     asked: Sequence[str], n: int = 3) -> list[str]:
    """Up to n follow-ups: terms from what was just cited first, then from the passages after it."""
    asked_norm = " ".join(normalize(a) for a in asked)
    order = {c.chunk_id: i for i, c in enumerate(chunks)}
    anchor = min((order[c] for c in cited if c in order), default=-1)
    cited_set = set(cited)

    def rank(s: Suggestion) -> tuple[int, int]:
        pos = order.get(s.chunk_id, 0)
        if s.chunk_id in cited_set:
            return (0, pos)
        return (1, pos - anchor if pos > anchor else len(order) + pos)  # what comes next in the text

    picked = []
    for s in sorted(pool, key=rank):
        term = normalize(s.question.split(" ", 2)[2].rstrip("?"))
        if term in asked_norm:
            continue
        picked.append(s.question)
        if len(picked) == n:
            break
    return picked
