"""A payment alert as a flow diagram, drawn on the server as SVG.

Accounts are boxes in columns, money moving left to right: an account's column is the
longest chain of the alert's payments that leads into it (payments that close a cycle are
left out of that count and drawn as arcs back). Each pair of accounts that paid each other
is one arrow, as wide as the money it carried, with the payments' count, total and dates in
its tooltip. Layered drawing by longest path is the textbook first step of Sugiyama's method;
at the size of one alert (rarely more than thirty accounts) the rest of it, crossing
reduction, is a sort by part and name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

WIDTH = 760
NODE_W, NODE_H, ROW = 150, 26, 40
PAD = 20
MAX_STROKE = 12.0


@dataclass(frozen=True, slots=True)
class Payment:
    payer: str
    beneficiary: str
    amount: float
    currency: str
    time: dt.datetime


@dataclass(frozen=True, slots=True)
class Node:
    account: str
    part: str
    x: float
    y: float
    paid: float  # out of the account, within the alert
    received: float


@dataclass(frozen=True, slots=True)
class Arrow:
    payer: str
    beneficiary: str
    count: int
    total: float
    currencies: str
    first: dt.datetime
    last: dt.datetime
    width: float
    back: bool  # closes a cycle
    d: str


@dataclass(frozen=True, slots=True)
class Diagram:
    width: int
    height: int
    nodes: tuple[Node, ...]
    arrows: tuple[Arrow, ...]


def _columns(accounts: Iterable[str], edges: set[tuple[str, str]]) -> tuple[
        dict[str, int], set[tuple[str, str]]]:
    """Each account's column (longest path into it), and the edges left out as closing a
    cycle (found by depth-first search from the accounts in order)."""
    out: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(edges):
        out[a].append(b)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    back: set[tuple[str, str]] = set()
    order: list[str] = []

    def visit(start: str) -> None:
        stack = [(start, iter(out[start]))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            for child in children:
                if state.get(child) == 1:
                    back.add((node, child))
                elif child not in state:
                    state[child] = 1
                    stack.append((child, iter(out[child])))
                    break
            else:
                state[node] = 2
                order.append(node)
                stack.pop()

    ranked = sorted(accounts)
    sources = [a for a in ranked if not any(b == a for _, b in edges)]
    for a in [*sources, *ranked]:
        if a not in state:
            visit(a)
    column = dict.fromkeys(ranked, 0)
    for node in reversed(order):  # a topological order of the edges kept
        for child in out[node]:
            if (node, child) not in back:
                column[child] = max(column[child], column[node] + 1)
    return column, back


def diagram(parts: Mapping[str, str], payments: Iterable[Payment]) -> Diagram:
    """The diagram of an alert's accounts (``parts``: account -> its part) and payments."""
    grouped: dict[tuple[str, str], list[Payment]] = defaultdict(list)
    for p in payments:
        grouped[(p.payer, p.beneficiary)].append(p)
    accounts = set(parts) | {a for pair in grouped for a in pair}
    column, back = _columns(accounts, set(grouped))
    columns = max(column.values(), default=0) + 1
    by_column: dict[int, list[str]] = defaultdict(list)
    for account, c in column.items():
        by_column[c].append(account)
    rows = max((len(v) for v in by_column.values()), default=1)
    height = PAD * 2 + rows * ROW + (ROW if back else 0)
    step = (WIDTH - 2 * PAD - NODE_W) / max(1, columns - 1)
    paid: dict[str, float] = defaultdict(float)
    received: dict[str, float] = defaultdict(float)
    for (a, b), ps in grouped.items():
        paid[a] += sum(p.amount for p in ps)
        received[b] += sum(p.amount for p in ps)
    place: dict[str, Node] = {}
    for c, members in by_column.items():
        members.sort(key=lambda a: (parts.get(a, ""), a))
        top = PAD + (rows - len(members)) * ROW / 2
        for i, account in enumerate(members):
            x = PAD + c * step if columns > 1 else (WIDTH - NODE_W) / 2
            place[account] = Node(account, parts.get(account, ""), x, top + i * ROW,
                                  paid[account], received[account])
    biggest = max((sum(p.amount for p in ps) for ps in grouped.values()), default=1.0) or 1.0
    arrows = []
    for (a, b), ps in sorted(grouped.items()):
        total = sum(p.amount for p in ps)
        n1, n2 = place[a], place[b]
        is_back = (a, b) in back or column[b] <= column[a]
        if is_back:  # an arc under the diagram, from the payer's foot to the payee's
            x1, x2 = n1.x + NODE_W / 2, n2.x + NODE_W / 2
            y1, y2 = n1.y + NODE_H, n2.y + NODE_H
            low = height - PAD / 2
            d = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{low:.1f} {x2:.1f},{low:.1f} {x2:.1f},{y2:.1f}"
        else:
            x1, y1 = n1.x + NODE_W, n1.y + NODE_H / 2
            x2, y2 = n2.x, n2.y + NODE_H / 2
            mid = (x1 + x2) / 2
            d = f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        arrows.append(Arrow(
            a, b, len(ps), total, " ".join(sorted({p.currency for p in ps if p.currency})),
            min(p.time for p in ps), max(p.time for p in ps),
            max(1.0, MAX_STROKE * total / biggest), is_back, d))
    return Diagram(WIDTH, int(height), tuple(place.values()), tuple(arrows))
