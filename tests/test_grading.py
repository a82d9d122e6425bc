"""Grading: the hand-labelled learner answers, choices, answers that differ by one fact, feedback that quotes."""

from __future__ import annotations

import pytest

import yaml

from evals.pedagogy import (BLIND, BLIND_SPLIT, DATASET, DEV_FILES, VALIDATION_SPLIT, GradedCase, cross_validate,
                            dataset_paths, fit_boundaries, grade_datasets, grading_metrics, leave_one_set_out,
                            load_cases, locate, render)
from tutor.grading import (ACCOUNTED_FLOOR, CORRECT_WEIGHTS, PARTLY_WEIGHTS, Evidence, _also_valued, _attributes,
                           _contrast, _denied_change, _double_negative, _frames, _held_back, _held_near, _images,
                           _known_contrast, _mispaired, _referenced, _replaced_entity, _substituted, _swapped_time, decide, ideas)
from tests.conftest import ARTICLE
from tests.tutoring_fixtures import tutoring  # noqa: F401  (fixture)
from tutor.quiz import item_from_passage
from tutor.text import content_stems

# Measured 0.877 (round 12; 0.883 in round 11b on 1230) on the 1383 development answers (learner_answers.yaml and
# learner_answers_fresh{,2,3,4,5,6,7,8}.yaml; see docs/pedagogy.md); the goal is 0.9. The gate sits a little below the measurement so a regression fails.
# Round 9 lowered it from 0.89 (fresh5 joined), round 10 from 0.88: fresh6 (written blind, 0.753 at the end of round 9)
# joined the development data; round 11 raised it to 0.87 (fresh7 joined, 0.805 blind); round 12 kept it (fresh8
# joined, 0.778 blind); round 13 lowered it to 0.86 (fresh9 joined, 0.784 blind; 0.868 on the ten sets); round 14 kept
# it (fresh10 joined, 0.784 blind; 0.864 on the eleven sets, 0.869 after the round); round 15 kept it (fresh11 joined,
# 0.826 blind; 0.866 on the twelve sets, 0.867 after the round); round 16 kept it (fresh12 joined, 0.837 blind; 0.863
# on the thirteen sets after the refit, 0.865 after the round); round 17 kept it (fresh13 joined, 0.863 blind; 0.865 on
# the fourteen sets after the refit) and raised it to 0.87 (0.881 after the round: doubts and mispaired claims incorrect,
# the judge's verdict in the partly boundary). The blind set (learner_answers_fresh14.yaml) is never read here.
MIN_ACCURACY = 0.87
# Each development set scored with boundaries fitted on the others (round 13: measured 0.785–0.952, mean 0.869; round
# 14, eleven sets: 0.791–0.949, mean 0.862). Lowered
# from 0.80 in round 10 (the fresh6 fold was 0.747), raised in round 11 (fresh6 fold 0.759).
MIN_SET_OUT_ACCURACY = 0.75
# The issue's goal is none. Round 9: one of fresh5's (a cause of excitotoxicity its passages do not speak of, "too
# little glutamate"); round 12: four of fresh8's (of nine when it joined: two halves swapped, cause and effect
# reversed, "right when ketamine is first taken" for "as its effects fade", another definition of executive functions).
# Round 13: fresh9 joined the development data with three of its own (of 34); one after the round ("fixed wiring that
# can never change"). Round 14: fresh10 joined with one ("like adding extra lanes to an intersection so traffic moves
# faster" for the roadblock analogy). Round 15: fresh11 joined with three (a validation set: its misses are not read);
# the refit on twelve sets credits a second of fresh5's ("Learning, memory and muscle movement.", on the boundary),
# which its leave-one-set-out fold credited already. Round 16: fresh12 joined with two (the round's validation set); with
# the question's words left out of the cosines fresh9's is no longer credited and a second of fresh10's is ("It's a
# stimulant that keeps patients wide awake and sharpens their memory.", which the judge finds only unsupported). Round 17:
# fresh13 joined with four (the round's validation set; its misses are not read).
KNOWN_CONTRADICTING_MARKED_CORRECT = {"fresh5": 2, "fresh8": 4, "fresh10": 2, "fresh11": 3, "fresh12": 2, "fresh13": 4}


def test_dataset_passages_are_verbatim_and_cover_every_kind():
    text = ARTICLE.read_text(encoding="utf-8")
    cases = [q for p in dataset_paths(fresh=False) for q in load_cases(p)]
    answers = [a for q in cases for a in q["answers"]]
    assert len(answers) >= 100
    assert {a["kind"] for a in answers} == {"correct", "paraphrased", "partly", "wrong", "contradicting"}
    for q in cases:
        for p in q["passages"]:
            assert p in text, p


@pytest.fixture(scope="module")
def measured(tutoring):
    cases = grade_datasets(tutoring, dataset_paths(fresh=False))
    assert {c.split for c in cases} == {"dev", *DEV_FILES.values()}
    return cases, grading_metrics(cases)


