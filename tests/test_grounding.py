"""The grounding judge: near-miss pairs written for these tests (not from evals/datasets/judge_meta.yaml)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tutor.errors import PromptError
from tutor.grounding import LLMJudge, Judge, Verdict, is_framing, judge, judge_answer, split_sentences
from tutor.types import Citation

BLOCKS = ("This means it temporarily blocks the receptor, preventing glutamate from activating it and disrupting "
          "the normal flow of signals between neurons.")
ANTAGONIST = "Ketamine’s primary action is to act as an antagonist at these NMDA receptors."
ABUNDANT = "The most abundant of these is glutamate, which plays a role in nearly all brain activities."
INHIBITORY = "Many neurons affected by this are inhibitory, meaning they normally dampen brain activity."
SURGE = "As ketamine’s effects fade, a subsequent surge in glutamate release occurs."
SSRI = ("This mechanism contrasts with traditional antidepressants, like SSRIs, which act on the serotonin system "
        "and take several weeks to produce a therapeutic effect.")
BDNF = "BDNF encourages the growth of new synapses (connections between neurons) and helps repair neuronal pathways."
PLASTICITY = "While therapeutic doses can foster neuroplasticity, chronic overuse may trigger processes like excitotoxicity."
EXCITO = ("Excitotoxicity occurs when neurons are damaged or die from being overstimulated by excessive glutamate "
          "activity from repeated cycles of receptor blockade and glutamate surges.")
LOSS = "This process can lead to a loss of synapses and other changes to brain structure."
VET = "The substance is also used in veterinary medicine."
TIME = ("Individuals may experience a distorted sense of time, where moments feel stretched or compressed, and their "
        "perception of space can also be altered.")
DREAM = ("This altered state of consciousness is often described as dream-like or can involve hallucinatory "
         "experiences at higher doses.")
USES = "This has led to its use as both a clinical treatment and a recreational substance."
DISSOCIATION = ("The immediate psychological consequence of ketamine’s disruption of the glutamate system is a state "
                "known as dissociation.")
UNDERLIES = "This interference with glutamate signaling underlies all of ketamine’s effects."
NMDA = ("Glutamate interacts with receptors on neurons, and a primary one is the N-methyl-D-aspartate (NMDA) receptor, "
        "which is involved in regulating learning, memory, and emotional states.")
INTRO = ("Ketamine is a medication used for anesthesia in medical settings and is recognized for its sedative, "
         "pain-relieving, and memory-loss properties.")
RECENT = ("In recent years, ketamine has attracted attention from the mental health community for its potential "
          "applications in treating certain conditions.")
PREFRONTAL = "This effect is prominent in brain regions like the prefrontal cortex, which is involved in mood regulation."
RAPID = ("This glutamate burst is thought to trigger molecular events that underlie the medication’s rapid "
         "antidepressant properties.")
INTERRUPTED = ("When glutamate signals are interrupted, the brain’s ability to integrate sensory inputs with its "
               "internal sense of self becomes fragmented.")
CHRONIC = ("Chronic exposure can lead to cognitive impairments, such as problems with recalling past events and "
           "forming new short-term memories.")
GROWTH = "The glutamate surge activates other receptors, leading to the release of neurotrophic factors."
ROADBLOCK = ("The action is comparable to a temporary roadblock at a major intersection, altering system-wide traffic "
             "patterns.")
PARADOX = ("By suppressing these cells, ketamine can paradoxically increase overall neuronal activity in certain brain "
           "regions.")
FERTILIZER = "One of these is Brain-Derived Neurotrophic Factor (BDNF), which functions like a fertilizer for brain cells."
COMPENSATE = "Following the initial NMDA receptor blockade, the brain initiates a compensatory response."

# (claim, passages, expected label, what it tests)
NEAR_MISSES = [
    ("Ketamine temporarily stops glutamate from activating NMDA receptors.", [ANTAGONIST, BLOCKS], "supported",
     "paraphrase"),
    ("Ketamine doesn't activate the receptor; it blocks it.", [BLOCKS], "supported", "negated antonym"),
    ("Ketamine lets glutamate activate the receptor more easily.", [BLOCKS], "contradicted", "antonym"),
    ("Ketamine permanently blocks the receptor.", [BLOCKS], "contradicted", "temporary/permanent"),
    ("Ketamine blocks the receptor for about 30 minutes.", [BLOCKS], "unsupported", "added number"),
    ("Glutamate is involved in almost everything the brain does.", [ABUNDANT], "supported", "paraphrase"),
    ("Glutamate is the least abundant neurotransmitter.", [ABUNDANT], "contradicted", "antonym"),
    ("Dopamine is the most abundant neurotransmitter.", [ABUNDANT], "contradicted", "entity swap"),
    ("Inhibitory neurons usually reduce brain activity.", [INHIBITORY], "supported", "synonyms"),
    ("Inhibitory neurons normally amplify brain activity.", [INHIBITORY], "contradicted", "antonym"),
    ("Many neurons affected by ketamine are excitatory.", [INHIBITORY], "contradicted", "inhibitory/excitatory"),
    ("As ketamine wears off, glutamate release surges.", [SURGE], "supported", "phrasal verb"),
    ("As ketamine's effects fade, glutamate release drops.", [SURGE], "contradicted", "increase/decrease"),
    ("SSRIs act on serotonin and take several weeks to work.", [SSRI], "supported", "paraphrase"),
    ("SSRIs take several days to produce a therapeutic effect.", [SSRI], "contradicted", "time unit"),
    ("Ketamine takes several weeks to produce a therapeutic effect.", [SSRI], "contradicted", "SSRIs/ketamine"),
    ("SSRIs act on the dopamine system.", [SSRI], "contradicted", "entity swap"),
    ("SSRIs can cause weight gain.", [SSRI], "unsupported", "added fact"),
    ("BDNF promotes the growth of new synapses and helps repair neural pathways.", [BDNF], "supported", "paraphrase"),
    ("BDNF stops new synapses from growing.", [BDNF], "contradicted", "prevent ... from"),
    ("Chronic overuse fosters neuroplasticity, while therapeutic doses may trigger excitotoxicity.", [PLASTICITY],
     "contradicted", "contrast sides swapped"),
    ("Excitotoxicity happens when neurons are understimulated.", [EXCITO], "contradicted", "over/under"),
    ("Excitotoxicity is also involved in strokes.", [EXCITO], "unsupported", "added entity"),
    ("The loss of synapses is what causes excitotoxicity.", [EXCITO, LOSS], "contradicted", "cause reversed"),
    ("Excitotoxicity can lead to the loss of synapses.", [EXCITO, LOSS], "supported", "two sentences"),
    ("Excitotoxicity can lead to the loss of synapses.", [VET], "unsupported", "unrelated passage"),
    ("Ketamine is never used in veterinary medicine.", [VET], "contradicted", "negation"),
    ("Vets also give ketamine to animals.", [VET], "supported", "paraphrase, implied subject"),
    ("Ketamine leaves the sense of time undistorted.", [TIME], "contradicted", "negative prefix"),
    ("Ketamine can make moments feel stretched or compressed.", [TIME], "supported", "subject implied"),
    ("Ketamine always causes hallucinations.", [DREAM], "unsupported", "hedge turned into certainty"),
    ("Chronic overuse will trigger excitotoxicity.", [PLASTICITY], "unsupported", "may -> will"),
    ("Chronic overuse may trigger excitotoxicity.", [PLASTICITY], "supported", "hedge kept"),
    ("At high doses, the ketamine state can involve hallucinations.", [DREAM], "supported", "paraphrase"),
    # Near misses written for the judge's second round (issue 3): structure rather than single words.
    ("NMDA receptors block ketamine.", [ANTAGONIST, BLOCKS], "contradicted", "subject and object swapped"),
    ("Synapses encourage the growth of BDNF.", [BDNF], "contradicted", "subject and object swapped, 2"),
    ("The growth of new synapses is encouraged by BDNF.", [BDNF], "supported", "passive voice kept the roles"),
    ("Damaged neurons cause excessive glutamate activity.", [EXCITO], "contradicted", "passive agent is the cause"),
    ("Ketamine is not only a clinical treatment but also a recreational substance.", [USES], "supported",
     "not only ... but also"),
    ("Nobody uses ketamine recreationally.", [USES], "contradicted", "negative subject"),
    ("Dissociation only appears weeks after taking ketamine.", [DISSOCIATION], "contradicted",
     "weeks against immediate"),
    ("SSRIs don't work right away.", [SSRI], "supported", "negated adverb agrees"),
    ("SSRIs do not produce a therapeutic effect for several weeks.", [SSRI], "supported", "negation bounded by time"),
    ("Glutamate takes part in just a few brain activities.", [ABUNDANT], "contradicted", "a few against nearly all"),
    ("Glutamate is involved in nearly all brain activities, not just a few.", [ABUNDANT], "supported",
     "denied restriction"),
    ("Glutamate is the third most abundant neurotransmitter.", [ABUNDANT], "contradicted", "ordinal"),
    ("Glutamate is not scarce: it plays a role in nearly all brain activities.", [ABUNDANT], "supported",
     "negated antonym, no negator in source"),
    ("Ketamine's effects have nothing to do with glutamate signaling.", [UNDERLIES], "contradicted",
     "nothing to do with"),
    ("The NMDA receptor plays no role in regulating memory.", [NMDA], "contradicted", "plays no role"),
    ("The NMDA receptor is involved in regulating appetite, memory, and emotional states.", [NMDA], "contradicted",
     "list item swapped"),
    ("Ketamine is an antagonist at dopamine receptors.", [ANTAGONIST], "contradicted", "receptor named by a chemical"),
    ("Ketamine does not let glutamate switch the receptor on.", [BLOCKS], "supported", "negated permissive verb"),
    ("Chronic overuse, not therapeutic use, may trigger excitotoxicity.", [PLASTICITY], "supported",
     "a correction is no denial"),
    ("Ketamine’s roadblock does not last forever.", [ROADBLOCK], "supported", "negated 'forever'"),
    ("Most people who use ketamine develop excitotoxicity.", [PLASTICITY, EXCITO], "unsupported",
     "may -> most"),
    ("Many affected neurons are inhibitory cells that normally dampen brain activity.", [INHIBITORY], "supported",
     "'they' in the source is not the topic"),
    ("Entering a dissociative state is what makes ketamine disrupt the glutamate system.", [DISSOCIATION],
     "contradicted", "consequence of A is B, reversed"),
    # Round 3: denials worded differently from the source, superlatives, years, "rather than".
    ("Ketamine does not ease pain.", [INTRO], "contradicted", "negated paraphrase"),
    ("BDNF has no effect on how new synapses grow.", [BDNF], "contradicted", "negated paraphrase, 'no effect'"),
    ("BDNF plays no part in the growth of new synapses.", [BDNF], "contradicted", "'plays no part', paraphrase"),
    ("BDNF does not hinder the growth of new synapses.", [BDNF], "supported", "negated antonym agrees"),
    ("BDNF's effect is slightest in the prefrontal cortex.", [BDNF, PREFRONTAL], "contradicted", "superlative"),
    ("Under ketamine, the perception of space stays undisturbed.", [TIME], "contradicted",
     "negative prefix on a synonym"),
    ("Under ketamine, space is perceived as usual.", [TIME], "contradicted", "'as usual' against 'altered'"),
    ("Ketamine first drew the interest of mental health researchers in the 1960s.", [RECENT], "contradicted",
     "a past decade against 'recent years'"),
    ("Glutamate is involved in about half of brain activities.", [ABUNDANT], "contradicted", "half against nearly all"),
    ("Ketamine acts on the serotonin system rather than on NMDA receptors.", [ANTAGONIST], "contradicted",
     "'rather than' what the source says"),
    ("Ketamine acts on NMDA receptors rather than on the serotonin system.", [ANTAGONIST], "unsupported",
     "'rather than' something the source does not name: no contradiction"),
    # Round 4: denied entities, whole-statement denials, examples, lexicon gaps.
    ("The most abundant neurotransmitter is dopamine, not glutamate.", [ABUNDANT], "contradicted",
     "'X, not Y' where the source says Y"),
    ("It is false that ketamine blocks the receptor.", [BLOCKS], "contradicted", "whole-statement denial"),
    ("It is not true that ketamine activates the receptor.", [BLOCKS], "supported",
     "denying a contradicted statement agrees"),
    ("BDNF is incapable of encouraging the growth of new synapses.", [BDNF], "contradicted", "'incapable of'"),
    ("This effect is also prominent in the amygdala.", [PREFRONTAL], "unsupported",
     "another region where the source gives one as an example"),
    ("Ketamine temporarily blocks the receptor, improving the normal flow of signals between neurons.", [BLOCKS],
     "contradicted", "improving against disrupting"),
    ("Ketamine might one day be used to treat certain conditions.", [RECENT], "supported",
     "'one day' is no time span"),
    # Round 5: one word that furthers put where the source has one that hinders (or back), beside the same word.
    ("BDNF suppresses the growth of new synapses.", [BDNF], "contradicted", "valence flip: suppresses/encourages"),
    ("The immediate psychological consequence of ketamine enhancing the glutamate system is dissociation.",
     [DISSOCIATION], "contradicted", "valence flip: enhancing/disruption"),
    ("The sense of self holds together when glutamate signals are boosted.", [INTERRUPTED], "contradicted",
     "valence flip in the passive: boosted/interrupted"),
    ("BDNF promotes the growth of new synapses and helps mend neuronal pathways.", [BDNF], "supported",
     "synonyms of the same direction are no flip"),
    ("Ketamine is used recreationally instead of as a clinical treatment.", [USES], "contradicted",
     "'instead of' denies what the source states"),
    ("Ketamine's antidepressant effect arrives more slowly than that of SSRIs.", [RAPID, SSRI], "contradicted",
     "comparison across two sentences reversed"),
    ("Ketamine's interference with glutamate signaling explains only some of its effects.", [UNDERLIES],
     "contradicted", "'only some' against 'all'"),
    ("Inhibitory neurons do not usually stimulate brain activity.", [INHIBITORY], "supported",
     "'not usually V' denies the verb"),
    ("Glutamate acts only in the cerebellum.", [ABUNDANT], "unsupported",
     "'only' restricting to something the source never names"),
    ("The NMDA receptor is irrelevant to learning and memory.", [NMDA], "contradicted", "'irrelevant to'"),
    ("BDNF plays no role in the growth of new synapses.", [BDNF], "contradicted",
     "'plays no role in' denies what follows"),
    ("Chronic exposure leaves the ability to recall past events intact.", [CHRONIC], "contradicted",
     "'intact' against 'problems with'"),
    # Round 6: faithful rewordings (misspelt, informal, passive) and the near misses they must not hide.
    ("Ketamine temporarly blokcs the NMDA recepter and stops glutamate from activating it.", [BLOCKS], "supported",
     "misspellings repaired against the passage's words"),
    ("Ketamine temporarly blokcs the serotonin recepter.", [ANTAGONIST, BLOCKS], "contradicted",
     "a repaired misspelling still shows a swapped entity"),
    ("Ketamine’s primary action is to act as an agonist at these NMDA receptors.", [ANTAGONIST], "contradicted",
     "'agonist' is another word, not a misspelt 'antagonist'"),
    ("Glutamate is the least abundent of these.", [ABUNDANT], "contradicted", "misspelt, then an antonym"),
    ("No other neurotransmitter is more common than glutamate.", [ABUNDANT], "supported",
     "'no X is more A than Y' is a superlative"),
    ("No neurotransmitter is more plentiful than serotonin.", [ABUNDANT], "contradicted",
     "'no X is more A than Y' with another Y"),
    ("Glutamate is the most abundant neurotransmitter in the spinal cord.", [ABUNDANT], "unsupported",
     "'of these' stands for one noun, not for an added place"),
    ("The release of neurotrophic factors is triggered when the glutamate surge activates other receptors.",
     [GROWTH], "supported", "a passive cause verb names its effect first"),
    ("The glutamate surge is triggered when neurotrophic factors are released.", [GROWTH], "contradicted",
     "a passive cause verb with cause and effect reversed"),
    ("Taking ketamine over a long period can make it hard to form new short-term memories.", [CHRONIC],
     "supported", "'over a long period' for 'chronic'"),
    ("On ketamine, moments can seem to drag on or get squeezed together.", [TIME], "supported",
     "informal words for stretched and compressed time"),
    ("Excitotoxicity can strip away synapses.", [EXCITO, LOSS], "supported", "'strip away' is a loss"),
    # Round 7: chat spellings, quantifiers that mirror the source, words that are no verbs or agents; and premises a
    # learner might hold ("makes pain worse"), which the premise check needs called contradicted.
    ("ketamine blocks the receptor for a while so glutamate cant activate it", [BLOCKS], "supported",
     "a contraction without its apostrophe still negates"),
    ("ketamine blocks the receptor for a while so glutamate can activate it", [BLOCKS], "contradicted",
     "the same sentence without the negation"),
    ("at higher doses u might get hallucinatory experiences tho", [DREAM], "supported", "chat short forms"),
    ("BDNF basicly works like a fertilizer for brain cells.", [FERTILIZER], "supported", "a misspelt filler adverb"),
    ("Of all the neurotransmitters, glutamate is the most common.", [ABUNDANT], "supported",
     "'of all the X' names the set compared"),
    ("Of all the neurotransmitters, glutamate is the least common.", [ABUNDANT], "contradicted",
     "'of all the X' with the opposite superlative"),
    ("Everything ketamine does stems from its interference with glutamate signaling.", [UNDERLIES], "supported",
     "'everything' for 'all of'"),
    ("Ketamine only blocks the receptor for a short while.", [BLOCKS], "supported",
     "'only … for a short while' = temporarily"),
    ("Ketamine blocks the receptor for good.", [BLOCKS], "contradicted", "'for good' against 'temporarily'"),
    ("Ketamine can end up boosting rather than lowering neuronal activity in certain regions.", [INHIBITORY, PARADOX],
     "supported", "'X rather than Y' with X a word of the source's pole"),
    ("Ketamine can end up lowering rather than boosting neuronal activity in certain regions.", [INHIBITORY, PARADOX],
     "contradicted", "'X rather than Y' the other way round"),
    ("A compensatory response is set in motion by the brain after the initial blockade.", [COMPENSATE], "supported",
     "'set in motion' for 'initiates'"),
    ("Using ketamine chronically can make it harder to recall past events.", [CHRONIC], "supported",
     "'harder to' for 'problems with'"),
    ("Repeated cycles of blockade and surges can overstimulate neurons until they die.", [EXCITO], "supported",
     "a noun is no verb whose subject could be swapped"),
    ("Ketamine is used as an anesthetic for people in medical settings.", [INTRO], "supported",
     "a noun before a preposition is no agent"),
    ("Ketamine makes pain worse.", [INTRO], "contradicted", "'makes pain worse' against 'pain-relieving'"),
    ("Ketamine distorts time, but space perception stays normal.", [TIME], "contradicted",
     "'stays normal' against 'altered'"),
    ("Chronic exposure leaves the memory of past events alone.", [CHRONIC], "contradicted",
     "'leaves X alone' against 'problems with X'"),
    ("Excitotoxicity happens when neurons are starved of glutamate.", [EXCITO], "contradicted",
     "'starved of' against 'excessive'"),
    ("Inhibitory neurons normally ramp up brain activity.", [INHIBITORY, PARADOX, BLOCKS], "contradicted",
     "the antonym in the sentence restated outweighs a same-pole word far from the pronoun"),
    ("Ketamine's antidepressant effect is slow to appear.", [SSRI, RAPID], "contradicted",
     "'weeks' about SSRIs says nothing about ketamine"),
    ("There is a big glutamate surge once the drug starts wearing off.", [SURGE], "supported",
     "'starts wearing off' is wearing off"),
    ("Excitotoxicity is prevented by excessive glutamate activity.", [EXCITO], "contradicted",
     "'prevented by A' where the source has A cause it"),
    ("Excitotoxicity is brought on by excessive glutamate activity.", [EXCITO], "supported",
     "a cause restated in the passive"),
]


@pytest.fixture(scope="module")
def rules(embeddings) -> Judge:
    return Judge(embeddings)


@pytest.mark.parametrize(("claim", "passages", "label", "what"), NEAR_MISSES, ids=[p[3] for p in NEAR_MISSES])
def test_near_miss_pairs(rules, claim, passages, label, what):
    verdict = rules.judge(claim, passages)
    assert verdict.label == label, f"{what}: {verdict.reasons}"
    assert 0.0 <= verdict.score <= 1.0
    if label == "supported":
        assert verdict.score >= 0.5
    else:
        assert verdict.score < 0.5


def test_near_miss_set_covers_every_label():
    labels = [p[2] for p in NEAR_MISSES]
    assert min(labels.count(x) for x in ("supported", "unsupported", "contradicted")) >= 5


def test_fresh_held_out_set_is_large_balanced_and_new():
    from evals.judging import FRESH_META
    from evals.schema import JUDGE_META, load_judge_meta

    fresh, meta = load_judge_meta(FRESH_META), load_judge_meta(JUDGE_META)
    assert len(fresh) >= 120
    assert min(sum(p.label == lab for p in fresh) for lab in ("supported", "unsupported", "contradicted")) >= 30
    # Written independently: only a few short claims ("SSRIs act on the serotonin system.") coincide.
    assert len({p.claim.lower() for p in fresh} & {p.claim.lower() for p in meta}) <= 0.1 * len(fresh)
    assert {"negation", "antonym", "entity_swap", "time", "role_reversal", "quantifier", "causal_reversal"} <= {
        p.type for p in fresh if p.label == "contradicted"}


def test_judge_eval_prints_every_split(embeddings, tmp_path, monkeypatch):
    import argparse
    import io

    import yaml

    from evals import command

    rows = [(ANTAGONIST, "Ketamine mainly acts as an NMDA receptor antagonist.", "supported"),
            (BLOCKS, "Ketamine keeps glutamate from activating the receptor for a while.", "supported"),
            (SURGE, "A surge of glutamate release follows as ketamine wears off.", "supported"),
            (VET, "Ketamine is given to horses more than to any other animal.", "unsupported"),
            (SSRI, "SSRIs are usually taken once a day.", "unsupported"),
            (BDNF, "BDNF also strengthens blood vessels.", "unsupported"),
            (INHIBITORY, "None of the affected neurons dampen brain activity.", "contradicted"),
            (EXCITO, "Excitotoxicity spares neurons from harm.", "contradicted"),
            (TIME, "Under ketamine, time always feels exactly as usual.", "contradicted")]
    pairs = [{"id": f"t{i}", "claim": c, "passages": [p], "label": lab} for i, (p, c, lab) in enumerate(rows)]
    (tmp_path / "meta.yaml").write_text(yaml.safe_dump(pairs[:6] + pairs[6:8]))
    (tmp_path / "fresh.yaml").write_text(yaml.safe_dump(pairs[::2]))
    monkeypatch.setattr(command, "JUDGE_META", tmp_path / "meta.yaml")
    monkeypatch.setattr(command, "FRESH_META", tmp_path / "fresh.yaml")
    monkeypatch.setattr(command, "make_judge", lambda name: Judge(embeddings))
    out = io.StringIO()
    args = argparse.Namespace(judge="rules", meta=None, split="both", errors=True, check=True)
    code = command.run_judge_eval(args, out)
    text = out.getvalue()
    assert "(dev, n=" in text and "(test, n=" in text and "judge_meta_fresh (fresh, n=5)" in text
    assert text.count("Goals") == 2  # both held-out sets, not dev
    assert code == (1 if "NOT met" in text else 0)


@pytest.mark.parametrize(("claim", "passages"), [
    ("There is nothing ketamine does that cannot be traced back to its interference with glutamate signaling.",
     [UNDERLIES]),
    ("Ketamine does not strengthen glutamate's ability to switch on the receptor; it blocks it.", [BLOCKS]),
], ids=["negators that cancel", "a verb under a denied 'ability to'"])
def test_agreeing_denials_are_not_contradictions(rules, claim, passages):
    # Both agree with the source; at worst the wording leaves a word uncovered.
    assert rules.judge(claim, passages).label != "contradicted"
    assert rules.judge(claim.replace("cannot", "can").replace("does not strengthen", "strengthens"),
                       passages).label != "supported"


@pytest.mark.parametrize(("claim", "passages"), [
    ("Ketamine works faster than SSRIs.", [RAPID, SSRI]),
    ("Ketamine acts on glutamate rather than on the serotonin system.", [UNDERLIES, SSRI]),
    ("More than half of all brain activities involve glutamate.", [ABUNDANT]),
    ("Ketamine prevents glutamate, the most abundant neurotransmitter, from activating the receptor.",
     [ABUNDANT, BLOCKS]),
], ids=["a comparison the source bears out", "'rather than' what the source says of another drug",
        "'more than half' is a bound", "'prevents X, apposition, from V-ing'"])
def test_agreeing_comparisons_and_bounds_are_not_contradictions(rules, claim, passages):
    assert rules.judge(claim, passages).label != "contradicted"


def test_an_antonym_in_an_unrelated_passage_is_no_contradiction(rules):
    # The runtime verifier judges a sentence against every retrieved sentence at once.
    many = [VET, ANTAGONIST, NMDA, ROADBLOCK, UNDERLIES, SURGE, BDNF]
    verdict = rules.judge("Glutamate acts on the NMDA receptor, which helps regulate learning and memory.", many)
    assert verdict.label == "supported", verdict.reasons
    assert rules.judge("Ketamine activates NMDA receptors.", many).label == "contradicted"


def test_each_clause_of_a_claim_is_aligned_with_its_own_sentence(rules):
    # Against many passages, the second clause's sentence is not among those closest to the whole claim.
    many = [VET, INTRO, RECENT, USES, ANTAGONIST, BLOCKS, NMDA, ROADBLOCK, UNDERLIES, INHIBITORY, SURGE, BDNF,
            ABUNDANT]
    wrong = rules.judge("Ketamine is used in veterinary medicine; inhibitory neurons normally amplify brain activity.",
                        many)
    assert wrong.label == "contradicted", wrong.reasons
    right = rules.judge("Vets use ketamine; it blocks the NMDA receptor temporarily.", many)
    assert right.label == "supported", right.reasons


def test_verbatim_quote_is_fully_supported(rules):
    verdict = rules.judge(f"{VET} [2]", [VET])
    assert verdict == Verdict(label="supported", score=1.0, evidence=VET, reasons=["quoted verbatim"])


def test_nothing_to_compare_is_unsupported(rules):
    assert rules.judge("Ketamine blocks NMDA receptors.", []).label == "unsupported"
    assert rules.judge("   ", [VET]).label == "unsupported"


def test_module_function_accepts_an_embed_callable(embeddings):
    import numpy as np

    calls = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.asarray(embeddings.embed_documents(texts))

    verdict = judge("Ketamine blocks NMDA receptors.", [BLOCKS, "Ketamine’s primary action is to act as an "
                                                             "antagonist at these NMDA receptors."], embed=embed)
    assert verdict.label == "supported"
    assert calls, "the given embedding function was used"


def test_judging_is_deterministic(embeddings):
    claims = [(c, p) for c, p, _, _ in NEAR_MISSES[:12]]
    first = [Judge(embeddings).judge(c, p) for c, p in claims]
    second = [Judge(embeddings).judge(c, p) for c, p in reversed(claims)][::-1]
    assert first == second


def test_importing_grounding_loads_no_model():
    code = ("import sys, tutor.grounding as g; "
            "assert 'sentence_transformers' not in sys.modules and g.default_embed.cache_info().currsize == 0")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_split_sentences_keeps_markers_with_their_sentence():
    answer = "Here is what the material says, from “Target”:\n\nKetamine blocks it. [1] It fades. [2][3]\n\nNew. [4]"
    assert split_sentences(answer) == ["Here is what the material says, from “Target”:", "Ketamine blocks it. [1]",
                                       "It fades. [2][3]", "New. [4]"]


@pytest.mark.parametrize(("sentence", "framing"), [
    ("Here is what the material says, from “Ketamine’s Primary Brain Target”:", True),
    ("The material covers this in “Introduction” and “Brain Alterations from Prolonged Use”:", True),
    ("The material covers this in “Introduction”, “Ketamine’s Primary Brain Target” and “Brain Alterations”:", True),
    ("Ketamine blocks NMDA receptors.", False),
    ("In short, glutamate surges as ketamine fades.", False),
])
def test_framing_sentences(sentence, framing):
    assert is_framing(sentence) is framing


def _citation(marker: int, text: str) -> Citation:
    return Citation(marker=marker, chunk_id="c", source="ketamine-and-the-brain.md", section="s", text=text,
                    start=0, end=len(text))


def test_judge_answer_maps_markers_to_cited_text(embeddings):
    answer = (f"Here is what the material says:\n\n{BDNF} [1] BDNF destroys synapses. [2] "
              "Ketamine also raises serotonin in the hippocampus. [3] Glutamate surges as ketamine fades.")
    support = judge_answer(answer, [_citation(1, BDNF), _citation(2, BDNF)], embed=embeddings)
    verdicts = [(s.verdict, s.citations) for s in support]
    assert verdicts[0] == ("framing", [])
    assert verdicts[1] == ("supported", [1])
    assert verdicts[2] == ("contradicted", [2])
    assert verdicts[3] == ("unsupported", [3])  # marker without a citation: nothing supports it
    assert verdicts[4][1] == [] and verdicts[4][0] != "framing"  # factual but uncited: judged, not framing


def test_llm_judge_with_a_fake_chat_model():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = FakeListChatModel(responses=['{"label": "contradicted", "reason": "says blocks"}', "I am not sure."])
    llm = LLMJudge(model)
    first = llm.judge("Ketamine activates NMDA receptors. [1]", [BLOCKS])
    assert (first.label, first.score, first.reasons) == ("contradicted", 0.0, ["says blocks"])
    assert llm.judge("Anything.", [BLOCKS]).label == "unsupported"  # unparseable answers are not support


def test_llm_judge_prompt_renders_strictly():
    llm = LLMJudge(object())
    text = llm.prompt.render(claim="C", passages="- P")
    assert "Claim: C" in text and "- P" in text
    with pytest.raises(PromptError):
        llm.prompt.render(claim="C")
    with pytest.raises(PromptError):
        llm.prompt.render(claim="C", passages="P", extra="x")


def test_synthesized_near_misses_are_deterministic_and_labelled():
    from tutor.judge_model import CLASSES, corpus_sentences, synthesize

    sentences = corpus_sentences([f"# Title\n\n{BDNF} {SSRI}\n\n{INHIBITORY} {SURGE} {BLOCKS}"])
    assert sentences == [BDNF, SSRI, INHIBITORY, SURGE, BLOCKS]
    pairs = synthesize(sentences, seed=7)
    assert pairs == synthesize(sentences, seed=7)
    assert {label for _, _, label, _ in pairs} == set(CLASSES)
    assert {"negation", "antonym", "entity_swap", "paraphrase", "addition"} <= {kind for *_, kind in pairs}
    for claim, passages, label, kind in pairs:
        assert passages and all(p in sentences for p in passages)
        assert claim not in sentences, kind  # every claim is a changed sentence
        if kind == "negation":
            assert any(w in claim.split() for w in ("not", "never", "cannot", "fails")), claim


def test_learned_head_experiment_scores_and_separates():
    import numpy as np

    from tutor.judge_model import experiment, fit, predict, scores

    assert scores(["supported", "unsupported", "contradicted", "contradicted"],
                  ["supported", "contradicted", "contradicted", "supported"]) == (0.5, 0.5)
    # One informative signal per class (plus noise and 768 "MiniLM" numbers): a head must learn it.
    rng = np.random.RandomState(0)
    rows = []
    for i in range(60):
        gold = ("supported", "unsupported", "contradicted")[i % 3]
        x = rng.normal(0, 0.1, 2 + 768)
        x[0] = 1.0 if gold == "contradicted" else 0.0
        x[1] = 1.0 if gold == "unsupported" else 0.0
        rows.append((gold, "supported", x, "labelled" if i < 45 else "synthetic"))
    model = fit(rows[:45], slice(0, 2))
    assert predict(model, rows[45:], slice(0, 2), "head") == [r[0] for r in rows[45:]]
    assert predict(model, rows[45:], slice(0, 2), "upgrade") == [
        "contradicted" if r[0] == "contradicted" else "supported" for r in rows[45:]]
    lines = experiment(rows[:45], rows[45:], n_signals=2, folds=3)
    assert lines[0].startswith("rules:") and "(0.333, 0.0)" in lines[0]
    assert any(line.startswith("3-fold CV, signals, head: (1.0, 1.0)") for line in lines), lines


def test_leave_one_set_out_scores_each_set_with_a_head_trained_on_the_others():
    import numpy as np

    from tutor.judge_model import leave_one_set_out

    rng = np.random.RandomState(1)
    rows = []
    for i in range(90):
        gold = ("supported", "unsupported", "contradicted")[i % 3]
        x = rng.normal(0, 0.1, 2 + 768)
        x[0] = 1.0 if gold == "contradicted" else 0.0
        x[1] = 1.0 if gold == "unsupported" else 0.0
        rows.append((gold, "supported", x, ("a", "b", "c")[i // 30]))
    lines = leave_one_set_out(rows, n_signals=2)
    assert [line.split(" ")[0] for line in lines] == ["a", "b", "c"]
    # The rules here always say "supported"; a head trained on the other two sets learns the signal.
    assert all("rules (0.333, 0.0)" in line and "head on signals (1.0, 1.0)" in line for line in lines), lines
