"""The web app end to end in headless Chromium (Debian's, driven by Playwright): ask, stream, cite, reload, fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPO
from tests.live_server import free_port
from tutor.feedback import FeedbackStore
from tutor.ui import build_app, launch

# Gradio's queue trips pandas deprecation notices; they are Gradio's to fix, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:.*(no_silent_downcasting|copy keyword).*")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts" / "ui"
# Set TUTOR_UPDATE_SCREENSHOTS=1 to refresh the README's screenshots from these tests.
README_SHOTS = REPO / "docs" / "screenshots"
BOT = '[data-testid="bot"]'
USER = '[data-testid="user"]'


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's Chromium; installed by scripts/ensure-browser.sh when missing and installable."""
    if not CHROMIUM.exists():
        done = subprocess.run([str(REPO / "scripts" / "ensure-browser.sh")], capture_output=True, text=True)
        if not CHROMIUM.exists():
            pytest.skip(f"{CHROMIUM} is missing and could not be installed: {done.stderr.strip()}")
    return CHROMIUM


@pytest.fixture
def browser(chromium, tmp_path) -> Iterator:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        # A persistent context in a fresh user-data dir: nothing from another run leaks in.
        context_dir = tmp_path / "chromium-profile"
        launched = []

        def new_context(**options):
            ctx = p.chromium.launch_persistent_context(
                str(context_dir / str(len(launched))), executable_path=str(chromium), args=ARGS, **options)
            launched.append(ctx)
            return ctx

        yield new_context
        for ctx in launched:
            ctx.close()


class PacedBackend:
    """The tutor's own backend, slowed so streaming is visible, and switchable to fail like a dead model server."""

    def __init__(self, inner, delay: float = 0.3):
        self.inner, self.delay, self.fail = inner, delay, False
        self.name = inner.name

    def compose(self, context):
        return self.inner.compose(context)

    def stream(self, context):
        if self.fail:
            raise ConnectionError("model server unreachable")
        for piece in self.inner.stream(context):
            yield piece
            if isinstance(piece, str):
                time.sleep(self.delay)



@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    """One data directory for the module's tutors, so the index is built once."""
    return tmp_path_factory.mktemp("ui-data")


@pytest.fixture
def app(make_tutor, index_dir, tmp_path):
    """The app on a free loopback port over a real Tutor (conftest), with a paced backend."""
    tutor = make_tutor(CORPUS, index_dir)
    tutor.backend = PacedBackend(tutor.backend)
    store = FeedbackStore.open(tmp_path)  # this test's ratings only
    demo = build_app(tutor, store)
    url = launch(demo, "127.0.0.1", free_port())
    yield url, tutor, store
    demo.close()
    store.close()


def shot(page, name: str, readme: str | None = None) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    if readme and os.environ.get("TUTOR_UPDATE_SCREENSHOTS") == "1":
        README_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(ARTIFACTS / f"{name}.png", README_SHOTS / readme)


def last_bot(page) -> dict | None:
    return page.evaluate(f"""() => {{
        const all = document.querySelectorAll('{BOT}');
        const b = all[all.length - 1];
        return b ? {{count: all.length, text: b.innerText, streaming: !!b.querySelector('.streaming'),
                     chips: b.querySelectorAll('button.cite-chip').length,
                     error: !!b.querySelector('.kind-error')}} : null;
    }}""")


def ask(page, question: str) -> None:
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")


