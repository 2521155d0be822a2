"""The web hub's ASGI middleware: security headers on every answer, and bounded bodies."""

from __future__ import annotations

import json
import re
from contextlib import suppress

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/api/v1"

# Pages load only this site's own scripts, styles and images (JavaScript libraries are
# vendored), and may not be framed: an analyst's screen cannot be overlaid by another site.
# Referrers go to this site only: with none at all, Chromium sends "Origin: null" on the
# pages' own form posts, which the same-origin check must refuse.
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class _Http:
    """An ASGI middleware for HTTP requests; anything else passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class SecureHeaders(_Http):
    """Adds the security headers to every response; no-store on everything but static files,
    so that a shared computer's cache keeps no record a person has seen."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += SECURITY_HEADERS
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


# Where files are uploaded; every other request's body is small.
UPLOAD_PATHS = frozenset({f"{API_PREFIX}/submissions", "/submissions"})
UPLOAD_PATTERN = re.compile(rf"{API_PREFIX}/exchanges/[^/]+/encodings")
SMALL_BODY = 1 << 20


class _TooLarge(Exception):
    pass


class BodyLimit(_Http):
    """Refuses a request body larger than its route allows (``413``), before the application
    reads it: FastAPI reads a whole body, a form and its files before it knows who is asking.
    Uploads may be ``max_upload_mb``; anything else 1 MiB."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] in UPLOAD_PATHS or UPLOAD_PATTERN.fullmatch(scope["path"]):
            limit = scope["app"].state.web.settings.max_upload_mb << 20
        else:
            limit = SMALL_BODY
        declared = dict(scope["headers"]).get(b"content-length")
        page = not scope["path"].startswith(API_PREFIX)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit, page)
            return
        received = 0
        answered = False  # the 413 went out: whatever the application sends after is dropped

        async def counted() -> Message:
            nonlocal received, answered
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit and not answered:
                # The body is read before any response starts; answer now, since FastAPI
                # turns an error while reading into a 400 of its own.
                answered = True
                await _refuse(send, limit, page)
                raise _TooLarge
            return message

        async def unless_answered(message: Message) -> None:
            if not answered:
                await send(message)

        with suppress(_TooLarge):
            await self.app(scope, counted, unless_answered)


async def _refuse(send: Send, limit: int, page: bool) -> None:
    """Answer 413: in JSON to the API, as a page to a browser's form (a person reads it)."""
    reason = f"the request is larger than {limit >> 20} MiB"
    if page:
        body = (f"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
                f"<title>Too large - Tessera</title><h1>Too large</h1><p>The file was not "
                f"read: {reason}. Split it, or ask the hub's administrator for a larger "
                f"limit.</p><p><a href=\"/submissions\">Back to submissions</a></p>"
                ).encode()
        kind = b"text/html; charset=utf-8"
    else:
        body = json.dumps({"detail": reason}).encode()
        kind = b"application/json"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", kind),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
