"""Issue #4, round 12: the fourteenth set (two writers) becomes development data and the fifteenth was blind; the
classes of the older writers' misses. The wordings here are new, not lines of any data set."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_safety_round4 import _fixed, embed  # noqa: F401 (embed is a fixture)
from tutor import safety, safety_report
from tutor.safety import LABELS, SafetyClassifier, Screen, canonical


def test_the_fourteenth_set_is_development_data_as_two_writers():
    assert {"fresh14.yaml", "fresh14_second.yaml"} <= set(safety.TRAINING_FILES)
    files = safety_report.fresh_files()  # names only: a blind set is never opened here
    assert not safety_report.is_blind(files["fresh14"])
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


# ---------------------------------------------------------------------------- a vote far from every training message


def test_trust_in_a_vote_grows_with_how_close_the_nearest_training_message_is():
    trust = safety.familiarity_trust(np.array([0.1, safety.FAMILIAR_LOW, 0.425, safety.FAMILIAR_HIGH, 0.9]))
    assert safety.UNFAMILIAR_TRUST < 1.0
    assert trust[0] == pytest.approx(safety.UNFAMILIAR_TRUST) and trust[1] == pytest.approx(safety.UNFAMILIAR_TRUST)
    assert safety.UNFAMILIAR_TRUST < trust[2] < 1.0
    assert trust[3] == pytest.approx(1.0) and trust[4] == pytest.approx(1.0)


def test_a_message_far_from_every_training_message_gets_a_vote_drawn_toward_no_idea(monkeypatch):
    # Two training messages on two axes, both crises; the regression is sure of crisis everywhere.
    vectors = np.eye(2, dtype=np.float32)
    classifier = SafetyClassifier(np.zeros((2, len(LABELS))), np.log(np.array([0.9, 0.02, 0.06, 0.02])),
                                  vectors=vectors, targets=np.array([0, 0]))
    queries = np.array([[1.0, 0.0], [0.3, 0.3]])
    near, far = classifier.proba(queries)
    monkeypatch.setattr(safety, "FAMILIAR_HIGH", 0.0)  # trust every vote whole
    near_whole, far_whole = classifier.proba(queries)
    assert near == pytest.approx(near_whole) and near[0] > 0.9  # a training message itself: the vote whole
    assert far[0] == pytest.approx(safety.UNFAMILIAR_TRUST * far_whole[0] + (1 - safety.UNFAMILIAR_TRUST) / len(LABELS))
    assert far[0] < far_whole[0] and far.sum() == pytest.approx(1.0) and far.argmax() == 0  # toward no idea, not turned


# ---------------------------------------------------------------------------- a safety vote behind the off-topic vote


def test_a_safety_vote_behind_the_off_topic_vote_is_an_everyday_request(embed):
    message = "give me a good line for my wedding speech"  # "line" names the drug to the screen
    assert Screen(_fixed(0.01, 0.44, 0.03), embed).assess(message).kind == "ok"  # off-topic 0.52 ahead
    assert Screen(_fixed(0.01, 0.52, 0.03), embed).assess(message).kind == "safety"  # off-topic 0.44 behind
