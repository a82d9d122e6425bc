"""The Tutor: composition root. Loads models and stores once, then answers questions."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from tutor import smalltalk
from tutor.adapters.embeddings import load_embeddings
from tutor.adapters.vectorstore import ChromaStore, sentence_id
from tutor.answerability import Answerability, Verdict, without_segue
from tutor.answering import AnswerContext, Backend, Composition, own_words, paraphrase_match
from tutor.backends import create_backend
from tutor.chunking import chunk_document
from tutor.config import Settings
from tutor.corpus import Corpus, load_corpus
from tutor.errors import IndexMissing, InvalidQuestion
from tutor.grounding import Judge, topic_of
from tutor.index import IngestReport, VectorStore, ingest, plan_ingest
from tutor.premise import check_premise, promote
from tutor.retrieval import (LexicalIndex, ScoredSentence, Vocabulary, about_subject, condense, fuse, lexical_stems,
                             plain_question, prefer_new, rank_sentences, refers_back, without_common_words)
from tutor.safety import SafetyDecision, SafetyGuard
from tutor.sessions import SessionStore
from tutor.suggestions import pick_suggestions, suggestion_pool
from tutor.text import LANGUAGES, content_stems, content_words, language_of, normalize, stem, words
from tutor.types import Chunk, Passage, ReplyKind, Turn, TutorReply

if TYPE_CHECKING:
    from tutor.tutoring import Tutoring

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_question(question: str, max_chars: int) -> str:
    """The question with control characters removed; raises InvalidQuestion if empty or too long."""
    if not isinstance(question, str):
        raise InvalidQuestion("The question must be text.")
    cleaned = _CONTROL.sub(" ", question).strip()
    if not cleaned:
        raise InvalidQuestion("The question is empty; ask something about the material.")
    if len(cleaned) > max_chars:
        raise InvalidQuestion(f"The question is {len(cleaned):,} characters long; the limit is {max_chars:,}.")
    return cleaned


def index_signature(settings: Settings) -> str:
    """What the stored vectors depend on; a change means they must be rebuilt."""
    return f"{settings.embedding_model}|size={settings.chunk_size}|overlap={settings.chunk_overlap}|v1"


def open_store(settings: Settings) -> ChromaStore:
    """The configured Chroma store: a server when a host is set, else embedded in the data directory."""
    return ChromaStore.connect(
        path=None if settings.uses_chroma_server else str(settings.chroma_path),
        host=settings.chroma_host, port=settings.chroma_port, collection=settings.collection,
        signature=index_signature(settings),
    )


def chunk_corpus(corpus: Corpus, settings: Settings) -> list[Chunk]:
    """All chunks of all documents, in corpus order."""
    return [c for d in corpus.documents for c in chunk_document(d, settings.chunk_size, settings.chunk_overlap)]


def build_index(settings: Settings | None = None, embeddings: Any = None) -> IngestReport:
    """Ingest the corpus into the configured store (incremental and idempotent)."""
    settings = settings or Settings()
    corpus = load_corpus(settings.corpus_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(settings)
    embeddings = embeddings or load_embeddings(settings.embedding_model, settings.embedding_threads)
    return ingest(chunk_corpus(corpus, settings), store, embeddings, len(corpus.documents), corpus.skipped)


class Tutor:
    """Answers questions about the corpus with cited passages. Create with `Tutor.load()`."""

    def __init__(self, settings: Settings, corpus: Corpus, chunks: list[Chunk], store: VectorStore,
                 embeddings: Any, sessions: SessionStore, backend: Backend):
        self.settings = settings
        self.corpus = corpus
        self.chunks = chunks
        self.store = store
        self.embeddings = embeddings
        self.sessions = sessions
        self.backend = backend
        if settings.safety_model_check and not hasattr(backend, "screen"):
            log.warning("TUTOR_SAFETY_MODEL_CHECK needs a generative backend; the %s backend has no model to ask",
                        backend.name)
        self._backends: dict[str, Backend] = {backend.name: backend}
        self._by_id = {c.chunk_id: c for c in chunks}
        self.vocabulary = Vocabulary([c.text for c in chunks])
        self.lexical = LexicalIndex(chunks, self.vocabulary)
        self.answerability = Answerability(self.vocabulary, self._embed, self._vocabulary_vectors(),
                                           domain=self._domain_centre())
        self.suggestion_pool = suggestion_pool(chunks)
        self.sources = {d.source: d.text for d in corpus.documents}
        self.guard = SafetyGuard.from_settings(settings, self._embed, self.sources.values())
        self.last_ingest: IngestReport | None = None

    @classmethod
    def load(cls, settings: Settings | None = None, *, embeddings: Any = None, **overrides: Any) -> Tutor:
        """Load the corpus, the embedding model and the store; bring the index up to date if allowed.

        Keyword overrides are Settings fields, e.g. `Tutor.load(corpus_dir=..., data_dir=...)`.
        Pass `embeddings` to share an already loaded model between tutors.
        """
        settings = settings.model_copy(update=overrides) if settings else Settings(**overrides)
        corpus = load_corpus(settings.corpus_dir)
        chunks = chunk_corpus(corpus, settings)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = open_store(settings)
        plan = plan_ingest(chunks, store.chunk_ids())
        embeddings = embeddings or load_embeddings(settings.embedding_model, settings.embedding_threads)
        report = None
        if not plan.up_to_date:
            if not settings.auto_ingest:
                state = "has not been built" if not plan.unchanged else "is out of date with the corpus"
                raise IndexMissing(f"The index {state} ({len(plan.add)} chunks to add, "
                                   f"{len(plan.remove)} to remove). Run `tutor ingest`.")
            log.info("Index out of date; ingesting %d chunks", len(plan.add))
            report = ingest(chunks, store, embeddings, len(corpus.documents), corpus.skipped)
        backend = create_backend(settings.backend, settings, embeddings=embeddings)
        tutor = cls(settings, corpus, chunks, store, embeddings, SessionStore(settings.sessions_path), backend)
        tutor.last_ingest = report
        return tutor

    def _embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.embeddings.embed_documents(texts))

    @functools.cached_property
    def subjects(self) -> list[str]:
        """What the corpus is about, as stems: the named entities of its titles, else those most paragraphs mention."""
        return topic_of([d.text for d in self.corpus.documents], [d.title for d in self.corpus.documents])

    @functools.cached_property
    def subject(self) -> str | None:
        """The corpus's one subject as its text writes it ("ketamine"), or None when it has several or none."""
        if len(self.subjects) != 1:
            return None
        written = Counter(w for d in self.corpus.documents for w in re.findall(r"[A-Za-z][\w-]*", d.text)
                          if stem(w.lower()) == self.subjects[0])
        return written.most_common(1)[0][0] if written else None

    @functools.cached_property
    def language(self) -> str | None:
        """The language the material is written in (a code of `text.LANGUAGES`), or None when it cannot tell."""
        return language_of(" ".join(d.text[:5000] for d in self.corpus.documents))

    @functools.cached_property
    def judge(self) -> Judge:
        """The claim judge over this tutor's embeddings and its corpus's subject (built on first use)."""
        return Judge(self._embed, topic=self.subjects)

    def _domain_centre(self) -> np.ndarray | None:
        """The mean of the stored sentence vectors: where the material sits in embedding space."""
        ids = [sentence_id(c.chunk_id, i) for c in self.chunks for i in range(len(c.sentences))]
        vectors = list(self.store.sentence_vectors(ids).values()) if ids else []
        return np.mean(np.asarray(vectors), axis=0) if vectors else None

    def _vocabulary_vectors(self) -> np.ndarray:
        """Vectors of every corpus word, cached in the data directory by vocabulary hash."""
        words = self.vocabulary.words
        digest = hashlib.sha1(("\n".join(words) + self.settings.embedding_model).encode()).hexdigest()[:16]
        path = self.settings.data_dir / f"vocabulary-{digest}.npy"
        if path.exists():
            vectors = np.load(path)
            if vectors.shape[0] == len(words):
                return vectors
        vectors = self._embed(words) if words else np.zeros((0, 384))
        np.save(path, vectors)
        return vectors

    # -- the flow of one question -------------------------------------------------------------

    def ask(self, question: str, session_id: str | None = None) -> TutorReply:
        """Answer one message in a session and record the turn."""
        reply: TutorReply | None = None
        for item in self.stream(question, session_id):
            if isinstance(item, TutorReply):
                reply = item
        assert reply is not None
        return reply

    def available_backends(self) -> list[str]:
        """Backends a request may choose: the quoting one and the configured one."""
        return list(dict.fromkeys(["extractive", self.backend.name]))

    def backend_for(self, name: str | None = None) -> Backend:
        """The configured backend, or another one by name (built once, on first use)."""
        if name is None:
            return self.backend
        if name not in self._backends:
            self._backends[name] = create_backend(name, self.settings, embeddings=self.embeddings)
        return self._backends[name]

    def stream(self, question: str, session_id: str | None = None,
               backend: str | None = None, *, tutoring: bool = True) -> Iterator[str | TutorReply]:
        """Yield the answer text as it is produced, then the full TutorReply (the last item).

        `backend` picks another backend by name for this request (see `available_backends`).
        `tutoring=False` skips quiz commands and Socratic mode (tutor/socratic.py) for this message.
        """
        question = self.validate(question)
        composer = self.backend_for(backend)
        session_id = session_id or uuid.uuid4().hex
        history = self.sessions.history(session_id, self.settings.history_turns)
        # Safety first: a crisis or harmful request is answered before any retrieval happens. A bare command ("my
        # progress") has no words of the learner's own to screen, and the classifier can read two words as despair.
        if tutoring and self.tutoring.fixed_command(question, session_id):
            decision = SafetyDecision(kind="ok", question=question)
        else:
            decision = self.guard.check_input(question, history)
            second_opinion = getattr(self.backend, "screen", None) if self.settings.safety_model_check else None
            if second_opinion is not None:  # a generative backend's label may add a refusal, never lift one
                decision = self.guard.consult(second_opinion, decision, history)
        if decision.kind != "ok":
            reply = self.guard.reply(decision, session_id, question)
            if reply.kind == "crisis" and tutoring:  # what comes next is not an answer to a quiz question or a hint
                self.tutoring.set_pending(session_id, None)
            yield reply.answer
            self._remember(session_id, reply)
            yield reply
            return
        question = decision.question  # after an injection, only the question inside it is answered
        handled = self.tutoring.handle(question, session_id) if tutoring else None
        if handled is not None:  # a quiz command or answer, or a Socratic turn — after the guard, never instead of it
            handled = self.guard.finish(handled, decision)
            yield handled.answer
            self._remember(session_id, handled)
            yield handled
            return
        if smalltalk.classify(question) is not None:
            # Small talk ("ok thanks", "hi! what can you teach me?") is all the message says: there is nothing to
            # search for, whatever words the earlier turns would lend it.
            reply = self._declined(Verdict(kind="out_of_scope"), question, question, session_id, history)
            yield reply.answer
            self._remember(session_id, reply)
            yield reply
            return
        # Refused turns (safety, crisis) are not context: their words must not steer the next search. Neither are
        # quiz commands and answers, which searched nothing (no standalone question).
        previous = [t.standalone_question or t.question for t in history if t.reply_kind not in ("safety", "crisis")
                    and (t.standalone_question or t.reply_kind != "answer")]
        standalone = condense(question, previous, self.vocabulary)
        condensed = standalone != plain_question(question)  # a follow-up, read with the earlier questions
        rewrite = getattr(composer, "condense", None)
        if condensed and rewrite is not None and self.settings.condense_with_model:
            standalone = rewrite(question, previous) or standalone  # the rule-based result stays the fallback
        ranked, verdict = self._judge(question, standalone)
        # Half its words or more are the material's ("is the damage permanent?", not "can you help with my calculus
        # homework? what's the derivative …", whose "help" and "derivative" the material happens to use too).
        spoken = content_words(plain_question(question))
        materials_words = bool(spoken) and 2 * sum(map(self.vocabulary.recognizes, spoken)) >= len(spoken)
        # (A segue, "speaking of fertilizer, …", takes up a word only to turn away from it.)
        if (verdict.kind == "out_of_scope" and not condensed and previous and history[-1].reply_kind == "answer"
                and without_segue(question) == question
                and ({stem(w) for w in spoken} & set(content_stems(history[-1].answer)) or materials_words)):
            # "can the damage be reversed if you stop?" after an answer on excitotoxicity ("… neurons are damaged …")
            # leans on the conversation with no pronoun: off the material alone, it picks up a word it was just told,
            # or is said in the material's words ("is the damage permanent?" after an answer on heavy use).
            # Read with the earlier questions it is judged again, and that reading stands unless it is off-topic too.
            leaning = condense(question, previous, self.vocabulary, force=True)
            ranked_leaning, verdict_leaning = self._judge(question, leaning)
            if verdict_leaning.kind != "out_of_scope":
                standalone, ranked, verdict, condensed = leaning, ranked_leaning, verdict_leaning, True
        # "how long does it last?" opening a conversation, in the material's words: its "it" can only be what the
        # material is about ("is it going to rain this weekend?" is not in its words). Only an off-topic verdict is
        # judged again: named everywhere, the subject draws every search towards the sentences that merely name it,
        # and "is it only used on people?" lost the veterinary sentence.
        named = standalone if previous else about_subject(standalone, self.subject)
        if verdict.kind == "out_of_scope" and materials_words and named != standalone:
            ranked_named, verdict_named = self._judge(question, named)
            if verdict_named.kind != "out_of_scope":
                standalone, ranked, verdict = named, ranked_named, verdict_named
        foreign = list(verdict.features.get("foreign") or [])
        if (verdict.kind == "not_in_material" and condensed and foreign and materials_words
                and not set(foreign) & set(words(normalize(question)))):
            # "does it cause hallucinations?" after "is ketamine a psychedelic?" asks about what the learner now names
            # in the material's words: the earlier question's word the material lacks (borrowed) does not decline it.
            unborrowed = re.sub(rf"\b(?:{'|'.join(map(re.escape, foreign))})\b\s*", "", standalone)
            unborrowed = re.sub(r"\s*\(\s*\)", "", unborrowed).strip()
            ranked_own, verdict_own = self._judge(question, unborrowed)
            if verdict_own.kind == "answer":
                standalone, ranked, verdict = unborrowed, ranked_own, verdict_own
        # A follow-up pointing back at an earlier question that named the drug ("how long does it last?" after "what
        # is a k-hole?") stays on its topic.
        on_topic_thread = condensed and refers_back(question) and self.guard.names_topic(previous[-1])
        if verdict.kind == "out_of_scope" and (self.guard.names_topic(standalone) or on_topic_thread):
            # Slang the material never uses ("k-hole", "special K") still names its subject: the honest
            # reply is that the material does not cover it, not that the question is off-topic.
            verdict = verdict.model_copy(update={"kind": "not_in_material", "reason": ""})
        # A question that rests on something the material contradicts is answered by saying so first. Of the
        # questions the material does not answer, only one that puts something it never mentions where it names
        # one thing alone is ("why is GABA the most abundant transmitter?"): silent on GABA, the material does
        # not say "no" to "does it act on GABA receptors?" or "how does it affect dopamine?".
        premise = None
        if verdict.kind != "out_of_scope":  # a first message's "it" is the material's subject; a follow-up's is unknown
            premise = check_premise(question, ranked, self.judge, subject=None if history else self.subject,
                                    pool=self.chunks)
        # A question declined only for words outside its premise, or for the very word the material contradicts
        # ("ketamine is an NMDA agonist, isnt it?"), is corrected too.
        unknown = [w for key in ("foreign", "target") for w in verdict.features.get(key) or []]
        if premise is not None and (verdict.kind == "answer" or (premise.swaps_entity and premise.exclusive)
                                    or premise.stands_despite(unknown)):
            verdict = verdict.model_copy(update={"kind": "answer", "reason": ""})
        else:
            premise = None
        # What the learner was just shown counts less only in choosing what to quote: whether the material answers
        # a follow-up about the very sentence just quoted ("is that permanent?") is judged on the ranking itself.
        if condensed and history:
            ranked = prefer_new(ranked, question, {tuple(span) for span in history[-1].cited_spans})
        if premise is not None:
            ranked = promote(ranked, premise.evidence, self.chunks)
        if verdict.kind != "answer":
            reply = self._declined(verdict, question, standalone, session_id, history)
            yield reply.answer
        else:
            # The learner's own words ("kill") choose among quoted sentences too (answering.paraphrase_match).
            paraphrase = paraphrase_match(own_words(standalone, self.vocabulary), ranked, self.judge.vectors)
            context = AnswerContext(question=question, standalone_question=standalone, sentences=ranked,
                                    max_sentences=self.settings.max_answer_sentences,
                                    correction=premise.evidence if premise else None, paraphrase=paraphrase)
            composition: Composition | None = None
            for piece in self.guard.screen_stream(composer.stream(context)):
                if isinstance(piece, Composition):
                    composition = piece
                else:
                    yield piece
            assert composition is not None
            cited = list(dict.fromkeys(c.chunk_id for c in composition.citations))
            reply = TutorReply(
                kind="answer", answer=composition.answer, citations=composition.citations,
                session_id=session_id, question=question, standalone_question=standalone,
                suggestions=pick_suggestions(self.suggestion_pool, self.chunks, cited, previous + [question]),
                grounding=composition.grounding, backend=composer.name,
            )
        reply = self.guard.finish(reply, decision)  # output check (doses, sources, prompt text) and notices
        if verdict.kind == "answer" and composition.notice and reply.kind == "answer":
            reply = reply.model_copy(update={"notice": " ".join(filter(None, [composition.notice, reply.notice]))})
        if premise is not None and reply.kind == "answer":  # (unless the output check replaced the answer)
            reply = reply.model_copy(update={"corrected_premise": premise.claim})
        self._remember(session_id, reply)
        yield reply

    def _judge(self, question: str, standalone: str) -> tuple[list[ScoredSentence], Verdict]:
        """The sentences found for the standalone question, ranked, and whether the material answers it."""
        passages, query_vectors, focus_vectors = self._search(standalone, question)
        terms = set(lexical_stems(self.vocabulary.repair(standalone)))
        # What the question asks beyond the material's subject chooses the quoted sentences (answering.py).
        ranked = rank_sentences(passages, query_vectors, self._sentence_vectors(passages), terms, self.lexical.idf,
                                focus_vectors)
        return ranked, self.answerability.judge(question, standalone, passages, ranked)

    def validate(self, question: str) -> str:
        """The question with control characters removed; raises InvalidQuestion if unusable."""
        return clean_question(question, self.settings.max_question_chars)

    def retrieve(self, standalone: str, question: str | None = None) -> tuple[list[Passage], list[np.ndarray]]:
        """Hybrid search: dense (Chroma) and BM25 rankings fused; returns passages and query vectors."""
        passages, vectors, _ = self._search(standalone, question)
        return passages, vectors

    def _search(self, standalone: str, question: str | None) -> tuple[list[Passage], list[np.ndarray], list[np.ndarray]]:
        """`retrieve`, also returning the vector of the query without its common words (empty when it has none)."""
        k = self.settings.top_k
        pool = max(k * 3, 10)
        # Misspellings hurt the embedding as much as BM25, so the dense search sees the repaired text.
        queries = [self.vocabulary.repair(standalone)]
        if question is not None and question != standalone:
            queries.append(self.vocabulary.repair(question))
        # The query without the words most passages share also searches (retrieval.without_common_words);
        # it only adds rankings: similarity scores and the returned vectors stay those of the queries.
        focus = without_common_words(queries[0], self.vocabulary)
        vectors = [np.asarray(v) for v in self.embeddings.embed_documents(queries + ([focus] if focus else []))]
        rankings, weights = [], []
        dense_scores: dict[str, float] = {}
        for i, vec in enumerate(vectors):
            weight = 0.5 if 0 < i < len(queries) else 1.0
            hits = self.store.search_chunks(vec, min(pool, len(self.chunks)))
            for cid, sim in hits if i < len(queries) else ():
                dense_scores[cid] = max(dense_scores.get(cid, -1.0), sim)
            rankings.append([cid for cid, _ in hits])
            weights.append(weight)
            # A chunk holding one sentence that matches closely is often the answer, even when the
            # chunk as a whole is diluted by its other sentences.
            sentence_hits = self.store.search_sentences(vec, pool * 2)
            for cid, sim in sentence_hits if i < len(queries) else ():
                dense_scores[cid] = max(dense_scores.get(cid, -1.0), sim)
            rankings.append([cid for cid, _ in sentence_hits])
            weights.append(weight)
        lexical_hits = self.lexical.search(standalone, pool)
        lexical_scores = dict(lexical_hits)
        rankings.append([cid for cid, _ in lexical_hits])
        weights.append(1.0)
        fused = fuse(rankings, weights)[:k]
        passages = [
            Passage(chunk=self._by_id[cid], score=score, dense=dense_scores.get(cid, 0.0),
                    lexical=lexical_scores.get(cid, 0.0))
            for cid, score in fused if cid in self._by_id
        ]
        return passages, vectors[:len(queries)], vectors[len(queries):]

    def _sentence_vectors(self, passages: list[Passage]) -> dict[tuple[str, int], np.ndarray]:
        keys = [(p.chunk.chunk_id, i) for p in passages for i in range(len(p.chunk.sentences))]
        stored = self.store.sentence_vectors([sentence_id(cid, i) for cid, i in keys])
        return {(cid, i): np.asarray(stored[sentence_id(cid, i)]) for cid, i in keys if sentence_id(cid, i) in stored}

    def _declined(self, verdict: Verdict, question: str, standalone: str, session_id: str,
                  history: list[Turn]) -> TutorReply:
        """The reply to a message the tutor does not answer from the material."""
        # The safety net: a message declined anyway that carries the writer's despair gets the crisis reply
        # (a lower bar than the input screen's, which costs no teaching here).
        net = self.guard.check_decline(question, history)
        if net is not None:
            return self.guard.reply(net, session_id, question)
        after_crisis = bool(history) and history[-1].reply_kind == "crisis"
        return self._decline(verdict, question, standalone, session_id, after_crisis)

    def _decline(self, verdict: Verdict, question: str, standalone: str, session_id: str,
                 after_crisis: bool = False) -> TutorReply:
        suggestions = [s.question for s in self.suggestion_pool[:3]]
        talk = smalltalk.classify(question) if verdict.kind == "out_of_scope" else None
        asked_in = language_of(question)
        if talk is not None:
            text = smalltalk.reply(talk, self.covered_topics(), suggestions, after_crisis)
        elif self.language and asked_in not in (None, self.language):
            # Declined only because the search and the checks read the material's language: say so, not "off-topic".
            text = (f"I can only teach in {LANGUAGES[self.language]}, the language of the course material, so I "
                    f"can’t answer a question in {LANGUAGES[asked_in]}. Could you ask it in {LANGUAGES[self.language]}? "
                    f"The material covers: {self.covered_topics()}.")
        else:
            text = self.decline_text(verdict.kind, verdict.reason)
        return TutorReply(kind=verdict.kind, answer=text, citations=[], session_id=session_id, question=question,
                          standalone_question=standalone, suggestions=suggestions)

    def decline_text(self, kind: ReplyKind, reason: str = "") -> str:
        """The reply for a question the material does not answer, naming what it does cover."""
        covered = self.covered_topics()
        if kind == "out_of_scope":
            head = "That question is outside what I can teach: I only answer from the course material."
        else:
            head = "The material doesn’t answer that, so I won’t guess" + (f" ({reason})." if reason else ".")
        return f"{head} It covers: {covered}."

    def covered_topics(self) -> str:
        """A one-line list of the sections of the material."""
        titles = list(dict.fromkeys(c.section for c in self.chunks))
        titles = [t for t in titles if t != "Introduction"] or titles
        return "; ".join(titles[:8]) + ("; …" if len(titles) > 8 else "")

    def _remember(self, session_id: str, reply: TutorReply) -> None:
        self.sessions.append(session_id, Turn(
            question=reply.question, standalone_question=reply.standalone_question, reply_kind=reply.kind,
            answer=reply.answer, cited_chunk_ids=[c.chunk_id for c in reply.citations],
            cited_spans=[(c.source, c.start) for c in reply.citations],
        ))

    @functools.cached_property
    def tutoring(self) -> Tutoring:
        """Lessons, quizzes, mastery and Socratic mode over this tutor (built on first use)."""
        from tutor.tutoring import Tutoring

        return Tutoring(self)

    def close(self) -> None:
        """Release the session database and the safety counters."""
        self.sessions.close()
        self.guard.close()
        if "tutoring" in self.__dict__:
            self.tutoring.close()