def test_grading_accuracy_on_labelled_answers(measured):
    cases, m = measured
    misses = [(c.kind, c.got, c.answer) for c in cases if c.got != c.expected]
    assert m["accuracy"] >= MIN_ACCURACY, misses
    assert m["contradicting_marked_correct"] <= sum(KNOWN_CONTRADICTING_MARKED_CORRECT.values()), misses
    assert not [split for split, n in m["contradicting_marked_correct_by_split"].items()
                if n > KNOWN_CONTRADICTING_MARKED_CORRECT.get(split, 0)], misses
    # wrong answers: 0.815 before the round-15 refit, 0.786 after it (more wrong answers given partial credit); 0.761
    # when fresh12 joined in round 16 and the boundaries were refit, 0.812 after the round (the question's words left out
    # of the cosines: an answer naming the asked thing no longer says an idea holding that name; no foreign share in the
    # partly boundary). Contradicting answers: 0.904 after round 16, 0.896 when fresh13 joined in round 17 with four
    # marked correct (its blind score on them was 0.794); after round 17 (a doubt or a mispaired claim is incorrect, the
    # partly boundary weighs the judge's verdict instead of its lowest score) wrong 0.849, contradicting 0.940
    assert m["by_kind"]["wrong"] >= 0.84 and m["by_kind"]["correct"] >= 0.88 and m["by_kind"]["contradicting"] >= 0.93
    # measured 18 of 388 (round 9: 14 of 239; round 10: 19 of 295, fresh6 joined with 5 of its own, all judged
    # reversals; round 11: 25 of 339 with fresh7 before the round's excuses, 16 after; round 12: fresh8 joined with 2;
    # round 13: fresh9 joined with 11, 29 of 422; 19 after the round's excuses; round 14: fresh10 joined with 9, 28 of
    # 456; 24 after the round's weakly backed images and the refit; round 15: fresh11 joined with 10, 34 of 507, 31
    # after the refit; round 16: fresh12 joined with 5, 34 of 541 after the refit, 36 after the round; round 17:
    # fresh13 joined with 1, 36 of 575 after the refit, 35 after the round)
    assert m["paraphrase_marked_incorrect"] <= 35, misses


def test_shipped_boundaries_are_the_fit_and_hold_out_of_sample(measured):
    cases, _ = measured
    partly, correct = fit_boundaries(cases)
    assert abs(partly - PARTLY_WEIGHTS).max() < 0.1 and abs(correct - CORRECT_WEIGHTS).max() < 0.1
    # Refit without each question and graded on it: the boundaries are not tuned to single answers.
    assert cross_validate(cases) >= MIN_ACCURACY
    # Refit without each set (each written by another author) and graded on it: nor to one author's wordings.
    set_out = leave_one_set_out(cases)
    assert set(set_out) == {"dev", *DEV_FILES.values()} and min(set_out.values()) >= MIN_SET_OUT_ACCURACY


def test_no_contradicting_or_wrong_answer_of_the_dev_file_is_marked_correct(measured):
    cases, _ = measured
    assert not [c.answer for c in cases if c.split == "dev" and c.kind in ("contradicting", "wrong") and c.got == "correct"]
    # measured 7: the five contradicting answers above and two wrong ones (fresh8 joined in round 12 with 1); 10 when
    # fresh9 joined in round 13 (its three contradicting answers), 8 after the round; 9 when fresh10 joined in round 14;
    # 12 when fresh11 joined in round 15, 14 after its refit; 16 when fresh12 joined in round 16, 17 after the round
    # (13 contradicting, 4 long wrong answers); 21 when fresh13 joined in round 17 (its four contradicting answers)
    assert len([c for c in cases if c.kind in ("contradicting", "wrong") and c.got == "correct"]) <= 21


@pytest.fixture(scope="module")
def bdnf_item(tutor):
    passages = ["One of these is Brain-Derived Neurotrophic Factor (BDNF), which functions like a fertilizer for brain cells.",
                "BDNF encourages the growth of new synapses (connections between neurons) and helps repair neuronal pathways."]
    return item_from_passage("What does BDNF do?", [locate(tutor, p, n) for n, p in enumerate(passages, 1)])


@pytest.mark.parametrize("right, wrong", [
    ("BDNF encourages the growth of new synapses and helps repair neuronal pathways.",
     "BDNF discourages the growth of new synapses and helps repair neuronal pathways."),
    ("It works like a fertilizer for brain cells, helping new synapses grow.",
     "It works like a poison for brain cells, stopping new synapses from growing."),
])
def test_answers_differing_by_one_fact(tutoring, bdnf_item, right, wrong):
    assert tutoring.grader.grade(bdnf_item, right).label == "correct"
    assert tutoring.grader.grade(bdnf_item, wrong).label == "incorrect"


def test_feedback_quotes_the_exact_passage(tutor, tutoring, bdnf_item):
    for answer in ("It makes synapses grow.", "It breaks down synapses.", ""):
        grade = tutoring.grader.grade(bdnf_item, answer)
        c = grade.citation
        assert c is not None and c.text in grade.feedback
        assert tutor.sources[c.source][c.start:c.end] == c.text


def test_choices(tutoring):
    bank = tutoring.bank().items
    mc = next(i for i in bank if i.kind == "multiple_choice")
    letter = "abcd"[mc.options.index(mc.answer)]
    wrong = next(o for o in mc.options if o != mc.answer)
    assert tutoring.grader.grade(mc, letter.upper()).label == "correct"
    assert tutoring.grader.grade(mc, mc.answer.lower()).label == "correct"
    assert tutoring.grader.grade(mc, wrong).label == "incorrect"
    assert tutoring.grader.grade(mc, "no idea").label == "incorrect"
    tf = next(i for i in bank if i.kind == "true_false" and i.answer == "False")
    assert tutoring.grader.grade(tf, "false").label == "correct"
    assert tutoring.grader.grade(tf, "True.").label == "incorrect"
    assert "material" in tutoring.grader.grade(tf, "true").feedback


