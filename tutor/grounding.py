"""The support checker: is a claim supported by, missing from, or contradicted by source passages?

`judge(claim, passages)` is offline and deterministic and needs no language model. It aligns the
claim to the passages (MiniLM sentence and word embeddings plus shared stems), then looks for what
turns a near match into a wrong claim: a flipped negation, an antonym, a swapped entity or role, a
changed number or time unit, a reversed cause and effect, a hedge or a plural turned into "every" or
"only". Content the passages never mention makes a claim unsupported. The runtime verifier and the
eval suite both use it; `docs/evals.md` reports its measured accuracy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field
from wordfreq import zipf_frequency

from tutor.citations import MARKER
from tutor.retrieval import Vocabulary
from tutor.text import STOPWORDS, normalize, stem
from tutor.types import Citation, SentenceSupport

Label = Literal["supported", "unsupported", "contradicted"]
Embed = Callable[[list[str]], np.ndarray]


class Verdict(BaseModel):
    """How a claim relates to the passages it was checked against."""

    label: Label
    score: float = Field(ge=0, le=1, description="Degree of support: 1 fully supported, 0 none or contradicted.")
    evidence: str = Field(default="", description="The source sentence the claim aligned with best.")
    reasons: list[str] = Field(default_factory=list, description="What decided the label, for reports.")


# --------------------------------------------------------------------------------------------
# Lexicon. General English (negators, antonyms, quantifiers, time units, causal connectives) and
# the kinds of entities a text about drugs and the brain names. Nothing here is keyed to a claim.
# --------------------------------------------------------------------------------------------

# Words joined into one token so that lexicon entries can be phrases.
PHRASES = """
switch on|turn on|switch off|turn off|shut down|shut off|cut off|wear off|wears off|wore off|worn off|
green light|red light|keep from|stand out|stands out|right away|straight away|at once|long term|short term|
long lasting|long lived|short lived|prefrontal cortex|frontal cortex|frontal lobe|temporal lobe|
nucleus accumbens|basal ganglia|spinal cord|nervous system|blood pressure|heart rate|side effect|side effects|
growth factor|growth factors|nerve growth factor|chemical messenger|chemical messengers|decades ago|
kick in|kicks in|clear headed|one off|memory loss|for good|for ever|in touch|in control|each other|one another|
take place|takes place|as usual|long period|long periods|long time|strip away|strips away|stripped away|stripping away|stretch out|stretched out|drag on|drag out|dragged on|dragged out|squeeze together|squeezed together|rush by|rushed by|
years ago|long ago|in the past|no longer|too much|too little|far less|much less|much the same|
the same|all of|nearly all|almost all|every one|a few|brings about|bring about|brought about|
results in|resulted in|result in|leads to|led to|lead to|leading to|stems from|stem from|comes from|
come from|due to|because of|caused by|result of|results from|triggered by|driven by|stand for|stands for|
stood for|set in|sets in|set off|sets off|
nitrous oxide|magic mushrooms|weight gain|weight loss|ion channel|ion channels|mental health|
no one|very few|hardly any|small share|a great deal|great deal|play a role|plays a role|played a role|
play a part|plays a part|played a part|plays no role|plays no part|play no role|play no part|
played no role|played no part|nothing to do with|caught the eye|catch the eye|catches the eye|traced back to|
trace back to|traces back to|laying down|lay down|lays down|short term memory|short term memories|
long term memory|long term memories|last forever|lasts forever|last long|lasts long|far from|by no means|
take effect|takes effect|took effect|taking effect|long after|shortly after|soon after|right after|
exactly one|a single|just one|one and only|small fraction|tiny fraction|small minority|neurotrophic factor|
only some|only a few|only a minority|a while|short while|set in motion|sets in motion|setting in motion|
harder to|hard to|difficult to|return to normal|returns to normal|returned to normal|back to normal|mess with|messes with|messed with|messing with|sped up|speed up|speeds up|drawn out|draws out|leave alone|leaves alone|left alone|almost everything|nearly everything|
neurotrophic factors|
""".replace("\n", "").strip("|").split("|")

NEGATORS = frozenset("not no never n't cannot without neither nor none nobody nothing lack lacks lacking "
                     "fail fails failed unable incapable no_longer hardly no_one far_from by_no_means".split())
# "X prevents Y from V-ing" means Y does not V.
BLOCKERS = frozenset("prevent prevents prevented preventing stop stops stopped stopping keep keeps kept keeping "
                     "block blocks blocked blocking bar bars barred stopping hinder hinders hindered keep_from "
                     "protect protects protected".split())
AUXILIARIES = frozenset("is are was were be been being am do does did have has had will would can could may might "
                        "shall should must to the a an its their his her this that these those very really "
                        "actually ever even still also always just so too quite".split())

# Antonym pairs: (concept, words on the + side, words on the - side). A word may sit in several.
ANTONYMS: list[tuple[str, str, str]] = [
    ("amount", "increase increases increased increasing raise raises raised boost boosts boosted boosting "
               "enhance enhances enhanced enhancing elevate elevated heighten heightened amplify amplifies "
               "amplified rise rises rose risen more higher greater surge surges burst spike spikes strengthen "
               "strengthens excess excessive overstimulated overstimulate overstimulation overactive gain gains "
               "grow grows growing ramp_up up stimulate stimulates stimulated stimulating excite excites excited "
               "flood floods maximize",
     "decrease decreases decreased decreasing reduce reduces reduced reducing reduction lower lowers lowered "
     "lowering lessen lessens diminish diminishes diminished dampen dampens dampened dampening drop drops "
     "dropped fall falls fell decline declines declined weaken weakens weakened less fewer shrink shrinks shrank "
     "suppress suppresses suppressed suppressing suppression inhibit inhibits inhibited inhibiting calm "
     "calms quiet quiets quieten silence silences deplete depleted depletion shortage deficiency deficient "
     "insufficient too_little understimulated understimulation underactive minimize dip dips starve starved "
     "starving deprived deprivation"),
    ("activation", "activate activates activated activating activation switch_on turn_on agonist agonists open "
                   "opens stimulate stimulates stimulated stimulating excite excites excited trigger triggers "
                   "green_light enable enables enabling allow allows allowed allowing "
                   "facilitate facilitates facilitating let lets permit permits initiate initiates "
                   "initiated launch launches mount mounts set_in_motion sets_in_motion setting_in_motion",
     "block blocks blocked blocking blockade blockage antagonist antagonists antagonize antagonizes "
     "deactivate deactivates inhibit inhibits inhibited switch_off turn_off shut_off shut_down close closes "
     "obstruct obstructs roadblock roadblocks prevent prevents prevented preventing stop stops stopped shut shuts "
     "suppress suppresses suppressed suppressing red_light disable disables halt halts halted halting "
     "protect protects protected protecting"),
    ("excitation", "excitatory exciting excite excites stimulating stimulatory amplify amplifies",
     "inhibitory inhibiting inhibit inhibits dampen dampens dampening calming sedating"),
    ("speed", "rapid rapidly fast faster quick quickly immediate immediately swift swiftly prompt promptly "
              "instant instantly right_away straight_away at_once sudden suddenly soon early shortly_after "
              "soon_after right_after",
     "slow slowly slower gradual gradually delayed delay lengthy sluggish eventually late later long_after"),
    ("duration", "temporary temporarily brief briefly transient transiently short_lived momentary fleeting "
                 "reversible passing a_while short_while",
     "permanent permanently lasting long_lasting long_lived irreversible irreversibly forever enduring "
     "last lasts lasted last_forever lasts_forever last_long lasts_long "
     "persistent persist persists indefinitely for_good for_ever"),
    ("growth", "growth grow grows growing form forms formed forming formation build builds building create "
               "creates creating gain gains new sprout sprouting strengthen strengthens add adds multiply "
               "foster fosters encourage encourages promote promotes regrow",
     "loss lose loses losing lost destroy destroys destroyed destruction eliminate eliminates elimination "
     "prune prunes pruning shrink shrinks shrinking kill kills killed remove removes erode erodes "
     "discourage discourages hinder hinders break breaks breaking broken"),
    ("health", "repair repairs repaired heal heals healing restore restores restored protect protects "
               "protected preserve preserves preserved fertilizer fertiliser nourish nourishes nourishing "
               "nurture nurtures strengthen benefit benefits beneficial healthy safe harmless intact good "
               "survive survives survival thrive thrives flourish flourishes",
     "damage damages damaged damaging harm harms harmed harmful injure injures injured injury hurt hurts "
     "destroy destroys destroyed poison poisons poisonous toxic toxin toxins kill kills killed die dies died "
     "death compromise compromised compromises bad dangerous weedkiller herbicide pesticide"),
    ("quality", "improve improves improved improving improvement improvements enhance enhances enhanced "
                "enhancing enhancement enhancements better sharpen sharpens sharper sharpened boost boosts "
                "boosted strengthen strengthens superior help helps aid aids benefit benefits intact unimpaired "
                "undamaged",
     "impair impairs impaired impairment impairments worsen worsens worsened worse weaken weakens weakened "
     "degrade degrades degraded deficit deficits problem problems difficulty difficulties trouble troubles "
     "distort distorts distorted distortion warp warps warped blur blurs blurred cloud clouds clouded "
     "fragment fragments fragmented fragmentation harder_to hard_to difficult_to "
     "compromise compromised damage damaged decline declines hurt hurts harm harms loss "
     "disrupt disrupts disrupted disrupting impact impacts impacted"),
    ("integration", "integrate integrates integrated integrating integration unify unified unite united "
                    "combine combines combined coherent cohesive whole connect connects connected "
                    "connection attached attach engaged engage grounded present aware in_touch",
     "fragment fragments fragmented fragmentation disintegrate disintegrates split splits splitting separate "
     "separated separates detach detached detachment disconnect disconnects disconnected disconnection "
     "isolated estranged"),
    ("change", "differently mess_with messes_with messed_with messing_with change changes changed changing alter "
               "alters altered altering alteration distort distorts "
               "distorted distortion warp warps warped shift shifts shifted skew skewed transform "
               "transforms disrupt disrupts disrupted disrupting disruption disturb disturbs disturbed "
               "disturbing disturbance fragment fragments fragmented fragmentation",
     "unchanged unaltered undistorted intact unaffected as_usual normal preserve preserves preserved maintain maintains "
     "maintained maintaining same unchanging stable accurate accurately precise precisely"),
    ("sameness", "same identical similar similarly alike equal equivalent much_the_same the_same comparable "
                 "resemble resembles mirror mirrors",
     "different differ differs difference differences distinct contrast contrasts contrasting unlike "
     "dissimilar markedly"),
    ("rank", "most primary main chief principal major leading abundant common commonest plentiful prevalent "
             "dominant predominant",
     "least minor secondary rare rarest scarce uncommon marginal"),
    ("magnitude", "significant significantly major marked markedly substantial considerable profound dramatic "
                  "dramatically big large prominent pronounced strong strongly strongest largest greatest "
                  "a_great_deal great_deal",
     "slight slightly minor little negligible insignificant small modest subtle mild mildly minimal weak "
     "weakly faint absent weakest faintest smallest least"),
    ("level", "high higher highest large larger heavy heavier big bigger excessive",
     "low lower lowest small smaller light lighter tiny minimal"),
    ("recency", "recent recently lately nowadays modern", "decades_ago years_ago long_ago ancient "
                "old historically traditionally in_the_past centuries"),
    ("order", "after afterwards subsequent subsequently following follows later ensuing",
     "before prior precede precedes preceded preceding earlier beforehand ahead"),
    ("span", "chronic chronically prolonged long_term repeated repeatedly sustained ongoing regular regularly "
             "heavy persistent long_period long_periods long_time",
     "acute single one_off brief short_term occasional occasionally"),
    ("calm", "sedative sedating sedate sedates sedation calming relaxing tranquil anesthetic anaesthetic "
             "anesthesia anaesthesia drowsy sleepy unconscious",
     "stimulant stimulating energizing energising arousing awake wakeful alert wakefulness"),
    ("memory", "memory_loss amnesia amnesic forget forgetting forgetful", "memory_enhancing remember "
               "remembering sharper_memory"),
    ("attention", "attention attract attracts attracted interest interested notice noticed focus embrace "
                  "embraced welcome welcomed",
     "ignore ignores ignored neglect neglects neglected overlook overlooked dismiss dismissed disregard "
     "disregarded reject rejected"),
    ("usage", "use used uses using employ employed employs approved allowed administered prescribed",
     "banned ban bans prohibited prohibit forbidden unused avoided"),
    ("frequency", "often frequently commonly usually typically regularly generally normally",
     "rarely seldom hardly infrequently"),
    # Phrases are listed whole: their parts ("all", "few") are stopwords and give no pole on their own.
    ("quantity", "many most numerous majority all every plenty nearly_all almost_all all_of every_one "
                 "almost_everything nearly_everything",
     "few little none minority handful half a_few very_few hardly_any no_one nobody small_share small_fraction "
     "only_some only_a_few only_a_minority "
     "tiny_fraction small_minority"),
    ("paradox", "paradoxically surprisingly unexpectedly counterintuitively ironically",
     "predictably expectedly unsurprisingly naturally"),
    ("lucidity", "dream dreams dreamlike dreamy hallucinatory hallucination hallucinations surreal",
     "lucid alert clear clear_headed sober realistic"),
    ("agency", "observer observers watcher spectator onlooker passive", "participant participants actor active "
               "in_control"),
    ("fading", "fade fades fading faded wear_off wears_off wore_off subside subsides wane wanes ebb ebbs end "
               "ends",
     "intensify intensifies intensified peak peaks build builds onset begin begins start starts kick_in "
     "kicks_in strongest height take_effect takes_effect took_effect taking_effect"),
    ("impact", "impact impacts affect affects affected impair impairs impairment impairments harm harms suffer "
               "suffers suffered",
               "spare spares spared leave_alone leaves_alone left_alone "
               "unaffected untouched"),
    ("relation", "related involved linked associated tied consequence consequences play_a_role plays_a_role played_a_role play_a_part "
                 "plays_a_part played_a_part rely relies relying relied depend depends depending underlie "
                 "underlies underlying",
     "unrelated uninvolved unconnected independent irrelevant plays_no_role plays_no_part play_no_role play_no_part "
     "played_no_role played_no_part nothing_to_do_with"),
    ("scope", "both also either additionally", "only solely exclusively sole just"),
    ("mood", "antidepressant antidepressants uplifting", "depressant depressive depressing"),
    ("pain", "relieve relieves relieving relief analgesic painkilling painkiller soothe soothes numb numbs ease "
             "eases easing",
     "painful worsen worsens worse intensify intensifies"),
]

SYNONYMS: list[str] = [
    "block blocks blocked blocking blockade antagonist antagonists antagonize obstruct shut shuts",
    "activate activates activated activating activation switch_on turn_on stimulate",
    "use uses used using employ employs employed utilize utilized administer administered give given",
    "medication medications medicine medicines drug drugs substance substances agent compound",
    "medical clinical doctor doctors physician physicians clinician clinicians patient patients hospital "
    "hospitals clinic clinics surgery",
    "anesthesia anaesthesia anesthetic anaesthetic anesthetize",
    "veterinary vet vets veterinarian veterinarians animal animals",
    "recent recently lately nowadays",
    "attention interest interested attract attracted notice noticed caught_the_eye catch_the_eye catches_the_eye",
    "treat treats treating treated treatment treatments therapy therapies therapeutic",
    "condition conditions disorder disorders illness illnesses disease diseases",
    "neuron neurons nerve_cell brain_cell brain_cells cell cells",
    "signal signals signaling signalling message messages transmit transmits transmission send sends carry "
    "carries pass passes",
    "neurotransmitter neurotransmitters chemical_messenger chemical_messengers messenger messengers",
    "abundant common plentiful prevalent widespread commonest",
    "regulate regulates regulating regulation control controls controlling govern governs manage manages "
    "managed modulate modulates",
    "emotional emotion emotions mood moods feeling feelings",
    "memory memories remember remembering recall recalling recollect",
    "temporary temporarily brief briefly transient short_lived a_while short_while",
    "stretch stretches stretched stretching stretch_out stretched_out drag_on drag_out dragged_on dragged_out "
    "drawn_out draws_out "
    "lengthen lengthened elongate elongated",
    "compress compresses compressed compressing squeeze squeezes squeezed squeezing squeeze_together "
    "squeezed_together rush_by rushed_by condense condensed sped_up speed_up speeds_up",
    "prevent prevents preventing stop stops keep_from",
    "disrupt disrupts disrupting disruption interrupt interrupts interrupted interruption interfere "
    "interferes interference upset upsets upsetting disturb disturbs cut_off",
    "compare compared comparable comparison like liken likens likened similar analogous akin resemble resembles "
    "analogy",
    "intersection intersections junction junctions crossroads crossing",
    "alter alters altered altering alteration change changes changed changing shift shifts shifted modify differently "
    "warp warps warped distort distorts distorted",
    "underlie underlies underlying cause causes caused basis root behind drive drives produce produces "
    "trigger triggers triggered lead leads led bring brings brought",
    "effect effects consequence consequences result results outcome outcomes impact impacts",
    "involved involve involves play_a_role plays_a_role played_a_role play_a_part plays_a_part played_a_part",
    "region regions area areas part parts zone zones",
    "immediate immediately right_away straight_away instantly at_once",
    "psychological mental psychic",
    "detachment detached disconnected disconnect disconnection separated separation",
    "person people individual individuals someone user users somebody one",
    "integrate integrates integrating integration combine combines tie ties tying bind",
    "sensory sensation sensations senses",
    "significant significantly major marked markedly substantial considerable profound dramatic big",
    "perception perceptions perceive perceives perceived",
    "dream dreams dreamlike dreamy",
    "hallucinatory hallucination hallucinations hallucinate hallucinogenic",
    "observer observers watcher spectator witness onlooker watching watch",
    "stem stems stemming originate originates arise arises come comes",
    "initial first early original",
    "subsequent following later afterwards ensuing",
    "surge surges burst bursts spike spikes rush flood",
    "release releases released releasing secretion secrete",
    "neuroplasticity plasticity rewiring rewire",
    "form forms formed forming build builds building create creates creating grow grows growing make laying_down "
    "lay_down lays_down "
    "makes generate generates formation",
    "connection connections link links synapse synapses wiring",
    "fertilizer fertiliser nourish nourishes nurture nurtures",
    "encourage encourages encouraging promote promotes promoting foster fosters fostering support supports "
    "facilitate facilitates spur spurs help helps aid aids",
    "repair repairs repairing heal heals healing restore restores mend mends fix fixes recover recovers recovering "
    "recovery",
    "pathway pathways circuit circuits route routes",
    "prominent pronounced notable noticeable strong stand_out stands_out conspicuous",
    "traditional conventional standard classic older established",
    "long_term chronic chronically prolonged extended sustained long_period long_periods long_time",
    "impairment impairments deficit deficits problem problems difficulty difficulties trouble impaired "
    "harder_to hard_to difficult_to",
    "abuse abused overuse misuse",
    "skill skills ability abilities capacity capacities",
    "damage damaged harm harmed injure injured hurt",
    "die dies died death dying",
    "excessive too_much extreme",
    "repeated repeatedly recurring repetitive",
    "loss lose loses losing lost strip_away strips_away stripped_away stripping_away",
    "antidepressant antidepressants",
    "nearly_all almost_all almost_everything nearly_everything",
    "week weeks",
    "time moment moments",
    "reality real_world",
    "rapid rapidly fast quickly quick swift swiftly",
    "recognized recognised known noted famous renowned",
    "function functions act acts acting work works serve serves operate operates behave behaves",
    "rely relies relying depend depends depending need needs require requires",
    "occur occurs occurring happen happens happening take_place takes_place arise arises",
    "relieve relieves relieving relief ease eases easing soothe soothes",
]

# Kinds of entity: naming another one of the same kind than the source does is a swap.
ENTITIES: dict[str, str] = {
    "chemical": "glutamate serotonin dopamine gaba norepinephrine noradrenaline adrenaline epinephrine "
                "acetylcholine histamine glycine endorphin endorphins oxytocin cortisol melatonin "
                "endocannabinoid endocannabinoids",
    "receptor": "nmda ampa kainate opioid opioids cannabinoid muscarinic nicotinic",
    "region": "prefrontal_cortex frontal_cortex frontal_lobe temporal_lobe hippocampus hippocampal amygdala "
              "cerebellum brainstem thalamus hypothalamus striatum nucleus_accumbens insula basal_ganglia "
              "spinal_cord cortex",
    "drug": "ketamine ssri ssris esketamine pcp phencyclidine lsd psilocybin mdma cocaine heroin alcohol "
            "morphine fentanyl opioids benzodiazepines benzodiazepine lithium prozac fluoxetine sertraline "
            "nitrous_oxide dxm memantine caffeine nicotine cannabis marijuana amphetamine amphetamines "
            "methamphetamine antipsychotics placebo",
    "factor": "bdnf ngf gdnf igf vegf neurotrophin neurotrophins nerve_growth_factor neurotrophic_factor "
              "neurotrophic_factors",
    "organ": "bladder kidney kidneys liver heart lung lungs stomach bowel skin eyes",
    "condition": "depression ptsd anxiety schizophrenia alzheimer alzheimer's parkinson parkinson's dementia ocd "
                 "bipolar psychosis addiction epilepsy insomnia autism adhd stroke",
    "being": "human humans people animal animals children adults teenagers elderly rats mice horses dogs cats",
    "cell": "astrocyte astrocytes glia glial microglia oligodendrocytes interneuron interneurons pyramidal "
            "dendrites axons",
}

TIME_UNITS = {"second": 1, "minute": 2, "hour": 3, "day": 4, "week": 5, "month": 6, "year": 7, "decade": 8,
              "century": 9}
NUMBER_WORDS = frozenset("two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
                         "forty fifty hundred thousand million half dozen percent".split())
# Quantifiers that claim more than a hedged or plural source.
UNIVERSALS = frozenset("every everyone everybody everything always all any each entire entirely completely "
                       "totally fully guaranteed guarantee guarantees definitely certainly invariably "
                       "inevitably cure cures cured proven permanently never".split())
EXCLUSIVES = frozenset("only solely exclusively sole just exactly_one a_single just_one one_and_only".split())
_ALL_WORDS = frozenset("all all_of every each entire".split())
# Words that say "all of them": a claim may use any of them where the source uses another ("everything … does"
# for "all of … effects").
_EVERY_WORDS = _ALL_WORDS | frozenset("everything everyone everybody whole".split())
# Source words that mark a claim as one case among several (so "only" contradicts them).
PLURALITY = ("both", "also", "one of", "a primary one", "one of these", "of these", "among", "such as", "like",
             "other", "others", "including")
HEDGES = frozenset("may might can could often sometimes potential potentially possible possibly thought "
                   "believed suggests likely some certain many nearly almost".split())
# "Most users …" is only an overclaim when the source says "may" or "can" and nothing about how many.
MAJORITY = frozenset("most majority usually typically generally commonly".split())
# Certainty that is only an overclaim when the source hedges ("may trigger" -> "will trigger").
CERTAINTY = frozenset("will must certainly undoubtedly surely clearly proves proved proven definitely".split())

FORWARD_CAUSE = frozenset("leads_to led_to lead_to leading_to causes cause caused triggers trigger triggered "
                          "results_in resulted_in result_in brings_about bring_about brought_about drives "
                          "drove produces produced stimulates underlies underlie drew draws draw "
                          "so therefore thus".split())
BACKWARD_CAUSE = frozenset("stems_from stem_from comes_from come_from due_to because because_of caused_by "
                           "result_of results_from triggered_by driven_by traced_back_to trace_back_to "
                           "traces_back_to".split())
CLAUSE_CAUSE = frozenset("when following after once by as".split())

# Uncited sentences made only of these (plus quoted titles) frame an answer rather than state a fact.
META_WORDS = frozenset("material article text source sources passage passages section sections course lesson "
                       "says say said covers cover covered answer answers question questions guess topic "
                       "topics here following quote quotes cited citation find found mention mentions "
                       "mentioned explains explain explained discuss discusses describes described note "
                       "notes summary summarise summarize short sure know ask asked help learn".split())

# A denial of a whole statement: "It is not true that S", "It is false that S".
_DENIED = r"(?:not\s+true|untrue|false|incorrect|wrong|a\s+myth|a\s+misconception|not\s+the\s+case)"
_SENTENCE_DENIAL = re.compile(rf"^(?:it\s+(?:is|was)\s+{_DENIED}|it['’]s\s+{_DENIED}|it\s+(?:is|was)n['’]t\s+"
                              r"(?:true|the\s+case))\s+that\s+(.+)$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_CLAUSE_BREAK = frozenset(",;:()\"") | {"but", "while", "whereas", "although", "though", "which", "who", "and"}


def _token_stem(word: str) -> str:
    """Stem of a token; joined phrases are stemmed word by word ("decades_ago" -> "decad_ago")."""
    if "_" in word:
        return "_".join(stem(p) for p in word.split("_"))
    return stem(word)


def _stems(words: str) -> frozenset[str]:
    return frozenset(_token_stem(w) for w in words.split())


def _related_form(word: str, listed: str) -> bool:
    """Whether `word` is an inflection of the listed word, not a stem collision ("several"/"sever")."""
    if word == listed:
        return True
    if "_" in word or "_" in listed:
        return _token_stem(word) == _token_stem(listed)
    root = _token_stem(listed)
    if _token_stem(word) != root:
        return False
    if listed.startswith(word) and listed[len(word):] not in _INFLECTIONS:
        return False  # "hand" is no form of "handful": a derivational suffix changes the meaning
    n = min(len(root) + 1, len(listed), len(word))
    if listed.endswith("e") and len(listed) == len(root) + 1 and word[len(root):] in ("ing", "ed", "er", "es"):
        n = len(root)  # "restoring" is a form of "restore": the e is dropped before -ing
    return word[:n] == listed[:n]


_INFLECTIONS = frozenset("s es d ed ing er est ly y e ies".split())


class _Lexicon:
    """Word -> values, looked up by surface form first, then by a guarded stem."""

    def __init__(self) -> None:
        self.surface: dict[str, list] = {}
        self.by_stem: dict[str, list[tuple[str, object]]] = {}

    def add(self, word: str, value: object) -> None:
        bucket = self.surface.setdefault(word, [])
        if value not in bucket:
            bucket.append(value)
        self.by_stem.setdefault(_token_stem(word), []).append((word, value))

    def get(self, word: str) -> list:
        if word in self.surface:
            return list(self.surface[word])
        found: list = []
        for listed, value in self.by_stem.get(_token_stem(word), []):
            if value not in found and _related_form(word, listed):
                found.append(value)
        return found


_POLES = _Lexicon()
for _concept, _plus, _minus in ANTONYMS:
    for _sign, _words in ((1, _plus), (-1, _minus)):
        for _w in _words.split():
            _POLES.add(_w, (_concept, _sign))
_SYNONYMS = _Lexicon()
for _group in SYNONYMS:
    _first = sorted(_group.split())[0]
    for _w in _group.split():
        if not _SYNONYMS.get(_w):
            _SYNONYMS.add(_w, "syn:" + _first)
_ENTITY_KIND: dict[str, str] = {_token_stem(w): kind for kind, ws in ENTITIES.items() for w in ws.split()}
# Concepts whose + side furthers what it acts on and whose - side hinders it (build/dismantle, restore/disrupt,
# encourage/inhibit, amplify/interrupt): a word of one side put where the source has the other reverses the claim.
_VALENCE_CONCEPTS = frozenset("amount activation excitation growth health quality".split())
# Degree words and adjectives carry these poles too, but put before a noun they grade it rather than act on it.
_NO_VALENCE = frozenset("more less fewer up down high higher highest low lower lowest great greater whole new "
                        "first good bad better worse safe little much excess excessive gain gains flood floods "
                        "surge surges burst spike spikes shortage deficiency deficient insufficient depletion "
                        "depleted".split())
_VALENCE_EXTRA = {w: -1 for w in "dismantle dismantles dismantled dismantling undermine undermines undermined "
                  "undermining tear_down tears_down demolish demolishes sabotage sabotages thwart thwarts "
                  "interrupt interrupts interrupted interrupting interruption".split()}


def _valence_of_poles(poles: Sequence[tuple[str, int]]) -> int:
    signs = {sg for c, sg in poles if c in _VALENCE_CONCEPTS}
    return signs.pop() if len(signs) == 1 else 0


_GROUP_VALENCE: dict[str, int] = {}
for _group in SYNONYMS:
    _signs = {_valence_of_poles(_POLES.get(_w)) for _w in _group.split()} - {0}
    if len(_signs) == 1:
        _GROUP_VALENCE["syn:" + sorted(_group.split())[0]] = _signs.pop()
_PHRASE_SET = {p.replace(" ", "_") for p in PHRASES}
_PHRASE_BY_STEM = {"_".join(stem(w) for w in p.split()): p.replace(" ", "_") for p in PHRASES}
_MAX_PHRASE = max(p.count(" ") + 1 for p in PHRASES)
_FORWARD = _stems(" ".join(FORWARD_CAUSE))
_BACKWARD = _stems(" ".join(BACKWARD_CAUSE))
_UNIT_STEMS = {stem(u): r for u, r in TIME_UNITS.items()} | {stem(u + "s"): r for u, r in TIME_UNITS.items()}
_UNIT_STEMS[stem("centuries")] = 9


def canonical(word: str) -> str:
    """The synonym-group id of a word, or its stem."""
    found = _SYNONYMS.get(word)
    return found[0] if found else _token_stem(word)


# --------------------------------------------------------------------------------------------
# Text analysis
# --------------------------------------------------------------------------------------------


@dataclass
class Token:
    """One word (or joined phrase) of a sentence, with what the detectors need to know about it."""

    text: str
    stem: str
    index: int
    clause: int
    content: bool
    negated: bool = False
    poles: list[tuple[str, int]] = field(default_factory=list)

    @property
    def canon(self) -> str:
        return canonical(self.text)


@dataclass
class Analysed:
    """A sentence split into tokens, with clauses marked and negation resolved."""

    text: str
    tokens: list[Token]
    antecedent: set[str] = field(default_factory=set)

    @property
    def content(self) -> list[Token]:
        return [t for t in self.tokens if t.content]

    def stems(self) -> set[str]:
        return {t.stem for t in self.tokens if t.content}


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage or answer (markers such as [2] stay with the sentence before them)."""
    pieces = []
    for block in re.split(r"\n\s*\n", text):
        block = re.sub(r"\s+", " ", block).strip()
        if not block:
            continue
        # A marker after the full stop belongs to the sentence it ends: "… glutamate. [1] Next …".
        block = re.sub(r"([.!?][\"”’)]*)\s*((?:\[\d+\]\s*)+)", lambda m: f"{m.group(1)} {m.group(2).strip()}\n",
                       block)
        for line in block.split("\n"):
            pieces.extend(p.strip() for p in _SENTENCE_END.split(line.strip()) if p.strip())
    return pieces


