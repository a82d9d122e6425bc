"""Answerability round 10: a filler after "and" still joins a further question, "come back to" traces back, "what part
of" asks which part, whether it can kill a person and whether an effect holds for everyone as types of fact, a segue
opener is no topic, misspelt common words are read spelt right, what a thing is used for says what it is, the kind
"which X" asks for read to its head noun and as the material writes it, and what "what does X do to Y?" acts on."""

from __future__ import annotations

import pytest

from tests.test_answers import ask_case
from tutor.answerability import (ANSWER_TYPES, asked_kind, defined_in, focus_parts, foreign_phrases, main_question,
                                 thing_named, without_segue)


def _lacking(question: str, evidence: str) -> str:
    """What the first answer type the question asks for finds missing in the evidence, else ""."""
    for asks, holds, lacking in ANSWER_TYPES:
        if asks.search(question):
            return "" if holds.search(evidence) else lacking
    return ""


def _asks(question: str) -> list[str]:
    return [lacking for asks, _, lacking in ANSWER_TYPES if asks.search(question)]


@pytest.mark.parametrize("question,main", [
    ("what does BDNF actually do, and btw who discovered it?", "what does BDNF actually do"),
    ("what is a volcano, and also when did the last one erupt?", "what is a volcano"),
    ("what does BDNF do and by the way who found it?", "what does BDNF do"),
])
def test_a_filler_after_and_still_joins_a_further_question(question, main):
    assert main_question(question) == main


def test_come_back_to_traces_back_and_is_no_return():
    assert _asks("Is it true that all of ketamine's effects come back to glutamate?") == []
    assert _asks("will my memory come back?") == ["word on whether it lasts"]
    assert _asks("can the damage be reversed if you stop?") == ["word on whether it lasts"]


def test_what_part_of_asks_which_part_not_a_share():
    assert _asks("what part of the brain does ketamine affect most") == []
    assert _asks("how much of what the brain does involves glutamate?") == ["amounts or numbers"]
    assert _asks("what proportion of users dissociate?") == ["amounts or numbers"]


@pytest.mark.parametrize("question,evidence,lacking", [
    ("can ketamine kill you?", "Excitotoxicity occurs when neurons are damaged or die.", "word on whether it can kill"),
    ("can you die from a ketamine overdose?", "Neurons die from overstimulation.", "word on whether it can kill"),
    ("is it deadly?", "Overdoses of it are rarely fatal.", ""),
    ("can ketamine kill you?", "Some users died after large doses.", ""),
    # Cells are what the question asks about: the material's "neurons … die" answers it.
    ("can ketamine kill brain cells?", "Neurons die.", ""),
    ("does everyone who takes ketamine experience that?", "Individuals may experience a distorted sense of time.",
     "word on whether it holds for everyone"),
    ("does everyone who takes it feel that?", "Not everyone feels it; responses vary.", ""),
])
def test_lethality_and_universality_are_types_of_fact(question, evidence, lacking):
    assert _lacking(question, evidence) == lacking


def test_what_a_thing_is_used_for_says_what_it_is():
    sentence = ["The brain’s communication network relies on neurotransmitters to transmit signals between neurons."]
    assert defined_in("neurotransmitter", sentence)
    # Named as what acts, not as what is used: no definition.
    assert not defined_in("serotonin", ["SSRIs act on the serotonin system to produce an effect."])
    assert not defined_in("neuron", ["Neurotransmitters transmit signals between neurons."])


def test_the_kind_is_read_to_its_head_noun():
    assert asked_kind("Besides depression, which other mental health conditions is ketamine used to treat?") == [
        "mental", "health", "conditions"]
    assert asked_kind("which brain regions does ketamine affect?") == ["brain", "regions"]


@pytest.mark.parametrize("question,part", [
    ("what does ketamine do to heart rate and blood pressure?", "heart rate and blood pressure?"),
    ("how does ketamine affect sleep", "sleep"),
    ("what effect does it have on mood", "mood"),
])
def test_what_a_question_says_something_acts_on(question, part):
    assert part in focus_parts(question)


