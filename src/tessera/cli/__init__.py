"""The ``tessera`` command: one sub-command group per layer."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="tessera",
    help="Tessera: a shared intelligence hub for agencies fighting cross-border trafficking.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def main() -> None:
    """Entry point of the ``tessera`` script."""
    app()
