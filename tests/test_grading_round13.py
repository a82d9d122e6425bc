"""Grading round 13: the public lexicon API the grader uses, and the round's changes."""

from __future__ import annotations

from tutor.grading import _contrast
from tutor.grounding import antonym_poles, valence_of_poles


def test_the_judges_antonym_poles_and_their_valence_are_public():
    higher, lower = set(antonym_poles("higher")), set(antonym_poles("lower"))
    assert any((concept, -sign) in lower for concept, sign in higher)
    assert antonym_poles("ketamine") == []
    assert valence_of_poles([("growth", 1)]) == 1 and valence_of_poles([("growth", -1)]) == -1
    assert valence_of_poles([("growth", 1), ("health", -1)]) == 0
    # The grader's slot check reads them: opposite poles are a known contrast, a word and itself are not.
    assert _contrast("lower", "higher") and not _contrast("higher", "higher")


import pytest

from evals.pedagogy import locate
from tests.tutoring_fixtures import tutoring  # noqa: F401  (fixture)
from tutor.grading import _also_valued, _double_negated, _judged_just, _narrowed_scope, _sides_kept, _substituted
from tutor.quiz import item_from_passage
from tutor.text import words

_CONSEQUENCES = ["Long-term, high-dose ketamine use, often seen recreationally, has markedly different consequences than "
                 "use in controlled, therapeutic settings.",
                 "While therapeutic doses can foster neuroplasticity, chronic overuse may trigger processes like "
                 "excitotoxicity."]
_DETACHMENT = ("This is a sense of detachment, where an individual may feel disconnected from their own thoughts, body, or "
               "the external environment.")
_USES = ["The substance is also used in veterinary medicine.",
         "This has led to its use as both a clinical treatment and a recreational substance."]
_ABUNDANT = "The most abundant of these is glutamate, which plays a role in nearly all brain activities."
_PLASTICITY = "This process stimulates neuroplasticity, the brain’s ability to form new neural connections."
_ROADBLOCK = "The action is comparable to a temporary roadblock at a major intersection, altering system-wide traffic patterns."
_INTERRUPTED = ("When glutamate signals are interrupted, the brain’s ability to integrate sensory inputs with its internal "
                "sense of self becomes fragmented.")


def test_a_contrast_whose_sides_each_keep_to_one_side_of_the_passages_is_not_mixed_up():
    # The judge reads sides across the passages' two sentences ("high-dose" stands beside "therapeutic" in the first);
    # the answer keeps to the sides of the second. Swapping subjects and predicates mixes them.
    for kept in ("therapeutic doses can foster neuroplasticity, while chronic high-dose overuse may trigger "
                 "excitotoxicity.",
                 "At therapeutic levels it helps the brain form new connections (neuroplasticity), whereas chronic "
                 "overuse risks excitotoxicity."):
        assert _sides_kept(kept, _CONSEQUENCES), kept
    for mixed in ("chronic overuse can foster neuroplasticity, while therapeutic doses may trigger excitotoxicity.",
                  "Therapeutic doses trigger excitotoxicity, whereas overuse fosters neuroplasticity.",
                  "Therapeutic doses can foster neuroplasticity."):
        assert not _sides_kept(mixed, _CONSEQUENCES), mixed


def test_just_read_as_only_and_a_double_negation():
    assert _judged_just("antonym: claim says “just”, source says “both”", "people take it just for fun")
    assert _judged_just("exclusive claim (“only”) where the source says “such as”", "forgetting what you were just told")
    assert not _judged_just("antonym: claim says “just”, source says “both”", "it is only and just for fun")
    assert not _judged_just("antonym: claim says “rarely”, source says “both”", "people just take it")
    assert _double_negated(words("hardly anything the brain does happens without it"))
    assert not _double_negated(words("nothing changes in how things are perceived"))
    assert not _double_negated(words("too little glutamate after ketamine blocks the receptors"))  # a block is no negation


def test_a_negative_prefix_in_a_words_slot_is_a_reversal():
    question = "What is neuroplasticity?"
    assert _substituted("The brain's inability to form new neural connections.", [_PLASTICITY], question)
    assert _substituted("A feeling of being intensely connected to your own thoughts, body and surroundings.",
                        [_DETACHMENT], "What is dissociation?")
    assert _substituted("The brain's ability to form new neural connections.", [_PLASTICITY], question) is None
    assert _substituted("The brain's capacity to build new neural connections.", [_PLASTICITY], question) is None


@pytest.mark.parametrize("passages, question, faithful, reversed_", [
    ([_DETACHMENT], "How does dissociation feel?",
     "Your body and your thoughts don't feel like yours anymore, and the world around you seems far away.",
     "You feel more connected to your thoughts, your body and the world around you than ever."),
    (_USES, "What two kinds of use has ketamine come to have?",
     "Doctors give it as a treatment, and other people take it just for fun.",
     "It is only ever used as a treatment, never recreationally."),
    ([_ABUNDANT], "Which neurotransmitter is the most abundant, and in how much brain activity does it play a role?",
     "Glutamate is the commonest, and hardly anything the brain does happens without it.",
     "Glutamate is the rarest, and it plays a role in very few brain activities."),
    (_CONSEQUENCES, "How do therapeutic doses and chronic overuse differ?",
     "Therapeutic doses can foster neuroplasticity, while chronic high-dose overuse may trigger excitotoxicity.",
     "Chronic overuse can foster neuroplasticity, while therapeutic doses may trigger excitotoxicity."),
])
def test_faithful_wordings_the_judge_reads_as_reversals_are_not_marked_incorrect(tutoring, passages, question,
                                                                                   faithful, reversed_):
    item = item_from_passage(question, [locate(tutoring.tutor, p, n) for n, p in enumerate(passages, 1)])
    assert tutoring.grader.grade(item, faithful).label != "incorrect", tutoring.grader.grade(item, faithful).reasons
    assert tutoring.grader.grade(item, reversed_).label == "incorrect", tutoring.grader.grade(item, reversed_).reasons


def test_an_effect_kept_to_one_place_where_the_material_says_it_spreads_is_a_reversal():
    for local in ("It's like a roadblock that only changes traffic at that one corner and nowhere else.",
                  "The effect stays local, like a roadblock on a side street.",
                  "It only affects the traffic right around it."):
        assert _narrowed_scope(local, [_ROADBLOCK]), local
    for spread in ("Closing one junction doesn't only affect that one spot; traffic all over town changes.",
                   "It changes traffic across the whole system, not just at that point.",
                   "Blocking one key point changes traffic patterns everywhere."):
        assert _narrowed_scope(spread, [_ROADBLOCK]) is None, spread
    # Only where the passages say the effect spreads.
    assert _narrowed_scope("The effect stays local.", [_PLASTICITY]) is None


def test_a_word_of_breaking_beside_a_judged_opposite_of_fragmented_is_a_rewording():
    for faithful in ("Integration between incoming senses and the self is broken up when glutamate is blocked.",
                     "integration of senses with sense of self breaks up"):
        assert _also_valued(faithful, "integration", "fragmented", [_INTERRUPTED]), faithful
    for reversed_ in ("Integration between senses and the self is never broken up, it gets stronger.",
                      "Integration between senses and the self gets stronger when glutamate is blocked."):
        assert not _also_valued(reversed_, "integration", "fragmented", [_INTERRUPTED]), reversed_
