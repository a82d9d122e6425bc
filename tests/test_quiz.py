"""Quiz generation on the article and on a second corpus: every key proven by its passage, distractors never
the answer in disguise, false statements the judge rejects."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.tutoring_fixtures import tutoring, volcano_tutor  # noqa: F401  (fixtures)
from tutor.quiz import BLANK, DISTRACTOR_MAX_SIMILARITY, equivalent, near_misses


def check_bank(t, tutoring_):
    bank = tutoring_.bank()
    kinds = {i.kind for i in bank.items}
    assert kinds == {"multiple_choice", "true_false", "short_answer"}
    objectives = {o.objective_id for o in tutoring_.lessons().objectives()}
    for item in bank.items:
        passages = [c.text for c in item.citations]
        for c in item.citations:
            assert t.sources[c.source][c.start:c.end] == c.text
        assert tutoring_.judge(item.key, passages).label == "supported", item.item_id
        # Every item trains an objective of its section (sections without objectives have none).
        assert item.objective_id in objectives or not any(
            o.section == item.section for o in tutoring_.lessons().objectives())
        if item.kind == "multiple_choice":
            assert item.answer in item.options and len(set(item.options)) == len(item.options) >= 3
            stem = re.search(r"“(.*)”", item.question, re.S).group(1)
            assert BLANK in stem and item.answer not in stem
            vecs = np.asarray(tutoring_.embed(item.options), dtype=float)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            a = item.options.index(item.answer)
            for i, option in enumerate(item.options):
                if i == a:
                    continue
                assert not equivalent(option, item.answer)
                assert float(vecs[i] @ vecs[a]) < DISTRACTOR_MAX_SIMILARITY
                assert tutoring_.judge(stem.replace(BLANK, option), passages).label != "supported", (item.item_id, option)
        if item.kind == "true_false":
            statement = re.search(r"“(.*)”", item.question, re.S).group(1)
            verdict = tutoring_.judge(statement, passages).label
            assert (verdict == "supported") == (item.answer == "True"), (item.item_id, verdict)
        if item.kind == "short_answer":
            assert len(item.key_points) >= 2
    return bank


def test_article_bank(tutor, tutoring):
    bank = check_bank(tutor, tutoring)
    false_items = [i for i in bank.items if i.kind == "true_false" and i.answer == "False"]
    assert len(false_items) >= 10


def test_second_corpus_bank(volcano_tutor):
    bank = check_bank(volcano_tutor, volcano_tutor.tutoring)
    assert any(i.kind == "multiple_choice" for i in bank.items)


def test_quiz_on_a_section_mixes_kinds_and_stays_in_it(tutoring):
    quiz = tutoring.bank().quiz("dissociation", n=5, seed=0, lessons=tutoring.lessons())
    assert quiz.scope == "The Dissociative State Explained"
    assert len(quiz.items) == 5 and {i.section for i in quiz.items} == {quiz.scope}
    assert len({i.kind for i in quiz.items}) == 3
    again = tutoring.bank().quiz("dissociation", n=5, seed=0, lessons=tutoring.lessons())
    assert [i.item_id for i in again.items] == [i.item_id for i in quiz.items]  # deterministic


def test_quiz_puts_priority_objectives_first(tutoring):
    last = tutoring.lessons().objectives()[-1].objective_id
    quiz = tutoring.bank().quiz("all", n=3, seed=1, priority=[last], lessons=tutoring.lessons())
    assert quiz.items[0].objective_id == last


@pytest.mark.parametrize("sentence, changed", [
    ("Magma that is rich in silica rises slowly.", "falls"),
    ("Viscous magma increases the pressure inside the volcano.", "decreases"),
    ("Ash can damage aircraft engines.", "cannot"),
])
def test_near_misses_change_one_thing(sentence, changed):
    variants = [v for _, v in near_misses(sentence)]
    assert any(changed in v.lower() for v in variants), variants
    assert sentence not in variants
