"""The HTTP API (FastAPI): chat with SSE streaming, sessions, corpus, passages, an OpenAI-compatible
endpoint, health checks, and the web app under /ui. Run it with `tutor serve`."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import anyio
from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from tutor.api_deps import (
    ApiError,
    Principal,
    RateLimiter,
    error_body,
    error_response,
    error_responses,
    get_feedback,
    get_keys,
    get_settings,
    get_tutor,
    require_scope,
)
from tutor.config import Settings
from tutor.errors import BackendUnavailable, IndexMissing, InvalidQuestion, StoreUnavailable, TutorError
from tutor.feedback import MAX_COMMENT_CHARS, FeedbackStore
from tutor.keys import ApiKey, KeyStore
from tutor.lti import lti_router
from tutor.service import Tutor
from tutor.tutoring_api import tutoring_router
from tutor.types import Citation, Turn, TutorReply
from tutor.widget import widget_router
from tutor.xapi import install_xapi

log = logging.getLogger(__name__)

API_VERSION = "1.0.0"
SESSION_ID_PATTERN = r"^[A-Za-z0-9_.:\-]{1,128}$"
REPLY_ID_PATTERN = r"^[0-9a-f]{32}$"
PING = ": ping\n\n"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CHAT = require_scope("chat")
ADMIN = require_scope("admin")


# -- request and response models -------------------------------------------------------------

class ChatRequest(BaseModel):
    """One learner message; the reply is JSON, or SSE with `stream: true` / `Accept: text/event-stream`."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The learner's message (at most TUTOR_MAX_QUESTION_CHARS characters).")
    session_id: str | None = Field(
        None, pattern=SESSION_ID_PATTERN,
        description="Continue this conversation; omitted: a new session (its id is in the reply).",
    )
    stream: bool = Field(False, description="Stream Server-Sent Events instead of one JSON reply.")
    backend: str | None = Field(None, description="Compose with another available backend (see GET /v1/corpus).")


class ChatReply(TutorReply):
    """The TutorReply, plus the id a client rates it by (POST /v1/feedback)."""

    reply_id: str = Field(description="Names this reply in POST /v1/feedback (only the session's key may rate it).")


class FeedbackRequest(BaseModel):
    """A learner's rating of one reply: thumbs up, thumbs down, or null to withdraw it."""

    model_config = ConfigDict(extra="forbid")

    reply_id: str = Field(pattern=REPLY_ID_PATTERN, description="The `reply_id` of a /v1/chat reply.")
    rating: Literal["up", "down"] | None = Field(description="`up`, `down`, or null to withdraw the rating.")
    comment: str | None = Field(
        None, max_length=MAX_COMMENT_CHARS,
        description="Optional words from the learner; omitted or null: a comment stored earlier is kept. "
                    "Discarded when the rating is withdrawn.",
    )


class FeedbackView(BaseModel):
    """The rating now stored for a reply."""

    reply_id: str
    session_id: str
    rating: Literal["up", "down"] | None


class SessionView(BaseModel):
    """A conversation: its turns, oldest first."""

    session_id: str
    turns: list[Turn]


class SessionDeleted(BaseModel):
    """What an erase removed."""

    session_id: str
    deleted_turns: int


class SectionInfo(BaseModel):
    """A section of a document with its character range."""

    title: str
    start: int
    end: int


class DocumentInfo(BaseModel):
    """A corpus document without its text."""

    source: str
    title: str
    chars: int
    sha256: str
    sections: list[SectionInfo]
    chunk_ids: list[str]


class CorpusView(BaseModel):
    """The material the tutor teaches from."""

    documents: list[DocumentInfo]
    chunks: int
    topics: str = Field(description="One line naming the sections, as the tutor says it when declining.")
    backends: list[str] = Field(description="Backends a chat request may choose.")


class SentenceInfo(BaseModel):
    """A sentence of a passage, addressed by offsets into its document."""

    start: int
    end: int
    text: str


class PassageView(BaseModel):
    """A retrievable passage (chunk): `text == corpus/source[start:end]`."""

    chunk_id: str
    source: str
    section: str
    start: int
    end: int
    text: str
    sentences: list[SentenceInfo]


class Health(BaseModel):
    """Liveness."""

    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    """Readiness: the index is loaded and the store answers."""

    status: Literal["ready"] = "ready"
    chunks: int
    store: str


