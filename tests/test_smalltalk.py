"""Greetings, thanks and questions about the tutor itself get a tutor's reply, not a refusal."""

import pytest

from tutor import smalltalk


@pytest.mark.parametrize("message, kind", [
    ("hi", "greeting"), ("Hello there!", "greeting"), ("hey, how are you?", "greeting"),
    ("good morning tutor", "greeting"), ("thanks!", "thanks"), ("ok thank you so much", "thanks"),
    ("cheers", "thanks"), ("bye", "farewell"), ("that’s all for today", "farewell"),
    ("what can you teach me?", "capabilities"), ("Where do I start", "capabilities"), ("/help", "capabilities"),
    ("what are the main topics?", "capabilities"), ("What topics are covered?", "capabilities"),
    ("what does the article cover", "capabilities"), ("table of contents", "capabilities"),
    ("what's this material about?", "capabilities"), ("whats this all about", "capabilities"),
    ("thank you so much, this really helped!", "thanks"), ("thanks, that makes sense now", "thanks"),
    ("i'm so confused right now", "struggling"), ("none of this makes sense to me", "struggling"),
    ("this is hard", "struggling"), ("i need a break", "pause"), ("I'm tired, let's stop for today", "pause"),
    ("ok I'm back", "resume"), ("let's continue", "resume"), ("thanks. can we go back to the lesson?", "resume"),
    ("back to the lesson please", "resume"), ("can we continue with the lesson?", "resume"),
])
def test_small_talk_is_recognised(message, kind):
    assert smalltalk.classify(message) == kind


@pytest.mark.parametrize("message", [
    "hi, what is BDNF?", "thanks! and what's the weather tomorrow?", "what do you know about excitotoxicity",
    "how does this work in the brain?", "hey can you help me with my chemistry homework", "",
    "what are the main effects of ketamine?", "what does ketamine do to the brain?",
    "this is hard, i want to die", "i'm lost in life", "i need a break from ketamine",
    "can we go back to the part about bdnf?", "i want to go back to using",
])
def test_a_message_that_says_more_is_not_small_talk(message):
    assert smalltalk.classify(message) is None


def test_a_greeting_is_welcomed_with_what_the_material_covers(tutor):
    reply = tutor.ask("hi!")
    assert reply.kind == "out_of_scope"  # no question the material answers: nothing is cited
    assert reply.citations == []
    assert reply.answer.startswith("Hi!")
    for section in tutor.covered_topics().split("; "):
        assert section in reply.answer
    assert "outside what I can teach" not in reply.answer


def test_asking_what_the_tutor_does_lists_its_commands(tutor):
    reply = tutor.ask("what can you teach me?")
    assert reply.kind == "out_of_scope"
    assert "quiz me" in reply.answer and "/socratic on" in reply.answer
    assert reply.suggestions and reply.suggestions[0] in reply.answer


def test_small_talk_with_an_off_topic_question_is_still_declined(tutor):
    reply = tutor.ask("thanks! and what's the weather going to be like tomorrow?")
    assert reply.kind == "out_of_scope"
    assert reply.answer == tutor.decline_text("out_of_scope")


def test_a_stuck_or_tired_learner_is_met_as_a_tutor_would(tutor):
    stuck = tutor.ask("i'm so confused right now")  # once read as despair by the safety classifier
    assert stuck.kind == "out_of_scope" and "small steps" in stuck.answer and not stuck.citations
    tired = tutor.ask("I'm tired, let's stop for today")
    assert tired.kind == "out_of_scope" and "break" in tired.answer and "my progress" in tired.answer


@pytest.mark.parametrize("message, kind", [
    ("hi! what can you teach me?", "capabilities"), ("hey, where do I start?", "capabilities"),
    ("ok thanks, bye", "farewell"), ("hi mate, help", "capabilities"), ("great thanks", "thanks"),
    ("okay… i'm so lost", "struggling"),
])
def test_what_follows_an_opener_decides(message, kind):
    assert smalltalk.classify(message) == kind


@pytest.mark.parametrize("message, rest", [
    ("ok thanks, quiz me on dissociation", "quiz me on dissociation"), ("hey there! my progress", "my progress"),
    ("so what is BDNF?", "what is BDNF?"), ("hi there", "hi there"), ("ok", "ok"), ("k-hole?", "k-hole?"),
    ("well-being", "well-being"), ("yes", "yes"),
])
def test_openers_are_stripped_only_when_something_follows(message, rest):
    assert smalltalk.strip_openers(message) == rest


def test_small_talk_after_an_answer_is_not_a_follow_up(tutor):
    # "ok thanks" has almost no words of its own, so it once inherited the last question's and re-quoted its answer.
    tutor.ask("what is BDNF?", "st-after")
    for message, opening in [("ok thanks", "You’re welcome"), ("help", "I teach from the course material")]:
        reply = tutor.ask(message, "st-after")
        assert reply.kind == "out_of_scope" and not reply.citations
        assert reply.answer.startswith(opening)


def test_a_command_after_an_opener_is_still_a_command(tutor):
    reply = tutor.ask("thanks! quiz me on dissociation", "st-cmd")
    assert "Question 1 of" in reply.answer and "Dissociative" in reply.answer
    assert tutor.tutoring.pending("st-cmd")
    tutor.ask("ok, stop quiz", "st-cmd")
    assert not tutor.tutoring.pending("st-cmd")


def test_coming_back_to_the_lesson_after_a_crisis_reply_is_met_gently(tutor):
    # "thanks. can we go back to the lesson?" right after a crisis reply got the off-topic refusal.
    session = "after-crisis"
    crisis = tutor.ask("i've been feeling really low and i'm thinking about ending it", session)
    assert crisis.kind == "crisis"
    back = tutor.ask("thanks. can we go back to the lesson?", session)
    assert back.kind == "out_of_scope" and not back.citations
    assert back.answer.startswith(smalltalk.AFTER_CRISIS) and "outside what I can teach" not in back.answer
    assert tutor.ask("what is BDNF?", session).kind == "answer"  # and the lesson goes on
    elsewhere = tutor.ask("thanks. can we go back to the lesson?", "no-crisis")
    assert elsewhere.answer.startswith("Welcome back")  # the gentle words only follow a crisis reply
