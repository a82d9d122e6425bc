"""Answerability round 9: the first of joined questions decides, chemistry as a type of fact, hyphenated terms the
material never names, "what are the X" as a request to name them, kinds of entity that mark the material's field,
and weakly matched questions about a term the material defines or about a time around something it discusses."""

from __future__ import annotations

import pytest

from tests.test_answers import ask_case
from tutor.answerability import ANSWER_TYPES, asked_kind, field_words, main_question, meant_term


def _lacking(question: str, evidence: str) -> str:
    """What the first answer type the question asks for finds missing in the evidence, else ""."""
    for asks, holds, lacking in ANSWER_TYPES:
        if asks.search(question):
            return "" if holds.search(evidence) else lacking
    return ""


@pytest.mark.parametrize("question,main", [
    # A further question joined with "and" is not what decides.
    ("what is dissociation, and how many minutes does it usually last?", "what is dissociation"),
    ("who first made ketamine and when", "who first made ketamine"),
    ("what is a volcano and when did the last one erupt", "what is a volcano"),
    # One question with "and" inside it stays whole; so does a statement that only ends in a question.
    ("does ketamine raise or lower glutamate and serotonin?", "does ketamine raise or lower glutamate and serotonin?"),
    ("my teacher and I wonder how it works", "my teacher and I wonder how it works"),
])
def test_the_first_of_joined_questions_is_the_main_one(question, main):
    assert main_question(question) == main


@pytest.mark.parametrize("question,evidence,lacking", [
    ("what does N-methyl-D-aspartate mean chemically?", "The N-methyl-D-aspartate (NMDA) receptor regulates memory.",
     "word on its chemistry"),
    ("what's the chemical formula of caffeine?", "Caffeine keeps people awake.", "word on its chemistry"),
    ("what's the chemical formula of caffeine?", "Caffeine is a molecule of eight carbon atoms.", ""),
    # A chemical named in the question is no question about chemistry.
    ("which chemical does ketamine block?", "It blocks the receptor.", ""),
])
def test_chemistry_needs_a_passage_about_chemistry(question, evidence, lacking):
    assert _lacking(question, evidence) == lacking


@pytest.mark.parametrize("question,kind", [
    # "What are the X" asks which X, like "which X".
    ("what are the 'certain conditions' ketamine might treat?", ["certain", "conditions"]),
    ("what are the other receptors that the surge activates?", ["receptors"]),
    # A verb before "to" or a determiner is no kind: "what leads to …" asks what causes it.
    ("What leads to the release of neurotrophic factors?", []),
    ("what makes the brain more active?", []),
    ("which animals do vets use it on?", ["animals"]),
])
def test_the_kind_a_question_asks_to_be_named(question, kind):
    assert asked_kind(question) == kind


def test_kinds_of_entity_the_material_names_a_member_of_mark_its_field():
    field = field_words({"glutamate", "ketamine", "nmda", "receptor"})
    # Another chemical, drug or receptor than the material's.
    assert {"gaba", "dopamine", "esketamine", "ampa"} <= field
    # Kinds the material names no member of (organs, brain regions here) are not its field; its own words are known.
    assert "bladder" not in field and "hippocampus" not in field and "glutamate" not in field


def test_the_term_a_question_asks_the_meaning_of():
    assert meant_term("what does antagonist mean?") == "antagonist"
    assert meant_term("what is meant by neuroplasticity?") == "neuroplasticity"
    assert meant_term("what is GABA?") == "gaba"
    assert meant_term("what does ketamine do to memory?") == ""
    assert meant_term("what does 'antagonist' mean in this context?") == "antagonist"


def test_a_hyphenated_term_the_material_never_names(tutor):
    coined = tutor.answerability.unnamed_compound
    assert coined("does it work for treatment-resistant depression?") == "treatment-resistant"
    # The material's own compounds, the learner's suffixes and participles describe rather than name.
    assert coined("what does long-term use do to memory?") == ""
    assert coined("why is the experience described as dream-like?") == ""
    assert coined("what is the root of this spectator-like feeling?") == ""
    assert coined("is ketamine-induced dissociation dangerous?") == ""


@pytest.mark.parametrize("history,question,kind", [
    # The lead's hand-found cases: a term the material glosses, asked alone; on-topic questions with weak retrieval.
    ([], "what does antagonist mean?", "answer"),
    ([], "What is GABA?", "not_in_material"),
    ([], "can I drive after treatment?", "not_in_material"),
    # A term the material names but never explains stays declined; a field of mathematics stays off-topic.
    ([], "what does aspartate mean?", "not_in_material"),
    ([], "What's the derivative of x^3?", "out_of_scope"),
    ([], "can I go swimming after lunch?", "out_of_scope"),
    # The first of joined questions decides.
    ([], "what is the NMDA receptor and when was it discovered?", "answer"),
    ([], "who invented ketamine and what does it do?", "not_in_material"),
    # Chemistry, a hyphenated term and vaguely named kinds.
    ([], "what is ketamine's chemical structure?", "not_in_material"),
    ([], "does ketamine help with treatment-resistant depression?", "not_in_material"),
    ([], "what are the other receptors the glutamate surge activates?", "not_in_material"),
    ([], "What leads to the release of neurotrophic factors?", "answer"),
    # The gloss right after a best sentence is evidence too ("… an antagonist … This means it temporarily blocks …").
    ([], "Is ketamine's block on the NMDA receptor permanent?", "answer"),
    ([], "Are the memory problems from chronic ketamine use permanent?", "not_in_material"),
])
def test_round9_verdicts(tutor, history, question, kind):
    reply = ask_case(tutor, history, question)
    assert reply.kind == kind, reply.answer
