"""`tessera outcomes`: what came of the work, by country, agency, period or corridor."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from tessera.cli.common import console, errors_as_messages, fail, open_hub, out_file
from tessera.cooperation import outcomes
from tessera.files import write_csv
from tessera.hub import admin


def _rates(path: Path) -> dict[str, Decimal]:
    """currency,rate rows: how much of each currency one unit of the target buys."""
    rates: dict[str, Decimal] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                rates[row["currency"].strip().upper()] = Decimal(row["rate"])
            except (KeyError, AttributeError, InvalidOperation):
                fail(f"{path}, row {n}: a rate is currency,rate (EUR → USD 1.08: USD,1.08)")
    return rates


def outcomes_command(
    user: Annotated[str, typer.Option("--user", help="Whose view of the hub (audited).")],
    by: Annotated[str, typer.Option(help="Group by: " + ", ".join(outcomes.DIMENSIONS))]
    = "country",
    period: Annotated[str, typer.Option(help="With --by period: year, quarter or month.")]
    = "year",
    out: Annotated[Path | None, typer.Option(help="CSV of every group's figures.")] = None,
    rates: Annotated[Path | None, typer.Option(
        exists=True, dir_okay=False, help="CSV of currency,rate: each currency per unit of "
        "--into (the ECB's reference rates are quoted so), to total assets in one currency.")]
    = None,
    into: Annotated[str, typer.Option(help="The currency --rates total into.")] = "EUR",
) -> None:
    """Victims identified and assisted, suspects identified, arrested, charged and convicted,
    sentences, assets frozen and confiscated, and requests sent, received and answered with
    their response times and the share answered within the deadline (definitions in
    docs/cooperation.md)."""
    out_file(out)
    table_rates = _rates(rates) if rates else None
    with errors_as_messages():
        with open_hub().session() as s, console.status("counting…"):
            found = outcomes.from_hub(s, admin.actor(s, user), by=by, period=period)
        rows: list[dict[str, Any]] = found.rows()
        columns = list(outcomes.COLUMNS)
        if table_rates is not None:
            for name, key in (("frozen", "assets_frozen"), ("confiscated",
                                                            "assets_confiscated")):
                column = f"{key}_{into}"
                columns.append(column)
                for row, figures in zip(rows, (found.groups[r["group"]] for r in rows),
                                        strict=True):
                    amounts = figures.frozen if name == "frozen" else figures.confiscated
                    row[column] = round(outcomes.normalise(amounts, table_rates, into), 2)
    shown = ("group", "victims_identified", "victims_assisted", "suspects_identified",
             "arrested", "convicted", "requests_sent", "requests_received",
             "response_days_median", "answered_in_time")
    table = Table(*(c.replace("_", " ") for c in shown), title=f"Outcomes by {by}")
    for row in rows:
        table.add_row(*("" if row[c] is None else str(row[c]) for c in shown))
    console.print(table)
    if out is not None:
        with errors_as_messages():
            n = write_csv(out, columns, rows)
        console.print(f"{n:,} groups written to {out}")
