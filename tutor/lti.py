"""The tutor as an LTI 1.3 tool: OIDC login, launch, deep linking and the tool's JWKS (pylti1p3 underneath).

pylti1p3 does the protocol (state, nonce, the platform's JWKS, signature, deployment, message checks);
this module gives it thin Starlette adapters for its Request, Cookie and Redirect services and a SQLite
launch-data store in the data directory.

The iframe cookie problem: a tool runs inside the platform's iframe, where browsers block third-party
cookies. So (1) login answers with pylti1p3's "check cookies" page, which offers to open the tool in a
new window when the iframe cannot keep the state cookie; (2) everything the launch needs afterwards
(nonce, state, launch data) is stored server-side keyed by the state, the nonce or the launch id, never
by a browser-session cookie; (3) the chat page the launch returns carries its own credential.

Session and credential: the conversation id is derived from issuer + deployment + context + user, so
the learner finds their conversation again at the next launch from the same course, and two courses
never share one. The launch mints a chat-scoped API key that owns that session and expires after
TUTOR_LTI_LAUNCH_TOKEN_TTL seconds (or at the learner's next launch); it is written into the launch's
response page (a POST response: never in a URL, the history or a cookie) and used only from the tutor's
own origin, which is what the page is served from.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pylti1p3.cookie import CookieService
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.message_launch import MessageLaunch
from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.redirect import Redirect
from pylti1p3.registration import Registration
from pylti1p3.request import Request as LtiRequest
from pylti1p3.session import SessionService
from pylti1p3.tool_config import ToolConfDict
from starlette.concurrency import run_in_threadpool

from tutor.api_deps import get_keys
from tutor.config import Settings
from tutor.errors import ConfigError
from tutor.keys import KeyStore
from tutor.storage import SqliteFile
from tutor.widget import embed_page

log = logging.getLogger(__name__)

CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
RESOURCE_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/resource_link"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL);
CREATE TABLE IF NOT EXISTS launch_keys (key_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, expires_at REAL NOT NULL);
"""


# -- the tool's key ------------------------------------------------------------------------------

def tool_key(data_dir: Path) -> tuple[str, str]:
    """(private, public) PEM of the tool's signing key, generated into <data dir>/lti/ on first use."""
    folder = Path(data_dir) / "lti"
    private_path = folder / "tool-private.pem"
    if not private_path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        tmp = private_path.with_suffix(".tmp")
        tmp.write_bytes(pem)
        tmp.chmod(0o600)
        tmp.replace(private_path)  # atomic: two workers starting at once keep one key
        log.info("generated the LTI tool key %s", private_path)
    private = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    public = private.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    return private_path.read_text(), public.decode()


class PlatformRegistry(ToolConfDict):
    """pylti1p3's registrations, with an unknown issuer or client reported as an LTI error (not a bare Exception)."""

    def get_iss_config(self, iss: str, client_id: str | None = None):
        try:
            return super().get_iss_config(iss, client_id)
        except LtiException:
            raise
        except Exception as exc:
            raise LtiException(f"this platform is not registered with the tutor ({exc})") from exc