# Chat spellings a learner writes: contractions without the apostrophe ("cant", "doesnt") and short forms.
_INFORMAL = {"cant": "can't", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't",
             "arent": "aren't", "wasnt": "wasn't", "werent": "weren't", "couldnt": "couldn't",
             "wouldnt": "wouldn't", "shouldnt": "shouldn't", "hasnt": "hasn't", "havent": "haven't",
             "hadnt": "hadn't", "u": "you", "ur": "your", "ppl": "people", "tho": "though", "thru": "through",
             "kinda": "kind of", "sorta": "sort of", "coz": "because", "cuz": "because", "bc": "because",
             "teh": "the"}
_INFORMAL_RE = re.compile(r"\b(" + "|".join(_INFORMAL) + r")\b")


def _raw_tokens(text: str) -> list[str]:
    norm = normalize(text).replace("’", "'")
    norm = _INFORMAL_RE.sub(lambda m: _INFORMAL[m.group(1)], norm)
    norm = re.sub(r"\bcan't\b", "can n't", norm)
    norm = re.sub(r"\bwon't\b", "will n't", norm)
    norm = re.sub(r"\b(\w+)n't\b", r"\1 n't", norm)  # "doesn't" -> "does n't"
    raw = []
    for m in re.finditer(r"n't|[a-z0-9]+(?:'[a-z]+)?|[,;:.!?()\"]", norm):
        raw.append(m.group(0))
    # Join known phrases greedily, longest first, matching inflections ("switches on" -> "switch_on").
    out, i = [], 0
    while i < len(raw):
        for n in range(_MAX_PHRASE, 1, -1):
            if len(raw) - i < n:
                continue
            cand = "_".join(raw[i : i + n])
            key = "_".join(stem(w) for w in raw[i : i + n])
            if cand in _PHRASE_SET or key in _PHRASE_BY_STEM:
                out.append(cand if cand in _PHRASE_SET else _PHRASE_BY_STEM[key])
                i += n
                break
        else:
            out.append(raw[i])
            i += 1
    # Separable particle verbs: "switch the receptor on" -> "switch_on the receptor".
    bases = {"switch": "switch", "switches": "switch", "switched": "switch", "turn": "turn", "turns": "turn",
             "turned": "turn", "cut": "cut", "cuts": "cut", "shut": "shut", "shuts": "shut", "leave": "leave",
             "leaves": "leaves", "left": "left"}
    for j, w in enumerate(out):
        if w not in bases:
            continue
        for k in range(j + 2, min(j + 8, len(out))):
            if out[k] in ("on", "off", "down", "alone"):  # "leaves the memory of past events alone"
                if f"{bases[w]}_{out[k]}" in _PHRASE_SET:
                    out[j], out[k] = f"{bases[w]}_{out[k]}", ","
                break
            if out[k] in _CLAUSE_BREAK:
                break
    return out