class ContentPart(BaseModel):
    """One part of a multi-part OpenAI message; only text parts are read."""

    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    """An OpenAI chat message."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        """The message's text (text parts joined)."""
        if isinstance(self.content, list):
            return "\n".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """The OpenAI chat-completions request; unknown OpenAI options are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = Field("tutor", description="`tutor`, or `tutor-<backend>` to choose a backend; others mean `tutor`.")
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


class CompletionMessage(BaseModel):
    """The assistant's message."""

    role: Literal["assistant"] = "assistant"
    content: str


class CompletionChoice(BaseModel):
    """The one choice of a completion."""

    index: int = 0
    message: CompletionMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    """Approximate token counts (words), for clients that expect the field."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    """An OpenAI `chat.completion`, plus the tutor's citations and reply kind."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[CompletionChoice]
    usage: Usage
    citations: list[Citation] = Field(description="The cited spans (also listed at the end of the content).")
    tutor_reply: TutorReply = Field(description="The full reply, as POST /v1/chat returns it.")


class ModelInfo(BaseModel):
    """An OpenAI model entry."""

    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "tutor"


class ModelList(BaseModel):
    """OpenAI `GET /v1/models`."""

    object: Literal["list"] = "list"
    data: list[ModelInfo]


# -- helpers -----------------------------------------------------------------------------------

def check_question(question: str, settings: Settings) -> str:
    """The question without control characters; raises ApiError when empty or too long."""
    cleaned = _CONTROL.sub(" ", question).strip()
    if not cleaned:
        raise ApiError(422, "question_empty", "The question is empty; ask something about the material.")
    if len(cleaned) > settings.max_question_chars:
        raise ApiError(422, "question_too_long",
                       f"The question is {len(cleaned):,} characters long; the limit is {settings.max_question_chars:,}.")
    return cleaned


def api_error_for(exc: TutorError) -> ApiError:
    """The HTTP form of a domain error."""
    if isinstance(exc, InvalidQuestion):
        return ApiError(422, "invalid_question", str(exc))
    if isinstance(exc, StoreUnavailable):
        return ApiError(503, "store_unavailable", str(exc))
    if isinstance(exc, IndexMissing):
        return ApiError(503, "index_missing", str(exc))
    if isinstance(exc, BackendUnavailable):
        return ApiError(503, "backend_unavailable", str(exc))
    return ApiError(500, "tutor_error", str(exc))


def check_session(request: Request, principal: Principal, session_id: str, create: bool = False) -> None:
    """Raise 404 unless the principal may use the session; with `create`, a new session becomes the caller's."""
    keys: KeyStore = get_keys(request)
    tutor: Tutor = get_tutor(request)
    owner = keys.owner(session_id)
    if owner is None and create and not tutor.sessions.history(session_id, 1):
        owner = keys.claim(session_id, principal.key_id)
    if principal.is_admin:
        if owner is None and not tutor.sessions.history(session_id, 1):
            raise ApiError(404, "session_not_found", "No such session.")
        return
    # The same answer for "someone else's" and "does not exist": ids must not be probed.
    if owner != principal.key_id:
        raise ApiError(404, "session_not_found", "No such session.")


def check_backend(tutor: Tutor, backend: str | None) -> None:
    """Raise 422 when a request names a backend the tutor does not offer."""
    if backend is not None and backend not in tutor.available_backends():
        raise ApiError(422, "unknown_backend",
                       f"Unknown backend {backend!r}; available: {', '.join(tutor.available_backends())}.")


def sse(event: str, data: Any) -> str:
    """One Server-Sent Event with a JSON payload."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n"


def workers(request: Request) -> anyio.CapacityLimiter:
    """The app's limit on answers computed at once (TUTOR_API_WORKERS worker threads)."""
    limiter = getattr(request.app.state, "workers", None)
    if limiter is None:  # no lifespan ran (e.g. a TestClient used without `with`): make it now, in this loop
        limiter = request.app.state.workers = anyio.CapacityLimiter(get_settings(request).api_workers)
    return limiter


async def start_stream(tutor: Tutor, question: str, session_id: str, backend: str | None,
                       limiter: anyio.CapacityLimiter) -> tuple[Iterator[str | TutorReply], str | TutorReply | None]:
    """Start Tutor.stream in a worker thread and take its first item, so early errors become HTTP statuses."""
    pieces = tutor.stream(question, session_id, backend)
    try:
        first = await anyio.to_thread.run_sync(next, pieces, None, limiter=limiter)
    except TutorError as exc:
        raise api_error_for(exc) from exc
    return pieces, first


