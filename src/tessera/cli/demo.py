"""`tessera demo`: a small hub built end to end through the real ingest path.

Until the scenario generator and the web hub land, the demo creates four agencies in three
countries and the convening organisation, generates a file for each in a different format,
loads them as their submitters, shows a rejected file's report, and shows that each agency sees
only what it may.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tessera.cli.common import console, fail
from tessera.config import Settings
from tessera.hub import access, admin, audit, records
from tessera.hub.db import Hub, upgrade
from tessera.ingest.load import load_file
from tessera.ingest.report import render_table
from tessera.synth import flat

AGENCIES = [
    # code, name, country, kind, default scope, partners
    (
        "UA-POL",
        "National Police of Ukraine, anti-trafficking unit",
        "UA",
        "police",
        "partners",
        ["MD-NGO", "DE-LKA"],
    ),
    ("MD-NGO", "La Strada Moldova (shelter)", "MD", "ngo", "partners", ["UA-POL"]),
    ("DE-LKA", "Landeskriminalamt, human trafficking", "DE", "police", "members", ["UA-POL"]),
    ("DE-FIU", "Financial Intelligence Unit Germany", "DE", "fiu", "hub", []),
    (
        "IOM",
        "International Organization for Migration (convener)",
        "CH",
        "international_organisation",
        "hub",
        [],
    ),
]
USERS = [
    ("ua.submitter", "UA-POL", ["submitter", "analyst"]),
    ("md.submitter", "MD-NGO", ["submitter", "analyst"]),
    ("de.submitter", "DE-LKA", ["submitter", "analyst"]),
    ("fiu.analyst", "DE-FIU", ["analyst", "submitter"]),
    ("iom.analyst", "IOM", ["analyst"]),
    ("auditor", "IOM", ["auditor"]),
    ("admin", "IOM", ["admin"]),
]


def _files(out: Path, size: int) -> list[tuple[str, Path]]:
    out.mkdir(parents=True, exist_ok=True)
    made: list[tuple[str, Path]] = []
    for n, (user, country) in enumerate(
        [("ua.submitter", "UA"), ("md.submitter", "MD"), ("de.submitter", "DE")]
    ):
        path = out / f"{country.lower()}-submission.csv"
        flat.write_csv(path, size, seed=n + 1, agency_country=country)
        made.append((user, path))
    jsonl = out / "fiu-submission.jsonl"
    flat.write_jsonl(jsonl, size // 2, seed=99, agency_country="DE")
    made.append(("fiu.analyst", jsonl))
    return made


def demo(
    data_dir: Annotated[Path, typer.Option(help="Where the demo hub is created (emptied).")] = Path(
        "tessera-demo"
    ),
    size: Annotated[int, typer.Option(help="Rows per agency file.")] = 2000,
) -> None:
    """Build a demo hub from generated agency files through the real ingest path."""
    if data_dir.exists():
        if not (data_dir / "hub.sqlite").exists():
            fail(f"{data_dir} exists and is not a demo hub; choose another --data-dir")
        shutil.rmtree(data_dir)
    cfg = Settings(data_dir=data_dir, demo=True)
    hub = Hub.open(cfg.url)
    upgrade(hub.engine)
    with hub.session() as s:
        for code, name, country, kind, scope, partners in AGENCIES:
            admin.create_agency(
                s,
                "demo",
                code=code,
                name=name,
                country=country,
                kind=kind,
                scope=scope,
                partners=partners,
            )
        for username, agency, roles in USERS:
            admin.create_user(s, "demo", username=username, agency_code=agency, roles=roles)
    console.rule("[bold]Submissions")
    for user, path in _files(data_dir / "files", size):
        result = load_file(hub, path, username=user)
        console.print(
            f"{user:14} {path.name:24} {result.status}: {result.report.valid} rows, "
            f"{result.created} new records"
        )
    bad = data_dir / "files" / "bad-submission.csv"
    bad.write_text(
        "record_type,ref,name,birth_date,number,owner_ref,gender\n"
        "person,B1,Ірина Мельник,31.02.1990,,,female\n"
        "phone,B2,,,not-a-number,B1,\n"
        "person,B3,Ion Rusu,1988,,,robot\n",
        encoding="utf-8",
    )
    result = load_file(hub, bad, username="md.submitter")
    console.print(f"md.submitter   {bad.name:24} {result.status}: nothing written")
    render_table(result.report, console)
    _show_visibility(hub)
    with hub.session() as s:
        check = audit.verify(s)
    console.rule("[bold]Audit")
    console.print(f"{check.entries} audit entries, chain intact: {check.ok}")
    console.print(
        f"\nDemo hub: {cfg.url}\nTry: TESSERA_DATA_DIR={data_dir} tessera records list "
        "--user md.submitter --type person --limit 10"
    )


def _show_visibility(hub: Hub) -> None:
    console.rule("[bold]Who sees what")
    table = Table("user", "agency", "records visible", "of which own")
    with hub.session() as s:
        for username, agency, _ in USERS:
            actor = admin.actor(s, username)
            if not access.allowed(actor, "record.read"):
                table.add_row(username, agency, "(no read role)", "")
                continue
            rows = records.list_records(s, actor, limit=10_000, purpose="demo overview")
            own = sum(1 for r in rows if r.agency_id == actor.agency_id)
            table.add_row(username, agency, str(len(rows)), str(own))
    console.print(table)