def wait_for_answer(page, answers: int, timeout: float = 30) -> list[dict]:
    """Poll the newest reply until it is complete; returns what was seen on the way."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = last_bot(page)
        if state and state["count"] == answers:
            seen.append(state)
            if not state["streaming"]:
                return seen
        time.sleep(0.05)
    raise AssertionError(f"no complete answer #{answers} within {timeout}s; saw {seen[-1:] or 'nothing'}")


def chip_citation(page, store: FeedbackStore, selector: str):
    key, _, marker = page.get_attribute(selector, "value").rpartition(":")
    reply = store.reply(key)
    return key, next(c for c in reply.citations if c.marker == int(marker))


def panel_shows(page, cite, source_text: str) -> None:
    page.wait_for_function(
        "t => { const m = document.querySelector('#passage-panel mark.cite-span'); return m && m.textContent === t; }",
        arg=cite.text, timeout=10_000)
    assert page.inner_text("#passage-panel mark.cite-span") == cite.text
    quote = page.inner_text("#passage-panel blockquote").strip()
    assert cite.text in quote and quote in source_text and len(quote) >= len(cite.text)
    panel = page.inner_text("#passage-panel")
    assert cite.section in panel and cite.source in panel


def test_ask_stream_cite_reload_fail_and_recover(app, browser):
    url, tutor, store = app
    source_text = tutor.sources["ketamine-and-the-brain.md"]
    page = browser(viewport={"width": 1280, "height": 1000}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("#question textarea")
    assert page.locator(BOT).count() == 0
    assert page.get_by_label("Your question").count() == 1

    # Ask; the answer arrives in pieces, then becomes the final reply with chips.
    question = "What does ketamine block?"
    expected = [p for p in tutor.stream(question, "warm-up-session") if isinstance(p, str)]
    assert len(expected) >= 3, "this question should give a multi-sentence answer to watch streaming"
    ask(page, question)
    seen = wait_for_answer(page, 1)
    partial = [s["text"] for s in seen if s["streaming"] and s["text"].replace("Answering…", "").strip()]
    assert len(set(partial)) >= 2, f"the answer did not stream: {partial}"
    assert all(len(a) <= len(b) for a, b in zip(partial, partial[1:]))
    final = seen[-1]
    assert final["chips"] == len(expected) and "NMDA" in final["text"]
    assert page.input_value("#question textarea") == ""
    shot(page, "01-answer")

    # A chip shows the exact span, highlighted in its paragraph, with section and source.
    page.click(f"{BOT} button.cite-chip >> nth=1")
    key, cite = chip_citation(page, store, f"{BOT} button.cite-chip >> nth=1")
    panel_shows(page, cite, source_text)
    assert page.get_attribute(f"{BOT} button.cite-chip >> nth=1", "aria-current") == "true"
    page.mouse.move(0, 0)
    page.evaluate("document.querySelector('#chat .bubble-wrap').scrollTop = 0")
    shot(page, "02-cited-passage", readme="desktop.png")

    # By keyboard: focus the first chip and press Enter.
    page.focus(f"{BOT} button.cite-chip >> nth=0")
    page.keyboard.press("Enter")
    _, first = chip_citation(page, store, f"{BOT} button.cite-chip >> nth=0")
    panel_shows(page, first, source_text)

    # The whole source, with every span cited so far highlighted and the one shown in focus.
    page.get_by_role("tab", name="Whole source").click()
    page.wait_for_selector("#source-view mark.cited.focus")
    assert page.inner_text("#source-view mark.cited.focus") == first.text
    cited_text = " ".join(page.locator("#source-view mark.cited").all_inner_texts())
    for c in store.reply(key).citations:
        assert c.text in cited_text or all(part in cited_text for part in c.text.split(". "))
    shot(page, "03-whole-source")

    # Thumbs up with a comment lands in the feedback store.
    page.locator(BOT).last.hover()
    page.locator('button[aria-label="Like"]').last.click()
    page.wait_for_selector("#feedback-comment textarea")
    page.fill("#feedback-comment textarea", "Clear answer")
    page.click("#feedback-send")
    page.wait_for_selector("#status >> text=comment was saved")
    rated = store.rated()
    assert [(r.key, r.rating, r.comment) for r in rated] == [(key, "up", "Clear answer")]

    # A follow-up suggestion under the answer asks it.
    followup = page.get_attribute(f"{BOT} .followups button.ask-chip >> nth=0", "value")
    page.click(f"{BOT} .followups button.ask-chip >> nth=0")
    assert wait_for_answer(page, 2)[-1]["chips"] >= 1
    assert page.locator(USER).nth(1).inner_text().strip() == followup

    # Reload: the conversation comes back from the session kept in the browser, chips still work.
    page.reload()
    page.wait_for_function(f"document.querySelectorAll('{BOT} button.cite-chip').length > 0", timeout=15_000)
    assert page.locator(BOT).count() == 2
    assert page.locator(USER).first.inner_text().strip() == question
    page.click(f"{BOT} button.cite-chip >> nth=0")
    panel_shows(page, first, source_text)
    shot(page, "04-after-reload")

    # Over-long and empty input: an inline message, nothing added to the chat.
    ask(page, "x" * (tutor.settings.max_question_chars + 1))
    page.wait_for_selector("#input-error .input-error")
    assert "limit is" in page.inner_text("#input-error")
    ask(page, "   ")
    page.wait_for_selector("#input-error >> text=empty")
    assert page.locator(BOT).count() == 2
    shot(page, "05-input-error")

    # Markup in a question is shown as text and never runs.
    attack = '<img src=x onerror="window.__pwned=1">What is BDNF?'
    ask(page, attack)
    wait_for_answer(page, 3)
    assert page.locator(USER).nth(2).inner_text().strip() == attack
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#input-error .input-error").count() == 0

    # A failing backend: a friendly message in the chat, and the app keeps answering afterwards.
    tutor.backend.fail = True
    ask(page, "What is dissociation?")
    failed = wait_for_answer(page, 4)[-1]
    assert failed["error"] and "try again" in failed["text"]
    shot(page, "06-backend-failed")
    tutor.backend.fail = False
    ask(page, "What is dissociation?")
    recovered = wait_for_answer(page, 5)[-1]
    assert recovered["chips"] >= 1 and not recovered["error"] and "dissociation" in recovered["text"]

    # New conversation: empty, and still empty after a reload.
    page.click("#new-conversation")
    page.wait_for_function(f"document.querySelectorAll('{BOT}').length === 0")
    page.reload()
    page.wait_for_selector("#question textarea")
    time.sleep(1)
    assert page.locator(BOT).count() == 0
    assert errors == []


def test_phone_width_is_usable(app, browser):
    url, tutor, store = app
    page = browser(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                   device_scale_factor=1).new_page()
    page.goto(url)
    page.wait_for_selector("#question textarea")
    page.click("#starters button.ask-chip >> text=What is neuroplasticity?")
    wait_for_answer(page, 1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for selector in ("#question textarea", f"{BOT} button.cite-chip", "#new-conversation"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
    page.evaluate("window.scrollTo(0, 0); document.querySelector('#chat .bubble-wrap').scrollTop = 0")
    shot(page, "07-phone", readme="phone.png")
    page.click(f"{BOT} button.cite-chip >> nth=0")
    key, cite = chip_citation(page, store, f"{BOT} button.cite-chip >> nth=0")
    panel_shows(page, cite, tutor.sources[cite.source])
    # The panel is below the chat on a phone: it scrolls into view with the passage.
    page.wait_for_function("""() => {
        const r = document.querySelector('#passage-panel mark.cite-span').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
    }""")
    shot(page, "08-phone-passage")
