"""Entity resolution over a hub loaded from a generated scenario: stable ids, judgements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tessera.hub import admin, entities
from tessera.hub.access import Forbidden
from tessera.hub.db import Hub
from tessera.hub.models import AuditEntry, EntityMember
from tessera.linkage import model
from tessera.linkage.run import link_hub
from tests.linkage.conftest import load_scenario


def members(hub: Hub) -> dict[str, str]:
    with hub.session() as s:
        return entities.current_members(s)


def test_entities_keep_their_ids_and_obey_judgements(hub: Hub, tmp_path: Path) -> None:
    truth = load_scenario(hub, tmp_path / "scenario", 3000, 11)
    first = link_hub(hub, "iom.analyst")
    before = members(hub)
    assert first.records == len(before) > 0 and first.linked > 0
    assert set(before) <= set(truth)  # only records the hub analyst may see
    groups: dict[str, list[str]] = {}
    for key, entity in before.items():
        groups.setdefault(entity, []).append(key)
    a, b = next(sorted(g)[:2] for g in groups.values() if len(g) >= 2)

    again = link_hub(hub, "iom.analyst")
    assert members(hub) == before and again.new_ids == 0  # the same input, the same ids

    with hub.session() as s:
        entities.judge(s, admin.actor(s, "iom.analyst"), a, b, "different", "checked files")
    split = link_hub(hub, "iom.analyst")
    after = members(hub)
    assert after[a] != after[b] and split.new_ids >= 1
    kept = before[a]
    assert kept in (after[a], after[b])  # one side keeps the entity's id
    unchanged = [k for k, e in before.items() if e not in (before[a],)]
    assert all(after[k] == before[k] for k in unchanged)


def test_only_the_hubs_analysts_may_resolve_and_judgements_cannot_be_edited(
    hub: Hub, tmp_path: Path
) -> None:
    truth = load_scenario(hub, tmp_path / "scenario", 1500, 12)
    national = next(iter(truth)).split("/")[0].lower()  # an agency's own analyst
    with pytest.raises(Forbidden):
        link_hub(hub, national)
    with hub.session() as s:
        refused = s.scalars(select(AuditEntry.outcome).where(
            AuditEntry.action == "entity.resolve")).all()
    assert refused == ["refused"]
    link_hub(hub, "iom.analyst")
    key_a, key_b = sorted(members(hub))[:2]
    with hub.session() as s:
        entities.judge(s, admin.actor(s, "iom.analyst"), key_a, key_b, "same")
    with pytest.raises(DBAPIError), hub.engine.begin() as conn:
        conn.execute(text("UPDATE judgements SET verdict = 'different'"))
    with hub.session() as s:
        assert s.scalar(select(EntityMember.entity_id).limit(1)) is not None


def test_a_run_refuses_to_overwrite_one_that_finished_meanwhile(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_scenario(hub, tmp_path / "scenario", 1500, 13)
    link_hub(hub, "iom.analyst")
    real_link = model.link

    def link_while_another_run_finishes(*args: Any, **kwargs: Any) -> Any:
        found = real_link(*args, **kwargs)
        with hub.session() as s:  # what a concurrent run would have written
            members = entities.current_members(s)
            (other,) = entities.issue_ids(s, 1)
            first = min(members)
            entities.replace_members(s, admin.actor(s, "iom.analyst"),
                                     {k: (other if k == first else e, None)
                                      for k, e in members.items()})
        return found

    monkeypatch.setattr(model, "link", link_while_another_run_finishes)
    with pytest.raises(entities.ResolutionConflict):
        link_hub(hub, "iom.analyst")
