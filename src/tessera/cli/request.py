"""`tessera request`: cross-border requests between agencies, from draft to answer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tessera.cli.common import console, errors_as_messages, open_hub
from tessera.cooperation import requests
from tessera.cooperation.requests import RequestView
from tessera.hub import admin

app = typer.Typer(help="Cross-border requests: mutual legal assistance, extradition, asset "
                       "recovery, information, hit follow-ups.", no_args_is_help=True)

UserOpt = Annotated[str, typer.Option("--user", help="Who is acting (audited).")]
CodeArg = Annotated[str, typer.Argument(help="The request's code (REQ-AGENCY-YEAR-NNNN).")]


def _listed(found: list[RequestView], today: dt.date) -> Table:
    table = Table()
    table.add_column("code", no_wrap=True)  # to copy into the next command, whole
    for column in ("kind", "from", "to", "status", "priority", "deadline", "records"):
        table.add_column(column)
    for r in found:
        late = " [red](overdue)[/]" if r.overdue(today) else ""
        table.add_row(r.code, r.kind, r.requesting_agency, r.requested_agency, r.status,
                      r.priority, f"{r.deadline or ''}{late}",
                      f"{sum(g for _, g in r.records)}/{len(r.records)} granted")
    return table


def _show(r: RequestView) -> None:
    console.print(f"[bold]{r.code}[/] {r.kind}: {r.requesting_agency} ({r.requesting_country})"
                  f" → {r.requested_agency} ({r.requested_country}); {r.status}, priority "
                  f"{r.priority}, deadline {r.deadline or 'none'}")
    console.print(f"purpose: {r.purpose}", markup=False)
    if r.legal_basis or r.kb_entry:
        console.print(f"legal basis: {r.legal_basis}"
                      + (f" (knowledge base entry {r.kb_entry})" if r.kb_entry else ""),
                      markup=False)
    if r.case or r.hit:
        console.print(f"concerns: {'case ' + r.case if r.case else ''}"
                      f"{' hit ' + str(r.hit) if r.hit else ''}")
    for key, granted in r.records:
        console.print(f"  record {key}: {'granted' if granted else 'not granted'}",
                      markup=False)
    for n, e in enumerate(r.events, start=1):
        what = (f"{e.status_from or ''} → {e.status_to}" if e.kind == "status"
                else e.kind)
        attached = f" [attachment {n}: {e.attachment_name}]" if e.attachment_name else ""
        console.print(f"  {e.at:%Y-%m-%d %H:%M} {e.username} ({e.agency}) {what} "
                      f"[{e.handling_code}] {e.body}{attached}", markup=False)


@app.command("new")
def new(
    user: UserOpt,
    kind: Annotated[str, typer.Option(help="One of: " + ", ".join(requests.KINDS))],
    purpose: Annotated[str, typer.Option(help="What the request is for (audited with every "
                                              "read of what it is granted).")],
    to: Annotated[str | None, typer.Option("--to", help="The agency asked (a hit's follow-up "
                                                        "goes to the hit's other agency).")]
    = None,
    legal_basis: Annotated[str, typer.Option(help="Treaty or convention relied on.")] = "",
    record: Annotated[list[str] | None, typer.Option(
        "--record", help="A record of the agency asked, AGENCY/REF (repeat).")] = None,
    case: Annotated[str | None, typer.Option(help="The case it concerns.")] = None,
    hit: Annotated[int | None, typer.Option(help="The hit it follows up.")] = None,
    kb: Annotated[int | None, typer.Option(help="Knowledge-base entry of the legal basis.")]
    = None,
    priority: Annotated[str, typer.Option(help="One of: " + ", ".join(requests.PRIORITIES))]
    = "normal",
    deadline: Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"],
                                                         help="Answer wanted by (date).")]
    = None,
) -> None:
    """Draft a request from your agency (send it with `tessera request move CODE sent`)."""
    with errors_as_messages(), open_hub().session() as s:
        made = requests.create(
            s, admin.actor(s, user), kind=kind, to_agency=to, purpose=purpose,
            legal_basis=legal_basis, records=record, case=case, hit=hit, kb_entry=kb,
            priority=priority, deadline=deadline.date() if deadline else None)
    console.print(f"drafted {made.code}: {made.kind} to {made.requested_agency}")


@app.command("move")
def move_request(
    code: CodeArg,
    status: Annotated[str, typer.Argument(help="One of: " + ", ".join(requests.STATUSES))],
    user: UserOpt,
    note: Annotated[str, typer.Option(help="Said with the move.")] = "",
) -> None:
    """Move a request on: send or withdraw your agency's; acknowledge, work on, answer or
    refuse one sent to it."""
    with errors_as_messages(), open_hub().session() as s:
        moved = requests.move(s, admin.actor(s, user), code, status, note)
    console.print(f"{moved.code}: {moved.status}")


@app.command("message")
def message(
    code: CodeArg,
    user: UserOpt,
    text: Annotated[str, typer.Option("--text", help="The message.")] = "",
    handling_code: Annotated[str, typer.Option(help="H0-H3.")] = "H2",
    attach: Annotated[Path | None, typer.Option(exists=True, dir_okay=False,
                                                help="A file to attach (at most 10 MiB).")]
    = None,
) -> None:
    """Write to the other agency on a request, with a handling code and an attachment."""
    with errors_as_messages():
        attachment = (attach.name, attach.read_bytes()) if attach else None
        with open_hub().session() as s:
            requests.message(s, admin.actor(s, user), code, text,
                             handling_code=handling_code, attachment=attachment)
    console.print(f"{code}: message sent")


@app.command("grant")
def grant(
    code: CodeArg,
    user: UserOpt,
    record: Annotated[list[str] | None, typer.Option(
        "--record", help="A record to grant, of those named (repeat; all by default).")]
    = None,
) -> None:
    """Share records a request names with the requesting agency, for its purpose only."""
    with errors_as_messages(), open_hub().session() as s:
        view = requests.grant(s, admin.actor(s, user), code, record)
    console.print(f"{code}: granted " + ", ".join(k for k, g in view.records if g))


@app.command("records")
def granted(code: CodeArg, user: UserOpt) -> None:
    """The records granted to your agency on a request, as JSON Lines (each read audited)."""
    with errors_as_messages(), open_hub().session() as s:
        found = requests.granted_records(s, admin.actor(s, user), code)
    for key, data in found:
        typer.echo(json.dumps({"record": key, **data}, ensure_ascii=False))


@app.command("show")
def show(code: CodeArg, user: UserOpt) -> None:
    """A request, its records and its history."""
    with errors_as_messages(), open_hub().session() as s:
        _show(requests.get(s, admin.actor(s, user), code))


@app.command("list")
def list_requests(
    user: UserOpt,
    box: Annotated[str, typer.Option(help="all, sent or received")] = "all",
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    overdue: Annotated[bool, typer.Option(help="Only those past their deadline and still "
                                               "awaiting an answer.")] = False,
    due_within: Annotated[int | None, typer.Option(
        min=0, help="Reminders: only those awaiting an answer due within this many days "
                    "(overdue ones included).")] = None,
) -> None:
    """Your agency's requests, newest first."""
    today = dt.date.today()
    with errors_as_messages(), open_hub().session() as s:
        found = requests.listing(
            s, admin.actor(s, user), box=box, status=status,
            overdue_on=today if overdue else None,
            due_by=today + dt.timedelta(days=due_within) if due_within is not None else None)
    console.print(_listed(found, today))
