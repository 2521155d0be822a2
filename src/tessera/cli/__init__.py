"""The ``tessera`` command: one sub-command group per layer."""

from __future__ import annotations

import typer

from tessera.cli import (
    case,
    demo,
    exchange,
    hub,
    ingest,
    kb,
    link,
    network,
    outcomes,
    patterns,
    pprl,
    publish,
    request,
    standard,
    synth,
    web,
)

app = typer.Typer(
    name="tessera",
    help="Tessera: a shared intelligence hub for agencies fighting cross-border trafficking.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("demo")(demo.demo)
app.command("init")(hub.init)
app.command("ingest")(ingest.ingest)
app.add_typer(hub.agency_app, name="agency")
app.add_typer(hub.user_app, name="user")
app.add_typer(hub.token_app, name="token")
app.add_typer(hub.records_app, name="records")
app.add_typer(hub.audit_app, name="audit")
app.add_typer(standard.app, name="standard")
app.command("synth")(synth.synth)
app.command("serve")(web.serve)
app.add_typer(link.app, name="link")
app.add_typer(pprl.secret_app, name="secret")
app.command("encode")(pprl.encode)
app.command("match")(pprl.match)
app.add_typer(exchange.app, name="exchange")
app.add_typer(network.app, name="network")
app.add_typer(patterns.app, name="patterns")
app.add_typer(kb.app, name="kb")
app.add_typer(case.app, name="case")
app.add_typer(request.app, name="request")
app.command("outcomes")(outcomes.outcomes_command)
app.add_typer(publish.app, name="publish")


def main() -> None:
    """Entry point of the ``tessera`` script."""
    app()