_PARTICLE_VERBS = frozenset("switch_on turn_on switch_off turn_off shut_down shut_off cut_off wear_off wears_off "
                            "wore_off worn_off kick_in kicks_in".split())
_NEGATIVE_PREFIXES = ("un", "non", "dis", "in", "im", "ir", "il")
# Kinds of memory, not lengths of use; "leading to" is a cause, not a rank.
_NO_POLES = frozenset("short_term_memory short_term_memories long_term_memory long_term_memories lead_to leads_to "
                      "led_to leading_to pain pains "  # "pain" names the thing relieved, no pole
                      # a return to normal presupposes a change: it denies none
                      "return_to_normal returns_to_normal returned_to_normal back_to_normal".split())


def _poles_of(word: str) -> list[tuple[str, int]]:
    """Antonym poles of a word; a negative prefix flips those of the base ("undistorted")."""
    if word in _NO_POLES:
        return []
    if "_" in word and word not in _PARTICLE_VERBS:
        own = _POLES.get(word)
        for part in word.split("_"):
            if part not in STOPWORDS:
                own += [p for p in _POLES.get(part) if p not in own]
        return own
    if word in _NO_POLES:
        return []
    if re.fullmatch(r"1[0-9]{3}s?", word):
        return [("recency", -1)]  # a year or decade of the past century is not "recent"
    own = _POLES.get(word)
    if own:
        return own
    if word.endswith("est") and len(word) >= 6:
        # A superlative of a listed adjective ("scarcest", "biggest", "earliest").
        for base in (word[:-2], word[:-3], word[:-4] if word[-4] == word[-5] else "",
                     word[:-4] + "y" if word.endswith("iest") else ""):
            if base and _POLES.surface.get(base):
                return list(_POLES.surface[base])
    for prefix in _NEGATIVE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            base = _POLES.get(word[len(prefix):])
            # "undistorted" is rarer than "distorted"; "information" is no negation of "formation".
            if base and zipf_frequency(word, "en") < zipf_frequency(word[len(prefix):], "en"):
                return [(c, -sg) for c, sg in base]
    return []


def antonym_poles(word: str) -> list[tuple[str, int]]:
    """The antonym poles (concept, +1 or -1) the judge's lexicon gives a word; public for the grader's slot check."""
    return _poles_of(word)


def valence_of_poles(poles: Sequence[tuple[str, int]]) -> int:
    """Whether poles say a word furthers (+1) or hinders (-1) what it acts on, 0 when neither or both."""
    return _valence_of_poles(poles)


@lru_cache(maxsize=8192)
def analyse(text: str) -> Analysed:
    """Tokens of one sentence with clause numbers, content flags, antonym poles and negation."""
    raw = _raw_tokens(MARKER.sub(" ", text))
    tokens: list[Token] = []
    clause = 0
    for i, w in enumerate(raw):
        if w in _CLAUSE_BREAK:
            clause += 1
        s = _token_stem(w)
        is_word = bool(re.match(r"[a-z0-9]", w))
        poles = _poles_of(w) if is_word else []
        content = is_word and (w not in STOPWORDS or bool(poles)) and w not in NEGATORS and len(w) > 1 \
            and w != "n't"
        if s in _ENTITY_KIND:
            poles = []  # "depression" names a condition; it is not the pole of "antidepressant"
        tokens.append(Token(text=w, stem=s, index=i, clause=clause, content=content, poles=poles))
    for t, nxt in zip(tokens, tokens[1:], strict=False):
        if t.text in _ASPECT and (nxt.text == "to" or nxt.text.endswith("ing") or nxt.text in _PARTICLE_VERBS):
            t.poles = []  # "starts to wear off": the verb after it carries the meaning
        if t.text in ("last", "lasts", "lasted") and any(u.stem in _UNIT_STEMS for u in tokens[t.index + 1:
                                                                                             t.index + 5]):
            t.poles = []  # "lasts about 30 minutes" gives a length, not "lasting"
        if t.text == "normal" and nxt.content:
            t.poles = []  # "the normal flow" names what is disrupted; "stays normal" says it is not
        if t.text in _ORDINALS and (nxt.text in ("most", "largest", "biggest") or nxt.text.endswith("est")):
            t.stem, t.poles, t.content = t.text, [("rank", -1)], True  # "second most abundant"
    for i, t in enumerate(tokens[2:], start=2):
        if t.text == "half" and tokens[i - 1].text == "than" and tokens[i - 2].text in ("more", "less", "fewer"):
            t.poles = []  # "more than half" is a bound, consistent with "nearly all"
        if t.text == "day" and tokens[i - 1].text in ("one", "some") and tokens[i - 2].text in _MODALS:
            t.stem, t.content = "someday", False  # "might one day replace": some time, not a span
    _time_speed(tokens)
    _resolve_negation(tokens)
    return Analysed(text=text, tokens=tokens)


_MODALS = frozenset("may might could can will would should".split())


_ASPECT = frozenset("start starts started starting begin begins began beginning continue continues "
                    "continued".split())
_ORDINALS = frozenset("second third fourth fifth".split())


def _time_speed(tokens: list[Token]) -> None:
    """A span of days or more ("takes several weeks") is slow; seconds or minutes are fast."""
    for i, t in enumerate(tokens):
        rank = _UNIT_STEMS.get(t.stem)
        if rank is None or (i > 0 and tokens[i - 1].text in ("recent", "past", "last", "few_recent")):
            continue
        if rank == 3 and i + 1 < len(tokens) and tokens[i + 1].text in ("after", "later"):
            rank = 4  # "hours after" is a delay
        if rank >= 4 and t.text.endswith("s") or rank <= 2:
            sign = 1 if rank <= 2 else -1
            if ("speed", sign) not in t.poles:
                t.poles = [*t.poles, ("speed", sign)]
                t.content = True


def _resolve_negation(tokens: list[Token]) -> None:
    """Mark the predicate each negator governs, and the verb after "prevent … from"."""
    n = len(tokens)
    cancelled = _double_negation(tokens)
    for i, t in enumerate(tokens):
        if t.text in NEGATORS and i not in cancelled:
            correction = i > 0 and tokens[i - 1].text == "," and t.text == "not"
            if _time_scope(tokens, i):
                continue  # "does not work for several weeks": says when, not whether
            # The first content word within four tokens, skipping auxiliaries, is what is denied ...
            for j in range(i + 1, min(i + 5, n)):
                u = tokens[j]
                if u.text in _CLAUSE_BREAK and u.text not in ("which", "who"):
                    break
                if u.text in _USUALLY and j + 1 < n and not tokens[j + 1].text in _CLAUSE_BREAK:
                    continue  # "does not normally excite" means it normally does not: the verb is denied
                if u.content and (u.text not in AUXILIARIES or u.text in EXCLUSIVES):
                    focus = _modifier_focus(tokens, j) or u
                    if correction and not focus.poles:
                        break  # "overuse, not therapeutic use, may …" names who does it, denies nothing
                    focus.negated ^= True
                    if focus.text in _PERMISSIVE:
                        # "does not let glutamate switch on the receptor": the receptor is not switched on
                        for v in tokens[j + 1 : j + 5]:
                            if v.text in _CLAUSE_BREAK:
                                break
                            if v.poles and v.stem not in _ENTITY_KIND:
                                v.negated ^= True
                                break
                    if focus.text in _ALL_WORDS or focus.text == "always":
                        focus.poles = []  # "not all" is not "none": it agrees with "many"
                    if focus.text in EXCLUSIVES and j + 1 < n and tokens[j + 1].text not in _CLAUSE_BREAK:
                        tokens[j + 1].poles = [p for p in tokens[j + 1].poles if p[0] != "quantity"]
                    break
    for i, t in enumerate(tokens):
        if t.text in _ROLE_DENIALS:
            # "plays no role in repairing pathways": the repairing is denied too
            for u in tokens[i + 1 : i + 5]:
                if u.text in _CLAUSE_BREAK or u.text in (".", "?", "!"):
                    break
                if u.content and (u.poles or u.text.endswith("ing")):
                    u.negated = not u.negated
                    break
    for i, t in enumerate(tokens):
        if t.text in BLOCKERS and not t.negated:
            for j in range(i + 1, min(i + 6, n)):
                if tokens[j].text == "from":
                    for k in range(j + 1, min(j + 4, n)):
                        if tokens[k].content:
                            tokens[k].negated = not tokens[k].negated
                            break
                    break
                if tokens[j].text == ",":
                    # "keeps glutamate, the most abundant neurotransmitter, from activating": skip the apposition
                    close = next((k for k in range(j + 1, min(j + 12, n)) if tokens[k].text in (",", ";", ".")), None)
                    if close is not None and tokens[close].text == "," and close + 1 < n \
                            and tokens[close + 1].text == "from":
                        for k in range(close + 2, min(close + 5, n)):
                            if tokens[k].content:
                                tokens[k].negated = not tokens[k].negated
                                break
                    break
                if tokens[j].text in (";", ".", "and"):
                    break


_ROLE_DENIALS = frozenset("plays_no_role plays_no_part play_no_role play_no_part played_no_role played_no_part "
                          "nothing_to_do_with".split())
_USUALLY = frozenset("normally usually typically generally ordinarily properly correctly".split())


def _double_negation(tokens: list[Token]) -> set[int]:
    """Negators that cancel: "no effect that cannot be traced back to X" says every effect can be."""
    out: set[int] = set()
    for i, t in enumerate(tokens):
        if t.text not in ("no", "none", "nothing"):
            continue
        for k in range(i + 1, min(i + 8, len(tokens))):
            if tokens[k].text in (";", ".", "?", "!"):
                break
            if tokens[k].text in ("that", "which", "who"):
                inner = next((m for m in range(k + 1, min(k + 4, len(tokens))) if tokens[m].text in NEGATORS), None)
                if inner is not None:
                    out |= {i, inner}
                break
    return out


_ADVERBS = frozenset("forever for_good for_ever fast soon long much often always later early indefinitely "
                     "permanently right_away straight_away at_once".split())
