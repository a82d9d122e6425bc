"""End to end through Tutor.ask with the real model and Chroma: retrieval, kinds, citations, sessions."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tutor.citations import citation_problems, markers_in
from tutor.errors import InvalidQuestion
from tutor.types import TutorReply

RETRIEVAL = yaml.safe_load((REPO / "tests/data/retrieval.yaml").read_text(encoding="utf-8"))
ANSWERABILITY = yaml.safe_load((REPO / "tests/data/answerability.yaml").read_text(encoding="utf-8"))


def assert_sound(reply: TutorReply, tutor) -> None:
    """Every marker backed, every citation used, every span exactly in the corpus."""
    assert citation_problems(reply, tutor.sources) == []
    if reply.kind == "answer":
        assert reply.citations, "an answer must cite"
        for part in reply.grounding:
            if part.verdict != "framing":
                assert part.citations, f"uncited factual sentence: {part.sentence}"
    else:
        assert not reply.citations and not markers_in(reply.answer)


def ask_case(tutor, history: list[str], question: str) -> TutorReply:
    session = uuid.uuid4().hex
    for earlier in history:
        assert_sound(tutor.ask(earlier, session), tutor)
    reply = tutor.ask(question, session)
    assert_sound(reply, tutor)
    return reply


def test_retrieval_set_finds_the_right_paragraph(tutor):
    hits1 = hits3 = cited = 0
    misses = []
    for case in RETRIEVAL:
        session = uuid.uuid4().hex
        for earlier in case["history"]:
            tutor.ask(earlier, session)
        reply = tutor.ask(case["question"], session)
        passages, _ = tutor.retrieve(reply.standalone_question, case["question"])
        found = [case["expect"] in p.chunk.text for p in passages]
        hits1 += found[0]
        hits3 += any(found[:3])
        cited += any(case["expect"] in c.text or c.text in case["expect"] for c in reply.citations)
        if not any(found[:3]):
            misses.append(case["id"])
    n = len(RETRIEVAL)
    assert n >= 30
    assert hits3 / n >= 0.9, f"hit@3 {hits3 / n:.2f}; missed {misses}"
    assert hits1 / n >= 0.6, f"hit@1 {hits1 / n:.2f}"
    assert cited / n >= 0.6, f"expected sentence quoted in {cited / n:.2f} of answers"


def test_retrieval_set_covers_every_paragraph(tutor):
    text = (REPO / "corpus/ketamine-and-the-brain.md").read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n") if p.strip() and not p.startswith("#")]
    for paragraph in paragraphs:
        assert any(case["expect"] in paragraph for case in RETRIEVAL), paragraph[:60]


@pytest.mark.parametrize("kind,minimum", [("answer", 0.9), ("not_in_material", 0.75), ("out_of_scope", 0.9)])
def test_answerability_by_kind(tutor, kind, minimum):
    cases = [c for c in ANSWERABILITY if c["kind"] == kind]
    # A refusal by the safety layer (e.g. of a dose question) also declines without guessing.
    accepted = {kind, "safety"} if kind == "not_in_material" else {kind}
    wrong = []
    for case in cases:
        reply = ask_case(tutor, case["history"], case["question"])
        if reply.kind not in accepted:
            wrong.append(f"{case['question']!r} -> {reply.kind}")
    accuracy = 1 - len(wrong) / len(cases)
    assert accuracy >= minimum, f"{kind}: {accuracy:.2f}\n" + "\n".join(wrong)


@pytest.mark.parametrize("question,kind", [
    # Concepts of the article's field that it never names: near the material in meaning, so retrieval
    # finds related passages, but those passages say nothing about them.
    ("Does ketamine act on GABA receptors?", "not_in_material"),
    ("Is ketamine as addictive as nicotine?", "not_in_material"),
    ("Can ketamine cause seizures?", "not_in_material"),
    ("Is ketamine similar to PCP?", "not_in_material"),
    ("What are the brand names of ketamine?", "not_in_material"),
    ("How long does the dreamlike feeling last?", "not_in_material"),
    # Words the article does not use for things it does say.
    ("Is ketamine a painkiller?", "answer"),
    ("Do nerve cells die from too much glutamate?", "answer"),
    ("Does ketamine change how people perceive time?", "answer"),
    ("Is ketamine harmful to memory?", "answer"),  # a judgement asked about something the material covers
    # The target of a yes/no question in everyday words the material never uses.
    ("Does ketamine make you dizzy?", "not_in_material"),
    ("Can ketamine cause heart problems?", "not_in_material"),
    # ... and in everyday words for things it does say.
    ("Can ketamine make you forget things?", "answer"),
    ("Can ketamine make people lose touch with reality?", "answer"),
    ("Is ketamine used by veterinarians?", "answer"),
    # A prefix makes another substance; capitals make a name, not a misspelling of "motor".
    ("What is norketamine?", "not_in_material"),
    ("What does mTOR do in the brain?", "not_in_material"),
    # Whether an effect goes away needs a passage that says whether it lasts.
    ("Can the brain recover from excitotoxicity?", "not_in_material"),
])
def test_concepts_the_material_never_names_are_declined(tutor, question, kind):
    reply = ask_case(tutor, [], question)
    assert reply.kind == kind, reply.answer


@pytest.mark.parametrize("question,kinds", [
    # "Which X?" where the passage about X only says there are some ("activates other receptors").
    ("Which particular receptors are activated by the glutamate surge?", {"not_in_material"}),
    ("Which receptor does ketamine block?", {"answer"}),
    ("Which part of the brain handles decision-making?", {"answer"}),
    # An abbreviation the material uses without spelling it out, and one it spells out.
    ("What does SSRI stand for?", {"not_in_material"}),
    ("What does BDNF stand for?", {"answer"}),
    ("Can ketamine and SSRIs be used together?", {"not_in_material", "safety"}),
    # An example the learner gives and each side of a comparison must be something the material speaks of.
    ("Can you raise BDNF in other ways, like with diet?", {"not_in_material"}),
    ("Does it cause memory problems, like forgetting recent events?", {"answer"}),
    ("How does ketamine compare to meditation for depression?", {"not_in_material"}),
    ("How does ketamine compare to SSRIs?", {"answer"}),
    # Words that frame the request name nothing the answer is about.
    ("Could you unpack the roadblock analogy?", {"answer"}),
    ("ELI5 what BDNF does", {"answer"}),
    ("Is ketamine only used in people?", {"answer"}),
    # "What is X?" needs a sentence that says what X is, not one that only names it ("the serotonin system").
    ("What is serotonin?", {"not_in_material"}),
    ("What's a synapse?", {"answer"}),
    ("what are executive functions, in plain words", {"answer"}),
    # Whether something is permanent or grows back needs a sentence that says whether it lasts.
    ("Are the cognitive impairments permanent?", {"not_in_material"}),
    ("Can synapses grow back after excitotoxicity?", {"not_in_material"}),
    # Plain words after "besides" ask what else, not for other names; an illustration of a word the material
    # uses, a contraction without its apostrophe and whom a comparison is for name nothing of their own.
    ("Besides repairing pathways, does BDNF do anything else?", {"answer"}),
    ("Can ketamine distort your sense of time, like minutes feeling like hours?", {"answer"}),
    ("explain the roadblock comparison to me like im five", {"answer"}),
    ("why do people on ketamine feel like theyre watching their own life?", {"answer"}),
])
def test_what_a_question_asks_to_be_named_must_be_in_the_material(tutor, question, kinds):
    reply = ask_case(tutor, [], question)
    assert reply.kind in kinds, reply.answer


@pytest.mark.parametrize("history,question,kind", [
    (["What is BDNF?"], "Are any other growth factors released apart from that one?", "not_in_material"),
    (["What is BDNF?"], "Which other neurotrophic factors besides BDNF does the surge release?", "not_in_material"),
    (["What can long-term use do to memory?"], "What else can it affect besides memory?", "answer"),
])
def test_asking_for_others_than_the_one_named(tutor, history, question, kind):
    reply = ask_case(tutor, history, question)
    assert reply.kind == kind, reply.answer


def test_question_parts_are_read_from_any_wording():
    from tutor.answerability import (asked_kind, focus_parts, framing_words, nothing_new_named, unexpanded,
                                     vaguely_named)

    assert asked_kind("Which specific lava flows reach the sea?") == ["lava", "flows"]
    assert asked_kind("Which other receptors does glutamate activate?") == ["receptors"]
    assert asked_kind("What is magma?") == []
    assert vaguely_named(["lava", "flows"], ["Some lava flows reach the sea.", "Pahoehoe lava flows are smooth."])
    assert not vaguely_named(["lava", "flows"], ["Pahoehoe lava flows are smooth.", "Some lava flows reach the sea."])
    assert unexpanded("What does REM stand for?", ["REM stands for rapid eye movement."]) == []
    assert unexpanded("what does REM stand for", ["Rapid eye movement (REM) sleep is vivid."]) == []
    assert unexpanded("What does REM stand for?", ["Dreams happen during REM sleep."]) == ["REM"]
    assert focus_parts("What's the difference between magma and lava?") == ["magma", "lava"]
    assert focus_parts("Can eruptions be predicted, like with satellites?") == ["satellites"]
    assert focus_parts("Is basalt only found in oceans") == ["in oceans"]  # what is done to it is no target
    assert framing_words("ELI5: could you please unpack plate tectonics") == {"eli5", "unpack"}
    named = ["Eruptions are rated on the VEI scale.", "Lava cools into basalt."]
    assert nothing_new_named("What other scales are there besides the VEI?", "", named)
    assert nothing_new_named("which other scales, apart from that one?", "", named)
    assert not nothing_new_named("What other scales are there besides basalt?", "", named)
    assert not nothing_new_named("What else cools into rock?", "", ["Lava cools into basalt."])  # plain words name no one
    assert not nothing_new_named("Besides cooling into basalt, what else does lava do?", "", named)
    # Asking for names of a kind: "name a few X" as "which X"; a kind given as an example of another names no members.
    assert asked_kind("Can you name a couple of minerals?") == ["minerals"]
    assert asked_kind("give me some examples of lava flows") == ["lava", "flows"]
    assert vaguely_named(["minerals"], ["Hard rocks, like minerals, resist erosion.", "Quartz is a mineral."])
    assert not vaguely_named(["rocks"], ["Rocks such as basalt form when lava cools."])
    assert focus_parts("compare magma and lava for me like im 12") == []
    assert focus_parts("explain the comparison to me like I'm 12") == []


def test_a_definition_question_needs_a_sentence_that_defines():
    from tutor.answerability import defined_in

    sentences = ["Magma is molten rock that collects in chambers.", "Viscous magma holds gas, as silica does.",
                 "Viscosity, a fluid's resistance to flow, sets how violent it is.", "Lava flows (slow streams) cool.",
                 "Gas builds up in a state known as overpressure.", "This is a risk for nearby towns."]
    for term in ("magma", "viscosity", "lava flow", "overpressure"):
        assert defined_in(term, sentences), term
    assert not defined_in("silica", sentences)  # named, never explained
    assert not defined_in("chambers", sentences)


def test_names_and_prefixed_words_are_not_misspellings(tutor):
    from tutor.answerability import names

    assert names("What is mTOR, and does GABA matter? What does Ketamine do?") == {"mtor": "mTOR", "gaba": "GABA"}
    assert names("WHAT DOES KETAMINE DO TO GABA") == {}  # shouting names nothing
    assert tutor.vocabulary.correct("esketamine") == "esketamine"
    assert tutor.vocabulary.correct("ketamien") == "ketamine"


def test_spelling_repair_leaves_real_words_alone(tutor):
    correct = tutor.vocabulary.correct
    assert correct("recepter") == "receptor" and correct("exitotoxicity") == "excitotoxicity"
    assert correct("hallucinations") == "hallucinatory"  # an inflection of the corpus word
    for real in ("surgery", "overdose", "another", "plain"):
        assert correct(real) == real


def test_a_passage_that_never_names_the_subject_can_be_retrieved(tutor):
    from tutor.retrieval import without_common_words

    assert without_common_words("can ketamine cause hallucinations", tutor.vocabulary) == "can cause hallucinations"
    assert without_common_words("what is bdnf", tutor.vocabulary) is None
    passages, _ = tutor.retrieve("Does ketamine make people hallucinate?")
    assert any("hallucinatory experiences" in p.chunk.text for p in passages[:3])


def test_the_aspect_a_question_asks_for_must_be_in_the_material(tmp_path, make_tutor):
    corpus = tmp_path / "volcanoes"
    corpus.mkdir()
    (corpus / "volcanoes.md").write_text(
        "## Volcanoes\n\nVolcanoes form where magma rises through the crust. Certain regions of the crust are thinner, "
        "so magma reaches the surface there. Eruptions can be explosive when viscous magma traps gas. Hot springs, like "
        "geysers, are found near many volcanoes.\n\n## Lava\n\nLava is molten rock at the surface. Pahoehoe lava flows "
        "are smooth, while aa lava flows are rough. Rocks such as basalt form when lava cools.\n", encoding="utf-8")
    t = make_tutor(corpus)
    expected = {
        "Which birds do volcanoes harm?": "not_in_material",  # a kind the material never speaks of
        "Can you name a few geysers?": "not_in_material",  # named only as an example of another kind
        "Who figured out how lava cools?": "not_in_material",
        "Which rocks form when lava cools?": "answer",
        "What kinds of lava flows are there?": "answer",
    }
    got = {q: t.ask(q, uuid.uuid4().hex).kind for q in expected}
    assert got == expected


@pytest.mark.parametrize("question", [
    "What is the recommended dose of ketamine for depression?",
    "Who discovered ketamine and in what year?",
    "How much does a ketamine infusion cost?",
])
def test_numbers_dates_and_prices_are_never_guessed(tutor, question):
    reply = ask_case(tutor, [], question)
    assert reply.kind in ("not_in_material", "safety")  # the safety layer may decline a dose question first
    assert not re.search(r"\d", reply.answer)
    if reply.kind == "not_in_material":
        assert "covers" in reply.answer and "Dissociative" in reply.answer  # says what the material does cover


def test_off_topic_questions_are_out_of_scope(tutor):
    reply = ask_case(tutor, [], "What is the capital of Australia?")
    assert reply.kind == "out_of_scope"
    assert "Neuroplasticity" in reply.answer


def test_an_answer_quotes_the_source_with_exact_spans(tutor):
    reply = ask_case(tutor, [], "What receptor does ketamine block?")
    assert reply.kind == "answer"
    assert any("antagonist at these NMDA receptors" in c.text for c in reply.citations)
    for c in reply.citations:
        assert tutor.sources[c.source][c.start : c.end] == c.text
        assert c.section == "Ketamine’s Primary Brain Target" or c.text in tutor.sources[c.source]
    assert 1 <= len(reply.suggestions) <= 3
    assert all(s.endswith("?") for s in reply.suggestions)


def test_a_follow_up_uses_the_conversation(tutor):
    reply = ask_case(tutor, ["How does ketamine block NMDA receptors?"], "And what happens after that wears off?")
    assert reply.kind == "answer"
    assert reply.standalone_question != reply.question
    assert any("surge in glutamate release" in c.text for c in reply.citations)


@pytest.mark.parametrize("first,follow_up,kind,quoted", [
    # The sentence that answers the follow-up is one the first answer just quoted: it is still the answer.
    ("What receptor does ketamine block?", "Does that go away?", "answer", "temporarily blocks the receptor"),
    # Sentences the learner was not just shown are no better evidence for what the material never says.
    ("What is excitotoxicity?", "How quickly does that happen?", "not_in_material", "neurons are damaged or die"),
])
def test_a_follow_up_is_judged_on_what_answers_it_not_on_what_is_new(tutor, first, follow_up, kind, quoted):
    session = uuid.uuid4().hex
    earlier = tutor.ask(first, session)
    assert any(quoted in c.text for c in earlier.citations), "the premise of this case: it was just quoted"
    reply = tutor.ask(follow_up, session)
    assert_sound(reply, tutor)
    assert reply.kind == kind, reply.answer
    if kind == "answer":
        assert any(quoted in c.text for c in reply.citations)


def test_suggestions_are_questions_the_material_answers(tutor):
    for suggestion in tutor.suggestion_pool:
        reply = ask_case(tutor, [], suggestion.question)
        assert reply.kind == "answer", suggestion.question


def test_sessions_persist_across_tutor_instances(corpus_copy, tmp_path, make_tutor):
    data = tmp_path / "shared-data"
    first = make_tutor(corpus_copy, data)
    first.ask("What is BDNF?", "learner-1")
    first.close()
    second = make_tutor(corpus_copy, data)
    history = second.sessions.history("learner-1")
    assert [t.question for t in history] == ["What is BDNF?"]
    reply = second.ask("Where in the brain is that effect strongest?", "learner-1")
    assert "bdnf" in reply.standalone_question.lower()
    assert any("prefrontal cortex" in c.text for c in reply.citations)


def test_stream_yields_text_then_the_same_reply(tutor):
    items = list(tutor.stream("What is excitotoxicity?", "stream-1"))
    *pieces, reply = items
    assert isinstance(reply, TutorReply) and all(isinstance(p, str) for p in pieces)
    assert "".join(pieces) == reply.answer
    assert len(pieces) > 1


@pytest.mark.parametrize("bad", ["", "   \n\t", "x" * 4001])
def test_empty_and_huge_questions_are_rejected(tutor, bad):
    with pytest.raises(InvalidQuestion):
        tutor.ask(bad, "s")
    assert tutor.sessions.history("s") == []


def test_control_characters_are_removed(tutor):
    reply = tutor.ask("What is\x00 BDNF?\x1b", "ctrl")
    assert reply.question == "What is  BDNF?"
    assert reply.kind == "answer"


def test_a_new_corpus_works_the_same_way(tmp_path, make_tutor):
    corpus = tmp_path / "course"
    corpus.mkdir()
    (corpus / "sleep.txt").write_text(
        "Sleep and memory\n"
        "Sleep helps the brain consolidate memories. During deep sleep, the hippocampus replays the day’s events.\n"
        "Dreams\n"
        "Most vivid dreams happen during REM sleep. REM stands for rapid eye movement.\n",
        encoding="utf-8",
    )
    t = make_tutor(corpus)
    reply = t.ask("What does REM stand for?", "c2")
    assert reply.kind == "answer"
    assert any("rapid eye movement" in c.text and c.section == "Dreams" for c in reply.citations)
    assert_sound(reply, t)
    assert t.ask("Who won the 2018 World Cup?", "c2").kind == "out_of_scope"


def test_a_dose_phrase_the_material_uses_names_its_idea_not_an_amount(tutor):
    # "therapeutic doses" is the material's own phrase: a claim about it is answered (or corrected), not declined
    # for giving no numbers; asking what the dose *is* still asks for an amount the material never gives.
    assert tutor.ask("do therapeutic doses help neuroplasticity?").kind == "answer"
    assert tutor.ask("ketamine causes excitotoxicity at therapeutic doses, right?").kind == "answer"
    assert tutor.ask("what is a therapeutic dose of ketamine?").kind == "not_in_material"


@pytest.mark.parametrize("history,question,kind", [
    # Any verb after the material's subject has a target the material must speak of ("stop" is in no verb list).
    ([], "can ketamine stop your heart?", "not_in_material"),
    ([], "Can ketamine make people lose touch with reality?", "answer"),
    # A doer asked for needs a passage naming people or bodies; whom it concerns is another question.
    ([], "who makes ketamine?", "not_in_material"),
    ([], "who uses ketamine?", "answer"),
    # Two things the material names but never in one sentence: how they bear on each other is not said.
    ([], "Do SSRIs change BDNF?", "not_in_material"),
    ([], "What do NMDA receptors have to do with BDNF?", "answer"),
    # A bare "which X?" whose kind the material has no word for; a word sharing only its first letters is no form
    # of a corpus word ("psychosis" / "psychological").
    (["Is ketamine given to animals too?"], "which animals?", "not_in_material"),
    ([], "Can heavy use of it lead to psychosis?", "not_in_material"),
])
def test_what_is_asked_must_be_what_the_material_says(tutor, history, question, kind):
    reply = ask_case(tutor, history, question)
    assert reply.kind == kind, reply.answer


def test_where_the_learner_met_the_subject_does_not_decline_the_question(tutor):
    # The words beside the subject in a context clause say how the learner met it; the question is after the comma.
    reply = ask_case(tutor, [], "my therapist suggested ketamine infusions, what does it do to my brain?")
    assert reply.kind == "answer", reply.answer
    # A clause that names something else than the subject is what "it" stands for: still declined.
    assert ask_case(tutor, [], "my doctor mentioned esketamine, what does it do to the brain?").kind == "not_in_material"
    # A question about the way it is given is still one.
    assert ask_case(tutor, [], "my therapist suggested ketamine infusions, how often are they given?").kind == "not_in_material"


@pytest.mark.parametrize("question,kind", [
    # A question that points at the material, quotes its words or uses one of its technical terms is about it: when
    # the material does not answer it, that is the reply, not "outside what I can teach".
    ("What's the role of GABA here?", "not_in_material"),
    ("what is aspartate exactly?", "not_in_material"),
    ("so how quick is 'rapid', minutes or hours?", "not_in_material"),
    # Pointing at the material is no concept it lacks, and "in what part of" asks where, not how much (both from
    # tests/data/answerability_fresh6.yaml, declined before round 7).
    ("what is the traffic roadblock comparison in the text supposed to show?", "answer"),
    ("in what part of the brain is the new-connection effect especially strong?", "answer"),
    # Pointing at nothing of the material's is still off-topic.
    ("What's the weather like here?", "out_of_scope"),
    ("Translate 'good morning' into French.", "out_of_scope"),
])
def test_a_question_about_the_material_is_not_called_off_topic(tutor, question, kind):
    reply = ask_case(tutor, [], question)
    assert reply.kind == kind, reply.answer


@pytest.mark.parametrize("corpus,question,kind", [
    # Where a thing is needs a sentence that places it; naming it is not enough.
    (None, "where is the prefrontal cortex located?", "not_in_material"),
    (None, "where in the brain is that effect strongest?", "answer"),
    ("tutoring_corpus", "where is the mantle?", "answer"),  # "Deep below the surface, the mantle …"
    ("tutoring_corpus", "where are the magma chambers?", "answer"),  # "… chambers beneath a volcano"
    # What a thing the material never speaks of does, it cannot say ("can sleep restore …?").
    (None, "Can sleep restore lost synapses?", "not_in_material"),
    ("tutoring_corpus", "Can traffic trigger an eruption?", "not_in_material"),
    (None, "can heavy long-term use change the structure of the brain?", "answer"),
    # Why a thing named only as a bare example does what the text says in passing ("antidepressants, like SSRIs,
    # which … take several weeks") is not said; why the material's subject does what it does may be.
    (None, "Why are SSRIs so slow to help?", "not_in_material"),
    (None, "Why does ketamine work so quickly against depression?", "answer"),
    (None, "Can heavy ketamine use damage memory?", "answer"),
])
def test_where_a_thing_is_and_what_an_unknown_thing_does(tutor, make_tutor, corpus, question, kind):
    course = tutor if corpus is None else make_tutor(REPO / "tests" / "data" / corpus)
    history = ["What does BDNF do?"] if "that effect" in question else []
    reply = ask_case(course, history, question)
    assert reply.kind == kind, reply.answer


def _paragraphs(reply: TutorReply) -> list[str]:
    """The answer's quoted paragraphs, in the order the answer gives them (its lead-in left out)."""
    return [p for p in reply.answer.split("\n\n")[1:] if p.strip()]