def load_platforms(path: Path, data_dir: Path) -> ToolConfDict:
    """Platform registrations (pylti1p3's JSON format, keys starting with `_` ignored) signed with the tool key."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the LTI platforms file {path}: {exc}") from exc
    platforms = {iss: conf for iss, conf in raw.items() if not iss.startswith("_")}
    try:
        config = PlatformRegistry(platforms)
    except Exception as exc:  # pylti1p3 raises bare Exceptions for a malformed file
        raise ConfigError(f"LTI platforms file {path}: {exc}") from exc
    private, public = tool_key(data_dir)
    for iss, conf in platforms.items():
        for entry in conf if isinstance(conf, list) else [conf]:
            config.set_private_key(iss, private, client_id=entry["client_id"])
            config.set_public_key(iss, public, client_id=entry["client_id"])
    return config


def session_id_for(launch: dict[str, Any]) -> str:
    """The conversation of one user in one course of one deployment on one platform (stable across launches)."""
    context = (launch.get(CONTEXT_CLAIM) or {}).get("id") or (launch.get(RESOURCE_CLAIM) or {}).get("id", "")
    parts = [launch.get("iss", ""), launch.get(DEPLOYMENT_CLAIM, ""), context, launch.get("sub", "")]
    return "lti-" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:40]


# -- storage: launch data keyed by state / nonce / launch id, never by a browser cookie -----------

class LtiStore:
    """Expiring key-value rows for pylti1p3, and the API keys launches minted, in <data dir>/lti.sqlite3."""

    def __init__(self, path: Path):
        self._file = SqliteFile(path, _SCHEMA)

    def get(self, key: str) -> Any:
        with self._file.transaction() as db:
            row = db.execute("SELECT value, expires_at FROM kv WHERE key = ?", (key,)).fetchone()
        if row is None or (row[1] is not None and row[1] < time.time()):
            return None
        return json.loads(row[0])

    def set(self, key: str, value: Any, exp: int | None) -> None:
        expires = time.time() + exp if exp else None
        with self._file.transaction() as db:
            db.execute("INSERT OR REPLACE INTO kv(key, value, expires_at) VALUES (?, ?, ?)",
                       (key, json.dumps(value), expires))
            db.execute("DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at < ?", (time.time(),))

    def take(self, key: str) -> bool:
        """Delete a live row; True for the one caller that deleted it (a nonce is used once)."""
        with self._file.transaction() as db:
            cur = db.execute("DELETE FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at >= ?)",
                             (key, time.time()))
        return cur.rowcount == 1

    def minted(self, key_id: str, session_id: str, ttl: int) -> list[str]:
        """Record a launch's key; returns the keys to revoke: expired ones and this session's earlier ones."""
        now = time.time()
        with self._file.transaction() as db:
            old = [r[0] for r in db.execute("SELECT key_id FROM launch_keys WHERE expires_at < ? OR session_id = ?",
                                            (now, session_id))]
            db.executemany("DELETE FROM launch_keys WHERE key_id = ?", [(k,) for k in old])
            db.execute("INSERT INTO launch_keys(key_id, session_id, expires_at) VALUES (?, ?, ?)",
                       (key_id, session_id, now + ttl))
        return old

    def expired(self) -> list[str]:
        """Keys of launches past their lifetime (forgotten here; the caller revokes them)."""
        with self._file.transaction() as db:
            old = [r[0] for r in db.execute("SELECT key_id FROM launch_keys WHERE expires_at < ?", (time.time(),))]
            db.executemany("DELETE FROM launch_keys WHERE key_id = ?", [(k,) for k in old])
        return old

    def close(self) -> None:
        self._file.close()


class SqliteLaunchData(LaunchDataStorage):
    """pylti1p3's launch-data storage on LtiStore; no session cookie, so it works in a cookie-less iframe."""

    def __init__(self, store: LtiStore):
        super().__init__()
        self.store = store

    def get_session_cookie_name(self) -> str | None:
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        return self.store.get(self._prepare_key(key))

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        self.store.set(self._prepare_key(key), value, exp)

    def check_value(self, key: str) -> bool:
        return self.store.get(self._prepare_key(key)) is not None

    def take_value(self, key: str) -> bool:
        return self.store.take(self._prepare_key(key))


# -- thin Starlette adapters for pylti1p3 ---------------------------------------------------------

