"""`tessera secret`, `tessera encode` and `tessera match`: hit/no-hit matching on files alone.

Each agency encodes its people offline with the exchange secret; the encodings files can then
be matched by anyone (the hub, or one of the agencies) without the secret and without a hub.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from tessera.cli.common import console, fail
from tessera.cli.link import CountryOpt, MappingOpt, TypedOpt, read_records
from tessera.linkage.features import person_rows
from tessera.linkage.pprl import files as encodings_files
from tessera.linkage.pprl.encode import SHAREABLE
from tessera.linkage.pprl.encode import encode as encode_rows
from tessera.linkage.pprl.match import THRESHOLD
from tessera.linkage.pprl.match import match as match_files
from tessera.linkage.pprl.schema import EncodingError, Secret, load_schema

secret_app = typer.Typer(help="The exchange secret that keys every encoding.",
                         no_args_is_help=True)

HITS = ("group", "agency", "ref", "other_agency", "other_ref", "score", "band")


@secret_app.command("new")
def new_secret(
    path: Annotated[Path, typer.Argument(help="Where to write the secret (never overwritten).")],
    exchange: Annotated[str, typer.Option(help="The exchange the secret is for.")],
) -> None:
    """Make a new exchange secret: share it with the exchange's agencies only, never with the
    hub. A new secret is a rotation: every agency re-encodes with it."""
    secret = Secret.new(exchange)
    try:
        secret.save(path)
    except EncodingError as exc:
        fail(str(exc))
    console.print(f"secret for exchange {exchange!r} written to {path} (key id "
                  f"{secret.key_id}); keep it off the hub")


@secret_app.command("show")
def show_secret(path: Annotated[Path, typer.Argument(help="A secret file.")]) -> None:
    """The exchange and key id of a secret file (never the key)."""
    try:
        secret = Secret.load(path)
    except EncodingError as exc:
        fail(str(exc))
    console.print(f"exchange {secret.exchange!r}, key id {secret.key_id}")


def encode(
    paths: Annotated[list[Path], typer.Argument(help="CSV, XLSX or JSON Lines files of people.")],
    agency: Annotated[str, typer.Option(help="Your agency's code, as the exchange knows it.")],
    secret: Annotated[Path, typer.Option(help="The exchange secret (`tessera secret new`).")],
    out: Annotated[Path, typer.Option(help="Where to write the encodings.")],
    schema: Annotated[
        Path | None, typer.Option(help="The exchange's encoding schema (JSON); default: "
                                       "Tessera's schema 1, hardened.")] = None,
    share: Annotated[
        list[str] | None, typer.Option(help=f"An attribute to share beside the encodings "
                                            f"(repeatable): {', '.join(SHAREABLE)}.")] = None,
    mapping: MappingOpt = None,
    country: CountryOpt = None,
    typed: TypedOpt = False,
) -> None:
    """Encode person records for hit/no-hit matching, offline: the output holds, per person,
    your reference, a keyed Bloom filter of name, birth date, gender and nationality, and keyed
    hashes of passports, phones, IBANs and e-mails; no name, no date, no number."""
    try:
        key = Secret.load(secret)
        plan = load_schema(schema)
    except EncodingError as exc:
        fail(str(exc))
    read = read_records(paths, mapping, country, typed)
    rows = person_rows(read.records)
    refs = Counter(str(r["unique_id"]).split("/", 1)[1] for r in rows)
    twice = sorted(ref for ref, n in refs.items() if n > 1)
    if twice:
        fail(f"ref {twice[0]!r} names two people ({len(twice)} refs do): encodings need one "
             "reference per person")
    if not rows:
        fail("no person records to encode")
    with console.status(f"encoding {len(rows):,} people…"):
        try:
            encoded = encode_rows(agency, rows, plan, key, share=share or ())
        except ValueError as exc:
            fail(str(exc))
        encodings_files.write(out, encoded)
    console.print(f"{len(rows):,} people encoded ({read.rejected} rows rejected) under key "
                  f"{key.key_id}, schema {plan.fingerprint()}; written to {out}")


def match(
    paths: Annotated[list[Path], typer.Argument(help="Two or more agencies' encodings files.")],
    out: Annotated[Path, typer.Option(help="Where to write the hits (CSV).")],
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Dice similarity to call a hit at.")
    ] = THRESHOLD,
) -> None:
    """Match encodings files: the hits, solved into groups that hold one record of each agency
    at most. Nobody's data is needed beyond the files, and no secret."""
    if len(paths) < 2:
        fail("give at least two encodings files")
    try:
        loaded = [encodings_files.read(p) for p in paths]
        with console.status(f"matching {sum(map(len, loaded)):,} encoded records…"):
            result = match_files(loaded, threshold=threshold)
    except EncodingError as exc:
        fail(str(exc))
    group = {member: n for n, members in enumerate(result.groups, start=1)
             for member in members}
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HITS)
        for hit in result.hits:
            (lf, li), (rf, ri) = hit.left, hit.right
            writer.writerow((group[hit.left], loaded[lf].agency, loaded[lf].refs[li],
                             loaded[rf].agency, loaded[rf].refs[ri], f"{hit.score:.4f}",
                             hit.band(threshold)))
    sizes = Counter(len(g) for g in result.groups)
    spread = ", ".join(f"{n:,} in {k} agencies" for k, n in sorted(sizes.items()))
    console.print(f"{len(result.hits):,} hits in {len(result.groups):,} groups "
                  f"({spread or 'none'}); {result.candidates:,} comparisons; written to {out}")
    if result.skipped_buckets:
        console.print(f"[yellow]{result.skipped_buckets} blocking buckets were too large to "
                      "compare (many identical filters: empty names?)[/]")
