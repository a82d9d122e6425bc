"""The tutoring controls in headless Chromium: start a quiz, answer it, see feedback with the passage, see progress,
and Socratic mode from its toggle."""

from __future__ import annotations

import time

import pytest

from tests.conftest import CORPUS
from tests.test_ui_browser import (  # noqa: F401  (fixtures)
    BOT,
    ask,
    browser,
    chip_citation,
    chromium,
    free_port,
    last_bot,
    panel_shows,
    shot,
)
from tutor.feedback import FeedbackStore
from tutor.ui import build_app, launch

pytestmark = pytest.mark.filterwarnings("ignore:.*(no_silent_downcasting|copy keyword).*")


@pytest.fixture
def app(make_tutor, tmp_path):
    tutor = make_tutor(CORPUS, tmp_path / "data")
    tutor.tutoring.lessons()  # the question bank is built once, before the page asks for it
    store = FeedbackStore.open(tmp_path)
    demo = build_app(tutor, store)
    url = launch(demo, "127.0.0.1", free_port())
    yield url, tutor, store
    demo.close()
    store.close()


def wait_for_reply(page, count: int, text: str = "", timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = last_bot(page)
        if state and state["count"] == count and not state["streaming"] and text in state["text"]:
            return state
        time.sleep(0.1)
    raise AssertionError(f"no reply #{count} containing {text!r} within {timeout}s; saw {state}")


def test_quiz_answer_feedback_passage_and_progress(app, browser):
    url, tutor, store = app
    source_text = tutor.sources["ketamine-and-the-brain.md"]
    page = browser(viewport={"width": 1280, "height": 1000}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#quiz-me")
    page.get_by_role("button", name="Quiz me").click()
    first = wait_for_reply(page, 1, "Question 1 of")
    assert first["chips"] == 0  # nothing cited before the learner answers
    shot(page, "quiz-01-question")

    # Answer: an option chip for a choice item, else a sentence typed in the box.
    options = page.locator(f"{BOT} >> nth=-1").locator("button.ask-chip")
    if options.count():
        options.first.click()
    else:
        ask(page, "It is a sense of detachment from one's thoughts and body.")
    feedback = wait_for_reply(page, 2, "Question 2 of")
    assert feedback["text"].lstrip()[0] in "✓◐✗" and feedback["chips"] >= 1
    page.click(f"{BOT} >> nth=-1 >> button.cite-chip >> nth=0")
    _, cite = chip_citation(page, store, f"{BOT} >> nth=-1 >> button.cite-chip >> nth=0")
    panel_shows(page, cite, source_text)
    assert cite.text in feedback["text"]  # the feedback quotes the passage it cites
    shot(page, "quiz-02-feedback")

    page.get_by_role("tab", name="Progress").click()
    page.wait_for_function("() => (document.querySelector('#progress-view') || {}).innerText?.includes('Mastered')",
                           timeout=30_000)
    progress = page.inner_text("#progress-view")
    assert "Study next" in progress and ("1/1 right" in progress or "0/1 right" in progress)
    shot(page, "quiz-03-progress")
    assert not errors


def test_socratic_toggle_holds_the_answer_back(app, browser):
    url, tutor, store = app
    page = browser(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(url)
    page.wait_for_selector("#socratic input[type=checkbox]")
    page.check("#socratic input[type=checkbox]")
    page.wait_for_function("() => document.querySelector('#status')?.innerText.includes('Socratic mode on')",
                           timeout=15_000)
    ask(page, "What does ketamine block?")
    guide = wait_for_reply(page, 1, "Hint")
    assert guide["chips"] == 0
    ask(page, "show me the answer")
    shown = wait_for_reply(page, 2, "NMDA")
    assert shown["chips"] >= 1
    shot(page, "socratic-01-answer")
