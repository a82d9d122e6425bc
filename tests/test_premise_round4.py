"""Premise round 4: the sentence that says the opposite of a claim's word is found wherever it ranks."""

from __future__ import annotations

import uuid

import pytest

from tests.chat_fakes import scored
from tests.conftest import REPO
from tests.test_premise import corrected
from tutor.grounding import analyse
from tutor.premise import _another_event, _opposed_pair, check_premise, promote


@pytest.mark.parametrize("claim, sentence, pair", [
    # how long it lasts, about the same receptor
    ("Ketamine blocks NMDA receptors permanently.",
     "This means it temporarily blocks the receptor, preventing glutamate from activating it.",
     ("permanently", "temporarily")),
    # how good it is, about the same sense of time
    ("Ketamine makes your sense of time sharper and more precise.",
     "Individuals may experience a distorted sense of time.", ("sharper", "distorted")),
    # "only" against "also" bound to the same verb
    ("Ketamine only used on animals and never on people.", "The substance is also used in veterinary medicine.",
     ("only", "also")),
])
def test_a_word_and_its_opposite_about_the_same_thing_are_paired(claim, sentence, pair):
    assert _opposed_pair(analyse(claim), analyse(sentence), {"ketamin"}) == pair


@pytest.mark.parametrize("claim, sentence", [
    # "just" binds to "the brain's ability", "also" to "be compromised": the two speak of different things
    ("Neuroplasticity is just the brain's ability to make new connections.",
     "The brain's structural integrity may also be compromised."),
    # "helps" passes its direction on to "grow"; the synapses lost are another process's
    ("BDNF helps grow new synapses and fix damaged pathways.",
     "This process can lead to a loss of synapses and other changes to brain structure."),
    # direction words: the material blocks one receptor and activates others
    ("Ketamine blocks NMDA receptors.", "The glutamate surge activates other receptors."),
    # the same side is no opposite
    ("Ketamine blocks NMDA receptors temporarily.", "This means it temporarily blocks the receptor."),
])
def test_words_that_do_not_oppose_each_other_about_one_thing_are_not_paired(claim, sentence):
    assert _opposed_pair(analyse(claim), analyse(sentence), {"ketamin"}) is None


def test_the_opposite_sentence_ranked_below_the_six_checked_rules_the_premise_out(make_tutor):
    volcanoes = make_tutor(REPO / "tests" / "data" / "tutoring_corpus")
    openings = ["Volcanoes are openings", "They form mostly", "Pyroclastic flows are", "These fast-moving currents",
                "Deep below the surface", "Magma is molten rock", "Viscosity is a fluid", "Volcanic ash can collapse"]
    ranked = scored(volcanoes, openings)
    premise = check_premise("why does volcanic ash improve the lungs of people who breathe it?", ranked,
                            volcanoes.judge)
    assert premise is not None and premise.evidence.startswith("Volcanic ash can collapse"), premise
    # told the same, the sentence is no reason to correct
    assert check_premise("why does volcanic ash harm the lungs of people who breathe it?", ranked,
                         volcanoes.judge) is None
    # nor when it is missing from the ranking
    assert check_premise("why does volcanic ash improve the lungs of people who breathe it?", ranked[:-1],
                         volcanoes.judge) is None


def test_a_premise_ruled_out_by_a_lower_ranked_opposite_is_corrected(tutor):
    reply = tutor.ask("Since ketamine blocks NMDA receptors permanently, wouldn't one dose change your brain for good?",
                      uuid.uuid4().hex)
    assert corrected(reply) and any("temporarily" in c.text for c in reply.citations), reply.answer
    assert not corrected(tutor.ask("ketamine only blocks NMDA receptors temporarily, right?", uuid.uuid4().hex))


def test_a_word_that_also_gives_a_direction_is_not_read_for_how_good():
    # "boost" says more of the inhibitory neurons, not better ones: damaged neurons elsewhere are no opposite
    assert _opposed_pair(analyse("Ketamine boosts the inhibitory neurons to calm the brain down."),
                         analyse("Excitotoxicity occurs when neurons are damaged or die."), {"ketamin"}) is None
    # how much there is: "a handful" against "nearly all", about brain functions
    assert _opposed_pair(analyse("Glutamate only matters for a handful of brain functions."),
                         analyse("The most abundant of these is glutamate, which plays a role in nearly all brain "
                                 "activities."), {"ketamin"}) == ("handful", "nearly all")


def test_the_opposite_sentence_outside_the_retrieved_passages_is_found_in_the_material_and_quoted(make_tutor):
    volcanoes = make_tutor(REPO / "tests" / "data" / "tutoring_corpus")
    ranked = scored(volcanoes, ["Volcanoes are openings", "They form mostly", "Pyroclastic flows are"])
    question = "why does volcanic ash improve the lungs of people who breathe it?"
    assert check_premise(question, ranked, volcanoes.judge) is None  # not among the passages
    premise = check_premise(question, ranked, volcanoes.judge, pool=volcanoes.chunks)
    assert premise is not None and premise.evidence.startswith("Volcanic ash can collapse"), premise
    promoted = promote(ranked, premise.evidence, volcanoes.chunks)
    assert promoted[0].sentence.text == premise.evidence and len(promoted) == len(ranked) + 1
    assert promote(ranked, premise.evidence) == ranked  # without the material, nothing to take it from


RECENT = ("In recent years, ketamine has attracted attention from the mental health community for its potential "
          "applications in treating certain conditions.")


def test_a_time_that_dates_another_event_is_no_contradiction():
    reasons = ["antonym: claim says “1960s”, source says “recent”"]
    # synthesized then, attention now: two events, neither rules the other out
    assert _another_event("Ketamine was first synthesized in the 1960s.", RECENT, reasons, {"ketamin"})
    # the same event dated otherwise is still ruled out
    assert not _another_event("Ketamine attracted attention from the mental health community back in the 1960s.",
                              RECENT, reasons, {"ketamin"})
    # only times: other antonyms are left to the judge
    assert not _another_event("Ketamine blocks NMDA receptors permanently.", "This means it temporarily blocks the "
                              "receptor.", ["antonym: claim says “permanently”, source says “temporarily”"], {"ketamin"})


def test_a_date_of_another_event_is_not_corrected(tutor):
    reply = tutor.ask("ketamine was invented in the 1960s, wasn't it?", uuid.uuid4().hex)
    assert not corrected(reply), reply.answer
