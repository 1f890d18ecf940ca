"""The web UI's built assets, served by ``alma serve`` at ``/`` beside the API.

One plain ASGI layer in front of the gate (``alma.perimeter``): the assets are public — a page, scripts and
styles, no data — and every request for data the page makes carries the key and passes the gate as any
other client's. The layer answers only

- ``GET``/``HEAD`` of a file the build made (``/assets/…``, hashed names: cached for a year), served
  pre-compressed (``FILE.gz``, written by the build) to clients that accept gzip, and
- a browser's page load (``Accept: text/html``) of ``/`` or of a page of the UI (``UI_ROUTES``): the UI's
  ``index.html``, whose router shows the page.

Everything else — the API under ``/api/v1``, ``/ws``, ``/graphql``, ``/docs``, and ``/`` asked for JSON —
goes on to the application untouched. Only files listed when the server starts are ever served, so no
path can reach outside the build. The assets are found by ``alma.bundled.web_assets_dir`` (a checkout's
``web/dist``, or the copy a wheel carries); without a build the API is served alone."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from alma.api import problems

# The first segment of every page of the UI (web/src/App.tsx); a browser loading one gets index.html.
UI_ROUTES = frozenset({"chat", "stacks", "plans", "iprs", "deployments", "engines", "events", "signin"})
# The page may load its own scripts and styles and talk to its own origin (HTTP and WebSocket); nothing
# else, and it may not be framed. Inline styles: the graph library positions its nodes with them.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSIBLE = (".js", ".css", ".html", ".svg", ".json", ".map", ".txt")


class WebUi:
    """Serves the build in ``directory`` (which has ``index.html``) and passes everything else on."""

    def __init__(self, app: ASGIApp, directory: Path) -> None:
        self.app = app
        self.index = directory / "index.html"
        # Every file of the build, by URL path: the only files this layer will ever open.
        self.files = {
            "/" + path.relative_to(directory).as_posix(): path
            for path in directory.rglob("*")
            if path.is_file() and path.suffix != ".gz"
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith("/assets/"):
            if path in self.files:
                await self._file(self.files[path], scope, IMMUTABLE)(scope, receive, send)
            else:  # an asset of another build (a page open across an upgrade): say so, do not ask for a key
                gone = problems.problem(404, "Not found", f"no asset {path} in this build of the web UI; reload")
                await gone(scope, receive, send)
        elif _is_page(path) and _accepts_html(scope):
            await self._file(self.index, scope, "no-cache", page=True)(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _file(self, path: Path, scope: Scope, cache: str, *, page: bool = False) -> FileResponse:
        headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding"}
        if page:
            headers["Content-Security-Policy"] = CSP
            headers["Referrer-Policy"] = "no-referrer"
        compressed = path.with_name(path.name + ".gz")
        if path.suffix in COMPRESSIBLE and compressed.is_file() and "gzip" in _header(scope, b"accept-encoding"):
            headers["Content-Encoding"] = "gzip"
            return FileResponse(compressed, media_type=_media_type(path), headers=headers)
        return FileResponse(path, media_type=_media_type(path), headers=headers)


def _is_page(path: str) -> bool:
    if path in ("/", "/index.html"):
        return True
    return path.strip("/").split("/", 1)[0] in UI_ROUTES


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1").lower()
    return ""


def _accepts_html(scope: Scope) -> bool:
    """A browser's navigation: it asks for text/html. API clients (``*/*``, JSON) get the API's answer."""
    return "text/html" in _header(scope, b"accept")


def _media_type(path: Path) -> str:
    return {
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".svg": "image/svg+xml",
        ".json": "application/json",
        ".woff2": "font/woff2",
        ".png": "image/png",
        ".ico": "image/x-icon",
    }.get(path.suffix, "application/octet-stream")
