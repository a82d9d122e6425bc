"""A question offering a choice takes neither side for granted: it is answered, never "Not quite"."""

from __future__ import annotations

import uuid

import pytest

from tutor.premise import stated_premises


@pytest.mark.parametrize("question", [
    "Is ketamine an agonist or an antagonist, and at which receptor?",
    "Does ketamine shut the receptor down for good, or only for a while?",
    "is dissociation the immediate effect or does it come later?",
    "Is ketamine only used by doctors, or do people also take it outside of medicine?",
])
def test_a_choice_holds_no_premise(question):
    assert stated_premises(question) == []


def test_a_yes_no_question_without_a_choice_or_a_negative_one_still_does():
    assert stated_premises("does ketamine block the receptor permanently?")  # asked openly, still checked
    assert stated_premises("isn't ketamine an agonist or something?") == [("Ketamine an agonist or something.", True)]


def test_a_choice_is_answered_without_a_correction(tutor):
    # Each choice below was answered "Not quite — the material says otherwise" for the side the learner only offered.
    reply = tutor.ask("Is ketamine an agonist or an antagonist at NMDA receptors?", uuid.uuid4().hex)
    assert reply.kind == "answer" and not reply.corrected_premise and "Not quite" not in reply.answer
    assert any("antagonist" in c.text for c in reply.citations)
    corrected = tutor.ask("Ketamine is an NMDA agonist, isn't it?", uuid.uuid4().hex)  # a held claim still is
    assert corrected.corrected_premise and corrected.answer.startswith("Not quite")
