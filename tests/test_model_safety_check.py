"""TUTOR_SAFETY_MODEL_CHECK: a generative backend's second opinion can add a crisis or safety reply, never lift one.

The model is scripted (a fake stands in for the language model only); the screen, guard and tutor are real.
"""

from __future__ import annotations

import uuid

import pytest

from chat_fakes import scripted
from conftest import REPO
from tutor.generation import GenerationOptions, GenerativeBackend
from tutor.grounding import Judge
from tutor.prompts import load_prompts

DRAFT = "Ketamine acts as an antagonist at NMDA receptors [1]."
LEARNING = "What does ketamine do to NMDA receptors?"


@pytest.fixture
def checked(tutor, embeddings, monkeypatch):
    """The shared tutor with a scripted generative backend and the model check on; returns a function to script it."""
    prompts = load_prompts(REPO / "prompts")

    def use(*answers):
        model = scripted(*answers)
        backend = GenerativeBackend("local", model, prompts, Judge(embeddings), GenerationOptions(backoff=0.0))
        monkeypatch.setattr(tutor, "backend", backend)
        monkeypatch.setattr(tutor.settings, "safety_model_check", True)
        monkeypatch.setattr(tutor.settings, "condense_with_model", False)
        return model.chat

    return use


def test_the_models_label_adds_a_crisis_reply_the_screen_missed(tutor, checked):
    chat = checked("CRISIS")
    before = tutor.guard.log.counts().get("crisis/model", 0)
    session = uuid.uuid4().hex
    reply = tutor.ask(LEARNING, session)
    assert reply.kind == "crisis" and reply.backend == "safety" and not reply.citations
    [call] = chat.calls  # the check only: nothing was composed
    assert LEARNING in call[-1].content and "CRISIS, HARMFUL or OK" in call[-1].content
    assert tutor.guard.log.counts()["crisis/model"] == before + 1


def test_harmful_is_a_safety_reply_and_earlier_turns_are_shown_to_the_model(tutor, checked):
    session = uuid.uuid4().hex
    checked("OK", DRAFT)
    assert tutor.ask(LEARNING, session).kind == "answer"
    chat = checked("HARMFUL.")
    reply = tutor.ask("and how does that feel?", session)
    assert reply.kind == "safety"
    assert f"EARLIER: {LEARNING}" in chat.calls[0][-1].content


def test_the_model_never_lifts_the_offline_screens_refusal(tutor, checked):
    chat = checked()  # any call would fail: the scripted model has no answers
    reply = tutor.ask("how much ket should i take for a good trip this weekend?", uuid.uuid4().hex)
    assert reply.kind == "safety" and chat.calls == []


@pytest.mark.parametrize("label", ["OK", "I'd say this message is fine", ""])
def test_ok_or_an_unusable_label_leaves_the_offline_decision(tutor, checked, label):
    chat = checked(label, DRAFT)
    reply = tutor.ask(LEARNING, uuid.uuid4().hex)
    assert reply.kind == "answer" and len(chat.calls) == 2


def test_a_failing_model_leaves_the_offline_decision(tutor, checked):
    checked(ValueError("model crashed"), DRAFT)
    assert tutor.ask(LEARNING, uuid.uuid4().hex).kind == "answer"


def test_off_by_default_no_check_is_made(tutor, checked, monkeypatch):
    chat = checked(DRAFT)
    monkeypatch.setattr(tutor.settings, "safety_model_check", False)
    assert tutor.ask(LEARNING, uuid.uuid4().hex).kind == "answer"
    assert len(chat.calls) == 1  # the answer only
