"""Laundering typologies in payments, found by SQL on DuckDB.

The scan takes a table of transactions (id, payer, beneficiary, amount, currency, time) and
finds the shapes money takes when it is laundered (AMLSim's typologies, and what trafficking
cases show most):

- **structuring**: repeated deposits just under a reporting threshold into one account;
- **stack**: three layers, each paying every account of the next;
- **bipartite**: a group of payers each paying every account of a group of payees;
- **cycle**: money that comes back to where it started, hop after hop (up to ``cycle_hops``);
- **gather_scatter**: many pay one account, which soon pays out most of it to many;
- **scatter_gather**: one account pays several, which each pass it on to the same account;
- **many_victims**: an account receiving from the accounts of several victims (when the victims'
  accounts are known, as on the hub);
- **pass_through**: a mule passes money on soon after it arrives, keeping a small cut;
- **fan_in**: many payers to one account in a short burst, or split payments (several on one
  day from one payer) from several payers;
- **fan_out**: one account paying many in a short burst.

Rules run in that order, most specific first, and each claims the transactions it explains:
later rules see only what is left. So the sink of a scatter-gather is not also reported as a
fan-in, nor a stack's layers as bipartite blocks. Every alert names its accounts (with their
part in the pattern), its transactions, amounts and time span, and says in words which rule
fired and why.

Everything heavy is SQL over one table (``t``) and tables made from it, so that the same
queries run on Spark: windows, joins and grouping, with DuckDB's list functions only where a
path is followed. The SQL goes through ``tessera.engine.Tables``: on DuckDB as written, on
Spark translated (``scan(..., engine=...)``). Small results (blocks of payers and payees,
chains of mules) are put together in Python, the same for both. Times are whole seconds
(``ts``), so the SQL compares integers; where rows come back in no set order, they are put in
one before anything depends on it, so that every engine gives the same alerts.
"""

# ruff: noqa: S608  # the SQL is built from Rules' numbers and fixed column names; the one
# name a caller gives (a CSV's column) is quoted with its quotes doubled

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from tessera.engine import DuckTables, EngineError, Tables
from tessera.patterns.stats import poisson_tail

DAY = 86_400
MAX_DAY = 36_500  # a time given as a day number (a simulator's step) is at most this

TYPOLOGIES: tuple[str, ...] = (
    "structuring", "stack", "bipartite", "cycle", "gather_scatter", "scatter_gather",
    "many_victims", "pass_through", "fan_in", "fan_out",
)

# The columns a transactions table must have, and the optional ones.
REQUIRED = ("payer", "beneficiary", "amount", "time")
OPTIONAL = ("id", "currency", "channel")


class PaymentsError(ValueError):
    """Transactions that cannot be scanned: says which column or row, and why."""


@dataclass(frozen=True, slots=True)
class Rules:
    """The thresholds of the scan. Times are seconds; shares are fractions of one.

    The defaults are what the typologies look like in the FATF's and Egmont's case studies
    and in AMLSim (bursts within days, mules keeping 1-10 %, structuring at 85-100 % of the
    threshold); each can be changed from the CLI."""

    fan_min: int = 3  # distinct counterparties in one burst for a fan-in or fan-out
    burst_gap: int = 3 * DAY  # a burst of payments ends after this long without one
    fan_span: int = 14 * DAY  # ... and a fan lasts at most this long
    # ... and has more counterparties than all but this share of the data's account-periods
    # of fan_span (counting the periods an account was quiet): busy ledgers, where ordinary
    # accounts gather from many, raise the bar; sparse reports leave it at fan_min
    fan_rarity: float = 0.001
    split_min: int = 2  # payments from one payer to one beneficiary on one day: a split payment
    split_payers: int = 2  # distinct payers splitting into one account for a fan-in
    split_span: int = 180 * DAY
    relay_gap: int = 3 * DAY  # money passed on within this long of arriving ...
    relay_cut: float = 0.10  # ... less at most this share of it, is relayed
    pass_gap: int = DAY  # a pass-through mule relays within this long
    cycle_hops: int = 12
    cycle_span: int = 45 * DAY
    block_gap: int = 7 * DAY  # a payer's payments to a block of payees end after this gap
    gather_kept: float = 0.25  # a gather-scatter centre pays out at least 1 - this of its take
    threshold: float = 10_000.0  # the reporting threshold structuring stays under
    structuring_floor: float = 0.85  # deposits from this share of the threshold up to it
    structuring_min: int = 3  # such deposits into one account ...
    structuring_gap: int = 30 * DAY  # ... with no more than this between them
    victims_min: int = 2  # distinct victims' accounts paying one account
    pass_min: int = 2  # mules in a chain (one account relaying by chance is common in busy data)
    # A burst (fan-in, fan-out, a gather) must also be unlikely for the account: its count
    # against a Poisson rate from the account's other payments, with the chance of any false
    # alarm held at this level over every account-day a burst could start on (Bonferroni). A
    # false discovery rate (Benjamini-Hochberg) over the bursts found was tried and let
    # thousands through on AMLSim: the bursts tested are the big ones already, so their
    # p-values are not uniform under chance.
    burst_alpha: float = 0.01

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not math.isfinite(value) or value <= 0:
                raise ValueError(f"rule {f.name} must be a positive number, got {value}")
        for name in ("relay_cut", "structuring_floor", "gather_kept", "burst_alpha", "fan_rarity"):
            if getattr(self, name) >= 1:
                raise ValueError(f"rule {name} is a share and must be under 1, "
                                 f"got {getattr(self, name)}")
        if self.fan_min < 2 or self.split_payers < 1 or self.cycle_hops < 3:
            raise ValueError("fan_min must be at least 2, split_payers at least 1 and "
                             "cycle_hops at least 3")