_PERMISSIVE = frozenset("let lets allow allows allowed enable enables permit permits help helps make makes "
                        "cause causes".split())
_MODIFIER_CONCEPTS = frozenset("speed duration rank magnitude frequency level quantity".split())


def _time_scope(tokens: list[Token], i: int) -> bool:
    """Whether a negated clause is bounded by a span ("not … for several weeks", "not … until …")."""
    for k in range(i + 1, min(i + 10, len(tokens))):
        if tokens[k].text in _CLAUSE_BREAK or tokens[k].text in (".", "?", "!"):
            return False
        if tokens[k].text == "until":
            return True
        if tokens[k].text == "for" and any(u.stem in _UNIT_STEMS for u in tokens[k + 1 : k + 4]):
            return True
    return False


def _modifier_focus(tokens: list[Token], j: int) -> Token | None:
    """ … unless a degree or manner adverb follows the verb: "does not act quickly" denies "quickly"."""
    if tokens[j].text.endswith("ly") or tokens[j].text in _ADVERBS:
        return None
    for k in range(j + 1, min(j + 4, len(tokens))):
        v = tokens[k]
        if v.text in _CLAUSE_BREAK or v.text in (".", "?", "!"):
            return None
        if (v.text.endswith("ly") or v.text in _ADVERBS) and any(c in _MODIFIER_CONCEPTS for c, _ in v.poles):
            return v
    return None


# --------------------------------------------------------------------------------------------
# The judge
# --------------------------------------------------------------------------------------------


def _weight(word: str) -> float:
    """How much an unsupported word matters: rare, specific words more than everyday ones."""
    if word.isdigit() or _token_stem(word) in _ENTITY_KIND:
        return 1.0
    if "_" in word:
        return max(_weight(part) for part in word.split("_") if part not in STOPWORDS) \
            if any(part not in STOPWORDS for part in word.split("_")) else 0.15
    z = zipf_frequency(word, "en")
    return float(np.clip((6.6 - z) / 3.0, 0.15, 1.0))


# Words too general to need support: "ketamine can affect people".
_LIGHT = frozenset("seem seems seemed merely simply "  # "moments seem to stretch": an impression, as "feel" in the source
                   "basically essentially actually literally honestly article author "  # filler; "the article says"
                   "stay stays stayed remain remains remained "  # copulas: "stays unchanged" says "is unchanged"
                   "people person someone individual individuals thing things way ways part parts kind lot "
                   "bit make makes made take takes taken put puts give gives go goes going come comes "
                   "become becomes became get gets getting keep keeps call called calls say says said "
                   "known seen show shows called able use used using whereas whilst although though "
                   "however instead rather thereby hence stand_for stands_for stood_for refer refers "
                   "besides each_other one_another "
                   "referred set_in sets_in set_off sets_off".split()) | FORWARD_CAUSE | BACKWARD_CAUSE


# Filler adverbs by stem, so that a misspelt one ("basicly", stem "basic") is as light as the word it means.
_FILLERS = frozenset(stem(w) for w in "basically essentially actually literally honestly".split())


@dataclass
class _Evidence:
    sentences: list[str]
    analysed: list[Analysed]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@dataclass
class Features:
    """What the decision is made from (exposed for reports and threshold tuning)."""

    similarity: float
    coverage: float
    gaps: dict[str, float]
    best: int
    support: dict[int, float] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)  # sentences to check for contradictions, closest first


