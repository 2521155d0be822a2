"""Who sees what: sharing scopes, partners, hub analysts, victims' consent, roles."""

from __future__ import annotations

from typing import Any

import pytest

from tessera.hub import admin, records
from tessera.hub.access import Forbidden
from tessera.hub.models import AuditEntry
from tessera.hub.records import Incoming, NotFound
from tessera.standard.records import ANY_RECORD
from tests.conftest import World


def submit(world: World, agency: str, rows: list[dict[str, Any]]) -> None:
    with world.hub.session() as s:
        owner = admin.get_agency(s, agency)
        items = [
            Incoming(
                ANY_RECORD.validate_python(r, context={"country": owner.country}),
                "t.csv",
                None,
                n + 2,
            )
            for n, r in enumerate(rows)
        ]
        counts = records.write_batch(s, owner, items, user_id=None, submission_id=None)
        assert not counts.conflicts
        records.apply_consent(s, owner.id)


def visible(world: World, username: str) -> set[str]:
    with world.hub.session() as s:
        return {r.ref for r in records.list_records(s, admin.actor(s, username))}


def test_each_scope_reaches_exactly_its_audience(world: World) -> None:
    submit(
        world,
        "UA-POL",
        [
            {"record_type": "case", "ref": "C-own", "country": "UA", "sharing_scope": "owner"},
            {
                "record_type": "case",
                "ref": "C-partners",
                "country": "UA",
                "sharing_scope": "partners",
            },
            {"record_type": "case", "ref": "C-hub", "country": "UA", "sharing_scope": "hub"},
            {"record_type": "case", "ref": "C-all", "country": "UA", "sharing_scope": "members"},
        ],
    )
    assert visible(world, "ua_sub") == {"C-own", "C-partners", "C-hub", "C-all"}
    assert visible(world, "md_an") == {"C-partners", "C-hub", "C-all"}
    assert visible(world, "io_an") == {"C-hub", "C-all"}
    assert visible(world, "de_an") == {"C-all"}


def test_record_share_with_overrides_agency_partners(world: World) -> None:
    submit(
        world,
        "UA-POL",
        [
            {
                "record_type": "case",
                "ref": "C1",
                "country": "UA",
                "sharing_scope": "partners",
                "share_with": "DE-FIU",
            },
        ],
    )
    assert visible(world, "de_an") == {"C1"}
    assert visible(world, "md_an") == set()


def test_refused_consent_keeps_victim_and_their_records_with_owner(world: World) -> None:
    submit(
        world,
        "UA-POL",
        [
            {
                "record_type": "phone",
                "ref": "PH1",
                "owner_ref": "V1",
                "number": "+380501234567",
                "sharing_scope": "members",
            },
            {
                "record_type": "person",
                "ref": "V1",
                "name": "Olena Kovalenko",
                "roles": "victim",
                "consent": "refused",
                "sharing_scope": "members",
            },
            {
                "record_type": "person",
                "ref": "S1",
                "name": "Ivan Bondar",
                "roles": "suspect",
                "sharing_scope": "members",
            },
        ],
    )
    assert visible(world, "de_an") == {"S1"}
    assert visible(world, "md_an") == {"S1"}
    assert visible(world, "ua_sub") == {"PH1", "V1", "S1"}


def test_unknown_consent_limits_victim_records_to_partners(world: World) -> None:
    submit(
        world,
        "UA-POL",
        [
            {
                "record_type": "person",
                "ref": "V1",
                "name": "Olena Kovalenko",
                "roles": "victim",
                "sharing_scope": "members",
            },
            {
                "record_type": "movement",
                "ref": "M1",
                "person_ref": "V1",
                "from_country": "UA",
                "to_country": "PL",
                "sharing_scope": "members",
            },
        ],
    )
    assert visible(world, "md_an") == {"V1", "M1"}
    assert visible(world, "de_an") == set()


def test_consent_given_later_widens_records_again(world: World) -> None:
    victim = {
        "record_type": "person",
        "ref": "V1",
        "name": "Olena Kovalenko",
        "roles": "victim",
        "sharing_scope": "members",
        "consent": "refused",
    }
    move = {
        "record_type": "movement",
        "ref": "M1",
        "person_ref": "V1",
        "from_country": "UA",
        "to_country": "PL",
        "sharing_scope": "members",
    }
    submit(world, "UA-POL", [victim, move])
    assert visible(world, "de_an") == set()
    submit(world, "UA-POL", [{**victim, "consent": "given"}])
    assert visible(world, "de_an") == {"V1", "M1"}


def test_user_without_read_role_sees_nothing_and_is_refused(world: World) -> None:
    submit(world, "UA-POL", [{"record_type": "case", "ref": "C1", "country": "UA"}])
    with pytest.raises(Forbidden), world.hub.session() as s:
        records.list_records(s, admin.actor(s, "ua_aud"))
    with world.hub.session() as s:
        refusals = s.query(AuditEntry).filter_by(username="ua_aud", outcome="refused").count()
    assert refusals == 1


