"""Commands that administer the hub: init, agency, user, token, records, audit."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from tessera.cli.common import console, errors_as_messages, fail, open_hub, operator, settings
from tessera.hub import access, admin, audit, records
from tessera.hub.access import Actor
from tessera.hub.db import Hub, upgrade
from tessera.hub.models import AgencyKind, StoredRecord, UserRole
from tessera.standard.codes import SCOPE_ORDER

agency_app = typer.Typer(help="Member agencies and their sharing defaults.", no_args_is_help=True)
user_app = typer.Typer(help="Users of member agencies.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for agencies' systems.", no_args_is_help=True)
records_app = typer.Typer(help="Records in the hub, as a user sees them.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)

UserOpt = Annotated[
    str, typer.Option("--user", "-u", help="Act as this user.", envvar="TESSERA_USER")
]


def init() -> None:
    """Create the hub database (or bring its schema up to date)."""
    cfg = settings()
    hub = Hub.open(cfg.url)
    upgrade(hub.engine)
    console.print(f"hub ready at {hub.engine.url.render_as_string(hide_password=True)}")


@agency_app.command("add")
def agency_add(
    code: str,
    name: Annotated[str, typer.Option(help="Full name.")],
    country: Annotated[str, typer.Option(help="Country code or name.")],
    kind: Annotated[AgencyKind, typer.Option(help="Kind of agency.")],
    handling_code: Annotated[str, typer.Option(help="Default handling code.")] = "H2",
    scope: Annotated[str, typer.Option(help="Default sharing scope.")] = "partners",
    partner: Annotated[list[str] | None, typer.Option(help="A partner agency code.")] = None,
) -> None:
    """Register a member agency."""
    with errors_as_messages(), open_hub().session() as s:
        agency = admin.create_agency(
            s,
            operator(),
            code=code,
            name=name,
            country=country,
            kind=kind,
            handling_code=handling_code,
            scope=scope,
            partners=partner,
        )
        console.print(f"agency {agency.code} ({agency.country}, {agency.kind}) added")


@agency_app.command("list")
def agency_list() -> None:
    """List member agencies."""
    from sqlalchemy import select

    from tessera.hub.models import Agency

    table = Table("code", "name", "country", "kind", "handling", "scope", "partners")
    with open_hub().session() as s:
        for a in s.scalars(select(Agency).order_by(Agency.code)):
            table.add_row(
                a.code,
                a.name,
                a.country,
                a.kind,
                a.default_handling_code,
                a.default_scope,
                ", ".join(a.partners),
            )
    console.print(table)


@user_app.command("add")
def user_add(
    username: str,
    agency: Annotated[str, typer.Option(help="Agency code.")],
    role: Annotated[list[UserRole], typer.Option(help="A role (repeat for several).")],
    password: Annotated[bool, typer.Option(help="Ask for a password for web login.")] = False,
) -> None:
    """Add a user to an agency."""
    secret = (
        typer.prompt("password", hide_input=True, confirmation_prompt=True) if password else None
    )
    with errors_as_messages(), open_hub().session() as s:
        admin.create_user(
            s,
            operator(),
            username=username,
            agency_code=agency,
            roles=[r.value for r in role],
            password=secret,
        )
    console.print(f"user {username} added to {agency}")


@token_app.command("issue")
def token_issue(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for.")],
    days: Annotated[int, typer.Option(help="Days until it expires (0: never).")] = 365,
) -> None:
    """Issue an API token; it is printed once and only its hash is kept."""
    with errors_as_messages(), open_hub().session() as s:
        token = admin.issue_token(s, operator(), username, name, days or None)
    typer.echo(token)


@token_app.command("revoke")
def token_revoke(
    prefix: Annotated[str, typer.Argument(help="The token's first 10 characters.")],
) -> None:
    """Revoke an API token."""
    with errors_as_messages(), open_hub().session() as s:
        admin.revoke_token(s, operator(), prefix)
    console.print("revoked")


def _summary(row: StoredRecord) -> dict[str, object]:
    return {
        "agency": row.agency.code,
        "ref": row.ref,
        "type": row.record_type,
        "version": row.version,
        "title": row.title,
        "handling_code": row.handling_code,
        "evaluation": f"{row.source_reliability}{row.information_credibility}",
        "scope": SCOPE_ORDER[row.scope_level].value,
        "retracted": row.retracted,
        "source": f"{row.source_file or '-'}"
        f"{':' + row.source_sheet if row.source_sheet else ''}:{row.source_row or '-'}",
        "received_at": row.received_at.isoformat(),
    }


@records_app.command("list")
def records_list(
    user: UserOpt,
    record_type: Annotated[str | None, typer.Option("--type", help="Record type.")] = None,
    agency: Annotated[str | None, typer.Option(help="Owning agency code.")] = None,
    search: Annotated[str | None, typer.Option(help="Text in the title, or a ref.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    purpose: Annotated[str | None, typer.Option(help="Why you are looking (audited).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines output.")] = False,
) -> None:
    """List the records USER may see, with owner, provenance and handling."""
    with errors_as_messages(), open_hub().session() as s:
        rows = records.list_records(
            s,
            admin.actor(s, user),
            record_type=record_type,
            agency_code=agency,
            text=search,
            limit=limit,
            purpose=purpose,
        )
        summaries = [_summary(r) for r in rows]
    if as_json:
        for item in summaries:
            typer.echo(json.dumps(item, ensure_ascii=False))
        return
    # The table keeps what fits a terminal; --json has every field.
    shown = ("agency", "ref", "type", "version", "title", "handling_code", "scope", "source")
    table = Table("agency", "ref", "type", "v", "title", "handling", "scope", "source")
    for item in summaries:
        table.add_row(*(str(item[key]) for key in shown))
    console.print(table)
    console.print(f"{len(summaries)} record(s)")


@records_app.command("show")
def records_show(
    agency: Annotated[str, typer.Argument(help="Owning agency code.")],
    ref: Annotated[str, typer.Argument(help="The agency's reference.")],
    user: UserOpt,
    history: Annotated[bool, typer.Option(help="Every version, oldest first.")] = False,
    purpose: Annotated[str | None, typer.Option(help="Why you are looking (audited).")] = None,
) -> None:
    """Show one record with its provenance (as JSON)."""
    with errors_as_messages(), open_hub().session() as s:
        actor: Actor = admin.actor(s, user)
        rows = (
            records.history(s, actor, agency, ref)
            if history
            else [records.get_record(s, actor, agency, ref, purpose=purpose)]
        )
        out = [{**_summary(r), "data": r.data} for r in rows]
    typer.echo(json.dumps(out if history else out[0], ensure_ascii=False, indent=2))


@records_app.command("retract")
def records_retract(
    ref: str, user: UserOpt, reason: Annotated[str, typer.Option(help="Why.")]
) -> None:
    """Retract one of your agency's records (a new version; history is kept)."""
    with errors_as_messages(), open_hub().session() as s:
        records.retract(s, admin.actor(s, user), ref, reason)
    console.print(f"{ref} retracted")


