"""HTTP endpoints of the tutoring layer: quizzes with graded answers, progress per learner, the lesson map.

`tutoring_router(settings)` is included by `tutor.api.create_app`. Learners are named by the platform
(`learner`, e.g. its user id) and kept apart per API key: a key only sees its own learners and quizzes.
When an LRS is configured, starting a quiz sends `attempted` and finishing it `scored` and `completed`.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tutor.api_deps import ApiError, Principal, error_responses, get_tutor, require_scope
from tutor.config import Settings
from tutor.grading import Grade
from tutor.lessons import LessonMap
from tutor.mastery import ObjectiveMastery
from tutor.quiz import QuizItem
from tutor.tutoring import Progress, TutoringError
from tutor.types import Citation

log = logging.getLogger(__name__)

CHAT = require_scope("chat")
LEARNER_PATTERN = r"^[A-Za-z0-9_.:@\-]{1,128}$"
QUIZ_ID_PATTERN = r"^[A-Za-z0-9_\-]{1,80}$"


class QuizRequest(BaseModel):
    """Start a quiz."""

    scope: str = Field("all", max_length=200, description="'all', or words naming a section (e.g. 'dissociation').")
    questions: int | None = Field(None, ge=1, le=30, description="How many questions (default: TUTOR_QUIZ_QUESTIONS).")
    learner: str | None = Field(None, pattern=LEARNER_PATTERN,
                                description="The platform's id for the learner (default: one learner per API key).")


class ItemView(BaseModel):
    """A quiz item as the learner sees it: no answer key."""

    item_id: str
    kind: str
    section: str
    objective_id: str | None
    question: str
    options: list[str]


class QuizView(BaseModel):
    """A started quiz."""

    quiz_id: str
    scope: str
    learner: str
    items: list[ItemView]


class AnswerRequest(BaseModel):
    """A learner's answer."""

    answer: str = Field(max_length=4000, description="Free text, an option (its text or letter), or true/false.")
    item_id: str | None = Field(None, max_length=80, description="The item answered (default: the next unanswered).")


class AnswerView(BaseModel):
    """The grade of an answer, the right answer and the passage that proves it, and what comes next."""

    quiz_id: str
    item_id: str
    grade: Grade
    answer_key: str = Field(description="The right option, True/False, or the passage text (short answer).")
    citations: list[Citation]
    mastery: ObjectiveMastery | None
    next_item: ItemView | None
    finished: bool
    score: float
    answered: int


def view(item: QuizItem) -> ItemView:
    """The learner-facing part of an item."""
    return ItemView(item_id=item.item_id, kind=item.kind, section=item.section, objective_id=item.objective_id,
                    question=item.question, options=item.options)


def _learner(principal: Principal, learner: str | None) -> str:
    """The stored learner id: namespaced by API key, so keys never see each other's learners."""
    return f"{principal.key_id}:{learner or 'default'}"


def _public(learner: str) -> str:
    return learner.split(":", 1)[1] if ":" in learner else learner


def tutoring_router(settings: Settings | None = None) -> APIRouter:
    """Quizzes, answers, progress and lessons under /v1."""
    router = APIRouter(prefix="/v1", tags=["tutoring"])

    @router.get("/lessons", response_model=LessonMap, responses=error_responses(401, 403, 429))
    async def lessons(request: Request, principal: Principal = Depends(CHAT)) -> LessonMap:
        """The lesson map: learning objectives per section, each with the exact passages that teach it."""
        tutor = get_tutor(request)
        return await run_in_threadpool(lambda: tutor.tutoring.lessons())

    @router.post("/quiz", response_model=QuizView, responses=error_responses(401, 403, 422, 429))
    async def start_quiz(body: QuizRequest, request: Request, principal: Principal = Depends(CHAT)) -> QuizView:
        """Start a quiz on everything or one section; least-mastered objectives come first."""
        tutor = get_tutor(request)
        learner = _learner(principal, body.learner)
        quiz = await run_in_threadpool(tutor.tutoring.start_quiz, learner, body.scope or "all", body.questions)
        return QuizView(quiz_id=quiz.quiz_id, scope=quiz.scope, learner=_public(learner),
                        items=[view(i) for i in quiz.items])

    @router.post("/quiz/{quiz_id}/answer", response_model=AnswerView,
                 responses=error_responses(401, 403, 404, 409, 422, 429))
    async def answer(body: AnswerRequest, request: Request, quiz_id: str = Path(pattern=QUIZ_ID_PATTERN),
                     principal: Principal = Depends(CHAT)) -> AnswerView:
        """Grade an answer (correct / partly / incorrect) with feedback quoting the passage; updates mastery."""
        tutoring = get_tutor(request).tutoring

        def run():
            try:
                quiz, learner = tutoring.quiz(quiz_id)
            except TutoringError as exc:
                raise ApiError(404, "quiz_not_found", str(exc)) from exc
            if not learner.startswith(f"{principal.key_id}:") and not principal.is_admin:
                raise ApiError(404, "quiz_not_found", f"No quiz {quiz_id!r}.")  # not telling whose it is
            if body.item_id is not None and all(i.item_id != body.item_id for i in quiz.items):
                raise ApiError(404, "item_not_found", f"Quiz {quiz_id!r} has no item {body.item_id!r}.")
            try:
                result = tutoring.answer(quiz_id, body.item_id, body.answer)
            except TutoringError as exc:
                raise ApiError(409, "quiz_finished", str(exc)) from exc
            return quiz, learner, result

        quiz, learner, result = await run_in_threadpool(run)
        item = next(i for i in quiz.items if i.item_id == result.item_id)
        return AnswerView(quiz_id=quiz_id, item_id=item.item_id, grade=result.grade, answer_key=item.answer,
                          citations=item.citations, mastery=result.mastery,
                          next_item=view(result.next_item) if result.next_item else None,
                          finished=result.finished, score=result.score, answered=result.answered)

    @router.get("/progress", response_model=Progress, responses=error_responses(401, 403, 422, 429))
    async def progress(request: Request, learner: str | None = Query(None, pattern=LEARNER_PATTERN),
                       principal: Principal = Depends(CHAT)) -> Progress:
        """Mastery (Bayesian Knowledge Tracing) of every objective for a learner, and what to study next."""
        tutoring = get_tutor(request).tutoring
        stored = _learner(principal, learner)
        result = await run_in_threadpool(tutoring.progress, stored)
        return result.model_copy(update={"learner": _public(stored)})

    return router
