"""Money flows with known ground truth: laundering typologies over a background of payments.

The typologies are AMLSim's (fan-in, fan-out, cycle, scatter-gather, gather-scatter,
bipartite, stack) plus the two a trafficking case shows most: pass-through mules and
structuring below a reporting threshold. ``pattern`` draws one instance of a typology over the
accounts it is given; every transfer it makes carries the typology and the pattern id, so a
detector's findings can be scored. ``background`` draws the ordinary payments (salaries, rent,
shopping, utilities, family remittances) the patterns hide among; it is vectorised with numpy
because a benchmark scenario holds millions of them.

Roles are positions in ``accounts``; each typology's docstring below says which is which.
Amounts are positive integer cents, drawn lognormal around a typical amount; times are whole
seconds after ``start``. Where money must arrive before it leaves (cycle, scatter-gather,
gather-scatter, stack, pass-through), it does, and the account passing it on keeps a small cut.
Everything is drawn from the ``rng`` given, so a seed gives the same flows.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import random
from collections.abc import Callable, Sequence

import numpy as np

from tessera.standard.codes import TransactionChannel
from tessera.synth.model import Transfer

# Not laundering but its source, marked as such in the ground truth: a victim's wages taken by
# the controller who holds their account.
VICTIM_EARNINGS = "victim_earnings"

TYPOLOGIES: tuple[str, ...] = (
    "fan_in",
    "fan_out",
    "cycle",
    "scatter_gather",
    "gather_scatter",
    "bipartite",
    "stack",
    "pass_through",
    "structuring",
)

# (minimum, maximum) accounts per instance; each minimum is the smallest shape that is still
# the typology rather than a degenerate one (a scatter-gather through one account is a
# pass-through; a stack needs two accounts in each of its three layers).
_ACCOUNTS: dict[str, tuple[int, int]] = {
    "fan_in": (3, 50),
    "fan_out": (3, 50),
    "cycle": (3, 12),
    "scatter_gather": (4, 30),
    "gather_scatter": (5, 30),
    "bipartite": (4, 20),
    "stack": (6, 30),
    "pass_through": (3, 8),
    "structuring": (2, 10),
}

BANK = TransactionChannel.bank_transfer.value
CASH_IN = TransactionChannel.cash_deposit.value
MTS = TransactionChannel.money_transfer_service.value
MOBILE = TransactionChannel.mobile_money.value
CARD = TransactionChannel.card.value
CRYPTO = TransactionChannel.crypto.value
HAWALA = TransactionChannel.hawala.value

HOUR = 3600
DAY = 24 * HOUR

# One drawn leg before it gets its id: payer, beneficiary, cents, time, channel, purpose.
_Leg = tuple[str, str, int, dt.datetime, str, str]
_Builder = Callable[[random.Random, Sequence[str], dt.datetime, int], list[_Leg]]


def accounts_needed(typology: str) -> tuple[int, int]:
    """(minimum, maximum) number of accounts one instance of the typology uses."""
    try:
        return _ACCOUNTS[typology]
    except KeyError:
        raise ValueError(
            f"unknown typology {typology!r}; expected one of: {', '.join(TYPOLOGIES)}"
        ) from None


def pattern(
    rng: random.Random,
    typology: str,
    accounts: Sequence[str],
    *,
    start: dt.datetime,
    pattern_id: str,
    next_id: Callable[[], str],
    currency: str = "EUR",
    threshold_cents: int = 1_000_000,
) -> list[Transfer]:
    """One instance of ``typology`` over exactly ``accounts``, starting after ``start``.

    Each transfer has ``typology=typology``, ``pattern=pattern_id`` and ``id=next_id()``; they
    are returned in time order and ids are drawn in that order. ``threshold_cents`` is the
    reporting threshold structuring stays under (10,000 EUR by default); other typologies
    ignore it. Raises ValueError for an unknown typology, a number of accounts outside
    ``accounts_needed(typology)``, an account named twice, or a threshold under 100 cents.
    """
    low, high = accounts_needed(typology)
    if not low <= len(accounts) <= high:
        raise ValueError(f"{typology} needs between {low} and {high} accounts, got {len(accounts)}")
    if len(set(accounts)) != len(accounts):
        raise ValueError(f"{typology} needs distinct accounts, got {list(accounts)!r}")
    if threshold_cents < 100:
        raise ValueError(f"threshold_cents must be at least 100, got {threshold_cents}")
    legs = _BUILDERS[typology](rng, accounts, start, threshold_cents)
    legs.sort(key=lambda leg: leg[3])  # stable: simultaneous legs keep their drawn order
    return [
        Transfer(
            id=next_id(),
            payer=payer,
            beneficiary=beneficiary,
            amount_cents=cents,
            currency=currency,
            at=at,
            channel=channel,
            purpose=purpose,
            typology=typology,
            pattern=pattern_id,
        )
        for payer, beneficiary, cents, at, channel, purpose in legs
    ]


# --- drawing helpers ---------------------------------------------------------------------


def _cents(rng: random.Random, median_eur: float, sigma: float, *, round_eur: bool = False) -> int:
    """A lognormal amount around ``median_eur``; rounded to tens of euros if asked."""
    cents = rng.lognormvariate(math.log(median_eur * 100), sigma)
    if round_eur:
        return max(1000, round(cents / 1000) * 1000)
    return max(100, round(cents))


def _source_cents(rng: random.Random, median_eur: float, sigma: float) -> int:
    """The amount money starts with; launderers' first legs are often round sums."""
    return _cents(rng, median_eur, sigma, round_eur=rng.random() < 0.4)


