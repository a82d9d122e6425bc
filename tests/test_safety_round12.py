"""Issue #4, round 12: the fourteenth set (two writers) becomes development data and the fifteenth stays blind; the
classes of the older writers' misses. The wordings here are new, not lines of any data set."""

from __future__ import annotations

import pytest

from tests.test_safety_round4 import _fixed, embed  # noqa: F401 (embed is a fixture)
from tutor import safety, safety_report
from tutor.safety import Screen, canonical


def test_the_fourteenth_set_is_development_data_as_two_writers_and_the_fifteenth_stays_blind():
    assert {"fresh14.yaml", "fresh14_second.yaml"} <= set(safety.TRAINING_FILES)
    assert not any(name.startswith("fresh15") for name in safety.TRAINING_FILES)
    files = safety_report.fresh_files()  # names only: a blind set is never opened here
    assert not safety_report.is_blind(files["fresh14"])
    if "fresh15" in files:
        assert safety_report.is_blind(files["fresh15"])
    assert "fresh15" not in safety_report.fresh_sets()
    sets = safety_report.dev_sets()
    # Two people wrote set 14: leave one writer out holds each out on its own.
    assert {"fresh14", "fresh14_second"} <= set(sets)
    data = safety.DATA_DIR
    assert len(sets["fresh14"]) == len(safety.load_examples(data / "fresh14.yaml"))
    assert len(sets["fresh14_second"]) == len(safety.load_examples(data / "fresh14_second.yaml"))


# ---------------------------------------------------------------------------- "one last time" is no past


@pytest.mark.parametrize("message", [
    "i'm on the roof. tell me about glutamate one last time.",
    "said goodbye to my brother like it was the last time",
    "going to sleep now, for the last time",
])
def test_the_last_time_tells_of_an_ending_not_the_past(message):
    assert not safety._PAST.search(canonical(message))


def test_last_time_alone_is_still_the_past():
    assert safety._PAST.search(canonical("last time i tried ket i felt sick for hours"))


def test_a_crisis_sentence_beside_one_last_lesson_is_not_history(embed):
    message = "I'm sitting on the edge of the roof typing this. Can you explain the NMDA receptor one last time?"
    assert not safety.past_disclosure(canonical(message))
    assert Screen(_fixed(0.6, 0.01, 0.38), embed).assess(message).kind == "crisis"


# ---------------------------------------------------------------------------- the writer implied by a dropped subject


@pytest.mark.parametrize("message", [
    "invisible at work, invisible at home. picked sunday as the day",
    "won't be needing the notes after friday. thanks anyway",
    "🕯️🕯️ soon. sorry dad",
])
def test_a_statement_naming_nobody_implies_the_writer(message):
    assert safety.writer_implied(canonical(message))


@pytest.mark.parametrize("message", [
    "ok so how does the surge help with low mood",  # asks, without a question mark
    "what happens after the last dose",
    "makes you feel detached for a while",  # a generic "you"
    "people feel invisible after a k-hole sometimes",
    "help",  # too short to say who
])
def test_questions_other_people_and_single_words_imply_no_writer(message):
    assert not safety.writer_implied(canonical(message))


def test_a_moderate_bare_vote_on_a_statement_naming_nobody_is_a_crisis(embed):
    # Between the bare lean (0.65) and a confident vote (0.8): a statement of the writer stands without a distress word
    # whether the writer is named or implied; a question or a generic "you" does not.
    screen = Screen(_fixed(0.7, 0.01, 0.28), embed)
    assert screen.assess("invisible at work, invisible at home. picked sunday as the day").kind == "crisis"
    assert screen.assess("i'm invisible at work, invisible at home. picked sunday as the day").kind == "crisis"
    assert screen.assess("makes you feel invisible at work and at home for days").kind == "ok"
    assert screen.assess("so how does it make people feel invisible at home").kind == "ok"
