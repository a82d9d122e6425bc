"""FastAPI dependencies shared by every router of the HTTP API: the tutor, auth and scopes, JSON errors.

Routers (chat, sessions, LTI, widget, xAPI, tutoring…) import from here, never from `tutor.api`,
which imports them: that keeps the import graph free of cycles.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from tutor.config import Settings

if TYPE_CHECKING:
    from tutor.feedback import FeedbackStore
    from tutor.keys import KeyStore
    from tutor.service import Tutor

DEV_KEY_ID = "dev"


class ErrorDetail(BaseModel):
    """What went wrong: a stable machine-readable code and a sentence for people."""

    code: str = Field(description="Stable identifier of the error, e.g. `question_too_long`; see docs/api.md.")
    message: str


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class ApiError(Exception):
    """An error the API reports as `{"error": {"code", "message"}}` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_body(code: str, message: str) -> dict[str, Any]:
    """The JSON body of an error."""
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """A JSON error response in the API's one error format."""
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting error statuses with the ErrorBody schema."""
    return {s: {"model": ErrorBody, "description": _STATUS_TEXT.get(s, "Error")} for s in statuses}


_STATUS_TEXT = {400: "Malformed request", 401: "Missing or unknown API key", 403: "Scope or origin not allowed",
                404: "Not found", 413: "Request body too large", 422: "Invalid request",
                429: "Rate limit exceeded", 503: "Store or backend unavailable"}


class Principal(BaseModel):
    """Who is calling: the API key (or the local dev principal) with its scopes and allowed origins."""

    key_id: str
    name: str = ""
    scopes: list[str] = Field(default_factory=list)
    origins: list[str] = Field(default_factory=list)
    dev: bool = False

    def has(self, scope: str) -> bool:
        """Whether the principal may use `scope` (admin implies every scope)."""
        return scope in self.scopes or "admin" in self.scopes

    @property
    def is_admin(self) -> bool:
        """Whether the principal has the admin scope."""
        return "admin" in self.scopes


DEV_PRINCIPAL = Principal(key_id=DEV_KEY_ID, name="local dev mode", scopes=["admin", "chat"], origins=["*"], dev=True)


class RateLimiter:
    """A token bucket per key: `burst` requests at once, refilled at `per_minute` per minute."""

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one token; returns 0 when allowed, else the seconds until a token is available."""
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate


def get_tutor(request: Request) -> Tutor:
    """The Tutor the app was created with."""
    return request.app.state.tutor


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


def get_keys(request: Request) -> KeyStore:
    """The API key store (also records session owners)."""
    return request.app.state.keys


def get_feedback(request: Request) -> FeedbackStore:
    """The store of replies and their ratings (the same one the web app and `tutor feedback export` use)."""
    return request.app.state.feedback


def _presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return request.headers.get("x-api-key") or None


def _same_origin(request: Request, origin: str) -> bool:
    host = request.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


def authenticate(request: Request) -> Principal:
    """The caller, from `Authorization: Bearer` or `X-API-Key`; dev mode without a key gives the local principal."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    settings = get_settings(request)
    secret = _presented_key(request)
    if secret is None:
        if settings.api_dev_mode:
            request.state.principal = DEV_PRINCIPAL
            return DEV_PRINCIPAL
        raise ApiError(401, "auth_required", "An API key is required: send `Authorization: Bearer <key>` "
                                             "(create one with `tutor keys create`).", {"WWW-Authenticate": "Bearer"})
    record = get_keys(request).authenticate(secret)
    if record is None:
        raise ApiError(401, "invalid_key", "The API key is unknown or revoked.", {"WWW-Authenticate": "Bearer"})
    principal = Principal(key_id=record.key_id, name=record.name, scopes=record.scopes, origins=record.origins)
    origin = request.headers.get("origin")
    # Browsers send Origin on cross-site calls: a key only works from the sites it was made for.
    if origin and "*" not in principal.origins and origin.rstrip("/") not in principal.origins \
            and not _same_origin(request, origin):
        raise ApiError(403, "origin_not_allowed", f"This API key may not be used from {origin}.")
    wait = request.app.state.limiter.take(principal.key_id)
    if wait > 0:
        raise ApiError(429, "rate_limited", f"Too many requests for this key; retry in {math.ceil(wait)} s.",
                       {"Retry-After": str(max(1, math.ceil(wait)))})
    request.state.principal = principal
    return principal


# Declared so the OpenAPI document (and /docs) show both ways to send a key; parsing is `authenticate`'s.
_BEARER = HTTPBearer(auto_error=False, scheme_name="bearer", description="An API key from `tutor keys create`.")
_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="apiKey", description="The same key, as a header.")


def require_scope(scope: str) -> Callable[..., Principal]:
    """A dependency that authenticates the caller and checks it holds `scope` (admin holds every scope)."""

    def dependency(request: Request, _bearer: HTTPAuthorizationCredentials | None = Security(_BEARER),
                   _header: str | None = Security(_HEADER)) -> Principal:
        principal = authenticate(request)
        if not principal.has(scope):
            raise ApiError(403, "scope_required", f"This API key lacks the `{scope}` scope.")
        return principal

    dependency.__name__ = f"require_{scope}"
    return dependency
