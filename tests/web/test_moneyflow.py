"""An alert's flow diagram: money left to right, a cycle's closing payment drawn back, one
arrow per pair of accounts carrying all their payments."""

from __future__ import annotations

import datetime as dt

from tessera.web.moneyflow import Payment, diagram

T0 = dt.datetime(2024, 5, 1, 9)


def pay(a: str, b: str, amount: float, day: int = 0) -> Payment:
    return Payment(a, b, amount, "EUR", T0 + dt.timedelta(days=day))


def test_a_fan_in_then_out_has_three_columns_left_to_right() -> None:
    paid = [pay(f"P{i}", "C", 900, i) for i in range(4)] + [pay("C", "B1", 1800, 9),
                                                            pay("C", "B2", 1700, 9)]
    found = diagram({"C": "collector"}, paid)
    x = {n.account: n.x for n in found.nodes}
    assert len({x[f"P{i}"] for i in range(4)}) == 1
    assert x["P0"] < x["C"] < x["B1"] == x["B2"]
    assert not any(a.back for a in found.arrows)
    collector = next(n for n in found.nodes if n.account == "C")
    assert (collector.part, collector.received, collector.paid) == ("collector", 3600, 3500)


def test_a_cycle_closes_with_one_arrow_back() -> None:
    found = diagram({}, [pay("A", "B", 5000), pay("B", "C", 4900, 1), pay("C", "A", 4800, 2)])
    x = {n.account: n.x for n in found.nodes}
    assert x["A"] < x["B"] < x["C"]
    back = [a for a in found.arrows if a.back]
    assert [(a.payer, a.beneficiary) for a in back] == [("C", "A")]
    assert back[0].d.startswith("M") and " C" in back[0].d


def test_payments_between_one_pair_are_one_arrow_with_their_figures() -> None:
    found = diagram({}, [pay("A", "B", 100, 0), pay("A", "B", 300, 4), pay("A", "C", 50, 2)])
    arrows = {(a.payer, a.beneficiary): a for a in found.arrows}
    ab = arrows[("A", "B")]
    assert (ab.count, ab.total, ab.first, ab.last) == (2, 400, T0, T0 + dt.timedelta(days=4))
    assert ab.width > arrows[("A", "C")].width