def test_a_blind_set_beside_the_dataset_is_graded_and_reported_as_its_own_split(tutoring, tmp_path):
    # Stand-ins written here (one dev question each); the real blind file is never read by the tests.
    question = dict(load_cases()[0])
    question.pop("split", None)
    dataset, blind = tmp_path / DATASET.name, tmp_path / BLIND
    dataset.write_text(yaml.safe_dump({"questions": [dict(question, split="dev")]}), encoding="utf-8")
    assert dataset_paths(dataset) == [dataset]
    devs = [tmp_path / name for name in DEV_FILES]
    for dev in devs:
        dev.write_text(yaml.safe_dump({"questions": [question]}), encoding="utf-8")
    unseen = [dict(a, text=a["text"] + " (blind)") for a in question["answers"]]
    blind.write_text(yaml.safe_dump({"questions": [dict(question, split="fresh", answers=unseen)]}), encoding="utf-8")
    assert dataset_paths(dataset) == [dataset, *devs, blind] and dataset_paths(dataset, fresh=False) == [dataset, *devs]
    cases = grade_datasets(tutoring, dataset_paths(dataset))
    m = grading_metrics(cases)
    # Each file's split is its own, whatever the file says.
    assert set(m["by_split"]) == {"dev", *DEV_FILES.values(), BLIND_SPLIT}
    assert m["by_split_answers"][BLIND_SPLIT] == len(question["answers"])
    blind_text = {c.answer for c in cases if c.split == BLIND_SPLIT}
    for c in cases:
        if c.split == BLIND_SPLIT:
            c.got = "incorrect" if c.expected != "incorrect" else "correct"  # misses that must not be listed
    m = grading_metrics(cases)
    m["set_out"] = leave_one_set_out([c for c in cases if c.split != BLIND_SPLIT])
    assert set(m["set_out"]) == {"dev", *DEV_FILES.values()}
    text = render(m, {"by_kind": {}, "objectives": 0, "items": 0, "keys_supported": 0, "equivalent_distractors": 0,
                      "distractors": 0, "false_statements_supported": 0, "false_statements": 0,
                      "rejected_at_generation": {}}, cases, [dataset, *devs, blind])
    assert f"{BLIND_SPLIT} split, written blind" in text and "development since round 5" in text
    assert "fresh3 split left out" in text
    misses = text.split("Misgraded", 1)[1].split("**Question bank**")[0] if "Misgraded" in text else ""
    assert not [a for a in blind_text if f"“{a}”" in misses]


def test_the_validation_splits_misses_are_never_listed():
    # The validation split (last session's blind set) is fitted on and counted, but its misgraded answers stay unread.
    def case(split, answer):
        return GradedCase(question_id="q", split=split, kind="paraphrased", answer=answer, expected="correct",
                          got="partly", reasons=["r"])
    cases = [case("fresh", "a read development miss"), case(VALIDATION_SPLIT, "a validation miss")]
    bank = {"by_kind": {}, "objectives": 0, "items": 0, "keys_supported": 0, "equivalent_distractors": 0,
            "distractors": 0, "false_statements_supported": 0, "false_statements": 0, "rejected_at_generation": {}}
    text = render(grading_metrics(cases), bank, cases)
    assert VALIDATION_SPLIT in DEV_FILES.values() and BLIND_SPLIT not in DEV_FILES.values()
    assert "a read development miss" in text and "a validation miss" not in text


_INTERRUPTED = ("When glutamate signals are interrupted, the brain’s ability to integrate sensory inputs with its internal "
                "sense of self becomes fragmented.")
_BDNF = "BDNF encourages the growth of new synapses (connections between neurons) and helps repair neuronal pathways."
_DETACHMENT = ("This is a sense of detachment, where an individual may feel disconnected from their own thoughts, body, or "
               "the external environment.")


@pytest.mark.parametrize("question, passage, answer, wrong", [
    # Paraphrases whose words the judge reads as opposites of the passage's: the grader checks the reversal is real.
    ("What does BDNF do?", _BDNF, "It helps new connections grow and fixes damaged pathways.",
     "It stops new connections growing and damages pathways."),
    ("What happens when glutamate signals are interrupted?", _INTERRUPTED,
     "They can no longer combine their senses with their sense of self.",
     "They combine their senses with their sense of self better than ever."),
    ("Explain what dissociation is.", _DETACHMENT,
     "You no longer feel connected to your thoughts, your body or your surroundings.",
     "You feel more connected to your thoughts, your body and your surroundings."),
])
def test_reworded_opposites_are_not_reversals(tutoring, question, passage, answer, wrong):
    item = item_from_passage(question, [locate(tutoring.tutor, passage)])
    assert tutoring.grader.grade(item, answer).label != "incorrect"
    assert tutoring.grader.grade(item, wrong).label == "incorrect"


@pytest.mark.parametrize("question, passage, answer, added", [
    # A faithful answer, then the same answer with a claim of the learner's own that no passage backs.
    ("Explain what dissociation is.", _DETACHMENT,
     "A sense of detachment: feeling disconnected from your own thoughts, your body or the world around you.",
     ", which happens because the kidneys stop filtering the blood"),
    ("What does BDNF do?", _BDNF, "BDNF encourages the growth of new synapses and helps repair neuronal pathways.",
     ", but only on Tuesdays in people over sixty"),
])
def test_an_unbacked_addition_keeps_a_faithful_answer_from_correct(tutoring, question, passage, answer, added):
    item = item_from_passage(question, [locate(tutoring.tutor, passage)])
    assert tutoring.grader.grade(item, answer).label == "correct"
    extended = answer.rstrip(".") + added + "."
    grade, ev = tutoring.grader.grade_with_evidence(item, extended)
    assert ev.accounted < ACCOUNTED_FLOOR and grade.label != "correct", grade.reasons


_ANTAGONIST = ("Ketamine’s primary action is to act as an antagonist at these NMDA receptors. This means it temporarily "
               "blocks the receptor, preventing glutamate from activating it and disrupting the normal flow of signals "
               "between neurons.")


@pytest.mark.parametrize("question, passage, sentence, reason, reworded", [
    # The judge's contradiction falls on a word the key's own idea uses, in a clause that says that idea.
    ("What does BDNF do?", _BDNF, "basically fertiliser for neurons, grows new synapses + repairs pathways",
     "another subject for “repairs” than the source gives", True),
    # A real reversal: the aligned idea says the source's word ("blocks"), or holds the answer's word only as what
    # is prevented ("preventing glutamate from activating it").
    ("What does it mean that ketamine is an NMDA antagonist?", _ANTAGONIST,
     "It means ketamine activates the NMDA receptor the same way glutamate does.",
     "antonym: claim says “activates”, source says “blocks”", False),
    ("What does BDNF do?", _BDNF, "It stops new synapses growing and damages pathways.",
     "antonym: claim says “damages”, source says “repair”", False),
])
def test_a_judged_opposite_inside_a_reworded_idea_is_no_reversal(tutoring, question, passage, sentence, reason,
                                                                 reworded):
    item = item_from_passage(question, [locate(tutoring.tutor, passage)])
    assert tutoring.grader._reworded(reason, sentence, item, [passage]) is reworded


