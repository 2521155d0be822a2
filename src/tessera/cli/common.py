"""What every command shares: the settings, the hub, one-line errors, and the console."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.exc import OperationalError

from tessera.config import Settings
from tessera.hub.access import Forbidden, Refusal
from tessera.hub.admin import AdminError
from tessera.hub.db import Hub, is_initialised
from tessera.hub.records import NotFound

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line on standard error and exit non-zero."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def out_file(path: Path | None) -> None:
    """Refuse, before any work, an output file that cannot be one: a folder."""
    if path is not None and path.is_dir():
        fail(f"{path}: is a folder, not a file to write")


def out_dir(path: Path) -> None:
    """Refuse, before any work, an output folder that cannot be one: a file."""
    if path.exists() and not path.is_dir():
        fail(f"{path}: is a file, not a folder to write into")


def settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"bad setting {'.'.join(map(str, first['loc']))}: {first['msg']}")


def operator() -> str:
    """The name administrative commands are audited under."""
    return f"cli:{getpass.getuser()}"


def open_hub(cfg: Settings | None = None) -> Hub:
    cfg = cfg or settings()
    hub = Hub.open(cfg.url)
    try:
        ready = is_initialised(hub.engine)
    except OperationalError as exc:
        fail(f"cannot reach the hub database: {str(exc.orig).strip().splitlines()[0]}")
    if not ready:
        fail(
            f"no hub at {hub.engine.url.render_as_string(hide_password=True)}: "
            "run `tessera init` first"
        )
    return hub


@contextmanager
def errors_as_messages() -> Iterator[None]:
    """Turn the domain's errors into one-line failures."""
    try:
        yield
    except Forbidden as exc:
        fail(f"refused: {exc}")
    except (AdminError, NotFound, ValueError) as exc:
        fail(str(exc))
    except Refusal as exc:  # before OSError: some refusals are PermissionErrors too
        fail(f"refused: {exc}")
    except OSError as exc:  # a file that cannot be read or written: say which and why
        fail(f"{exc.filename or ''}: {exc.strerror or exc}" if exc.filename else str(exc))
