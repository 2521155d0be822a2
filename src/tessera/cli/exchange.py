"""`tessera exchange`: hit/no-hit matching of encodings at the hub (the lead registers it)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tessera.cli.common import console, errors_as_messages, open_hub, settings
from tessera.hub import admin, exchanges, hits
from tessera.hub.hits import HitView
from tessera.linkage import exchange as matching
from tessera.linkage.pprl.match import THRESHOLD

app = typer.Typer(help="Hit/no-hit matching of agencies' encodings at the hub.",
                  no_args_is_help=True)

UserOpt = Annotated[str, typer.Option("--user", help="Who is acting (audited).")]
ExchangeOpt = Annotated[str, typer.Option("--exchange", help="The exchange.")]


def _hit_table(found: list[HitView]) -> Table:
    table = Table("hit", "exchange", "your ref", "other agency", "their ref", "band", "found",
                  "found by")
    for h in found:
        table.add_row(str(h.id), h.exchange, h.ref, h.other_agency, h.other_ref, h.band,
                      h.found_at.strftime("%Y-%m-%d %H:%M"), h.found_by)
    return table


@app.command("set")
def set_exchange(
    name: Annotated[str, typer.Argument(help="The exchange's name.")],
    user: UserOpt,
    threshold: Annotated[float, typer.Option(min=exchanges.THRESHOLD_MIN, max=1.0,
                                             help="The lowest score recorded as a hit.")]
    = THRESHOLD,
) -> None:
    """Open an exchange, or change its threshold (the convening organisation)."""
    with errors_as_messages(), open_hub().session() as s:
        row = exchanges.set_exchange(s, admin.actor(s, user), name, threshold)
    console.print(f"exchange {row.name}: threshold {row.threshold}")


@app.command("rotate")
def rotate(
    name: Annotated[str, typer.Argument(help="The exchange's name.")],
    user: UserOpt,
    reason: Annotated[str, typer.Option(help="Why the secret is retired (audited).")],
    key_id: Annotated[str | None, typer.Option(
        help="The new secret's key id (`tessera encode` prints it), when it is known.")] = None,
) -> None:
    """Retire the exchange's secret: every agency's encodings are cleared, to be made again
    under the new one; uploads under the retired key id are refused for good."""
    with errors_as_messages(), open_hub().session() as s:
        cleared = exchanges.rotate(s, admin.actor(s, user), name, reason, key_id)
    console.print(f"exchange {name} rotated: {cleared:,} encodings cleared"
                  + (f"; uploads must use key id {key_id}" if key_id else ""), soft_wrap=True)


@app.command("list")
def list_exchanges(user: UserOpt) -> None:
    """Every exchange, the schema and secret its uploads must use, and your agency's
    encodings in it."""
    with errors_as_messages(), open_hub().session() as s:
        found = exchanges.list_exchanges(s, admin.actor(s, user))
    table = Table("exchange", "threshold", "fingerprint", "key id", "your encodings",
                  "uploaded")
    for e in found:
        table.add_row(e.name, f"{e.threshold:.2f}", e.fingerprint or "-", e.key_id or "-",
                      f"{e.records:,}",
                      e.uploaded_at.strftime("%Y-%m-%d %H:%M") if e.uploaded_at else "-")
    console.print(table)


@app.command("upload")
def upload(
    path: Annotated[Path, typer.Argument(help="An encodings file made by `tessera encode`.")],
    exchange: ExchangeOpt,
    user: UserOpt,
) -> None:
    """Upload your agency's encodings: they replace its earlier ones in the exchange, whole.
    A bad file is refused with its line and problem, and nothing is stored."""
    hub = open_hub()
    with errors_as_messages(), console.status("storing the encodings…"):
        done = matching.upload_file(hub, user, exchange, path)
    console.print(f"{done.records:,} encodings of {done.agency} stored in exchange "
                  f"{done.exchange} (replacing {done.replaced:,}); schema {done.fingerprint}, "
                  f"key id {done.key_id}", soft_wrap=True)


@app.command("match")
def match(
    exchange: ExchangeOpt,
    purpose: Annotated[str, typer.Option(help="Why you search (audited).")],
    user: UserOpt,
) -> None:
    """Match your agency's encodings against every other agency's in the exchange; shows the
    new hits of your records. Counts against your agency's requests for the day."""
    hub = open_hub()
    per_day = settings().match_requests_per_day
    with errors_as_messages(), console.status("matching…"):
        summary = matching.run_match(hub, user, exchange, purpose, per_day=per_day)
    if summary.new:
        console.print(_hit_table(summary.new))
    console.print(f"run {summary.run_id}: {summary.compared:,} of your records against "
                  f"{summary.agencies} other agencies' encodings: {len(summary.new)} new "
                  f"hit(s), {summary.known} found before", soft_wrap=True)


@app.command("hits")
def list_hits(
    user: UserOpt,
    exchange: Annotated[str | None, typer.Option(help="Only this exchange's.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one hit a line.")]
    = False,
) -> None:
    """The hits of your agency's records, newest first."""
    with errors_as_messages(), open_hub().session() as s:
        found = hits.hits_for(s, admin.actor(s, user), exchange=exchange, limit=limit)
    if as_json:
        for h in found:
            typer.echo(json.dumps(asdict(h), default=str, ensure_ascii=False))
        return
    console.print(_hit_table(found))
    console.print(f"{len(found)} hit(s)")


@app.command("notifications")
def notifications(
    user: UserOpt,
    unread: Annotated[bool, typer.Option(help="Only those not marked read.")] = True,
    mark_read: Annotated[bool, typer.Option(help="Mark the notices shown read.")] = False,
) -> None:
    """Your agency's notices of new hits, newest first."""
    with errors_as_messages(), open_hub().session() as s:
        actor = admin.actor(s, user)
        found = hits.notices_for(s, actor, unread_only=unread)
        marked = hits.mark_read(s, actor, [n.id for n in found]) if mark_read and found else 0
    console.print(_hit_table([n.hit for n in found]))
    console.print(f"{len(found)} notice(s)" + (f", {marked} marked read" if mark_read else ""))


@app.command("volumes")
def volumes(
    user: UserOpt,
    days: Annotated[int, typer.Option(min=1, max=366, help="The last so many UTC days.")]
    = 30,
) -> None:
    """Match requests, and the new hits they found, per agency, exchange and day (the
    convening organisation's analysts, coordinators and auditors)."""
    with errors_as_messages(), open_hub().session() as s:
        found = hits.volumes(s, admin.actor(s, user), days=days)
    table = Table("day", "agency", "exchange", "requests", "new hits")
    for v in found:
        table.add_row(v.day.isoformat(), v.agency, v.exchange, str(v.runs), str(v.new_hits))
    console.print(table)
