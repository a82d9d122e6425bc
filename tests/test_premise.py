"""Premises in questions: recovered from the wording, judged against the material, corrected in the reply."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.chat_fakes import scripted
from tests.conftest import REPO
from tests.test_generation import make_backend
from tutor.answering import CORRECTION_LEAD
from tutor.grounding import Judge
from tutor.premise import Premise, _contrast, premises_of, stated_premises
from tutor.prompts import load_prompts
from tutor.text import stem
from tutor.types import TutorReply

PREMISES = REPO / "tests" / "data" / "premises.yaml"


@pytest.mark.parametrize("question, claims", [
    ("Why does ketamine raise serotonin levels?", ["Ketamine raise serotonin levels."]),
    ("so ketamine makes the brain less active overall right?", ["Ketamine makes the brain less active overall."]),
    ("ketamine takes weeks to work, doesn't it?", ["Ketamine takes weeks to work."]),
    ("is it true that BDNF kills neurons?", ["BDNF kills neurons."]),
    ("I read that ketamine activates NMDA receptors - why is that?", ["Ketamine activates NMDA receptors."]),
    ("My teacher said BDNF kills neurons. Is that correct?", ["BDNF kills neurons."]),
    ("my old chemistry teacher told me glutamate is rare", ["Glutamate is rare."]),
    ("Ketamine boosts serotonin. Why?", ["Ketamine boosts serotonin."]),
    ("Isn't ketamine an opioid?", ["Ketamine an opioid."]),  # a negative question expects the positive
    ("Why doesn't ketamine affect glutamate?", ["It is not true that ketamine affect glutamate."]),
    ("does ketamine block nmda receptors", ["Ketamine block nmda receptors."]),
    # "since / given that S, …" takes S for granted, then whatever the rest does
    ("Since magma sinks into the crust, why do volcanoes erupt so often?",
     ["Magma sinks into the crust.", "Volcanoes erupt so often."]),
    ("given that BDNF kills neurons, is it dangerous?", ["BDNF kills neurons."]),
    ("Is it the surge that blocks the receptor?", ["The surge blocks the receptor."]),  # a cleft question
    ("the cortex doesnt do anything for mood, does it?", ["The cortex doesnt do anything for mood."]),
    ("my professor told us glutamate is rare, is that right?", ["Glutamate is rare."]),
    ("wait, so BDNF kills neurons?", ["BDNF kills neurons."]),  # a statement said with a question mark
    # reported by the learner, not about the learner: the statement after the report is the premise
    ("my understanding is that glutamate is rare, so why does it matter?", ["Glutamate is rare."]),
    ("we learned that BDNF kills neurons", ["BDNF kills neurons."]),
    # a statement followed by the question it raises: the statement is the premise, not the question
    ("glutamate is rare in the brain, so why does it matter?", ["Glutamate is rare in the brain."]),
    ("BDNF kills neurons - how is that useful?", ["BDNF kills neurons."]),
    ("BDNF helps the brain repair what was damaged?", ["BDNF helps the brain repair what was damaged."]),
    # a denial spelt with "any" is put in the joined form the judge reads as one ("nothing to do with")
    ("the cortex doesnt really have anything to do with mood, does it?", ["The cortex has nothing to do with mood."]),
    ("BDNF doesn't play any role in repair, right?", ["BDNF plays no role in repair."]),
])
def test_the_statement_a_question_rests_on_is_recovered(question, claims):
    assert premises_of(question) == claims


@pytest.mark.parametrize("question", [
    "What is BDNF?", "how much ketamine is in a vial?", "Explain dissociation please.", "Is that right?",
    "when was it discovered?", "hi", "Can you explain NMDA receptors?", "why so slow?", "what is it, does it?",
    "Is it true?", "will I get addicted? I start ketamine therapy next week", "since I started therapy, why am I tired?",
    "So exactly how many hours after a treatment do people start feeling better?",
])
def test_questions_that_take_nothing_for_granted_have_no_premise(question):
    assert premises_of(question) == []


def corrected(reply: TutorReply) -> bool:
    """A correction is announced in the reply and in the answer's opening words."""
    announced = reply.corrected_premise is not None
    assert announced == (reply.kind == "answer" and reply.answer.startswith(CORRECTION_LEAD)), reply
    return announced


@pytest.mark.parametrize("question, quoted", [
    ("Why does ketamine activate NMDA receptors?", "antagonist"),
    ("so the glutamate surge happens while ketamine is at its peak, right?", "effects fade"),
    ("why is GABA the most abundant neurotransmitter in the brain?", "glutamate"),  # a swapped-in entity
])
def test_a_false_premise_is_corrected_with_the_sentence_that_contradicts_it(tutor, question, quoted):
    reply = tutor.ask(question, uuid.uuid4().hex)
    assert corrected(reply), reply.answer
    assert reply.grounding[0].verdict == "framing"
    assert any(quoted in c.text for c in reply.citations)


