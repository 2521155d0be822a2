"""`tessera link`: entity resolution of person records."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tessera.cli.common import console, errors_as_messages, fail, open_hub
from tessera.hub import admin, entities
from tessera.ingest.mapping import Mapping, MappingError, load_mapping
from tessera.ingest.readers import ReadError, SourceRow, read_rows
from tessera.ingest.validate import Valid, validate_rows
from tessera.linkage.features import person_rows
from tessera.linkage.model import MATCH_THRESHOLD, link
from tessera.linkage.run import link_hub
from tessera.linkage.screen import SCREEN_THRESHOLD, screen
from tessera.standard.records import Record

app = typer.Typer(help="Find the records that are about the same person.", no_args_is_help=True)

OUTPUT = ("file", "row", "ref", "cluster_id", "cluster_size", "best_match", "best_probability",
          "explanation")


MappingOpt = Annotated[
    Path | None, typer.Option(help="YAML column mapping for files not in the template.")
]
CountryOpt = Annotated[
    str | None, typer.Option(help="Country for phone numbers written without prefix.")
]
TypedOpt = Annotated[
    bool,
    typer.Option(help="The files have a record_type column (submissions in the standard): "
                 "their phones, documents, e-mails and accounts are used too."),
]


@app.command("files")
def files(
    paths: Annotated[list[Path], typer.Argument(help="CSV, XLSX or JSON Lines files of people.")],
    out: Annotated[Path, typer.Option(help="Where to write one row per input record.")],
    mapping: MappingOpt = None,
    country: CountryOpt = None,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Match probability to link at.")
    ] = MATCH_THRESHOLD,
    typed: TypedOpt = False,
) -> None:
    """Deduplicate, or link, files of people outside the hub.

    Every file is one source; records within a file and across files are compared. The output
    has one row per person record read: its cluster, the cluster's size, its most probable
    match and that match's probability and reasons. Rows that fail validation are named and
    left out."""
    read = read_records(paths, mapping, country, typed)
    records, where, rejected = read.records, read.where, read.rejected
    rows = person_rows(records)
    if not rows:
        fail("no person records to link")
    with console.status(f"linking {len(rows):,} person records…"):
        found = link(rows, threshold=threshold)
    best = found.best()
    sizes = Counter(found.clusters.values())
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(OUTPUT)
        for row in rows:
            uid = row["unique_id"]
            file_name, line = where[uid]
            cluster = found.clusters.get(uid, uid)
            match = best.get(uid)
            partner = (match.right if match.left == uid else match.left) if match else ""
            writer.writerow([
                file_name, line, uid.split("/", 1)[1], cluster, sizes.get(cluster, 1), partner,
                f"{match.probability:.4f}" if match else "", match.explanation() if match else "",
            ])
    clusters = {found.clusters.get(r["unique_id"], r["unique_id"]) for r in rows}
    linked = sum(1 for n in sizes.values() if n > 1)
    console.print(f"{len(rows):,} records ({rejected} rejected) in {len(clusters):,} people, "
                  f"{linked:,} of them found in more than one record; written to {out}")


@dataclass
class Read:
    records: list[tuple[str, Record]]  # (source: the file's stem, record)
    where: dict[str, tuple[str, int]]  # "source/ref" -> (file name, row)
    rejected: int


def read_records(paths: list[Path], mapping: Path | None, country: str | None, typed: bool) -> Read:
    """The valid records of ``paths``; each rejected row is named on the console."""
    try:
        plan: Mapping | None = load_mapping(mapping) if mapping else None
    except MappingError as exc:
        fail(str(exc))
    read = Read([], {}, 0)
    for path in paths:
        source = path.stem
        try:
            rows = _with_refs(read_rows(path, mapping=plan, country=country,
                                        record_type=None if typed else "person"))
            for n, result in enumerate(validate_rows(rows, country=country), start=1):
                if not isinstance(result, Valid):
                    read.rejected += 1
                    first = result[0]
                    console.print(f"[yellow]{path.name} row {first.row}:[/] {first.field} "
                                  f"{first.value!r}: {first.reason}", highlight=False)
                    continue
                read.records.append((source, result.record))
                read.where[f"{source}/{result.record.ref}"] = (path.name, result.source.row or n)
        except ReadError as exc:
            fail(str(exc))
    return read


def _with_refs(rows: Iterator[SourceRow]) -> Iterator[SourceRow]:
    """A file without references gets its row numbers as references."""
    for row in rows:
        if not row.data.get("ref"):
            row.data["ref"] = f"row{row.row}"
        yield row


UserOpt = Annotated[str, typer.Option("--user", help="Who is acting (audited).")]


@app.command("run")
def run(
    user: UserOpt,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Match probability to link at.")
    ] = MATCH_THRESHOLD,
) -> None:
    """Resolve the hub's person records into entities (a hub analyst's view); entity ids
    survive re-runs, and analysts' judgements are respected."""
    hub = open_hub()
    with errors_as_messages(), console.status("linking the hub's person records…"):
        try:
            summary = link_hub(hub, user, threshold=threshold)
        except entities.ResolutionConflict as exc:
            fail(str(exc))
    console.print(
        f"{summary.records:,} person records in {summary.entities:,} entities "
        f"({summary.linked:,} with more than one record, {summary.new_ids:,} new); "
        f"{summary.refused} joins refused by judgements"
    )


@app.command("judge")
def judge(
    left: Annotated[str, typer.Argument(help="A record, as AGENCY/ref.")],
    right: Annotated[str, typer.Argument(help="Another record, as AGENCY/ref.")],
    user: UserOpt,
    same: Annotated[bool, typer.Option("--same/--different", help="The verdict.")],
    note: Annotated[str, typer.Option(help="Why (kept in the judgement log).")] = "",
) -> None:
    """Record that two records are, or are not, the same person; the next `link run` obeys."""
    with errors_as_messages(), open_hub().session() as s:
        row = entities.judge(s, admin.actor(s, user), left, right,
                             "same" if same else "different", note)
    console.print(f"judgement {row.id}: {left} and {right} are "
                  f"{'the same person' if same else 'different people'}")


@app.command("match")
def match(
    path: Annotated[Path, typer.Argument(help="A CSV, XLSX or JSON Lines file of people.")],
    user: UserOpt,
    out: Annotated[Path | None, typer.Option(help="Also write the candidates as CSV.")] = None,
    mapping: MappingOpt = None,
    country: CountryOpt = None,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Lowest probability to report.")
    ] = SCREEN_THRESHOLD,
    typed: TypedOpt = False,
) -> None:
    """Screen a list of people against the hub: scored candidates among the records USER may
    see, best first, with the reasons (for supply-chain and labour audits)."""
    read = read_records([path], mapping, country, typed)
    people = [record for _, record in read.records]
    if not any(r.record_type == "person" for r in people):
        fail(f"no person records in {path.name}")
    hub = open_hub()
    with errors_as_messages(), console.status("screening against the hub…"):
        candidates = screen(hub, user, people, threshold=threshold)
    table = Table("row", "candidate", "title", "probability", "why")
    for c in candidates:
        table.add_row(str(read.where[f"{path.stem}/{c.query}"][1]), c.record, c.title,
                      f"{c.probability:.3f}", c.explanation)
    console.print(table)
    console.print(f"{len(candidates)} candidate(s) for {len(people)} record(s) screened")
    if out:
        with out.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(("row", "ref", "candidate", "title", "probability", "explanation"))
            for c in candidates:
                writer.writerow((read.where[f"{path.stem}/{c.query}"][1], c.query, c.record,
                                 c.title, f"{c.probability:.4f}", c.explanation))