_ROADBLOCK = "The action is comparable to a temporary roadblock at a major intersection, altering system-wide traffic patterns."
_SSRI = ["This glutamate burst is thought to trigger molecular events that underlie the medication’s rapid antidepressant "
         "properties.",
         "This mechanism contrasts with traditional antidepressants, like SSRIs, which act on the serotonin system and take "
         "several weeks to produce a therapeutic effect."]
_MEMORY = ("Chronic exposure can lead to cognitive impairments, such as problems with recalling past events and forming new "
           "short-term memories.")


def test_a_denied_effect_is_read_in_contracted_form_too():
    for denial in ("isn't really affected", "is not really affected", "doesn’t get changed"):
        assert _denied_change(f"A roadblock on a side street, so the rest of the system {denial}.", _ROADBLOCK)
    assert not _denied_change("A temporary roadblock at a big junction, so traffic everywhere is affected.", _ROADBLOCK)


def test_a_clause_pairing_named_things_the_material_pairs_otherwise_is_unbacked(tutoring):
    assert _mispaired("SSRIs act on the glutamate system", _SSRI)
    assert not _mispaired("SSRIs act on the serotonin system", _SSRI)
    assert not _mispaired("glutamate for ketamine vs serotonin for SSRIs", _SSRI)  # the pair it stands against is there
    item = item_from_passage("In what two ways does ketamine's antidepressant action differ from that of SSRIs?",
                             [locate(tutoring.tutor, p, n) for n, p in enumerate(_SSRI, 1)])
    swapped = tutoring.grader.grade(item, "SSRIs act on the glutamate system and ketamine on serotonin, and SSRIs are "
                                          "slower.")
    assert swapped.label != "correct", swapped.reasons
    # A contrast sets things side by side; it does not excuse a pair the material makes otherwise (round 10).
    _, ev = tutoring.grader.grade_with_evidence(item, "Ketamine goes through serotonin and is quick, whereas SSRIs go "
                                                      "through the glutamate system and need several weeks.")
    assert ev.accounted < ACCOUNTED_FLOOR and decide(ev) != "correct"
    _, ev = tutoring.grader.grade_with_evidence(item, "Ketamine goes through glutamate and is quick, whereas SSRIs go "
                                                      "through the serotonin system and need several weeks.")
    assert ev.accounted >= ACCOUNTED_FLOOR
    # Saying that both sides of the material's contrast share one side's property is a doubt, never "correct".
    _, ev = tutoring.grader.grade_with_evidence(item, "Ketamine targets glutamate while SSRIs target serotonin, but both "
                                                      "take several weeks to work.")
    assert ev.doubt
    _, ev = tutoring.grader.grade_with_evidence(item, "SSRIs target serotonin and take weeks; ketamine goes through "
                                                      "glutamate and works fast.")
    assert not ev.doubt


def test_more_of_a_disrupted_process_is_a_reversal(tutoring):
    item = item_from_passage("Why does interrupting glutamate signalling change the way a person perceives things?",
                             [locate(tutoring.tutor, _INTERRUPTED)])
    more = "Blocking glutamate makes the brain integrate sensory inputs with its sense of self more tightly than usual."
    # The judge finds it (round 9 removed the grader's own "says more of it" rule: it changed no grade on six sets).
    assert tutoring.grader.grade(item, more).label == "incorrect"
    fine = "The brain can no longer properly integrate sensory inputs with its sense of self."
    assert tutoring.grader.grade(item, fine).label != "incorrect"


def test_a_judged_opposite_beside_a_word_of_the_sources_kind_is_a_rewording():
    # "damaged" against "repair", in a clause that also says a repair ("fixed", "mends"): what is repaired was damaged.
    assert _also_valued("new connections sprout and damaged routes get fixed", "damaged", "repair")
    assert _also_valued("it mends broken pathways", "broken", "repair")
    assert not _also_valued("BDNF destroys synapses and damages pathways", "damages", "repair")
    assert not _also_valued("damaged routes stay that way", "damaged", "repair")


def test_an_answer_saying_both_a_word_and_its_opposite_does_not_reverse(tutoring):
    item = item_from_passage("Which two kinds of memory problem can chronic ketamine exposure cause?",
                             [locate(tutoring.tutor, _MEMORY)])
    both = "You struggle to bring back old memories, and new information doesn't stick in your short-term memory."
    assert tutoring.grader.grade(item, both).label != "incorrect"
    # Round 9 removed the grader's list of antonyms ("old" for "new"): it reversed paraphrases of two writers.
    fresh = "Both ends get hit: pulling up old memories gets harder, and so does laying down fresh short-term ones."
    assert tutoring.grader.grade(item, fresh).label != "incorrect"
    # A clause after "although" that speaks only of benefit reverses a key of harm.
    easier = "Problems recalling past events, although forming new short-term memories actually gets easier."
    assert tutoring.grader.grade(item, easier).label == "incorrect"


_TIME_SPACE = ["When glutamate signals are interrupted, the brain’s ability to integrate sensory inputs with its internal "
               "sense of self becomes fragmented.",
               "This leads to significant changes in perception."]


def test_denying_what_the_material_says_is_disrupted_is_a_rewording(tutoring):
    item = item_from_passage("Why does interrupting glutamate signals change a person's perception?",
                             [locate(tutoring.tutor, p, n) for n, p in enumerate(_TIME_SPACE, 1)])
    grader = tutoring.grader
    # The denial shares the disrupted idea's words: it says that idea, in the negative.
    assert grader._denies_the_disrupted("the brain can't stitch senses and self together anymore", item, _TIME_SPACE)
    assert grader._denies_the_disrupted("without the glutamate signals, that merging breaks into pieces", item,
                                        _TIME_SPACE)
    # A denial of something the material does not say is disrupted stays a reversal.
    assert not grader._denies_the_disrupted("perception does not change at all", item, _TIME_SPACE)


