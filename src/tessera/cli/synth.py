"""`tessera synth`: generate a scenario — agencies' files with the ground truth beside them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from tessera.cli.common import console, fail
from tessera.linkage.evaluate import agency_person_rows
from tessera.linkage.pprl import files
from tessera.linkage.pprl.encode import encode
from tessera.linkage.pprl.schema import EncodingError, Schema, Secret
from tessera.synth.countries import COUNTRIES, DEFAULT_COUNTRIES
from tessera.synth.scenario import generate, write
from tessera.synth.world import Settings


def synth(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write into.")],
    seed: Annotated[int, typer.Option(help="Same seed, same scenario.")] = 0,
    scale: Annotated[
        int, typer.Option(help="About how many records all agencies' files hold together.")
    ] = 10_000,
    countries: Annotated[
        str,
        typer.Option(help=f"Comma-separated, from: {', '.join(COUNTRIES)}."),
    ] = ",".join(DEFAULT_COUNTRIES),
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl.")] = "csv",
    encodings_for: Annotated[
        list[str] | None,
        typer.Option("--encodings-for", help="An agency kind (police, fiu, ngo, labour, "
                     "border) that will not share names (repeatable): its agencies also get "
                     "an encodings file of their people, to share instead of their file."),
    ] = None,
    secret: Annotated[
        Path | None, typer.Option(help="The exchange secret for --encodings-for "
                                       "(`tessera secret new`).")] = None,
) -> None:
    """Generate a scenario with known truth: each agency's submission and the truth files."""
    try:
        settings = Settings(
            seed=seed,
            scale=scale,
            countries=tuple(c.strip().upper() for c in countries.split(",") if c.strip()),
        )
    except ValueError as exc:
        fail(str(exc))
    if fmt not in ("csv", "jsonl"):
        fail(f"unknown format {fmt!r}: csv or jsonl")
    key = None
    if encodings_for:
        if secret is None:
            fail("--encodings-for needs --secret, the exchange secret to encode with")
        try:
            key = Secret.load(secret)
        except EncodingError as exc:
            fail(str(exc))
    start = time.perf_counter()
    with console.status("simulating the world and what each agency sees…"):
        scenario = generate(settings)
    with Progress(
        TextColumn("writing files"), BarColumn(), MofNCompleteColumn(), console=console
    ) as bar:
        task = bar.add_task("write", total=scenario.records)
        manifest = write(scenario, out, fmt=fmt, progress=lambda n: bar.advance(task, n))
    if key is not None:
        kinds = set(encodings_for or ())
        for agency in scenario.agencies:
            if agency.kind in kinds:
                encoded = encode(agency.code, agency_person_rows(agency), Schema(), key)
                files.write(out / "agencies" / f"{agency.code}.encodings.jsonl", encoded)
                console.print(f"{agency.code}: {len(encoded):,} people encoded, to share "
                              f"instead of its file")
    table = Table("agency", "kind", "records", title=f"{out}/agencies")
    for agency in manifest["agencies"]:
        table.add_row(agency["code"], agency["kind"], f"{agency['rows']:,}")
    console.print(table)
    world = scenario.world
    console.print(
        f"{manifest['records']:,} records from {len(manifest['agencies'])} agencies about "
        f"{len(world.journeys):,} victims of {len(world.groups):,} groups, "
        f"{len(world.transfers):,} transfers; truth in {out}/truth "
        f"({time.perf_counter() - start:.1f} s)"
    )
