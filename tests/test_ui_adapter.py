"""The web UI's pure adapter: chips, highlighted spans, escaping, reply kinds, and the feedback store."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
import yaml

from tests.conftest import ARTICLE, REPO
from tutor.cli import main
from tutor.feedback import FeedbackStore, export_dataset
from tutor.types import Citation, TutorReply
from tutor.ui import (
    Highlight,
    answer_html,
    available_backends,
    citation_html,
    conversation_highlights,
    error_html,
    find_citation,
    history_reply_html,
    new_session_id,
    paragraph_bounds,
    reply_html,
    source_html,
    starter_questions,
    starters_html,
    user_html,
    valid_session_id,
)

HOSTILE = [
    '<script>alert("corpus")</script>',
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(2)>',
    "javascript:alert(3)",
]
# Every tag the adapter itself writes; anything else in its output came from unescaped input.
OWN_TAGS = {"p", "br", "div", "span", "button", "mark", "article", "h3", "h4", "code", "blockquote", "ul", "li",
            "details", "summary", "q"}


class Tags(HTMLParser):
    """Collects start tags with their attributes, and the text inside <mark> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.marks: list[str] = []
        self._in_mark = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "mark":
            self._in_mark += 1
            self.marks.append("")

    def handle_endtag(self, tag):
        if tag == "mark":
            self._in_mark -= 1

    def handle_data(self, data):
        if self._in_mark:
            self.marks[-1] += data


def parse(markup: str) -> Tags:
    parser = Tags()
    parser.feed(markup)
    parser.close()
    return parser


def assert_inert(markup: str) -> None:
    """No element or attribute the adapter did not write itself: nothing from the input can run."""
    tags = parse(markup).tags
    assert {t for t, _ in tags} <= OWN_TAGS, {t for t, _ in tags} - OWN_TAGS
    for _, attrs in tags:
        assert not [a for a in attrs if a.startswith("on") or a in ("src", "href", "style")], attrs


def citation(marker: int, text: str, source_text: str, section: str = "S", source: str = "a.md") -> Citation:
    start = source_text.index(text)
    return Citation(marker=marker, chunk_id=f"{source}#c", source=source, section=section, text=text,
                    start=start, end=start + len(text))


# -- markers → chips --------------------------------------------------------------------------------------

def test_markers_become_chips_naming_reply_and_marker():
    doc = "Alpha one. Beta two. Gamma three."
    cites = [citation(1, "Alpha one.", doc), citation(2, "Beta two.", doc)]
    out = answer_html("Lead:\n\nAlpha one. [1] Beta two. [2] Unknown [7]. Both [1, 2] and [1][2].", cites, "k1")
    buttons = [a for t, a in parse(out).tags if t == "button"]
    assert [b["value"] for b in buttons] == ["k1:1", "k1:2", "k1:1", "k1:2", "k1:1", "k1:2"]
    assert all(b["type"] == "button" and b["class"] == "cite-chip" and "Show passage" in b["title"] for b in buttons)
    assert "Unknown [7]" in out  # a marker without a citation stays plain text
    assert out.startswith("<p>Lead:</p><p>")
    assert_inert(out)


def test_chip_keeps_to_the_word_before_it():
    doc = "Alpha one."
    out = answer_html("Alpha one. [1]", [citation(1, doc, doc)], "k")
    assert re.search(r'<span class="cite-anchor">one\.<button[^>]*value="k:1"', out)


# -- spans → highlighted passages -------------------------------------------------------------------------

def test_paragraph_bounds_find_the_block_around_a_span():
    text = "# T\n\nFirst para. Second sentence.\n\nNext para here.\n"
    start = text.index("Second")
    assert text[slice(*paragraph_bounds(text, start, start + 16))] == "First para. Second sentence."
    start = text.index("Next")
    assert text[slice(*paragraph_bounds(text, start, start + 4))] == "Next para here."


def test_citation_card_highlights_the_exact_span_inside_its_paragraph(tutor):
    reply = tutor.ask("What does it mean that ketamine is an NMDA antagonist?")
    assert reply.kind == "answer" and reply.citations
    text = tutor.sources[reply.citations[0].source]
    for c in reply.citations:
        card = citation_html(c, text, "Ketamine and the brain", reply.citations, "key")
        parsed = parse(card)
        assert parsed.marks == [c.text] == [text[c.start:c.end]]
        quote = re.search(r"<blockquote[^>]*>(.*)</blockquote>", card).group(1)
        paragraph = html.unescape(re.sub(r"<[^>]+>", "", quote))
        head, stop = paragraph_bounds(text, c.start, c.end)
        assert paragraph == text[head:stop] and c.text in paragraph
        assert html.escape(c.section) in card and c.source in card and f"characters {c.start}–{c.end}" in card
        others = [a["value"] for t, a in parsed.tags if t == "button"]
        assert others == [f"key:{o.marker}" for o in reply.citations if o.marker != c.marker]