def test_a_clause_restating_the_question_needs_no_backing(tutoring):
    passage = _ROADBLOCK
    locate(tutoring.tutor, passage)  # verbatim from the article
    question = ("What everyday comparison does the article use for ketamine's action at the receptor, and what does the "
                "comparison suggest about its effects?")
    answer = "As for what the comparison suggests about its effects, traffic patterns change everywhere."
    restated, _ = tutoring.grader._accounted(answer, [passage], question)
    elsewhere, clause = tutoring.grader._accounted(answer, [passage], "What is it?")
    # Without the question it is backed by nothing the passages say; since round 14 a weakly backed clause that
    # restricts or prevents nothing counts at the floor (the learner's own words), no higher.
    assert restated > ACCOUNTED_FLOOR and elsewhere == pytest.approx(ACCOUNTED_FLOOR) and "comparison" in clause


def test_correct_weighs_only_what_is_said_and_length_alone_never_earns_it():
    # Monotone: nothing in the "correct" boundary weighs against saying more of the key (a negative judge weight
    # did, and made unsupported answers easier to credit); a long answer that says none of the key is not correct.
    assert all(w >= 0 for w in CORRECT_WEIGHTS[:-1])
    said_nothing = Evidence(ideas=["a", "b"], scores=[0.0, 0.0], judged="supported", supported=True,
                            judge_score=1.0, accounted=1.0, words=60)
    assert decide(said_nothing) != "correct"


def test_a_verbatim_fragment_of_one_idea_is_partly_right(tutoring, bdnf_item):
    fragment = "It encourages the growth of new synapses."
    assert tutoring.grader.grade(bdnf_item, fragment).label == "partly"
    assert tutoring.grader.grade(bdnf_item, "It encourages the growth of new synapses and helps repair neuronal "
                                            "pathways, like a fertilizer for brain cells.").label == "correct"


_EXECUTIVE = ("Prolonged abuse can impact executive functions—the cognitive skills managed by the prefrontal cortex for "
              "planning, decision-making, and self-control.")
_PFC_MOOD = "This effect is prominent in brain regions like the prefrontal cortex, which is involved in mood regulation."


def test_a_named_thing_in_the_place_of_the_passages_one_is_a_reversal(tutoring):
    question = "What are executive functions, and which part of the brain manages them?"
    assert _replaced_entity("Planning, decision-making and self-control, which are handled by the cerebellum.",
                            [_EXECUTIVE], question)
    # The passages' own thing, another name for it, or a rival set beside it by a contrast is no replacement.
    for fine in ("Planning, decision-making and self-control, managed by the prefrontal cortex.",
                 "Planning and self-control, run by the frontal cortex.",
                 "Planning and self-control, handled by the prefrontal cortex rather than the cerebellum."):
        assert _replaced_entity(fine, [_EXECUTIVE], question) is None, fine
    item = item_from_passage(question, [locate(tutoring.tutor, _EXECUTIVE)])
    assert tutoring.grader.grade(item, "Planning, decision-making and self-control, which are managed by the "
                                       "hippocampus.").label == "incorrect"


def test_a_drug_given_another_time_frame_is_a_reversal(tutoring):
    swapped = "SSRIs work through serotonin and act within hours, while ketamine takes several weeks."
    assert _swapped_time(swapped, _SSRI)
    for fine in ("SSRIs need weeks, ketamine works within hours.", "Unlike SSRIs, which take weeks, ketamine is fast."):
        assert _swapped_time(fine, _SSRI) is None, fine
    # Words of speed stand for their pace (round 9): weeks are slow, so "SSRIs … work rapidly" swaps them too, and a
    # denial ("doesn't need the several weeks") gives the drug no time frame.
    assert _swapped_time("SSRIs act on the serotonin system and work rapidly, whereas ketamine takes weeks.", _SSRI)
    for fine in ("Ketamine is quick, whereas SSRIs are slow.", "Ketamine does not take several weeks like SSRIs.",
                 "SSRIs are gradual and take a few weeks."):
        assert _swapped_time(fine, _SSRI) is None, fine
    item = item_from_passage("How does ketamine's antidepressant action differ from that of SSRIs?",
                             [locate(tutoring.tutor, p, n) for n, p in enumerate(_SSRI, 1)])
    assert tutoring.grader.grade(item, swapped).label == "incorrect"


def test_another_role_for_a_named_thing_or_one_side_carried_over_is_never_correct(tutoring):
    assert _attributes(_PFC_MOOD) == {"prefrontal cortex": "is involved in mood regulation"}
    passages = ["This process stimulates neuroplasticity, the brain’s ability to form new neural connections.", _PFC_MOOD]
    item = item_from_passage("What is neuroplasticity, and in which region is the effect prominent?",
                             [locate(tutoring.tutor, p, n) for n, p in enumerate(passages, 1)])
    grader = tutoring.grader
    right = ("It's the brain's ability to form new neural connections, and the effect is prominent in the prefrontal "
             "cortex, which helps regulate mood.")
    assert grader.grade_with_evidence(item, right)[1].doubt is None
    wrong = right.replace("helps regulate mood", "is mainly responsible for processing vision")
    grade, ev = grader.grade_with_evidence(item, wrong)
    assert ev.doubt and grade.label != "correct"
    contrast = ["While therapeutic doses can foster neuroplasticity, chronic overuse may trigger processes like "
                "excitotoxicity."]
    item = item_from_passage("How do therapeutic doses and chronic overuse differ in their effect on the brain?",
                             [locate(tutoring.tutor, contrast[0])])
    carried = ("Therapeutic doses can foster neuroplasticity, and chronic overuse makes that effect even stronger by "
               "building more and more synapses.")
    assert grader.grade_with_evidence(item, carried)[1].doubt


