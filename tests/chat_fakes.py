"""Scripted chat models and answer contexts for the generation tests (fakes stand in for language models only)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from tutor.answering import AnswerContext
from tutor.generation import LanguageModel
from tutor.retrieval import ScoredSentence


class ScriptedChat(BaseChatModel):
    """Answers each call with the next script entry: a string (streamed word by word) or an exception.

    Records the prompts it saw, how many chunks it streamed, and whether a stream was closed early.
    """

    script: list[Any]
    delay: float = 0.0
    calls: list[list[BaseMessage]] = []
    streamed: int = 0
    closed_early: int = 0

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _next(self, messages: list[BaseMessage]) -> Any:
        self.calls.append(messages)
        if not self.script:
            raise AssertionError("the scripted chat model ran out of answers")
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item

    def _generate(self, messages: list[BaseMessage], stop: Sequence[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._next(messages)))])

    def _stream(self, messages: list[BaseMessage], stop: Sequence[str] | None = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        text = self._next(messages)
        words = text.split(" ")
        finished = False
        try:
            for i, word in enumerate(words):
                if self.delay:
                    time.sleep(self.delay)
                self.streamed += 1
                yield ChatGenerationChunk(message=AIMessageChunk(content=word if i == len(words) - 1 else word + " "))
            finished = True
        finally:
            if not finished:
                self.closed_early += 1


def scripted(*answers: Any, transient: tuple[type[BaseException], ...] = (ConnectionError,),
             delay: float = 0.0) -> LanguageModel:
    """A LanguageModel over a ScriptedChat; the same chat serves as the schema-constrained runnable."""
    chat = ScriptedChat(script=list(answers), delay=delay, calls=[])
    return LanguageModel(provider="fake", model="scripted", chat=chat, constrained=lambda schema: chat,
                         transient=transient, explain=lambda exc: f"fake failure: {exc}")


def generic(*answers: str) -> LanguageModel:
    """LangChain's own GenericFakeChatModel (streams token by token, whitespace kept)."""
    chat = GenericFakeChatModel(messages=iter([AIMessage(content=a) for a in answers]))
    return LanguageModel(provider="fake", model="generic", chat=chat, constrained=lambda schema: chat)


# The sources a scripted model sees, numbered in document order.
GLUTAMATE = "The most abundant of these is glutamate"  # [1]
ANTAGONIST = "Ketamine’s primary action is to act as an antagonist"  # [2]
BLOCKS = "This means it temporarily blocks the receptor"  # [3]
SURGE = "As ketamine’s effects fade, a subsequent surge"  # [4]
BDNF = "BDNF encourages the growth of new synapses"  # [5]
OPENINGS = [GLUTAMATE, ANTAGONIST, BLOCKS, SURGE, BDNF]
QUESTION = "What does ketamine do to glutamate signalling?"


def scored(tutor, openings: list[str]) -> list[ScoredSentence]:
    """The corpus sentences starting with each opening, best first in the given order."""
    out = []
    for rank, opening in enumerate(openings):
        found = [(c, i, s) for c in tutor.chunks for i, s in enumerate(c.sentences) if s.text.startswith(opening)]
        assert len(found) == 1, opening
        chunk, index, sentence = found[0]
        out.append(ScoredSentence(sentence=sentence, chunk=chunk, index=index, dense=0.5, lexical=0.5,
                                  score=1.0 - 0.01 * rank))
    return out


def context(tutor, openings=OPENINGS, question=QUESTION) -> AnswerContext:
    return AnswerContext(question=question, standalone_question=question, sentences=scored(tutor, openings),
                         max_sentences=4)
