"""Signing in and out with a password (a cookie session), and who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from tessera.hub import logins
from tessera.hub.access import Actor
from tessera.web.deps import (
    SESSION_COOKIE,
    ActorDep,
    HubDep,
    NotSignedIn,
    OptionalCallerDep,
    StateDep,
    Throttled,
    WebState,
)
from tessera.web.schemas import Credentials, Me, problems

router = APIRouter(prefix="/session", tags=["session"], responses=problems(400, 401, 429))


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# Failures allowed in the throttle's window before attempts must wait: for one name from one
# address; for one address, whatever the names; for one name, from anywhere. The last is loose,
# so that a stranger cannot easily lock a named person out by failing on purpose.
THROTTLE_LIMITS = (("pair", 5), ("client", 20), ("user", 50))


def start_session(
    request: Request, response: Response, state: WebState, username: str, password: str
) -> Me:
    """Check the password under the throttle, and set the session cookie on ``response``.

    The attempt is audited in a transaction of its own, so that a refusal stays in the log."""
    client = client_of(request)
    names = {"pair": f"{username}|{client}", "client": client, "user": username}
    keys = [(f"{kind}:{names[kind]}", free) for kind, free in THROTTLE_LIMITS]
    wait = max(state.throttle.wait(key, free) for key, free in keys)
    if wait:
        raise Throttled(wait)
    started = logins.check(state.hub, state.secret, username, password, client=client)
    if started is None:
        for key, _ in keys:
            state.throttle.failed(key)
        raise NotSignedIn("wrong username or password")
    state.throttle.succeeded(keys[0][0])
    response.set_cookie(
        SESSION_COOKIE, started.token, max_age=logins.SESSION_HOURS * 3600, httponly=True,
        samesite="strict", secure=request.url.scheme == "https", path="/",
    )
    return me_of(started.actor, started.csrf_token)


def me_of(actor: Actor, csrf_token: str | None) -> Me:
    return Me(
        username=actor.username, agency=actor.agency_code, agency_kind=actor.agency_kind,
        roles=sorted(actor.roles), csrf_token=csrf_token,
    )


@router.post("", response_model=Me, operation_id="sign_in")
def sign_in(
    credentials: Credentials, request: Request, response: Response, state: StateDep
) -> Me:
    """Sign in with a password; the answer carries the CSRF token for later changes."""
    return start_session(request, response, state, credentials.username, credentials.password)


@router.delete("", status_code=204, operation_id="sign_out")
def sign_out(caller: OptionalCallerDep, hub: HubDep, response: Response) -> None:
    """End this browser session."""
    if caller.login_id is not None:
        with hub.session() as session:
            logins.sign_out(session, caller.login_id)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", response_model=Me, operation_id="who_am_i")
def who_am_i(actor: ActorDep, caller: OptionalCallerDep) -> Me:
    """The signed-in user or token holder, with agency and roles."""
    return me_of(actor, caller.csrf_token)
