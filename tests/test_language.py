"""A question in another language than the material's, or in chat spellings: told so, or read as meant."""

from __future__ import annotations

import pytest

from tutor.text import language_of


@pytest.mark.parametrize("text, code", [
    ("¿qué hace la ketamina en el cerebro?", "es"), ("que fait la kétamine au cerveau ?", "fr"),
    ("was macht Ketamin mit dem Gehirn?", "de"), ("o que a cetamina faz no cérebro?", "pt"),
    ("what does ketamine do to the brain?", "en"),
])
def test_the_language_of_a_question_is_told_by_its_words(text, code):
    assert language_of(text) == code


@pytest.mark.parametrize("text", ["was ist BDNF?", "whats bdnf", "ketamine nmda???", "hola", ""])
def test_too_few_telling_words_name_no_language(text):
    assert language_of(text) is None


def test_a_question_in_another_language_is_asked_to_come_in_the_materials(tutor):
    assert tutor.language == "en"
    reply = tutor.ask("¿qué hace la ketamina en el cerebro?")
    assert reply.kind != "answer" and not reply.citations
    assert "Spanish" in reply.answer and "ask it in English" in reply.answer
    english = tutor.ask("what does ketamine do in the brain?")  # the same question in English is answered
    assert english.kind == "answer" and english.citations


def test_a_crisis_in_another_language_still_gets_the_crisis_reply(tutor):
    assert tutor.ask("quiero morir, ya no puedo más").kind == "crisis"


@pytest.mark.parametrize("asked, quoted", [("wats glutamate", "most abundant"), ("whats bdnf", "fertilizer")])
def test_a_question_word_spelt_as_in_chat_asks_the_same(tutor, asked, quoted):
    # "wats" counted as content, and its meaningless similarity chose the quotes: glutamate's definition was left out.
    from tutor.text import content_words

    assert content_words(asked) == content_words(asked.replace("wats", "what's").replace("whats", "what's"))
    reply = tutor.ask(asked)
    assert reply.kind == "answer" and any(quoted in c.text for c in reply.citations), reply.answer
