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

from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.hub import admin, audit
from tessera.hub.models import LoginSession, User, as_utc, utcnow

SESSION_HOURS = 12


def _digest(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def sign_in(
    session: Session, secret: str, username: str, password: str, *, client: str
) -> tuple[str, LoginSession] | None:
    """A new session for ``username`` if the password is right (its cookie token, and the
    session); ``None`` otherwise. Both outcomes are audited, with the client's address."""
    user = admin.check_password(session, username, password)
    audit.append(
        session,
        username=username[:64],
        agency_code=user.agency.code if user else None,
        action="auth.login",
        resource=f"user:{username[:200]}",
        outcome="ok" if user else "refused",
        detail={"client": client},
    )
    if user is None:
        return None
    token = secrets.token_urlsafe(32)
    login = LoginSession(
        user_id=user.id,
        token_digest=_digest(secret, token),
        csrf_token=secrets.token_urlsafe(32),
        expires_at=utcnow() + dt.timedelta(hours=SESSION_HOURS),
    )
    session.add(login)
    session.flush()
    return token, login


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