class StarletteLtiRequest(LtiRequest):
    """A Starlette request as pylti1p3 sees it: parameters (query + form), cookies, https or not."""

    def __init__(self, request: Request, params: dict[str, str]):
        super().__init__()
        self._params = params
        self._cookies = request.cookies
        forwarded = request.headers.get("x-forwarded-proto", "")
        self._secure = request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"

    @property
    def session(self) -> dict:  # never used: launch data lives in SqliteLaunchData
        return {}

    def is_secure(self) -> bool:
        return self._secure

    def get_param(self, key: str) -> str | None:
        return self._params.get(key)

    def get_cookie(self, key: str) -> str | None:
        return self._cookies.get(key)


class StarletteCookies(CookieService):
    """Collects the cookies pylti1p3 sets; SameSite=None; Secure over https so they survive the iframe."""

    def __init__(self, request: StarletteLtiRequest):
        self._request = request
        self._pending: dict[str, tuple[str, int | None]] = {}

    def _key(self, name: str) -> str:
        return f"{self._cookie_prefix}-{name}"

    def get_cookie(self, name: str) -> str | None:
        return self._request.get_cookie(self._key(name))

    def set_cookie(self, name: str, value: str | int, exp: int | None = 3600) -> None:
        self._pending[self._key(name)] = (str(value), exp)

    def apply(self, response: Response) -> Response:
        secure = self._request.is_secure()
        for key, (value, exp) in self._pending.items():
            response.set_cookie(key, value, max_age=exp, path="/", httponly=True, secure=secure,
                                samesite="none" if secure else "lax")
        return response


class StarletteRedirect(Redirect):
    """pylti1p3's redirect as a Starlette response carrying the pending cookies."""

    def __init__(self, location: str, cookies: StarletteCookies):
        self._location, self._cookies = location, cookies

    def do_redirect(self) -> Response:
        return self._cookies.apply(RedirectResponse(self._location, status_code=302))

    def do_js_redirect(self) -> Response:
        page = f"<script>window.location={json.dumps(self._location)};</script>"
        return self._cookies.apply(HTMLResponse(page))

    def set_redirect_url(self, location: str) -> None:
        self._location = location

    def get_redirect_url(self) -> str:
        return self._location


class ToolSession(SessionService):
    """pylti1p3's session service; its storage is always replaced by SqliteLaunchData."""

    def __init__(self, request: StarletteLtiRequest, storage: SqliteLaunchData):
        super().__init__(request)
        self.set_data_storage(storage)

    def take_nonce(self, nonce: str) -> bool:
        """Use a nonce up: True once, False for a replay."""
        return self.data_storage.take_value(self._get_key("nonce", nonce))


class ToolLogin(OIDCLogin):
    """OIDC login initiation with Starlette responses."""

    def get_redirect(self, url: str) -> StarletteRedirect:
        return StarletteRedirect(url, self._cookie_service)

    def get_response(self, html_text: str) -> Response:
        return self._cookie_service.apply(HTMLResponse(html_text))


class ToolLaunch(MessageLaunch):
    """A launch whose nonce works once, and whose JWT must name this tool as audience and not be expired."""

    def _get_request_param(self, key: str) -> str | None:
        return self._request.get_param(key)

    def validate_jwt_signature(self) -> ToolLaunch:
        import jwt  # PyJWT, pylti1p3's own dependency

        public_key, alg = self.get_public_key()
        assert self._registration is not None
        client_id = self._registration.get_client_id()
        try:
            body = jwt.decode(self._get_id_token(), public_key, algorithms=[alg], audience=client_id,
                              options={"require": ["exp", "iat", "aud", "iss", "sub"]}, leeway=30)
        except jwt.InvalidTokenError as exc:
            raise LtiException(f"Can't decode id_token: {exc}") from exc
        aud = body.get("aud")
        # Several audiences: the spec requires azp to name this tool.
        if isinstance(aud, list) and len(aud) > 1 and body.get("azp") != client_id:
            raise LtiException("id_token has several audiences and no azp naming this tool")
        return self

    def save_launch_data(self) -> ToolLaunch:
        if not self._session_service.take_nonce(self._get_jwt_body().get("nonce", "")):
            raise LtiException("Invalid Nonce: this launch was already used")
        return super().save_launch_data()