def test_a_clause_saying_that_something_comes_apart_is_backed_at_least_at_the_floor(tutoring):
    # Round 15 removed the rule that backed it where a passage says "fragmented": round 14's floor for the learner's own
    # weakly backed images gives the same backing (no answer of the twelve sets changed).
    question = "Why does interrupting glutamate signals change a person's perception?"
    answer = ("The brain can't properly combine what the senses report with its own sense of self, so the picture "
              "falls apart and perception shifts.")
    backed, _ = tutoring.grader._accounted(answer, _TIME_SPACE, question)
    assert backed >= ACCOUNTED_FLOOR
    # Elsewhere, where nothing in the passages comes apart, the same clause is backed by nothing; it restricts or
    # prevents nothing either, so since round 14 it counts at the floor as the learner's own image, no higher.
    elsewhere, clause = tutoring.grader._accounted("BDNF helps synapses grow, and the picture falls apart.", [_BDNF],
                                                   "What does BDNF do?")
    assert elsewhere == pytest.approx(ACCOUNTED_FLOOR) and "apart" in clause


_SURGE = ["As ketamine’s effects fade, a subsequent surge in glutamate release occurs.",
          "This glutamate burst is thought to trigger molecular events that underlie the medication’s rapid "
          "antidepressant properties."]


def test_an_event_named_after_a_preposition_is_not_the_opposite_the_judge_reads(tutoring):
    # "the blockade" names when the surge comes; it does not claim the opposite of "trigger".
    assert _referenced("glutamate spikes after the blockade ends.", "blockade")
    assert _referenced("The brain compensates for the blockade: once ketamine fades, glutamate rushes out.", "blockade")
    assert not _referenced("The glutamate surge causes the blockade of other receptors.", "blockade")
    assert not _referenced("The surge blocks other receptors.", "blocks")
    # Round 9: a clause of time ("after ketamine's blockade", "once the receptors have been blocked", "that follows
    # the NMDA receptor blockade") names the event too; a cause or a "when" clause states what it claims.
    assert _referenced("After ketamine's blockade the brain compensates with a rush of glutamate.", "blockade")
    assert _referenced("it's triggered by the rebound once the receptors have been blocked", "blocked")
    assert _referenced("the glutamate surge that follows the NMDA receptor blockade", "blockade")
    assert not _referenced("Because it stimulates the inhibitory neurons, making them more active.", "stimulates")
    assert not _referenced("When glutamate signals are boosted, perception changes.", "boosted")
    item = item_from_passage("What happens to glutamate as ketamine's effects wear off, and why does it matter?",
                             [locate(tutoring.tutor, p, n) for n, p in enumerate(_SURGE, 1)])
    grade = tutoring.grader.grade(item, "glutamate spikes after the blockade ends. this is probably what triggers the "
                                        "molecular events behind the fast antidepressant effect")
    assert grade.label != "incorrect", grade.reasons
    assert tutoring.grader.grade(item, "Glutamate release stops as the effects fade, which blocks the molecular "
                                       "events behind the antidepressant effect.").label == "incorrect"


_OTHER_USES = ["The substance is also used in veterinary medicine.",
               "In recent years, ketamine has attracted attention from the mental health community for its potential "
               "applications in treating certain conditions."]


def test_a_thing_of_its_own_after_the_passages_phrase_is_never_correct(tutoring):
    assert ("use", "in", "veterinary medicine") in _frames(_OTHER_USES[0])
    question = "Apart from anesthesia in people, where else is ketamine used, and what newer interest has it attracted?"
    grader = tutoring.grader
    swapped = ("It's also used in dentistry, and recently the mental health community has become interested in it for "
               "treating certain conditions.")
    assert grader._other_frame(swapped, _OTHER_USES, question)
    # The passages' thing in other words, or a word the material uses, is no swap.
    for fine in ("It's also used in animal medicine, and mental health experts are now interested in it.",
                 "It's also used in veterinary medicine by vets."):
        assert grader._other_frame(fine, _OTHER_USES, question) is None, fine
    item = item_from_passage(question, [locate(tutoring.tutor, p, n) for n, p in enumerate(_OTHER_USES, 1)])
    assert grader.grade(item, swapped).label != "correct"


def test_clauses_leading_up_to_the_restated_one_are_context_not_asked(tutoring):
    # The second corpus's wording: the question restates the last clause; the sentence sets the scene before it.
    key = "The mantle is made of hot rock that flows very slowly, and magma is molten rock which collects in chambers."
    context = tutoring.grader._context(key, "Where does molten magma collect?")
    assert "The mantle is made of hot rock that flows very slowly" in context
    assert not any("chambers" in c for c in context)
    # For "why" and "how" the cause or means comes first ("By trapping gas, …"): nothing is set aside.
    assert tutoring.grader._context("By trapping gas, viscous magma builds up pressure until the volcano erupts.",
                                    "Why does viscous magma make a volcano erupt explosively?") == set()
    # Coverage is the mean over the ideas asked for; without marks, over all of them.
    ev = Evidence(ideas=["scene", "answer"], scores=[0.0, 1.0], asked=[False, True], judged="supported",
                  supported=True)
    assert ev.coverage == 1.0
    assert ev.model_copy(update={"asked": []}).coverage == 0.5


def test_the_same_word_held_back_on_both_sides_is_no_reversal():
    # The judge read "activating" in "stops glutamate activating it" as the opposite of the source's own "activating"
    # ("preventing glutamate from activating it"): both are held back, so the polarity is the same (round 9).
    assert _held_back("temporarily blocks the receptor stops glutamate activating it".split(), "activating")
    assert _held_back("preventing glutamate from activating it".split(), "activating")
    assert not _held_back("ketamine blocks the channel while glutamate goes on activating it".split(), "activating")