@pytest.mark.parametrize("question,phrase,target,named", [
    ("What does ketamine do to heart rate and blood pressure?", "heart rate and blood pressure",
     ["heart", "rate", "blood", "pressure"], "heart rate and blood pressure"),
    # Cut to the noun phrase that ends it, as the learner wrote it.
    ("is ketamine being studied for PTSD or OCD too?", "studied for ptsd or ocd", ["studied", "ptsd", "ocd"], "PTSD or OCD"),
    ("is ketamine hard on the liver or kidneys?", "hard on the liver or kidneys", ["hard", "liver", "kidneys"],
     "liver or kidneys"),
    ("how does ketamine compare to laughing gas (nitrous oxide)?", "laughing gas (nitrous oxide",
     ["laughing", "gas", "nitrous", "oxide"], "laughing gas (nitrous oxide)"),
    # A clause or a verb with its particle names no thing.
    ("can the damage be reversed if you stop?", "reversed if you stop", ["reversed", "stop"], ""),
    ("Can ketamine make you feel sick or throw up?", "sick or throw", ["sick", "throw"], ""),
    ("is dissociation the first thing that happens or does it come later?", "first thing that happens or does it come later",
     ["first", "happens", "come", "later"], ""),
])
def test_a_declined_target_is_named_as_a_thing_or_not_at_all(question, phrase, target, named):
    assert thing_named(question, phrase, target) == named


@pytest.mark.parametrize("question,foreign,named", [
    ("what's GABA and how does it relate to the inhibitory neurons ketamine affects?", ["GABA", "relate"], "GABA"),
    ("is that the same thing as dissociative identity disorder?", ["identity", "disorder"], "identity disorder"),
    ("what is esketamine / spravato", ["esketamine", "spravato"], "esketamine, spravato"),
    ("What role does mTOR play in ketamine's antidepressant effect?", ["mTOR"], "mTOR"),
    ("What is a k-hole?", ["hole"], "k-hole"),
    # Verbs are no things: the yes/no question's verb, one before its particle.
    ("Does ketamine mimic glutamate?", ["mimic"], ""),
    ("What does the glutamate surge switch on?", ["switch"], ""),
])
def test_words_the_material_never_uses_are_named_as_things(question, foreign, named):
    assert foreign_phrases(question, foreign) == named


def test_misspelt_common_words_are_spelt_right(tutor):
    respell = tutor.answerability.respell
    assert respell("whats the diffrence between ketamine and pcp") == "whats the difference between ketamine and pcp"
    # Corpus words, their misspellings and names are left to the material's own repair; real words stay.
    assert respell("what does ketamin do to neurons") == "what does ketamin do to neurons"
    assert respell("is esketamine the same as ketamine?") == "is esketamine the same as ketamine?"
    assert respell("what is GABA") == "what is GABA"


def test_a_segue_opener_is_read_past():
    assert without_segue("speaking of fertilizer, how often should I water my plants?") == "how often should i water my plants?"
    assert without_segue("What does fertilizer mean here?") == "What does fertilizer mean here?"


def test_a_segue_opener_does_not_make_a_question_about_the_material(tutor):
    about = tutor.answerability.about_material
    assert not about("speaking of fertilizer, how often should I fertilize my tomato plants?")
    assert about("what does the fertilizer comparison mean?")


def test_the_kind_as_the_material_writes_it(tutor):
    assert tutor.answerability.written_form("ssri") == "ssris"
    assert tutor.answerability.written_form("receptor") == "receptor"


@pytest.mark.parametrize("history,question,kind", [
    ([], "can ketamine kill you?", "not_in_material"),
    ([], "can ketamine kill brain cells?", "answer"),
    ([], "what's a neurotransmitter", "answer"),
    ([], "whats the diffrence between ketamine and pcp", "not_in_material"),
    ([], "what does BDNF actually do, and btw who discovered it?", "answer"),
    ([], "Is it true that all of ketamine's effects come back to glutamate?", "answer"),
    ([], "What does ketamine do to heart rate and blood pressure?", "not_in_material"),
    ([], "What does ketamine do to memory?", "answer"),
    ([], "Besides depression, which other mental health conditions is ketamine used to treat?", "not_in_material"),
    ([], "Which SSRI is most commonly prescribed?", "not_in_material"),
    ([], "speaking of fertilizer, how often should I water my tomato plants?", "out_of_scope"),
    # Nor does it pick up a word of the answer just given ("… functions like a fertilizer for brain cells").
    (["What is BDNF?"], "speaking of fertilizer, how often should I fertilize my tomato plants?", "out_of_scope"),
])
def test_round10_verdicts(tutor, history, question, kind):
    reply = ask_case(tutor, history, question)
    assert reply.kind == kind, reply.answer


@pytest.mark.parametrize("question,reason", [
    ("can ketamine kill you?", "(it gives no word on whether it can kill)"),
    ("whats the diffrence between ketamine and pcp", "(it never mentions pcp)"),
    ("Can ketamine make you feel sick or throw up?", "(it does not go into that)"),
])
def test_the_decline_names_a_thing_or_says_so_plainly(tutor, question, reason):
    reply = ask_case(tutor, [], question)
    assert reply.kind == "not_in_material" and reason in reply.answer, reply.answer