@pytest.mark.parametrize("question", [
    "ketamine blocks NMDA receptors, right?",
    "So a blocker can end up making some brain areas more active?",
    "What does BDNF do?",
    "How does the glutamate surge lead to more BDNF?",  # BDNF is one of the factors: naming it is no swap
    "will I get addicted? I start ketamine therapy next week",  # the learner's own situation, no claim on the material
])
def test_a_true_premise_or_a_plain_question_is_answered_without_correction(tutor, question):
    reply = tutor.ask(question, uuid.uuid4().hex)
    assert reply.kind == "answer" and not corrected(reply), reply.answer


def test_a_premise_taken_for_granted_before_the_question_is_corrected_in_other_material_too(make_tutor):
    volcanoes = make_tutor(REPO / "tests" / "data" / "tutoring_corpus")
    reply = volcanoes.ask("Since magma is heavier than the rock around it, why does it rise?", uuid.uuid4().hex)
    assert corrected(reply) and any("lighter" in c.text for c in reply.citations), reply.answer
    assert not corrected(volcanoes.ask("Given that viscous magma traps gas, why does it explode?", uuid.uuid4().hex))


def test_a_false_premise_hidden_by_support_stitched_from_several_sentences_is_corrected(tutor):
    # Together, the dissociation sentence and the SSRI sentence ("serotonin") seem to support the claim; the
    # sentence the question is about names glutamate in serotonin's place.
    reply = tutor.ask("dissociation is from the serotonin release, isn't it?", uuid.uuid4().hex)
    assert corrected(reply) and any("glutamate system" in c.text for c in reply.citations), reply.answer


def test_a_harm_word_undone_by_its_verb_is_no_contradiction(tutor):
    # "fix damaged pathways" is what "helps repair neuronal pathways" says, not its opposite
    reply = tutor.ask("BDNF helps grow new synapses and fix damaged pathways?", uuid.uuid4().hex)
    assert reply.kind == "answer" and not corrected(reply), reply.answer


@pytest.mark.parametrize("question, held", [
    ("does ketamine act on GABA receptors?", False),  # asks openly whether it holds
    ("Is it the surge that blocks the receptor?", False),  # asks which thing it holds of
    ("isn't ketamine an opioid?", True),  # expects that it is
    ("ketamine acts on GABA receptors, right?", True),
    ("why does ketamine act on GABA receptors?", True),
    ("my teacher said ketamine acts on GABA receptors", True),
    ("since ketamine acts on GABA receptors, is it a sedative?", True),
    ("so ketamine acts on GABA receptors?", True),
])
def test_whether_the_learner_holds_the_premise_or_asks_about_it(question, held):
    assert [h for _, h in stated_premises(question)][:1] == [held]


def test_a_premise_the_learner_holds_stands_when_the_rest_of_the_question_is_declined():
    # "…, yeah?" holds that SSRIs act on dopamine: declined for "dopamine", the material still says serotonin
    held = Premise(claim="SSRIs act on the dopamine system.", evidence="… SSRIs, which act on the serotonin system …",
                   reasons=["swapped entity: claim names dopamin, source names serotonin"], held=True)
    assert held.stands_despite(["dopamine"]) and held.stands_despite([])
    # asked openly ("do SSRIs act on the dopamine system?"), the material is silent on dopamine, not saying no
    assert not held.model_copy(update={"held": False}).stands_despite(["dopamine"])


def test_a_claim_that_fuses_what_a_sentence_sets_apart_is_contradicted(embeddings):
    judge = Judge(embeddings, topic={"volcano"})
    contrast = "While gentle eruptions can build new land, explosive eruptions may trigger deadly ash flows."
    assert judge.judge("Gentle eruptions trigger deadly ash flows.", [contrast]).label == "supported"  # stitched
    assert _contrast("Gentle eruptions trigger deadly ash flows.", contrast, judge, {"volcano"})
    assert _contrast("Explosive eruptions may trigger deadly ash flows.", contrast, judge, {"volcano"}) is None
    # a claim that itself contrasts the two is not fused
    assert _contrast("Gentle eruptions build land while explosive ones trigger ash flows.", contrast, judge,
                     {"volcano"}) is None


def test_a_claim_that_likens_the_subject_to_what_it_is_contrasted_with_is_contradicted(embeddings):
    topic = {stem("ketamine")}
    judge = Judge(embeddings, topic=topic)
    contrast = ("This mechanism contrasts with traditional antidepressants, like SSRIs, which act on the serotonin "
                "system and take several weeks to produce a therapeutic effect.")
    assert _contrast("Ketamine works slowly, over several weeks, like SSRIs.", contrast, judge, topic)
    assert _contrast("SSRIs take several weeks to produce a therapeutic effect.", contrast, judge, topic) is None


