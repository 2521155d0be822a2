"""Agencies, users and API tokens.

Administration from the command line runs as the local operator, who already holds the database;
it is audited under the operator's name. The web hub will call the same functions with an
authenticated admin ``Actor`` checked by ``tessera.hub.access``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tessera.hub import audit
from tessera.hub.access import Actor
from tessera.hub.models import (
    Agency,
    AgencyKind,
    ApiToken,
    LoginSession,
    User,
    UserRole,
    as_utc,
    utcnow,
)
from tessera.standard.codes import (
    HandlingCode,
    InformationCredibility,
    SharingScope,
    SourceReliability,
)
from tessera.standard.countries import country_code

TOKEN_PREFIX = "tsr_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for
_hasher = PasswordHasher()
# Verified when the user is unknown, so that a wrong name takes as long as a wrong password and
# the time of a refusal does not tell which names exist.
_UNKNOWN_USER_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AdminError(ValueError):
    """An administrative request that cannot be carried out, with the reason."""


def _log(session: Session, operator: str, action: str, resource: str, **detail: object) -> None:
    audit.append(
        session,
        username=operator,
        agency_code=None,
        action=action,
        resource=resource,
        detail=dict(detail),
    )


# Agency codes name records ("UA-POL/P-001"), sharing lists (";UA-POL;MD-NGO;") and URLs:
# capitals and digits in parts joined by single hyphens, so no code can hold a separator.
AGENCY_CODE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
AGENCY_CODE_MAX = 32


def check_code(code: str) -> str:
    """``code`` if it is a well-formed agency code, else an ``AdminError`` saying why."""
    if not AGENCY_CODE.match(code) or len(code) > AGENCY_CODE_MAX:
        raise AdminError(f"agency code {code!r} must be capital letters and digits, in parts "
                         f"joined by single hyphens (as UA-POL), at most {AGENCY_CODE_MAX} "
                         "characters")
    return code


def create_agency(
    session: Session,
    operator: str,
    *,
    code: str,
    name: str,
    country: str,
    kind: str,
    handling_code: str = HandlingCode.H2,
    source_reliability: str = SourceReliability.X,
    information_credibility: str = InformationCredibility.four,
    scope: str = SharingScope.partners,
    partners: list[str] | None = None,
) -> Agency:
    """Register a member agency with its sharing defaults."""
    for given in (code, *(partners or [])):
        check_code(given)
    iso = country_code(country)
    if iso is None:
        raise AdminError(f"unknown country {country!r}")
    try:
        kind = AgencyKind(kind)
        handling_code = HandlingCode(handling_code)
        source_reliability = SourceReliability(source_reliability)
        information_credibility = InformationCredibility(information_credibility)
        scope = SharingScope(scope)
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    if session.scalar(select(Agency).where(Agency.code == code)):
        raise AdminError(f"agency {code!r} already exists")
    agency = Agency(
        code=code,
        name=name,
        country=iso,
        kind=kind,
        default_handling_code=handling_code,
        default_source_reliability=source_reliability,
        default_information_credibility=information_credibility,
        default_scope=scope,
        partners=sorted(partners or []),
    )
    session.add(agency)
    session.flush()
    _log(session, operator, "agency.create", f"agency:{code}", kind=kind, country=iso)
    return agency


def get_agency(session: Session, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise AdminError(f"no agency {code!r}")
    return agency


def create_user(
    session: Session,
    operator: str,
    *,
    username: str,
    agency_code: str,
    roles: list[str],
    password: str | None = None,
) -> User:
    """Add a user to an agency; passwords are stored as argon2 hashes."""
    agency = get_agency(session, agency_code)
    try:
        checked = sorted({UserRole(r).value for r in roles})
    except ValueError:
        raise AdminError(
            f"unknown role in {roles}; roles are {', '.join(r.value for r in UserRole)}"
        ) from None
    if not checked:
        raise AdminError("a user needs at least one role")
    if session.scalar(select(User).where(User.username == username)):
        raise AdminError(f"user {username!r} already exists")
    if password is not None and len(password) < 10:
        raise AdminError("a password needs at least 10 characters")
    user = User(
        username=username,
        agency=agency,
        roles=checked,
        password_hash=_hasher.hash(password) if password else None,
    )
    session.add(user)
    session.flush()
    _log(session, operator, "user.create", f"user:{username}", agency=agency_code, roles=checked)
    return user


def set_password(session: Session, operator: str, username: str, password: str) -> None:
    """Set a user's password (argon2-hashed) and end their login sessions; audited, without
    the password."""
    if len(password) < 10:
        raise AdminError("a password needs at least 10 characters")
    user = get_user(session, username)
    user.password_hash = _hasher.hash(password)
    session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    _log(session, operator, "user.password", f"user:{username}")


def user_exists(session: Session, username: str) -> bool:
    return session.scalar(select(User.id).where(User.username == username)) is not None


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise AdminError(f"no active user {username!r}")
    return user


def actor(session: Session, username: str) -> Actor:
    return Actor.of(get_user(session, username))


def check_password(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user is not None and user.active else None
    try:
        _hasher.verify(stored or _UNKNOWN_USER_HASH, password)
    except VerificationError:
        return None
    return user if stored else None


def _token_hash(token: str) -> str:
    # Tokens are 256-bit random strings, so a fast hash is enough; no salt is needed.
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, operator: str, username: str, name: str, days: int | None = 365
) -> str:
    """A new API token for ``username``; only its hash is stored, so it is shown once."""
    user = get_user(session, username)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(days=days) if days else None
    session.add(
        ApiToken(
            user_id=user.id,
            name=name,
            token_hash=_token_hash(token),
            prefix=token[:10],
            expires_at=expires,
        )
    )
    session.flush()
    _log(session, operator, "token.issue", f"user:{username}", name=name, prefix=token[:10])
    return token


def revoke_token(session: Session, operator: str, prefix: str) -> None:
    token = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None:
        raise AdminError(f"no token starting {prefix!r}")
    token.revoked_at = utcnow()
    _log(session, operator, "token.revoke", f"user:{token.user.username}", prefix=prefix)


def authenticate_token(session: Session, token: str) -> Actor | None:
    """Who holds a token, unless it is unknown, revoked or expired, or its user inactive.

    Every API call asks, so this is one Core query rather than three ORM loads."""
    row = session.execute(
        select(
            User.id, User.username, User.agency_id, Agency.code, Agency.kind, User.roles,
            ApiToken.expires_at,
        )
        .join(User, User.id == ApiToken.user_id)
        .join(Agency, Agency.id == User.agency_id)
        .where(
            ApiToken.token_hash == _token_hash(token),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    ).first()
    if row is None or (row.expires_at is not None and as_utc(row.expires_at) < utcnow()):
        return None
    return Actor(row.id, row.username, row.agency_id, row.code, row.kind, frozenset(row.roles))
