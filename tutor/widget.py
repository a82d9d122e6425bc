"""The embeddable widget's files and its iframe page: GET /static/<file> and GET /embed."""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from tutor.api_deps import ApiError, get_keys

STATIC_DIR = Path(__file__).resolve().parent / "static"
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8"}


def embed_page(*, api_key: str = "", title: str = "Ask the tutor", theme: str = "light",
               session_id: str | None = None, persist: str = "local", endpoint: str = "",
               heading: str | None = None) -> str:
    """A whole page holding one inline <tutor-chat>; the LTI launch and /embed both serve it."""
    attrs = {"mode": "inline", "title": title, "theme": theme, "persist": persist}
    if endpoint:
        attrs["endpoint"] = endpoint
    if api_key:
        attrs["api-key"] = api_key
    if session_id:
        attrs["session-id"] = session_id
    rendered = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
    bg = "#161a23" if theme == "dark" else "#fff"
    note = f"<p class=\"lti-context\">{html.escape(heading)}</p>" if heading else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>html,body{{margin:0;height:100%;background:{bg}}}body{{display:flex;flex-direction:column}}
.lti-context{{margin:0;padding:6px 14px;font:13px system-ui,sans-serif;color:#5b6170}}tutor-chat{{flex:1;min-height:0}}</style>
<script src="/static/tutor-widget.js" defer></script></head>
<body>{note}<tutor-chat {rendered}></tutor-chat>
</body></html>"""


def widget_router() -> APIRouter:
    """The widget script (and any other file in tutor/static) and the /embed iframe page."""
    router = APIRouter(tags=["widget"])

    @router.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> FileResponse:
        """A file of the widget (only plain names inside tutor/static)."""
        path = (STATIC_DIR / name).resolve()
        if path.parent != STATIC_DIR or not path.is_file() or path.suffix not in _TYPES:
            raise ApiError(404, "not_found", "No such file.")
        # Hosts load the widget from their own pages: let any origin fetch it, and let caches keep it briefly.
        return FileResponse(path, media_type=_TYPES[path.suffix],
                            headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"})

    @router.get("/embed", response_class=HTMLResponse, include_in_schema=False)
    def embed(request: Request, key: str = Query("", description="A chat-scoped API key."),
              title: str = Query("Ask the tutor", max_length=120),
              theme: str = Query("light", pattern="^(light|dark)$")) -> HTMLResponse:
        """The chat as a page for an iframe: `<iframe src="/embed?key=…&title=…&theme=dark">`."""
        headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
        if key:
            record = get_keys(request).authenticate(key)
            if record is None:
                raise ApiError(401, "invalid_key", "The API key is unknown or revoked.")
            # Inside the iframe every call is same-origin, so the key's origin list is enforced here instead:
            # only the sites the key was made for may frame the page.
            if record.origins and "*" not in record.origins:
                headers["Content-Security-Policy"] = "frame-ancestors 'self' " + " ".join(record.origins)
        return HTMLResponse(embed_page(api_key=key, title=title, theme=theme), headers=headers)

    return router