async def final_reply(pieces: Iterator[str | TutorReply], first: str | TutorReply | None,
                      limiter: anyio.CapacityLimiter) -> TutorReply:
    """Run the rest of the stream and return its TutorReply; domain errors become API errors."""
    reply = None
    try:
        async for item in rest_of(pieces, first, limiter):
            if isinstance(item, TutorReply):
                reply = item
    except TutorError as exc:
        raise api_error_for(exc) from exc
    assert reply is not None, "the tutor's stream ended without a reply"
    return reply


async def rest_of(pieces: Iterator[str | TutorReply], first: str | TutorReply | None,
                  limiter: anyio.CapacityLimiter) -> AsyncIterator[str | TutorReply]:
    """The first item, then the rest of the stream, each produced in a worker thread (CPU-bound)."""
    item = first
    while item is not None:
        yield item
        item = await anyio.to_thread.run_sync(next, pieces, None, limiter=limiter)


async def with_pings(events: AsyncIterator[str], every: float) -> AsyncIterator[str]:
    """The events, after a `: ping` comment that starts the response at once and another after each
    `every` seconds of silence, so clients and proxies see a live connection while an answer is slow."""
    yield PING
    source = aiter(events)
    pending = asyncio.ensure_future(anext(source))
    try:
        while True:
            # asyncio.wait leaves the pending event running when it times out: nothing is lost or reordered.
            done, _ = await asyncio.wait({pending}, timeout=every)
            if not done:
                yield PING
                continue
            try:
                event = pending.result()
            except StopAsyncIteration:
                return
            yield event
            pending = asyncio.ensure_future(anext(source))
    finally:
        if not pending.done():  # the client went away: stop waiting for the answer
            pending.cancel()


async def save_reply(request: Request, reply: TutorReply) -> ChatReply:
    """Record a chat reply in the feedback store, so its learner can rate it; returns it with its id."""
    key = await run_in_threadpool(get_feedback(request).save_reply, reply)
    return ChatReply.model_validate({**reply.model_dump(), "reply_id": key})


def stream_error(exc: Exception) -> dict[str, Any]:
    """The error payload of an `error` event."""
    if isinstance(exc, TutorError):
        err = api_error_for(exc)
        return error_body(err.code, err.message)
    log.exception("error while streaming a reply")
    return error_body("internal_error", "The reply could not be completed.")


def sources_text(citations: list[Citation]) -> str:
    """The citations as plain text appended to an OpenAI-compatible answer."""
    if not citations:
        return ""
    lines = [f"[{c.marker}] {c.section} — {c.source}:{c.start}-{c.end}: “{c.text}”" for c in citations]
    return "\n\nSources:\n" + "\n".join(lines)


def _words(text: str) -> int:
    return len(text.split())


# -- the routers -------------------------------------------------------------------------------

SSE_DOC = {
    "description": "The reply (JSON), or with `stream`/`Accept: text/event-stream` Server-Sent Events: "
                   "`delta` {text}…, `citations` {citations}, `reply` (the reply with its `reply_id`, as in JSON); "
                   "`error` {error} on failure; `: ping` comments while the answer is being prepared.",
    "content": {"text/event-stream": {"schema": {"type": "string"}}},
}