class Judge:
    """The offline judge. Holds an embedding function, the corpus topic, and vector caches.

    `topic` names what every passage is implicitly about (the article's subject, e.g. "ketamine"):
    a claim may name it even when a passage only says "it" or "this". Thresholds were set on the
    dev split of `evals/datasets/judge_meta.yaml` (see docs/evals.md).
    """

    name = "rules"

    def __init__(self, embed: Embed | Any | None = None, *, topic: Iterable[str] | None = None,
                 support_at: float = 0.62, gap_at: float = 0.42, about_at: float = 0.45):
        self._embed_fn = _as_embed(embed) if embed is not None else None
        self._topic = None if topic is None else {_token_stem(w.lower()) for w in topic}
        self.support_at = support_at
        self.gap_at = gap_at
        self.about_at = about_at
        self._vectors: dict[str, np.ndarray] = {}

    # -- embeddings ----------------------------------------------------------------------------

    @property
    def embed(self) -> Embed:
        if self._embed_fn is None:
            self._embed_fn = default_embed()
        return self._embed_fn

    @property
    def topic(self) -> set[str]:
        if self._topic is None:
            self._topic = set(default_topic())
        return self._topic

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of texts, cached; new texts are embedded in one sorted batch."""
        missing = sorted({t for t in texts if t not in self._vectors})
        if missing:
            for t, v in zip(missing, np.asarray(self.embed(missing), dtype=np.float32), strict=True):
                norm = float(np.linalg.norm(v)) or 1.0
                self._vectors[t] = v / norm
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])

    # -- public API ----------------------------------------------------------------------------

    def judge(self, claim: str, passages: Sequence[str]) -> Verdict:
        """Label one claim against passages: supported, unsupported or contradicted."""
        return self.inspect(claim, passages, signals=False)[0]

    def inspect(self, claim: str, passages: Sequence[str], *,
                signals: bool = True) -> tuple[Verdict, np.ndarray | None]:
        """The verdict and, with `signals`, the input of a learned head (tutor/judge_model.py): the rules'
        named signals then [u*v, |u-v|] of the claim and its best sentence (None for a verbatim quote)."""
        claim_text = re.sub(r"\s+", " ", MARKER.sub(" ", claim)).strip()
        sentences = [s for p in passages for s in split_sentences(MARKER.sub(" ", p))]
        if not claim_text or not sentences:
            return Verdict(label="unsupported", score=0.0, reasons=["nothing to compare"]), None
        denial = _SENTENCE_DENIAL.match(claim_text)
        if denial:
            # "It is not true that S" says the opposite of S: S supported means the claim is contradicted.
            inner = self.inspect(denial.group(1), passages, signals=False)[0]
            if inner.label == "unsupported":
                return inner, None
            if inner.label == "supported":
                return Verdict(label="contradicted", score=0.0, evidence=inner.evidence,
                               reasons=["negation: the claim denies what the source states"]), None
            return Verdict(label="supported", score=0.6, evidence=inner.evidence,
                           reasons=["denies a statement the source contradicts"]), None
        claim_text = _no_other(_repair_spelling(claim_text, sentences))
        folded = normalize(claim_text).rstrip(" .!?")
        for s in sentences:
            if folded and folded in normalize(s):
                return Verdict(label="supported", score=1.0, evidence=s, reasons=["quoted verbatim"]), None
        analysed = []
        for i, s in enumerate(sentences):
            a = analyse(s)
            if i > 0:
                a = replace(a, antecedent={t.canon for t in analyse(sentences[i - 1]).content})
            analysed.append(a)
        evidence = _Evidence(sentences, analysed)
        parsed = analyse(claim_text)
        features = self.features(claim_text, parsed, evidence)
        verdict = self._decide(parsed, evidence, features)
        if not signals:
            return verdict, None
        return verdict, self.signal_vector(claim_text, parsed, evidence, features, verdict)

    def signal_vector(self, claim: str, parsed: Analysed, ev: _Evidence, f: Features, verdict: Verdict) -> np.ndarray:
        """The rules' signals, then MiniLM features of the claim (u) and its best sentence (v)."""
        sig = self.signals(parsed, ev, f, verdict)
        u = self.vectors([claim])[0]
        v = self.vectors([ev.sentences[f.best]])[0]
        return np.concatenate([np.asarray(list(sig.values()), dtype=np.float32), u * v, np.abs(u - v)])

    def signals(self, parsed: Analysed, ev: _Evidence, f: Features, verdict: Verdict) -> dict[str, float]:
        """Named scalar signals of the rules for one claim (every detector run, not only the first)."""
        order = f.order or sorted(range(len(ev.sentences)), key=lambda i: (i != f.best, i))
        top = [ev.analysed[i] for i in order[:3]]
        best = ev.analysed[f.best]
        out: dict[str, float] = {
            "similarity": f.similarity, "coverage": f.coverage, "worst_gap": max(f.gaps.values(), default=0.0),
            "about": float(f.similarity >= self.about_at or f.coverage >= 0.6),
            "rules_supported": float(verdict.label == "supported"),
            "rules_contradicted": float(verdict.label == "contradicted"),
            "rules_score": verdict.score,
        }
        for check in (self._polarity, self._entities, self._quantities, self._exclusive, self._causal,
                      self._contrast, self._roles, self._reversal, self._instead, self._flip,
                      self._comparative):
            out[check.__name__.strip("_")] = float(bool(check(parsed, ev, top)))
        out["bare_negation"] = float(bool(self._bare_negation(parsed, ev, order)))
        out["substitution"] = float(bool(self._substitution(parsed, ev, f)))
        addition = self._addition(parsed, ev) or ""
        for kind in ("quantity", "time span", "overclaims", "hedge", "majority"):
            out["add_" + kind.replace(" ", "_")] = float(kind in addition)
        c_neg, b_neg = _negation_count(parsed), _negation_count(best)
        e_neg = sum(_negation_count(a) for a in ev.analysed)
        out["claim_negators"] = float(min(c_neg, 2))
        out["best_negators"] = float(min(b_neg, 2))
        out["negation_parity"] = float((c_neg % 2) != (b_neg % 2))
        out["negation_only_claim"] = float(c_neg > 0 and e_neg == 0)
        ev_tokens = [t for a in ev.analysed for t in a.content]
        plain = {t.canon for t in ev_tokens if not t.negated} | {t.stem for t in ev_tokens if not t.negated}
        denied = {t.canon for t in ev_tokens if t.negated} | {t.stem for t in ev_tokens if t.negated}
        out["denies_stated"] = float(any(t.negated and (t.canon in plain or t.stem in plain) for t in parsed.content))
        out["states_denied"] = float(any(not t.negated and (t.canon in denied or t.stem in denied)
                                         for t in parsed.content))
        ev_stems = {t.stem for t in ev_tokens} | {t.canon for t in ev_tokens}
        out["prefix_negation"] = float(any(_prefix_base(t.text, ev_stems) for t in parsed.content))
        c_signs = {cs for t in parsed.content for cs in _signed_concepts(t) if t.poles}
        e_signs = {cs for a in top for t in a.content for cs in _signed_concepts(t) if t.poles}
        out["loose_opposite"] = float(any((c, -s) in e_signs and (c, s) not in e_signs for c, s in c_signs))
        out["loose_same"] = float(any((c, s) in e_signs for c, s in c_signs))
        claim_ents = set(_entities_in(parsed))
        ev_ents = {e for a in ev.analysed for e in _entities_in(a)}
        out["new_entity"] = float(bool(claim_ents - ev_ents - self.topic))
        out["rival_entity"] = float(any(_ENTITY_KIND[e] == _ENTITY_KIND[r] for e in claim_ents - ev_ents
                                        for r in ev_ents - claim_ents))
        words = {t.text for t in parsed.tokens}
        ev_words = {t.text for a in ev.analysed for t in a.tokens}
        out["new_universal"] = float(bool((words & UNIVERSALS) - ev_words))
        out["new_exclusive"] = float(bool((words & EXCLUSIVES) - ev_words))
        out["claim_length"] = min(len(parsed.content), 30) / 30
        out["sentences"] = min(len(ev.sentences), 6) / 6
        return out

    def judge_answer(self, answer: str, citations: Sequence[Citation],
                     context: Sequence[str] | None = None) -> list[SentenceSupport]:
        """Judge each sentence of an answer against the passages its [n] markers cite.

        Sentences without markers and without facts ("Here is what the material says:") are
        labelled "framing". A factual sentence without markers is judged against `context`
        (default: every cited passage) so that faithfulness still sees it.
        """
        by_marker: dict[int, str] = {c.marker: c.text for c in citations}
        pool = list(context) if context is not None else list(dict.fromkeys(by_marker.values()))
        out: list[SentenceSupport] = []
        for sentence in split_sentences(answer):
            markers = [int(m) for m in MARKER.findall(sentence)]
            plain = re.sub(r"\s+", " ", MARKER.sub(" ", sentence)).strip()
            if not plain:
                continue
            if not markers and is_framing(plain):
                out.append(SentenceSupport(sentence=plain, citations=[], score=1.0, verdict="framing"))
                continue
            cited = [by_marker[m] for m in markers if m in by_marker]
            verdict = self.judge(plain, cited if markers else pool)
            out.append(SentenceSupport(sentence=plain, citations=markers, score=round(verdict.score, 4),
                                       verdict=verdict.label))
        return out

    # -- features ------------------------------------------------------------------------------

    def features(self, claim: str, parsed: Analysed, ev: _Evidence) -> Features:
        """Similarity to the best sentence (or all of them), and per-word support of the claim."""
        ev_tokens = [t for a in ev.analysed for t in a.content]
        ev_stems = {t.stem for t in ev_tokens}
        ev_canon = {t.canon for t in ev_tokens}
        ev_concepts = {c for t in ev_tokens for c, _ in t.poles}
        ev_words = sorted({t.text.replace("_", " ") for t in ev_tokens})
        ev_entities = {t.stem for t in ev_tokens if t.stem in _ENTITY_KIND}
        claim_tokens = [t for t in parsed.content if t.text.removesuffix("'s") not in _LIGHT and t.stem not in _FILLERS]
        pending: list[Token] = []
        support: dict[int, float] = {}
        claim_entities = {t.stem for t in claim_tokens if t.stem in _ENTITY_KIND}
        for t in claim_tokens:
            if t.stem in ev_stems or t.canon in ev_canon or _variant_of(t.text, ev_words):
                support[t.index] = 1.0
            elif t.poles and any(c in ev_concepts for c, _ in t.poles):
                support[t.index] = 1.0  # an antonym: on topic; the contradiction checks decide
            elif t.stem in _ENTITY_KIND:
                # Named things match exactly. The article's subject is implied by "it" and "this",
                # unless the passage names another thing of its kind that the claim does not.
                rivals = {e for e in ev_entities if _ENTITY_KIND[e] == _ENTITY_KIND[t.stem]} - claim_entities
                if rivals:
                    support[t.index] = 0.0
                elif t.stem in self.topic:
                    support[t.index] = 1.0
                else:
                    # "the receptor" in a passage that names no receptor refers to one named before it.
                    support[t.index] = 0.8 if _refers_to_kind(ev.analysed, _ENTITY_KIND[t.stem]) else 0.0
            elif t.text.isdigit() or t.text in NUMBER_WORDS:
                support[t.index] = 0.0
            else:
                pending.append(t)
        # One batch: the claim, the evidence, the words to compare, and the claim without each of them.
        pending_words = [t.text.replace("_", " ") for t in pending]
        without = [_drop_token(parsed, t) for t in pending]
        whole = [ev.text] if len(ev.sentences) > 1 else []
        self.vectors([claim, *ev.sentences, *whole, *pending_words, *ev_words, *without])
        claim_vec = self.vectors([claim])[0]
        sims = self.vectors(ev.sentences) @ claim_vec
        best = int(np.argmax(sims))
        similarity = max(float(sims.max()), float(self.vectors(whole)[0] @ claim_vec) if whole else -1.0)
        # The detectors' sentences are ranked by meaning and shared words: MiniLM alone can put a sentence that
        # shares only the subject above the one that restates the claim's other words.
        mine = {t.canon for t in claim_tokens if t.stem not in self.topic}
        shared = np.array([len(mine & {u.canon for u in a.content}) / len(mine) if mine else 0.0 for a in ev.analysed])
        order = self._alignment(claim, ev.sentences, sims + 0.5 * shared, best)
        if pending and ev_words:
            word_sims = self.vectors(pending_words) @ self.vectors(ev_words).T
            ev_matrix = self.vectors([*ev.sentences, *whole])
            for t, row, reduced in zip(pending, word_sims, without, strict=True):
                lexical = float(np.clip((row.max() - 0.42) / 0.3, 0.0, 1.0))
                # Dropping a word that adds a fact brings the claim closer to the source; dropping a
                # paraphrased word does not (measured: added facts gain > 0.03, paraphrases < 0.03).
                gain = float((self.vectors([reduced]) @ ev_matrix.T).max()) - similarity
                contextual = float(np.clip((0.04 - gain) / 0.04, 0.0, 0.85))
                # Only trusted when the claim is near the source and the word is not foreign to it.
                trust = float(np.clip((similarity - 0.5) / 0.2, 0.0, 1.0)) if row.max() >= 0.3 else 0.0
                support[t.index] = max(lexical, contextual * trust)
        # "This is a sense of detachment": with nothing before it in the passages, the claim's subject
        # may be what "this" stands for.
        first = ev.analysed[0].tokens[0].text if ev.analysed[0].tokens else ""
        if first in ("this", "these", "it", "they", "such") and claim_tokens:
            head = claim_tokens[0]
            if head.stem not in _ENTITY_KIND:
                support[head.index] = max(support.get(head.index, 0.0), 0.75)
        # "The most abundant of these is glutamate": a plural pronoun standing alone names a kind the passage
        # gave before; the claim may name it ("neurotransmitter"). One unmatched common noun is taken for it.
        if any(t.text in ("these", "those") and (i == 0 or a.tokens[i - 1].text == "of" or i + 1 == len(a.tokens)
                                                 or not a.tokens[i + 1].content)
               for a in ev.analysed for i, t in enumerate(a.tokens)):
            open_ = [t for t in claim_tokens if t.stem not in _ENTITY_KIND and support.get(t.index, 0.0) < 0.75
                     and not t.poles]
            # Only when every other word is matched outright: the pronoun stands for one word, not for an addition.
            if len(open_) == 1 and all(
                    support.get(t.index, 0.0) >= (0.9 if t in pending else 0.8) for t in claim_tokens if t not in open_):
                head = max(open_, key=lambda t: _weight(t.text) * (1 - support.get(t.index, 0.0)))
                support[head.index] = 0.75
        total = sum(_weight(t.text) for t in claim_tokens) or 1.0
        gaps = {t.text.replace("_", " "): _weight(t.text) * (1 - support.get(t.index, 0.0)) for t in claim_tokens}
        coverage = 1.0 - sum(gaps.values()) / total if claim_tokens else 1.0
        return Features(similarity=similarity, coverage=coverage, gaps=gaps, best=best, support=support,
                        order=order)

    def _alignment(self, claim: str, sentences: Sequence[str], sims: np.ndarray, best: int) -> list[int]:
        """Source sentences closest to the claim, and right after the best one, the closest to each clause
        of a multi-clause claim ("A; B", "A, but B"), so a clause that contradicts a sentence other than the
        claim's best match is still compared with it when many passages are given."""
        ranked = [int(i) for i in np.argsort(-sims, kind="stable")]
        clauses = [c.strip() for c in _CLAUSES.split(claim) if len(c.split()) >= 3]
        if len(clauses) < 2 or len(sims) < 2:
            return ranked
        clause_sims = self.vectors(clauses) @ self.vectors(sentences).T
        per_clause = [int(np.argmax(row)) for row in clause_sims]
        return list(dict.fromkeys([best, *per_clause, *ranked]))

    # -- decision ------------------------------------------------------------------------------

    def _decide(self, parsed: Analysed, ev: _Evidence, f: Features) -> Verdict:
        evidence_text = ev.sentences[f.best]
        about = f.similarity >= self.about_at or f.coverage >= 0.6
        order = f.order or sorted(range(len(ev.sentences)), key=lambda i: (i != f.best, i))
        contradiction = self._contradiction(parsed, ev, order) if about else None
        if not contradiction and f.coverage >= 0.75 and f.similarity >= 0.6:
            contradiction = self._bare_negation(parsed, ev, order) or self._substitution(parsed, ev, f)
        elif not contradiction and f.coverage >= 0.85 and f.similarity >= 0.45:
            # Every word of the claim is in the source but the wording differs: a denial still denies it.
            contradiction = self._bare_negation(parsed, ev, order)
        if contradiction:
            score = float(np.clip(0.25 * (1 - f.similarity), 0.0, 0.2))
            return Verdict(label="contradicted", score=round(score, 4), evidence=evidence_text,
                           reasons=[contradiction])
        worst = max(f.gaps.values(), default=0.0)
        support = float(np.clip(0.55 * f.coverage + 0.45 * f.similarity - 0.5 * worst, 0.0, 1.0))
        summary = f"coverage {f.coverage:.2f}, similarity {f.similarity:.2f}"
        addition = self._addition(parsed, ev)
        on_topic = f.similarity >= self.about_at or f.coverage >= 0.95
        additive = {"also", "too", "besides", "additionally"} & {t.text for t in parsed.tokens} \
            and not {"also", "too", "besides", "additionally"} & {t.text for a in ev.analysed for t in a.tokens}
        gap_at = self.gap_at / 2 if additive else self.gap_at
        if not addition and f.coverage >= self.support_at and worst <= gap_at and on_topic:
            return Verdict(label="supported", score=round(max(support, 0.5), 4), evidence=evidence_text,
                           reasons=[summary])
        reasons = [addition] if addition else []
        missing = [w for w, g in sorted(f.gaps.items(), key=lambda x: -x[1]) if g > 0.2]
        if missing:
            reasons.append("not in the source: " + ", ".join(missing[:5]))
        return Verdict(label="unsupported", score=round(min(support, 0.49), 4), evidence=evidence_text,
                       reasons=[*reasons, summary])

    # -- what makes a claim unsupported even when its words are covered -----------------------------

    def _addition(self, parsed: Analysed, ev: _Evidence) -> str | None:
        ev_text = " " + " ".join(" ".join(t.text for t in a.tokens) for a in ev.analysed) + " "
        ev_stems = {t.stem for a in ev.analysed for t in a.tokens}
        claim_words = [t.text for t in parsed.tokens]
        # Quantities: numbers and time spans the source does not give.
        for t in parsed.tokens:
            if t.index > 0 and parsed.tokens[t.index - 1].text == "not":
                continue  # "weeks, not hours": a denied span adds nothing
            if (t.text.isdigit() or t.text in NUMBER_WORDS) and t.stem not in ev_stems:
                return f"adds a quantity ({t.text})"
            if t.stem in _UNIT_STEMS and t.stem not in ev_stems:
                return f"adds a time span ({t.text})"
        # "every", "always", "cures": a universal the source does not make.
        for i, w in enumerate(claim_words):
            hedged = i > 0 and claim_words[i - 1] in ("almost", "nearly", "virtually", "practically", "without",
                                                         "not", "n't", "no", "hardly")
            same = _EVERY_WORDS if w in _EVERY_WORDS else {w}
            # "Of all the neurotransmitters, glutamate is the most plentiful": the set compared, not a universal.
            superlative = w == "all" and i > 0 and claim_words[i - 1] == "of" \
                and any(x == "most" or (x.endswith("est") and _poles_of(x)) for x in claim_words)
            if w in UNIVERSALS and w != "never" and not hedged and not superlative \
                    and not any(f" {x} " in ev_text for x in same):
                return f"overclaims ({w})"
            if w in EXCLUSIVES and f" {w} " not in ev_text and not (i > 0 and claim_words[i - 1] in NEGATORS) \
                    and not _just_as(claim_words, i) and not _only_briefly(parsed, i):
                return f"overclaims ({w})"
            if w in CERTAINTY and f" {w} " not in ev_text and HEDGES & set(ev_text.split()):
                return f"turns a hedge into certainty ({w})"
            if w in MAJORITY and f" {w} " not in ev_text and HEDGES & set(ev_text.split()) \
                    and not {"many", "often", "usually", "most", "majority", "commonly"} & set(ev_text.split()):
                return f"turns a possibility into a majority ({w})"
        return None

    # -- contradiction detectors ----------------------------------------------------------------

    def _contradiction(self, parsed: Analysed, ev: _Evidence, order: list[int]) -> str | None:
        top = [ev.analysed[i] for i in order[:3]]
        for check in (self._polarity, self._entities, self._quantities, self._exclusive, self._causal,
                      self._contrast, self._roles, self._reversal, self._instead, self._flip,
                      self._comparative):
            found = check(parsed, ev, top)
            if found:
                return found
        return None

    def _polarity(self, parsed: Analysed, ev: _Evidence, top: list[Analysed]) -> str | None:
        """A predicate whose sign (after negation) is opposite to the matching one in the source."""
        claim_signs = {cs for t in parsed.tokens if t.content for cs in _signed_concepts(t)}
        ev_signs = {cs for a in ev.analysed for t in a.tokens if t.content for cs in _signed_concepts(t)}
        # A concept the claim and the source both use on both sides ("fragments … ability to integrate"):
        # which word goes with which is beyond a word-level check.
        ambiguous = {c for c, sg in claim_signs if (c, -sg) in claim_signs and (c, sg) in ev_signs
                     and (c, -sg) in ev_signs}
        # "Ketamine works faster than SSRIs": a comparison the source bears out is no antonym of "weeks".
        compared = {t.index for t, _, _, agrees in self._compare(parsed, ev) if agrees}
        # What the claim is about: the things it names, and the material's subject when it names none of its kind.
        mine = set(_entities_in(parsed))
        mine |= {e for e in self.topic if e in _ENTITY_KIND and _ENTITY_KIND[e] not in {_ENTITY_KIND[x] for x in mine}}
        kinds = {_ENTITY_KIND[e] for e in mine}
        for t in parsed.tokens:
            if not t.content or t.index in compared:
                continue
            if _infinitive(parsed, t) and any(u.negated for u in parsed.tokens[: t.index]
                                              if u.clause == t.clause):
                continue  # "does not enhance its ability to activate X": activating X is not asserted
            ctx = _context(parsed, t)
            for concept, sign in _signed_concepts(t):
                if concept in ambiguous:
                    continue
                same, opposite, opposite_word = -1.0, -1.0, ""
                same_rank = opposite_rank = len(top)
                # Only the sentences the claim is closest to: with many passages (the runtime verifier
                # passes every retrieved sentence) an unrelated sentence's antonym would otherwise count.
                for rank, a in enumerate(top):
                    for u in a.tokens:
                        if not u.content or _about_rival(a, u, mine, kinds):
                            continue  # "SSRIs … take several weeks" says nothing about how fast ketamine is
                        for c2, s2 in _signed_concepts(u):
                            if c2 != concept:
                                continue
                            overlap = len(ctx & _context(a, u)) + (0.5 if u.stem == t.stem else 0.0)
                            if _infinitive(a, u) and any(c2 == c for v in a.tokens if v.index != u.index
                                                         for c, _ in _signed_concepts(v)):
                                overlap -= 3.0  # "the ability to integrate … becomes fragmented"
                            if s2 == sign and overlap > same:
                                same, same_rank = overlap, rank
                            elif s2 != sign and overlap > opposite:
                                opposite, opposite_word, opposite_rank = overlap, u.text, rank
                # As close in context both ways: the sentence closer to the claim decides.
                if opposite >= _MIN_OVERLAP and (opposite > same or opposite == same and opposite_rank < same_rank):
                    what = "antonym" if concept.startswith("~") else "negation"
                    neg = "not " if t.negated else ""
                    return (f"{what}: claim says “{neg}{t.text.replace('_', ' ')}”, "
                            f"source says “{opposite_word.replace('_', ' ')}”")
        return None

    def _entities(self, parsed: Analysed, ev: _Evidence, top: list[Analysed]) -> str | None:
        """An entity the source replaces with another of the same kind (serotonin for glutamate)."""
        claim_ents = _entities_in(parsed)
        if {"also", "too", "besides", "additionally", "addition", "well"} & {t.text for t in parsed.tokens}:
            return None  # "X also does it": an addition, not a swap
        ev_ents_all = {e for a in ev.analysed for e in _entities_in(a)}
        # "a receptor for serotonin, not for glutamate": the entity the claim denies is not one it names.
        denied = _denied_entities(parsed)
        claim_set = set(claim_ents) - denied
        for ent in claim_ents:
            if ent in ev_ents_all or ent in denied:
                continue
            kind = _kind_in(parsed, ent)
            example_ok = ent not in self.topic  # the article's subject is no further example of a class
            for a in top[:2]:
                # "regions like the prefrontal cortex" gives an example: another region is an addition.
                rivals = [e for e in _entities_in(a) if _kind_in(a, e) == kind and e not in claim_set
                          and (e in denied or not example_ok or not _example_in(a, e))]
                if rivals and _overlap_without(parsed, a, {ent, *rivals}) >= 0.5:
                    return f"swapped entity: claim names {ent}, source names {rivals[0]}"
        return None

    def _quantities(self, parsed: Analysed, ev: _Evidence, top: list[Analysed]) -> str | None:
        """A time unit or number different from the source's."""
        claim_units = {_UNIT_STEMS[t.stem] for t in parsed.tokens if t.stem in _UNIT_STEMS}
        ev_units = {_UNIT_STEMS[t.stem] for a in ev.analysed for t in a.tokens if t.stem in _UNIT_STEMS}
        if claim_units and ev_units and not claim_units & ev_units:
            return "changed time span"
        claim_numbers = {t.text for t in parsed.tokens if t.text.isdigit() or t.text in NUMBER_WORDS}
        ev_numbers = {t.text for a in ev.analysed for t in a.tokens if t.text.isdigit() or t.text in NUMBER_WORDS}
        if claim_numbers and ev_numbers and not claim_numbers & ev_numbers:
            return "changed number"
        return None

    def _exclusive(self, parsed: Analysed, ev: _Evidence, top: list[Analysed]) -> str | None:
        """"only X" when the source names X as one of several."""
        words = [t.text for t in parsed.tokens]
        if not any(w in EXCLUSIVES and not (i > 0 and words[i - 1] in NEGATORS) and not _just_as(words, i)
                   for i, w in enumerate(words)):
            return None  # "not only … but also" agrees with a plural source
        at = next(i for i, w in enumerate(words) if w in EXCLUSIVES)
        said = {w for a in ev.analysed for u in a.content for w in (u.stem, u.canon)}
        for u in parsed.tokens[at + 1:]:
            if u.text in (",", ";", ".", "?", "!"):
                break
            if (u.content and u.text not in _LIGHT and _weight(u.text) >= 0.4 or u.text.isdigit()) \
                    and u.stem not in said and u.canon not in said:
                return None  # "only in the hippocampus" where the source names no place: an addition
        ev_text = " " + " ".join(" ".join(t.text.replace("_", " ") for t in a.tokens) for a in top[:2]) + " "
        claim_text = " " + " ".join(words) + " "
        for marker in PLURALITY:
            if f" {marker} " in ev_text and f" {marker} " not in claim_text:
                return f"exclusive claim (“only”) where the source says “{marker}”"
        return None

    def _causal(self, parsed: Analysed, ev: _Evidence, top: list[Analysed]) -> str | None:
        """Cause and effect the other way round from the source."""
        claim_pairs = _causal_pairs([parsed], self.topic)
        prevent_pairs = _prevent_pairs(parsed, self.topic)
        if not claim_pairs and not prevent_pairs:
            return None
        ev_pairs = _causal_pairs(ev.analysed, self.topic)
        for cause, effect in claim_pairs:
            forward = max((min(_share(cause, c), _share(effect, e)) for c, e in ev_pairs), default=0.0)
            backward = max((min(_share(cause, e), _share(effect, c)) for c, e in ev_pairs), default=0.0)
            if backward >= 0.3 and backward >= forward + 0.25:
                return "cause and effect reversed"
        # "B is prevented by A" where the source has A bring about B.
        for preventer, prevented in prevent_pairs:
            if any(_share(preventer, c) >= 0.5 and _share(prevented, e) >= 0.5 for c, e in ev_pairs):
                return "the claim says it prevents what the source says it causes"
        return None

    def _instead(self, parsed: Analysed, ev: _Evidence, top: list[Analysed]) -> str | None:
        """"X rather than Y" / "X instead of Y" where the source says Y and not X: the claim replaces it."""
        toks = parsed.tokens
        words = [t.text for t in toks]
        for i in range(len(words) - 1):
            if (words[i], words[i + 1]) not in (("rather", "than"), ("instead", "of")):
                continue
            end = next((k for k in range(i + 2, len(toks)) if toks[k].text in (",", ";", ":", ".")), len(toks))
            start = max((k + 1 for k in range(i) if toks[k].text in (",", ";", ":")), default=0)
            kept, denied = toks[start:i], toks[i + 2 : end]
            said = {t.canon for a in top[:2] for t in a.content} | {t.stem for a in top[:2] for t in a.content}
            everywhere = {t.canon for a in ev.analysed for t in a.content} | \
                {t.stem for a in ev.analysed for t in a.content}
            named = [t for t in denied if t.content and t.text not in _LIGHT and (t.canon in said or t.stem in said)
                     and _weight(t.text) >= 0.3]
            # A kept word is new unless the source has it, a synonym, or a word of the same pole ("boosting
            # rather than reducing activity" where the source says "increase activity").
            poles = {cs for a in ev.analysed for t in a.content if t.poles for cs in _signed_concepts(t)}
            new = [t for t in kept if t.content and t.text not in _LIGHT and _weight(t.text) >= 0.4
                   and t.canon not in everywhere and t.stem not in everywhere and t.stem not in self.topic
                   and not (t.poles and set(_signed_concepts(t)) & poles)]
            if named and new:
                return (f"replaces what the source says: “{new[0].text.replace('_', ' ')}” rather than "
                        f"“{named[0].text.replace('_', ' ')}”")
            # "X rather than Y" / "Instead of Y, X" where the source states Y itself: the claim denies it,
            # unless the sentence stating Y is about another named thing ("SSRIs act on serotonin").
            weighty = [t for t in denied if t.content and t.text not in _LIGHT and _weight(t.text) >= 0.3
                       and t.stem not in self.topic]
            claim_ents = set(_entities_in(parsed))
            # "SSRIs work on serotonin instead of glutamate": the sentence stating glutamate is not about SSRIs.
            kept_ents = {t.stem for t in toks if t.stem in _ENTITY_KIND and t not in denied} - self.topic
            for a in top[:2]:
                plain = {w for u in a.content if not u.negated for w in (u.canon, u.stem)}
                others = set(_entities_in(a)) - claim_ents - self.topic
                if weighty and all(t.canon in plain or t.stem in plain for t in weighty) and not others \
                        and kept_ents <= set(_entities_in(a)):
                    return "negation: the claim denies what the source states"
        return None

    def _flip(self, parsed: Analysed, ev: _Evidence, top: list[Analysed]) -> str | None:
        """A word that furthers put where the source has one that hinders, next to the same word ("helps
        dismantle neuronal pathways" for "helps repair neuronal pathways", "signals are amplified" for
        "signals are interrupted"): the one-word edit that reverses a faithful sentence."""
        said = {w for a in top[:2] for u in a.content for w in (u.stem, u.canon)}
        claimed = {w for u in parsed.content for w in (u.stem, u.canon)}
        weak = self.topic | _LIGHT
        for t in parsed.tokens:
            vt = _valence(t)
            if not vt or t.stem in said or t.canon in said:
                continue  # only a word the source does not have can stand where the source's word was
            if t.index > 0 and parsed.tokens[t.index - 1].text in _DETERMINERS:
                continue  # "a build-up of calcium" names a thing; it acts on nothing
            left, right = (side - weak for side in _neighbours(parsed, t))
            # The word it acts on follows an active verb; a passive one ("signals are amplified") follows it.
            if not _passive(parsed, t):
                left = set()
            same = opposite = None
            for a in top[:2]:
                for u in a.tokens:
                    vu = _valence(u)
                    if not vu or u.stem in claimed or u.canon in claimed:
                        continue
                    ul, ur = _neighbours(a, u)
                    if not (left & ul or right & ur):
                        continue
                    if vu == vt:
                        same = u
                    elif opposite is None:
                        opposite = u
            if opposite is not None and same is None:
                neg = "not " if t.negated else ""
                return (f"antonym: claim says “{neg}{t.text.replace('_', ' ')}”, "
                        f"source says “{opposite.text.replace('_', ' ')}”")
        return None

    def _comparative(self, parsed: Analysed, ev: _Evidence, top: list[Analysed]) -> str | None:
        """"A works faster than B" where the source, maybe across sentences, gives A the slow side and B the
        fast one: each side's pole is read from the words nearest to where the source names it."""
        for t, a, b, agrees in self._compare(parsed, ev):
            if not agrees:
                return f"comparison reversed: the source gives {b} the “{t.text}” side, not {a}"
        return None

    def _compare(self, parsed: Analysed, ev: _Evidence) -> list[tuple[Token, str, str, bool]]:
        """Each comparison "A … -er than B" the source decides: (word, A, B, whether the source agrees)."""
        toks, out = parsed.tokens, []
        for i, t in enumerate(toks):
            comparative = t.text.endswith(("er", "ier")) or (i > 0 and toks[i - 1].text in ("more", "less"))
            if not t.poles or not comparative:
                continue
            than = next((k for k in range(i + 1, min(i + 5, len(toks))) if toks[k].text == "than"), None)
            if than is None:
                continue
            later = [u for u in toks[than + 1 : than + 5] if u.stem in _ENTITY_KIND]
            earlier = [u for u in toks[:i] if u.stem in _ENTITY_KIND]
            if not later or not earlier or later[0].stem == earlier[-1].stem:
                continue
            a, b = earlier[-1], later[0]
            sign = -1 if i > 0 and toks[i - 1].text == "less" else 1
            for concept, pole in t.poles:
                side_a, side_b = self._pole_of(ev, a.stem, concept), self._pole_of(ev, b.stem, concept)
                if side_a and side_b and side_a != side_b:
                    out.append((t, a.text, b.text, side_a == pole * sign))
        return out

    def _pole_of(self, ev: _Evidence, entity: str, concept: str) -> int:
        """The sign the source gives an entity on a concept, from pole words nearest to where it is named (the
        article's subject also where a sentence names nothing of its kind)."""
        total = 0
        for a in ev.analysed:
            named = [(u.index, u.stem) for u in a.tokens if u.stem in _ENTITY_KIND
                     and _ENTITY_KIND[u.stem] == _ENTITY_KIND[entity]]
            if not named and entity in self.topic:
                named = [(-100, entity)]
            if not any(e == entity for _, e in named):
                continue
            for u in a.tokens:
                for c, sg in _signed_concepts(u):
                    if c == "~" + concept:
                        nearest = min(named, key=lambda m: abs(m[0] - u.index))[1]
                        total += sg if nearest == entity else 0
        return int(np.sign(total))

    def _bare_negation(self, parsed: Analysed, ev: _Evidence, order: list[int]) -> str | None:
        """A negated claim that otherwise restates a source sentence that negates nothing."""
        phrase = any(t.text in _DENYING_PHRASES for t in parsed.tokens)  # "plays no part in"
        if not phrase and (not any(t.text in NEGATORS for t in parsed.tokens)
                           or not any(t.negated for t in parsed.tokens)):
            return None  # no negator, or only a correction ("X, not Y, …") or a time bound
        if any(t.text in NEGATORS or t.text in BLOCKERS or t.negated or t.text in _DENYING_PHRASES
               for a in ev.analysed for t in a.tokens):
            return None
        # "not rare" where the source says "abundant": denying the opposite agrees with the source.
        ev_signs = {cs for a in ev.analysed for t in a.tokens if t.content and t.poles for cs in _signed_concepts(t)}
        if any(t.negated and t.poles and set(_signed_concepts(t)) & ev_signs for t in parsed.tokens):
            return None
        # Denying a degree or a restriction ("not just a few", "not quickly") is left to the polarity check.
        if not phrase and all(t.poles and {c for c, _ in t.poles} <= _MODIFIER_CONCEPTS | {"scope"}
                              for t in parsed.tokens if t.negated):
            return None
        return "negation: the claim denies what the source states"

    def _substitution(self, parsed: Analysed, ev: _Evidence, f: Features) -> str | None:
        """One specific word of a near-verbatim claim replaced by another the source does not support."""
        from difflib import SequenceMatcher

        claim = [t for t in parsed.content if t.text not in _LIGHT]
        source = [t for t in ev.analysed[f.best].content if t.text not in _LIGHT]
        matcher = SequenceMatcher(a=[t.canon for t in claim], b=[t.canon for t in source], autojunk=False)
        matched = sum(size for _, _, size in matcher.get_matching_blocks())
        if not claim or matched / len(claim) < 0.6:
            return None
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op != "replace" or i2 - i1 > 2 or j2 - j1 > 2:
                continue
            # An item of a list ("learning, memory, and …") swapped for another counts even if common.
            listed = _in_list(parsed, claim[i1]) and _in_list(ev.analysed[f.best], source[j1])
            at = 0.35 if listed else 0.6
            new = [t for t in claim[i1:i2] if f.support.get(t.index, 1.0) < 0.35 and _weight(t.text) >= at]
            old = [t for t in source[j1:j2] if _weight(t.text) >= at and t.canon not in {c.canon for c in claim}]
            if new and old:
                return (f"substitution: claim says “{new[0].text.replace('_', ' ')}” where the source says "
                        f"“{old[0].text.replace('_', ' ')}”")
        return None

    def _contrast(self, parsed: Analysed, ev: _Evidence, top: list[Analysed]) -> str | None:
        """A contrast restated with its sides mixed ("overuse fosters plasticity, while therapeutic doses …")."""
        claim_sides = _contrast_sides(parsed, self.topic)
        for a in top[:2]:
            sides = _contrast_sides(a, self.topic)
            if len(sides) < 2:
                continue
            left, right = sides[0] - sides[1], sides[1] - sides[0]
            for side in claim_sides:
                mixed = len(side & left) >= 1 and len(side & right) >= 1 and len(side & (left | right)) >= 3
                if mixed and len(claim_sides) >= 2:
                    return "the two sides of a contrast are mixed up"
        return None

    def _roles(self, parsed: Analysed, ev: _Evidence, top: list[Analysed]) -> str | None:
        """The same action done by a different entity (glutamate blocks … instead of ketamine)."""
        claim_roles = _agent_roles(parsed)
        if not claim_roles:
            return None
        ev_roles = [r for a in ev.analysed for r in _agent_roles(a)]
        claim_ents = set(_entities_in(parsed))
        for agent, action, sign in claim_roles:
            matches = [(a2, s2) for a2, act2, s2 in ev_roles if act2 == action]
            if not matches or any(a2 == agent for a2, _ in matches):
                continue
            rivals = [a2 for a2, s2 in matches if s2 == sign and a2 in claim_ents]
            if rivals:
                return f"swapped roles: claim has {agent} {action.removeprefix('syn:')}, source has {rivals[0]}"
        return None


    def _reversal(self, parsed: Analysed, ev: _Evidence, top: list[Analysed]) -> str | None:
        """Subject and object of the same verb swapped ("synapses encourage BDNF" for "BDNF encourages synapses")."""
        for t in parsed.tokens:
            if not _verb_like(parsed, t):
                continue
            mine = _arguments(parsed, t.index, self.topic)
            if mine is None:
                continue
            cl, cr = mine
            for a in top[:2]:
                found = [args for u in a.tokens if u.canon == t.canon and _verb_like(a, u)
                         for args in [_arguments(a, u.index, self.topic)] if args is not None]
                for sl, sr in found:
                    if cl & sr and cr & sl and not cl & sl and not cr - sl - sr:
                        return (f"roles reversed around “{t.text.replace('_', ' ')}”: the source has "
                                f"{'/'.join(sorted(sl))} acting on {'/'.join(sorted(sr))}")
                # The same verb and object, but the subject is another thing the sentence names in a
                # different role ("overuse fosters plasticity" where therapeutic doses do, and overuse does not).
                sentence = {v.canon for v in a.content}
                if found and not any(cl & sl for sl, _ in found) and cl <= sentence - self.topic \
                        and any(cr & sr and not cl & sr for _, sr in found):
                    return f"another subject for “{t.text.replace('_', ' ')}” than the source gives"
        return None