def test_a_false_premise_by_contrast_only_is_corrected(tutor):
    # the material sets ketamine's mechanism apart from SSRIs, which "take several weeks"; and therapeutic doses
    # apart from chronic overuse, which "may trigger … excitotoxicity"
    reply = tutor.ask("ketamine's antidepressant effect is slow to arrive, taking several weeks like SSRIs, right?",
                      uuid.uuid4().hex)
    assert corrected(reply) and any("contrasts" in c.text for c in reply.citations), reply.answer
    reply = tutor.ask("so therapeutic doses of ketamine trigger excitotoxicity too?", uuid.uuid4().hex)
    assert corrected(reply) and any("While therapeutic" in c.text for c in reply.citations), reply.answer
    assert not corrected(tutor.ask("SSRIs take several weeks to work, unlike ketamine, right?", uuid.uuid4().hex))


def test_a_held_premise_in_a_question_declined_for_a_word_the_material_never_uses_is_corrected(tutor):
    reply = tutor.ask("SSRIs work on the dopamine system, don't they?", uuid.uuid4().hex)
    assert corrected(reply) and any("serotonin" in c.text for c in reply.citations), reply.answer


def test_words_a_question_was_declined_for_leave_its_premise_standing_only_outside_it_or_as_its_mistake():
    agonist = Premise(claim="Ketamine is an NMDA agonist.", evidence="… an antagonist at these NMDA receptors.",
                      reasons=["antonym: claim says “agonist”, source says “antagonist”"])
    assert agonist.opposed_words == {"agonist"}
    assert agonist.stands_despite(["isnt"]) and agonist.stands_despite(["agonist"])
    gaba = Premise(claim="Ketamine acts on GABA receptors.", evidence="…", reasons=["swapped entity: claim names gaba"])
    assert not gaba.stands_despite(["gaba"])  # silent on GABA, the material does not say no
    assert not agonist.stands_despite([])  # declined for what it lacks, not for a word


def test_a_question_declined_for_a_word_outside_its_premise_is_corrected(tutor):
    reply = tutor.ask("my neuroscience lecturer claims ketamine activates NMDA receptors. is that so?", uuid.uuid4().hex)
    assert corrected(reply), reply.answer
    assert not corrected(tutor.ask("does ketamine act on GABA receptors?", uuid.uuid4().hex))


def test_a_pronoun_is_the_materials_subject_in_a_first_message_and_unchecked_in_a_follow_up(tutor):
    assert corrected(tutor.ask("it activates NMDA receptors, right?", uuid.uuid4().hex))
    session = uuid.uuid4().hex
    tutor.ask("How does ketamine help depression?", session)
    # "it" could be anything said before; the judge would bind it to the SSRIs that "take several weeks"
    assert not corrected(tutor.ask("Does it work fast?", session))


def test_a_generative_backend_opens_with_the_correction_too(tutor, embeddings, monkeypatch):
    draft = "Ketamine acts as an antagonist at NMDA receptors.\nIt temporarily blocks the receptor."
    backend = make_backend(scripted(draft), Judge(embeddings), load_prompts(REPO / "prompts"))
    monkeypatch.setattr(tutor, "backend", backend)
    reply = tutor.ask("Why does ketamine activate NMDA receptors?", uuid.uuid4().hex)
    assert reply.backend == "local" and corrected(reply), reply.answer
    assert reply.grounding[0].verdict == "framing"
    assert any(g.verdict == "supported" and "antagonist" in g.sentence for g in reply.grounding)


def test_premises_on_the_labelled_set(tutor):
    """Most false premises corrected; a true premise never (telling a learner who is right that they are wrong
    is the worse error). Measured numbers: docs/evals.md; `bench/bench_premises.py --stages` lists misses."""
    cases = yaml.safe_load(Path(PREMISES).read_text(encoding="utf-8"))
    outcome = Counter()
    for case in cases:
        reply = tutor.ask(case["question"], uuid.uuid4().hex)
        outcome[(str(case["premise"]).lower(), "corrected" if corrected(reply) else reply.kind)] += 1
    n = Counter(str(c["premise"]).lower() for c in cases)
    assert n["false"] >= 60 and n["true"] >= 50 and n["unknown"] >= 20
    assert outcome[("false", "corrected")] / n["false"] >= 0.8, outcome  # measured 0.87 (60/69)
    assert outcome[("true", "corrected")] == 0, outcome
    assert outcome[("unknown", "corrected")] <= 1, outcome


def test_what_people_do_is_no_false_premise_for_naming_another_setting(tutor):
    # "ketamine use … in therapeutic settings" makes no one else the doer: asking why people use it at parties
    # takes nothing for granted that the material rules out.
    reply = tutor.ask("why do people use ketamine at parties?", uuid.uuid4().hex)
    assert reply.kind in ("answer", "not_in_material") and not corrected(reply), reply.answer
    assert corrected(tutor.ask("why is ketamine an NMDA agonist?", uuid.uuid4().hex))
