"""A scenario: the true world, each agency's files, and the ground truth beside them.

``generate`` builds it in memory; ``write`` puts it in a directory::

    manifest.json               seed, scale, countries, agencies (code, country, kind, file, rows)
    agencies/<CODE>.csv         each agency's submission: a mixed-type CSV of the standard
                                (or .jsonl with fmt="jsonl"), ready for `tessera ingest`
    truth/records.csv           agency, ref, record_type, true_id: who or what every record is
    truth/people.csv            every person: country, names in their script, birth, roles, groups
    truth/groups.csv            every group: origin, route, members by role, key players, fronts
    truth/organizations.csv, truth/accounts.csv, truth/journeys.csv
    truth/transfers.csv         every transfer, with its laundering typology and pattern (if any)
    truth/calls.csv             who called whom, when, how long

Deterministic: the same settings give byte-identical files.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tessera.standard.fields import mixed_columns
from tessera.standard.records import ANY_RECORD, Record
from tessera.standard.values import to_latin
from tessera.synth.model import World
from tessera.synth.observe import Agency, observe
from tessera.synth.world import Settings, build


@dataclass
class Scenario:
    settings: Settings
    world: World
    agencies: list[Agency]

    @property
    def records(self) -> int:
        return sum(len(a.rows) for a in self.agencies)

    def standard(self) -> list[tuple[str, Record]]:
        """Every agency's rows as (agency code, standard record), validated as the hub would
        (phone numbers without a prefix read as the agency's country's)."""
        return [(a.code, ANY_RECORD.validate_python(row, context={"country": a.country}))
                for a in self.agencies for row in a.rows]

    def true_people(self) -> dict[str, str]:
        """Each person record ("AGENCY/ref") -> the true person it is about: perfect
        linkage, for measuring what comes after linkage."""
        return {f"{a.code}/{ref}": true for a in self.agencies
                for ref, kind, true in a.truth if kind == "person"}


def generate(settings: Settings) -> Scenario:
    """Build the world for ``settings`` and every agency's view of it."""
    world = build(settings)
    return Scenario(settings, world, observe(world, settings.seed))


def write(
    scenario: Scenario,
    out: Path,
    *,
    fmt: str = "csv",
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write ``scenario`` under ``out`` (see the module's docstring); returns the manifest.

    ``progress(n)`` is told of each agency file's rows as it is written.
    """
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"unknown format {fmt!r}: csv or jsonl")
    (out / "agencies").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    columns = mixed_columns()
    agencies = []
    for agency in scenario.agencies:
        path = out / "agencies" / f"{agency.code}.{fmt}"
        with path.open("w", encoding="utf-8", newline="") as fh:
            if fmt == "csv":
                writer = csv.DictWriter(fh, fieldnames=columns)
                writer.writeheader()
                writer.writerows(agency.rows)
            else:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in agency.rows)
        if progress is not None:
            progress(len(agency.rows))
        agencies.append({
            "code": agency.code,
            "country": agency.country,
            "kind": agency.kind,
            "file": f"agencies/{path.name}",
            "rows": len(agency.rows),
            "by_type": dict(Counter(r["record_type"] for r in agency.rows)),
        })
    _write_truth(scenario, out / "truth")
    s = scenario.settings
    manifest = {
        "seed": s.seed,
        "scale": s.scale,
        "countries": list(s.countries),
        "records": scenario.records,
        "agencies": agencies,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def _table(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _write_truth(scenario: Scenario, out: Path) -> None:
    world = scenario.world
    _table(
        out / "records.csv",
        ["agency", "ref", "record_type", "true_id"],
        ((a.code, ref, kind, true) for a in scenario.agencies for ref, kind, true in a.truth),
    )
    _table(
        out / "people.csv",
        ["id", "country", "gender", "given", "family", "latin", "birth", "roles", "groups",
         "residence", "phone", "passport", "address_id"],
        (
            (p.id, p.country, p.gender, p.given, p.family, to_latin(f"{p.given} {p.family}"),
             p.birth.isoformat(), ";".join(p.roles), ";".join(p.groups), p.residence, p.phone,
             p.passport, p.address_id)
            for p in world.people.values()
        ),
    )
    _table(
        out / "groups.csv",
        ["id", "name", "origin", "destinations", "route", "industry", "members", "key_players",
         "fronts"],
        (
            (g.id, g.name, g.origin, ";".join(g.destinations), ";".join(g.route), g.industry,
             json.dumps(g.members), ";".join(g.key_players), ";".join(g.fronts))
            for g in world.groups.values()
        ),
    )
    _table(
        out / "organizations.csv",
        ["id", "name", "kind", "country", "industry", "registration", "group", "directors"],
        (
            (o.id, o.name, o.kind, o.country, o.industry, o.registration, o.group,
             ";".join(o.directors))
            for o in world.organizations.values()
        ),
    )
    _table(
        out / "accounts.csv",
        ["id", "owner", "country", "bank", "currency", "iban", "number", "role"],
        (
            (a.id, a.owner, a.country, a.bank, a.currency, a.iban, a.number, a.role)
            for a in world.accounts.values()
        ),
    )
    _table(
        out / "journeys.csv",
        ["id", "victim", "group", "recruiter", "recruited", "method", "channel", "route",
         "exploitation", "industry", "country", "city", "started", "ended", "control",
         "exploiter", "site"],
        (
            (j.id, j.victim, j.group, j.recruiter, j.recruited.isoformat(), j.method, j.channel,
             ";".join([*(leg.origin for leg in j.legs), j.country]), j.exploitation, j.industry,
             j.country, j.city, j.started.isoformat(), j.ended.isoformat() if j.ended else "",
             ";".join(j.control), j.exploiter, j.site)
            for j in world.journeys
        ),
    )
    _table(
        out / "transfers.csv",
        ["id", "payer", "beneficiary", "amount_cents", "currency", "at", "channel", "typology",
         "pattern"],
        (
            (t.id, t.payer, t.beneficiary, t.amount_cents, t.currency,
             t.at.isoformat(timespec="minutes"), t.channel, t.typology or "", t.pattern or "")
            for t in world.transfers
        ),
    )
    _table(
        out / "calls.csv",
        ["caller", "callee", "at", "seconds"],
        ((c.caller, c.callee, c.at.isoformat(timespec="minutes"), c.seconds)
         for c in world.calls),
    )
