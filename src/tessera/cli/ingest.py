"""`tessera ingest`: validate an agency file and load it into the hub."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from tessera.cli.common import console, errors_as_messages, fail, open_hub, settings
from tessera.ingest.load import LoadError, load_file
from tessera.ingest.mapping import load_mapping
from tessera.ingest.report import render_table, write_rejections_csv, write_report_json


def ingest(
    path: Annotated[Path, typer.Argument(help="CSV, XLSX, JSON Lines, FtM or HTCDS file.")],
    user: Annotated[
        str, typer.Option("--user", "-u", help="Submitting user.", envvar="TESSERA_USER")
    ],
    agency: Annotated[str | None, typer.Option(help="Agency (default: the user's).")] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="csv, xlsx, jsonl, ftm or htcds (default: from the file)."),
    ] = None,
    record_type: Annotated[
        str | None,
        typer.Option("--type", help="Record type of every row (default: from the file)."),
    ] = None,
    mapping: Annotated[Path | None, typer.Option(help="YAML column mapping.")] = None,
    accept_valid: Annotated[
        bool, typer.Option(help="Write the valid rows even if some are rejected.")
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(help="Write rejected rows here (CSV; default: <file>.rejects.csv when any)."),
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write the report as JSON here.")] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(help="Records per database round trip (default: TESSERA_BATCH_SIZE)."),
    ] = None,
) -> None:
    """Validate PATH and load it: all rows, or (with --accept-valid) the valid ones."""
    cfg = settings()
    hub = open_hub(cfg)
    plan = load_mapping(mapping) if mapping else None
    size = path.stat().st_size if path.is_file() else 0
    with (
        errors_as_messages(),
        Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as bar,
    ):
        task = bar.add_task(f"loading {path.name}", total=size or None)
        try:
            result = load_file(
                hub,
                path,
                username=user,
                agency_code=agency,
                fmt=fmt,
                record_type=record_type,
                mapping=plan,
                accept_valid=accept_valid,
                batch_size=batch_size or cfg.batch_size,
                progress=lambda step: bar.update(task, advance=step),
            )
        except LoadError as exc:
            fail(str(exc))
    out = result.report
    if out.rejected_rows:
        render_table(out, console)
        target = rejects or path.with_name(path.name + ".rejects.csv")
        write_rejections_csv(out.rejections, target)
        console.print(f"rejected rows written to {target}")
    if report:
        write_report_json(out, report)
    for warning in out.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    if result.status == "rejected":
        fail(
            f"{path.name}: {out.rejected_rows} of {out.rows_read} rows rejected; nothing "
            "written (fix them, or use --accept-valid to load the valid rows)"
        )
    by_type = ", ".join(f"{n} {t}" for t, n in sorted(result.counts_by_type.items()))
    console.print(
        f"submission {result.submission_id} {result.status}: {out.valid} valid rows ({by_type}); "
        f"{result.created} new, {result.updated} updated, {result.unchanged} unchanged"
        + (f"; {out.rejected_rows} rejected" if out.rejected_rows else "")
    )
