"""Outliers: accounts and entities that behave unlike their peers, and why.

Each account's behaviour becomes a row of features read off its transactions (payments in and
out, distinct counterparties, amounts, the share of round amounts and of cash, how much of what
comes in goes out, how soon); other features (a node's degree in the network, anything else)
come in as a plain ``FeatureTable`` and are joined on the id. An isolation forest
(scikit-learn) scores how easily each row is set apart from the rest of its peer group — the
same kind of account (its country, its kind) when that group is big enough, else everyone.

A score alone tells an analyst nothing to check, so every outlier carries the features that
set it apart: its robust z-scores against its peers' median and median absolute deviation,
the largest few, in words ("received from 45 distinct payers against a peer median of 2").

Everything is columnar (pyarrow to factorise ids, numpy to aggregate): a million transactions
become features in about a second. The same seed gives the same scores.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tessera.network.graph import Network

# What each account feature is, in words, and whether it is read on a log scale (counts and
# amounts are heavy-tailed: one account with 10x the median is not 10x as odd as one with 2x).
ACCOUNT_FEATURES: dict[str, tuple[str, bool]] = {
    "payments_in": ("payments received", True),
    "payments_out": ("payments made", True),
    "payers": ("distinct payers", True),
    "beneficiaries": ("distinct beneficiaries", True),
    "amount_in": ("amount received", True),
    "amount_out": ("amount paid out", True),
    "mean_amount": ("mean payment", True),
    "round_share": ("share of round amounts (whole hundreds)", False),
    "cash_share": ("share of cash payments", False),
    "out_over_in": ("amount paid out per unit received", False),
    "hours_in_to_out": ("median hours from a payment in to the next payment out", True),
}
NETWORK_FEATURES: dict[str, tuple[str, bool]] = {
    "degree": ("distinct neighbours in the network", True),
    "ties": ("ties stated by records", True),
    "countries": ("countries involved", True),
    "agencies": ("agencies that recorded it", True),
    "cases": ("cases it appears in", True),
}
CASH = ("cash_deposit", "cash_withdrawal")
COLUMNS = ("payer", "beneficiary", "amount", "timestamp", "channel")
# A pass-through ratio beyond this says only "pays out far more than it receives here".
MAX_RATIO = 10.0
EVERYONE = "everyone"


class FeatureError(ValueError):
    """Transactions or features that cannot be read: names the column or row."""


@dataclass(frozen=True, slots=True)
class FeatureTable:
    """One row of numeric features per id (an account, a node): ``values[i, j]`` is feature
    ``names[j]`` of ``ids[i]``. ``NaN`` where a feature does not apply (it is read as the
    peers' median)."""

    ids: np.ndarray  # of str (object dtype)
    names: tuple[str, ...]
    values: np.ndarray  # float64, shape (len(ids), len(names))
    words: Mapping[str, str]  # feature name -> what it is, in words
    logged: frozenset[str] = frozenset()  # features compared on a log scale

    def __post_init__(self) -> None:
        if self.values.shape != (len(self.ids), len(self.names)):
            raise FeatureError(f"{len(self.ids)} ids and {len(self.names)} features need a "
                               f"{len(self.ids)}x{len(self.names)} table, not {self.values.shape}")
        if len(set(self.names)) != len(self.names):
            raise FeatureError(f"feature names repeat: {', '.join(self.names)}")

    @classmethod
    def of(cls, ids: Sequence[str], columns: Mapping[str, Sequence[float] | np.ndarray], *,
           words: Mapping[str, str] | None = None, logged: Iterable[str] = ()) -> FeatureTable:
        """A table from named columns, each as long as ``ids`` (e.g. a node's degree)."""
        keys = np.asarray(list(ids), dtype=object)
        if len(set(keys.tolist())) != len(keys):
            raise FeatureError("ids repeat: one row per id")
        stacked = []
        for name, column in columns.items():
            array = np.asarray(column, dtype=np.float64)
            if array.shape != (len(keys),):
                raise FeatureError(f"feature {name!r} has {array.size} values for "
                                   f"{len(keys)} ids")
            stacked.append(array)
        values = np.column_stack(stacked) if stacked else np.empty((len(keys), 0))
        said = {name: (words or {}).get(name, name.replace("_", " ")) for name in columns}
        return cls(keys, tuple(columns), values, said, frozenset(logged) & set(columns))

    def join(self, other: FeatureTable) -> FeatureTable:
        """This table's rows with ``other``'s features added (NaN where ``other`` lacks an
        id); ids only in ``other`` are left out."""
        clash = set(self.names) & set(other.names)
        if clash:
            raise FeatureError(f"both tables have the feature(s) {', '.join(sorted(clash))}")
        position = {key: i for i, key in enumerate(other.ids.tolist())}
        rows = np.array([position.get(key, -1) for key in self.ids.tolist()], dtype=np.int64)
        added = np.full((len(self.ids), len(other.names)), np.nan)
        found = rows >= 0
        added[found] = other.values[rows[found]]
        return FeatureTable(self.ids, (*self.names, *other.names),
                            np.hstack([self.values, added]), {**self.words, **other.words},
                            self.logged | other.logged)


def transactions_table(transactions: pa.Table | Iterable[Sequence[Any]]) -> pa.Table:
    """``transactions`` as a table of ``COLUMNS`` (amount float, timestamp in whole seconds).

    Either a pyarrow table with those columns (``channel`` may be absent; ``timestamp`` a
    timestamp or a number of seconds), or rows of (payer, beneficiary, amount, timestamp,
    channel) where the timestamp is a datetime or a number of seconds."""
    if not isinstance(transactions, pa.Table):
        listed = [tuple(row) for row in transactions]
        bad = next((i for i, row in enumerate(listed) if len(row) not in (4, 5)), None)
        if bad is not None:
            raise FeatureError(f"transaction {bad}: expected (payer, beneficiary, amount, "
                               f"timestamp, channel), got {len(listed[bad])} values")
        columns = list(zip(*listed, strict=True)) if listed else [(), (), (), (), ()]
        channel = columns[4] if len(columns) == 5 else [None] * len(listed)
        stamps = [t.timestamp() if isinstance(t, dt.datetime) else t for t in columns[3]]
        try:
            transactions = pa.table({
                "payer": pa.array(columns[0], pa.string()),
                "beneficiary": pa.array(columns[1], pa.string()),
                "amount": pa.array(columns[2], pa.float64()),
                "timestamp": pa.array(stamps, pa.float64()),
                "channel": pa.array(channel, pa.string()),
            })
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise FeatureError(f"transactions: {exc}") from None
    if "timestamp" not in transactions.column_names and "time" in transactions.column_names:
        # the shape tessera.patterns.payments reads (and source.transactions makes)
        transactions = transactions.rename_columns(
            ["timestamp" if c == "time" else c for c in transactions.column_names])
    missing = [c for c in COLUMNS[:4] if c not in transactions.column_names]
    if missing:
        raise FeatureError(f"transactions need the columns {', '.join(COLUMNS[:4])}; missing "
                           f"{', '.join(missing)}")
    stamp = transactions.column("timestamp")
    if pa.types.is_timestamp(stamp.type) or pa.types.is_date(stamp.type):
        stamp = pc.cast(pc.cast(stamp, pa.timestamp("s")), pa.int64())
    try:
        table = pa.table({
            "payer": pc.cast(transactions.column("payer"), pa.string()),
            "beneficiary": pc.cast(transactions.column("beneficiary"), pa.string()),
            "amount": pc.cast(transactions.column("amount"), pa.float64()),
            "timestamp": pc.cast(pc.floor(pc.cast(stamp, pa.float64())), pa.int64()),
            "channel": pc.cast(transactions.column("channel"), pa.string())
            if "channel" in transactions.column_names
            else pa.nulls(transactions.num_rows, pa.string()),
        })
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise FeatureError(f"transactions: {exc}") from None
    for name in ("payer", "beneficiary", "amount", "timestamp"):
        if table.column(name).null_count:
            raise FeatureError(f"transactions: column {name!r} has "
                               f"{table.column(name).null_count} empty values")
    return table


def account_features(transactions: pa.Table | Iterable[Sequence[Any]]) -> FeatureTable:
    """Every account's behaviour (``ACCOUNT_FEATURES``) from its payments in and out, ids in
    sorted order. Amounts are added as they are, whatever their currency."""
    table = transactions_table(transactions)
    n = table.num_rows
    both = pa.chunked_array([*table.column("payer").chunks, *table.column("beneficiary").chunks],
                            pa.string())
    encoded = pc.dictionary_encode(both).combine_chunks()
    names = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    # ids in sorted order, so the rows (and the forest's draws) do not depend on input order
    order = np.argsort(names.astype(str), kind="stable")
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    index = rank[encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)]
    payer, payee = index[:n], index[n:]
    k = len(names)
    amount = table.column("amount").to_numpy()
    if n and (amount <= 0).any():
        raise FeatureError(f"transactions: amounts must be positive; row "
                           f"{int(np.argmax(amount <= 0))} is {amount[amount <= 0][0]}")
    when = table.column("timestamp").to_numpy()
    channel = table.column("channel")
    cash = pc.fill_null(pc.is_in(channel, pa.array(CASH)), False).to_numpy(
        zero_copy_only=False)
    cents = np.rint(amount * 100).astype(np.int64)
    round_ = (cents % 10_000 == 0).astype(np.float64)

    def count(at: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(at, weights=weights, minlength=k).astype(np.float64)

    payments_in, payments_out = count(payee), count(payer)
    amount_in, amount_out = count(payee, amount), count(payer, amount)
    pairs = np.unique(payer * k + payee)
    payers, beneficiaries = count(pairs % k), count(pairs // k)
    payments = payments_in + payments_out
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_amount = (amount_in + amount_out) / payments
        round_share = (count(payee, round_) + count(payer, round_)) / payments
        cash_share = (count(payee, cash.astype(np.float64)) +
                      count(payer, cash.astype(np.float64))) / payments
        ratio = np.where(amount_in > 0, np.minimum(amount_out / amount_in, MAX_RATIO), np.nan)
    columns = {
        "payments_in": payments_in, "payments_out": payments_out, "payers": payers,
        "beneficiaries": beneficiaries, "amount_in": amount_in, "amount_out": amount_out,
        "mean_amount": mean_amount, "round_share": round_share, "cash_share": cash_share,
        "out_over_in": ratio, "hours_in_to_out": _hours_in_to_out(payer, payee, when, k),
    }
    return FeatureTable(names[order], tuple(columns), np.column_stack(list(columns.values())),
                        {name: words for name, (words, _) in ACCOUNT_FEATURES.items()},
                        frozenset(name for name, (_, log) in ACCOUNT_FEATURES.items() if log))


def _hours_in_to_out(payer: np.ndarray, payee: np.ndarray, when: np.ndarray, k: int
                     ) -> np.ndarray:
    """Per account, the median time from the latest payment in to each payment out (NaN for
    an account that never pays out after receiving). One sort, no Python loop."""
    account = np.concatenate([payee, payer])
    time = np.concatenate([when, when]).astype(np.int64)
    incoming = np.concatenate([np.ones(len(payee), bool), np.zeros(len(payer), bool)])
    if not len(account):
        return np.full(k, np.nan)
    time = time - time.min()
    # by account, then time; at equal times money arrives before it leaves
    order = np.lexsort((~incoming, time, account))
    account, time, incoming = account[order], time[order], incoming[order]
    # running max of (account, arrival time) keys: within an account, the latest arrival so far
    span = int(time.max()) + 2
    key = account * span + np.where(incoming, time + 1, 0)
    latest = np.maximum.accumulate(key)
    arrived = latest - account * span - 1  # -1 (or less): nothing arrived yet in this account
    leaves = ~incoming & (arrived >= 0)
    gap_account = account[leaves]
    gap = (time[leaves] - arrived[leaves]) / 3600.0
    out = np.full(k, np.nan)
    if not len(gap):
        return out
    order = np.lexsort((gap, gap_account))
    gap_account, gap = gap_account[order], gap[order]
    accounts, start, size = np.unique(gap_account, return_index=True, return_counts=True)
    low, high = gap[start + (size - 1) // 2], gap[start + size // 2]
    out[accounts] = (low + high) / 2
    return out


def network_features(net: Network, kinds: Iterable[str] | None = None) -> FeatureTable:
    """Each node's place in the network (``NETWORK_FEATURES``), for nodes of ``kinds`` (all
    when None): to join onto account features, or to find people unlike their peers."""
    wanted = None if kinds is None else set(kinds)
    neighbours: dict[str, set[str]] = {}
    ties: dict[str, int] = {}
    for edge in net.edges.values():
        for end, other in ((edge.source, edge.target), (edge.target, edge.source)):
            neighbours.setdefault(end, set()).add(other)
            ties[end] = ties.get(end, 0) + edge.count
    nodes = sorted((n for n in net.nodes.values() if wanted is None or n.kind in wanted),
                   key=lambda n: n.id)
    return FeatureTable.of(
        [n.id for n in nodes],
        {"degree": [len(neighbours.get(n.id, ())) for n in nodes],
         "ties": [ties.get(n.id, 0) for n in nodes],
         "countries": [len(n.provenance.countries) for n in nodes],
         "agencies": [len(n.provenance.agencies) for n in nodes],
         "cases": [len(n.provenance.cases) for n in nodes]},
        words={name: words for name, (words, _) in NETWORK_FEATURES.items()},
        logged=[name for name, (_, log) in NETWORK_FEATURES.items() if log],
    )


# --- scoring and explaining ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Standout:
    """One feature that sets an outlier apart from its peers."""

    feature: str
    words: str
    value: float
    peer_median: float
    z: float  # robust z-score on the compared (log for counts and amounts) scale

    def __str__(self) -> str:
        direction = "high" if self.z > 0 else "low"
        return (f"{self.words} {_show(self.feature, self.value)} against a peer median of "
                f"{_show(self.feature, self.peer_median)} ({direction}, robust z "
                f"{self.z:+.1f})")


@dataclass(frozen=True, slots=True)
class Outlier:
    id: str
    peers: str  # the peer group it was scored in
    score: float  # isolation-forest anomaly score, 0-1; above about 0.6 is clearly apart
    standouts: tuple[Standout, ...]

    @property
    def reason(self) -> str:
        return (f"{self.id} stands out among {self.peers} (anomaly score {self.score:.2f}): "
                + "; ".join(str(s) for s in self.standouts))


@dataclass(frozen=True, slots=True)
class Scan:
    """Every row's anomaly score and peer group, and the outliers with their reasons."""

    ids: np.ndarray
    scores: np.ndarray  # higher: more anomalous
    peers: np.ndarray  # each row's peer group
    outliers: tuple[Outlier, ...]  # highest score first


def scan(features: FeatureTable, *, peers: Mapping[str, str] | None = None,
         min_peers: int = 50, share: float = 0.01, seed: int = 0, trees: int = 100,
         explain: int = 3) -> Scan:
    """Score every row against its peers and explain the top ``share`` of each peer group.

    ``peers`` maps ids to a peer group (an account's country or kind); a group of fewer than
    ``min_peers`` rows, and every id it does not map, is scored against everyone. Each
    outlier names its ``explain`` features with the largest robust z-scores."""
    if not 0 < share < 0.5:
        raise FeatureError(f"share must be above 0 and below 0.5, not {share}")
    if min_peers < 2 or trees < 1 or explain < 1:
        raise FeatureError("min_peers must be at least 2, trees and explain at least 1")
    n = len(features.ids)
    label = np.array([(peers or {}).get(i, EVERYONE) for i in features.ids.tolist()],
                     dtype=object)
    groups, sizes = np.unique(label.astype(str), return_counts=True)
    small = {g for g, size in zip(groups.tolist(), sizes.tolist(), strict=True)
             if size < min_peers}
    label[np.isin(label.astype(str), list(small))] = EVERYONE
    compared = _compared(features)
    scores = np.zeros(n)
    found: list[Outlier] = []
    if n < 2 or not features.names:
        return Scan(features.ids, scores, label, ())
    everyone = np.arange(n)
    # the whole population is one forest, fitted once, for rows without a big enough group
    plan = [(EVERYONE, everyone, label == EVERYONE)]
    plan += [(g, np.flatnonzero(label == g), label == g)
             for g in sorted(set(label.tolist()) - {EVERYONE})]
    for group, fit_rows, score_mask in plan:
        if not score_mask.any():
            continue
        matrix = _filled(compared, fit_rows)
        # imported here: scikit-learn takes a second to import, which every `tessera`
        # command would pay (the CLI loads all its commands) for the one that scores
        from sklearn.ensemble import IsolationForest

        forest = IsolationForest(n_estimators=trees, max_samples=min(256, len(fit_rows)),
                                 random_state=seed)
        forest.fit(matrix[fit_rows])
        rows = np.flatnonzero(score_mask)
        scores[rows] = -forest.score_samples(matrix[rows])
        flagged = rows[np.argsort(-scores[rows], kind="stable")][:max(1, math.ceil(
            share * len(rows)))]
        centre, spread = _robust(compared[fit_rows])
        with _quiet():
            medians = np.nanmedian(features.values[fit_rows], axis=0)
        for row in flagged.tolist():
            standouts = _standouts(features, compared[row], features.values[row], medians,
                                   centre, spread, explain)
            name = "all accounts" if group == EVERYONE else f"peers {group}"
            found.append(Outlier(str(features.ids[row]), name, float(scores[row]), standouts))
    found.sort(key=lambda o: (-o.score, o.id))
    return Scan(features.ids, scores, label, tuple(found))


def _compared(features: FeatureTable) -> np.ndarray:
    """The features on the scale they are compared on: log1p for counts and amounts."""
    compared = features.values.astype(np.float64, copy=True)
    for j, name in enumerate(features.names):
        if name in features.logged:
            compared[:, j] = np.sign(compared[:, j]) * np.log1p(np.abs(compared[:, j]))
    return compared


def _filled(compared: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``compared`` with NaN read as the median of ``rows`` (0 where a column is all NaN)."""
    with _quiet():
        median = np.nanmedian(compared[rows], axis=0)
    median = np.where(np.isnan(median), 0.0, median)
    return np.where(np.isnan(compared), median, compared)


def _robust(compared: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's median and robust spread: 1.4826 MAD (the standard deviation for normal
    data); where half the peers share one value (MAD 0), 1.2533 times the mean absolute
    deviation, which still sees the few that differ."""
    with _quiet():
        centre = np.nanmedian(compared, axis=0)
        deviation = np.abs(compared - centre)
        mad = 1.4826 * np.nanmedian(deviation, axis=0)
        mean = 1.2533 * np.nanmean(deviation, axis=0)
    spread = np.where(mad > 0, mad, mean)
    return centre, np.where(np.isnan(spread), 0.0, spread)


def _standouts(features: FeatureTable, compared: np.ndarray, raw: np.ndarray,
               medians: np.ndarray, centre: np.ndarray, spread: np.ndarray,
               explain: int) -> tuple[Standout, ...]:
    """The ``explain`` features of one row furthest from its peers, in robust z-scores
    (``centre`` and ``spread`` on the compared scale; ``medians`` the peers' raw medians)."""
    with _quiet():
        z = np.where(spread > 0, (compared - centre) / spread, 0.0)
    z = np.where(np.isnan(z), 0.0, z)
    top = [j for j in np.argsort(-np.abs(z), kind="stable")[:explain].tolist() if z[j] != 0]
    return tuple(Standout(features.names[j], features.words[features.names[j]],
                          float(raw[j]), float(medians[j]), float(z[j])) for j in top)


@contextmanager
def _quiet() -> Iterator[None]:
    """numpy's floating-point and all-NaN warnings off: the callers handle NaN themselves."""
    with np.errstate(all="ignore"), warnings.catch_warnings(action="ignore",
                                                            category=RuntimeWarning):
        yield


def _show(feature: str, value: float) -> str:
    if math.isnan(value):
        return "none"
    if feature.endswith("_share"):
        return f"{value:.0%}"
    if feature == "hours_in_to_out":
        return f"{value:,.1f} h"
    if feature == "out_over_in":
        return f"{value:.2f}"
    return f"{value:,.0f}" if abs(value) >= 100 or value.is_integer() else f"{value:,.2f}"