def test_citation_card_says_so_when_the_source_changed():
    doc = "Alpha one. Beta two."
    c = citation(1, "Beta two.", doc)
    card = citation_html(c, "Something else entirely now.", "T")
    assert parse(card).marks == ["Beta two."] and "source has changed" in card


def test_whole_source_marks_every_cited_span_and_the_focused_one(tutor):
    text = ARTICLE.read_text(encoding="utf-8")
    doc = tutor.corpus.document(ARTICLE.name)
    first = "The most abundant of these is glutamate"
    overlapping = "glutamate, which plays a role in nearly all brain activities."
    later = "Chronic exposure can lead to cognitive impairments"
    spans = [(text.index(s), text.index(s) + len(s)) for s in (first, overlapping, later)]
    out = source_html(doc, [Highlight(a, b, f"[{i}]", focus=i == 3) for i, (a, b) in enumerate(spans, 1)])
    marks = parse(out).marks
    # Overlapping spans are cut at their boundaries; together the marks hold exactly the cited text.
    assert "".join(marks[:3]) == text[spans[0][0]:spans[1][1]]
    assert marks[3] == later
    assert out.count('class="cited focus"') == 1
    assert "<h4>Ketamine’s Primary Brain Target</h4>" in out
    assert_inert(out)


def test_conversation_highlights_and_citation_lookup_stay_within_the_page():
    doc = "Alpha one. Beta two."
    reply = TutorReply(kind="answer", answer="Alpha one. [1]", citations=[citation(1, "Alpha one.", doc)],
                       session_id="s" * 10, question="q")
    entries = [{"role": "user", "text": "q"},
               {"role": "assistant", "key": "k1", "reply": reply.model_dump(mode="json")}]
    found = find_citation(entries, "k1:1")
    assert found and found[1].text == "Alpha one." and found[2] == "k1"
    assert find_citation(entries, "other:1") is None and find_citation(entries, "k1:9") is None
    assert find_citation(entries, "garbage") is None
    marks = conversation_highlights(entries, ("k1", 1))["a.md"]
    assert marks == [Highlight(0, 10, "[1] in answer 1", focus=True)]


# -- escaping ---------------------------------------------------------------------------------------------

def test_user_text_is_escaped():
    for attack in HOSTILE:
        out = user_html(f"Question {attack} end")
        assert_inert(out)
        assert html.unescape(re.sub(r"<[^>]+>", "", out)) == f"Question {attack} end"
    assert_inert(error_html('<img src=x onerror="alert(1)">'))


def test_hostile_corpus_text_is_escaped_everywhere(make_tutor, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hostile.md").write_text(
        "# Markup <b>in</b> a heading <script>alert(0)</script>\n\n"
        f"Ketamine blocks the NMDA receptor {HOSTILE[0]} and so changes brain signalling. "
        f"The receptor responds to glutamate {HOSTILE[1]} in neurons.\n\n"
        f"Dissociation is a sense of detachment {HOSTILE[2]} {HOSTILE[3]} from the body.\n",
        encoding="utf-8",
    )
    hostile_tutor = make_tutor(corpus)
    reply = hostile_tutor.ask("What does ketamine block?")
    assert reply.kind == "answer" and reply.citations
    assert any("<script>" in c.text for c in reply.citations)
    text = hostile_tutor.sources["hostile.md"]
    doc = hostile_tutor.corpus.document("hostile.md")
    outputs = [reply_html(reply, "key", ["Tell me about: <script>x</script>"], details=True),
               source_html(doc, [Highlight(c.start, c.end, c.section) for c in reply.citations])]
    outputs += [citation_html(c, text, doc.title, reply.citations, "key") for c in reply.citations]
    for out in outputs:
        assert_inert(out)
        assert "<script" not in out and "<img" not in out and "<svg" not in out
    card = citation_html(reply.citations[0], text, doc.title)
    assert parse(card).marks == [reply.citations[0].text]  # the exact text, shown as text
    assert "&lt;script&gt;" in card
    starters = starters_html(starter_questions(hostile_tutor))
    assert_inert(starters)
    assert "Markup &lt;b&gt;in&lt;/b&gt; a heading &lt;script&gt;alert(0)&lt;/script&gt;" in starters


# -- reply kinds ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,badge", [
    ("answer", None), ("not_in_material", "Not in the material"), ("out_of_scope", "Outside the material"),
    ("safety", "Safety note"), ("crisis", "If you are in crisis"),
])
def test_each_reply_kind_has_its_own_look(kind, badge):
    reply = TutorReply(kind=kind, answer="Some reply text.", session_id="s" * 10, question="q",
                       suggestions=["What is BDNF?"], notice="Call 988 or your local emergency number.")
    out = reply_html(reply, "k", topics=["Tell me about: Dissociation"])
    assert f'class="tutor-reply kind-{kind}"' in out
    if badge:
        assert f'<p class="kind-badge">{badge}</p>' in out
    else:
        assert "kind-badge" not in out
    covers = 'class="covers"' in out
    assert covers == (kind in ("not_in_material", "out_of_scope"))
    if covers:
        assert 'value="Tell me about: Dissociation"' in out
    if kind in ("safety", "crisis"):
        # Resources come first, before the reply text, where they cannot be missed.
        assert out.index('class="resources"') < out.index('class="reply-body"')
        assert ('role="alert"' in out) == (kind == "crisis")
    assert 'class="ask-chip" value="What is BDNF?"' in out
    assert_inert(out)


