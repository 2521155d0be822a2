"""`tessera serve`: the web hub (API and dashboard) over the configured store."""

from __future__ import annotations

from typing import Annotated

import typer

from tessera.cli.common import console, fail, open_hub, settings
from tessera.config import Settings
from tessera.hub.db import Hub


def run_server(cfg: Settings, hub: Hub, host: str, port: int) -> None:
    """Serve until interrupted (Ctrl-C)."""
    import uvicorn  # loaded only to serve: the other commands need none of it

    from tessera.web import create_app

    try:
        app = create_app(cfg, hub)
    except ValueError as exc:
        fail(str(exc))
    console.print(f"Tessera hub on [bold]http://{host}:{port}/[/] (Ctrl-C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web hub: the API under /api/v1 and the dashboard pages."""
    cfg = settings()
    run_server(cfg, open_hub(cfg), host, port)
