"""`tessera patterns`: routes and corridors, recruitment and exploitation profiles, payment
typologies — from the hub (``--user``, audited) or from plain files."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import typer
from rich.progress import Progress
from rich.table import Table

from tessera.cli.common import (
    console,
    errors_as_messages,
    fail,
    open_hub,
    out_dir,
    out_file,
    settings,
)
from tessera.engine import Engine, EngineError, open_tables
from tessera.files import write_csv
from tessera.hub import admin
from tessera.patterns import gaps, indicators, outliers, payments, profiles, routes, source
from tessera.patterns.payments import ALERT_COLUMNS, REQUIRED, Rules

app = typer.Typer(help="Patterns across agencies: routes, profiles, payment typologies, "
                       "indicators and risk, outliers, systemic gaps.",
                  no_args_is_help=True)

DEFAULT = Rules()
UserOpt = Annotated[str | None, typer.Option(
    "--user", help="Read the hub, as this user sees it (audited).")]
FilesArg = Annotated[list[Path] | None, typer.Argument(
    help="Standard records files instead of the hub (CSV, JSON Lines or XLSX, as `tessera "
    "ingest` reads them); each file's name is its agency's code.", show_default=False,
    exists=True, dir_okay=False, readable=True)]
LinkOpt = Annotated[bool, typer.Option(
    "--link", help="With files: find who is who among their people with Tessera's linkage "
    "model first (on the hub, the convener's analysts see resolved entities already).")]
PeriodOpt = Annotated[str, typer.Option(help="Periods to count by: year, quarter or month.")]


CORRIDOR_COLUMNS = ("origin", "transits", "destination", "route", "rank", "people",
                    "first_period", "last_period", "agencies")
PAIR_COLUMNS = ("origin", "destination", "path", "people", "pair_people", "unknown_path",
                "share")
EMERGING_COLUMNS = ("route", "period", "people", "expected", "history", "p_value", "q_value",
                    "reason")
SHIFT_COLUMNS = ("origin", "destination", "before", "after", "falling", "rising",
                 "people_before", "people_after", "falling_share_before",
                 "falling_share_after", "rising_share_before", "rising_share_after", "p_value",
                 "q_value", "reason")


def _records(user: str | None, files: list[Path] | None, asked: dict[str, Any],
             resolve: bool = False) -> tuple[source.Records, dict[str, str]]:
    """The records to analyse and who is who among their people: the hub's, as ``user`` sees
    them, or the files' (people resolved with ``resolve``, else each record its own)."""
    if (user is None) == (not files):
        fail("give either --user (the hub) or records files")
    if resolve and not files:
        fail("--link goes with files: the hub's people are resolved by `tessera link run`")
    with errors_as_messages():
        if files:
            with console.status(f"reading {len(files)} file(s)…"):
                found = source.from_files(files)
            if not resolve:
                return found, {}
            with console.status("linking their people…"):
                return found, source.resolve(found)
        assert user is not None  # checked above
        with open_hub().session() as session, console.status("reading the hub…"):
            return source.from_hub(session, admin.actor(session, user), asked)


def _journeys(user: str | None, files: list[Path] | None, asked: dict[str, Any],
              resolve: bool) -> list[routes.Journey]:
    found, people = _records(user, files, asked, resolve)
    return routes.journeys(found, people)