@dataclass(frozen=True, slots=True)
class Alert:
    """One instance of a typology: who, which transactions, how much, when, and why."""

    id: str  # typology-N, numbered in the order found
    typology: str
    accounts: dict[str, str]  # account -> its part in the pattern (collector, mule, layer 2…)
    transactions: tuple[str, ...]  # transaction ids, in time order
    amount: float  # total of the transactions (in their currencies, summed as numbers)
    currencies: tuple[str, ...]
    first: dt.datetime
    last: dt.datetime
    reason: str

    def row(self) -> dict[str, Any]:
        """The alert as one flat row for a CSV."""
        return {
            "alert": self.id, "typology": self.typology,
            "accounts": ";".join(self.accounts),
            "parts": ";".join(f"{a}={p}" for a, p in self.accounts.items()),
            "transactions": ";".join(self.transactions), "count": len(self.transactions),
            "amount": round(self.amount, 2), "currencies": ";".join(self.currencies),
            "first": self.first.isoformat(), "last": self.last.isoformat(),
            "reason": self.reason,
        }


ALERT_COLUMNS = ("alert", "typology", "accounts", "parts", "transactions", "count", "amount",
                 "currencies", "first", "last", "reason")


@dataclass(slots=True)
class _Found:
    typology: str
    accounts: dict[str, str]
    keys: list[int]
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


# --- loading -------------------------------------------------------------------------------


def table(
    payer: Sequence[str], beneficiary: Sequence[str], amount: Sequence[float],
    time: Sequence[dt.datetime], *, ids: Sequence[str] | None = None,
    currency: Sequence[str] | None = None, channel: Sequence[str | None] | None = None,
) -> pa.Table:
    """A transactions table from columns (the shape ``scan`` reads)."""
    n = len(payer)
    return pa.table({
        "id": pa.array(ids if ids is not None else [str(k + 1) for k in range(n)], pa.string()),
        "payer": pa.array(payer, pa.string()),
        "beneficiary": pa.array(beneficiary, pa.string()),
        "amount": pa.array(amount, pa.float64()),
        "currency": pa.array(currency if currency is not None else [""] * n, pa.string()),
        "time": pa.array(time, pa.timestamp("s")),
        "channel": pa.array(channel if channel is not None else [None] * n, pa.string()),
    })