_PREPOSITIONS = frozenset("between in at with to from into onto on for about across through within among by "
                          "during than like as of over under".split())
_DETERMINERS = frozenset("the a an this that these those its their his her our your".split())
# Relations that read the same both ways ("A interacts with B").
_SYMMETRIC = _stems("interact interacts link links linked connect connects connected combine combines integrate "
                    "integrates compare compares resemble resembles associate associated relate related differ "
                    "differs contrast contrasts similar like unlike same different alike equal match matches")


_NO_MORE_THAN = re.compile(r"^(?:there is |there are )?no (?:other )?([\w\s'’-]+?) (?:is|are|was|were) (?:any )?more "
                           r"(\w+) than ([^,;.]+)(.*)$", re.I)


def _no_other(claim: str) -> str:
    """"No X is more A than Y" restated as "Y is the most A X": a superlative, not a denial."""
    m = _NO_MORE_THAN.match(claim)
    if not m:
        return claim
    kind, adjective, subject, rest = m.groups()
    return f"{subject[0].upper()}{subject[1:]} is the most {adjective} {kind}{rest}"


@lru_cache(maxsize=256)
def _vocabulary(sentences: tuple[str, ...]) -> Vocabulary:
    return Vocabulary(list(sentences))


def _repair_spelling(claim: str, sentences: Sequence[str]) -> str:
    """The claim with misspelt words ("blokcs", "recepter") replaced by the passage word they most likely mean.

    Only words that are neither in the passages nor common English are touched (Vocabulary.correct), so a
    real word put in place of the source's ("hours" for "weeks") stays for the contradiction checks."""
    vocabulary = _vocabulary(tuple(sentences))

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if _token_stem(word.lower()) in _ENTITY_KIND:
            return word  # a named thing is swapped, not misspelt ("glutamine" for "glutamate")
        fixed = vocabulary.correct(word.lower())
        # A misspelling keeps its first letter; a word inside another is another word ("agonist", "antagonist").
        if fixed == word.lower() or fixed[0] != word[0].lower() or word.lower() in fixed or fixed in word.lower():
            return word
        return fixed.capitalize() if word[0].isupper() else fixed

    return re.sub(r"[A-Za-z]{5,}", fix, claim)


