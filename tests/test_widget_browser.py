"""The widget in headless Chromium: examples/host.html on one origin, the tutor's API (uvicorn) on another.

Open the bubble, ask, watch the answer stream in, open a citation chip and see the cited passage; the
conversation survives a reload; the /embed iframe page works the same way.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from tests.conftest import CORPUS, REPO
from tests.live_server import LiveServer, free_port
from tests.test_ui_browser import ARGS, PacedBackend, chromium  # noqa: F401 (fixture)
from tutor.api import create_app
from tutor.config import Settings

ARTIFACTS = REPO / "test-artifacts" / "widget"
BOT = "tutor-chat .msg.bot"


@pytest.fixture(scope="module")
def sites(tutor, tmp_path_factory):
    """The example host page on one loopback origin, the API on another (CORS and an origin-bound key)."""
    host_port, api_port = free_port(), free_port()
    host_origin = f"http://127.0.0.1:{host_port}"
    settings = Settings(corpus_dir=CORPUS, data_dir=tmp_path_factory.mktemp("widget-api"),
                        api_cors_origins=[host_origin], api_mount_ui=False)
    inner = tutor.backend
    tutor.backend = PacedBackend(inner, delay=0.25)  # slow enough to see the answer arrive in pieces
    app = create_app(tutor, settings, ui=False)
    _, key = app.state.keys.create(["chat"], origins=[host_origin], name="widget test")
    api = LiveServer(app, api_port)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(REPO / "examples"))
    handler.log_message = lambda *a: None
    host = ThreadingHTTPServer(("127.0.0.1", host_port), handler)
    threading.Thread(target=host.serve_forever, daemon=True).start()
    yield {"host": host_origin, "api": api.url, "key": key, "app": app}
    host.shutdown()
    host.server_close()
    api.stop()
    tutor.backend = inner


@pytest.fixture
def page(chromium, tmp_path):  # noqa: F811
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=str(chromium),
                                                       args=ARGS, viewport={"width": 1100, "height": 800})
        yield context.pages[0] if context.pages else context.new_page()
        context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def last_bot(page) -> dict:
    return page.evaluate("""() => {
        const bots = document.querySelector('tutor-chat').shadowRoot.querySelectorAll('.msg.bot');
        const b = bots[bots.length - 1];
        return b ? {count: bots.length, text: b.innerText, streaming: b.classList.contains('streaming'),
                    chips: b.querySelectorAll('button.cite').length, kind: b.dataset.kind || null} : null;
    }""")


def test_bubble_ask_stream_and_reveal_a_cited_passage(page, sites):
    page.goto(f"{sites['host']}/host.html?endpoint={quote(sites['api'])}&key={quote(sites['key'])}")
    page.evaluate("() => { window.replies = []; document.addEventListener('tutor-reply', e => window.replies.push(e.detail)); }")
    panel = page.locator("tutor-chat .panel")
    assert not panel.is_visible()
    page.locator("tutor-chat .bubble").click()
    panel.wait_for(state="visible")

    page.locator("tutor-chat textarea").fill("What receptor does ketamine block?")
    page.keyboard.press("Enter")
    # The answer arrives in pieces: seen with text while still streaming, then finished with chips.
    page.wait_for_function("""() => {
        const b = document.querySelector('tutor-chat').shadowRoot.querySelector('.msg.bot');
        return b && b.classList.contains('streaming') && b.innerText.trim().length > 0;
    }""", timeout=60_000)
    partial = last_bot(page)
    shot(page, "streaming")
    page.wait_for_function("() => window.replies.length === 1", timeout=120_000)
    final = last_bot(page)
    reply = page.evaluate("() => window.replies[0]")
    assert reply["kind"] == "answer" and reply["citations"]
    assert not final["streaming"] and final["kind"] == "answer"
    assert len(partial["text"].strip()) < len(final["text"].strip())
    assert final["chips"] == len({c["marker"] for c in reply["citations"]})

    # A chip reveals its passage with exactly the cited span highlighted.
    first = reply["citations"][0]
    page.locator(f"{BOT} button.cite").first.click()
    mark = page.locator(f"{BOT} .passage mark")
    mark.wait_for(state="visible")
    source_text = (CORPUS / first["source"]).read_text(encoding="utf-8")
    assert mark.inner_text() == first["text"] == source_text[first["start"]:first["end"]]
    passage = page.locator(f"{BOT} .passage").inner_text()
    assert first["section"] in passage and len(passage) > len(first["text"])
    shot(page, "citation")

    # Thumbs down, with a comment, lands in the feedback store; pressing it again withdraws the rating.
    store = sites["app"].state.feedback
    down = page.locator(f"{BOT} .rate button[data-rating=down]")
    down.click()
    page.locator(f"{BOT} .rate button[data-rating=down][aria-pressed=true]").wait_for(timeout=30_000)
    assert store.rating(reply["reply_id"]) == "down"
    page.locator(f"{BOT} .rate-comment input").fill("Please say more about the receptor.")
    page.locator(f"{BOT} .rate-comment button").click()
    page.locator(f"{BOT} .rate-comment").wait_for(state="hidden", timeout=30_000)
    assert {r.key: r.comment for r in store.rated()}[reply["reply_id"]] == "Please say more about the receptor."
    shot(page, "rated")
    down.click()
    page.locator(f"{BOT} .rate button[data-rating=down][aria-pressed=false]").wait_for(timeout=30_000)
    assert store.rating(reply["reply_id"]) is None

    # The conversation is kept: after a reload, opening the bubble shows the earlier question.
    page.reload()
    page.locator("tutor-chat .bubble").click()
    page.locator("tutor-chat .msg.user").first.wait_for(state="visible", timeout=30_000)
    assert page.locator("tutor-chat .msg.user").first.inner_text() == "What receptor does ketamine block?"


def test_a_bad_key_shows_the_apis_message(page, sites):
    page.goto(f"{sites['host']}/host.html?endpoint={quote(sites['api'])}&key=tk_nope_nope")
    page.locator("tutor-chat .bubble").click()
    page.locator("tutor-chat textarea").fill("What is BDNF?")
    page.keyboard.press("Enter")
    page.wait_for_function("""() => {
        const b = document.querySelector('tutor-chat').shadowRoot.querySelector('.msg.bot');
        return b && !b.classList.contains('streaming');
    }""", timeout=30_000)
    bot = last_bot(page)
    assert bot["kind"] == "error" and "unknown or revoked" in bot["text"]


def test_the_iframe_page_answers_with_citations(page, sites):
    page.goto(f"{sites['host']}/host.html?endpoint={quote(sites['api'])}&key={quote(sites['key'])}&iframe=1")
    frame = page.frame_locator(".iframe-variant iframe")
    frame.locator("tutor-chat textarea").fill("What does ketamine do to glutamate?")
    frame.locator("tutor-chat textarea").press("Enter")
    chip = frame.locator("tutor-chat .msg.bot button.cite").first
    chip.wait_for(state="visible", timeout=120_000)
    chip.click()
    assert frame.locator("tutor-chat .msg.bot .passage mark").first.inner_text().strip()
    shot(page, "iframe")


def test_the_embed_page_is_framed_only_by_the_keys_sites(sites):
    import httpx

    good = httpx.get(f"{sites['api']}/embed", params={"key": sites["key"], "theme": "dark"})
    assert good.status_code == 200 and 'theme="dark"' in good.text and "<tutor-chat" in good.text
    assert good.headers["content-security-policy"] == f"frame-ancestors 'self' {sites['host']}"
    assert good.headers["cache-control"] == "no-store"
    assert httpx.get(f"{sites['api']}/embed", params={"key": "tk_nope_nope"}).status_code == 401
    script = httpx.get(f"{sites['api']}/static/tutor-widget.js")
    assert script.status_code == 200 and "customElements.define(\"tutor-chat\"" in script.text
    assert httpx.get(f"{sites['api']}/static/..%2Fconfig.py").status_code == 404