def test_words_said_nearly_count_in_part(tutoring):
    # Round 10: a near word ("plentiful" for "abundant") says part of an idea that the share of words said misses.
    grader = tutoring.grader
    idea = ["The most abundant of these is glutamate"]
    asked = set(content_stems("What is glutamate?"))
    near = grader._near_words(idea, "It's the brain's most plentiful chemical messenger.", asked)[0]
    unrelated = grader._near_words(idea, "It is a type of white blood cell.", asked)[0]
    assert 0.0 < near <= 1.0 and near > unrelated
    assert grader._near_words(idea, "", asked) == [0.0]


_ABUNDANT = ["The most abundant of these is glutamate, which plays a role in nearly all brain activities."]


@pytest.mark.parametrize("question, passages, faithful, reversed_", [
    # Round 11: the judge pairs a word with a word of another statement ("start" with "fade" of "As ketamine's effects
    # fade"): the clause holding it is supported by its closest passage sentence, which holds no "fade".
    ("What happens to glutamate as ketamine's effects wear off, and why does it matter?", _SURGE,
     "When the drug wears off there's a rush of glutamate, and that rush is believed to start the molecular events "
     "behind the quick antidepressant effect.",
     ["As the effects fade, glutamate release drops, and this drop is thought to start the antidepressant effect.",
      "Glutamate release starts while ketamine's effects are still strong, and this is thought to trigger the "
      "antidepressant effect."]),
    # Two negations: a word of "few" with a negation after it, or a judged opposite held back where the source holds
    # its word back too.
    ("What makes glutamate special among the brain's chemical messengers?", _ABUNDANT,
     "It's the commonest messenger, and hardly any brain activity goes on without it.",
     ["It's the commonest messenger, but hardly any brain activity involves it."]),
    ("What does it mean that ketamine is an NMDA antagonist?", [_ANTAGONIST],
     "It occupies the receptor for a while so that glutamate cannot go on triggering it, and signalling between "
     "neurons is disrupted.",
     ["Ketamine switches the receptor on for a while, just as glutamate does, so signals flow better."]),
    # A denial of a faculty the key says fails ("problems with recalling") says the same; denying the failure does not.
    ("What kinds of memory problems can chronic ketamine exposure cause?", [_MEMORY],
     "You can't recall past events well, and forming new short-term memories is difficult.",
     ["Recalling past events is not a problem at all; only forming new short-term memories is.",
      "Memory isn't impaired: recalling past events and forming new short-term memories both stay fine."]),
])
def test_judged_opposites_the_judge_pairs_across_statements_or_negations(tutoring, question, passages, faithful,
                                                                         reversed_):
    item = item_from_passage(question, [locate(tutoring.tutor, p, n) for n, p in enumerate(passages, 1)])
    grade, ev = tutoring.grader.grade_with_evidence(item, faithful)
    assert ev.judged == "contradicted"  # the judge reads a reversal: the grader shows it is none
    assert grade.label != "incorrect" and not ev.reversal, grade.reasons
    for answer in reversed_:
        assert tutoring.grader.grade(item, answer).label == "incorrect", answer


def test_double_negatives_and_held_back_words():
    assert _double_negative("hardly any brain activity happens without it".split(), "hardly any")
    assert not _double_negative("hardly any brain activity involves it".split(), "hardly any")
    assert _held_near("glutamate can't do its usual job of triggering it".split(), "triggering")
    assert not _held_near("ketamine is triggering the receptor the way glutamate does".split(), "triggering")


def test_a_denied_faculty_is_the_failure_the_key_names(tutoring):
    item = item_from_passage("What kinds of memory problems can chronic ketamine exposure cause?",
                             [locate(tutoring.tutor, _MEMORY)])
    grader = tutoring.grader
    assert grader._denies_the_disrupted("not being able to remember past events well", item, [_MEMORY])
    # Denying the failure itself ("not a problem", "isn't impaired") is the reversal.
    assert not grader._denies_the_disrupted("recalling past events is not a problem", item, [_MEMORY])


_ROADBLOCK = ("The action is comparable to a temporary roadblock at a major intersection, altering system-wide traffic "
              "patterns.")


def test_true_detail_from_another_section_is_neutral_but_a_false_one_is_not(tutoring):
    # Round 11b: the grader sees the whole material's sentences. A clause its passages do not back but another section
    # supports (the NMDA receptor is named two sentences before the analogy's) is extra true detail a teacher accepts;
    # the same clause turned false (the material says ketamine blocks the receptor) is still no backing.
    question = "What everyday picture does the article use for what ketamine does at its target?"
    item = item_from_passage(question, [locate(tutoring.tutor, _ROADBLOCK)])
    assert tutoring.grader.material, "the Tutoring's grader is given the material"
    core = "It's like a temporary roadblock at a busy intersection that changes traffic patterns across the whole system"
    true_detail = f"{core}, since ketamine blocks the NMDA receptor."
    false_detail = f"{core}, since ketamine switches the NMDA receptor on."
    assert tutoring.grader.grade(item, true_detail).label == "correct"
    assert tutoring.grader.grade(item, false_detail).label != "correct"
    # Without the material the true detail is unbacked, as before round 11b.
    from tutor.grading import Grader
    bare = Grader(tutoring.grader.judge, tutoring.grader.embed)
    assert bare.grade(item, true_detail).label != "correct"


_DREAMLIKE = ("This altered state of consciousness is often described as dream-like or can involve hallucinatory "
              "experiences at higher doses.")
_FERTILIZER = ("One of these is Brain-Derived Neurotrophic Factor (BDNF), which functions like a fertilizer for brain "
               "cells.")


def test_known_contrasts_of_a_word_and_what_is_no_contrast():
    # Opposite poles of one concept of the judge's antonym lexicon, compounds by their whole; benefit against harm.
    for a, p in (("lower", "higher"), ("long-term", "short-term"), ("permanent", "temporary"), ("boost", "dampen"),
                 ("sharper", "fragmented"), ("destroy", "repair")):
        assert _contrast(a, p), (a, p)
    # Synonyms, a word of the same pole, a compound read by its parts ("pain-relieving" is no benefit word against
    # "kills"), and "normal" against a word of change ("changes the flow" for "disrupting the normal flow") are not.
    for a, p in (("larger", "higher"), ("mend", "repair"), ("fresh", "new"), ("kills", "pain-relieving"),
                 ("changes", "normal")):
        assert _contrast(a, p) is None, (a, p)


