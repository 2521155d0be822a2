"""Publishing on the public statistics page: only coordinators publish and withdraw, the
public sees no utility and no exact count of the victims, and a withdrawn release is gone."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tessera.hub import admin
from tessera.hub.access import Actor, Forbidden
from tessera.hub.models import AuditEntry, PublishedRelease
from tessera.patterns.routes import Journey
from tessera.publish import mse, public, release, synthetic, tables
from tests.conftest import World


def coordinator(world: World) -> Actor:
    with world.hub.session() as s:
        admin.create_user(s, "test", username="io_co", agency_code="IOM",
                          roles=["coordinator"])
        return admin.actor(s, "io_co")


def _keys(value: object) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_what_the_public_sees_has_no_utility_and_no_true_count(victims: list[Journey]) -> None:
    kanon = release.release_kanon(tables.count(victims, ["gender"]), k=11)
    dp = release.release_dp(victims, ["gender"], epsilon=1.0)
    made = synthetic.make_synthetic(victims, epsilon=1.0, years=(2021, 2024), records=50)
    for shown in (public.of_table(kanon), public.of_table(dp), public.of_synthetic(made)):
        keys = _keys(shown.metadata)
        assert not keys & {"utility", "victims", "victims_capped", "records_true",
                           "mean_relative_error", "suppressed_share"}, shown.kind
        assert str(len(victims)) not in json.dumps(shown.metadata)
    assert public.of_table(kanon).data["rows"] == [[*cell, n] for cell, n in kanon.rows]
    assert public.of_table(dp).metadata["epsilon"] == dp.epsilon
    assert len(public.of_synthetic(made).data["rows"]) == 50


def test_a_coordinator_publishes_and_withdraws_and_an_analyst_may_not(world: World) -> None:
    boss = coordinator(world)
    table = tables.Table(("gender",), {("female",): 40, ("male",): 3}, 43, 1)
    made = release.release_kanon(table)
    with world.hub.session() as s:
        analyst = admin.actor(s, "io_an")
    with pytest.raises(Forbidden), world.hub.session() as s:
        public.publish(s, analyst, made.id, public.of_table(made), "hub")
    with world.hub.session() as s:
        public.publish(s, boss, made.id, public.of_table(made, "Victims by gender"), "hub")
    with world.hub.session() as s:
        assert [r.id for r in public.shown(s)] == [made.id]
        got = public.get(s, made.id)
        assert got.title == "Victims by gender" and got.data["rows"] == [["female", 40]]
    with pytest.raises(ValueError, match="published already"), world.hub.session() as s:
        public.publish(s, boss, made.id, public.of_table(made), "hub")
    with pytest.raises(ValueError, match="say why"), world.hub.session() as s:
        public.withdraw(s, boss, made.id, "  ")
    with world.hub.session() as s:
        public.withdraw(s, boss, made.id, "wrong year range")
    with world.hub.session() as s:
        assert public.shown(s) == []
        with pytest.raises(public.NotPublished):
            public.get(s, made.id)
        kept = s.get(PublishedRelease, made.id)
        assert kept is not None and kept.withdrawn_by == "io_co"
        assert list(s.scalars(select(AuditEntry.outcome).where(
            AuditEntry.action == "publish.release").order_by(AuditEntry.id))) == [
                "refused", "ok", "ok"]


def test_an_estimate_is_published_with_its_overlap_table() -> None:
    table = mse.OverlapTable(("police", "ngo"), {(1, 0): 80, (0, 1): 120, (1, 1): 20})
    result = mse.estimate(table)
    shown = public.of_estimate(result, "R20261201-0000abcd")
    assert shown.kind == public.ESTIMATE and shown.metadata["total"] == pytest.approx(
        result.total, rel=1e-3)
    assert shown.data == {"columns": ["police", "ngo", "count"],
                          "rows": [[0, 1, 120], [1, 0, 80], [1, 1, 20]]}
