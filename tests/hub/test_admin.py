"""Agencies, users, passwords and API tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tessera.hub import admin
from tessera.hub.models import ApiToken, User
from tests.conftest import World


def test_token_is_stored_hashed_and_authenticates(world: World) -> None:
    with world.hub.session() as s:
        token = admin.issue_token(s, "test", "md_an", "case system")
    with world.hub.session() as s:
        stored = s.scalars(select(ApiToken.token_hash)).all()
        user = admin.authenticate_token(s, token)
    assert token not in stored and all(len(h) == 64 for h in stored)
    assert user is not None and user.username == "md_an"


def test_revoked_and_expired_tokens_are_refused(world: World) -> None:
    with world.hub.session() as s:
        revoked = admin.issue_token(s, "test", "md_an", "old")
        expired = admin.issue_token(s, "test", "md_an", "short", days=-1)
        admin.revoke_token(s, "test", revoked[:10])
    with world.hub.session() as s:
        assert admin.authenticate_token(s, revoked) is None
        assert admin.authenticate_token(s, expired) is None
        assert admin.authenticate_token(s, "tsr_made-up") is None


def test_password_is_hashed_with_argon2(world: World) -> None:
    with world.hub.session() as s:
        admin.create_user(
            s,
            "test",
            username="pw",
            agency_code="UA-POL",
            roles=["analyst"],
            password="correct horse battery",
        )
    with world.hub.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "pw"))
        assert stored is not None and stored.startswith("$argon2")
        assert admin.check_password(s, "pw", "correct horse battery") is not None
        assert admin.check_password(s, "pw", "wrong horse battery") is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"roles": ["wizard"]}, "unknown role"),
        ({"roles": []}, "at least one role"),
        ({"agency_code": "XX"}, "no agency 'XX'"),
        ({"username": "md_an"}, "already exists"),
        ({"password": "short"}, "at least 10 characters"),
    ],
)
def test_bad_user_requests_are_refused_with_reason(
    world: World, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"username": "new", "agency_code": "UA-POL", "roles": ["analyst"]}
    args.update(kwargs)
    with pytest.raises(admin.AdminError, match=message), world.hub.session() as s:
        admin.create_user(s, "test", **args)  # type: ignore[arg-type]


def test_agency_country_is_cleaned_and_checked(world: World) -> None:
    with world.hub.session() as s:
        agency = admin.create_agency(
            s, "test", code="RO-BP", name="Border Police", country="Roumanie", kind="border"
        )
        assert agency.country == "RO"
        with pytest.raises(admin.AdminError, match="unknown country"):
            admin.create_agency(s, "test", code="X", name="X", country="Atlantis", kind="ngo")


@pytest.mark.parametrize("code", ["ua-pol", "UA/POL", "UA;POL", "UA--POL", "-UA", "UA-", "",
                                  "UA POL", "UA%", "A" * 33])
def test_an_agency_code_that_could_hold_a_separator_is_refused(world: World, code: str) -> None:
    with world.hub.session() as s:
        with pytest.raises(admin.AdminError, match="must be capital letters and digits"):
            admin.create_agency(s, "test", code=code, name="N", country="RO", kind="ngo")
        with pytest.raises(admin.AdminError, match="must be capital letters and digits"):
            admin.create_agency(s, "test", code="RO-NGO", name="N", country="RO", kind="ngo",
                                partners=["UA-POL", code])
        assert admin.create_agency(s, "test", code="RO-NGO2", name="N", country="RO",
                                   kind="ngo", partners=["UA-POL"]).code == "RO-NGO2"
