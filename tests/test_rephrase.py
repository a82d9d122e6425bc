"""'Explain that more simply' and 'give me an example' after an answer: the material's own glosses and examples."""

import re
import uuid

import pytest

from conftest import REPO
from tutor import rephrase
from tutor.quiz import terms_in


@pytest.mark.parametrize("message", [
    "Can you explain that in simpler words?", "explain it more simply please", "i don't get it", "simpler",
    "could you say that another way?", "that's too complicated", "ok, can you rephrase that", "ELI5",
    "explain that like i'm five", "sorry i still dont understand that", "huh?", "i don't understand",
    "what do you mean?", "explain it again but simpler", "explain that again, but simpler please",
    "can you make it simpler", "break it down for me", "what?", "pardon?", "sorry?",
])
def test_requests_for_plainer_words_are_recognised(message):
    assert rephrase.asks_simpler(message) and not rephrase.asks_example(message)


@pytest.mark.parametrize("message", [
    "give me an example", "can you give me an example of that?", "example?", "like what?", "is there an analogy?",
    "for example?", "what's an example of that", "what would be an example?",
])
def test_requests_for_an_example_are_recognised(message):
    assert rephrase.asks_example(message) and not rephrase.asks_simpler(message)


@pytest.mark.parametrize("message", [
    "explain NMDA receptors more simply", "give me an example of a drug that blocks NMDA", "what does that mean?",
    "is dissociation simpler than a k-hole?", "for example, does it affect memory?", "",
    "i don't understand why it blocks NMDA", "what is an example of an NMDA antagonist?", "explain it again",
    "explain why it blocks NMDA more simply", "what", "sorry", "what is it?",
])
def test_a_question_of_its_own_is_not_a_rephrase_request(message):
    assert not rephrase.asks_simpler(message) and not rephrase.asks_example(message)


def _corpus_text(tutor, source):
    return next(d.text for d in tutor.corpus.documents if d.source == source)


def _grounded(tutor, reply):
    assert reply.citations
    for c in reply.citations:
        assert _corpus_text(tutor, c.source)[c.start:c.end] == c.text
        assert f"{c.text} [{c.marker}]" in reply.answer  # every quote carries its marker
    assert sorted(int(m) for m in re.findall(r"\[(\d+)\]", reply.answer)) == [c.marker for c in reply.citations]


def _glosses_explain_their_terms(reply):
    """Each "• term: quote" line quotes a sentence that uses the term."""
    lines = re.findall(r"^• ([^:]+): (.+)$", reply.answer, re.M)
    assert lines
    for term, quoted in lines:
        if term != "An image it uses":
            assert term.lower().rstrip("s") in quoted.lower(), (term, quoted)


def test_plainer_words_quote_the_material_explaining_the_terms_just_quoted(tutor):
    session = uuid.uuid4().hex
    first = tutor.ask("how does ketamine act on NMDA receptors?", session)
    assert first.kind == "answer"
    reply = tutor.ask("Can you explain that in simpler words?", session)
    assert reply.kind == "answer"
    _grounded(tutor, reply)
    terms = {t.lower() for c in first.citations for _, _, t in terms_in(c.text)}
    labelled = re.findall(r"^• ([^:]+):", reply.answer, re.M)
    assert labelled and {t.lower() for t in labelled if t != "An image it uses"} <= terms
    _glosses_explain_their_terms(reply)
    assert {c.text for c in reply.citations} - {c.text for c in first.citations}  # something beyond the repeat


def test_an_example_is_one_the_material_gives(tutor):
    session = uuid.uuid4().hex
    tutor.ask("what does long-term use do to memory?", session)
    reply = tutor.ask("can you give me an example of that?", session)
    assert reply.kind == "answer"
    _grounded(tutor, reply)
    assert all(re.search(r"such as|for example|for instance|like|comparable|as though", c.text) for c in reply.citations)


def test_a_declined_question_in_between_leaves_the_answer_before_it_to_work_on(tutor):
    # "give me an example" after "what's the opposite?" (declined) was told to ask about the material first.
    session = uuid.uuid4().hex
    tutor.ask("what does long-term use do to memory?", session)
    assert tutor.ask("what about the bladder?", session).kind == "not_in_material"
    reply = tutor.ask("can you give me an example of that?", session)
    assert reply.kind == "answer" and reply.citations
    _grounded(tutor, reply)
    crisis = uuid.uuid4().hex
    tutor.ask("what does long-term use do to memory?", crisis)
    assert tutor.ask("i want to kill myself", crisis).kind == "crisis"
    assert not tutor.ask("can you give me an example of that?", crisis).citations  # a crisis reply ends the thread


def test_without_an_answer_before_it_the_request_is_not_answered_from_nowhere(tutor):
    reply = tutor.ask("Can you explain that in simpler words?", uuid.uuid4().hex)
    assert reply.kind == "out_of_scope" and not reply.citations


