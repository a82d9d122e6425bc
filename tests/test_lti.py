"""LTI 1.3 end to end: a real platform (lti1p3platform) and the tutor's API, each a uvicorn server on loopback.

login → check-cookies page → platform auth → signed launch → chat in the LTI-tied session; tampered,
expired, wrongly-audienced and replayed launches are refused; a deep-linking response validates on the
platform (which fetches the tool's JWKS). In headless Chromium, with the tool on https on another site
than the LMS, a launch from the course page's iframe meets blocked third-party cookies, takes the
check-cookies page's new tab, and ends in a working chat.

lti1p3platform's own FastAPI adapter imports `pkg_resources` (gone from current setuptools), so the
platform's two FastAPI handlers are written here on its framework-neutral classes, as its adapter does.
"""

from __future__ import annotations

import base64
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration

from tests.conftest import CORPUS, REPO
from tests.live_server import LiveServer, free_port
from tests.test_xapi import LrsStub, wait_until
from tutor.api import create_app
from tutor.config import Settings
from tutor.lti import session_id_for

ISS = "https://lms.test.example"
CLIENT_ID = "tutor-client"
DEPLOYMENT = "deployment-1"



class Platform(LTI1P3PlatformConfAbstract):
    """One registration: this test's LMS and the tutor as its tool."""

    def init_platform_config(self, **kwargs):
        self.urls = kwargs

    def get_registration_by_params(self, **kwargs) -> Registration:
        u = self.urls
        return (Registration().set_iss(ISS).set_client_id(CLIENT_ID).set_deployment_id(DEPLOYMENT)
                .set_oidc_login_url(u["tool"] + "/lti/login").set_launch_url(u["tool"] + "/lti/launch")
                .set_deeplink_launch_url(u["tool"] + "/lti/launch").set_tool_key_set_url(u["tool"] + "/lti/jwks")
                .set_platform_private_key(u["private"]).set_platform_public_key(u["public"]))


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str):
        return RedirectResponse(url, status_code=302)


class Launch(LTIAdvantageMessageLaunchAbstract):
    """The platform's launch; `options` lets a test forge what a broken or hostile platform would send."""

    options: dict = {}

    def get_preflight_response(self):
        return dict(self._request.query_params)

    def get_launch_message(self, include_extra_claims: bool = True):
        message = super().get_launch_message(include_extra_claims)
        if "aud" in self.options:
            message["aud"] = message["azp"] = self.options["aud"]
        return message

    def render_launch_form(self, launch_data, **kwargs):
        return HTMLResponse(
            f'<form method="POST" action="{launch_data["launch_url"]}" id="form">'
            f'<input type="hidden" name="id_token" value="{launch_data["id_token"]}">'
            f'<input type="hidden" name="state" value="{launch_data["state"]}"></form>'
            "<script>document.getElementById('form').submit();</script>")


def platform_app(urls: dict, options: dict) -> FastAPI:
    app = FastAPI()
    # Who is launching what: set per test through `options` (the platform's "session").

    def platform() -> Platform:
        return Platform(**urls)

    @app.get("/course")
    def course():
        # A course page showing the tool in an iframe, as an LMS does.
        return HTMLResponse('<h1>Neuroscience 101</h1><iframe id="tool" src="/start" '
                            'style="width:900px;height:600px"></iframe>')

    @app.get("/jwks")
    def jwks():
        p = platform()
        p.get_registration()
        return p.get_jwks()

    @app.get("/start")
    def start(request: Request):
        login = Login(request, platform())
        login.set_lti_message_hint(hint="resource-1")
        if options.get("deep"):
            login.set_deeplinking_launch_url()
        return login.initiate_login(options.get("user", "learner-1"))

    @app.get("/authorize")
    def authorize(request: Request):
        launch = Launch(request, platform())
        launch.options = options
        launch.set_user_data(options.get("user", "learner-1"), ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
                             full_name="Ada Learner")
        launch.set_launch_context_claim(options.get("context", "course-101"), context_title="Neuroscience 101")
        launch.set_resource_link_claim("resource-1", title="Ask the tutor")
        if "expires_in" in options:
            launch.set_id_token_expiration(options["expires_in"])
        if options.get("deep"):
            launch.set_dl(urls["platform"] + "/deep-link-return", title="Add content", accept_types={"ltiResourceLink"})
        return launch.lti_launch()

    @app.post("/deep-link-return")
    async def deep_link_return(request: Request):
        form = await request.form()
        p = platform()
        p.get_registration()

        def validate():
            return p.validate_deeplinking_resp({"JWT": form["JWT"]})

        from starlette.concurrency import run_in_threadpool

        try:
            items = await run_in_threadpool(validate)
        except Exception as exc:
            return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status_code=400)
        return {"content_items": items}

    return app


def rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@pytest.fixture(scope="module")
def world(tutor, tmp_path_factory):
    """The tutor's API with this platform registered, and the platform, both on loopback."""
    tool_port, platform_port = free_port(), free_port()
    tool_url, platform_url = f"http://127.0.0.1:{tool_port}", f"http://127.0.0.1:{platform_port}"
    data = tmp_path_factory.mktemp("lti-tool")
    platforms = data / "lti-platforms.json"
    platforms.write_text(json.dumps({ISS: {
        "client_id": CLIENT_ID, "auth_login_url": platform_url + "/authorize", "auth_token_url": platform_url + "/token",
        "key_set_url": platform_url + "/jwks", "deployment_ids": [DEPLOYMENT]}}))
    lrs = LrsStub(free_port())
    settings = Settings(corpus_dir=CORPUS, data_dir=data, lti_platforms_file=platforms, api_mount_ui=False,
                        xapi_endpoint=f"http://127.0.0.1:{lrs.port}/xapi", xapi_username=lrs.user,
                        xapi_password=lrs.password)
    private, public = rsa_pair()
    options: dict = {}
    app = create_app(tutor, settings, ui=False)
    tool = LiveServer(app, tool_port)
    platform = LiveServer(platform_app({"tool": tool_url, "platform": platform_url, "private": private, "public": public},
                                   options), platform_port)
    yield {"tool": tool.url, "platform": platform.url, "options": options, "lrs": lrs, "xapi": app.state.xapi,
           "settings": settings}
    platform.stop()
    tool.stop()
    lrs.stop()


@pytest.fixture
def options(world):
    world["options"].clear()
    return world["options"]


def browser() -> httpx.Client:
    """A client that keeps cookies and follows nothing by itself, so each hop can be checked."""
    return httpx.Client(follow_redirects=False, timeout=60)


def launch_form(world, client: httpx.Client) -> dict[str, str]:
    """Run the OIDC login up to the platform's auto-submitting launch form; returns its action and fields."""
    start = client.get(world["platform"] + "/start")
    assert start.status_code == 302
    login_url = start.headers["location"]
    assert login_url.startswith(world["tool"] + "/lti/login?")
    check = client.get(login_url)
    # First the check-cookies page: in an iframe that blocks cookies it offers a new tab instead of failing.
    assert check.status_code == 200 and "lti1p3-new-tab-link" in check.text
    redirect = client.get(login_url + "&lti1p3_new_window=1")  # what the page does when cookies work
    assert redirect.status_code == 302, redirect.text
    auth = redirect.headers["location"]
    query = parse_qs(urlparse(auth).query)
    assert auth.startswith(world["platform"] + "/authorize?")
    assert query["redirect_uri"] == [world["tool"] + "/lti/launch"] and query["nonce"] and query["state"]
    form = client.get(auth)
    assert form.status_code == 200, form.text
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.text))
    fields["action"] = re.search(r'action="([^"]+)"', form.text).group(1)
    return fields


def post_launch(client: httpx.Client, fields: dict[str, str], **override: str) -> httpx.Response:
    data = {"id_token": fields["id_token"], "state": fields["state"], **override}
    return client.post(fields["action"], data=data)


def chat_credentials(page: str) -> tuple[str, str]:
    key = unescape(re.search(r'api-key="([^"]+)"', page).group(1))
    session = unescape(re.search(r'session-id="([^"]+)"', page).group(1))
    return key, session


