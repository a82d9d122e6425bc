"""Answerability round 8: what the best passages must hold to answer the type of fact asked, groups of people a
question is about, kinds the material never names, and words that frame a question rather than name a concept."""

from __future__ import annotations

import pytest

from tests.test_answers import ask_case
from tutor.answerability import ANSWER_TYPES, framing_words, glossed_terms


def _lacking(question: str, evidence: str) -> str:
    """What the first answer type the question asks for finds missing in the evidence, else ""."""
    for asks, holds, lacking in ANSWER_TYPES:
        if asks.search(question):
            return "" if holds.search(evidence) else lacking
    return ""


@pytest.mark.parametrize("question,evidence,lacking", [
    # A rank beyond the first needs a passage that ranks that far.
    ("what's the third largest organ?", "The largest organ is the skin.", "rankings beyond the first"),
    ("what's the third largest organ?", "The liver is the second largest and the brain the third.", ""),
    # Whether something is detected needs a passage about tests.
    ("would it show up on a urine test?", "It is cleared by the liver.", "word on tests or detection"),
    ("would it show up on a urine test?", "Urine tests detect it for three days.", ""),
    # Comparing harms needs a passage that speaks of harm.
    ("which of the two is safer?", "The first acts faster than the second.", "comparisons of safety"),
    ("which of the two is safer?", "The second carries a higher risk of damage.", ""),
    # A place on a thing needs a passage naming such a place.
    ("where exactly on the leaf does it attach?", "It attaches to leaves in spring.", "places inside it"),
    ("where exactly on the leaf does it attach?", "It attaches at a site near the stem.", ""),
    # Telling whether something is so needs its signs.
    ("how can you tell if a volcano is about to erupt?", "Volcanoes erupt when pressure builds.", "signs to tell by"),
    ("how can you tell if a volcano is about to erupt?", "Warning signs include small earthquakes.", ""),
])
def test_the_type_of_fact_asked_must_be_in_the_best_passages(question, evidence, lacking):
    assert _lacking(question, evidence) == lacking


def test_the_learners_source_and_gloss_are_framing():
    # Where the learner read something names no concept of the question.
    assert {"textbook", "calls"} <= framing_words("My textbook calls it 'roadblocking'. Does ketamine do that?")
    assert "teacher" in framing_words("our chemistry teacher said it blocks receptors, right?")
    assert "textbook" not in framing_words("is there a textbook on ketamine?")
    # A term the learner glosses in words the material uses is judged by the gloss.
    known = {"memories", "forming", "new"}.__contains__
    assert glossed_terms("does it cause retrograde amnesia, i.e. forming new memories?", known) == {"retrograde", "amnesia"}
    assert glossed_terms("does it cause retrograde amnesia, i.e. trouble with gardening?", known) == set()


@pytest.mark.parametrize("history,question,kind", [
    # The lead's hand-found near misses: the material mentions the words but not the asked fact.
    ([], "does ketamine show up on a drug test?", "not_in_material"),
    ([], "can I drive after ketamine treatment?", "not_in_material"),
    # A group the material never mentions.
    ([], "has ketamine been tested in teenagers?", "not_in_material"),
    ([], "do the BDNF results come from mice?", "not_in_material"),
    # A rank beyond the first.
    ([], "which neurotransmitter is the second most abundant one?", "not_in_material"),
    # Comparing harms in a follow-up.
    (["How does ketamine differ from SSRIs?"], "so which of them is safer?", "not_in_material"),
    # A place on a thing.
    ([], "where exactly on the NMDA receptor does ketamine attach itself?", "not_in_material"),
    # What the material answers stays answered.
    ([], "is ketamine used on animals?", "answer"),
    ([], "where in the brain is the new-connection effect strongest?", "answer"),
    ([], "explain dissociation like I'm a kid", "answer"),
    ([], "My teacher says ketamine blocks NMDA receptors. Is that right?", "answer"),
    ([], "does ketamine affect short-term memory?", "answer"),
    ([], "can you remember things on ketamine?", "answer"),
])
def test_round8_verdicts(tutor, history, question, kind):
    reply = ask_case(tutor, history, question)
    assert reply.kind == kind, reply.answer


def test_a_kind_of_a_named_thing_the_material_never_names(tutor):
    unnamed_kind = tutor.answerability.unnamed_kind
    # Two words the material never uses nor comes near before a noun it uses: a kind it never names.
    assert unnamed_kind("the reward prediction network") == ["reward", "prediction", "network"]
    # One such word is as often the learner's adjective; the material's own phrase is no other kind.
    assert unnamed_kind("the physical structure of the brain") == []
    assert unnamed_kind("the brain's communication network") == []