@pytest.mark.parametrize("passage, question, swapped, faithful", [
    (_DREAMLIKE, "How is the altered state described, and what can happen at higher doses?",
     ["People call it dream-like, and at low doses it may bring hallucinatory experiences."],
     ["People call it dream-like, and at large doses it may bring hallucinatory experiences.",
      "Dream-like; hallucinations come at higher doses, not at lower ones."]),
    (_MEMORY, "What memory problems can chronic exposure cause?",
     ["Trouble recalling past events and forming new long-term memories."],
     ["Trouble recalling past events and forming fresh short-term memories.",
      "Recalling the past gets hard, and so does laying down new memories."]),
    (_BDNF, "What does BDNF do?",
     ["It encourages the growth of new synapses and helps destroy neuronal pathways."],
     ["It encourages the growth of new synapses and helps mend neuronal pathways.",
      "It makes new synapses grow and fixes damaged pathways."]),
    (_INTERRUPTED, "What happens when glutamate signals are interrupted?",
     ["The brain's ability to integrate sensory inputs with its internal sense of self becomes sharper."],
     ["The brain's ability to integrate sensory inputs with its internal sense of self breaks apart.",
      "The brain can no longer fit the senses together with the sense of self."]),
])
def test_one_word_swapped_for_a_known_contrast_in_its_slot_is_a_reversal(passage, question, swapped, faithful):
    # Round 12: a sentence that follows a passage sentence but puts a known contrast in one word's slot (the content
    # word before or after it is the same on both sides). A synonym, a negated or set-aside word, or another wording
    # altogether is left to the judge.
    for answer in swapped:
        assert _substituted(answer, [passage], question), answer
    for answer in faithful:
        assert _substituted(answer, [passage], question) is None, answer


def test_a_judged_opposite_the_closest_sentence_contrasts_is_not_said_elsewhere(tutoring):
    # Round 11's excuse (the clause holding the judged word is supported by its closest passage sentence, one without
    # the source's word) does not hold when that sentence has a known contrast of the word ("temporary" for "lasting").
    item = item_from_passage("What does the roadblock comparison show about ketamine's action?",
                             [locate(tutoring.tutor, _ROADBLOCK, 1), locate(tutoring.tutor, _ANTAGONIST.split(". ")[1], 2)])
    grade = tutoring.grader.grade(item, "It shows that the block is permanent, like a dam across a river, which "
                                        "changes the flow everywhere.")
    # Incorrect until round 16, where the foreign share (a positive weight) left the partly boundary: never correct.
    assert grade.label != "correct", grade.reasons


def test_an_image_the_material_uses_elsewhere_in_the_passages_ones_place_is_a_reversal(tutoring):
    # Round 12: the material's own comparisons form a type ("like a fertilizer", "comparable to a temporary
    # roadblock"); naming the other one where the passages use theirs swaps a thing of the same type.
    assert set(_images(_FERTILIZER + " " + _ROADBLOCK).values()) == {"fertilizer", "roadblock"}
    grader = tutoring.grader
    passages = [_FERTILIZER, _BDNF]
    assert grader._other_image("The article compares it to a roadblock; it makes new synapses grow.", passages,
                               "What does BDNF do?")
    for fine in ("It works like a fertilizer for brain cells, so new synapses grow.",
                 "It is like a gardener for the brain, helping synapses grow and pathways heal."):
        assert grader._other_image(fine, passages, "What does BDNF do?") is None, fine
    item = item_from_passage("What does the article compare BDNF to, and what does it do?",
                             [locate(tutoring.tutor, p, n) for n, p in enumerate(passages, 1)])
    assert grader.grade(item, "It is compared to a roadblock, and it encourages new synapses to grow and helps repair "
                              "neuronal pathways.").label == "incorrect"


_EXCITOTOXICITY = ["Excitotoxicity occurs when neurons are damaged or die from being overstimulated by excessive glutamate "
                   "activity from repeated cycles of receptor blockade and glutamate surges.",
                   "This process can lead to a loss of synapses and other changes to brain structure."]


def test_a_judged_opposite_of_the_learners_own_no_excuse_proves_is_a_reversal(tutoring):
    # Round 12: a judged antonym the grader could not prove a rewording was a doubt (at most partly). When the pair is a
    # known contrast and the answer's word is its own, the answer says the opposite: incorrect.
    reason = "antonym: claim says “understimulated”, source says “overstimulated”"
    assert _known_contrast(reason, "neurons die when they are understimulated", _EXCITOTOXICITY, "What is it?")
    # Not a word the passages use themselves, nor an event named in a clause of time ("after the blockade").
    assert _known_contrast(reason, "neurons die when overstimulated, not understimulated",
                           _EXCITOTOXICITY + ["Some neurons are understimulated."], "What is it?") is None
    assert _known_contrast("antonym: claim says “blockade”, source says “trigger”",
                           "the surge comes after the NMDA blockade and triggers molecular events", [_SURGE[0]],
                           "What happens as the effects fade?") is None
    item = item_from_passage("What is excitotoxicity, and what can it do to the brain?",
                             [locate(tutoring.tutor, p, n) for n, p in enumerate(_EXCITOTOXICITY, 1)])
    assert tutoring.grader.grade(item, "Neurons get hurt when they are left understimulated, as glutamate activity "
                                       "falls far too low, and synapses are lost.").label == "incorrect"
    assert tutoring.grader.grade(item, "Neurons are harmed or die when too much glutamate overstimulates them after "
                                       "repeated blockade and surge cycles, and synapses can be lost.").label == "correct"