def _verb_like(a: Analysed, t: Token) -> bool:
    """A lexicon word used as a verb: not after a determiner, not an entity, a noun, symmetric or light."""
    if not t.content or t.negated or t.stem in _ENTITY_KIND or t.text in _LIGHT or t.stem in _SYMMETRIC \
            or t.canon in _NOUN_GROUPS:
        return False
    if not (t.canon.startswith("syn:") or t.poles) or t.text.endswith("ly") or t.text.endswith("ing"):
        return False
    before = a.tokens[t.index - 1].text if t.index > 0 else ""
    return before not in _DETERMINERS and before not in _PREPOSITIONS and not before.endswith("'s")


# Synonym groups of things, never actions ("neurons", "regions"): no subject or object to swap around them.
_NOUN_GROUPS = frozenset(canonical(w) for w in "neuron neurotransmitter medication condition region connection "
                         "pathway skill person week reality hallucinatory dream sensory psychological observer".split())


def _arguments(a: Analysed, i: int, topic: set[str]) -> tuple[set[str], set[str]] | None:
    """(doer, done-to) words of the verb at token i: up to two words before it and three after it in its
    clause; "it" or "this" as subject stands for the topic; a passive ("is encouraged by B") is turned around."""
    toks = a.tokens
    left: list[str] = []
    pronoun = False
    for j in range(i - 1, -1, -1):
        u = toks[j]
        if u.text in _CLAUSE_BREAK or u.text in (".", "!", "?") or u.text in _PREPOSITIONS:
            break
        if u.text in ("they", "these", "them", "those"):
            return None  # a plural pronoun stands for something named earlier: the subject is unknown
        if u.text in ("it", "this"):
            pronoun = True
            break
        if u.content and u.text not in AUXILIARIES and u.text not in _LIGHT and u.text not in HEDGES \
                and not u.text.endswith("ly"):
            left.append(u.canon)
            if len(left) == 2:
                break
    if not left and pronoun:
        left = sorted(topic)
    passive = i > 0 and toks[i - 1].text in _BE and i + 1 < len(toks) and toks[i + 1].text == "by"
    right: list[str] = []
    for j in range(i + 1, len(toks)):
        u = toks[j]
        if u.text in _CLAUSE_BREAK or u.text in (".", "!", "?"):
            break
        if u.text in _PREPOSITIONS and u.text != "of" and not (passive and u.text == "by" and j == i + 1):
            break
        if u.content and u.text not in _LIGHT:
            right.append(u.canon)
            if len(right) == 3:
                break
    if not left or not right:
        return None
    return (set(right), set(left)) if passive else (set(left), set(right))


def _in_list(a: Analysed, t: Token) -> bool:
    """Whether a word is an item of a comma list ("learning, memory, and emotional states")."""
    near = [a.tokens[k].text for k in (t.index - 1, t.index + 1) if 0 <= k < len(a.tokens)]
    return "," in near and any(u.text in ("and", "or") for u in a.tokens)


def _about_rival(a: Analysed, u: Token, mine: set[str], kinds: set[str]) -> bool:
    """Whether the thing named nearest to a source word is another of a kind the claim names (the word is about
    SSRIs, the claim about ketamine)."""
    named = [v for v in a.tokens if v.stem in _ENTITY_KIND]
    if not named:
        return False
    nearest = min(named, key=lambda v: abs(v.index - u.index))
    return nearest.stem not in mine and _ENTITY_KIND[nearest.stem] in kinds


def is_entity(t: Token) -> bool:
    """Whether a token names a thing of one of the judge's kinds (a chemical, receptor, region, drug, factor …)."""
    return t.stem in _ENTITY_KIND


def entity_kind(stem_: str) -> str | None:
    """The kind of thing a word stem names ("ketamin" → "drug", "glutam" → "chemical"), or None."""
    return _ENTITY_KIND.get(stem_)


def _infinitive(a: Analysed, t: Token) -> bool:
    """Whether a word is governed by "to" ("the ability to integrate"): a capacity, not an assertion."""
    return t.index > 0 and a.tokens[t.index - 1].text == "to"


def _drop_token(a: Analysed, t: Token) -> str:
    return " ".join(u.text.replace("_", " ") for u in a.tokens if u.index != t.index)


def _negation_count(a: Analysed) -> int:
    """Negators in a sentence, counting joined phrases that deny ("plays_no_part", "nothing_to_do_with")."""
    return sum(1 for t in a.tokens if t.text in NEGATORS or t.text in _DENYING_PHRASES)


_DENYING_PHRASES = frozenset(p for p in _PHRASE_SET if set(p.split("_")) & {"no", "not", "nothing", "never"})


def _prefix_base(word: str, stems: set[str]) -> bool:
    """A word whose negative prefix is put on a word the source has ("undisturbed" for "disturbs")."""
    for prefix in _NEGATIVE_PREFIXES:
        base = word[len(prefix):]
        if word.startswith(prefix) and len(base) >= 4 and (_token_stem(base) in stems or canonical(base) in stems):
            return zipf_frequency(word, "en") < zipf_frequency(base, "en")
    return False


def _as_embed(embed: Any) -> Embed:
    """Accept a callable or a LangChain Embeddings object."""
    if hasattr(embed, "embed_documents"):
        return lambda texts: np.asarray(embed.embed_documents(list(texts)))
    return embed


def _variant_of(word: str, ev_words: Sequence[str]) -> bool:
    """A spelling or derivational variant of a source word (neuroplastic/neuroplasticity)."""
    w = word.replace("_", "")
    if len(w) < 6:
        return False
    root = w[:6]
    return any(v.replace(" ", "").startswith(root) for v in ev_words if len(v) >= 6)


def _signed_concepts(t: Token) -> list[tuple[str, int]]:
    """(concept, sign) pairs of a token: its antonym poles, or its own stem, flipped if negated."""
    flip = -1 if t.negated else 1
    if t.poles:
        return [("~" + c, s * flip) for c, s in t.poles]
    return [(t.canon, flip)]


def _valence(t: Token) -> int:
    """+1 for a word that furthers what it acts on, -1 for one that hinders it, 0 otherwise; flipped if negated."""
    if not t.content or t.stem in _ENTITY_KIND or t.text in _NO_VALENCE or t.text in _LIGHT:
        return 0
    if t.text.startswith(("over", "under")) or t.text.startswith(("too_", "excess")):
        return 0  # too much of a good thing ("overstimulated", "overactive") harms: no direction to compare
    v = _VALENCE_EXTRA.get(t.text, 0) or _valence_of_poles(t.poles) or _GROUP_VALENCE.get(t.canon, 0)
    return -v if t.negated else v


def _passive(a: Analysed, t: Token) -> bool:
    """Whether a word is a participle after a form of "be" or "become" ("signals are amplified")."""
    before = [u.text for u in a.tokens[max(0, t.index - 3) : t.index] if not u.text.endswith("ly")]
    return bool(before) and before[-1] in _BE and t.text.endswith(("ed", "en"))


_BE = frozenset("is are was were be been being become becomes became get gets got".split())


def _neighbours(a: Analysed, t: Token, reach: int = 3) -> tuple[set[str], set[str]]:
    """The nearest content word on each side of a token (within `reach`), as canonical forms and stems."""
    def near(rng: Iterable[int]) -> set[str]:
        for k in rng:
            u = a.tokens[k]
            if u.text in (",", ";", ".", "?", "!", ":"):
                return set()
            if u.content and u.text not in _LIGHT and not u.text.endswith("ly"):
                return {u.canon, u.stem}
        return set()
    i = t.index
    return near(range(i - 1, max(-1, i - 1 - reach), -1)), near(range(i + 1, min(len(a.tokens), i + 1 + reach)))


def _context(a: Analysed, t: Token, width: int = 8) -> set[str]:
    """Canonical content stems near a token in its sentence (excluding the token and its antonyms)."""
    own = {c for c, _ in t.poles}
    near = {u.canon for u in a.tokens if u.content and u.index != t.index and abs(u.index - t.index) <= width
            and not own & {c for c, _ in u.poles}}
    # "these cells", "this process": the words the sentence before gave them.
    return near | a.antecedent if any(u.text in ("these", "this", "they", "it", "them") and
                                      abs(u.index - t.index) <= (width if u.index == 0 else _ANTECEDENT_REACH)
                                      for u in a.tokens) else near


# A sentence that opens with the pronoun is about what it stands for ("This is a sense of detachment"); a pronoun
# further in lends the sentence before only to words this close to it ("suppressing these cells", not "… these
# cells, ketamine can increase activity").
_ANTECEDENT_REACH = 3


_KIND_NOUNS = {"receptor": _stems("receptor receptors"), "chemical": _stems("neurotransmitter neurotransmitters"),
               "region": _stems("region regions area areas"), "factor": _stems("factor factors"),
               "drug": _stems("substance medication drug")}


def _refers_to_kind(sentences: Sequence[Analysed], kind: str) -> bool:
    """Whether a passage refers back to a thing of this kind ("the receptor", "these neurotransmitters")."""
    nouns = _KIND_NOUNS.get(kind, frozenset())
    return any(t.stem in nouns and t.index > 0 and a.tokens[t.index - 1].text in ("the", "these", "this", "those")
               for a in sentences for t in a.tokens)


def _only_briefly(a: Analysed, i: int) -> bool:
    """"only for a while", "only briefly", "only blocks it for a short while": "only" bounds how long, which is
    what "temporarily" says."""
    for k, u in enumerate(a.tokens[i + 1 :], start=i + 1):
        if u.text in _CLAUSE_BREAK or u.text in (".", "?", "!"):
            return False
        if ("duration", 1) in u.poles:  # the side of "temporary"
            return k == i + 1 or any(v.text == "for" for v in a.tokens[max(i + 1, k - 3) : k])
    return False


def _just_as(words: Sequence[str], i: int) -> bool:
    """"just as" / "just like" compares; it restricts nothing."""
    return words[i] == "just" and i + 1 < len(words) and words[i + 1] in ("as", "like")


def _denied_entities(a: Analysed) -> set[str]:
    """Entities a claim denies: "not (for) glutamate", "rather than serotonin", "instead of the hippocampus"."""
    toks, out = a.tokens, set()
    for i, t in enumerate(toks):
        opens = t.text in ("not", "never") or (t.text in ("rather", "instead") and i + 1 < len(toks)
                                                 and toks[i + 1].text in ("than", "of"))
        if not opens:
            continue
        for u in toks[i + 1 : i + 6]:
            if u.text in _CLAUSE_BREAK or u.text in (".", "?", "!"):
                break
            if u.stem in _ENTITY_KIND:
                out.add(u.stem)
            elif u.content and u.text not in ("than", "of", "the", "a", "an") and u.text not in _KIND_WORDS:
                break
    return out


_KIND_WORDS = frozenset("system systems receptor receptors region regions area areas neurotransmitter "
                        "neurotransmitters chemical chemicals drug drugs cortex".split())


def _example_in(a: Analysed, stem_: str) -> bool:
    """Whether a sentence names an entity as an example ("regions like X", "such as X", "including X")."""
    for t in a.tokens:
        if t.stem == stem_:
            before = [u.text for u in a.tokens[max(0, t.index - 3) : t.index]]
            return bool({"like", "such_as", "including"} & set(before)) or before[-2:] == ["such", "as"] \
                or (len(before) >= 3 and before[-3:-1] == ["such", "as"])
    return False


def _entities_in(a: Analysed) -> list[str]:
    return [t.stem for t in a.tokens if t.stem in _ENTITY_KIND]


# Kinds one can be mistaken for the other: a neurotransmitter for a growth factor.
_KIND_FAMILY = {"chemical": "molecule", "factor": "molecule"}


def _kind_in(a: Analysed, stem_: str) -> str:
    """The kind of an entity in a sentence: "dopamine receptors" names a receptor, not a chemical."""
    kind = _ENTITY_KIND[stem_]
    for t in a.tokens:
        if t.stem == stem_ and t.index + 1 < len(a.tokens) and a.tokens[t.index + 1].stem == "receptor":
            return "receptor"
    return _KIND_FAMILY.get(kind, kind)