def test_hidden_record_looks_absent_to_other_agency(world: World) -> None:
    submit(
        world,
        "UA-POL",
        [{"record_type": "case", "ref": "C1", "country": "UA", "sharing_scope": "owner"}],
    )
    with pytest.raises(NotFound), world.hub.session() as s:
        records.get_record(s, admin.actor(s, "de_an"), "UA-POL", "C1")
    with world.hub.session() as s:
        assert records.get_record(s, admin.actor(s, "ua_sub"), "UA-POL", "C1").ref == "C1"
        probe = s.query(AuditEntry).filter_by(username="de_an").one()
    assert (probe.resource, probe.outcome) == ("record:UA-POL/C1", "not_found")


def test_every_read_is_audited_with_the_ids_returned(world: World) -> None:
    submit(
        world,
        "UA-POL",
        [{"record_type": "case", "ref": "C1", "country": "UA", "sharing_scope": "members"}],
    )
    with world.hub.session() as s:
        rows = records.list_records(s, admin.actor(s, "de_an"), purpose="screening")
    with world.hub.session() as s:
        entry = s.query(AuditEntry).filter_by(username="de_an", action="record.read").one()
    assert f'"ids": [{rows[0].id}]' in entry.detail
    assert '"purpose": "screening"' in entry.detail


def test_relation_touching_a_victim_is_bounded_by_their_consent(world: World) -> None:
    submit(world, "UA-POL", [
        {"record_type": "person", "ref": "V1", "name": "Olena Kovalenko", "roles": "victim",
         "consent": "refused"},
        {"record_type": "person", "ref": "S1", "name": "Ivan Bondar", "roles": "recruiter",
         "sharing_scope": "members"},
        {"record_type": "relation", "ref": "L1", "kind": "recruited", "source_ref": "S1",
         "target_ref": "V1", "details": "met her at the bus station", "sharing_scope": "members"},
        {"record_type": "vehicle", "ref": "VH1", "owner_ref": "V1", "plate": "AA 1234 BC",
         "sharing_scope": "members"},
        {"record_type": "relation", "ref": "L2", "kind": "associate", "source_ref": "S1",
         "target_ref": "S2", "sharing_scope": "members"},
    ])  # fmt: skip
    assert visible(world, "de_an") == {"S1", "L2"}


def test_transactions_of_a_victims_account_follow_their_consent(world: World) -> None:
    members = {"sharing_scope": "members"}
    iban_v, iban_s = "DE89370400440532013000", "DE02120300000000202051"
    iban_t = "GB82WEST12345698765432"
    submit(world, "UA-POL", [
        {"record_type": "person", "ref": "V1", "name": "Olena Kovalenko", "roles": "victim",
         "consent": "refused"},
        {"record_type": "person", "ref": "S1", "name": "Ivan Bondar", "roles": "exploiter",
         **members},
        {"record_type": "account", "ref": "AV", "owner_ref": "V1", "iban": iban_v, **members},
        {"record_type": "account", "ref": "AS", "owner_ref": "S1", "iban": iban_s, **members},
        {"record_type": "account", "ref": "AT", "owner_ref": "S1", "iban": iban_t, **members},
        {"record_type": "transaction", "ref": "TX1", "payer_account_ref": "AV",
         "beneficiary_account_ref": "AS", "amount": "900", "currency": "EUR",
         "timestamp": "2024-03-01", **members},
        {"record_type": "transaction", "ref": "TX2", "payer_account_ref": "AS",
         "beneficiary_account_ref": "AT", "amount": "850", "currency": "EUR",
         "timestamp": "2024-03-02", **members},
    ])  # fmt: skip
    assert visible(world, "de_an") == {"S1", "AS", "AT", "TX2"}


def test_consent_refused_later_reaches_the_transactions_of_earlier_loads(world: World) -> None:
    members = {"sharing_scope": "members"}
    submit(world, "UA-POL", [
        {"record_type": "person", "ref": "V1", "name": "Olena Kovalenko", "roles": "victim",
         "consent": "given"},
        {"record_type": "account", "ref": "AV", "owner_ref": "V1",
         "iban": "DE89370400440532013000", **members},
        {"record_type": "account", "ref": "AO", "iban": "DE02120300000000202051", **members},
        {"record_type": "transaction", "ref": "TX1", "payer_account_ref": "AO",
         "beneficiary_account_ref": "AV", "amount": "120", "currency": "EUR",
         "timestamp": "2024-03-01", **members},
    ])  # fmt: skip
    assert {"AV", "TX1"} <= visible(world, "de_an")
    with world.hub.session() as s:
        owner = admin.get_agency(s, "UA-POL")
        person = ANY_RECORD.validate_python(
            {"record_type": "person", "ref": "V1", "name": "Olena Kovalenko", "roles": "victim",
             "consent": "refused"}, context={"country": "UA"},
        )
        records.write_batch(s, owner, [Incoming(person)], user_id=None, submission_id=None)
        records.apply_consent(s, owner.id)
    assert not {"V1", "AV", "TX1"} & visible(world, "de_an")
    assert "AO" in visible(world, "de_an")
