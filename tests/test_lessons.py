"""The lesson map: objectives per section, each resting on exact passages the judge finds supportive."""

from __future__ import annotations

import json

import pytest

from tests.tutoring_fixtures import SECOND_CORPUS, tutoring, volcano_tutor  # noqa: F401  (fixtures)
from tutor.grounding import judge
from tutor.lessons import build_lesson_map, classify

VERBS = ("Explain", "Describe", "Compare")


def check_map(t, lessons):
    assert lessons.sections, "no objectives at all"
    sections = {c.section for c in t.chunks}
    for s in lessons.sections:
        assert s.title in sections
        for o in s.objectives:
            assert o.text.startswith(VERBS) and o.text.endswith("."), o.text
            assert o.passages and 0 <= o.context < len(o.passages)
            for p in o.passages:
                assert t.sources[p.source][p.start:p.end] == p.text  # exact spans
            assert judge(o.statement, [p.text for p in o.passages], embed=t.embeddings).label == "supported", o.text
    ids = [o.objective_id for o in lessons.objectives()]
    assert len(ids) == len(set(ids))


def test_article_objectives_are_supported_by_exact_passages(tutor, tutoring):
    lessons = tutoring.lessons()
    check_map(tutor, lessons)
    assert len(lessons.sections) >= 4  # every titled section of the article teaches something
    kinds = {o.kind for o in lessons.objectives()}
    assert {"define", "explain_why"} <= kinds


def test_second_corpus_objectives(volcano_tutor):
    lessons = volcano_tutor.tutoring.lessons()
    check_map(volcano_tutor, lessons)
    titles = {s.title for s in lessons.sections}
    assert {"How Magma Forms", "Why Some Eruptions Are Explosive"} <= titles
    texts = " ".join(o.text for o in lessons.objectives()).lower()
    assert "viscosity" in texts or "magma" in texts


def test_every_objective_was_judged_and_unsupported_ones_are_dropped(volcano_tutor):
    judged: list[tuple[str, str]] = []

    def recording(claim, passages):
        verdict = judge(claim, passages, embed=volcano_tutor.embeddings)
        judged.append((claim, verdict.label))
        return verdict

    lessons = build_lesson_map(volcano_tutor.chunks, recording)
    labels = dict(judged)
    assert all(labels[o.statement] == "supported" for o in lessons.objectives())
    # The same chunks and judge give the same map.
    assert build_lesson_map(volcano_tutor.chunks, recording) == lessons


@pytest.mark.parametrize("sentence, kind", [
    ("By trapping gas, viscous magma builds up pressure until the volcano erupts explosively.", "explain_why"),
    ("Viscosity is a fluid's resistance to flow.", "define"),
    ("When a plate sinks beneath another, water lowers the melting point of the mantle.", "what_happens"),
    ("This produces large amounts of magma at subduction zones.", None),  # points back: context, not an objective
])
def test_sentence_shapes(sentence, kind):
    shaped = classify(sentence)
    assert (shaped[0] if shaped else None) == kind


def test_lessons_command_prints_json(tmp_path, capsys):
    from tutor.cli import main

    assert main(["--corpus", str(SECOND_CORPUS), "--data-dir", str(tmp_path), "lessons", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sections"] and all(o["passages"] for s in data["sections"] for o in s["objectives"])
