"""What every request shares: the hub, a unit of work, who is calling, and the CSRF check.

Each request runs in one hub session: committed when the response is ready, rolled back (and a
refusal audited) if the endpoint raises. The caller is a person signed in with a session cookie
or a system presenting a bearer token; deciding what they may do is left to ``tessera.hub``.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from tessera.config import Settings
from tessera.hub import admin, logins
from tessera.hub.access import Actor
from tessera.hub.db import Hub

SESSION_COOKIE = "tessera_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Dependencies that do no blocking work are ``async def``: FastAPI runs a plain ``def`` in its
# thread pool, and each such hop costs more than these functions do.


class NotSignedIn(Exception):
    """The request needs a signed-in user or a valid API token."""


class CsrfRefused(Exception):
    """A change sent with a session cookie lacked the session's CSRF token, or came from
    another site."""


class Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins: try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass
class Throttle:
    """Failed sign-ins per key: after ``free`` failures within ``window`` seconds, each further
    attempt must wait, twice as long each time, up to ``longest`` seconds. Kept in memory, so
    each server process counts its own; at most ``keys`` keys are remembered (the oldest
    forgotten first), so that made-up names cannot exhaust memory."""

    window: float = 900.0
    longest: float = 900.0
    keys: int = 100_000
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, key: str, free: int, now: float | None = None) -> int:
        """Seconds before ``key`` may try again (0: now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._failures.get(key, ()) if now - t < self.window]
            if not recent:
                self._failures.pop(key, None)
                return 0
            self._failures[key] = recent
            if len(recent) < free:
                return 0
            delay = min(self.longest, 2.0 ** (len(recent) - free))
            return max(0, int(recent[-1] + delay - now + 0.999))

    def failed(self, key: str, now: float | None = None) -> None:
        with self._lock:
            self._failures.setdefault(key, []).append(time.monotonic() if now is None else now)
            while len(self._failures) > self.keys:
                del self._failures[next(iter(self._failures))]

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


@dataclass
class WebState:
    hub: Hub
    settings: Settings
    secret: str
    throttle: Throttle


async def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


StateDep = Annotated[WebState, Depends(web_state)]


async def hub_of(state: StateDep) -> Hub:
    """The store. Each endpoint opens its unit of work itself (``with hub.session()``), so that
    the transaction begins, commits and releases its locks within one thread: one held across
    the server's thread hops (as a dependency with ``yield`` would) starves the thread pool
    when every thread waits for that lock."""
    return state.hub


HubDep = Annotated[Hub, Depends(hub_of)]


@dataclass(frozen=True)
class Caller:
    """Who sent the request: nobody, a person signed in (their login session's id and CSRF
    token), or a system with an API token."""

    actor: Actor | None = None
    login_id: int | None = None
    csrf_token: str | None = None


def identify(request: Request, state: StateDep) -> Caller:
    """Who is calling, looked up in a short read-only transaction of its own, so that an
    endpoint that hands work to another transaction (a file load) holds no lock while it
    waits, and so that identifying callers never queues behind writers."""
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    cookie = request.cookies.get(SESSION_COOKIE)
    if not credential and not cookie:
        return Caller()
    with state.hub.reading() as session:
        if scheme.lower() == "bearer" and credential:
            actor = admin.authenticate_token(session, credential.strip())
            if actor is None:
                raise NotSignedIn("the API token is unknown, revoked or expired")
            return Caller(actor)
        login = logins.resolve(session, state.secret, cookie) if cookie else None
        if login is None:
            return Caller()
        return Caller(Actor.of(login.user), login.id, login.csrf_token)


CallerDep = Annotated[Caller, Depends(identify)]


def same_origin(request: Request) -> bool:
    """A browser names the page a change came from; it must be this site."""
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


async def checked_caller(request: Request, caller: CallerDep) -> Caller:
    """The caller, once a change sent with a session cookie has proved it came from our own
    pages: same origin, and the session's CSRF token in a header or a form field. A bearer
    token cannot be sent by another site's page, so token calls need neither."""
    if request.method in SAFE_METHODS or caller.csrf_token is None:
        return caller
    if not same_origin(request):
        raise CsrfRefused("the request came from another site")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, caller.csrf_token):
        raise CsrfRefused("the form or request lacks this session's CSRF token")
    return caller


async def signed_in(caller: Annotated[Caller, Depends(checked_caller)]) -> Actor:
    if caller.actor is None:
        raise NotSignedIn("sign in, or send an API token (Authorization: Bearer …)")
    return caller.actor


ActorDep = Annotated[Actor, Depends(signed_in)]
OptionalCallerDep = Annotated[Caller, Depends(checked_caller)]
