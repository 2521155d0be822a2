"""`tessera case`: cases and joint investigation teams, as their member agencies work on them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.table import Table

from tessera.cli.common import console, errors_as_messages, fail, open_hub
from tessera.cooperation import cases
from tessera.cooperation.cases import CaseView
from tessera.hub import admin

app = typer.Typer(help="Cases and joint investigation teams, shared by their member agencies.",
                  no_args_is_help=True)

UserOpt = Annotated[
    str, typer.Option("--user", "-u", help="Act as this user (audited).", envvar="TESSERA_USER")
]
CodeArg = Annotated[str, typer.Argument(help="The case's code, e.g. UA-POL-2026-0001.")]
HandlingOpt = Annotated[str | None, typer.Option(
    "--handling", help="Handling code H0-H3 (H3: only your agency sees the content); "
    "your agency's default when left out.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON output.")]


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@app.command("open")
def open_case(
    user: UserOpt,
    title: Annotated[str, typer.Option(help="A short title.")],
    country: Annotated[str, typer.Option(help="Where the case is handled (code or name).")],
    crime_type: Annotated[list[str] | None, typer.Option(
        help="A crime type, e.g. trafficking_labour (repeat for several).")] = None,
    handling: HandlingOpt = None,
    record: Annotated[str | None, typer.Option(
        help="Your agency's case record it follows, AGENCY/ref.")] = None,
) -> None:
    """Open a case led by your agency; prints its code."""
    with errors_as_messages(), open_hub().session() as s:
        case = cases.open_case(s, admin.actor(s, user), title=title, country=country,
                               crime_types=crime_type or [], handling_code=handling,
                               record_ref=record)
        code = case.code
    typer.echo(code)


@app.command("list")
def list_cases(
    user: UserOpt,
    status: Annotated[str | None, typer.Option(
        help=f"Only cases in this status ({', '.join(cases.STATUSES)}).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The cases your agency is a member of, newest first."""
    with errors_as_messages(), open_hub().session() as s:
        found = cases.list_cases(s, admin.actor(s, user), status=status)
    if as_json:
        for summary in found:
            typer.echo(_json(asdict(summary)))
        return
    table = Table("code", "title", "lead", "country", "status", "members", "opened")
    for c in found:
        table.add_row(c.code, c.title, c.lead, c.country, c.status, ", ".join(c.members),
                      _when(c.opened_at))
    console.print(table)
    console.print(f"{len(found)} case(s)")


def _print_case(view: CaseView) -> None:
    c = view.case
    console.print(f"[bold]{c.code}[/] {c.title}", highlight=False)
    console.print(f"lead {c.lead}, {c.country}, status {c.status} (next: "
                  f"{', '.join(view.next_statuses) or '-'}), handling {c.handling_code}, "
                  f"crime types {', '.join(c.crime_types) or '-'}, follows "
                  f"{c.record_ref or '-'}", highlight=False, soft_wrap=True)
    console.print("members: " + ", ".join(
        f"{m.agency} ({m.role}{', left ' + _when(m.left_at) if m.left_at else ''})"
        for m in view.members), highlight=False)
    links = Table("link", "kind", "target", "note", "by", "handling", title="links")
    for li in view.links:
        links.add_row(str(li.id), li.kind, li.target or "-", li.withheld or li.note or "",
                      f"{li.added_by} ({li.agency})", li.handling_code)
    console.print(links)
    tasks = Table("task", "title", "agency", "due", "done", title="tasks")
    for t in view.tasks:
        tasks.add_row(str(t.id), t.title, t.agency, t.due.isoformat() if t.due else "-",
                      f"{_when(t.done_at)} by {t.done_by}" if t.done_at else "-")
    console.print(tasks)
    timeline = Table("at", "who", "what", "handling", "detail", title="timeline")
    for e in view.timeline:
        shown = e.withheld or " ".join(
            filter(None, [" ".join(f"{k}={v}" for k, v in (e.detail or {}).items()
                                   if v not in (None, [], "")), e.body or ""]))
        timeline.add_row(_when(e.at), f"{e.username} ({e.agency})", e.kind, e.handling_code,
                         shown)
    console.print(timeline)


