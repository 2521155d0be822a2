"""The privacy-budget ledger: each data collection's total budget, and what each release spent.

Under sequential composition the ε (and δ) of releases from one collection add up, so a
collection has a total budget (``privacy_budgets``, set by a coordinator or admin) and every
differentially private release appends what it spent (``privacy_spends``). A release that
would take the spent total past the budget is refused, and nothing is recorded. The budget's
row is locked while a spend is checked and written (PostgreSQL; SQLite's writers are serial),
so two releases at once cannot both take the last of it.

k-anonymous releases spend no ε (they have no differential privacy to account for) and are
not recorded here; their records read is audited as ``publish.release`` like any other.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tessera.hub import access
from tessera.hub.access import Actor
from tessera.hub.models import PrivacyBudget, PrivacySpend, as_utc, utcnow

# Floating-point sums of ε are compared with this slack, so that ten releases at 0.1 fit a
# budget of 1.
SLACK = 1e-9


def _num(x: float) -> str:
    """An amount of ε or δ in words: floating-point dust (1e-16 left of a budget spent in
    tenths) shown as the 0 it is."""
    return f"{max(0.0, round(x, 9)):g}"


class BudgetError(ValueError):
    """A budget that is missing, malformed, or would be exceeded: the message says which
    collection, what was asked and what is left."""


@dataclass(frozen=True)
class Budget:
    collection: str
    epsilon_total: float
    delta_total: float
    epsilon_spent: float
    delta_spent: float
    releases: int
    set_by: str
    set_at: dt.datetime

    @property
    def epsilon_left(self) -> float:
        return max(0.0, self.epsilon_total - self.epsilon_spent)

    @property
    def delta_left(self) -> float:
        return max(0.0, self.delta_total - self.delta_spent)


def _check_amounts(epsilon: float, delta: float, what: str) -> None:
    if not (math.isfinite(epsilon) and epsilon >= 0):
        raise BudgetError(f"{what}: epsilon must be a non-negative number, not {epsilon}")
    if not (math.isfinite(delta) and 0 <= delta < 1):
        raise BudgetError(f"{what}: delta must be at least 0 and below 1, not {delta}")


def set_budget(session: Session, actor: Actor, collection: str, epsilon_total: float,
               delta_total: float = 0.0) -> Budget:
    """Set (or change) ``collection``'s total budget. A total below what it has spent
    already is refused: spending cannot be undone."""
    collection = collection.strip()
    if not collection:
        raise BudgetError("a budget needs a collection name")
    _check_amounts(epsilon_total, delta_total, f"budget of {collection!r}")
    access.authorize(session, actor, "publish.budget", f"budget:{collection}",
                     {"epsilon_total": epsilon_total, "delta_total": delta_total})
    eps, delta, _ = _spent(session, collection)
    if epsilon_total + SLACK < eps or delta_total + SLACK < delta:
        raise BudgetError(f"collection {collection!r} has spent ε={_num(eps)}, δ={_num(delta)} "
                          f"already: its budget cannot be set below that")
    row = session.get(PrivacyBudget, collection, with_for_update=True)
    if row is None:
        row = PrivacyBudget(collection=collection, epsilon_total=epsilon_total,
                            delta_total=delta_total, set_by=actor.username, set_at=utcnow())
        session.add(row)
    else:
        row.epsilon_total, row.delta_total = epsilon_total, delta_total
        row.set_by, row.set_at = actor.username, utcnow()
    session.flush()
    return _budget(session, row)


def _spent(session: Session, collection: str) -> tuple[float, float, int]:
    eps, delta, n = session.execute(
        select(func.coalesce(func.sum(PrivacySpend.epsilon), 0.0),
               func.coalesce(func.sum(PrivacySpend.delta), 0.0), func.count())
        .where(PrivacySpend.collection == collection)).one()
    return float(eps), float(delta), int(n)


def _budget(session: Session, row: PrivacyBudget) -> Budget:
    eps, delta, n = _spent(session, row.collection)
    return Budget(row.collection, row.epsilon_total, row.delta_total, eps, delta, n,
                  row.set_by, as_utc(row.set_at))


def budget(session: Session, actor: Actor, collection: str) -> Budget:
    """``collection``'s budget and what it has spent (to a coordinator or admin)."""
    action = "publish.budget" if access.allowed(actor, "publish.budget") else "publish.release"
    access.authorize(session, actor, action, f"budget:{collection}", {"read": True})
    row = session.get(PrivacyBudget, collection)
    if row is None:
        raise BudgetError(f"collection {collection!r} has no privacy budget: a coordinator "
                          f"or admin sets one (`tessera publish budget {collection} "
                          f"--epsilon …`)")
    return _budget(session, row)


def spends(session: Session, collection: str) -> list[PrivacySpend]:
    """Every release's spend from ``collection``, oldest first (call after ``budget``,
    which checks the reader)."""
    return list(session.scalars(select(PrivacySpend).where(
        PrivacySpend.collection == collection).order_by(PrivacySpend.id)))


def _room(session: Session, collection: str, epsilon: float, delta: float,
          *, lock: bool) -> PrivacyBudget:
    """``collection``'s budget row, or BudgetError when it has none or too little left for
    ``epsilon`` and ``delta``."""
    row = session.get(PrivacyBudget, collection, with_for_update=lock)
    if row is None:
        raise BudgetError(f"collection {collection!r} has no privacy budget: a coordinator "
                          f"or admin sets one (`tessera publish budget {collection} "
                          f"--epsilon …`) before anything is released from it")
    eps, dlt, _ = _spent(session, collection)
    if eps + epsilon > row.epsilon_total + SLACK or dlt + delta > row.delta_total + SLACK:
        raise BudgetError(
            f"release refused: it would spend ε={_num(epsilon)}, δ={_num(delta)} of "
            f"collection {collection!r}, which has ε={_num(row.epsilon_total - eps)} left "
            f"(δ={_num(row.delta_total - dlt)}) of a budget of ε={_num(row.epsilon_total)}, "
            f"δ={_num(row.delta_total)}")
    return row


def check(session: Session, actor: Actor, collection: str, epsilon: float,
          delta: float = 0.0) -> None:
    """Refuse, before any records are read, a release ``spend`` would refuse."""
    _check_amounts(epsilon, delta, f"release from {collection!r}")
    if not access.allowed(actor, "publish.release"):
        access.authorize(session, actor, "publish.release", f"budget:{collection}")
    _room(session, collection, epsilon, delta, lock=False)


def spend(session: Session, actor: Actor, collection: str, *, release_id: str,
          mechanism: str, epsilon: float, delta: float = 0.0, description: str = ""
          ) -> Budget:
    """Record that release ``release_id`` spent ``epsilon`` (and ``delta``) of
    ``collection``'s budget, or raise BudgetError (recording nothing) when the collection has
    no budget or the spend would exceed it. Returns the budget after the spend."""
    _check_amounts(epsilon, delta, f"release {release_id}")
    access.authorize(session, actor, "publish.release", f"budget:{collection}",
                     {"release": release_id, "epsilon": epsilon, "delta": delta})
    row = _room(session, collection, epsilon, delta, lock=True)
    session.add(PrivacySpend(collection=collection, release_id=release_id,
                             mechanism=mechanism, epsilon=epsilon, delta=delta,
                             created_by=actor.username, created_at=utcnow(),
                             description=description))
    session.flush()
    return _budget(session, row)
