"""The network a hub user may see: only records they may read, entities for the convener's
analysts alone, refused to those who may not analyse, and every build audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from tessera.hub import access, admin, entities, exchanges, hits, records
from tessera.hub.models import AuditEntry
from tessera.hub.records import Incoming
from tessera.linkage import exchange as matching
from tessera.linkage.run import link_hub
from tessera.network import graph, source
from tessera.standard.records import ANY_RECORD
from tests.conftest import World
from tests.hub.encodings import encoded

PHONE = "phone:+380501234567"
# UA-POL's records no one else may see
UNSEEN = {"UA-POL/C1", "UA-POL/S1", "UA-POL/T2", "UA-POL/R9"}


def submit(world: World, agency: str, rows: list[dict[str, Any]]) -> None:
    with world.hub.session() as s:
        owner = admin.get_agency(s, agency)
        items = [Incoming(ANY_RECORD.validate_python(r, context={"country": owner.country}),
                          "t.csv", None, n + 2) for n, r in enumerate(rows)]
        counts = records.write_batch(s, owner, items, user_id=None, submission_id=None)
        assert not counts.conflicts
        records.apply_consent(s, owner.id)


def load(world: World) -> None:
    """UA-POL: two suspects of case C1 shared with all members, one of them on a phone; the
    case itself, a third person (with a phone) and a tie are its own. MD-NGO: a suspect of
    the same name on the same phone, shared with all members."""
    everyone = {"sharing_scope": "members"}
    own = {"sharing_scope": "owner"}
    submit(world, "UA-POL", [
        {"record_type": "case", "ref": "C1", "country": "UA", **own},
        {"record_type": "person", "ref": "P1", "name": "Ivan Bondar", "roles": "suspect",
         "birth_date": "1980-02-03", "case_ref": "C1", **everyone},
        {"record_type": "person", "ref": "P3", "name": "Petro Melnyk", "roles": "suspect",
         "case_ref": "C1", **everyone},
        {"record_type": "phone", "ref": "T1", "owner_ref": "P1", "number": "+380501234567",
         **everyone},
        {"record_type": "person", "ref": "S1", "name": "Secret Source", "roles": "witness",
         "case_ref": "C1", **own},
        {"record_type": "phone", "ref": "T2", "owner_ref": "S1", "number": "+380509999999",
         **own},
        {"record_type": "relation", "ref": "R1", "kind": "associate", "source_ref": "P1",
         "target_ref": "S1", **everyone},
        {"record_type": "relation", "ref": "R9", "kind": "controlled", "source_ref": "P1",
         "target_ref": "P3", **own},
    ])
    submit(world, "MD-NGO", [
        {"record_type": "person", "ref": "P9", "name": "Ivan Bondar", "roles": "suspect",
         "birth_date": "1980-02-03", **everyone},
        {"record_type": "phone", "ref": "T7", "owner_ref": "P9", "number": "+380501234567",
         **everyone},
    ])


def network_of(world: World, username: str) -> graph.Network:
    with world.hub.session() as s:
        return source.from_hub(s, admin.actor(s, username))


def every_record(net: graph.Network) -> set[str]:
    """Every record the network's nodes and ties say they come from."""
    found: set[str] = set()
    for node in net.nodes.values():
        found |= node.provenance.records
    for edge in net.edges.values():
        found |= edge.provenance.records
    return found


def audited(world: World, action: str, username: str) -> list[str]:
    with world.hub.session() as s:
        return list(s.scalars(select(AuditEntry.outcome).where(
            AuditEntry.action == action, AuditEntry.username == username)))


def test_an_agencys_analyst_sees_only_the_records_they_may_read(world: World) -> None:
    load(world)
    net = network_of(world, "de_an")
    assert set(net.nodes) == {"person:UA-POL/P1", "person:UA-POL/P3", "person:MD-NGO/P9",
                              PHONE}
    assert every_record(net) == {"UA-POL/P1", "UA-POL/P3", "UA-POL/T1", "MD-NGO/P9",
                                 "MD-NGO/T7"}
    assert not every_record(net) & UNSEEN
    assert "Secret Source" not in {n.label for n in net.nodes.values()}
    assert set(net.edges) == {
        ("person:UA-POL/P1", PHONE, "uses"), ("person:MD-NGO/P9", PHONE, "uses"),
        ("person:UA-POL/P1", "person:UA-POL/P3", graph.SAME_CASE),
    }
    assert net.dangling == 1  # the tie to the person they may not see


def test_the_owning_agency_sees_its_own_records_too(world: World) -> None:
    load(world)
    net = network_of(world, "ua_sub")
    assert {"UA-POL/S1", "UA-POL/T2", "UA-POL/R9"} <= every_record(net)
    together = net.edges["person:UA-POL/P1", "person:UA-POL/P3", graph.SAME_CASE]
    assert together.provenance.cases == {"UA-POL/C1"}
    assert together.provenance.countries == {"UA"}  # from the case record they may read
    assert ("person:UA-POL/P1", "person:UA-POL/S1", "associate") in net.edges
    assert ("person:UA-POL/P1", "person:UA-POL/P3", "controlled") in net.edges
    assert "phone:+380509999999" in net.nodes and net.dangling == 0