def _overlap_without(claim: Analysed, source: Analysed, drop: set[str]) -> float:
    """Share of the claim's other content stems that the source sentence also has."""
    mine = {t.canon for t in claim.content if t.stem not in drop}
    if not mine:
        return 0.0
    theirs = {t.canon for t in source.content}
    return len(mine & theirs) / len(mine)


def _share(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a) if a else 0.0


def _segment(tokens: Sequence[Token], drop: Collection[str] = ()) -> set[str]:
    return {t.canon for t in tokens
            if t.content and t.stem not in _FORWARD and t.stem not in _BACKWARD and t.stem not in drop}


_BE = frozenset("is are was were be been being gets get got".split())


def _causal_pairs(sentences: Sequence[Analysed], drop: Collection[str] = ()) -> list[tuple[set[str], set[str]]]:
    """(cause, effect) stem sets from connectives: "A leads to B", "B stems from A", "When A, B",
    "A is what causes B", "It was A that B", "This leads to B" (A = the previous sentence)."""
    pairs: list[tuple[set[str], set[str]]] = []
    previous: list[Token] = []
    for a in sentences:
        toks = a.tokens
        words = [t.text for t in toks]
        for i, t in enumerate(toks):
            passive = i > 0 and words[i - 1] in _BE and (t.text.endswith("ed") or t.text.endswith("en"))
            if (t.text in FORWARD_CAUSE or t.stem in _FORWARD) and passive:
                # "B is triggered when / as A": a passive cause verb names its effect first.
                pairs.append((_segment(toks[i + 1 :], drop), _segment(toks[: i - 1], drop)))
            elif t.text in FORWARD_CAUSE or t.stem in _FORWARD:
                before, after = toks[:i], toks[i + 1 :]
                if before and before[0].text in ("this", "these", "it") and len(_segment(before, drop)) <= 1:
                    before = previous + before
                pairs.append((_segment(before, drop), _segment(after, drop)))
            elif t.text in BACKWARD_CAUSE or t.stem in _BACKWARD:
                pairs.append((_segment(toks[i + 1 :], drop), _segment(toks[:i], drop)))
            elif t.text == "by" and i > 0 and toks[i - 1].content and toks[i - 1].text.endswith("ed") \
                    and toks[i - 1].text not in _PREVENTS:  # "prevented by A" names no cause: _prevent_pairs
                # A passive agent is a cause ("neurons … overstimulated by excessive glutamate"), except
                # in "A is followed by B", where A comes first as in "Following A, B". Both sides end at
                # punctuation or a new clause: "blocked by ketamine for a while, so glutamate …" has its own cause.
                start = max((k + 1 for k in range(i) if toks[k].text in _AGENT_BREAK), default=0)
                end = next((k for k in range(i + 1, len(toks)) if toks[k].text in _AGENT_BREAK), len(toks))
                before_, after_ = _segment(toks[start:i], drop), _segment(toks[i + 1 : end], drop)
                pairs.append((before_, after_) if toks[i - 1].text in ("followed", "succeeded")
                             else (after_, before_))
        # "When A, B" / "Following A, B" / "By V-ing A, B"
        if words and words[0] in CLAUSE_CAUSE and "," in words:
            comma = words.index(",")
            pairs.append((_segment(toks[1:comma], drop), _segment(toks[comma + 1 :], drop)))
        # "A before B" puts A first; "A after B" puts B first (a sentence-initial "After" is handled above).
        for i in range(1, len(words) - 1):
            if words[i] in ("before", "after") and toks[i - 1].text not in _CLAUSE_BREAK:
                a_, b_ = _segment(toks[:i], drop), _segment(toks[i + 1 :], drop)
                pairs.append((a_, b_) if words[i] == "before" else (b_, a_))
        # "The consequence of A is B"
        for i in range(len(words) - 2):
            if toks[i].canon == "syn:consequence" and words[i + 1] == "of" and "is" in words[i + 2 :]:
                k = words.index("is", i + 2)
                pairs.append((_segment(toks[i + 2 : k], drop), _segment(toks[k + 1 :], drop)))
                break
        # "A is what V-s B", "It was A that V-ed B" (cleft: A is the cause)
        for i in range(len(words) - 1):
            if words[i] in ("is", "are", "was", "were") and words[i + 1] == "what":
                pairs.append((_segment(toks[:i], drop), _segment(toks[i + 2 :], drop)))
        if len(words) > 3 and words[0] == "it" and words[1] in ("is", "was") and "that" in words[2:]:
            k = words.index("that", 2)
            pairs.append((_segment(toks[2:k], drop), _segment(toks[k + 1 :], drop)))
        # ", V-ing …" after a main clause: the participle is a result of the clause before it.
        for i in range(1, len(toks) - 1):
            if toks[i].text == "," and toks[i + 1].text.endswith("ing") and toks[i + 1].content \
                    and toks[i + 1].text not in ("including", "following", "according"):
                pairs.append((_segment(toks[:i], drop), _segment(toks[i + 1 :], drop)))
        previous = list(toks)
    return [(c, e) for c, e in pairs if c and e]


_PREVENTS = frozenset("prevent prevents prevented preventing stop stops stopped stopping avert averts averted".split())


def _prevent_pairs(a: Analysed, drop: Collection[str] = ()) -> list[tuple[set[str], set[str]]]:
    """(preventer, prevented) from "A prevents B" and "B is prevented by A" ("prevents X from V-ing" is left to the
    negation rules: X is not prevented, its V-ing is)."""
    toks, pairs = a.tokens, []
    for i, t in enumerate(toks):
        if t.text not in _PREVENTS or t.negated:
            continue
        start = max((k + 1 for k in range(i) if toks[k].text in _AGENT_BREAK), default=0)
        end = next((k for k in range(i + 1, len(toks)) if toks[k].text in _AGENT_BREAK), len(toks))
        if i + 1 < len(toks) and toks[i + 1].text == "by":
            pairs.append((_segment(toks[i + 2 : end], drop), _segment(toks[start:i], drop)))
        elif not any(u.text == "from" for u in toks[i + 1 : end]):
            pairs.append((_segment(toks[start:i], drop), _segment(toks[i + 1 : end], drop)))
    return [(x, y) for x, y in pairs if x and y]


_AGENT_BREAK = frozenset(",;:()") | {"so", "which", "who", "while", "whereas", "but", ".", "?", "!"}
_CONTRASTS = frozenset("while whereas whilst but unlike although though contrasts contrast than instead".split())


def _contrast_sides(a: Analysed, drop: Collection[str]) -> list[set[str]]:
    """The two sides of "While A, B", "A, whereas B", "A, but B", "A contrasts with B", "A than B"."""
    toks = a.tokens
    words = [t.text for t in toks]
    for i, w in enumerate(words):
        if w not in _CONTRASTS:
            continue
        if (i == 0 or words[i - 1] in (",", ";", ":")) and w in ("unlike", "instead", "while", "whereas",
                                                                  "although") and "," in words[i + 1 :]:
            # "A; unlike B, which …, C": B (with its relative clause) against A and C.
            close = words.index(",", i + 1)
            if close + 1 < len(words) and words[close + 1] in ("which", "who") and "," in words[close + 1 :]:
                close = words.index(",", close + 1)
            return [_segment([*toks[:i], *toks[close + 1 :]], drop), _segment(toks[i + 1 : close], drop)]
        if i == 0 and "," in words:
            comma = words.index(",")
            return [_segment(toks[1:comma], drop), _segment(toks[comma + 1 :], drop)]
        if i > 0:
            return [_segment(toks[:i], drop), _segment(toks[i + 1 :], drop)]
    return [_segment(toks, drop)]


_MIN_OVERLAP = 1.0
_CLAUSES = re.compile(r";|:\s|,\s+(?:but|while|whereas|and)\s+")
_BE = frozenset("is are was were be been being".split())


def _agent_roles(a: Analysed) -> list[tuple[str, str, int]]:
    """(agent entity, action concept, sign) for verbs with an entity (or "it") right before them."""
    roles = []
    toks = a.tokens
    for i, t in enumerate(toks):
        if not t.content or t.stem in _ENTITY_KIND or not t.canon.startswith("syn:"):
            continue
        if i > 0 and toks[i - 1].text in _BE:
            continue  # passive or copula: the subject is not the agent
        agent = None
        for j in range(i - 1, max(-1, i - 4), -1):
            u = toks[j]
            if u.stem in _ENTITY_KIND:
                agent = u.stem
                break
            if u.text in _CLAUSE_BREAK or u.text in _PREPOSITIONS or (u.content and u.text not in AUXILIARIES
                                                                         and not u.text.endswith("ly")):
                break  # "for people in medical settings": a noun before a preposition does nothing to what follows
        # "keeps X from V-ing": X is the agent of V
        if agent is None and i >= 2 and toks[i - 1].text == "from" and toks[i - 2].stem in _ENTITY_KIND:
            agent = toks[i - 2].stem
        if agent:
            roles.append((agent, t.canon, -1 if t.negated else 1))
    return roles


def is_framing(sentence: str) -> bool:
    """Whether an uncited sentence only frames the answer (no fact to check)."""
    text = re.sub(r"[“\"][^”\"]*[”\"]", " ", sentence)  # quoted section titles
    stripped = text.strip()
    words = [t for t in analyse(stripped).content if t.text not in META_WORDS and t.text not in _LIGHT]
    if stripped.endswith(":") and len(words) <= 3:
        return True
    return len(words) == 0


# --------------------------------------------------------------------------------------------
# Module-level entry points
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def default_embed() -> Embed:
    """The bundled MiniLM model, loaded once on first use (never at import)."""
    from tutor.adapters.embeddings import load_embeddings
    from tutor.config import Settings

    settings = Settings()
    return _as_embed(load_embeddings(settings.embedding_model, settings.embedding_threads))


def topic_of(texts: Iterable[str], titles: Iterable[str] = ()) -> list[str]:
    """The subject of a corpus: the named entities of its titles, else those most paragraphs mention."""
    named = sorted({e for t in titles for e in _entities_in(analyse(t))})
    if named:
        return named
    paragraphs = [p for t in texts for p in re.split(r"\n\s*\n", t) if p.strip()]
    counts: dict[str, int] = {}
    for p in paragraphs:
        for e in set(_entities_in(analyse(p))):
            counts[e] = counts.get(e, 0) + 1
    if not counts:
        return []
    top = max(counts.values())
    return sorted(e for e, c in counts.items() if c == top and c >= 0.3 * len(paragraphs))


@lru_cache(maxsize=1)
def default_topic() -> tuple[str, ...]:
    """The subject of the configured corpus (read once, on first use)."""
    from tutor.config import Settings
    from tutor.corpus import load_corpus
    from tutor.errors import CorpusError

    try:
        corpus = load_corpus(Settings().corpus_dir)
    except CorpusError:  # no corpus: no implied subject
        return ()
    return tuple(topic_of([d.text for d in corpus.documents], [d.title for d in corpus.documents]))


_JUDGES: dict[int, tuple[Any, Judge]] = {}


def get_judge(embed: Embed | Any | None = None) -> Judge:
    """A Judge per embedding function (the bundled model when None), reused so its caches are kept."""
    key = id(embed)
    if key not in _JUDGES:
        if len(_JUDGES) >= 8:
            _JUDGES.pop(next(iter(_JUDGES)))
        _JUDGES[key] = (embed, Judge(embed))  # holding `embed` keeps its id from being reused
    return _JUDGES[key][1]


def judge(claim: str, passages: list[str], *, embed: Embed | Any | None = None) -> Verdict:
    """Is `claim` supported by, missing from, or contradicted by `passages`?

    Args:
        claim: one sentence; [n] markers are ignored.
        passages: source text (one or more sentences each).
        embed: optional `list[str] -> np.ndarray` (or a LangChain Embeddings object); by default the
            bundled MiniLM model is loaded once.
    """
    return get_judge(embed).judge(claim, passages)


def judge_answer(answer: str, citations: Sequence[Citation], context: Sequence[str] | None = None, *,
                 embed: Embed | Any | None = None) -> list[SentenceSupport]:
    """Per-sentence support of an answer with [n] markers against what each sentence cites."""
    return get_judge(embed).judge_answer(answer, citations, context)


# --------------------------------------------------------------------------------------------
# Optional: a language-model judge through any LangChain chat model
# --------------------------------------------------------------------------------------------

class LLMVerdict(BaseModel):
    """What the language model must answer with (one JSON object)."""

    label: Label = Field(description="supported, unsupported or contradicted")
    reason: str = Field(default="", description="One short sentence.")


class LLMJudge:
    """Judge claims with any LangChain chat model (for users who have one); same interface as Judge.

    The prompt is `prompts/judge.yaml`, rendered strictly: a missing variable fails loudly.
    """

    name = "llm"

    def __init__(self, chat_model: Any, *, prompt_path: Path | None = None):
        from tutor.config import BUNDLED_PROMPTS_DIR
        from tutor.prompts import load_prompt

        self.chat_model = chat_model
        self.prompt = load_prompt(prompt_path or BUNDLED_PROMPTS_DIR / "judge.yaml")

    def judge(self, claim: str, passages: Sequence[str]) -> Verdict:
        """Ask the model for a label; an unparseable answer counts as unsupported."""
        from langchain_core.messages import HumanMessage

        text = self.prompt.render(claim=MARKER.sub("", claim).strip(),
                                  passages="\n".join(f"- {p}" for p in passages))
        content = self.chat_model.invoke([HumanMessage(content=text)]).content
        answer = content if isinstance(content, str) else str(content)
        parsed = _parse_llm_verdict(answer)
        if parsed is None:
            return Verdict(label="unsupported", score=0.0, reasons=[f"unparseable judge answer: {answer[:80]!r}"])
        score = {"supported": 1.0, "unsupported": 0.3, "contradicted": 0.0}[parsed.label]
        return Verdict(label=parsed.label, score=score, reasons=[parsed.reason] if parsed.reason else [])

    def judge_answer(self, answer: str, citations: Sequence[Citation],
                     context: Sequence[str] | None = None) -> list[SentenceSupport]:
        """Per-sentence support, as Judge.judge_answer."""
        return Judge.judge_answer(self, answer, citations, context)  # type: ignore[arg-type]


def _parse_llm_verdict(text: str) -> LLMVerdict | None:
    import json

    match = re.search(r"\{.*\}", text, re.DOTALL)
    if match:
        try:
            return LLMVerdict.model_validate(json.loads(match.group(0)))
        except (ValueError, TypeError):
            pass
    for label in ("contradicted", "unsupported", "supported"):
        if re.search(rf"\b{label}\b", text.lower()):
            return LLMVerdict(label=label)  # type: ignore[arg-type]
    return None


LABELS: tuple[Label, ...] = ("supported", "unsupported", "contradicted")