def core_router(settings: Settings) -> APIRouter:
    """Chat, sessions, corpus and passages under /v1."""
    router = APIRouter(prefix="/v1")

    @router.post("/chat", response_model=ChatReply, tags=["chat"],
                 responses={200: SSE_DOC, **error_responses(400, 401, 403, 404, 413, 422, 429, 503)})
    async def chat(body: ChatRequest, request: Request, principal: Principal = Depends(CHAT)) -> Any:
        """Ask one question in a session; JSON reply, or SSE events (delta…, citations, reply)."""
        tutor = get_tutor(request)
        question = check_question(body.question, get_settings(request))
        check_backend(tutor, body.backend)
        session_id = body.session_id or uuid.uuid4().hex
        # Everything a request can get wrong is checked here (key, scope, origin and rate limit by the
        # dependency), so those errors are HTTP statuses even for a stream, which starts right after.
        await run_in_threadpool(check_session, request, principal, session_id, True)
        if body.stream or "text/event-stream" in request.headers.get("accept", ""):
            events = _chat_events(request, tutor.stream(question, session_id, body.backend), workers(request))
            return StreamingResponse(with_pings(events, get_settings(request).api_sse_ping_seconds),
                                     media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        pieces, first = await start_stream(tutor, question, session_id, body.backend, workers(request))
        return await save_reply(request, await final_reply(pieces, first, workers(request)))

    @router.post("/feedback", response_model=FeedbackView, tags=["chat"],
                 responses=error_responses(400, 401, 403, 404, 413, 422, 429))
    def feedback(body: FeedbackRequest, request: Request, principal: Principal = Depends(CHAT)) -> FeedbackView:
        """Rate a reply (thumbs up or down, optional comment) or withdraw the rating; only the session's key may."""
        store = get_feedback(request)
        reply = store.reply(body.reply_id)
        # Admins too: a rating is the learner's word, and ids of other keys' replies must not be probed.
        if reply is None or get_keys(request).owner(reply.session_id) != principal.key_id:
            raise ApiError(404, "reply_not_found", "No reply with that id in this key's sessions.")
        comment = None if body.comment is None else _CONTROL.sub(" ", body.comment).strip()
        store.rate(body.reply_id, body.rating, comment)
        recorder = getattr(request.app.state, "xapi", None)
        if recorder is not None and body.rating is not None:
            recorder.rated(reply.session_id, body.rating, comment or "", question=reply.question,
                           answer=reply.answer, principal=principal.key_id)
        return FeedbackView(reply_id=body.reply_id, session_id=reply.session_id, rating=store.rating(body.reply_id))

    @router.get("/sessions/{session_id}", response_model=SessionView, tags=["sessions"],
                responses=error_responses(401, 403, 404, 429))
    def get_session(request: Request, session_id: str = Path(pattern=SESSION_ID_PATTERN),
                    principal: Principal = Depends(CHAT)) -> SessionView:
        """The turns of a conversation (your own; admin: any)."""
        check_session(request, principal, session_id)
        return SessionView(session_id=session_id, turns=get_tutor(request).sessions.history(session_id))

    @router.delete("/sessions/{session_id}", response_model=SessionDeleted, tags=["sessions"],
                   responses=error_responses(401, 403, 404, 429))
    def delete_session(request: Request, session_id: str = Path(pattern=SESSION_ID_PATTERN),
                       principal: Principal = Depends(CHAT)) -> SessionDeleted:
        """Erase a conversation (your own; admin: any)."""
        check_session(request, principal, session_id)
        deleted = get_tutor(request).sessions.delete(session_id)
        get_feedback(request).forget_session(session_id)  # erased means erased: its recorded replies too
        get_keys(request).release(session_id)
        return SessionDeleted(session_id=session_id, deleted_turns=deleted)

    @router.get("/corpus", response_model=CorpusView, tags=["material"], responses=error_responses(401, 403, 429))
    def corpus(request: Request, principal: Principal = Depends(CHAT)) -> CorpusView:
        """The documents and sections of the material."""
        tutor = get_tutor(request)
        by_source: dict[str, list[str]] = {}
        for c in tutor.chunks:
            by_source.setdefault(c.source, []).append(c.chunk_id)
        docs = [DocumentInfo(source=d.source, title=d.title, chars=len(d.text), sha256=d.sha256,
                             sections=[SectionInfo(title=s.title, start=s.start, end=s.end) for s in d.sections],
                             chunk_ids=by_source.get(d.source, []))
                for d in tutor.corpus.documents]
        return CorpusView(documents=docs, chunks=len(tutor.chunks), topics=tutor.covered_topics(),
                          backends=tutor.available_backends())

    @router.get("/passages/{chunk_id:path}", response_model=PassageView, tags=["material"],
                responses=error_responses(401, 403, 404, 429))
    def passage(chunk_id: str, request: Request, principal: Principal = Depends(CHAT)) -> PassageView:
        """One passage by chunk id (as in a citation's `chunk_id`; URL-encode `#` as %23)."""
        chunk = request.app.state.chunks_by_id.get(chunk_id)
        if chunk is None:
            raise ApiError(404, "passage_not_found", "No passage has that id.")
        return PassageView(chunk_id=chunk.chunk_id, source=chunk.source, section=chunk.section, start=chunk.start,
                           end=chunk.end, text=chunk.text,
                           sentences=[SentenceInfo(start=s.start, end=s.end, text=s.text) for s in chunk.sentences])

    @router.get("/keys", response_model=list[ApiKey], tags=["admin"], responses=error_responses(401, 403, 429))
    def list_keys(request: Request, principal: Principal = Depends(ADMIN)) -> list[ApiKey]:
        """Every API key (never the secrets). Admin scope."""
        return get_keys(request).list()

    @router.delete("/keys/{key_id}", response_model=ApiKey, tags=["admin"], responses=error_responses(401, 403, 404, 429))
    def revoke_key(key_id: str, request: Request, principal: Principal = Depends(ADMIN)) -> ApiKey:
        """Revoke an API key. Admin scope."""
        keys = get_keys(request)
        if not keys.revoke(key_id):
            raise ApiError(404, "key_not_found", "No active key has that id.")
        return next(k for k in keys.list() if k.key_id == key_id)

    return router


async def _chat_events(request: Request, pieces: Iterator[str | TutorReply],
                       limiter: anyio.CapacityLimiter) -> AsyncIterator[str]:
    reply: TutorReply | None = None
    try:
        first = await anyio.to_thread.run_sync(next, pieces, None, limiter=limiter)
        async for item in rest_of(pieces, first, limiter):
            if isinstance(item, TutorReply):
                reply = item
            elif item:
                yield sse("delta", {"text": item})
        assert reply is not None, "the tutor's stream ended without a reply"
        saved = await save_reply(request, reply)
        yield sse("citations", {"citations": [c.model_dump(mode="json") for c in reply.citations]})
        yield sse("reply", saved.model_dump(mode="json"))
    except Exception as exc:  # the status line is already sent: report the error as an event
        yield sse("error", stream_error(exc))


def openai_router(settings: Settings) -> APIRouter:
    """OpenAI-compatible chat completions and model list under /v1."""
    router = APIRouter(prefix="/v1", tags=["openai"])

    @router.get("/models", response_model=ModelList, responses=error_responses(401, 403, 429))
    def models(request: Request, principal: Principal = Depends(CHAT)) -> ModelList:
        """The model ids /v1/chat/completions accepts."""
        backends = get_tutor(request).available_backends()
        return ModelList(data=[ModelInfo(id="tutor")] + [ModelInfo(id=f"tutor-{b}") for b in backends])

    @router.post("/chat/completions", response_model=ChatCompletion,
                 responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}},
                                  "description": "A chat.completion, or chat.completion.chunk events ending with [DONE]."},
                            **error_responses(400, 401, 403, 413, 422, 429, 503)})
    async def chat_completions(body: ChatCompletionRequest, request: Request,
                               principal: Principal = Depends(CHAT)) -> Any:
        """OpenAI-compatible: the last user message is the question, earlier messages its context."""
        tutor = get_tutor(request)
        settings = get_settings(request)
        if len(body.messages) > settings.api_max_messages:
            raise ApiError(422, "history_too_long",
                           f"{len(body.messages)} messages sent; the limit is {settings.api_max_messages}.")
        users = [i for i, m in enumerate(body.messages) if m.role == "user"]
        if not users:
            raise ApiError(422, "no_user_message", "The messages hold no user message to answer.")
        question = check_question(body.messages[users[-1]].text(), settings)
        backend = body.model[len("tutor-"):] if body.model.startswith("tutor-") else None
        check_backend(tutor, backend)
        # OpenAI clients resend the conversation each time: it becomes a throwaway session.
        session_id = f"oai-{uuid.uuid4().hex}"
        await run_in_threadpool(_seed_session, tutor, session_id, body.messages[:users[-1]])
        completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if body.stream:  # like /v1/chat: starts at once, keep-alive comments while the answer is prepared
            chunks = _completion_chunks(tutor, session_id, tutor.stream(question, session_id, backend),
                                        completion_id, created, body.model, workers(request))
            return StreamingResponse(with_pings(chunks, settings.api_sse_ping_seconds), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        try:
            pieces, first = await start_stream(tutor, question, session_id, backend, workers(request))
        except ApiError:
            await run_in_threadpool(tutor.sessions.delete, session_id)
            raise
        try:
            reply = await final_reply(pieces, first, workers(request))
        finally:
            await run_in_threadpool(tutor.sessions.delete, session_id)
        content = reply.answer + sources_text(reply.citations)
        prompt = sum(_words(m.text()) for m in body.messages)
        return ChatCompletion(id=completion_id, created=created, model=body.model,
                              choices=[CompletionChoice(message=CompletionMessage(content=content))],
                              usage=Usage(prompt_tokens=prompt, completion_tokens=_words(content),
                                          total_tokens=prompt + _words(content)),
                              citations=reply.citations, tutor_reply=reply)

    return router


def _seed_session(tutor: Tutor, session_id: str, messages: list[ChatMessage]) -> None:
    """Store earlier user/assistant pairs as turns, so follow-ups are understood."""
    turns: list[Turn] = []
    for m in messages:
        if m.role == "user" and m.text().strip():
            turns.append(Turn(question=m.text(), standalone_question=m.text(), reply_kind="answer", answer=""))
        elif m.role == "assistant" and turns and not turns[-1].answer:
            turns[-1] = turns[-1].model_copy(update={"answer": m.text()})
    for turn in turns[-max(tutor.settings.history_turns, 1):]:
        tutor.sessions.append(session_id, turn)


async def _completion_chunks(tutor: Tutor, session_id: str, pieces: Iterator[str | TutorReply],
                             completion_id: str, created: int, model: str,
                             limiter: anyio.CapacityLimiter) -> AsyncIterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False, separators=(',', ':'))}\n\n"

    try:
        yield chunk({"role": "assistant", "content": ""})
        reply: TutorReply | None = None
        first = await anyio.to_thread.run_sync(next, pieces, None, limiter=limiter)
        async for item in rest_of(pieces, first, limiter):
            if isinstance(item, TutorReply):
                reply = item
            elif item:
                yield chunk({"content": item})
        assert reply is not None, "the tutor's stream ended without a reply"
        if reply.citations:
            yield chunk({"content": sources_text(reply.citations)})
        yield chunk({}, "stop", citations=[c.model_dump(mode="json") for c in reply.citations],
                    tutor_reply=reply.model_dump(mode="json"))
    except Exception as exc:  # headers are sent: OpenAI clients read an `error` object in the stream
        yield f"data: {json.dumps(stream_error(exc))}\n\n"
    finally:
        await run_in_threadpool(tutor.sessions.delete, session_id)
    yield "data: [DONE]\n\n"