def test_the_conveners_analyst_sees_entities_and_a_members_analyst_sees_records(
        world: World) -> None:
    load(world)
    with world.hub.session() as s:
        entities.judge(s, admin.actor(s, "io_an"), "UA-POL/P1", "MD-NGO/P9", "same",
                       "one phone, one name, one birth date")
    link_hub(world.hub, "io_an")
    with world.hub.session() as s:
        members = entities.current_members(s)
    assert members["UA-POL/P1"] == members["MD-NGO/P9"] != members["UA-POL/P3"]

    convener = network_of(world, "io_an")
    people = {n.id: n for n in convener.nodes.values() if n.kind == "person"}
    assert set(people) == {members["UA-POL/P1"], members["UA-POL/P3"]}
    ivan = people[members["UA-POL/P1"]]
    assert ivan.provenance.records == {"UA-POL/P1", "MD-NGO/P9"}
    assert {e[0] for e in convener.edges if e[1] == PHONE} == {ivan.id}  # one holder now
    assert not every_record(convener) & UNSEEN

    member = network_of(world, "md_an")
    assert {n.id for n in member.nodes.values() if n.kind == "person"} == {
        "person:UA-POL/P1", "person:UA-POL/P3", "person:MD-NGO/P9"}
    assert not set(members.values()) & set(member.nodes)
    assert audited(world, "entity.read", "md_an") == []


def test_a_user_who_may_only_submit_is_refused_and_the_refusal_is_logged(
        world: World) -> None:
    load(world)
    with world.hub.session() as s:
        admin.create_user(s, "test", username="ua_clerk", agency_code="UA-POL",
                          roles=["submitter"])
    with pytest.raises(access.Forbidden):
        network_of(world, "ua_clerk")
    assert audited(world, "network.read", "ua_clerk") == ["refused"]


def test_each_build_writes_one_network_read_to_the_audit_log(world: World) -> None:
    load(world)
    network_of(world, "de_an")
    assert audited(world, "network.read", "de_an") == ["ok"]
    network_of(world, "de_an")
    assert audited(world, "network.read", "de_an") == ["ok", "ok"]
    network_of(world, "io_an")
    assert audited(world, "network.read", "io_an") == ["ok"]
    assert audited(world, "entity.read", "io_an") == ["ok"]


def test_hits_join_the_agencys_record_to_the_other_record_or_a_pseudonym(world: World) -> None:
    """UA-POL's match request found that its P1 is DE-FIU's X5 (a record UA-POL may not see)
    and MD-NGO's P9 (one it may): a pseudonymous node names DE-FIU's record and no more; the
    hit on P9 ties the two person nodes."""
    load(world)
    with world.hub.session() as s:
        exchanges.set_exchange(s, admin.actor(s, "root"), "tx", 0.8)
    matching.upload(world.hub, "ua_sub", "tx", encoded("UA-POL"), source="UA-POL.jsonl")
    with world.hub.session() as s:
        ua = admin.actor(s, "ua_sub")
        run, _ = hits.begin_run(s, ua, "tx", "case C1", per_day=5)
        others = {code: admin.get_agency(s, code).id for code in ("DE-FIU", "MD-NGO")}
        hits.finish_run(s, ua, run.id, [
            hits.Found("P1", others["DE-FIU"], "X5", 0.93, "high", False),
            hits.Found("P1", others["MD-NGO"], "P9", 1.0, "identifier", True),
        ], agencies=3)
    net = network_of(world, "ua_sub")
    pseudonym = net.nodes["hit:DE-FIU/X5"]
    assert (pseudonym.kind, pseudonym.label) == (graph.HIT, "DE-FIU record X5")
    assert not pseudonym.provenance.records  # no record of DE-FIU's is in the network
    tie = net.edges[("person:UA-POL/P1", "hit:DE-FIU/X5", "hit:high")]
    assert tie.provenance.records == {"UA-POL/P1"}
    assert ("person:UA-POL/P1", "person:MD-NGO/P9", "hit:identifier") in net.edges
    assert "hits:network" in resources(world, "hit.read", "ua_sub")
    # DE-FIU holds no X5 in the hub: its network draws nothing of the hit
    assert not any(n.kind == graph.HIT for n in network_of(world, "de_an").nodes.values())


def resources(world: World, action: str, username: str) -> list[str]:
    with world.hub.session() as s:
        return list(s.scalars(select(AuditEntry.resource).where(
            AuditEntry.action == action, AuditEntry.username == username)))


def test_the_state_changes_when_a_purge_is_followed_by_a_like_submission(world: World) -> None:
    """Purging the newest record and then submitting one alike gives back the same count, scope
    levels and (on SQLite, which reuses a freed id) highest id: the state must still change, or
    a kept network would go on showing the purged record."""
    members = {"sharing_scope": "members"}
    submit(world, "UA-POL", [
        {"record_type": "person", "ref": "P1", "name": "Ivan Bondar", **members},
        {"record_type": "phone", "ref": "T1", "owner_ref": "P1", "number": "+380501234567",
         **members},
    ])
    with world.hub.session() as s:
        before = source.state(s)
    with world.hub.session() as s:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        assert records.purge_expired(s, admin.actor(s, "root"), {"phone": 0}, now=later)
    with world.hub.session() as s:
        assert source.state(s) != before
    submit(world, "UA-POL", [
        {"record_type": "phone", "ref": "T9", "owner_ref": "P1", "number": "+380509999999",
         **members},
    ])
    with world.hub.session() as s:
        assert source.state(s) != before
