"""Answer relevance: the quoted sentences are chosen by what the question asks beyond the material's subject."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import numpy as np
import pytest
import yaml

from tutor.answering import (AnswerContext, ExtractiveBackend, antecedent, follow_discourse, leans_back, own_words,
                              paraphrase_match, quotable, refocus, rematch, restates, select_sentences)
from tutor.retrieval import ScoredSentence, is_follow_up, rank_sentences
from tutor.text import content_stems

DATA = Path(__file__).parent / "data"


def sentence(tutor, opening: str, *, dense: float, focus: float | None, lexical: float = 0.0) -> ScoredSentence:
    """The corpus sentence starting with `opening`, scored as given (score = dense + 0.25 × lexical)."""
    found = [(c, i, s) for c in tutor.chunks for i, s in enumerate(c.sentences) if s.text.startswith(opening)]
    assert len(found) == 1, opening
    chunk, index, sent = found[0]
    return ScoredSentence(sentence=sent, chunk=chunk, index=index, dense=dense, lexical=lexical,
                          score=dense + 0.25 * lexical, focus=focus)


def test_refocus_prefers_the_sentence_closer_to_the_asked_part(tutor):
    names_subject = sentence(tutor, "By suppressing these cells", dense=0.77, focus=0.40, lexical=0.5)
    answers = sentence(tutor, "BDNF encourages the growth", dense=0.41, focus=0.60, lexical=0.25)
    unchanged = sentence(tutor, "The substance is also used", dense=0.30, focus=None)
    out = refocus([names_subject, answers, unchanged], weight=1.0)
    assert out[0].sentence.text.startswith("BDNF encourages")
    assert out[0].score == pytest.approx(answers.score + 0.19)
    assert [s.score for s in out if s.focus is None] == [unchanged.score]  # no focus: kept as ranked
    assert [s.sentence.text for s in refocus([names_subject, answers], weight=0.0)] == \
        [names_subject.sentence.text, answers.sentence.text]


def test_selection_without_focus_weight_keeps_the_ranking(tutor):
    names_subject = sentence(tutor, "By suppressing these cells", dense=0.77, focus=0.05, lexical=0.5)
    answers = sentence(tutor, "BDNF encourages the growth", dense=0.41, focus=0.60, lexical=0.25)
    focused = [s.sentence.text for s in select_sentences([names_subject, answers], 4)]
    plain = [s.sentence.text for s in select_sentences([names_subject, answers], 4, focus_weight=0.0)]
    assert any(t.startswith("BDNF encourages") for t in focused)
    assert not any(t.startswith("By suppressing") for t in focused)  # 0.26 below the best once refocused
    assert any(t.startswith("By suppressing") for t in plain)


def test_a_correction_keeps_its_evidence_quoted(tutor):
    evidence = sentence(tutor, "This mechanism contrasts with traditional", dense=0.7, focus=0.1)
    other = sentence(tutor, "BDNF encourages the growth", dense=0.69, focus=0.7)
    question = "Does ketamine act on serotonin like SSRIs?"
    context = AnswerContext(question=question, standalone_question=question, sentences=[evidence, other],
                            max_sentences=4, correction=evidence.sentence.text)
    cited = [c.text for c in ExtractiveBackend().compose(context).citations]
    assert evidence.sentence.text in cited


def test_sentences_carry_their_focus_similarity(tutor):
    reply = tutor.ask("does ketamine grow new brain cells?", uuid.uuid4().hex)
    assert reply.kind == "answer"
    passages, vectors = tutor.retrieve(reply.standalone_question, reply.question)
    focus_vectors = [np.asarray(v) for v in tutor.embeddings.embed_documents(["grow new cells"])]
    terms = set(content_stems(reply.standalone_question))
    ranked = rank_sentences(passages, vectors, tutor._sentence_vectors(passages), terms, tutor.lexical.idf,
                            focus_vectors)
    plain = rank_sentences(passages, vectors, tutor._sentence_vectors(passages), terms, tutor.lexical.idf)
    assert all(s.focus is not None for s in ranked) and all(s.focus is None for s in plain)
    assert [s.score for s in ranked] == [s.score for s in plain]  # ranking (and so answerability) unchanged


def _texts(ranked) -> list[str]:
    return [s.sentence.text for s in ranked]


def test_what_follows_a_restated_subject_is_quoted_first(tutor):
    restating = sentence(tutor, "Following the initial NMDA receptor blockade", dense=0.7, focus=None, lexical=0.8)
    following = sentence(tutor, "As ketamine’s effects fade", dense=0.33, focus=None)
    other = sentence(tutor, "This process stimulates neuroplasticity", dense=0.5, focus=None)
    ranked = [restating, other, following]
    asked = "what happens after the brain's compensatory response?"
    assert restates(asked, restating.sentence.text) == 1.0
    out = follow_discourse(ranked, asked)
    assert _texts(out)[:2] == [following.sentence.text, restating.sentence.text]
    assert set(_texts(select_sentences(ranked, 4, focus_weight=0.0, question=asked))) == \
        {restating.sentence.text, following.sentence.text}
    # Not asked what follows, or the best sentence does not restate what the question names: ranking kept.
    for question in ("is the brain's compensatory response strong?", "what happens after the drug stops working?"):
        assert _texts(follow_discourse(ranked, question)) == _texts(ranked), question
    unasked = select_sentences(ranked, 4, focus_weight=0.0, question="is it strong?")
    assert _texts(select_sentences(ranked, 4, focus_weight=0.0)) == _texts(unasked)


def test_what_follows_stays_inside_the_section(tutor):
    last = sentence(tutor, "By suppressing these cells", dense=0.7, focus=None, lexical=0.8)
    next_section = sentence(tutor, "The immediate psychological consequence", dense=0.3, focus=None)
    out = follow_discourse([last, next_section], "what happens after ketamine suppresses these cells?")
    assert [s.score for s in out] == [last.score, next_section.score]


def test_a_meaning_question_brings_the_explaining_sentence(tutor):
    named = sentence(tutor, "Ketamine’s primary action is to act", dense=0.75, focus=None, lexical=0.6)
    explains = sentence(tutor, "This means it temporarily blocks", dense=0.3, focus=None)
    asked = "what does it mean that ketamine is an antagonist?"
    chosen = _texts(select_sentences([named, explains], 4, focus_weight=0.0, question=asked))
    assert explains.sentence.text in chosen
    # "This means …" says the sentence before it again in plainer words: quoted with it for any question. Another
    # "This …" sentence after it is pulled in only when the question asks what something means.
    assert explains.sentence.text in _texts(select_sentences([named, explains], 4, focus_weight=0.0,
                                                             question="is ketamine an antagonist?"))
    state = sentence(tutor, "The immediate psychological consequence", dense=0.75, focus=None, lexical=0.6)
    detachment = sentence(tutor, "This is a sense of detachment", dense=0.3, focus=None)
    assert detachment.sentence.text in _texts(select_sentences([state, detachment], 4, focus_weight=0.0,
                                                               question="what does dissociation mean?"))
    assert detachment.sentence.text not in _texts(select_sentences([state, detachment], 4, focus_weight=0.0,
                                                                   question="is dissociation immediate?"))


def test_a_why_question_brings_the_cause_in_the_next_paragraph(tutor):
    names = sentence(tutor, "The immediate psychological consequence", dense=0.75, focus=None, lexical=0.6)
    cause = sentence(tutor, "When glutamate signals are interrupted", dense=0.3, focus=None)
    unrelated = sentence(tutor, "BDNF encourages the growth", dense=0.3, focus=None)
    out = follow_discourse([names, cause, unrelated], "why does ketamine cause dissociation?")
    assert _texts(out)[1] == cause.sentence.text and out[1].score > unrelated.score
    assert _texts(follow_discourse([names, cause, unrelated], "what is dissociation?"))[1:] == \
        [cause.sentence.text, unrelated.sentence.text] and \
        follow_discourse([names, cause, unrelated], "what is dissociation?")[1].score == cause.score


def test_quoting_keeps_a_corrections_ranking(tutor):
    evidence = sentence(tutor, "This mechanism contrasts with traditional", dense=0.7, focus=0.1)
    other = sentence(tutor, "BDNF encourages the growth", dense=0.69, focus=0.7)
    question = "Does ketamine act on serotonin like SSRIs?"
    context = AnswerContext(question=question, standalone_question=question, sentences=[evidence, other],
                            correction=evidence.sentence.text)
    assert quotable(context) == [evidence, other]
    plain = context.model_copy(update={"correction": None})
    assert _texts(quotable(plain))[0] == other.sentence.text  # refocused


def test_a_demonstrative_inside_the_opening_brings_the_sentence_it_leans_on(tutor):
    leaning = sentence(tutor, "By suppressing these cells", dense=0.8, focus=None)
    before = sentence(tutor, "Many neurons affected by this", dense=0.1, focus=None)
    unrelated = sentence(tutor, "BDNF encourages the growth", dense=0.1, focus=None)
    assert leans_back(leaning.sentence.text) and not leans_back(unrelated.sentence.text)
    assert not leans_back(sentence(tutor, "While therapeutic doses", dense=0.0, focus=None).sentence.text)
    chosen = _texts(select_sentences([leaning, before, unrelated], 4, focus_weight=0.0))
    assert before.sentence.text in chosen and unrelated.sentence.text not in chosen


def test_a_paragraph_opening_leans_on_the_previous_paragraphs_sentence_it_names_again(tutor):
    opening = sentence(tutor, "This interference with glutamate signaling", dense=0.8, focus=None)
    named = sentence(tutor, "This means it temporarily blocks", dense=0.1, focus=None)
    last = sentence(tutor, "The action is comparable", dense=0.1, focus=None)
    ranked = [opening, last, named]
    assert antecedent(opening, ranked) == named  # not merely the sentence before it, which names none of it
    assert antecedent(opening, ranked, across=False) is None
    chosen = _texts(select_sentences(ranked, 4, focus_weight=0.0))
    assert named.sentence.text in chosen and last.sentence.text not in chosen
    # Never across a section: the dissociation section's opening does not lean on the previous section.
    first = sentence(tutor, "The immediate psychological consequence", dense=0.8, focus=None)
    previous_section = sentence(tutor, "By suppressing these cells", dense=0.1, focus=None)
    assert antecedent(first, [first, previous_section]) is None


def test_the_learners_own_words_choose_the_sentence_that_means_them(tutor):
    """"Kill" is no word of the material: the sentence saying neurons "die" answers it, not the one sharing "cells"."""
    words = own_words("can ketamine actually kill brain cells, people ask", tutor.vocabulary)
    assert "kill" in words and not {"ketamine", "brain", "cells", "people", "actually"} & set(words)
    assert own_words("how does excitotocicity harm neurons", tutor.vocabulary) == ["harm"]  # misspelt: the material's
    shares_word = sentence(tutor, "By suppressing these cells", dense=0.80, focus=None, lexical=0.7)
    means_it = sentence(tutor, "Excitotoxicity occurs when neurons", dense=0.55, focus=None)
    other = sentence(tutor, "The substance is also used", dense=0.3, focus=None)
    match = paraphrase_match(words, [shares_word, means_it, other], tutor.judge.vectors)
    key = (means_it.sentence.source, means_it.sentence.start)
    assert match[key] > match[(shares_word.sentence.source, shares_word.sentence.start)]
    assert _texts(rematch([shares_word, means_it, other], match, weight=2.0))[0] == means_it.sentence.text
    assert rematch([shares_word, means_it], {}) == [shares_word, means_it]
    # A word every sentence matches about as well adds nothing to any of them.
    assert paraphrase_match(["zzzz"], [shares_word], tutor.judge.vectors) == \
        {(shares_word.sentence.source, shares_word.sentence.start): 0.0}


def test_a_second_course_quotes_what_follows(make_tutor, tmp_path):
    """The volcano course: the consequence follows the sentence that restates the question."""
    volcanoes = make_tutor(DATA / "tutoring_corpus", data_dir=tmp_path / "volcano-data")
    reply = volcanoes.ask("what happens when a plate sinks beneath another?", uuid.uuid4().hex)
    assert reply.kind == "answer"
    assert "This produces large amounts of magma at subduction zones." in [c.text for c in reply.citations]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def test_answers_quote_the_sentences_that_answer(tutor):
    """Development set gate (134 cases: measured 0.848 key recall, 0.806 complete, 3.2 sentences cited in round 3, with
    22 harder cases added before tuning; the first 112 cases: 0.899, 0.866 and 3.05; 0.707, 0.616 and 2.6 with
    refocusing alone, round 1)."""
    cases = yaml.safe_load((DATA / "answer_relevance.yaml").read_text(encoding="utf-8"))
    recalls, complete, cited_counts = [], [], []
    for case in cases:
        session = uuid.uuid4().hex
        for turn in case.get("history") or []:
            tutor.ask(turn, session)
        reply = tutor.ask(case["question"], session)
        cited = [_flat(c.text) for c in reply.citations]
        expected = [_flat(e) for e in case["expect"]]
        found = [any(e in c or c in e for c in cited) for e in expected]
        recalls.append(sum(found) / len(expected) if reply.kind == "answer" else 0.0)
        complete.append(reply.kind == "answer" and all(found))
        if reply.kind == "answer":
            cited_counts.append(len(cited))
    assert sum(recalls) / len(recalls) >= 0.83
    assert sum(complete) / len(complete) >= 0.79
    assert sum(cited_counts) / len(cited_counts) <= 3.4


def test_a_what_is_question_puts_the_definition_first(tutor):
    # Ranked by similarity, a sentence that merely names the term beats the one saying what it is.
    names = sentence(tutor, "While therapeutic doses can foster", dense=0.70, focus=0.70)
    defines = sentence(tutor, "This process stimulates neuroplasticity", dense=0.60, focus=0.60)
    out = follow_discourse([names, defines], "what's neuroplasticity?")
    assert out[0].sentence.text.startswith("This process stimulates neuroplasticity")
    assert out[0].score > names.score
    # Not for a question that asks something else about the term.
    other = follow_discourse([names, defines], "can heavy use undo neuroplasticity?")
    assert other[0].sentence.text.startswith("While therapeutic doses")


def test_a_definition_given_by_the_next_sentence_is_quoted_with_it(tutor):
    named = sentence(tutor, "The immediate psychological consequence", dense=0.50, focus=0.50)
    gloss = sentence(tutor, "This is a sense of detachment", dense=0.40, focus=0.40)
    elsewhere = sentence(tutor, "This altered state of consciousness", dense=0.62, focus=0.62)
    out = follow_discourse([elsewhere, named, gloss], "what is dissociation?")
    assert [s.sentence.text[:20] for s in out[:2]] == [named.sentence.text[:20], gloss.sentence.text[:20]]


@pytest.mark.parametrize("question, definition", [
    ("what's neuroplasticity", "This process stimulates neuroplasticity, the brain’s ability"),
    ("what is glutamate", "The most abundant of these is glutamate"),
    ("wait, what's glutamate again?", "The most abundant of these is glutamate"),
    ("What are executive functions?", "Prolonged abuse can impact executive functions—"),
    ("can you explain NMDA receptors?", "Glutamate interacts with receptors on neurons"),  # led with the blockade
    ("describe neuroplasticity", "This process stimulates neuroplasticity, the brain’s ability"),
])
def test_an_answer_to_what_is_quotes_the_definition(tutor, question, definition):
    reply = tutor.ask(question, uuid.uuid4().hex)
    assert reply.kind == "answer"
    assert any(c.text.startswith(definition) for c in reply.citations[:2]), reply.answer


def test_a_sentence_that_glosses_one_word_of_a_longer_term_is_no_definition(tutor):
    # "… disruption of the glutamate system is a state known as dissociation. | This is …" once led the answer.
    reply = tutor.ask("what's the glutamate surge?", uuid.uuid4().hex)
    assert reply.kind == "answer" and "surge" in reply.citations[0].text, reply.answer
    assert not any("dissociation" in c.text for c in reply.citations), reply.answer


@pytest.mark.parametrize("question", ["ok, what does NMDA stand for?", "what's BDNF short for", "full name of BDNF?"])
def test_an_abbreviation_asked_about_is_spelled_out_first(tutor, question):
    reply = tutor.ask(question, uuid.uuid4().hex)
    short = "NMDA" if "NMDA" in question else "BDNF"
    # The sentence that spells it out leads its paragraph's quote, which leads the answer.
    assert reply.kind == "answer" and any(f"({short})" in c.text for c in reply.citations[:2]), reply.answer


@pytest.mark.parametrize("question, follows", [
    ("what does antagonist mean?", False), ("what is glutamate?", False), ("explain excitotoxicity", False),
    ("what does glutamate do", False), ("how does BDNF work?", False), ("what does it do?", True),
    ("wait, what's glutamate again?", False),
    ("what's the mechanism?", True), ("why?", True), ("is it permanent?", True), ("how long?", True),
    ("what is it?", True),
])
def test_a_bare_term_asked_about_is_a_question_of_its_own(tutor, question, follows):
    assert is_follow_up(question, tutor.vocabulary) is follows


def test_a_new_term_after_an_answer_is_searched_on_its_own(tutor):
    # Borrowing the last question's words ("bdnf") once filled the answer with sentences about the earlier topic.
    session = uuid.uuid4().hex
    tutor.ask("what is BDNF?", session)
    reply = tutor.ask("what is excitotoxicity?", session)
    assert reply.standalone_question == "what is excitotoxicity?"
    assert reply.citations and all("BDNF" not in c.text for c in reply.citations), reply.answer
    assert reply.citations[0].text.startswith("Excitotoxicity occurs when")


def test_a_follow_up_without_a_pronoun_is_read_with_the_conversation(tutor):
    # Off the material on its own, "can the damage be reversed if you stop?" picks up "damaged" from the answer
    # just given: the material does not say, which is not the same as off-topic.
    session = uuid.uuid4().hex
    assert tutor.ask("What is excitotoxicity?", session).kind == "answer"
    assert tutor.ask("can the damage be reversed if you stop?", session).kind == "not_in_material"
    assert tutor.ask("what's the capital of France?", session).kind == "out_of_scope"


@pytest.mark.parametrize("question", ["is ketamine safe?", "is ketamine harmful?", "how dangerous is ketamine?"])
def test_whether_it_is_safe_asks_what_comes_of_it(tutor, question):
    # "is ketamine safe?" quoted the introduction after the long-term-use sentence, not the harm that sentence leads to.
    reply = tutor.ask(question)
    assert reply.kind == "answer"
    assert any(c.text.startswith("Chronic exposure can lead to cognitive impairments") for c in reply.citations), \
        reply.answer


def test_a_sentence_restating_a_quoted_one_in_plainer_words_is_quoted_with_it(tutor):
    # "what does ketamine do to NMDA receptors?" quoted "… an antagonist at these NMDA receptors." without the
    # "This means it temporarily blocks the receptor …" that says what that is: it shares few of the question's words.
    reply = tutor.ask("what does ketamine do to NMDA receptors?")
    texts = [c.text for c in reply.citations]
    antagonist = next(i for i, t in enumerate(texts) if "antagonist at these NMDA receptors" in t)
    assert texts[antagonist + 1].startswith("This means it temporarily blocks the receptor"), reply.answer
