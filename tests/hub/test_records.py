"""Versioned writes, retraction and retention of records."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from tessera.hub import admin, records
from tessera.hub.access import Forbidden
from tessera.hub.models import AuditEntry
from tessera.standard.records import ANY_RECORD
from tests.conftest import World
from tests.hub.test_access import submit, visible

CASE = {"record_type": "case", "ref": "C1", "country": "UA", "summary": "first account"}


def test_resubmission_keeps_history_and_skips_unchanged(world: World) -> None:
    submit(world, "UA-POL", [CASE])
    submit(world, "UA-POL", [CASE])
    submit(world, "UA-POL", [{**CASE, "summary": "second account"}])
    with world.hub.session() as s:
        versions = records.history(s, admin.actor(s, "ua_sub"), "UA-POL", "C1")
    assert [v.version for v in versions] == [1, 2]
    assert [v.data["summary"] for v in versions] == ["first account", "second account"]
    assert [v.is_current for v in versions] == [False, True]


def test_change_of_handling_code_is_a_new_version(world: World) -> None:
    submit(world, "UA-POL", [CASE])
    submit(world, "UA-POL", [{**CASE, "handling_code": "H0"}])
    with world.hub.session() as s:
        versions = records.history(s, admin.actor(s, "ua_sub"), "UA-POL", "C1")
    assert [v.handling_code for v in versions] == ["H2", "H0"]


def test_same_ref_in_two_agencies_are_two_records(world: World) -> None:
    submit(world, "UA-POL", [{**CASE, "sharing_scope": "members"}])
    submit(world, "MD-NGO", [{**CASE, "country": "MD", "sharing_scope": "members"}])
    with world.hub.session() as s:
        rows = records.list_records(s, admin.actor(s, "de_an"))
    assert sorted(r.agency.code for r in rows) == ["MD-NGO", "UA-POL"]


def test_ref_reused_for_another_type_is_a_conflict(world: World) -> None:
    submit(world, "UA-POL", [CASE])
    with pytest.raises(AssertionError):  # submit() asserts there are no conflicts
        submit(world, "UA-POL", [{"record_type": "person", "ref": "C1", "name": "A B"}])


def test_retraction_hides_record_but_keeps_history(world: World) -> None:
    submit(world, "UA-POL", [CASE])
    with world.hub.session() as s:
        records.retract(s, admin.actor(s, "ua_sub"), "C1", "entered in error")
    assert visible(world, "ua_sub") == set()
    with world.hub.session() as s:
        versions = records.history(s, admin.actor(s, "ua_sub"), "UA-POL", "C1")
    assert [v.retracted for v in versions] == [False, True]


def test_other_agency_cannot_retract(world: World) -> None:
    submit(world, "UA-POL", [{**CASE, "sharing_scope": "members"}])
    with pytest.raises(records.NotFound), world.hub.session() as s:
        records.retract(s, admin.actor(s, "md_an"), "C1", "not mine")
    assert visible(world, "ua_sub") == {"C1"}


def test_purge_removes_expired_records_and_is_audited(world: World) -> None:
    submit(
        world, "UA-POL", [CASE, {"record_type": "phone", "ref": "PH1", "number": "+380501234567"}]
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    with world.hub.session() as s:
        purged = records.purge_expired(s, admin.actor(s, "root"), {"phone": 30}, now=later)
    assert purged == {"phone": 1}
    assert visible(world, "ua_sub") == {"C1"}
    with world.hub.session() as s:
        entry = s.query(AuditEntry).filter_by(action="record.purge").one()
    assert '"phone": 1' in entry.detail


def test_purge_needs_admin(world: World) -> None:
    with pytest.raises(Forbidden), world.hub.session() as s:
        records.purge_expired(s, admin.actor(s, "ua_sub"), {"phone": 0})


def test_statistics_follow_the_table_as_a_load_grows_it(world: World) -> None:
    # The load's own transaction sees statistics that count its rows once it has outgrown the
    # last ones; without them PostgreSQL plans lookups for an empty table (see Statistics).
    if world.hub.engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    with world.hub.session() as s:
        owner = admin.get_agency(s, "UA-POL")
        stats = records.Statistics(s)
        rows = [
            {"record_type": "phone", "ref": f"PH{n}", "number": f"+38050{n:07d}"}
            for n in range(1500)
        ]
        items = [
            records.Incoming(ANY_RECORD.validate_python(r, context={"country": "UA"}))
            for r in rows
        ]
        for start in range(0, len(items), 500):
            counts = records.write_batch(
                s, owner, items[start : start + 500], user_id=None, submission_id=None
            )
            stats.grew(counts.created)
        estimate = s.scalar(text("SELECT reltuples FROM pg_class WHERE oid = 'records'::regclass"))
        assert estimate is not None and estimate >= 1000
