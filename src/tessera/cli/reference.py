"""Reference pages generated from code: every command (docs/cli.md), every setting
(docs/configuration.md). A test fails when the committed pages are stale; regenerate with
``python -m tessera.cli.reference``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from tessera.config import Settings

ROOT = Path(__file__).resolve().parents[3]


# Typer vendors its own copy of click, so commands are recognised by shape, not by class.
def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    found = [(path, command)]
    for name in sorted(getattr(command, "commands", {})):
        found.extend(_walk(command.commands[name], [*path, name]))
    return found


def cli_markdown() -> str:
    from tessera.cli import app

    root = typer.main.get_command(app)
    lines = [
        "# Command line",
        "",
        "Generated from the code by `python -m tessera.cli.reference`; do not edit.",
        "",
    ]
    for path, command in _walk(root, ["tessera"])[1:]:
        if hasattr(command, "commands"):
            lines += [f"## `{' '.join(path)}`", "", (command.help or "").strip(), ""]
            continue
        ctx = command.context_class(command, info_name=" ".join(path))
        usage = command.get_usage(ctx).removeprefix("Usage: ")
        lines += [
            f"### `{' '.join(path)}`",
            "",
            (command.help or "").strip(),
            "",
            "```",
            usage,
            "```",
            "",
        ]
        params = [p for p in command.params if p.name != "help"]
        if params:
            lines += ["| argument or option | help |", "|---|---|"]
            for p in params:
                is_option = p.param_type_name == "option"
                names = ", ".join(p.opts) if is_option else (p.name or "").upper()
                help_text = getattr(p, "help", None) or ""
                lines.append(f"| `{names}` | {help_text} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def settings_markdown() -> str:
    lines = [
        "# Configuration",
        "",
        "Settings come from environment variables prefixed `TESSERA_`, or from a "
        "`tessera.toml` in the working directory. Generated from the code by "
        "`python -m tessera.cli.reference`; do not edit.",
        "",
        "| variable | default | meaning |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = "" if field.default_factory else repr(field.default)
        if name == "secret_key":
            default = "(demo placeholder; refused outside demo mode)"
        lines.append(f"| `TESSERA_{name.upper()}` | {default} | {field.description or ''} |")
    return "\n".join(lines) + "\n"


PAGES = {"docs/cli.md": cli_markdown, "docs/configuration.md": settings_markdown}


def stale(root: Path = ROOT) -> list[str]:
    """Pages whose committed text differs from what the code generates."""
    return [
        page
        for page, make in PAGES.items()
        if not (root / page).is_file() or (root / page).read_text() != make()
    ]


if __name__ == "__main__":
    for page, make in PAGES.items():
        (ROOT / page).write_text(make())
        print(f"wrote {page}")
