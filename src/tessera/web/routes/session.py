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

router = APIRouter(prefix="/session", tags=["session"], responses=problems(401, 429))


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def start_session(
    request: Request, response: Response, state: WebState, username: str, password: str
) -> Me:
    """Check the password under the throttle, and set the session cookie on ``response``.

    The attempt commits in a transaction of its own, so that a refusal stays in the audit log.
    The throttle counts failures per username and per client address, so that neither one
    name tried from many places nor many names tried from one place goes unchecked."""
    client = client_of(request)
    keys = (f"user:{username}", f"client:{client}")
    wait = max(state.throttle.wait(key) for key in keys)
    if wait:
        raise Throttled(wait)
    with state.hub.session() as session:
        started = logins.sign_in(session, state.secret, username, password, client=client)
        me = me_of(Actor.of(started[1].user), started[1].csrf_token) if started else None
    if started is None or me is None:
        for key in keys:
            state.throttle.failed(key)
        raise NotSignedIn("wrong username or password")
    state.throttle.succeeded(keys[0])
    response.set_cookie(
        SESSION_COOKIE, started[0], max_age=logins.SESSION_HOURS * 3600, httponly=True,
        samesite="strict", secure=request.url.scheme == "https", path="/",
    )
    return me


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