def read_csv(path: str, *, columns: Mapping[str, str] | None = None) -> pa.Table:
    """Transactions from a CSV with a header naming at least payer, beneficiary, amount and
    time (id, currency and channel are optional), or from a Parquet file (``.parquet``) with
    those columns, read and checked the same way. ``columns`` renames: {"payer":
    "sourceNodeId", …}. Time is an ISO date or date and time (with an offset, converted to
    UTC; without, taken as UTC), or a whole number of days since 1970 (a simulator's step, up
    to ``MAX_DAY``). Raises PaymentsError naming the file, the row and the column of the
    first value that is not what it should be."""
    names = dict(columns or {})
    con = duckdb.connect()
    try:
        try:
            parquet = path.lower().endswith((".parquet", ".pq"))
            raw = (con.read_parquet(path) if parquet
                   else con.read_csv(path, all_varchar=True, header=True))
        except (duckdb.Error, OSError) as err:
            kind = "Parquet" if path.lower().endswith((".parquet", ".pq")) else "CSV"
            raise PaymentsError(f"{path}: cannot read as {kind}: {err}") from None
        header = raw.columns
        source = {c: names.get(c, c) for c in (*REQUIRED, *OPTIONAL)}
        missing = [f"{c} (as {source[c]!r})" if source[c] != c else c
                   for c in REQUIRED if source[c] not in header]
        if missing:
            raise PaymentsError(f"{path}: missing column(s) {', '.join(missing)}; "
                                f"the header has {', '.join(header)}")
        con.register("raw", raw)

        def col(c: str) -> str:
            quoted = source[c].replace('"', '""')
            # every value as text, so that a Parquet file is checked as a CSV is
            return f'CAST("{quoted}" AS VARCHAR)' if source[c] in header else "NULL"

        con.execute(f"""CREATE TABLE v AS SELECT row_number() OVER () + 1 AS line,
            {col('id')} AS id, trim({col('payer')}) AS payer,
            trim({col('beneficiary')}) AS beneficiary, {col('amount')} AS amount_text,
            {col('currency')} AS currency, trim({col('time')}) AS time_text,
            nullif(trim({col('channel')}), '') AS channel FROM raw""")
        con.execute("SET TimeZone = 'UTC'")  # a time without an offset is read as UTC
        con.execute(f"""CREATE TABLE c AS SELECT *,
            TRY_CAST(amount_text AS DOUBLE) AS amount,
            coalesce(TRY_CAST(time_text AS TIMESTAMPTZ) AT TIME ZONE 'UTC',
                     CASE WHEN TRY_CAST(time_text AS INTEGER) BETWEEN 0 AND {MAX_DAY}
                          THEN TIMESTAMP '1970-01-01' + to_days(TRY_CAST(time_text AS INTEGER))
                     END) AS time
            FROM v""")
        checks = (
            ("payer", "payer IS NULL OR payer = ''", "is empty"),
            ("beneficiary", "beneficiary IS NULL OR beneficiary = ''", "is empty"),
            ("amount", "amount IS NULL OR NOT isfinite(amount) OR amount <= 0",
             "is not a positive number"),
            ("time", "time IS NULL", "is not a date, a date and time, or a day number "
             f"(0 to {MAX_DAY})"),
        )
        for column, bad, why in checks:
            found = con.execute(
                f"SELECT line, {column if column != 'amount' else 'amount_text'}, "
                f"{'time_text' if column == 'time' else 'NULL'} FROM c WHERE {bad} "
                "ORDER BY line LIMIT 1").fetchone()
            if found is not None:
                value = found[2] if column == "time" else found[1]
                raise PaymentsError(f"{path}, row {found[0]}, column {source[column]}: "
                                    f"{value!r} {why}")
        twice = con.execute("""SELECT id, list(line ORDER BY line) FROM c WHERE id IS NOT NULL
            GROUP BY id HAVING count(*) > 1 ORDER BY min(line) LIMIT 1""").fetchone()
        if twice is not None:
            raise PaymentsError(f"{path}, rows {twice[1][0]} and {twice[1][1]}, column "
                                f"{source['id']}: the id {twice[0]!r} is given twice")
        return con.sql("""SELECT coalesce(id, CAST(line - 1 AS VARCHAR)) AS id, payer,
            beneficiary, amount, coalesce(currency, '') AS currency,
            CAST(time AS TIMESTAMP_S) AS time, channel FROM c ORDER BY line""").to_arrow_table()
    finally:
        con.close()


# --- the scan ------------------------------------------------------------------------------


def scan(
    transactions: pa.Table, rules: Rules | None = None, *,
    victims: Mapping[str, str] | None = None,
    typologies: Iterable[str] | None = None,
    progress: Callable[[str, int], None] | None = None,
    threads: int | None = None,
    memory_limit: str = "6GB",
    engine: Tables | None = None,
) -> list[Alert]:
    """Every typology alert in ``transactions`` (see ``table`` and ``read_csv`` for its
    columns), most specific typology first.

    ``victims`` maps accounts known to be victims' to their case ("" if unknown): it enables
    the many-victims rule. ``typologies`` limits the scan to some (the others' transactions
    are then not claimed). ``progress(typology, alerts)`` is told as each rule finishes.
    The scan runs on ``engine`` (``tessera.engine.open_tables``: DuckDB or Spark), which it
    leaves open; by default on a DuckDB of its own, kept within ``memory_limit`` and
    ``threads``, which spills the rest to a temporary folder. A scan that still cannot finish
    raises PaymentsError."""
    rules = rules or Rules()
    wanted = list(TYPOLOGIES) if typologies is None else list(typologies)
    unknown = sorted(set(wanted) - set(TYPOLOGIES))
    if unknown:
        raise ValueError(f"unknown typology {', '.join(unknown)}; "
                         f"expected some of: {', '.join(TYPOLOGIES)}")
    missing = [c for c in ("payer", "beneficiary", "amount", "time")
               if c not in transactions.column_names]
    if missing:
        raise PaymentsError(f"transactions lack column(s) {', '.join(missing)}")
    db = engine or DuckTables(memory_limit=memory_limit, threads=threads)
    try:
        return _Scan(db, transactions, rules, victims or {}).run(wanted, progress)
    except EngineError as err:  # out of memory, or a value the engine could not take
        raise PaymentsError(f"the scan failed: {err}") from None
    finally:
        if engine is None:
            db.close()


ROW = "tessera_row"  # the input's row number, added to the table the engine reads