def health_router() -> APIRouter:
    """Liveness and readiness probes (no key needed)."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz", response_model=Health)
    def healthz() -> Health:
        """The process is up."""
        return Health()

    @router.get("/readyz", response_model=Readiness, responses=error_responses(503))
    def readyz(request: Request) -> Readiness:
        """The index is loaded and the vector store answers (503 with a code otherwise)."""
        tutor = get_tutor(request)
        try:
            stored = tutor.store.chunk_ids()
        except TutorError as exc:
            raise api_error_for(exc) from exc
        except Exception as exc:  # a store that fails in an unforeseen way is still "not ready"
            raise ApiError(503, "store_unavailable", f"The vector store failed: {type(exc).__name__}") from exc
        missing = len({c.chunk_id for c in tutor.chunks} - stored)
        if not tutor.chunks or missing:
            raise ApiError(503, "index_incomplete", f"The index lacks {missing} of {len(tutor.chunks)} passages.")
        return Readiness(chunks=len(tutor.chunks), store=getattr(tutor.store, "location", ""))

    return router


# -- errors --------------------------------------------------------------------------------------

_HTTP_CODES = {400: "bad_request", 401: "auth_required", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "body_too_large", 415: "unsupported_media_type",
               429: "rate_limited"}


def install_error_handlers(app: FastAPI) -> None:
    """Every error becomes `{"error": {"code", "message"}}`."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(TutorError)
    async def _tutor_error(request: Request, exc: TutorError) -> JSONResponse:
        err = api_error_for(exc)
        return error_response(err.status, err.code, err.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "malformed_json", "The request body is not valid JSON.")
        first = errors[0] if errors else {}
        loc = [str(p) for p in first.get("loc", ()) if p != "body"]
        if loc[-1:] == ["messages"] and first.get("type") == "too_short":
            return error_response(422, "no_user_message", "The messages list is empty.")
        where = ".".join(loc) or "body"
        return error_response(422, "invalid_request", f"{where}: {first.get('msg', 'invalid value')}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 413:
            message = f"The request body is larger than {request.app.state.settings.api_max_body_bytes:,} bytes."
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return error_response(500, "internal_error", "Something went wrong on the server.")


class BodyTooLarge(StarletteHTTPException):
    """A request body over the limit (raised while it is being read)."""

    def __init__(self) -> None:
        super().__init__(413)


class BodyLimit:
    """ASGI middleware: refuse request bodies over `limit` bytes under `prefix`, by header and while reading."""

    def __init__(self, app: Any, limit: int, prefix: str = "/v1"):
        self.app = app
        self.limit = limit
        self.prefix = prefix

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:  # chunked bodies carry no length header: count as they arrive
                    raise BodyTooLarge()
            return message

        async def tracked_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: dict, receive: Any, send: Any) -> None:
        response = error_response(413, "body_too_large", f"The request body is larger than {self.limit:,} bytes.",
                                  {"Connection": "close"})
        await response(scope, receive, send)