def test_replies_recorded_elsewhere_show_their_kind_without_chips():
    out = history_reply_html("not_in_material", "Not covered <b>here</b>. [1]")
    assert "kind-not_in_material" in out and "Not in the material" in out and "cite-chip" not in out
    assert "&lt;b&gt;here&lt;/b&gt;. [1]" in out


def test_only_well_formed_session_ids_are_taken_from_the_browser():
    assert valid_session_id(new_session_id()) and valid_session_id("session-feedback-1")
    for bad in (None, "", "short", "x" * 65, "../../etc", "<script>", 12345678, ["a" * 10]):
        assert not valid_session_id(bad)


def test_error_message_looks_like_an_error():
    out = error_html("The backend failed.")
    assert "kind-error" in out and 'role="alert"' in out and "Something went wrong" in out


def test_available_backends_come_from_the_tutor():
    class Backend:
        name = "extractive"

    class Plain:
        backend = Backend()

    class Many(Plain):
        available_backends = ["extractive", "local-gguf"]

    class Lazy(Plain):
        def available_backends(self):
            return ["ollama"]

    assert available_backends(Plain()) == ["extractive"]
    assert available_backends(Many()) == ["extractive", "local-gguf"]
    assert available_backends(Lazy()) == ["extractive", "ollama"]
    assert available_backends(object()) == ["extractive"]


def test_starter_questions_cover_every_section(tutor):
    groups = starter_questions(tutor)
    sections = [s.title for d in tutor.corpus.documents for s in d.sections]
    assert len(groups) == len(sections)
    asked = [q for _, qs in groups for q in qs]
    assert {s.question for s in tutor.suggestion_pool} <= set(asked)
    assert "Tell me about: The Dissociative State Explained" in asked


def test_app_builds_without_a_browser(tutor, tmp_path):
    import gradio as gr

    from tutor.ui import build_app

    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    demo = build_app(tutor, store)
    assert isinstance(demo, gr.Blocks)
    store.close()


# -- feedback ---------------------------------------------------------------------------------------------

def test_feedback_store_and_export_round_trip(tutor, tmp_path, capsys):
    store = FeedbackStore.open(tmp_path / "data")
    session = "session-feedback-1"
    first = tutor.ask("What does ketamine block?", session)
    second = tutor.ask("What is BDNF?", session)
    third = tutor.ask("What is the capital of France?", session)
    k1, k2, k3 = (store.save_reply(r) for r in (first, second, third))
    assert store.reply(k2) == second and [k for k, _ in store.replies(session)] == [k1, k2, k3]

    assert store.rate(k2, "up") and store.comment(k2, "  Clear and to the point.  ")
    assert store.rate(k3, "down", comment="Should have said it is not covered more kindly")
    assert store.rate(k1, "up") and store.rate(k1, None)  # withdrawn
    assert not store.rate("no-such-key", "up") and not store.comment(k1, "unrated")
    assert store.rating(k2) == "up" and store.rating(k1) is None

    text = export_dataset(store)
    cases = yaml.safe_load(text)
    golden = yaml.safe_load((REPO / "evals" / "datasets" / "golden.yaml").read_text(encoding="utf-8"))
    assert [list(c) for c in cases] == [list(golden[0])] * 2  # same fields, same order as the golden set
    up, down = cases
    article = ARTICLE.read_text(encoding="utf-8")
    assert up["turns"] == ["What does ketamine block?", "What is BDNF?"]
    assert up["expected_kind"] == "answer" and up["category"] == "feedback_positive"
    assert up["expected_passages"] and all(p in article for p in up["expected_passages"])
    assert "[1]" not in up["reference_answer"]
    assert up["reference_answer"].startswith(second.answer.split("[1]")[0].strip())
    assert down["turns"][-1] == "What is the capital of France?" and down["expected_kind"] == third.kind
    assert down["expected_passages"] == [] and down["category"] == "feedback_negative"
    assert "# learner's comment: Clear and to the point." in text
    assert "# learner's comment: Should have said it is not covered more kindly" in text
    assert len({c["id"] for c in cases}) == 2
    assert [c["id"] for c in yaml.safe_load(export_dataset(store, ["down"]))] == [down["id"]]
    store.close()

    out = tmp_path / "draft.yaml"
    assert main(["--data-dir", str(tmp_path / "data"), "feedback", "export", "-o", str(out)]) == 0
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == cases
    assert "2 draft case(s)" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path / "data"), "feedback", "export", "--rating", "up"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == [up]


def test_export_of_an_empty_store_is_an_empty_list(tmp_path):
    store = FeedbackStore.open(tmp_path)
    assert yaml.safe_load(export_dataset(store)) == []
    store.close()