@records_app.command("purge")
def records_purge(user: UserOpt) -> None:
    """Delete records past their retention period (TESSERA_RETENTION_DAYS), audited."""
    cfg = settings()
    if not cfg.retention_days:
        fail("no retention periods set (TESSERA_RETENTION_DAYS, e.g. '{\"phone\": 1825}')")
    with errors_as_messages(), open_hub(cfg).session() as s:
        purged = records.purge_expired(s, admin.actor(s, user), cfg.retention_days)
    for record_type, n in purged.items():
        console.print(f"{record_type}: {n} purged")


@audit_app.command("verify")
def audit_verify(
    expect_head: Annotated[
        str | None, typer.Option(help="Head hash kept from an earlier run.")
    ] = None,
) -> None:
    """Check the audit chain; exits 1 naming every edited, deleted or missing entry."""
    with open_hub().session() as s:
        result = audit.verify(s, expect_head=expect_head)
    for problem in result.problems:
        console.print(f"[red]{problem}[/]")
    if not result.ok:
        fail(f"audit log is NOT intact: {len(result.problems)} problem(s)")
    console.print(f"audit log intact: {result.entries} entries, head {result.head}")


@audit_app.command("show")
def audit_show(
    user: UserOpt,
    limit: Annotated[int, typer.Option(help="The last N entries.")] = 20,
    of: Annotated[str | None, typer.Option(help="Only this user's entries.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines output.")] = False,
) -> None:
    """Print the latest audit entries (auditors only)."""
    from sqlalchemy import select

    from tessera.hub.models import AuditEntry

    with errors_as_messages(), open_hub().session() as s:
        access.authorize(s, admin.actor(s, user), "audit.read", "audit_log", {"of": of})
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if of:
            query = query.where(AuditEntry.username == of)
        entries = [
            {
                "id": e.id,
                "at": e.at,
                "user": e.username,
                "agency": e.agency_code,
                "action": e.action,
                "resource": e.resource,
                "outcome": e.outcome,
                "detail": json.loads(e.detail),
            }
            for e in reversed(s.scalars(query).all())
        ]
    if as_json:
        for entry in entries:
            typer.echo(json.dumps(entry, ensure_ascii=False))
        return
    table = Table("id", "at", "user", "agency", "action", "resource", "outcome")
    for e in entries:
        table.add_row(
            str(e["id"]),
            str(e["at"])[:19],
            e["user"] or "",
            e["agency"] or "",
            str(e["action"]),
            str(e["resource"]),
            str(e["outcome"]),
        )
    console.print(table)