# -- the router ---------------------------------------------------------------------------------

def _setup_problem(exc: LookupError | ConfigError) -> Response:
    """The page for an LTI set-up that is missing (404) or unusable (503, logged for the operator)."""
    if isinstance(exc, LookupError):
        return _page("LTI is not set up", str(exc), 404, "lti_not_configured")
    log.error("LTI platforms file unusable: %s", exc)
    return _page("LTI is misconfigured", "The tutor's LTI set-up has an error; tell the site's operator.",
                 503, "lti_misconfigured")


def _page(title: str, message: str, status: int, code: str) -> HTMLResponse:
    body = (f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<body style=\"font:15px system-ui,sans-serif;padding:1.5rem\" data-code=\"{code}\">"
            f"<h1 style=\"font-size:1.2rem\">{html.escape(title)}</h1><p>{html.escape(message)}</p></body>")
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def lti_router(settings: Settings) -> APIRouter:
    """LTI 1.3 routes under /lti: login initiation, launch (resource link or deep linking), the tool's JWKS."""
    router = APIRouter(prefix="/lti", include_in_schema=False)
    state: dict[str, Any] = {}
    lock = threading.Lock()

    def tools(request: Request) -> tuple[ToolConfDict, LtiStore]:
        with lock:  # loaded on first use, so a server without LTI never reads the file or makes a key
            if "config" not in state:
                if settings.lti_platforms_file is None:
                    raise LookupError("no LTI platforms are configured (TUTOR_LTI_PLATFORMS_FILE)")
                state["config"] = load_platforms(settings.lti_platforms_file, settings.data_dir)
                state["store"] = LtiStore(settings.data_dir / "lti.sqlite3")
                getattr(request.app.state, "closers", []).append(state["store"].close)
        return state["config"], state["store"]

    def services(request: Request, params: dict[str, str]):
        config, store = tools(request)
        req = StarletteLtiRequest(request, params)
        storage = SqliteLaunchData(store)
        storage.set_request(req)
        return config, store, req, ToolSession(req, storage), StarletteCookies(req), storage

    if settings.lti_platforms_file is not None:
        _start_sweeper(settings)

    @router.api_route("/login", methods=["GET", "POST"], name="lti_login")
    async def login(request: Request) -> Response:
        """OIDC third-party login initiation: check cookies, then redirect to the platform's auth endpoint."""
        params = await _params(request)
        try:
            config, _, req, session, cookies, storage = services(request, params)
            oidc = ToolLogin(req, config, session, cookies, storage)
            oidc.enable_check_cookies(main_msg="Your browser blocks cookies inside the course page, which the "
                                                "tutor needs to sign you in.",
                                      click_msg="Open the tutor in a new tab.", loading_msg="Opening the tutor…")
            launch_url = str(request.url_for("lti_launch"))
            return await run_in_threadpool(oidc.redirect, launch_url)
        except (LookupError, ConfigError) as exc:
            return _setup_problem(exc)
        except (OIDCException, LtiException) as exc:
            return _page("The tutor could not start", f"The login request was not valid: {exc}", 400,
                         "lti_login_invalid")

    @router.post("/launch", name="lti_launch")
    async def launch(request: Request) -> Response:
        """The platform's signed launch: validate it, then open the chat (or the deep-linking choice)."""
        params = await _params(request)
        try:
            config, store, req, session, cookies, storage = services(request, params)
            message = ToolLaunch(req, config, session, cookies, storage)
            data = await run_in_threadpool(lambda: message.validate().get_launch_data())
        except (LookupError, ConfigError) as exc:
            return _setup_problem(exc)
        except (LtiException, OIDCException) as exc:
            log.warning("rejected an LTI launch: %s", exc)
            return _page("This launch could not be verified",
                         f"{exc}. Open the tutor again from your course.", 401, "lti_launch_invalid")
        if message.is_deep_link_launch():
            return _deep_link_page(request, message)
        return await run_in_threadpool(_chat_page, request, data, store, settings)

    @router.get("/jwks", name="lti_jwks")
    def jwks() -> JSONResponse:
        """The tool's public key set, for platforms that verify its deep-linking responses and service calls."""
        _, public = tool_key(settings.data_dir)
        return JSONResponse({"keys": [dict(Registration.get_jwk(public))]})

    return router


