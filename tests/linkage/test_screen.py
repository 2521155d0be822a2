"""Screening a list of people against the records an analyst may see."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tessera.hub import admin, records
from tessera.hub.access import Forbidden
from tessera.hub.db import Hub
from tessera.hub.models import AuditEntry
from tessera.linkage.screen import screen
from tessera.standard.records import ANY_RECORD, Person
from tests.linkage.conftest import load_scenario


def test_a_listed_person_is_found_under_another_spelling_with_reasons(
    hub: Hub, tmp_path: Path
) -> None:
    load_scenario(hub, tmp_path / "scenario", 3000, 21)
    with hub.session() as s:
        seen = records.list_records(s, admin.actor(s, "iom.analyst"), record_type="person",
                                    limit=2000)
        dated = [r for r in seen if r.data.get("name") and r.data["name"].get("given")
                 and (r.data.get("birth_date") or {}).get("day")]
        # a record in another script if there is one: the query is then in Latin letters
        target = min(dated, key=lambda r: r.data["name"]["script"] == "Latin")
        name, born = target.data["name"], target.data["birth_date"]
    query = ANY_RECORD.validate_python({
        "record_type": "person", "ref": "Q1",
        "name": f"{name['family'].upper()} {name['given']}"
        if name["script"] == "Latin" and name.get("family") else name["latin"],
        "birth_date": f"{born['year']}-{born['month']:02d}-{born['day']:02d}",
    })
    assert isinstance(query, Person) and query.name is not None
    found = screen(hub, "iom.analyst", [query])
    hits = [c for c in found if c.record == f"{target.agency.code}/{target.ref}"]
    assert hits, f"{query.name.raw} not found among {[c.record for c in found][:5]}"
    assert hits[0].probability >= 0.5 and "date of birth: the same date" in hits[0].explanation
    with hub.session() as s:
        purposes = s.scalars(select(AuditEntry.resource).where(
            AuditEntry.username == "iom.analyst", AuditEntry.action == "record.read")).all()
    assert "records:screening" in purposes


def test_screening_needs_a_role_that_reads_records(hub: Hub, tmp_path: Path) -> None:
    load_scenario(hub, tmp_path / "scenario", 1500, 22)
    query = ANY_RECORD.validate_python({"record_type": "person", "ref": "Q1", "name": "A B"})
    with pytest.raises(Forbidden):
        screen(hub, "auditor", [query])