def sse_events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = block.split("\n")
        name = next((line[7:] for line in lines if line.startswith("event: ")), None)
        data = "\n".join(line[6:] for line in lines if line.startswith("data: "))
        if name:
            events.append((name, json.loads(data)))
    return events


def jwt_body(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_launch_opens_the_chat_in_a_session_tied_to_the_user_and_course(world, options):
    client = browser()
    fields = launch_form(world, client)
    claims = jwt_body(fields["id_token"])
    page = post_launch(client, fields)
    assert page.status_code == 200, page.text
    assert "<tutor-chat" in page.text and "/static/tutor-widget.js" in page.text
    assert page.headers["cache-control"] == "no-store"
    key, session_id = chat_credentials(page.text)
    assert session_id == session_id_for(claims)

    # The page's key works for exactly that conversation, streamed as the widget reads it.
    auth = {"Authorization": f"Bearer {key}"}
    answer = httpx.post(world["tool"] + "/v1/chat", headers={**auth, "Accept": "text/event-stream"},
                        json={"question": "What receptor does ketamine block?", "session_id": session_id}, timeout=120)
    assert answer.status_code == 200, answer.text
    events = sse_events(answer.text)
    assert [e for e, _ in events][-2:] == ["citations", "reply"]
    reply = events[-1][1]
    assert reply["session_id"] == session_id and reply["kind"] == "answer" and reply["citations"]
    # Its learning record names the platform's user, not the key (queued once the reply was sent).
    def asked_statements():
        return [st for st in world["lrs"].statements if st["verb"]["display"]["en-US"] == "asked"]

    assert wait_until(asked_statements)
    asked = asked_statements()
    assert asked[-1]["actor"]["account"] == {"homePage": ISS, "name": "learner-1"}
    assert asked[-1]["result"]["response"] == "What receptor does ketamine block?"

    # The next launch from the same course finds the conversation again, with a fresh key; the old one is revoked.
    client2 = browser()
    page2 = post_launch(client2, launch_form(world, client2))
    key2, session2 = chat_credentials(page2.text)
    assert session2 == session_id and key2 != key
    history = httpx.get(f"{world['tool']}/v1/sessions/{session_id}", headers={"Authorization": f"Bearer {key2}"})
    assert history.status_code == 200
    assert [t["question"] for t in history.json()["turns"]] == ["What receptor does ketamine block?"]
    assert httpx.get(f"{world['tool']}/v1/sessions/{session_id}", headers=auth).status_code == 401


def test_another_course_or_user_gets_another_conversation(world, options):
    client = browser()
    key, first = chat_credentials(post_launch(client, launch_form(world, client)).text)
    options["context"] = "course-202"
    client = browser()
    other_course = chat_credentials(post_launch(client, launch_form(world, client)).text)[1]
    options.update(context="course-101", user="learner-2")
    client = browser()
    other_key, other_user = chat_credentials(post_launch(client, launch_form(world, client)).text)
    assert len({first, other_course, other_user}) == 3
    # One learner's launch key cannot read another learner's conversation.
    for session_id in (other_course, other_user):
        seen = httpx.get(f"{world['tool']}/v1/sessions/{session_id}", headers={"Authorization": f"Bearer {key}"})
        assert seen.status_code == 404


def test_a_replayed_launch_is_refused(world, options):
    client = browser()
    fields = launch_form(world, client)
    assert post_launch(client, fields).status_code == 200
    replay = post_launch(client, fields)
    assert replay.status_code == 401
    assert 'data-code="lti_launch_invalid"' in replay.text and "Nonce" in replay.text


def test_a_tampered_token_is_refused(world, options):
    client = browser()
    fields = launch_form(world, client)
    header, body, signature = fields["id_token"].split(".")
    claims = jwt_body(fields["id_token"])
    claims["sub"] = "admin"  # another user, same signature
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    refused = post_launch(client, fields, id_token=f"{header}.{forged}.{signature}")
    assert refused.status_code == 401 and "Signature verification failed" in refused.text
    # The untouched token still works: what was refused was the forgery, not the flow.
    assert post_launch(client, fields).status_code == 200


def test_an_expired_token_is_refused(world, options):
    options["expires_in"] = -600
    client = browser()
    refused = post_launch(client, launch_form(world, client))
    assert refused.status_code == 401 and "expired" in refused.text.lower()


def test_a_token_for_another_tool_is_refused(world, options):
    options["aud"] = "some-other-tool"
    client = browser()
    refused = post_launch(client, launch_form(world, client))
    assert refused.status_code == 401 and 'data-code="lti_launch_invalid"' in refused.text


def test_a_launch_without_the_login_state_is_refused(world, options):
    fields = launch_form(world, browser())
    stranger = browser()  # another browser: no state cookie from the login
    refused = post_launch(stranger, fields)
    assert refused.status_code == 401 and "State" in refused.text


def test_deep_linking_places_the_tutor_and_the_platform_accepts_the_response(world, options):
    options["deep"] = True
    client = browser()
    page = post_launch(client, launch_form(world, client))
    assert page.status_code == 200, page.text
    action = unescape(re.search(r'action="([^"]+)"', page.text).group(1))
    token = unescape(re.search(r'name="JWT" value="([^"]+)"', page.text).group(1))
    assert action == world["platform"] + "/deep-link-return"
    accepted = httpx.post(action, data={"JWT": token}, timeout=60)
    assert accepted.status_code == 200, accepted.text
    items = accepted.json()["content_items"]
    assert [(i["type"], i["url"]) for i in items] == [("ltiResourceLink", world["tool"] + "/lti/launch")]
    claims = jwt_body(token)
    assert claims["iss"] == CLIENT_ID and claims["aud"] == [ISS]
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == DEPLOYMENT
    # A response altered after signing is refused by the platform.
    header, body, signature = token.split(".")
    claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"][0]["url"] = "https://evil.example/"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert httpx.post(action, data={"JWT": f"{header}.{forged}.{signature}"}, timeout=60).status_code == 400


def test_the_tool_key_set_is_published(world):
    keys = httpx.get(world["tool"] + "/lti/jwks").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and "d" not in keys[0]


def test_the_shipped_example_registrations_load(tmp_path):
    from tutor.lti import load_platforms

    config = load_platforms(REPO / "examples" / "lti-platforms.example.json", tmp_path)
    moodle = config.find_registration("https://moodle.example.edu")
    canvas = config.find_registration_by_params("https://canvas.instructure.com", "10000000000001")
    assert moodle.get_auth_login_url().endswith("/mod/lti/auth.php") and moodle.get_tool_private_key()
    assert canvas.get_key_set_url().startswith("https://") and canvas.get_kid()
    assert (tmp_path / "lti" / "tool-private.pem").stat().st_mode & 0o077 == 0  # the key is private to its owner


def test_a_launch_key_stops_working_once_its_lifetime_is_over(world, options, tutor):
    import sqlite3

    from tutor.keys import KeyStore
    from tutor.lti import LtiStore, revoke_expired

    client = browser()
    key, session_id = chat_credentials(post_launch(client, launch_form(world, client)).text)
    auth = {"Authorization": f"Bearer {key}"}
    assert httpx.get(f"{world['tool']}/v1/sessions/{session_id}", headers=auth).status_code == 200
    data_dir = world["settings"].data_dir
    with sqlite3.connect(data_dir / "lti.sqlite3") as db:  # the lifetime passes
        db.execute("UPDATE launch_keys SET expires_at = 0 WHERE key_id = ?", (key.split("_")[1],))
    store, keys = LtiStore(data_dir / "lti.sqlite3"), KeyStore(world["settings"].api_keys_path)
    try:
        assert revoke_expired(store, keys) == 1  # what the sweeper thread does every minute
    finally:
        store.close()
        keys.close()
    refused = httpx.get(f"{world['tool']}/v1/sessions/{session_id}", headers=auth)
    assert refused.status_code == 401


def test_a_login_from_an_unknown_platform_or_with_a_broken_file_is_refused(world, tmp_path):
    unknown = httpx.get(world["tool"] + "/lti/login", params={"iss": "https://unknown.example", "login_hint": "x",
                                                               "lti1p3_new_window": "1"})
    assert unknown.status_code == 400 and 'data-code="lti_login_invalid"' in unknown.text

    from fastapi.testclient import TestClient

    from tutor.api import build_app

    broken = tmp_path / "platforms.json"
    broken.write_text('{"https://lms.example": {"client_id": "x"}}')  # no login URL, no deployments
    app = build_app(Settings(corpus_dir=CORPUS, data_dir=tmp_path, lti_platforms_file=broken))
    page = TestClient(app).get("/lti/login", params={"iss": "https://lms.example", "login_hint": "x"})
    assert page.status_code == 503 and 'data-code="lti_misconfigured"' in page.text


def self_signed(tmp_path) -> tuple[str, str]:
    """A certificate for localhost and 127.0.0.1, so the tool runs on https as LTI in an iframe requires."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .sign(key, hashes.SHA256()))
    key_file, cert_file = tmp_path / "key.pem", tmp_path / "cert.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


@pytest.fixture
def iframe_world(tutor, tmp_path):
    """The tool on https://localhost (another site than the LMS on http://127.0.0.1), as in production."""
    tool_port, platform_port = free_port(), free_port()
    tool_url, platform_url = f"https://localhost:{tool_port}", f"http://127.0.0.1:{platform_port}"
    platforms = tmp_path / "lti-platforms.json"
    platforms.write_text(json.dumps({ISS: {
        "client_id": CLIENT_ID, "auth_login_url": platform_url + "/authorize", "auth_token_url": platform_url + "/token",
        "key_set_url": platform_url + "/jwks", "deployment_ids": [DEPLOYMENT]}}))
    settings = Settings(corpus_dir=CORPUS, data_dir=tmp_path / "tool", lti_platforms_file=platforms, api_mount_ui=False)
    private, public = rsa_pair()
    key_file, cert_file = self_signed(tmp_path)
    tool = LiveServer(create_app(tutor, settings, ui=False), tool_port, tool_url, ssl_keyfile=key_file,
                  ssl_certfile=cert_file)
    platform = LiveServer(platform_app({"tool": tool_url, "platform": platform_url, "private": private, "public": public},
                                   {"user": "learner-iframe"}), platform_port)
    yield {"tool": tool_url, "platform": platform_url}
    platform.stop()
    tool.stop()


def test_a_launch_inside_the_lms_iframe_opens_a_working_chat(iframe_world, tmp_path):
    from tests.test_ui_browser import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (tests/test_ui_browser.py installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=str(CHROMIUM),
                                                       args=ARGS, ignore_https_errors=True)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(iframe_world["platform"] + "/course")
            frame = page.frame_locator("#tool")
            # login → check-cookies page → platform auth → signed POST launch → the chat. Where the iframe may
            # keep cookies this all happens inside it; where the browser blocks third-party cookies (this
            # headless Chromium does), the check-cookies page offers a new tab, where it happens instead.
            warning, chat = frame.locator("#lti1p3-warning-msg"), frame.locator("tutor-chat textarea")
            warning.or_(chat).first.wait_for(state="visible", timeout=60_000)
            if warning.is_visible():
                assert "blocks cookies" in warning.inner_text()
                with context.expect_page() as opened:
                    frame.locator("#lti1p3-new-tab-link").click()
                where = opened.value
                where.wait_for_load_state()
                view = where.locator("html")
            else:
                where, view = page.frames[1], frame.locator("html")
            view.locator("tutor-chat textarea").fill("What receptor does ketamine block?", timeout=60_000)
            view.locator("tutor-chat textarea").press("Enter")
            chip = view.locator("tutor-chat .msg.bot button.cite").first
            chip.wait_for(state="visible", timeout=120_000)
            assert where.url == iframe_world["tool"] + "/lti/launch"
            chip.click()
            assert view.locator("tutor-chat .passage mark").first.inner_text().strip()
            ARTIFACTS = REPO / "test-artifacts" / "lti"
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "course-page.png"))
            if where is not page.frames[1]:
                where.screenshot(path=str(ARTIFACTS / "new-tab-chat.png"))
        finally:
            context.close()
