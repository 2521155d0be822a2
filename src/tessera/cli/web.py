"""`tessera serve`: the web hub (API and dashboard) over the configured store."""

from __future__ import annotations

from typing import Annotated

import typer

from tessera.cli.common import console, fail, open_hub, settings
from tessera.config import Settings
from tessera.hub.db import Hub


def run_server(cfg: Settings, hub: Hub, host: str, port: int, workers: int = 1) -> None:
    """Serve until interrupted (Ctrl-C); with several workers, each process opens the store
    the environment names (``tessera.web.asgi``)."""
    import uvicorn  # loaded only to serve: the other commands need none of it

    from tessera.web import create_app

    try:
        app = create_app(cfg, hub)
    except ValueError as exc:
        fail(str(exc))
    console.print(f"Tessera hub on [bold]http://{host}:{port}/[/] (Ctrl-C stops it)")
    if workers > 1:
        hub.engine.dispose()
        uvicorn.run("tessera.web.asgi:app", host=host, port=port, workers=workers,
                    log_level="warning")
    else:
        uvicorn.run(app, host=host, port=port, log_level="warning")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
) -> None:
    """Serve the web hub: the API under /api/v1 and the dashboard pages."""
    cfg = settings()
    run_server(cfg, open_hub(cfg), host, port, workers)
