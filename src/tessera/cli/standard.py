"""``tessera standard``: the JSON Schema, templates and docs generated from the standard."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tessera.standard.artefacts import check_all, project_root, write_all
from tessera.standard.docs import docs_text
from tessera.standard.schema import schema_text
from tessera.standard.templates import csv_templates
from tessera.standard.workbook import XLSX_NAME, xlsx_bytes

app = typer.Typer(
    help="The reporting standard: JSON Schema, CSV and XLSX templates and docs, all generated "
    "from its declaration.",
    no_args_is_help=True,
)


class TemplateFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    both = "both"


OutFile = Annotated[
    Path | None, typer.Option("--out", help="File to write; standard output when left out.")
]
RootOption = Annotated[
    Path | None,
    typer.Option("--root", help="Project root; by default the tree this package runs from."),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {out}: {exc.strerror}") from None
    typer.echo(str(out), err=True)


def _root(root: Path | None) -> Path:
    if root is not None:
        if not root.is_dir():
            raise _fail(f"{root} is not a directory")
        return root
    try:
        return project_root()
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None


@app.command()
def schema(out: OutFile = None) -> None:
    """Print or write the JSON Schema (Draft 2020-12) of a record as an agency writes it."""
    _emit(schema_text(), out)


@app.command()
def docs(out: OutFile = None) -> None:
    """Print or write the Markdown reference of the standard."""
    _emit(docs_text(), out)


@app.command()
def templates(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the templates into.")],
    template_format: Annotated[
        TemplateFormat, typer.Option("--format", help="Which templates to write.")
    ] = TemplateFormat.both,
) -> None:
    """Write blank templates: one CSV per record type and/or the XLSX workbook."""
    files: dict[str, bytes] = {}
    if template_format in (TemplateFormat.csv, TemplateFormat.both):
        files.update((name, text.encode("utf-8")) for name, text in csv_templates().items())
    if template_format in (TemplateFormat.xlsx, TemplateFormat.both):
        files[XLSX_NAME] = xlsx_bytes()
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (out / name).write_bytes(content)
    except OSError as exc:
        raise _fail(f"cannot write templates to {out}: {exc.strerror}") from None
    typer.echo(f"wrote {len(files)} templates to {out}", err=True)


@app.command()
def generate(root: RootOption = None) -> None:
    """Regenerate every committed artefact of the standard in the project tree."""
    base = _root(root)
    try:
        written = write_all(base)
    except OSError as exc:
        raise _fail(f"cannot write artefacts under {base}: {exc.strerror}") from None
    for path in written:
        typer.echo(path.relative_to(base).as_posix())


@app.command()
def check(root: RootOption = None) -> None:
    """Exit 1 when a committed artefact differs from what the standard generates."""
    stale = check_all(_root(root))
    if stale:
        raise _fail(f"stale: {', '.join(stale)} (run `tessera standard generate`)")
    typer.echo("all artefacts of the standard are up to date", err=True)


if __name__ == "__main__":
    app()