@app.command("routes")
def routes_command(
    out: Annotated[Path, typer.Option(help="Directory for corridors.csv, breakdown.csv, "
                                           "pairs.csv, emerging.csv and shifts.csv.")],
    user: UserOpt = None,
    files: FilesArg = None,
    resolve: LinkOpt = False,
    period: PeriodOpt = "year",
    top: Annotated[int, typer.Option(min=1, help="Corridors to show per origin.")] = 5,
    alpha: Annotated[float, typer.Option(min=0.0, max=1.0, help="False discovery rate for "
                                         "emerging corridors and shifts.")] = 0.05,
) -> None:
    """Each person's journey (recruitment, legs, exploitation) put together across agencies,
    corridors origin → transit → destination counted by period, mode, crossing and documents,
    and the corridors emerging or shifting, each with its test."""
    out_dir(out)
    with errors_as_messages():
        routes.check_period(period)
        journeys = _journeys(user, files, {"patterns": "routes"}, resolve)
        found = routes.corridors(journeys, period)
        told = routes.findings(found, alpha)
        rising, moved = told.emerging, told.shifts
    written = {  # file: (columns, rows); the columns named so that an empty table has them
        "corridors.csv": (CORRIDOR_COLUMNS, found.rows()),
        "breakdown.csv": (("route", "by", "value", "people"), found.breakdown_rows()),
        "pairs.csv": (PAIR_COLUMNS, found.pair_rows()),
        "emerging.csv": (EMERGING_COLUMNS, [e.row() for e in rising]),
        "shifts.csv": (SHIFT_COLUMNS, [m.row() for m in moved]),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, (columns, rows) in written.items():
        write_csv(out / name, columns, rows)
    table = Table(title=f"Corridors ({found.journeys:,} journeys; top {top} per origin)")
    for column in ("rank", "route", "people", "periods", "agencies"):
        table.add_column(column, justify="right" if column in ("rank", "people") else "left")
    for origin in sorted({c.origin for c in found.corridors}):
        for c in found.ranking(origin)[:top]:
            span = f"{min(c.by_period)}–{max(c.by_period)}" if c.by_period else ""
            table.add_row(str(c.rank), routes.route_label(c.route), str(c.people), span,
                          ", ".join(c.agencies))
    console.print(table)
    for reason in [*(e.reason for e in rising), *(m.reason for m in moved)]:
        console.print(f"• {reason}")
    if not told.history:
        console.print(f"one {period} of data: no history for corridors to emerge or shift against")
    elif not rising and not moved:
        console.print(f"no corridor emerging or shifting at a false discovery rate of {alpha}")
    console.print(f"left out: {found.incomplete:,} journeys with no origin or no country of "
                  f"exploitation; {found.unknown_path:,} with both ends but no leg recorded "
                  f"(in pairs.csv only). Tables in {out}")


@app.command("profiles")
def profiles_command(
    user: UserOpt = None,
    files: FilesArg = None,
    resolve: LinkOpt = False,
    by: Annotated[str, typer.Option(help="Group by (comma-separated): " + ", ".join(
        profiles.GROUPINGS) + "; empty for everyone together.")] = "corridor",
    facets: Annotated[str | None, typer.Option(help="Facets to count (comma-separated): "
                                               + ", ".join(profiles.FACETS) + ".")] = None,
    period: PeriodOpt = "year",
    top: Annotated[int, typer.Option(min=1, help="Values to show per facet.")] = 3,
    out: Annotated[Path | None, typer.Option(help="CSV of every count.")] = None,
) -> None:
    """Recruitment and exploitation profiles: tactics, channels, promised jobs, exploitation
    types, industries and methods of control, by corridor, period or victim profile."""
    out_file(out)
    groups = [b.strip() for b in by.split(",") if b.strip()]
    chosen = [f.strip() for f in facets.split(",") if f.strip()] if facets else None
    with errors_as_messages():
        found = profiles.profiles(_journeys(user, files, {"patterns": "profiles"}, resolve),
                                  groups, period=period, facets=chosen)
    console.print(found.text(top), markup=False, highlight=False)
    if out is not None:
        n = write_csv(out, found.columns(), found.rows())
        console.print(f"{n:,} counts written to {out}")


def _transactions(user: str | None, files: list[Path] | None, path: Path | None,
                  columns: dict[str, str]) -> tuple[pa.Table, dict[str, str]]:
    """The transactions to scan, and the victims' accounts where the records tell them."""
    if sum((user is not None, bool(files), path is not None)) != 1:
        fail("give one of --user (the hub), records files, or --transactions (a CSV)")
    with errors_as_messages():
        if path is not None:
            return payments.read_csv(str(path), columns=columns), {}
        found, _ = _records(user, files, {"patterns": "payments"})
        return source.transactions(found), source.victim_accounts(found)


@app.command("payments")
def payments_command(
    out: Annotated[Path, typer.Option(help="CSV of the alerts, one per row.")],
    user: UserOpt = None,
    files: FilesArg = None,
    transactions: Annotated[Path | None, typer.Option(
        help="CSV (or .parquet) of transactions with payer, beneficiary, amount and time "
             "(optional id, currency, channel), instead of the hub.")] = None,
    payer: Annotated[str, typer.Option(help="The CSV's payer column.")] = "payer",
    beneficiary: Annotated[str, typer.Option(help="The CSV's beneficiary column.")
                           ] = "beneficiary",
    amount: Annotated[str, typer.Option(help="The CSV's amount column.")] = "amount",
    time: Annotated[str, typer.Option(help="The CSV's time column (a date, a date and time, "
                                           "or a day number).")] = "time",
    typology: Annotated[list[str] | None, typer.Option(
        help="Only these typologies (repeat): " + ", ".join(payments.TYPOLOGIES))] = None,
    threshold: Annotated[float, typer.Option(
        help="The reporting threshold structuring stays under.")] = DEFAULT.threshold,
    fan_min: Annotated[int, typer.Option(
        min=2, help="Fewest counterparties of a fan-in or fan-out.")] = DEFAULT.fan_min,
    cycle_hops: Annotated[int, typer.Option(
        min=3, help="Longest cycle followed, in hops.")] = DEFAULT.cycle_hops,
    top: Annotated[int, typer.Option(min=0, help="Alerts to show.")] = 10,
    engine: Annotated[Engine | None, typer.Option(
        help="Scan on this engine: duckdb (this machine) or spark (the Spark of the "
             "TESSERA_SPARK_* settings); TESSERA_ENGINE when not given.")] = None,
) -> None:
    """Laundering typologies in transactions: structuring, stacks, bipartite blocks, cycles,
    gather-scatter, scatter-gather, payments from many victims, pass-through mules, fan-in
    and fan-out. Each alert names its accounts, transactions, amounts and time span and says
    which rule fired and why."""
    out_file(out)
    columns = {"payer": payer, "beneficiary": beneficiary, "amount": amount, "time": time}
    tx, victims = _transactions(user, files, transactions, columns)
    with errors_as_messages():
        rules = Rules(threshold=threshold, fan_min=fan_min, cycle_hops=cycle_hops)
        wanted = typology or list(payments.TYPOLOGIES)
        try:
            with (open_tables(settings(), engine) as db,
                  Progress(console=console, transient=True) as bar):
                task = bar.add_task(f"scanning {tx.num_rows:,} transactions on {db.name}",
                                    total=len(wanted))
                alerts = payments.scan(tx, rules, victims=victims, typologies=wanted,
                                       progress=lambda _t, _n: bar.advance(task), engine=db)
        except EngineError as err:  # no Spark here, or it did not start
            fail(str(err))
    rows = [a.row() for a in alerts]
    write_csv(out, ALERT_COLUMNS, rows)
    counts = Counter(a.typology for a in alerts)
    summary = Table(title=f"{len(alerts):,} alerts in {tx.num_rows:,} transactions "
                          f"(on {db.name})")
    summary.add_column("typology")
    summary.add_column("alerts", justify="right")
    summary.add_column("accounts", justify="right")
    named = payments.members(alerts)
    for name in wanted:
        summary.add_row(name, str(counts[name]), str(len(named.get(name, ()))))
    console.print(summary)
    for alert in sorted(alerts, key=lambda a: -a.amount)[:top]:
        console.print(f"• {alert.id} ({alert.amount:,.2f} {' '.join(alert.currencies)}, "
                      f"{alert.first:%Y-%m-%d}–{alert.last:%Y-%m-%d}): {alert.reason}",
                      markup=False, highlight=False)
    console.print(f"alerts written to {out}")


@app.command("indicators")
def indicators_command(
    user: UserOpt = None,
    files: FilesArg = None,
    resolve: LinkOpt = False,
    rules: Annotated[Path | None, typer.Option(
        help="Indicator rules of your own (YAML, as the shipped indicators.yaml).")] = None,
    top: Annotated[int, typer.Option(min=0, help="Entities and cases to show.")] = 10,
    out: Annotated[Path | None, typer.Option(
        help="CSV of every subject's score and indicators.")] = None,
) -> None:
    """Trafficking indicators (ILO's forced-labour indicators, FATF and FinCEN financial red
    flags) found in the records, and a risk score per person, organisation, account and case
    with the indicators and records behind it."""
    out_file(out)
    with errors_as_messages():
        chosen = indicators.load(rules)
        found, people = _records(user, files, {"patterns": "indicators"}, resolve)
        assessed = indicators.assess(found, people, chosen)
    for title, risks in (("Entities", assessed.entities), ("Cases", assessed.cases)):
        table = Table(title=f"{title}: {len(risks):,} with at least one indicator")
        for column in ("score", "subject", "kind", "indicators"):
            table.add_column(column, justify="right" if column == "score" else "left")
        for risk in risks[:top]:
            table.add_row(f"{risk.score:.2f}", risk.subject, risk.kind,
                          "; ".join(f.indicator.title for f in risk.findings))
        console.print(table)
    if out is not None:
        rows = [{"subject": r.subject, "kind": r.kind, "score": round(r.score, 4),
                 "indicators": ";".join(f.indicator.id for f in r.findings),
                 "evidence": ";".join(r.evidence), "reasons": " | ".join(r.reasons())}
                for r in (*assessed.entities, *assessed.cases)]
        n = write_csv(out, ("subject", "kind", "score", "indicators", "evidence", "reasons"),
                      rows)
        console.print(f"{n:,} subjects written to {out}")


@app.command("outliers")
def outliers_command(
    user: UserOpt = None,
    files: FilesArg = None,
    transactions: Annotated[Path | None, typer.Option(
        help="CSV (or .parquet) of transactions (payer, beneficiary, amount, time; optional "
             "channel), instead of the hub.")] = None,
    share: Annotated[float, typer.Option(min=0.0, max=1.0, help="Share of each peer group "
                                         "to report.")] = 0.01,
    seed: Annotated[int, typer.Option(help="Seed of the isolation forest.")] = 0,
    top: Annotated[int, typer.Option(min=0, help="Outliers to show.")] = 10,
    out: Annotated[Path | None, typer.Option(help="CSV of the outliers.")] = None,
) -> None:
    """Accounts whose payments set them apart from their peers (isolation forest over
    counts, counterparties, amounts, cash, round sums and pass-through), each with the
    features that make it stand out."""
    out_file(out)
    tx, _ = _transactions(user, files, transactions, dict(zip(REQUIRED, REQUIRED, strict=True)))
    with errors_as_messages(), console.status(f"scoring the accounts of {tx.num_rows:,} "
                                              "transactions…"):
        found = outliers.scan(outliers.account_features(tx), share=share, seed=seed)
    console.print(f"{len(found.outliers):,} outliers among {len(found.ids):,} accounts")
    for outlier in found.outliers[:top]:
        console.print(f"• {outlier.reason}", markup=False, highlight=False)
    if out is not None:
        rows = [{"account": o.id, "peers": o.peers, "score": round(o.score, 4),
                 "reason": o.reason} for o in found.outliers]
        n = write_csv(out, ("account", "peers", "score", "reason"), rows)
        console.print(f"{n:,} outliers written to {out}")


@app.command("gaps")
def gaps_command(
    user: UserOpt = None,
    files: FilesArg = None,
    resolve: LinkOpt = False,
    min_people: Annotated[int, typer.Option(min=1, help="Fewest people through a country "
                                            "for it to be judged (a corridor: a third of "
                                            "this, at least 3).")] = 10,
    top: Annotated[int, typer.Option(min=0, help="Gaps to show of each kind.")] = 10,
    out: Annotated[Path | None, typer.Option(help="CSV of every gap.")] = None,
) -> None:
    """Systemic gaps: countries often on routes whose agencies rarely report; victims in no
    investigated case; corridors with no financial report; and, on the hub, your agency's
    hits with no follow-up request and its requests past their deadline."""
    out_file(out)
    found, people = _records(user, files, {"patterns": "gaps"}, resolve)
    followed: list[gaps.Gap] = []
    if files:
        countries = {a: c for a in {a for a, _ in found} if (c := source.file_country(a))}
    else:
        with errors_as_messages(), open_hub().session() as session:
            countries = source.agency_countries(session)
            found_hits, asked = source.follow_ups(session, admin.actor(session, user or ""))
            today = dt.date.today()
            followed = [*gaps.unfollowed_hits(found_hits, asked, today),
                        *gaps.overdue_requests(asked, today)]
    with errors_as_messages():
        journeys = routes.journeys(found, people)
        found_gaps = [
            *gaps.silent_countries(journeys, countries, min_people=min_people),
            *gaps.uninvestigated_victims(found, people),
            *gaps.corridors_without_money(journeys, found, people,
                                          min_people=max(3, min_people // 3)),
            *followed,
        ]
    for kind in gaps.KINDS:
        these = [g for g in found_gaps if g.kind == kind]
        console.print(f"[bold]{kind.replace('_', ' ')}[/bold]: {len(these):,}")
        for gap in these[:top]:
            console.print(f"  • {gap.reason}", markup=False, highlight=False)
    if files:
        console.print("hits and requests are the hub's: unfollowed hits and overdue requests "
                      "are reported with --user")
    if out is not None:
        n = write_csv(out, ("kind", "subject", "figures", "reason"),
                      [g.row() for g in found_gaps])
        console.print(f"{n:,} gaps written to {out}")