@app.command("show")
def show(code: CodeArg, user: UserOpt, as_json: JsonOpt = False) -> None:
    """A case with its members, links, tasks and timeline. The content of another agency's
    H3 contributions is withheld, and marked so."""
    with errors_as_messages(), open_hub().session() as s:
        view = cases.get_case(s, admin.actor(s, user), code)
    if as_json:
        typer.echo(json.dumps(asdict(view), ensure_ascii=False, default=str, indent=2))
        return
    _print_case(view)


@app.command("status")
def status(
    code: CodeArg,
    new_status: Annotated[str, typer.Argument(
        metavar="STATUS", help=f"One of {', '.join(cases.STATUSES)}.")],
    user: UserOpt,
    reason: Annotated[str, typer.Option(help="Why (kept in the timeline).")] = "",
) -> None:
    """Move a case along its lifecycle (the lead agency): reported, under_investigation,
    prosecution, adjudicated, closed; a closed case is reopened into under_investigation."""
    with errors_as_messages(), open_hub().session() as s:
        case = cases.set_status(s, admin.actor(s, user), code, new_status, reason=reason)
        now = case.status
    console.print(f"case {code} is now {now}")


@app.command("member")
def member(
    code: CodeArg,
    agency: Annotated[str, typer.Argument(help="The agency's code.")],
    user: UserOpt,
    remove: Annotated[bool, typer.Option(help="Take the agency off the team.")] = False,
) -> None:
    """Add an agency to the case's joint team, or remove it (the lead agency's coordinators)."""
    with errors_as_messages(), open_hub().session() as s:
        actor = admin.actor(s, user)
        if remove:
            cases.remove_member(s, actor, code, agency)
        else:
            cases.add_member(s, actor, code, agency)
    console.print(f"{agency} {'removed from' if remove else 'added to'} case {code}")


@app.command("link")
def link(
    code: CodeArg,
    kind: Annotated[str, typer.Argument(help=f"One of {', '.join(cases.LINK_KINDS)}.")],
    target: Annotated[str, typer.Argument(
        help="A record AGENCY/ref you may see, an entity id, or a knowledge-base entry id.")],
    user: UserOpt,
    note: Annotated[str, typer.Option(help="Why it belongs to the case.")] = "",
    handling: HandlingOpt = None,
) -> None:
    """Link a record, an entity or a knowledge-base entry to the case."""
    with errors_as_messages(), open_hub().session() as s:
        row = cases.link(s, admin.actor(s, user), code, kind, target, note, handling)
        shown = f"link {row.id}: {row.kind} {row.target} ({row.handling_code})"
    console.print(f"case {code}: {shown}", highlight=False)


@app.command("note")
def note(
    code: CodeArg,
    body: Annotated[str, typer.Argument(help="The note.")],
    user: UserOpt,
    handling: HandlingOpt = None,
) -> None:
    """Add a note to the case's timeline."""
    with errors_as_messages(), open_hub().session() as s:
        event = cases.note(s, admin.actor(s, user), code, body, handling)
        shown = f"note {event.id} ({event.handling_code})"
    console.print(f"case {code}: {shown}")


@app.command("task")
def task(
    code: CodeArg,
    user: UserOpt,
    title: Annotated[str | None, typer.Argument(help="What is to be done.")] = None,
    agency: Annotated[str | None, typer.Option(
        help="The member agency it is for (yours when left out).")] = None,
    due: Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"],
                                                    help="Due date.")] = None,
    done: Annotated[int | None, typer.Option(help="Mark this task done instead.")] = None,
) -> None:
    """Set a task for a member agency, or mark one done (--done ID)."""
    if (title is None) == (done is None):
        fail("give either a task's TITLE to set it, or --done ID to mark one done")
    with errors_as_messages(), open_hub().session() as s:
        actor = admin.actor(s, user)
        if done is not None:
            row = cases.complete_task(s, actor, code, done)
        else:
            assert title is not None
            row = cases.add_task(s, actor, code, title, agency_code=agency,
                                 due=due.date() if due else None)
        shown = f"task {row.id} ({row.title})" + (" done" if done is not None else " set")
    console.print(f"case {code}: {shown}", highlight=False)