# -- the app ---------------------------------------------------------------------------------------

def build_app(settings: Settings) -> FastAPI:
    """The API's routes, middleware and error handlers, without a tutor (enough for the OpenAPI document)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.workers = anyio.CapacityLimiter(settings.api_workers)  # bound to this server's event loop
        yield
        for close in reversed(getattr(app.state, "closers", [])):
            close()

    app = FastAPI(title="Tutor API", version=API_VERSION, lifespan=lifespan,
                  description="A grounded tutor: every answer quotes the passages it rests on. "
                              "Authenticate with `Authorization: Bearer <key>` (`tutor keys create`). See docs/api.md.")
    app.state.settings = settings
    app.state.closers = []
    install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=settings.api_max_body_bytes)
    if settings.api_cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.api_cors_origins, allow_credentials=False,
                           allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type", "Accept", "Last-Event-ID"],
                           expose_headers=["Retry-After"], max_age=600)

    app.include_router(health_router())
    app.include_router(core_router(settings))
    app.include_router(openai_router(settings))

    # --- optional routers: one line each (widget, LTI 1.3, xAPI of #7; tutoring of #8) ---------------
    # A router factory takes only `settings` (the OpenAPI document is built without a tutor); handlers get
    # the tutor with `Depends(get_tutor)` and the caller with `Depends(require_scope(...))` from tutor.api_deps,
    # never by importing this module. Regenerate docs/openapi.json afterwards (see docs/api.md).
    # e.g. app.include_router(lti_router(settings))
    app.include_router(widget_router())  # #7: the widget script under /static and the /embed iframe page
    app.include_router(lti_router(settings))  # #7: LTI 1.3 tool under /lti (404 page until platforms are configured)
    install_xapi(app, settings)  # #7: xAPI statements of chat turns, when TUTOR_XAPI_ENDPOINT is set
    app.include_router(tutoring_router(settings))  # #8: quizzes, answers, progress and lessons (tutor/tutoring_api.py)
    # --- end of optional routers ------------------------------------------------------------------
    return app


def create_app(tutor: Tutor, settings: Settings | None = None, *, ui: bool | None = None) -> FastAPI:
    """The API app around a loaded Tutor; `ui` (default: TUTOR_API_MOUNT_UI) mounts the web app at /ui."""
    settings = settings or tutor.settings
    app = build_app(settings)
    keys = KeyStore(settings.api_keys_path)
    feedback = FeedbackStore.open(settings.data_dir)
    app.state.tutor = tutor
    app.state.keys = keys
    app.state.feedback = feedback
    app.state.limiter = RateLimiter(settings.api_rate_limit, settings.api_rate_burst)
    app.state.chunks_by_id = {c.chunk_id: c for c in tutor.chunks}
    app.state.closers.extend([keys.close, feedback.close])
    if app.state.xapi is not None:  # quizzes from every front end of this tutor (API, chat commands, /ui)
        tutor.tutoring.add_observer(app.state.xapi)
        app.state.closers.append(lambda: tutor.tutoring.remove_observer(app.state.xapi))  # runs before its close
    if settings.api_mount_ui if ui is None else ui:
        import gradio as gr

        from tutor.ui import build_app as build_ui
        from tutor.ui import launch_options

        demo = build_ui(tutor, feedback)  # one store: ratings from the web app and the API end up together
        gr.mount_gradio_app(app, demo, path="/ui", ssr_mode=False, show_error=False, footer_links=[],
                            **launch_options())
    return app


def openapi_json(settings: Settings | None = None) -> str:
    """The OpenAPI document, as checked into docs/openapi.json (`tutor serve --print-openapi`)."""
    return json.dumps(build_app(settings or Settings()).openapi(), indent=2, ensure_ascii=False) + "\n"