def revoke_expired(store: LtiStore, keys: KeyStore) -> int:
    """Revoke the keys of launches past their lifetime; returns how many."""
    expired = store.expired()
    for key_id in expired:
        keys.revoke(key_id)
    return len(expired)


def _start_sweeper(settings: Settings) -> None:
    """Revoke expired launch keys every minute (or sooner for short lifetimes), not only at the next launch."""
    every = min(60.0, settings.lti_launch_token_ttl / 10)

    def sweep() -> None:
        store, keys = LtiStore(settings.data_dir / "lti.sqlite3"), KeyStore(settings.api_keys_path)
        while True:
            try:
                revoke_expired(store, keys)
            except Exception:  # a locked or vanished file must not end the sweeping
                log.exception("could not revoke expired LTI launch keys")
            time.sleep(every)

    threading.Thread(target=sweep, name="lti-key-sweeper", daemon=True).start()


def _chat_page(request: Request, data: dict[str, Any], store: LtiStore, settings: Settings) -> Response:
    """The chat for this learner in this course, with a key that owns exactly their conversation."""
    session_id = session_id_for(data)
    keys = get_keys(request)
    context = data.get(CONTEXT_CLAIM) or {}
    record, secret = keys.create(["chat"], origins=[], name=f"lti {data.get('sub', '')[:40]} {context.get('id', '')[:40]}")
    for old in store.minted(record.key_id, session_id, settings.lti_launch_token_ttl):
        keys.revoke(old)
    revoke_expired(store, keys)
    keys.release(session_id)  # the conversation moves to this launch's key
    keys.claim(session_id, record.key_id)
    recorder = getattr(request.app.state, "xapi", None)
    if recorder is not None:
        from tutor.xapi import account_actor

        actor = account_actor(data["iss"], data["sub"], data.get("name"))
        recorder.remember_actor(session_id, actor)
        recorder.remember_key_actor(record.key_id, actor)
    heading = context.get("title") or context.get("label")
    page = embed_page(api_key=secret, session_id=session_id, persist="none", title="Ask the tutor",
                      heading=f"Course: {heading}" if heading else None)
    return HTMLResponse(page, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _deep_link_page(request: Request, message: ToolLaunch) -> Response:
    """For an instructor placing the tool: a signed deep-linking response that adds the tutor to the course."""
    launch_url = str(request.url_for("lti_launch"))
    resource = (DeepLinkResource().set_url(launch_url).set_title("Course tutor")
                .set_custom_params({"placement": "tutor"}))
    deep_link = message.get_deep_link()
    token = deep_link.get_response_jwt([resource])
    settings = message.get_launch_data().get("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings", {})
    action = html.escape(settings.get("deep_link_return_url", ""), quote=True)
    page = (
        "<!doctype html><meta charset=utf-8><title>Add the tutor</title>"
        "<body style=\"font:15px system-ui,sans-serif;padding:1.5rem\">"
        "<h1 style=\"font-size:1.2rem\">Add the course tutor here</h1>"
        "<p>Learners will chat with a tutor that answers only from the course material and cites it.</p>"
        f"<form id=\"lti-deep-link\" method=\"post\" action=\"{action}\">"
        f"<input type=\"hidden\" name=\"JWT\" value=\"{html.escape(token, quote=True)}\">"
        "<button type=\"submit\">Add the tutor</button></form></body>"
    )
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})
