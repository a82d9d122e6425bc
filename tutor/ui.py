"""Gradio web app: a thin adapter over `Tutor.stream`; every [n] opens the exact cited span.

The helpers at the top are pure (text in, HTML out) and escape everything that comes from the corpus
or the learner; `build_app` wires them to Gradio, which is imported only when the app is built.
"""

import html
import inspect
import logging
import re
import secrets
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.errors import InvalidQuestion, TutorError
from tutor.feedback import FeedbackStore
from tutor.types import Citation, Document, Section, TutorReply

if TYPE_CHECKING:
    import gradio as gr

    from tutor.service import Tutor

log = logging.getLogger(__name__)

KIND_LABELS = {
    "answer": "",
    "not_in_material": "Not in the material",
    "out_of_scope": "Outside the material",
    "safety": "Safety note",
    "crisis": "If you are in crisis",
    "error": "Something went wrong",
}
_MARKERS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
# A marker with the word before it, so a chip never starts a line on its own.
_WORD_MARKERS = re.compile(r"([^\s<>]*)[ \t]?((?:\[\d+(?:\s*,\s*\d+)*\])+)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SESSION_STORAGE_KEY = "tutor-session"


def esc(text: object) -> str:
    """Text made safe to place in HTML content or a quoted attribute."""
    return html.escape(str(text), quote=True)


def _text_html(text: str) -> str:
    """Escaped plain text as paragraphs (blank lines) with line breaks (single newlines)."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    return "".join(f"<p>{esc(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


# -- citations ---------------------------------------------------------------------------------------

def chip_html(ref: str, citation: Citation) -> str:
    """A keyboard-focusable chip that opens citation `[marker]` of reply `ref` in the side panel."""
    tip = f"Show passage {citation.marker}: {citation.section} ({citation.source})"
    return (f'<button type="button" class="cite-chip" value="{esc(f"{ref}:{citation.marker}")}" title="{esc(tip)}">'
            f'<span class="sr-only">passage </span>{citation.marker}</button>')


def answer_html(answer: str, citations: Sequence[Citation], ref: str) -> str:
    """The answer as escaped paragraphs with each known [n] marker turned into a chip; unknown markers stay text."""
    by_marker = {c.marker: c for c in citations}

    def chips(match: re.Match) -> str:
        numbers = [int(n) for n in re.split(r"\s*,\s*", match.group(1))]
        if not all(n in by_marker for n in numbers):
            return match.group(0)
        return "".join(chip_html(ref, by_marker[n]) for n in numbers)

    def anchored(match: re.Match) -> str:
        markers = _MARKERS.sub(chips, match.group(2))
        if markers == match.group(2):
            return match.group(0)
        return f'<span class="cite-anchor">{match.group(1)}{markers}</span>'

    # Escaping leaves "[", "]", digits and commas alone, so markers can be found in the escaped text.
    return _WORD_MARKERS.sub(anchored, _text_html(answer))


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the paragraph (blank-line separated block) holding text[start:end], trimmed."""
    head = max((m.end() for m in _PARAGRAPH_BREAK.finditer(text, 0, start)), default=0)
    tail = _PARAGRAPH_BREAK.search(text, end)
    stop = tail.start() if tail else len(text)
    while head < start and text[head].isspace():
        head += 1
    while stop > end and text[stop - 1].isspace():
        stop -= 1
    return head, stop


def citation_html(citation: Citation, source_text: str | None, document_title: str = "",
                  siblings: Sequence[Citation] = (), ref: str = "") -> str:
    """The side-panel card: section, source, and the cited span highlighted inside its paragraph."""
    exact = source_text is not None and source_text[citation.start:citation.end] == citation.text
    if exact:
        head, stop = paragraph_bounds(source_text, citation.start, citation.end)
        body = (f"{esc(source_text[head:citation.start])}<mark class=\"cite-span\">{esc(citation.text)}</mark>"
                f"{esc(source_text[citation.end:stop])}")
    else:  # the corpus changed since the answer was given: show what was quoted, and say so
        body = f'<mark class="cite-span">{esc(citation.text)}</mark>'
    title = f"{esc(document_title)} · " if document_title else ""
    parts = [
        '<article class="cite-card">',
        f'<p class="cite-label">Passage {citation.marker}</p>',
        f'<h3 class="cite-section">{esc(citation.section)}</h3>',
        f'<p class="cite-source">{title}<code>{esc(citation.source)}</code>, '
        f"characters {citation.start}–{citation.end}</p>",
        f'<blockquote class="cite-paragraph">{body}</blockquote>',
    ]
    if not exact:
        parts.append('<p class="cite-warning">The source has changed since this answer; '
                     "this is the text it quoted.</p>")
    others = [c for c in siblings if c.marker != citation.marker]
    if others and ref:
        parts.append('<p class="cite-others">Other passages in this answer: '
                     + "".join(chip_html(ref, c) for c in others) + "</p>")
    parts.append("</article>")
    return "".join(parts)


@dataclass(frozen=True)
class Highlight:
    """A cited span to mark in the whole-source view."""

    start: int
    end: int
    label: str
    focus: bool = False


def _marked(text: str, start: int, end: int, highlights: Sequence[Highlight]) -> str:
    """Escaped text[start:end] with every highlight inside it wrapped in <mark>."""
    cuts = {start, end}
    for h in highlights:
        if h.end > start and h.start < end:
            cuts.update((max(h.start, start), min(h.end, end)))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        covering = [h for h in highlights if h.start <= a and h.end >= b]
        piece = esc(text[a:b])
        if covering:
            cls = "cited focus" if any(h.focus for h in covering) else "cited"
            label = "; ".join(dict.fromkeys(h.label for h in covering))
            piece = f'<mark class="{cls}" title="{esc(label)}">{piece}</mark>'
        out.append(piece)
    return "".join(out)


def source_html(document: Document, highlights: Sequence[Highlight] = ()) -> str:
    """The whole document, section by section, with every cited span highlighted."""
    text = document.text
    parts = [f'<div class="source-view"><h3>{esc(document.title)} <code>{esc(document.source)}</code></h3>']
    if highlights:
        parts.append(f'<p class="source-hint">{len({(h.start, h.end) for h in highlights})} passage(s) cited in '
                     "this conversation are highlighted.</p>")
    sections = document.sections or [Section(title="", start=0, end=len(text))]
    for i, section in enumerate(sections):
        if section.title and not (i == 0 and section.title == "Introduction"):
            parts.append(f"<h4>{esc(section.title)}</h4>")
        cursor = section.start
        for m in [*_PARAGRAPH_BREAK.finditer(text, section.start, section.end), None]:
            stop = m.start() if m else section.end
            if text[cursor:stop].strip():
                head, tail = cursor, stop
                while text[head].isspace():
                    head += 1
                while text[tail - 1].isspace():
                    tail -= 1
                parts.append(f"<p>{_marked(text, head, tail, highlights)}</p>")
            cursor = m.end() if m else stop
    parts.append("</div>")
    return "".join(parts)


# -- replies -------------------------------------------------------------------------------------------

def user_html(text: str) -> str:
    """A learner's message, escaped."""
    return f'<div class="user-message">{_text_html(text)}</div>'


def streaming_html(text: str) -> str:
    """The part of an answer received so far."""
    return (f'<div class="tutor-reply kind-answer streaming">{_text_html(text)}'
            '<p class="typing">Answering…</p></div>')


def error_html(message: str) -> str:
    """A friendly failure message in the chat."""
    return (f'<div class="tutor-reply kind-error" role="alert"><p class="kind-badge">{KIND_LABELS["error"]}</p>'
            f"<p>{esc(message)}</p></div>")


def ask_chip(question: str) -> str:
    """A button that asks `question` when pressed."""
    return f'<button type="button" class="ask-chip" value="{esc(question)}">{esc(question)}</button>'


def _resources_html(reply: TutorReply) -> str:
    items = getattr(reply, "resources", None) or []
    rows = []
    for item in items:
        if isinstance(item, dict):
            rows.append(" — ".join(esc(v) for v in item.values() if v))
        elif hasattr(item, "model_dump"):  # a pydantic model
            rows.append(" — ".join(esc(v) for v in item.model_dump().values() if v))
        else:
            rows.append(esc(item))
    body = f'<p class="notice">{esc(reply.notice)}</p>' if reply.notice else ""
    if rows:
        body += "<ul>" + "".join(f"<li>{r}</li>" for r in rows) + "</ul>"
    return body


def reply_html(reply: TutorReply, ref: str, topics: Sequence[str] = (), details: bool = False) -> str:
    """An assistant message: styled by kind, chips for citations, follow-ups to press, optional provenance."""
    kind = reply.kind
    role = ' role="alert"' if kind == "crisis" else (' role="note"' if kind == "safety" else "")
    parts = [f'<div class="tutor-reply kind-{esc(kind)}"{role}>']
    if KIND_LABELS.get(kind):
        parts.append(f'<p class="kind-badge">{esc(KIND_LABELS[kind])}</p>')
    resources = _resources_html(reply)
    if kind in ("safety", "crisis") and resources:
        parts.append(f'<div class="resources">{resources}</div>')  # first, where it cannot be missed
    parts.append(f'<div class="reply-body">{answer_html(reply.answer, reply.citations, ref)}</div>')
    if kind not in ("safety", "crisis") and reply.notice:
        parts.append(f'<p class="notice">{esc(reply.notice)}</p>')
    if kind in ("not_in_material", "out_of_scope") and topics:
        parts.append('<div class="covers"><p>What the material covers — press one to start:</p>'
                     + "".join(ask_chip(t) for t in topics) + "</div>")
    if reply.suggestions:
        lead = "Choose:" if reply.backend == "tutoring" else "You could ask next:"  # quiz options, hints
        parts.append(f'<div class="followups"><p>{lead}</p>'
                     + "".join(ask_chip(s) for s in reply.suggestions) + "</div>")
    if details:
        parts.append(details_html(reply))
    parts.append("</div>")
    return "".join(parts)


def details_html(reply: TutorReply) -> str:
    """How an answer was found: what was searched, the backend, and the support for each sentence."""
    rows = "".join(
        f"<li><span class=\"verdict verdict-{esc(g.verdict)}\">{esc(g.verdict)}</span> "
        f"{esc(f'{g.score:.2f}')} {esc(g.sentence)}"
        + (f" {esc(', '.join(f'[{m}]' for m in g.citations))}" if g.citations else "") + "</li>"
        for g in reply.grounding
    )
    return ('<details class="provenance"><summary>How this answer was found</summary>'
            f"<p>Searched for: <q>{esc(reply.standalone_question or reply.question)}</q> · backend "
            f"<code>{esc(reply.backend)}</code></p>" + (f"<ul>{rows}</ul>" if rows else "") + "</details>")


def history_reply_html(kind: str, answer: str) -> str:
    """A reply from a session recorded elsewhere (e.g. the terminal chat): text only, no chips."""
    label = KIND_LABELS.get(kind, "")
    badge = f'<p class="kind-badge">{esc(label)}</p>' if label else ""
    return f'<div class="tutor-reply kind-{esc(kind)}">{badge}{_text_html(answer)}</div>'


# -- what the page shows, as plain data -------------------------------------------------------------------

def entry_html(entry: dict, topics: Sequence[str] = (), details: bool = False) -> str:
    """One chat message from its transcript entry (see `build_app`)."""
    if entry["role"] == "user":
        return user_html(entry["text"])
    if "reply" in entry:
        return reply_html(TutorReply.model_validate(entry["reply"]), entry["key"], topics, details)
    if "streaming" in entry:
        return streaming_html(entry["streaming"])
    if "error" in entry:
        return error_html(entry["error"])
    return history_reply_html(entry.get("kind", "answer"), entry.get("text", ""))


def chat_messages(entries: Sequence[dict], topics: Sequence[str] = (), details: bool = False) -> list[dict]:
    """The transcript as Gradio messages (role + HTML content)."""
    return [{"role": e["role"], "content": entry_html(e, topics, details)} for e in entries]


def find_citation(entries: Sequence[dict], ref: str) -> tuple[TutorReply, Citation, str] | None:
    """The reply and citation a chip value `key:marker` points at, among this page's replies only."""
    key, _, marker = str(ref).rpartition(":")
    if not key or not marker.isdigit():
        return None
    for entry in entries:
        if entry.get("key") == key and "reply" in entry:
            reply = TutorReply.model_validate(entry["reply"])
            for c in reply.citations:
                if c.marker == int(marker):
                    return reply, c, key
    return None


def conversation_highlights(entries: Sequence[dict],
                            focus: tuple[str, int] | None = None) -> dict[str, list[Highlight]]:
    """Every span cited in the conversation, by source; `focus` (key, marker) marks the one being shown."""
    out: dict[str, list[Highlight]] = {}
    answer_no = 0
    for entry in entries:
        if "reply" not in entry:
            continue
        answer_no += 1
        for c in TutorReply.model_validate(entry["reply"]).citations:
            out.setdefault(c.source, []).append(Highlight(
                c.start, c.end, f"[{c.marker}] in answer {answer_no}",
                focus=focus == (entry["key"], c.marker)))
    return out


def starter_questions(tutor: "Tutor") -> list[tuple[str, list[str]]]:
    """(section title, questions) for every section: an overview question, then the suggestion pool's."""
    pool: dict[str, list[str]] = {}
    for s in tutor.suggestion_pool:
        pool.setdefault(s.section, []).append(s.question)
    groups = []
    for doc in tutor.corpus.documents:
        for section in doc.sections:
            title = section.title
            overview = f"Tell me about {doc.title.lower()}" if title == "Introduction" else f"Tell me about: {title}"
            questions = list(dict.fromkeys([overview, *pool.pop(title, [])]))
            groups.append((title if title != "Introduction" else doc.title, questions))
    return groups


def starters_html(groups: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Starter questions under their section titles, as buttons that ask them."""
    return "".join(f'<div class="starter-section"><h3>{esc(title)}</h3>' + "".join(ask_chip(q) for q in qs) + "</div>"
                   for title, qs in groups)


def section_topics(tutor: "Tutor") -> list[str]:
    """One overview question per titled section: what a decline offers instead."""
    return [qs[0] for title, qs in starter_questions(tutor)[:12]]


def available_backends(tutor: Any) -> list[str]:
    """Backends the tutor says it can use here (an `available_backends` attribute), else its current one."""
    names = getattr(tutor, "available_backends", None)
    if callable(names):
        names = names()
    names = [str(n) for n in (names or [])]
    current = getattr(getattr(tutor, "backend", None), "name", None)
    if current and current not in names:
        names.insert(0, current)
    return names or ["extractive"]


def new_session_id() -> str:
    """A fresh, unguessable session id."""
    return uuid.uuid4().hex


def valid_session_id(value: Any) -> bool:
    """Whether a value from browser storage can be used as a session id."""
    return isinstance(value, str) and bool(_SESSION_ID.match(value))


def _browser_secret(data_dir: Path) -> str:
    """The key that encrypts the session id in browser storage; kept so sessions survive a restart."""
    path = Path(data_dir) / "ui-secret"
    try:
        return path.read_text().strip() or _write_secret(path)
    except FileNotFoundError:
        return _write_secret(path)


def _write_secret(path: Path) -> str:
    value = secrets.token_urlsafe(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(value)
    return value


def progress_html(progress: Any) -> str:
    """A learner's mastery per objective (Bayesian Knowledge Tracing) and what to study next."""
    if progress is None or not progress.objectives:
        return '<p class="panel-empty">Take a quiz to see your progress here.</p>'
    rows = []
    for o in progress.objectives:
        width = max(0, min(100, round(o.p_known * 100)))
        state = "mastered" if o.mastered else ("practised" if o.attempts else "new")
        rows.append(f'<li class="objective {state}"><span class="objective-text">{esc(o.text)}</span>'
                    f'<span class="meter" role="img" aria-label="{esc(f"estimated mastery {width} in 100")}">'
                    f'<span style="width:{width}%"></span></span>'
                    f'<span class="objective-meta">{esc(o.section)} · {o.correct}/{o.attempts} right</span></li>')
    nxt = "".join(f"<li>{esc(o.text)}</li>" for o in progress.next)
    return (f'<div class="progress-view"><p class="progress-summary">Mastered {progress.mastered} of '
            f'{progress.total} objectives.</p>' + (f"<h4>Study next</h4><ol>{nxt}</ol>" if nxt else "")
            + f"<h4>All objectives</h4><ul>{''.join(rows)}</ul></div>")


# -- the app -----------------------------------------------------------------------------------------------

CSS = """
.gradio-container { max-width: 1280px !important; }
#app-header h1 { margin: 0 0 .25rem; font-size: 1.5rem; }
#app-header p { margin: 0; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
#chat .bubble-wrap { padding-top: 2.6rem; }  /* room for the floating "Conversation" label */
.tutor-reply p { margin: .35em 0; }
.cite-anchor { white-space: nowrap; }
.tutor-reply .reply-body p:first-child { margin-top: 0; }
.cite-chip { display: inline-flex; align-items: center; justify-content: center; min-width: 1.7em; height: 1.45em;
  margin: 0 .1em 0 .3em; padding: 0 .4em; border-radius: 999px; border: 1px solid var(--color-accent);
  background: var(--color-accent-soft); color: var(--body-text-color); font: 600 .78em/1 var(--font);
  cursor: pointer; vertical-align: .1em; }
.cite-chip:hover, .cite-chip.active { background: var(--color-accent); color: white; }
.cite-chip:focus-visible, .ask-chip:focus-visible { outline: 3px solid var(--color-accent); outline-offset: 2px; }
.ask-chip { display: inline-block; margin: .2em .3em .2em 0; padding: .3em .75em; border-radius: 999px;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
  color: var(--body-text-color); font: 400 .9em/1.3 var(--font); text-align: left; cursor: pointer; }
.ask-chip:hover { border-color: var(--color-accent); }
.followups, .covers { margin-top: .6em; padding-top: .5em; border-top: 1px dashed var(--border-color-primary); }
.followups > p, .covers > p { font-size: .85em; color: var(--body-text-color-subdued); }
.kind-badge { display: inline-block; margin: 0 0 .4em !important; padding: .1em .6em; border-radius: 4px;
  font-size: .8em; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; }
.kind-not_in_material, .kind-out_of_scope { border-left: 4px solid #d97706; padding-left: .75em; }
.kind-not_in_material .kind-badge, .kind-out_of_scope .kind-badge { background: #fef3c7; color: #78350f; }
.kind-safety { border-left: 4px solid #2563eb; padding-left: .75em; }
.kind-safety .kind-badge { background: #dbeafe; color: #1e3a8a; }
.kind-crisis { border: 2px solid #dc2626; border-radius: 8px; padding: .6em .8em; }
.kind-crisis .kind-badge { background: #dc2626; color: white; }
.resources { margin: .3em 0 .6em; padding: .6em .8em; border-radius: 6px; background: #fff7ed; color: #111;
  font-weight: 600; font-size: 1.05em; }
.kind-error { border-left: 4px solid #6b7280; padding-left: .75em; }
.kind-error .kind-badge { background: #e5e7eb; color: #111827; }
.notice { font-size: .85em; color: var(--body-text-color-subdued); }
.typing { font-size: .8em; color: var(--body-text-color-subdued); }
.provenance { margin-top: .5em; font-size: .85em; }
.progress-view ul, .progress-view ol { padding-left: 1.2em; }
.progress-view .objective { margin: .4em 0; list-style: none; }
.progress-view .objective-text { display: block; }
.progress-view .objective-meta { font-size: .8em; color: var(--body-text-color-subdued); }
.progress-view .meter { display: block; height: .45em; margin: .2em 0; border-radius: 999px;
  background: var(--background-fill-secondary); overflow: hidden; }
.progress-view .meter > span { display: block; height: 100%; background: var(--color-accent); }
.progress-view .mastered .meter > span { background: #16a34a; }
.provenance ul { margin: .3em 0 0 1.2em; }
.verdict { font-weight: 600; }
#input-error:not(:has(.input-error)), #status:not(:has(.status-note)) { display: none; }
.input-error { margin: 0; padding: .4em .7em; border-radius: 6px; background: #fef2f2; color: #991b1b;
  border: 1px solid #fecaca; }
.status-note { font-size: .85em; color: var(--body-text-color-subdued); margin: .2em 0; }
.starter-section h3 { margin: .6em 0 .2em; font-size: .95em; }
.cite-card .cite-label { margin: 0; font-size: .8em; font-weight: 700; text-transform: uppercase;
  color: var(--body-text-color-subdued); }
.cite-card .cite-section { margin: .1em 0; font-size: 1.1em; }
.cite-card .cite-source { margin: 0 0 .5em; font-size: .85em; }
.cite-paragraph { margin: 0; padding: .6em .8em; border-left: 3px solid var(--color-accent);
  background: var(--background-fill-secondary); line-height: 1.55; }
mark.cite-span, mark.cited { color: #111; border-radius: 2px; padding: 0 .1em; }
mark.cite-span { background: #fde047; }
mark.cited { background: #fef08a; }
mark.cited.focus { background: #facc15; outline: 2px solid #ca8a04; }
.source-view { line-height: 1.55; max-height: 70vh; overflow-y: auto; padding-right: .5em; }
.source-view h4 { margin: .9em 0 .3em; }
.panel-empty { color: var(--body-text-color-subdued); }
@media (max-width: 640px) {
  #app-header h1 { font-size: 1.2rem; }
  .source-view { max-height: none; }
}
"""

CITE_JS = """
if (!window.__tutorCiteBridge) {
  window.__tutorCiteBridge = true;
  document.addEventListener('click', (event) => {
    const chip = event.target.closest ? event.target.closest('button.cite-chip') : null;
    if (!chip || !chip.value) return;
    event.preventDefault();
    const panel = document.getElementById('passage-panel');
    const before = panel ? panel.innerHTML : '';
    trigger('click', {ref: chip.value});
    document.querySelectorAll('button.cite-chip.active').forEach((c) => {
      c.classList.remove('active'); c.removeAttribute('aria-current');
    });
    document.querySelectorAll('button.cite-chip').forEach((c) => {
      if (c.value === chip.value) { c.classList.add('active'); c.setAttribute('aria-current', 'true'); }
    });
    // On a narrow screen the panel sits below the chat: bring it into view once it has the passage.
    if (panel && window.matchMedia('(max-width: 900px)').matches) {
      const started = Date.now();
      const wait = () => {
        const ready = panel.innerHTML !== before && panel.querySelector('.cite-card');
        if (ready || Date.now() - started > 3000) {
          requestAnimationFrame(() => setTimeout(
            () => document.getElementById('side-panel').scrollIntoView({block: 'start'}), 30));
        } else {
          setTimeout(wait, 50);
        }
      };
      wait();
    }
  });
}
"""

ASK_JS = """
if (!window.__tutorAskBridge) {
  window.__tutorAskBridge = true;
  document.addEventListener('click', (event) => {
    const chip = event.target.closest ? event.target.closest('button.ask-chip') : null;
    if (!chip || !chip.value) return;
    event.preventDefault();
    trigger('click', {question: chip.value});
  });
}
"""

PANEL_EMPTY = ('<p class="panel-empty">Press a numbered chip in an answer to see the exact passage it comes '
               "from, highlighted in its paragraph.</p>")
FRIENDLY_FAILURE = ("Sorry — I couldn’t answer that just now because the answering backend failed. "
                    "Your conversation is kept; please try again in a moment.")


def _stream(tutor: "Tutor", question: str, session_id: str, backend: str | None) -> Iterator[str | TutorReply]:
    """Tutor.stream, passing the chosen backend only when the tutor accepts one per call."""
    kwargs = {}
    current = getattr(getattr(tutor, "backend", None), "name", None)
    if backend and backend != current and "backend" in inspect.signature(tutor.stream).parameters:
        kwargs["backend"] = backend
    return tutor.stream(question, session_id, **kwargs)


def build_app(tutor: "Tutor", store: FeedbackStore | None = None) -> "gr.Blocks":
    """The tutor's web app. Pass `css=CSS` (see `launch_options`) when launching or mounting it."""
    try:
        import gradio as gr
    except ImportError as exc:  # pragma: no cover - gradio is a main dependency
        raise TutorError("The web UI needs gradio: pip install 'gradio>=6.31,<7'") from exc

    store = store or FeedbackStore.open(tutor.settings.data_dir)
    starters = starter_questions(tutor)
    topics = section_topics(tutor)
    backends = available_backends(tutor)
    documents = {d.source: d for d in tutor.corpus.documents}
    title = tutor.corpus.documents[0].title if len(tutor.corpus.documents) == 1 else "the course material"
    secret = _browser_secret(tutor.settings.data_dir)

    def render(entries: list[dict], details: bool) -> list[dict]:
        return chat_messages(entries, topics, details)

    def whole_source(entries: list[dict], focus: tuple[str, int] | None = None) -> str:
        highlights = conversation_highlights(entries, focus)
        shown = [documents[s] for s in highlights if s in documents] or list(documents.values())[:1]
        return "".join(source_html(d, highlights.get(d.source, [])) for d in shown)

    def session_of(value: Any) -> str:
        return value if valid_session_id(value) else new_session_id()

    def respond(question: str, entries: list[dict], session_id: Any, backend: str, details: bool):
        """Stream one answer into the chat; input problems become an inline message, failures a chat message."""
        entries = list(entries or [])
        sid = session_of(session_id)
        skip = gr.skip()

        def frame(chat=True, box=skip, error=skip, source=skip, starters=skip):
            # Outputs: chatbot, transcript, question box, inline error, whole source, session, starters.
            return (render(entries, details) if chat else skip, entries if chat else skip, box, error, source,
                    sid, starters)

        try:
            question = tutor.validate(question or "")
        except InvalidQuestion as exc:
            yield frame(chat=False, error=_input_error(str(exc)))
            return
        entries.extend([{"role": "user", "text": question}, {"role": "assistant", "streaming": ""}])
        yield frame(box="", error="", starters=gr.Accordion(open=False))
        text = ""
        try:
            for item in _stream(tutor, question, sid, backend):
                if isinstance(item, TutorReply):
                    key = store.save_reply(item)
                    entries[-1] = {"role": "assistant", "key": key, "reply": item.model_dump(mode="json")}
                    yield frame(source=whole_source(entries))
                    return
                text += item
                entries[-1] = {"role": "assistant", "streaming": text}
                yield frame()
            raise RuntimeError("the tutor's stream ended without a reply")
        except InvalidQuestion as exc:
            del entries[-2:]
            yield frame(box=question, error=_input_error(str(exc)))
        except TutorError as exc:
            log.warning("Answering failed: %s", exc)
            entries[-1] = {"role": "assistant", "error": f"Sorry — I couldn’t answer that: {exc}"}
            yield frame()
        except Exception:  # a failing backend must not take the app down
            log.exception("Answering failed")
            entries[-1] = {"role": "assistant", "error": FRIENDLY_FAILURE}
            yield frame()

    def ask_from_chip(entries, session_id, backend, details, evt: gr.EventData):
        yield from respond(_event_value(evt, "question"), entries, session_id, backend, details)

    def show_citation(entries: list[dict], evt: gr.EventData):
        found = find_citation(entries or [], _event_value(evt, "ref"))
        if not found:
            return ('<p class="panel-empty">That passage is no longer part of this conversation; '
                    "ask again to see it.</p>", gr.skip(), gr.Tabs(selected="passage"))
        reply, citation, key = found
        doc = documents.get(citation.source)
        card = citation_html(citation, tutor.sources.get(citation.source), doc.title if doc else "",
                             reply.citations, key)
        return card, whole_source(entries, (key, citation.marker)), gr.Tabs(selected="passage")

    def restore(session_id: Any, details: bool):
        """Rebuild the conversation of the session kept in the browser (after a reload)."""
        sid = session_of(session_id)
        stored = store.replies(sid)
        entries: list[dict] = []
        feedback: list[str | None] = []
        cursor = 0
        for turn in tutor.sessions.history(sid):
            entries.append({"role": "user", "text": turn.question})
            match = next((i for i in range(cursor, len(stored))
                          if stored[i][1].question == turn.question and stored[i][1].answer == turn.answer), None)
            if match is None:
                entries.append({"role": "assistant", "kind": turn.reply_kind, "text": turn.answer})
                feedback.append(None)
            else:
                cursor = match + 1
                key, reply = stored[match]
                entries.append({"role": "assistant", "key": key, "reply": reply.model_dump(mode="json")})
                feedback.append({"up": "Like", "down": "Dislike"}.get(store.rating(key) or ""))
        chat = gr.Chatbot(value=render(entries, details), feedback_value=feedback)
        return chat, entries, sid, whole_source(entries), gr.Accordion(open=not entries)

    def quiz_me(entries, session_id, backend, details):
        """Start a quiz the way typing "/quiz" does: through the tutor, so the safety guard sees it too."""
        yield from respond("/quiz", entries, session_id, backend, details)

    def set_socratic(session_id: Any, on: bool):
        sid = session_of(session_id)
        tutor.tutoring.set_socratic(sid, bool(on))
        return sid, _status("Socratic mode on: I’ll guide you with questions and hints first." if on else "")

    def show_progress(session_id: Any):
        # Never the first to build the question bank: that happens when a quiz starts.
        ready = valid_session_id(session_id) and tutor.tutoring.ready()
        return progress_html(tutor.tutoring.progress(session_id) if ready else None)

    def restore_tutoring(session_id: Any):
        if not valid_session_id(session_id):
            return gr.skip(), progress_html(None)
        return tutor.tutoring.socratic(session_id), show_progress(session_id)

    def new_conversation():
        return ([], [], new_session_id(), PANEL_EMPTY, whole_source([]), "", gr.Accordion(open=True),
                gr.Group(visible=False), "")

    def on_like(entries: list[dict], evt: gr.LikeData):
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        entry = entries[index] if entries and isinstance(index, int) and 0 <= index < len(entries) else {}
        key = entry.get("key")
        if not key:
            return gr.Group(visible=False), None, _status("Only answers can be rated.")
        rating = {True: "up", False: "down", "Like": "up", "Dislike": "down"}.get(evt.liked)
        store.rate(key, rating)
        if rating is None:
            return gr.Group(visible=False), None, _status("Rating removed.")
        word = "helpful" if rating == "up" else "not helpful"
        return gr.Group(visible=True), key, _status(f"Thanks — recorded as {word}. Add a comment below if you like.")

    def send_comment(key: str | None, comment: str):
        if key and comment.strip():
            store.comment(key, comment)
            return gr.Group(visible=False), None, "", _status("Thanks — your comment was saved.")
        return gr.Group(visible=False), None, "", ""

    with gr.Blocks(title=f"Tutor: {title}") as demo:
        session = gr.BrowserState(None, storage_key=SESSION_STORAGE_KEY, secret=secret)
        transcript = gr.State([])
        rated_key = gr.State(None)
        gr.HTML(f'<header id="app-header"><h1>Tutor: {esc(title)}</h1><p>I answer only from the course '
                "material. Every claim carries a numbered chip: press it to see the exact passage it comes from."
                "</p></header>", js_on_load=None)
        with gr.Row(equal_height=False, elem_id="layout"):
            with gr.Column(scale=3, min_width=300, elem_id="chat-column"):
                chatbot = gr.Chatbot(
                    label="Conversation", elem_id="chat", render_markdown=False, latex_delimiters=[],
                    buttons=[], height="58vh", min_height=320, sanitize_html=True, autoscroll=True,
                    feedback_options=("Like", "Dislike"), layout="bubble",
                    placeholder="Ask a question about the material, or pick a topic below.",
                )
                input_error = gr.HTML("", elem_id="input-error", js_on_load=None)
                question = gr.Textbox(
                    label="Your question", placeholder="Ask about the material…", lines=1, max_lines=6,
                    elem_id="question", autofocus=True, submit_btn="Ask",
                )
                with gr.Row(elem_id="conversation-row"):
                    new = gr.Button("New conversation", size="sm", elem_id="new-conversation", scale=0, min_width=160)
                    quiz = gr.Button("Quiz me", size="sm", elem_id="quiz-me", scale=0, min_width=110)
                    socratic = gr.Checkbox(label="Socratic mode: guide me with questions first",
                                           value=tutor.settings.socratic_default, elem_id="socratic", scale=0,
                                           min_width=240)
                    status = gr.HTML("", elem_id="status", js_on_load=None)
                with gr.Group(visible=False, elem_id="feedback-box") as feedback_box:
                    comment = gr.Textbox(label="Anything to add about this answer? (optional)", lines=2,
                                         max_lines=6, elem_id="feedback-comment", max_length=2000)
                    send = gr.Button("Send comment", size="sm", elem_id="feedback-send")
                with gr.Accordion("Start with a topic", open=True, elem_id="starters") as starters_box:
                    gr.HTML(starters_html(starters), js_on_load=None)
                with gr.Accordion("Advanced settings", open=False, elem_id="advanced"):
                    backend = gr.Dropdown(
                        choices=backends, value=backends[0], label="Answer backend", elem_id="backend",
                        info="Backends available on this machine. Extractive quotes the material verbatim.",
                        interactive=len(backends) > 1,
                    )
                    details = gr.Checkbox(label="Show how each answer was found (search query, support per sentence)",
                                          value=False, elem_id="details")
                    s = tutor.settings
                    gr.Markdown(
                        f"Retrieval: {s.top_k} passages per question, up to {s.max_answer_sentences} quoted sentences, "
                        f"{s.history_turns} earlier turns used for follow-ups. Change them with `TUTOR_TOP_K`, "
                        "`TUTOR_MAX_ANSWER_SENTENCES` and `TUTOR_HISTORY_TURNS` (see `tutor settings`)."
                    )
            with gr.Column(scale=2, min_width=300, elem_id="side-panel"):
                with gr.Tabs(selected="passage") as tabs:
                    with gr.Tab("Cited passage", id="passage", elem_id="passage-tab"):
                        panel = gr.HTML(PANEL_EMPTY, elem_id="passage-panel", js_on_load=None)
                    with gr.Tab("Whole source", id="source", elem_id="source-tab"):
                        source_view = gr.HTML(whole_source([]), elem_id="source-view", js_on_load=None)
                    with gr.Tab("Progress", id="progress", elem_id="progress-tab"):
                        progress_view = gr.HTML(progress_html(None), elem_id="progress-view", js_on_load=None)
        cite_bridge = gr.HTML("", js_on_load=CITE_JS, visible="hidden", elem_id="cite-bridge")
        ask_bridge = gr.HTML("", js_on_load=ASK_JS, visible="hidden", elem_id="ask-bridge")

        ask_inputs = [transcript, session, backend, details]
        ask_outputs = [chatbot, transcript, question, input_error, source_view, session, starters_box]
        # One answer at a time across every way of asking: the Tutor's models are shared.
        common = dict(outputs=ask_outputs, concurrency_id="tutor-answer", concurrency_limit=1,
                      show_progress="minimal")
        progress_update = dict(fn=show_progress, inputs=[session], outputs=[progress_view], show_progress="hidden")
        question.submit(respond, [question, *ask_inputs], **common).then(**progress_update)
        ask_bridge.click(ask_from_chip, ask_inputs, **common).then(**progress_update)
        quiz.click(quiz_me, ask_inputs, **common).then(**progress_update)
        socratic.input(set_socratic, [session, socratic], [session, status], show_progress="hidden")
        cite_bridge.click(show_citation, [transcript], [panel, source_view, tabs], show_progress="hidden")
        reset_outputs = [chatbot, transcript, session, panel, source_view, input_error, starters_box,
                         feedback_box, status]
        new.click(new_conversation, None, reset_outputs).then(set_socratic, [session, socratic], [session, status]) \
            .then(**progress_update)
        chatbot.clear(new_conversation, None, reset_outputs).then(set_socratic, [session, socratic], [session, status])
        chatbot.like(on_like, [transcript], [feedback_box, rated_key, status])
        send.click(send_comment, [rated_key, comment], [feedback_box, rated_key, comment, status])
        comment.submit(send_comment, [rated_key, comment], [feedback_box, rated_key, comment, status])
        details.change(lambda entries, d: render(entries, d), [transcript, details], [chatbot])
        demo.load(restore, [session, details], [chatbot, transcript, session, source_view, starters_box]) \
            .then(restore_tutoring, [session], [socratic, progress_view])
    demo.tutor_store = store  # type: ignore[attr-defined]
    return demo


def _event_value(evt: Any, name: str) -> str:
    """A field of the data a page script sent with `trigger(...)`, as text."""
    data = getattr(evt, "_data", None)
    return str(data.get(name, "")) if isinstance(data, dict) else ""


def _input_error(message: str) -> str:
    return f'<p class="input-error" role="alert">{esc(message)}</p>'


def _status(message: str) -> str:
    return f'<p class="status-note" role="status">{esc(message)}</p>' if message else ""


def launch_options() -> dict[str, Any]:
    """Keyword arguments for `launch()` / `gr.mount_gradio_app()` that style the app."""
    import gradio as gr

    # System fonts: the app must look right offline, without fetching web fonts.
    theme = gr.themes.Default(primary_hue="indigo", secondary_hue="amber", neutral_hue="slate",
                              font=["system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
                              font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"])
    return {"css": CSS, "theme": theme}


def launch(demo: "gr.Blocks", host: str = "127.0.0.1", port: int | None = None, **kwargs: Any) -> str:
    """Start the app without blocking; returns its local address."""
    _, url, _ = demo.launch(server_name=host, server_port=port, prevent_thread_lock=True, quiet=True,
                            ssr_mode=False, share=False, show_error=False, footer_links=[],
                            **launch_options(), **kwargs)
    return url


def serve(tutor: "Tutor", host: str = "127.0.0.1", port: int | None = None) -> None:
    """Run the app until interrupted, printing its address."""
    from tutor.xapi import XapiRecorder

    demo = build_app(tutor)
    recorder = XapiRecorder.from_settings(tutor.settings)  # quiz results go to the LRS from here too
    if recorder is not None:
        tutor.tutoring.add_observer(recorder)
    url = launch(demo, host, port)
    print(f"Tutor UI running at {url}  (Ctrl-C to stop)", flush=True)
    try:
        demo.block_thread()
    finally:
        demo.close()
        demo.tutor_store.close()  # type: ignore[attr-defined]
        if recorder is not None:
            tutor.tutoring.remove_observer(recorder)
            recorder.close()
