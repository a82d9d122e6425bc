"""Citation integrity: every marker is backed, every citation used, every span really in the source."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tutor.types import Citation, TutorReply

MARKER = re.compile(r"\[(\d+)\]")


def markers_in(answer: str) -> set[int]:
    """The marker numbers used in an answer text."""
    return {int(m) for m in MARKER.findall(answer)}


def citation_problems(reply: TutorReply, sources: Mapping[str, str]) -> list[str]:
    """Everything wrong with a reply's citations; an empty list means they are sound.

    `sources` maps a document's relative path to its full text (as read from `corpus/`).
    """
    problems = []
    used = markers_in(reply.answer)
    cited = {c.marker for c in reply.citations}
    if len(cited) != len(reply.citations):
        problems.append("duplicate citation markers")
    for marker in sorted(used - cited):
        problems.append(f"marker [{marker}] has no citation")
    for marker in sorted(cited - used):
        problems.append(f"citation [{marker}] is never referenced")
    for c in reply.citations:
        problems.extend(span_problems(c, sources))
    return problems


def span_problems(citation: Citation, sources: Mapping[str, str]) -> list[str]:
    """Problems with one citation's span: unknown source, bad offsets, or text that differs."""
    text = sources.get(citation.source)
    if text is None:
        return [f"[{citation.marker}] cites unknown source {citation.source!r}"]
    if not 0 <= citation.start < citation.end <= len(text):
        return [f"[{citation.marker}] has offsets outside the source"]
    if text[citation.start : citation.end] != citation.text:
        return [f"[{citation.marker}] text differs from {citation.source}[{citation.start}:{citation.end}]"]
    return []