def _less_cut(rng: random.Random, cents: int, low: float, high: float) -> int:
    """``cents`` less a cut of ``low``-``high`` of it, always strictly less and positive."""
    kept = round(cents * (1 - rng.uniform(low, high)))
    return max(1, min(cents - 1, kept))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` cents in ``parts`` uneven positive shares summing to at most ``total``."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = sum(weights)
    shares = [max(1, math.floor(total * w / scale)) for w in weights]
    shares[-1] = max(1, total - sum(shares[:-1]))
    return shares


def _after(rng: random.Random, when: dt.datetime, low_s: int, high_s: int) -> dt.datetime:
    """A whole-second time between ``low_s`` and ``high_s`` seconds after ``when``."""
    return when + dt.timedelta(seconds=rng.randint(low_s, high_s))


def _channel(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    """One channel of ``weighted`` (channel, weight) pairs."""
    return rng.choices([c for c, _ in weighted], [w for _, w in weighted])[0]


# --- typologies --------------------------------------------------------------------------


def _fan_in(rng: random.Random, acc: Sequence[str], start: dt.datetime, _t: int) -> list[_Leg]:
    """accounts[1:] each pay accounts[0] once within a week: earnings collected by a controller."""
    window = rng.randint(1, 7) * DAY
    channels = ((BANK, 3), (MTS, 3), (MOBILE, 2), (CASH_IN, 1))
    purposes = ("", "", "rent", "debt", "transport", "accommodation")
    return [
        (
            payer,
            acc[0],
            _cents(rng, 600, 0.7),
            _after(rng, start, 60, window),
            _channel(rng, channels),
            rng.choice(purposes),
        )
        for payer in acc[1:]
    ]


def _fan_out(rng: random.Random, acc: Sequence[str], start: dt.datetime, _t: int) -> list[_Leg]:
    """accounts[0] pays each of accounts[1:] once within a week."""
    window = rng.randint(1, 7) * DAY
    channels = ((BANK, 4), (MTS, 3), (MOBILE, 2), (CRYPTO, 1))
    purposes = ("", "salary", "advance", "commission", "services")
    return [
        (
            acc[0],
            payee,
            _source_cents(rng, 1500, 0.6),
            _after(rng, start, 60, window),
            _channel(rng, channels),
            rng.choice(purposes),
        )
        for payee in acc[1:]
    ]


def _cycle(rng: random.Random, acc: Sequence[str], start: dt.datetime, _t: int) -> list[_Leg]:
    """accounts[0] → [1] → … → [n-1] → [0], one hop after another, each 0.5-3 % smaller."""
    channels = ((BANK, 8), (MTS, 1), (CRYPTO, 1))
    purposes = ("invoice", "consulting services", "goods", "loan", "loan repayment")
    cents = _source_cents(rng, 8000, 0.8)
    when = start
    legs: list[_Leg] = []
    for k, payer in enumerate(acc):
        if k:
            cents = _less_cut(rng, cents, 0.005, 0.03)
        when = _after(rng, when, 2 * HOUR, 3 * DAY)
        legs.append(
            (
                payer,
                acc[(k + 1) % len(acc)],
                cents,
                when,
                _channel(rng, channels),
                rng.choice(purposes),
            )
        )
    return legs


def _scatter_gather(
    rng: random.Random, acc: Sequence[str], start: dt.datetime, _t: int
) -> list[_Leg]:
    """accounts[0] pays each middle account, which passes it on (less 1-5 %) to accounts[-1].

    Each middle account pays out between two hours and three days after it was paid.
    """
    out_channels = ((BANK, 5), (MTS, 3), (CRYPTO, 2))
    legs: list[_Leg] = []
    for middle in acc[1:-1]:
        cents = _source_cents(rng, 4000, 0.6)
        paid = _after(rng, start, 60, 2 * DAY)
        legs.append((acc[0], middle, cents, paid, BANK, rng.choice(("invoice", "services", ""))))
        legs.append(
            (
                middle,
                acc[-1],
                _less_cut(rng, cents, 0.01, 0.05),
                _after(rng, paid, 2 * HOUR, 3 * DAY),
                _channel(rng, out_channels),
                "",
            )
        )
    return legs


def _gather_scatter(
    rng: random.Random, acc: Sequence[str], start: dt.datetime, _t: int
) -> list[_Leg]:
    """The first group pays the centre, which pays the last group once all has arrived.

    With n accounts the centre is accounts[(n - 1) // 2]: the accounts before it gather, the
    ones after it receive (so the receiving group is the larger when n is even). The centre
    keeps 2-8 % and splits the rest unevenly among the receivers.
    """
    centre = (len(acc) - 1) // 2
    gather_channels = ((BANK, 3), (MTS, 3), (MOBILE, 2), (CASH_IN, 1))
    scatter_channels = ((BANK, 4), (MTS, 3), (CRYPTO, 2), (HAWALA, 1))
    legs: list[_Leg] = [
        (
            payer,
            acc[centre],
            _cents(rng, 1200, 0.6),
            _after(rng, start, 60, 3 * DAY),
            _channel(rng, gather_channels),
            rng.choice(("", "rent", "debt", "transport")),
        )
        for payer in acc[:centre]
    ]
    last_in = max(leg[3] for leg in legs)
    kept = _less_cut(rng, sum(leg[2] for leg in legs), 0.02, 0.08)
    receivers = acc[centre + 1 :]
    for payee, cents in zip(receivers, _split(rng, kept, len(receivers)), strict=True):
        legs.append(
            (
                acc[centre],
                payee,
                cents,
                _after(rng, last_in, HOUR, 2 * DAY),
                _channel(rng, scatter_channels),
                "",
            )
        )
    return legs


def _bipartite(rng: random.Random, acc: Sequence[str], start: dt.datetime, _t: int) -> list[_Leg]:
    """Every account of accounts[: n // 2] pays every account of accounts[n // 2 :].

    The graph is complete bipartite (no pair is skipped); times are unordered within 1-10 days.
    """
    half = len(acc) // 2
    window = rng.randint(1, 10) * DAY
    channels = ((BANK, 7), (MTS, 2), (CRYPTO, 1))
    return [
        (
            payer,
            payee,
            _source_cents(rng, 2500, 0.7),
            _after(rng, start, 60, window),
            _channel(rng, channels),
            rng.choice(("invoice", "goods", "services", "")),
        )
        for payer in acc[:half]
        for payee in acc[half:]
    ]


def _stack(rng: random.Random, acc: Sequence[str], start: dt.datetime, _t: int) -> list[_Leg]:
    """Three layers, each paying every account of the next: layer 1 → layer 2 → layer 3.

    Layers are consecutive slices of ``accounts`` as equal in size as possible, the earlier
    layers taking the remainder (7 accounts: 3, 2, 2). Every layer-2 account pays out only
    after all of layer 1 has paid, keeping 1-5 % and splitting the rest over layer 3.
    """
    n = len(acc)
    sizes = [n // 3 + (1 if k < n % 3 else 0) for k in range(3)]
    first = acc[: sizes[0]]
    second = acc[sizes[0] : sizes[0] + sizes[1]]
    third = acc[sizes[0] + sizes[1] :]
    legs: list[_Leg] = []
    received = dict.fromkeys(second, 0)
    for payer in first:
        for payee in second:
            cents = _source_cents(rng, 3000, 0.6)
            received[payee] += cents
            legs.append((payer, payee, cents, _after(rng, start, 60, 2 * DAY), BANK, "invoice"))
    layer_done = max(leg[3] for leg in legs)
    for payer in second:
        kept = _less_cut(rng, received[payer], 0.01, 0.05)
        for payee, cents in zip(third, _split(rng, kept, len(third)), strict=True):
            legs.append(
                (
                    payer,
                    payee,
                    cents,
                    _after(rng, layer_done, HOUR, 3 * DAY),
                    _channel(rng, ((BANK, 6), (CRYPTO, 2), (MTS, 2))),
                    "",
                )
            )
    return legs


def _pass_through(
    rng: random.Random, acc: Sequence[str], start: dt.datetime, _t: int
) -> list[_Leg]:
    """accounts[0] pays a chain of mules accounts[1:-1], the last of which pays accounts[-1].

    Each mule passes the money on 10 minutes to 6 hours after it arrives, keeping 1-10 %.
    """
    cents = _source_cents(rng, 3000, 0.8)
    when = _after(rng, start, 60, DAY)
    first_channels = ((BANK, 5), (MOBILE, 2), (MTS, 2))
    onward_channels = ((MTS, 4), (BANK, 3), (CRYPTO, 2), (MOBILE, 1))
    legs: list[_Leg] = [
        (
            acc[0],
            acc[1],
            cents,
            when,
            _channel(rng, first_channels),
            rng.choice(("", "gift", "loan")),
        )
    ]
    for k in range(1, len(acc) - 1):
        cents = _less_cut(rng, cents, 0.01, 0.10)
        when = _after(rng, when, 10 * 60, 6 * HOUR)
        legs.append((acc[k], acc[k + 1], cents, when, _channel(rng, onward_channels), ""))
    return legs


def _structuring(
    rng: random.Random, acc: Sequence[str], start: dt.datetime, threshold: int
) -> list[_Leg]:
    """accounts[1:] deposit into accounts[0], each deposit 85-99.9 % of the threshold.

    8-30 deposits (at least one from each depositor) over 3-30 days, summing to many times the
    threshold. The payer is the depositor's account: a cash deposit has no source account in a
    bank's books, but the ground truth records whose cash it was.
    """
    depositors = list(acc[1:])
    count = max(len(depositors), rng.randint(8, 30))
    payers = depositors + [rng.choice(depositors) for _ in range(count - len(depositors))]
    window = rng.randint(3, 30) * DAY
    channels = ((CASH_IN, 8), (MTS, 1), (BANK, 1))
    return [
        (
            payer,
            acc[0],
            min(threshold - 1, math.floor(threshold * rng.uniform(0.85, 0.999))),
            _after(rng, start, 60, window),
            _channel(rng, channels),
            "",
        )
        for payer in payers
    ]


_BUILDERS: dict[str, _Builder] = {
    "fan_in": _fan_in,
    "fan_out": _fan_out,
    "cycle": _cycle,
    "scatter_gather": _scatter_gather,
    "gather_scatter": _gather_scatter,
    "bipartite": _bipartite,
    "stack": _stack,
    "pass_through": _pass_through,
    "structuring": _structuring,
}


# --- background --------------------------------------------------------------------------

# Kinds of ordinary payment: purpose, channel, share of payments, median EUR, lognormal sigma,
# rounding unit in cents (rent is a round sum, remittances whole euros).
_ORDINARY: tuple[tuple[str, str, float, float, float, int], ...] = (
    ("salary", BANK, 0.12, 1800, 0.5, 1),
    ("rent", BANK, 0.10, 650, 0.4, 1000),
    ("groceries", CARD, 0.22, 45, 0.8, 1),
    ("online shopping", CARD, 0.14, 60, 1.0, 1),
    ("restaurant", CARD, 0.06, 35, 0.6, 1),
    ("utilities", BANK, 0.12, 90, 0.6, 1),
    ("loan repayment", BANK, 0.06, 300, 0.6, 1),
    ("family support", MTS, 0.08, 200, 0.7, 100),
    ("family support", MOBILE, 0.06, 80, 0.8, 100),
    ("family support", BANK, 0.04, 250, 0.7, 100),
)
_PURPOSE = np.array([kind[0] for kind in _ORDINARY], dtype=object)
_CHANNEL = np.array([kind[1] for kind in _ORDINARY], dtype=object)
_SHARE = np.array([kind[2] for kind in _ORDINARY]) / sum(kind[2] for kind in _ORDINARY)
_LOG_MEDIAN = np.log(np.array([kind[3] * 100 for kind in _ORDINARY]))
_SIGMA = np.array([kind[4] for kind in _ORDINARY])
_UNIT = np.array([kind[5] for kind in _ORDINARY], dtype=np.int64)


def background(
    rng: random.Random,
    accounts: Sequence[str],
    count: int,
    *,
    start: dt.datetime,
    end: dt.datetime,
    next_id: Callable[[], str],
    currency: str = "EUR",
) -> list[Transfer]:
    """``count`` ordinary payments between random pairs of distinct ``accounts``.

    Times are uniform in [start, end) to the second and returned in time order (ids drawn in
    that order); typology and pattern are None. The draws are made by a numpy generator seeded
    from ``rng``, so the same ``rng`` state gives the same payments and ``rng`` moves on.
    Raises ValueError for a negative count, fewer than two distinct accounts or an ``end``
    not after ``start``.
    """
    if count < 0:
        raise ValueError(f"count must be zero or more, got {count}")
    if end <= start:
        raise ValueError(f"end must be after start, got start={start} end={end}")
    names = np.array(accounts, dtype=object)
    if len(names) < 2:
        raise ValueError(f"background needs at least 2 accounts, got {len(names)}")
    if len(set(accounts)) != len(names):
        raise ValueError("background needs distinct accounts; some are named twice")
    gen = np.random.default_rng(rng.getrandbits(128))
    kind = gen.choice(len(_ORDINARY), size=count, p=_SHARE)
    raw = np.exp(_LOG_MEDIAN[kind] + _SIGMA[kind] * gen.standard_normal(count))
    unit = _UNIT[kind]
    cents = np.maximum(unit, np.rint(raw / unit).astype(np.int64) * unit)
    payer = gen.integers(0, len(names), size=count)
    beneficiary = gen.integers(0, len(names) - 1, size=count)
    beneficiary += beneficiary >= payer  # skip the payer itself: uniform over the others
    span_us = (end - start) // dt.timedelta(microseconds=1)
    offsets = np.sort(gen.integers(0, span_us, size=count))
    offsets -= offsets % 1_000_000  # whole seconds after start, so still before end
    base = np.datetime64(start.replace(tzinfo=None), "us")
    times: list[dt.datetime] = (base + offsets.astype("timedelta64[us]")).tolist()
    if start.tzinfo is not None:  # wall-clock addition, as ``start + timedelta`` does
        times = [t.replace(tzinfo=start.tzinfo) for t in times]
    columns = zip(
        names[payer].tolist(),
        names[beneficiary].tolist(),
        cents.tolist(),
        times,
        _CHANNEL[kind].tolist(),
        _PURPOSE[kind].tolist(),
        strict=True,
    )
    # A million new objects set off the cycle collector over and over, more than doubling the
    # time; transfers hold no cycles, so it is paused while they are made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [Transfer(next_id(), p, b, a, currency, t, c, u) for p, b, a, t, c, u in columns]
    finally:
        if collecting:
            gc.enable()