def _tides(make_tutor, tmp_path):
    """A tutor over a four-sentence course with no example in it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tides.md").write_text(
        "# Tides\n\nTides are the regular rise and fall of the sea. The Moon's gravity pulls on the oceans and raises "
        "a bulge of water on the side of the Earth facing it.\n\nA second bulge forms on the far side of the Earth. "
        "Most coasts therefore see two high tides each day.\n", encoding="utf-8")
    return make_tutor(corpus)


def test_no_example_in_the_material_is_said_plainly(make_tutor, tmp_path):
    tides = _tides(make_tutor, tmp_path)
    session = uuid.uuid4().hex
    assert tides.ask("why are there two high tides each day?", session).kind == "answer"
    reply = tides.ask("give me an example", session)
    assert reply.kind == "not_in_material" and not reply.citations


def test_plainer_words_work_on_other_material(make_tutor):
    volcanoes = make_tutor(REPO / "tests" / "data" / "tutoring_corpus")
    session = uuid.uuid4().hex
    assert volcanoes.ask("why are some eruptions explosive?", session).kind == "answer"
    reply = volcanoes.ask("i don't get it", session)
    assert reply.kind == "answer"
    _grounded(volcanoes, reply)
    _glosses_explain_their_terms(reply)


def test_not_getting_it_in_a_socratic_round_gives_a_hint(tutor):
    session = uuid.uuid4().hex
    tutor.ask("/socratic on", session)
    first = tutor.ask("what does BDNF do?", session)
    assert "Hint" in first.answer
    reply = tutor.ask("i don't get it", session)
    assert reply.answer.startswith("Hint 2:") and not reply.citations  # a hint, not a grade or the answer


def _answered(tutor, make_tutor, corpus, question):
    """The course (the article when `corpus` is None), a new session, and its answer to the question."""
    course = tutor if corpus is None else make_tutor(corpus)
    session = uuid.uuid4().hex
    answer = course.ask(question, session)
    assert answer.kind == "answer"
    return course, session, answer


@pytest.mark.parametrize("corpus, question", [
    (None, "What does BDNF do?"),
    (REPO / "tests" / "data" / "tutoring_corpus", "why are some eruptions explosive?"),
])
def test_summarize_that_summarises_the_section_just_quoted(tutor, make_tutor, corpus, question):
    course, session, answer = _answered(tutor, make_tutor, corpus, question)
    reply = course.ask("summarize that", session)
    assert reply.kind == "answer" and "couldn’t find" not in reply.answer
    _grounded(course, reply)
    assert {c.section for c in reply.citations} == {answer.citations[0].section}
    cold = course.ask("summarize that", uuid.uuid4().hex)  # nothing quoted yet: the whole material
    assert "couldn’t find" not in cold.answer and len({c.section for c in cold.citations}) > 1


@pytest.mark.parametrize("message", [
    "tell me more", "go on", "ok, tell me more about that", "keep going", "more please", "can you elaborate?",
    "what else?",
])
def test_requests_to_go_on_are_recognised(message):
    assert rephrase.asks_more(message) and not rephrase.asks_simpler(message) and not rephrase.asks_example(message)


@pytest.mark.parametrize("message", ["tell me more about BDNF", "what else does ketamine do?", "more or less?",
                                     "what happens after that?"])  # the process, not the page: for retrieval
def test_a_question_of_its_own_is_not_a_request_to_go_on(message):
    assert not rephrase.asks_more(message)


@pytest.mark.parametrize("corpus, question", [
    (None, "What is dissociation?"),
    (REPO / "tests" / "data" / "tutoring_corpus", "why are some eruptions explosive?"),
])
def test_tell_me_more_quotes_what_the_material_says_next(tutor, make_tutor, corpus, question):
    course, session, answer = _answered(tutor, make_tutor, corpus, question)
    more = course.ask("tell me more", session)
    assert more.kind == "answer" and more.citations
    _grounded(course, more)
    shown = {(c.source, c.start) for c in answer.citations}
    assert not shown & {(c.source, c.start) for c in more.citations}, "nothing already quoted is repeated"
    section = answer.citations[0].section
    text = _corpus_text(course, more.citations[0].source)
    if more.citations[0].section == section:  # it goes on from the last sentence quoted in that section
        last_end = max(c.end for c in answer.citations if c.section == section)
        assert more.citations[0].start > last_end
        assert not text[last_end:more.citations[0].start].strip(" \n#").count(". ")  # no sentence skipped
    starts = [c.start for c in more.citations]
    assert starts == sorted(starts)
    further = course.ask("go on", session)
    assert further.kind in ("answer", "not_in_material")
    if further.citations:
        assert further.citations[0].start > more.citations[-1].start or further.citations[0].section != section


def test_going_on_past_the_end_of_the_material_says_so(make_tutor, tmp_path):
    tides = _tides(make_tutor, tmp_path)
    session = uuid.uuid4().hex
    assert tides.ask("why are there two high tides each day?", session).kind == "answer"
    reply = tides.ask("tell me more", session)
    for _ in range(4):  # it walks forward through the four sentences, never in a loop
        if reply.kind != "answer":
            break
        assert reply.citations
        reply = tides.ask("go on", session)
    assert reply.kind == "not_in_material" and not reply.citations and "ends" in reply.answer
