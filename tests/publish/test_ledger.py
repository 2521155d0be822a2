"""The privacy-budget ledger: budgets set by coordinators and admins, spends appended, and an
overspend refused with nothing recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tessera.hub import admin
from tessera.hub.access import Forbidden
from tessera.hub.db import Hub
from tessera.hub.models import AuditEntry, PrivacySpend
from tests.conftest import World

from tessera.publish import ledger  # isort: skip


@pytest.fixture
def coordinated(world: World) -> Hub:
    """The world with io_co, a coordinator of the convening organisation."""
    with world.hub.session() as s:
        admin.create_user(s, "test", username="io_co", agency_code="IOM", roles=["coordinator"])
    return world.hub


def spends(hub: Hub) -> int:
    with hub.session() as s:
        return int(s.scalar(select(func.count()).select_from(PrivacySpend)) or 0)


def spend(hub: Hub, release_id: str, epsilon: float, collection: str = "hub") -> None:
    with hub.session() as s:
        ledger.spend(s, admin.actor(s, "io_co"), collection, release_id=release_id,
                     mechanism="discrete-laplace", epsilon=epsilon, description="test")


def test_spends_add_up_and_an_overspend_is_refused_recording_nothing(coordinated: Hub) -> None:
    with coordinated.session() as s:
        ledger.set_budget(s, admin.actor(s, "root"), "hub", 1.0)
    for n in range(10):  # ten releases at 0.1 fit a budget of 1, floating point or not
        spend(coordinated, f"R{n}", 0.1)
    with pytest.raises(ledger.BudgetError,
                       match=r"release refused: it would spend ε=0.1, δ=0 of collection "
                             r"'hub', which has ε=0 left \(δ=0\) of a budget of ε=1, δ=0"):
        spend(coordinated, "R-over", 0.1)
    assert spends(coordinated) == 10
    with coordinated.session() as s:
        found = ledger.budget(s, admin.actor(s, "io_co"), "hub")
        assert [r.release_id for r in ledger.spends(s, "hub")] == [f"R{n}" for n in range(10)]
    assert found.epsilon_spent == pytest.approx(1.0) and found.releases == 10
    assert found.epsilon_left == pytest.approx(0.0)


def test_a_release_larger_than_what_is_left_is_refused_before_and_at_the_spend(
        coordinated: Hub) -> None:
    with coordinated.session() as s:
        ledger.set_budget(s, admin.actor(s, "io_co"), "hub", 2.0)
    spend(coordinated, "R1", 1.5)
    with pytest.raises(ledger.BudgetError, match=r"ε=0\.5 left"), coordinated.session() as s:
        ledger.check(s, admin.actor(s, "io_co"), "hub", 1.0)
    with pytest.raises(ledger.BudgetError, match=r"ε=0\.5 left \(δ=0\) of a budget of ε=2,"):
        spend(coordinated, "R2", 1.0)
    assert spends(coordinated) == 1


def test_a_collection_without_a_budget_releases_nothing(coordinated: Hub) -> None:
    with pytest.raises(ledger.BudgetError, match="collection 'shelters' has no privacy budget"):
        spend(coordinated, "R1", 0.1, collection="shelters")
    assert spends(coordinated) == 0


def test_collections_have_budgets_of_their_own(coordinated: Hub) -> None:
    with coordinated.session() as s:
        ledger.set_budget(s, admin.actor(s, "io_co"), "hub", 1.0)
        ledger.set_budget(s, admin.actor(s, "io_co"), "shelters", 0.5)
    spend(coordinated, "R1", 1.0)
    spend(coordinated, "R2", 0.5, collection="shelters")
    with pytest.raises(ledger.BudgetError):
        spend(coordinated, "R3", 0.1, collection="shelters")


def test_a_budget_cannot_be_set_below_what_was_spent(coordinated: Hub) -> None:
    with coordinated.session() as s:
        ledger.set_budget(s, admin.actor(s, "io_co"), "hub", 3.0)
    spend(coordinated, "R1", 2.0)
    with pytest.raises(ledger.BudgetError, match="spent ε=2, δ=0 already"), \
            coordinated.session() as s:
        ledger.set_budget(s, admin.actor(s, "io_co"), "hub", 1.0)
    with coordinated.session() as s:
        raised = ledger.set_budget(s, admin.actor(s, "root"), "hub", 5.0)
    assert raised.epsilon_left == pytest.approx(3.0) and raised.set_by == "root"


@pytest.mark.parametrize("epsilon, delta, message", [
    (-1.0, 0.0, "epsilon must be a non-negative number"),
    (float("nan"), 0.0, "epsilon must be a non-negative number"),
    (1.0, 1.0, "delta must be at least 0 and below 1"),
])
def test_a_malformed_budget_is_refused(coordinated: Hub, epsilon: float, delta: float,
                                       message: str) -> None:
    with pytest.raises(ledger.BudgetError, match=message), coordinated.session() as s:
        ledger.set_budget(s, admin.actor(s, "io_co"), "hub", epsilon, delta)


def test_analysts_may_neither_set_a_budget_nor_spend_it_and_the_refusal_is_audited(
        coordinated: Hub) -> None:
    with coordinated.session() as s:
        ledger.set_budget(s, admin.actor(s, "io_co"), "hub", 1.0)
    with pytest.raises(Forbidden), coordinated.session() as s:
        ledger.set_budget(s, admin.actor(s, "io_an"), "hub", 100.0)
    with pytest.raises(Forbidden), coordinated.session() as s:
        ledger.spend(s, admin.actor(s, "io_an"), "hub", release_id="R1",
                     mechanism="discrete-laplace", epsilon=0.1)
    with pytest.raises(Forbidden), coordinated.session() as s:
        ledger.spend(s, admin.actor(s, "root"), "hub", release_id="R1",  # admin: budget only
                     mechanism="discrete-laplace", epsilon=0.1)
    assert spends(coordinated) == 0
    with coordinated.session() as s:
        refused = list(s.scalars(select(AuditEntry.action).where(
            AuditEntry.username == "io_an", AuditEntry.outcome == "refused")))
        assert sorted(refused) == ["publish.budget", "publish.release"]
        assert ledger.budget(s, admin.actor(s, "io_co"), "hub").epsilon_total == 1.0