def test_a_follow_up_opens_with_the_paragraph_that_answers_it(tutor):
    session = uuid.uuid4().hex
    first = tutor.ask("How does ketamine compare with SSRIs?", session)
    compares = [c.text for c in first.citations if "SSRIs" in c.text]
    assert compares, "the premise of this case: the material compares the two in one sentence"
    reply = tutor.ask("which one works faster?", session)
    assert_sound(reply, tutor)
    assert reply.kind == "answer"
    assert compares[0] in _paragraphs(reply)[0], reply.answer  # not the introduction, three paragraphs earlier


@pytest.mark.parametrize("corpus,question,section", [
    # "Risks" in the material's other words: what its sentence on consequences goes on to say.
    (None, "what are the risks of ketamine?", "Brain Alterations from Prolonged Use"),
    ("tutoring_corpus", "what are the dangers of volcanoes?", "Hazards to People"),
])
def test_risks_quote_what_the_material_says_comes_of_it(tutor, make_tutor, corpus, question, section):
    course = tutor if corpus is None else make_tutor(REPO / "tests" / "data" / corpus)
    reply = ask_case(course, [], question)
    assert reply.kind == "answer"
    inside = [c for c in reply.citations if c.section == section]
    assert len(inside) >= 2, reply.answer  # the consequences themselves, not only the sentence that announces them
    assert reply.citations[0].section == section, reply.answer


@pytest.mark.parametrize("question, reason", [
    ("what's the difference between dissociation and a k-hole?", "(it never mentions k-hole)"),  # not "hole"
    ("how long does the antidepressant effect last?", "(it gives no durations of the effect)"),
])
def test_a_decline_names_what_is_missing_in_readable_words(tutor, question, reason):
    reply = tutor.ask(question, uuid.uuid4().hex)
    assert reply.kind == "not_in_material" and reason in reply.answer, reply.answer


def test_a_decline_names_what_the_learner_just_asked_not_an_earlier_turn(tutor):
    # A short question borrows the earlier turn's words for the search; the reason must not name them.
    session = uuid.uuid4().hex
    tutor.ask("is it addictive?", session)
    reply = tutor.ask("what happens to your bladder?", session)
    assert reply.kind == "not_in_material", reply.answer
    assert "bladder" in reply.answer and "addictive" not in reply.answer
