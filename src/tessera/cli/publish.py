"""`tessera publish`: aggregate tables of victims released with k-anonymity or differential
privacy, and the privacy budget of each data collection."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from tessera.cli.common import console, errors_as_messages, fail, open_hub, out_dir
from tessera.files import write_csv
from tessera.hub import admin
from tessera.hub.models import Agency
from tessera.publish import ledger, mse, public, release, synthetic, tables

app = typer.Typer(help="Publishing: k-anonymous and differentially private tables of victims, "
                       "and each data collection's privacy budget.",
                  no_args_is_help=True)

UserReq = Annotated[str, typer.Option("--user", help="Act as this hub user (audited).")]
Publish = Annotated[bool, typer.Option(
    "--publish", help="Also show it on the hub's public statistics page (/statistics).")]
Title = Annotated[str, typer.Option(help="With --publish: its title on the page.")]


class Method(StrEnum):
    kanon = "kanon"
    dp = "dp"


@app.command("budget")
def budget_command(
    collection: Annotated[str, typer.Argument(help="The data collection, e.g. 'hub'.")],
    user: UserReq,
    epsilon: Annotated[float | None, typer.Option(
        min=0.0, help="Set the collection's total ε (coordinator or admin).")] = None,
    delta: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="With --epsilon: the total δ (0 for pure ε-DP releases).")
                     ] = 0.0,
) -> None:
    """Show a collection's privacy budget and every release's spend; set it with --epsilon."""
    with errors_as_messages(), open_hub().session() as session:
        actor = admin.actor(session, user)
        if epsilon is not None:
            ledger.set_budget(session, actor, collection, epsilon, delta)
        found = ledger.budget(session, actor, collection)
        spent = ledger.spends(session, collection)
        table = Table(title=f"{collection}: ε {found.epsilon_spent:g} of "
                            f"{found.epsilon_total:g} spent, δ {found.delta_spent:g} of "
                            f"{found.delta_total:g}")
        for column in ("release", "mechanism", "ε", "δ", "by", "when", "description"):
            table.add_column(column)
        for s in spent:
            table.add_row(s.release_id, s.mechanism, f"{s.epsilon:g}", f"{s.delta:g}",
                          s.created_by, s.created_at.isoformat(timespec="seconds"),
                          s.description)
    console.print(table)
    console.print(f"left: ε {found.epsilon_left:g}, δ {found.delta_left:g} "
                  f"(set by {found.set_by} on {found.set_at:%Y-%m-%d})")


def _years(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    first, _, last = text.partition("-")
    try:
        span = int(first), int(last or first)
    except ValueError:
        fail(f"--years {text!r}: give a year or a range such as 2021-2024")
    if span[0] > span[1]:
        fail(f"--years {text!r}: the first year comes after the last")
    return span


def _values(given: list[str] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in given or []:
        name, sep, values = item.partition("=")
        if not sep or not values.strip():
            fail(f"--values {item!r}: give DIMENSION=value,value,…")
        out[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
    return out


@app.command("table")
def table_command(
    user: UserReq,
    by: Annotated[str, typer.Option(help="Dimensions to count victims by (comma-separated): "
                                         + ", ".join(tables.DIMENSIONS) + ".")],
    out: Annotated[Path, typer.Option(help="Folder for table.csv and metadata.json.")],
    method: Annotated[Method, typer.Option(
        help="kanon: suppress small cells and round; dp: differential privacy (OpenDP "
             "discrete Laplace), spending the collection's budget.")] = Method.kanon,
    k: Annotated[int, typer.Option(min=1, help="kanon: suppress cells below k.")
                 ] = release.K,
    round_to: Annotated[int, typer.Option("--round", min=1, help="kanon: round released "
                                          "cells to a multiple of this.")] = release.STEP,
    epsilon: Annotated[float | None, typer.Option(
        min=0.0, help="dp: the ε this table spends.")] = None,
    collection: Annotated[str, typer.Option(
        help="The data collection released from (dp: whose budget it spends).")] = "hub",
    years: Annotated[str | None, typer.Option(
        help="dp, by year: the public range of years to release, e.g. 2021-2024.")] = None,
    contributions: Annotated[int | None, typer.Option(
        min=1, help="dp: the most cells one victim counts in (the L1 sensitivity); default "
                    "1, times 2 per multi-valued dimension (4 for control_method).")
                             ] = None,
    values: Annotated[list[str] | None, typer.Option(
        "--values", help="dp: a dimension's public values, DIMENSION=a,b,… (repeat); "
                         "needed for corridor.")] = None,
    description: Annotated[str, typer.Option(help="dp: what the release is for, in the "
                                                  "ledger.")] = "",
    publish: Publish = False,
    title: Title = "",
) -> None:
    """A table of victims (distinct people) by the dimensions asked, from the records the
    user may see, released with k-anonymity or differential privacy: table.csv and
    metadata.json (method, parameters, ε and δ, date, sources, utility)."""
    out_dir(out)
    dims = [d.strip() for d in by.split(",") if d.strip()]
    span, given = _years(years), _values(values)
    if method == Method.dp and epsilon is None:
        fail("--method dp needs --epsilon, the ε this table spends")
    asked = {"publish": "table", "by": dims, "method": method.value}
    with errors_as_messages():
        tables.check_dimensions(dims)
        with open_hub().session() as session, console.status("reading the hub…"):
            actor = admin.actor(session, user)
            if method == Method.dp:
                assert epsilon is not None  # checked above
                ledger.check(session, actor, collection, epsilon)  # before any record is read
            records, people = tables.from_hub(session, actor, asked)
            victims = tables.victim_journeys(records, people)
            agencies = sorted({a for j in victims for a in j.agencies})
            if method == Method.kanon:
                made = release.release_kanon(tables.count(victims, dims), k=k, step=round_to,
                                             sources=[collection], agencies=agencies)
            else:
                assert epsilon is not None
                made = release.release_dp(victims, dims, epsilon=epsilon,
                                          contributions=contributions, years=span,
                                          domains=given, sources=[collection],
                                          agencies=agencies)
                ledger.spend(session, actor, collection, release_id=made.id,
                             mechanism=release.DP_MECHANISM, epsilon=made.epsilon or 0.0,
                             delta=made.delta or 0.0,
                             description=description or f"table by {', '.join(dims)}")
            if publish:
                public.publish(session, actor, made.id, public.of_table(made, title),
                               collection)
        table_path, _ = release.write(made, out)
    u = made.utility
    privacy = (f"ε = {made.epsilon:g}, δ = {made.delta:g}" if made.method == release.DP
               else f"k = {k}, rounded to {round_to}")
    console.print(f"release {made.id} ({made.method}, {privacy}): {len(made.rows):,} cells "
                  f"written to {table_path}")
    errors = (f"mean relative error {u.mean_relative_error:.1%}, 95th percentile "
              f"{u.p95_relative_error:.1%} over {u.cells_compared} cells of ≥ "
              f"{release.UTILITY_FLOOR}" if u.mean_relative_error is not None
              else f"no cell of ≥ {release.UTILITY_FLOOR} victims to measure error on")
    console.print(f"utility: {errors}; suppressed {u.suppressed_share:.1%} of counts "
                  f"({u.suppressed_cells} cells)")


@app.command("estimate")
def estimate_command(
    out: Annotated[Path, typer.Option(help="Directory for estimate.json, models.csv and "
                                           "overlap.csv (the overlap table: publishable "
                                           "counts by list pattern).")],
    user: Annotated[str | None, typer.Option(
        "--user", help="Estimate from the hub: the victims this user may see, resolved, on "
                       "one list per kind of agency (audited).")] = None,
    overlap: Annotated[Path | None, typer.Option(
        exists=True, dir_okay=False, help="Or a plain overlap table: a 0/1 column per list "
                                          "and a count column.")] = None,
    criterion: Annotated[str, typer.Option(help="Model selection: bic or aic.")] = "bic",
    level: Annotated[float, typer.Option(min=0.5, max=0.999,
                                         help="The interval's confidence level.")] = 0.95,
    publish: Publish = False,
    title: Title = "",
    publisher: Annotated[str | None, typer.Option(
        help="With --publish and --overlap: the coordinator who publishes (audited).")
                         ] = None,
) -> None:
    """How many victims no agency has seen: multiple systems estimation from the overlap of
    the agencies' lists (log-linear models, the interactions chosen by BIC or AIC, a
    profile-likelihood interval)."""
    if (user is None) == (overlap is None):
        fail("give either --user (the hub) or --overlap (a table)")
    if publish and not (user or publisher):
        fail("--publish with --overlap needs --publisher, the coordinator who publishes")
    out_dir(out)
    with errors_as_messages():
        if overlap is not None:
            found = mse.read_overlap_csv(overlap)
        else:
            with open_hub().session() as s, console.status("reading the victims…"):
                records, people = tables.from_hub(s, admin.actor(s, user or ""),
                                                  {"publish": "estimate"})
                kinds: dict[str, str] = dict(s.execute(
                    select(Agency.code, Agency.kind)).all())
            found = mse.from_lists(tables.victim_lists(records, people, kinds))
        result = mse.estimate(found, criterion=criterion, level=level)
        out.mkdir(parents=True, exist_ok=True)
        (out / "estimate.json").write_text(json.dumps(result.to_dict(), indent=2) + "\n",
                                           encoding="utf-8")
        mse.write_overlap_csv(found, out / "overlap.csv")
        model_rows = result.rows()
        write_csv(out / "models.csv", list(model_rows[0]) if model_rows else ["model"],
                  model_rows)
        if publish:
            release_id = release.new_id(dt.datetime.now(dt.UTC))
            with open_hub().session() as s:
                public.publish(s, admin.actor(s, user or publisher or ""), release_id,
                               public.of_estimate(result, release_id, title), "hub")
            console.print(f"published as {release_id} on /statistics")
    low, high = result.interval
    console.print(f"{result.observed:,} seen on {len(result.lists)} lists "
                  f"({', '.join(result.lists)}); estimated {result.total:,.0f} in all "
                  f"({level:.0%} interval {low:,.0f}–{high:,.0f}), so about "
                  f"{result.unseen:,.0f} unseen; model: "
                  f"{', '.join(result.model.terms) or 'independence'}")
    for warning in result.warnings:
        console.print(f"• {warning}", markup=False)
    console.print(f"written to {out}")


@app.command("synthetic")
def synthetic_command(
    user: UserReq,
    epsilon: Annotated[float, typer.Option(min=0.0, help="The ε the data set spends.")],
    years: Annotated[str, typer.Option(help="The public range of years to release, e.g. "
                                            "2021-2024.")],
    out: Annotated[Path, typer.Option(help="Folder for synthetic.csv and metadata.json.")],
    delta: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="The δ it spends (Gaussian noise needs one above 0).")
                     ] = synthetic.DELTA,
    records: Annotated[int | None, typer.Option(
        min=1, help="Synthetic victims to draw (default: the noisy number of victims).")
                       ] = None,
    seed: Annotated[int | None, typer.Option(
        help="Make the drawing repeatable (the noise never is).")] = None,
    collection: Annotated[str, typer.Option(
        help="The data collection released from, whose budget it spends.")] = "hub",
    values: Annotated[list[str] | None, typer.Option(
        "--values", help="A column's public values, COLUMN=a,b,… (repeat), e.g. the "
                         "origins to keep apart.")] = None,
    description: Annotated[str, typer.Option(help="What the data set is for, in the "
                                                  "ledger.")] = "",
    publish: Publish = False,
    title: Title = "",
) -> None:
    """Differentially private synthetic victims for researchers (MST over a fixed tree of
    columns, OpenDP's discrete Gaussian): synthetic.csv and metadata.json (method, ε, δ,
    parameters, utility against the true data)."""
    out_dir(out)
    span, given = _years(years), _values(values)
    assert span is not None  # --years is required
    with errors_as_messages():
        with open_hub().session() as session, console.status("reading the hub…"):
            actor = admin.actor(session, user)
            ledger.check(session, actor, collection, epsilon, delta)  # before any read
            records_read, people = tables.from_hub(session, actor, {"publish": "synthetic"})
            victims = tables.victim_journeys(records_read, people)
            made = synthetic.make_synthetic(
                victims, epsilon=epsilon, delta=delta, years=span, domains=given,
                records=records, seed=seed, sources=[collection],
                agencies=sorted({a for j in victims for a in j.agencies}))
            ledger.spend(session, actor, collection, release_id=made.id,
                         mechanism=synthetic.MECHANISM, epsilon=made.epsilon,
                         delta=made.delta, description=description or "synthetic victims")
            if publish:
                public.publish(session, actor, made.id, public.of_synthetic(made, title),
                               collection)
        data_path, _ = synthetic.write(made, out)
    summary = made.utility.summary()
    console.print(f"release {made.id} (ε = {made.epsilon:g}, δ = {made.delta:g}): "
                  f"{len(made.rows):,} synthetic victims written to {data_path}")
    console.print("utility (total variation distance, mean): columns "
                  f"{summary['columns_mean_tvd']:.1%}, measured pairs "
                  f"{summary['measured_pairs_mean_tvd']:.1%}, other pairs "
                  f"{summary['other_pairs_mean_tvd']:.1%}")


@app.command("list")
def list_command() -> None:
    """The releases shown on the hub's public statistics page, newest first."""
    with errors_as_messages(), open_hub().session() as session:
        found = public.shown(session)
        table = Table(title=f"{len(found)} published releases")
        for column in ("release", "kind", "title", "method", "ε", "δ", "published"):
            table.add_column(column)
        for row in found:
            eps, delta = row.meta.get("epsilon"), row.meta.get("delta")
            table.add_row(row.id, row.kind, row.title, str(row.meta.get("method", "")),
                          "" if eps is None else f"{eps:g}",
                          "" if delta is None else f"{delta:g}",
                          f"{row.published_at:%Y-%m-%d} by {row.published_by}")
    console.print(table)


@app.command("withdraw")
def withdraw_command(
    release_id: Annotated[str, typer.Argument(metavar="RELEASE", help="The release's id.")],
    user: UserReq,
    reason: Annotated[str, typer.Option(help="Why it is withdrawn (kept with it).")],
) -> None:
    """Stop showing a published release on the public statistics page (coordinators)."""
    with errors_as_messages(), open_hub().session() as session:
        public.withdraw(session, admin.actor(session, user), release_id, reason)
    console.print(f"{release_id} withdrawn: no longer shown on /statistics")