class _Scan:
    def __init__(self, db: Tables, transactions: pa.Table, rules: Rules,
                 victims: Mapping[str, str]) -> None:
        self.db, self.r, self.victims = db, rules, victims
        db.register("source", transactions.append_column(
            ROW, pa.array(np.arange(1, transactions.num_rows + 1, dtype=np.int64))))
        names = transactions.column_names
        ident = "CAST(id AS VARCHAR)" if "id" in names else f"CAST({ROW} AS VARCHAR)"
        currency = "coalesce(currency, '')" if "currency" in names else "''"
        # k: a dense integer key, cheaper to join and claim on than the caller's ids: the
        # row's place in the input, so the same on every engine (ties in time break on it).
        # Times to the second below (an engine that rounds and one that truncates differ).
        db.create("t", f"""SELECT {ROW} AS k,
            {ident} AS id, CAST(payer AS VARCHAR) AS payer,
            CAST(beneficiary AS VARCHAR) AS beneficiary, CAST(amount AS DOUBLE) AS amount,
            {currency} AS currency,
            CAST(floor(epoch(CAST(time AS TIMESTAMP))) AS BIGINT) AS ts
            FROM source WHERE payer <> beneficiary""")
        # what no rule has explained yet: t less the transactions claimed
        db.register("claimed", pa.table({"k": pa.array([], pa.int64())}))
        db.view("live", "SELECT t.* FROM t ANTI JOIN claimed USING (k)")
        self._blocks: tuple[list[_Found], list[_Found]] | None = None
        self._span: int | None = None
        self._totals: dict[str, dict[str, int]] = {}
        self._tests = 0

    def run(self, wanted: list[str], progress: Callable[[str, int], None] | None
            ) -> list[Alert]:
        rules: dict[str, Callable[[], list[_Found]]] = {
            "structuring": self.structuring, "stack": lambda: self.blocks()[0],
            "bipartite": lambda: self.blocks()[1], "cycle": self.cycles,
            "gather_scatter": self.gather_scatter, "scatter_gather": self.scatter_gather,
            "many_victims": self.many_victims, "pass_through": self.pass_through,
            "fan_in": self.fan_in, "fan_out": self.fan_out,
        }
        found: list[_Found] = []
        for typology in TYPOLOGIES:
            if typology in wanted:
                # in one order whatever order the engine gave the rows in: alerts are
                # numbered in it
                alerts = sorted(rules[typology](), key=lambda f: (
                    sorted(set(f.keys)), sorted(f.accounts.items()), f.reason))
                self._claim(alerts)
                found.extend(alerts)
                if progress is not None:
                    progress(typology, len(alerts))
        return self._alerts(found)

    # --- shared steps ---------------------------------------------------------------------

    def _claim(self, found: list[_Found]) -> None:
        keys = sorted({k for f in found for k in f.keys})
        if keys:
            self.db.register("fresh", pa.table({"k": pa.array(keys, pa.int64())}))
            self.db.create("claimed", "SELECT k FROM claimed UNION ALL SELECT k FROM fresh")
            # made again: a view on Spark holds the tables it read when it was made
            self.db.view("live", "SELECT t.* FROM t ANTI JOIN claimed USING (k)")

    def _bursts(self, source: str, partition: str, gap: int) -> str:
        """SQL numbering the runs ('bursts') of ``source``'s rows per ``partition``: a new
        burst starts after more than ``gap`` seconds without a row."""
        order = f"PARTITION BY {partition} ORDER BY ts, k"
        return f"""(SELECT *, sum(new) OVER ({order} ROWS UNBOUNDED PRECEDING) AS burst
            FROM (SELECT *, CASE WHEN ts - lag(ts) OVER ({order}) <= {gap} THEN 0 ELSE 1 END
                  AS new FROM {source}))"""

    def _surprising(self, rows: list[tuple[Any, ...]], *sides: str) -> list[tuple[Any, ...]]:
        """The ``rows`` whose bursts are unlikely for their account. Each row starts with the
        account, then a burst's payment count and span for each of ``sides`` (beneficiary:
        payments in; payer: out). The account's rate on a side is its other payments there
        over the data's whole span (its rate over its own active time was tried: collectors
        that fan in a few times a year then look busy, and 15 % of the scenario's fans were
        lost). The bursts' chance is the product of their Poisson tails; the level is
        ``burst_alpha`` shared among every account-day of the data."""
        if not rows:
            return rows
        if self._span is None:
            low, high = self.db.rows("SELECT min(ts), max(ts) FROM t")[0]
            self._span = max(DAY, (high or 0) - (low or 0))
            (accounts,), = self.db.rows(
                "SELECT count(*) FROM (SELECT payer FROM t UNION SELECT beneficiary FROM t)")
            self._tests = accounts * (self._span // DAY + 1)
        for side in sides:
            if side not in self._totals:
                self._totals[side] = dict(self.db.rows(
                    f"SELECT {side}, count(*) FROM t GROUP BY {side}"))
        span, level = self._span, self.r.burst_alpha / max(1, self._tests)

        def chance(row: tuple[Any, ...]) -> float:
            p = 1.0
            for n, side in enumerate(sides):
                count, seconds = row[1 + 2 * n], row[2 + 2 * n]
                rate = max(1, self._totals[side].get(row[0], count) - count) / span
                p *= poisson_tail(count, rate * (max(seconds, 0) + DAY))
            return p

        return [row for row in rows if chance(row) <= level]

    def _fan_floor(self, centre: str, other: str) -> int:
        """The fewest counterparties a fan needs: ``fan_min``, or more where at least
        ``fan_rarity`` of all account-periods (of ``fan_span``, quiet ones included) have as
        many. Data of too few account-periods to hold one such period (under a thousand, at
        the default rarity) cannot say what is rare: the floor stays at ``fan_min``."""
        r = self.r
        counts = self.db.rows(f"""SELECT n, count(*) FROM (
                SELECT count(DISTINCT {other}) AS n FROM t GROUP BY {centre}, ts // {r.fan_span})
            GROUP BY n ORDER BY n DESC""")
        low, high = self.db.rows("SELECT min(ts), max(ts) FROM t")[0]
        (accounts,), = self.db.rows(f"SELECT count(DISTINCT {centre}) FROM t")
        periods = ((high or 0) // r.fan_span - (low or 0) // r.fan_span + 1) * accounts
        allowed, seen = r.fan_rarity * periods, 0
        if allowed < 1:
            return r.fan_min
        for n, windows in counts:  # from the most counterparties down
            seen += windows
            if seen > allowed:
                return max(r.fan_min, int(n) + 1)
        return r.fan_min

    def _relays(self, gap: int) -> None:
        """Table ``relay``: pairs of live transactions where money arriving at an account
        leaves it within ``gap`` seconds, in the same currency, less at most the relay cut,
        and not straight back."""
        self.db.create("relay", f"""
            SELECT i.k AS kin, o.k AS kout, i.payer AS src, i.beneficiary AS via,
                   o.beneficiary AS dst, i.ts AS tin, o.ts AS tout
            FROM live i JOIN live o ON o.payer = i.beneficiary AND o.currency = i.currency
            WHERE o.ts > i.ts AND o.ts <= i.ts + {gap} AND o.amount <= i.amount
              AND o.amount >= i.amount * {1 - self.r.relay_cut} AND o.beneficiary <> i.payer""")

    # --- the rules ------------------------------------------------------------------------

    def structuring(self) -> list[_Found]:
        r = self.r
        rows = self.db.rows(f"""SELECT beneficiary, list(k), list(DISTINCT payer),
                count(*), min(amount), max(amount), max(ts) - min(ts)
            FROM {self._bursts(f'''(SELECT * FROM live WHERE amount >= {r.threshold *
                r.structuring_floor} AND amount < {r.threshold})''', 'beneficiary',
                r.structuring_gap)}
            GROUP BY beneficiary, burst HAVING count(*) >= {r.structuring_min}""")
        return [
            _Found("structuring", {account: "receiver", **dict.fromkeys(payers, "depositor")},
                   keys,
                   f"{n} deposits of {low:,.2f} to {high:,.2f} into {account} within "
                   f"{_days(span)}, each just under the {r.threshold:,.0f} reporting threshold "
                   f"(from {r.structuring_floor:.0%} of it)")
            for account, keys, payers, n, low, high, span in rows
        ]

    def blocks(self) -> tuple[list[_Found], list[_Found]]:
        """(stacks, bipartite blocks). A block is payers who each paid exactly the same set of
        two or more payees within a burst; a stack is a block whose payees then form, as
        payers, a block of their own."""
        if self._blocks is not None:
            return self._blocks
        rows = self.db.rows(f"""SELECT payer, list_sort(list(DISTINCT beneficiary)),
                list(k), min(ts), max(ts)
            FROM {self._bursts('live', 'payer', self.r.block_gap)}
            GROUP BY payer, burst HAVING count(DISTINCT beneficiary) >= 2""")
        rows.sort(key=lambda row: (row[0], row[3]))  # blocks are paired in this order
        by_payees: dict[tuple[str, ...], list[tuple[str, list[int], int, int]]] = \
            defaultdict(list)
        for payer, payees, keys, first, last in rows:
            by_payees[tuple(payees)].append((payer, keys, first, last))
        blocks: list[tuple[frozenset[str], tuple[str, ...], list[int], int, int]] = []
        for payees, paying in by_payees.items():
            # payers paying the same set months apart are not one block: cluster in time
            paying.sort(key=lambda p: p[2])
            group: list[tuple[str, list[int], int, int]] = []
            for entry in [*paying, None]:
                if entry is None or (group and entry[2] - group[0][2] > self.r.block_gap):
                    names = {p[0] for p in group}
                    if len(names) >= 2 and not names & set(payees):
                        blocks.append((frozenset(names), payees,
                                       [k for p in group for k in p[1]],
                                       min(p[2] for p in group), max(p[3] for p in group)))
                    group = []
                if entry is not None:
                    group.append(entry)
        by_payers = {b[0]: n for n, b in enumerate(blocks)}
        stacks: list[_Found] = []
        used: set[int] = set()
        for n, (payers, payees, keys, first, _) in enumerate(blocks):
            after = by_payers.get(frozenset(payees))
            if (after is None or blocks[after][3] < first or used & {n, after}
                    or blocks[after][3] - blocks[n][4] > self.r.block_gap):
                continue
            used.update({n, after})
            nxt = blocks[after]
            third = nxt[1]
            stacks.append(_Found(
                "stack",
                {**dict.fromkeys(sorted(payers), "layer 1"), **dict.fromkeys(payees, "layer 2"),
                 **dict.fromkeys(third, "layer 3")},
                keys + nxt[2],
                f"three layers: each of {len(payers)} accounts paid all {len(payees)} of the "
                f"second layer, each of which then paid all {len(third)} of the third"))
        bipartite = [
            _Found("bipartite",
                   {**dict.fromkeys(sorted(payers), "payer"), **dict.fromkeys(payees, "payee")},
                   keys,
                   f"each of {len(payers)} accounts paid every one of the same {len(payees)} "
                   f"accounts within {_days(last - first)}")
            for n, (payers, payees, keys, first, last) in enumerate(blocks) if n not in used
        ]
        self._blocks = (stacks, bipartite)
        return self._blocks

    def cycles(self) -> list[_Found]:
        """Paths of relays that come back to their first payer, followed hop by hop."""
        r, db = self.r, self.db
        self._relays(r.relay_gap)
        db.create("path", """SELECT src AS start, tin AS t0, [kin, kout] AS keys,
            [src, via, dst] AS accounts, kout AS last, dst AS at_account FROM relay""")
        closed: list[tuple[list[int], list[str]]] = []
        for _ in range(r.cycle_hops - 2):
            # Of the paths from one transaction to another, one is kept: busy accounts relay
            # to each other in so many orders that keeping all would grow without bound, and
            # a cycle is found through any of them. (A subquery, not QUALIFY: sqlglot's
            # rewrite of QUALIFY for Spark reads p.keys as the new keys.)
            db.create("path", f"""SELECT start, t0, keys, accounts, last, at_account FROM (
                SELECT p.start, p.t0, list_append(p.keys, x.kout) AS keys,
                       list_append(p.accounts, x.dst) AS accounts, x.kout AS last,
                       x.dst AS at_account,
                       row_number() OVER (PARTITION BY p.keys[1], x.kout
                                          ORDER BY p.accounts, p.keys) AS pick
                FROM path p JOIN relay x ON x.kin = p.last
                WHERE p.at_account <> p.start AND x.tout <= p.t0 + {r.cycle_span}
                  AND (x.dst = p.start OR NOT list_contains(p.accounts, x.dst))
                ) WHERE pick = 1""")
            closed.extend(db.rows("SELECT keys, accounts FROM path WHERE at_account = start"))
            (left,), = db.rows("SELECT count(*) FROM path WHERE at_account <> start")
            if not left:
                break
        found: list[_Found] = []
        taken: set[int] = set()
        for keys, accounts in sorted(closed, key=lambda c: (-len(c[0]), c[0])):
            if taken & set(keys):  # a shorter cycle inside a longer one found first
                continue
            taken.update(keys)
            ring = accounts[:-1]
            found.append(_Found(
                "cycle", {a: f"hop {n + 1}" for n, a in enumerate(ring)}, keys,
                f"money went round {len(ring)} accounts and back to {ring[0]}, each passing "
                f"it on within {_days(r.relay_gap)} less at most {r.relay_cut:.0%}"))
        return found

    def gather_scatter(self) -> list[_Found]:
        r = self.r
        # sums of exact decimals: a double's sum depends on the order it is added in, and
        # a centre paying out all it took must not be in or out by the engine's order
        rows = self._surprising(self.db.rows(f"""WITH g AS (
                SELECT beneficiary AS centre, burst, list(k) AS kin, list(DISTINCT payer) AS payers,
                       CAST(sum(CAST(amount AS DECIMAL(38, 6))) AS DOUBLE) AS took,
                       max(ts) AS last_in, min(ts) AS first_in
                FROM {self._bursts('live', 'beneficiary', r.burst_gap)}
                GROUP BY beneficiary, burst HAVING count(DISTINCT payer) >= 2)
            SELECT g.centre, array_length(g.kin), g.last_in - g.first_in, count(*),
                   max(o.ts) - min(o.ts), g.kin, g.payers, list(o.k),
                   list(DISTINCT o.beneficiary), g.took,
                   CAST(sum(CAST(o.amount AS DECIMAL(38, 6))) AS DOUBLE), max(o.ts) - g.first_in
            FROM g JOIN live o ON o.payer = g.centre AND o.ts > g.last_in
                               AND o.ts <= g.last_in + {r.relay_gap}
                               AND NOT list_contains(g.payers, o.beneficiary)
            GROUP BY g.centre, g.kin, g.payers, g.took, g.first_in, g.last_in
            HAVING count(DISTINCT o.beneficiary) >= 2
               AND CAST(sum(CAST(o.amount AS DECIMAL(38, 6))) AS DOUBLE)
                   BETWEEN g.took * {1 - r.gather_kept} AND g.took"""),
            "beneficiary", "payer")
        return [
            _Found("gather_scatter",
                   {**dict.fromkeys(payers, "gatherer"), centre: "centre",
                    **dict.fromkeys(payees, "receiver")},
                   kin + kout,
                   f"{len(payers)} accounts paid {centre} {took:,.2f}, which paid "
                   f"{paid / took:.0%} of it on to {len(payees)} others within "
                   f"{_days(r.relay_gap)} of the last payment in ({_days(span)} in all)")
            for centre, _, _, _, _, kin, payers, kout, payees, took, paid, span in rows
        ]

    def scatter_gather(self) -> list[_Found]:
        r = self.r
        self._relays(r.relay_gap)
        rows = self.db.rows(f"""SELECT src, dst, list(DISTINCT via), list(kin), list(kout),
                max(tout) - min(tin)
            FROM {self._bursts('(SELECT *, tin AS ts, kin AS k FROM relay)', 'src, dst',
                               r.burst_gap)}
            GROUP BY src, dst, burst HAVING count(DISTINCT via) >= 2""")
        return [
            _Found("scatter_gather",
                   {src: "source", **dict.fromkeys(vias, "middle"), dst: "sink"},
                   sorted(set(kin + kout)),
                   f"{src} paid {len(vias)} accounts, each of which passed it on to {dst} "
                   f"within {_days(r.relay_gap)} less at most {r.relay_cut:.0%} "
                   f"({_days(span)} in all)")
            for src, dst, vias, kin, kout, span in rows
        ]

    def many_victims(self) -> list[_Found]:
        if not self.victims:
            return []
        self.db.register("victim", pa.table({
            "account": pa.array(list(self.victims), pa.string()),
            "case_ref": pa.array(list(self.victims.values()), pa.string())}))
        rows = self.db.rows(f"""SELECT l.beneficiary, list(l.k), list(DISTINCT l.payer),
                count(DISTINCT nullif(v.case_ref, '')), max(l.ts) - min(l.ts)
            FROM live l JOIN victim v ON v.account = l.payer
            GROUP BY l.beneficiary
            HAVING count(DISTINCT l.payer) >= {self.r.victims_min}""")
        return [
            _Found("many_victims", {account: "receiver", **dict.fromkeys(payers, "victim")},
                   keys,
                   f"{account} received {len(keys)} payments from the accounts of "
                   f"{len(payers)} victims" + (f" of {cases} cases" if cases > 1 else "")
                   + f" over {_days(span)}")
            for account, keys, payers, cases, span in rows
        ]

    def pass_through(self) -> list[_Found]:
        """Chains of quick relays (mules), put together in Python: there are few of them."""
        r = self.r
        self._relays(r.relay_gap)
        relays = self.db.rows(f"""SELECT kin, kout, src, via, dst FROM relay
            WHERE tout - tin <= {r.pass_gap}""")
        parent: dict[int, int] = {}

        def root(k: int) -> int:
            while parent.setdefault(k, k) != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for kin, kout, *_ in relays:
            parent[root(kout)] = root(kin)
        chains: dict[int, list[tuple[int, int, str, str, str]]] = defaultdict(list)
        for relay in relays:
            chains[root(relay[0])].append(relay)
        found = []
        for chain in chains.values():
            mules = list(dict.fromkeys(via for *_, via, _ in chain))
            if len(mules) < r.pass_min:
                continue
            keys = sorted({k for kin, kout, *_ in chain for k in (kin, kout)})
            ends = {src for _, _, src, _, _ in chain} - set(mules)
            sinks = {dst for *_, dst in chain} - set(mules)
            found.append(_Found(
                "pass_through",
                {**dict.fromkeys(sorted(ends), "source"), **dict.fromkeys(mules, "mule"),
                 **dict.fromkeys(sorted(sinks - ends), "destination")},
                keys,
                f"{len(mules)} mule account(s) passed money on within {_days(r.pass_gap)} of "
                f"receiving it, keeping at most {r.relay_cut:.0%}"))
        return found

    def fan_in(self) -> list[_Found]:
        return self._fans("beneficiary", "payer", "fan_in") + self._split_fans()

    def fan_out(self) -> list[_Found]:
        return self._fans("payer", "beneficiary", "fan_out")

    def _fans(self, centre: str, other: str, typology: str) -> list[_Found]:
        r = self.r
        # A fan starts and stops within fan_span. An account busy without a pause for longer
        # is a business, not a fan (a fan inside such a run is not seen: cutting long runs
        # into windows was tried, and AMLSim's ordinary hubs, busy for months, then made
        # most of the fans found).
        rows = self._surprising(self.db.rows(f"""SELECT {centre}, count(*),
                max(ts) - min(ts), list(k), list(DISTINCT {other}), sum(amount)
            FROM {self._bursts('live', centre, r.burst_gap)}
            GROUP BY {centre}, burst
            HAVING count(DISTINCT {other}) >= {self._fan_floor(centre, other)}
               AND max(ts) - min(ts) <= {r.fan_span}
            """), centre)
        into = typology == "fan_in"
        return [
            _Found(typology,
                   {account: "collector" if into else "distributor",
                    **dict.fromkeys(others, "payer" if into else "payee")},
                   keys,
                   f"{account} {'received' if into else 'paid'} {len(keys)} payments "
                   f"({total:,.2f}) {'from' if into else 'to'} {len(others)} accounts within "
                   f"{_days(span)}, unusually many for it")
            for account, _, span, keys, others, total in rows
        ]

    def _split_fans(self) -> list[_Found]:
        """Split payments (several of like amounts, within a factor of two, on one day from
        one payer to one beneficiary) into one account from several payers: a fan-in that
        hides its size in many small amounts. (Rent and a top-up paid on one day are not
        alike; the same payment reported twice is one row once ``source.transactions`` has
        merged the reports.)"""
        r = self.r
        rows = self.db.rows(f"""WITH s AS (
                SELECT payer, beneficiary, ts // {DAY} AS day, list(k) AS keys,
                       min(ts) AS ts, min(k) AS k
                FROM live GROUP BY payer, beneficiary, ts // {DAY}
                HAVING count(*) >= {r.split_min} AND max(amount) <= 2 * min(amount))
            SELECT beneficiary, flatten(list(keys)), list(DISTINCT payer), max(ts) - min(ts)
            FROM {self._bursts('s', 'beneficiary', r.split_span)}
            GROUP BY beneficiary, burst
            HAVING count(DISTINCT payer) >= {r.split_payers}""")
        return [
            _Found("fan_in", {account: "collector", **dict.fromkeys(payers, "payer")}, keys,
                   f"{account} received split payments ({len(keys)} payments, several on one "
                   f"day from the same payer) from {len(payers)} accounts within {_days(span)}")
            for account, keys, payers, span in rows
        ]

    # --- results --------------------------------------------------------------------------

    def _alerts(self, found: list[_Found]) -> list[Alert]:
        keys = sorted({k for f in found for k in f.keys})
        self.db.register("named", pa.table({"k": pa.array(keys, pa.int64())}))
        info: dict[int, tuple[str, float, str, int]] = {
            k: (ident, amount, currency, ts) for k, ident, amount, currency, ts in self.db.rows(
                "SELECT k, id, amount, currency, ts FROM t WHERE k IN (SELECT k FROM named)")}
        counters: dict[str, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        alerts = []
        for f in found:
            rows = sorted((info[k] for k in set(f.keys)), key=lambda x: (x[3], x[0]))
            # accounts by part, in the order the parts came, each part's in name order
            # (a list the engine gathered in no set order must not show in the alert)
            parts = dict.fromkeys(f.accounts.values())
            accounts = {a: part for part in parts
                        for a in sorted(a for a, p in f.accounts.items() if p == part)}
            alerts.append(Alert(
                id=f"{f.typology}-{next(counters[f.typology])}", typology=f.typology,
                accounts=accounts, transactions=tuple(x[0] for x in rows),
                amount=sum(x[1] for x in rows),
                currencies=tuple(sorted({x[2] for x in rows if x[2]})),
                first=_time(rows[0][3]), last=_time(rows[-1][3]), reason=f.reason))
        return alerts


def _time(ts: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=ts)


def _days(seconds: int) -> str:
    """A span in words: '3 hours', '2 days'."""
    if seconds < DAY:
        hours = max(1, round(seconds / 3600))
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(seconds / DAY)
    return f"{days} day{'s' if days != 1 else ''}"


def members(alerts: Iterable[Alert]) -> dict[str, set[str]]:
    """Typology -> the accounts its alerts name (what a benchmark scores)."""
    out: dict[str, set[str]] = defaultdict(set)
    for alert in alerts:
        out[alert.typology].update(alert.accounts)
    return dict(out)
