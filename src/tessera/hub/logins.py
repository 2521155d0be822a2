"""People signing in to the web hub: login sessions, and the audit of every attempt.

A session is a random token in an HTTP-only cookie; the store keeps only its HMAC digest under
the server secret, so neither a copy of the database nor the secret alone lets anyone sign in.
Each session carries its own CSRF token, which forms and scripts send back on every change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from tessera.hub import admin, audit
from tessera.hub.access import Actor
from tessera.hub.db import Hub
from tessera.hub.models import LoginSession, User, as_utc, utcnow

SESSION_HOURS = 12


def _digest(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Started:
    """A new login session: the token for the cookie (shown once), and who signed in."""

    token: str
    csrf_token: str
    actor: Actor


def check(hub: Hub, secret: str, username: str, password: str, *, client: str) -> Started | None:
    """Sign ``username`` in if the password is right; ``None`` otherwise.

    The password is checked in a read-only transaction: argon2 takes tens of milliseconds,
    which must not be spent holding the store's write turn. Then one short transaction audits
    the attempt, good or bad, with the client's address, and starts the session. A name that
    is no user's is audited by its digest, since people type passwords into the name field."""
    with hub.reading() as session:
        user = admin.check_password(session, username, password)
        known = user is not None or admin.user_exists(session, username)
        actor = Actor.of(user) if user else None
    named = username if known else "sha256:" + hashlib.sha256(username.encode()).hexdigest()[:16]
    with hub.session() as session:
        audit.append(
            session,
            username=named[:64],
            agency_code=actor.agency_code if actor else None,
            action="auth.login",
            resource=f"user:{named[:200]}",
            outcome="ok" if actor else "refused",
            detail={"client": client},
        )
        if actor is None:
            return None
        token = secrets.token_urlsafe(32)
        _purge(session)
        login = LoginSession(
            user_id=actor.user_id,
            token_digest=_digest(secret, token),
            csrf_token=secrets.token_urlsafe(32),
            expires_at=utcnow() + dt.timedelta(hours=SESSION_HOURS),
        )
        session.add(login)
        session.flush()
        return Started(token, login.csrf_token, actor)


def _purge(session: Session) -> None:
    """Delete the sessions that can never be used again — expired, or ended by signing out —
    so the table holds live sessions only (each start and end is in the audit log)."""
    session.execute(delete(LoginSession).where(
        or_(LoginSession.expires_at < utcnow(), LoginSession.ended_at.is_not(None))))


def resolve(session: Session, secret: str, token: str) -> LoginSession | None:
    """The live session a cookie token belongs to: not ended, not expired, its user active."""
    login = session.scalar(
        select(LoginSession).where(LoginSession.token_digest == _digest(secret, token))
    )
    if login is None or login.ended_at is not None or as_utc(login.expires_at) < utcnow():
        return None
    return login if login.user.active else None


def sign_out(session: Session, login_id: int) -> None:
    """End a session for good, audited."""
    login = session.get_one(LoginSession, login_id)
    login.ended_at = utcnow()
    user: User = login.user
    audit.append(
        session,
        username=user.username,
        agency_code=user.agency.code,
        action="auth.logout",
        resource=f"user:{user.username}",
        outcome="ok",
        detail=None,
    )
