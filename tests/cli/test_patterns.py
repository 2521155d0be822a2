"""`tessera patterns`, on plain files and on the hub (as each user sees it, audited)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tessera.cli import app
from tessera.hub.db import Hub
from tessera.hub.models import AuditEntry

COLUMNS = ("record_type,ref,case_ref,sharing_scope,name,roles,status,country,person_ref,"
           "from_country,to_country,departed,methods,types,control_methods,account_number,"
           "owner_ref,payer_account_ref,beneficiary_account_ref,amount,currency,timestamp\n")


def line(**cells: str) -> str:
    return ",".join(cells.get(c, "") for c in COLUMNS.strip().split(",")) + "\n"


def journey(n: int, scope: str = "partners") -> str:
    """Victim Vn of case C1, recruited in UA, through PL, exploited in DE."""
    p = f"V{n}"
    return "".join([
        line(record_type="person", ref=p, case_ref="C1", sharing_scope=scope,
             name=f"Victim {n}", roles="victim"),
        line(record_type="recruitment", ref=f"R{n}", case_ref="C1", sharing_scope=scope,
             person_ref=p, country="UA", methods="deceptive_job_offer"),
        line(record_type="movement", ref=f"M{n}a", case_ref="C1", sharing_scope=scope,
             person_ref=p, from_country="UA", to_country="PL", departed=f"2024-03-0{n}"),
        line(record_type="movement", ref=f"M{n}b", case_ref="C1", sharing_scope=scope,
             person_ref=p, from_country="PL", to_country="DE", departed=f"2024-03-1{n}"),
        line(record_type="exploitation", ref=f"E{n}", case_ref="C1", sharing_scope=scope,
             person_ref=p, country="DE", types="forced_labour",
             control_methods="withholds_documents"),
    ])


def deposit(n: int, scope: str = "partners") -> str:
    return line(record_type="transaction", ref=f"T{n}", case_ref="C1", sharing_scope=scope,
                payer_account_ref=f"A{n}", beneficiary_account_ref="A0", amount="9500",
                currency="EUR", timestamp=f"2024-04-0{n}")


def account(n: int) -> str:
    return line(record_type="account", ref=f"A{n}", sharing_scope="partners",
                account_number=f"100{n}", country="UA")


FILE = (COLUMNS + line(record_type="case", ref="C1", sharing_scope="partners", country="UA",
                       status="reported")
        + "".join(journey(n) for n in range(1, 4)) + "".join(account(n) for n in range(5))
        + "".join(deposit(n) for n in range(1, 4)) + deposit(4, scope="owner"))


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def records(tmp_path: Path) -> Path:
    path = tmp_path / "UA-POL.csv"
    path.write_text(FILE, encoding="utf-8")
    return path


def test_routes_from_files_count_the_corridor_and_write_its_tables(records: Path,
                                                                    tmp_path: Path) -> None:
    out = tmp_path / "routes"
    result = CliRunner().invoke(app, ["patterns", "routes", str(records), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "UA→PL→DE" in result.output
    (corridor,) = rows(out / "corridors.csv")
    assert (corridor["route"], corridor["people"], corridor["agencies"]) == (
        "UA→PL→DE", "3", "UA-POL")
    assert {p.name for p in out.iterdir()} == {"corridors.csv", "breakdown.csv", "pairs.csv",
                                               "emerging.csv", "shifts.csv"}


def test_payments_from_files_and_from_a_plain_csv_find_the_structuring(
        records: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "alerts.csv"
    result = runner.invoke(app, ["patterns", "payments", str(records), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (alert,) = rows(out)
    assert alert["typology"] == "structuring" and alert["count"] == "4"
    assert alert["accounts"].split(";")[0] == "UA:1000"  # the account, not the record
    plain = tmp_path / "t.csv"
    plain.write_text("from,to,sum,day\n" + "".join(f"a{n},b,9900,{n}\n" for n in range(3)),
                     encoding="utf-8")
    result = runner.invoke(app, ["patterns", "payments", "--transactions", str(plain),
                                 "--payer", "from", "--beneficiary", "to", "--amount", "sum",
                                 "--time", "day", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [r["typology"] for r in rows(out)] == ["structuring"]
    result = runner.invoke(app, ["patterns", "payments", "--transactions", str(plain),
                                 "--out", str(out)])
    assert result.exit_code == 1
    assert "missing column(s) payer" in result.stderr and len(result.stderr.splitlines()) == 1


def test_profiles_indicators_and_gaps_from_files(records: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["patterns", "profiles", str(records), "--by", "destination",
                                 "--facets", "recruitment_method", "--out",
                                 str(tmp_path / "p.csv")])
    assert result.exit_code == 0, result.output
    (count,) = rows(tmp_path / "p.csv")
    assert (count["destination"], count["value"], count["people"]) == (
        "DE", "deceptive_job_offer", "3")
    result = runner.invoke(app, ["patterns", "indicators", str(records), "--out",
                                 str(tmp_path / "risk.csv")])
    assert result.exit_code == 0, result.output
    scored = {r["subject"]: r for r in rows(tmp_path / "risk.csv")}
    assert "document" in scored["person:UA-POL/V1"]["reasons"].lower()
    result = runner.invoke(app, ["patterns", "gaps", str(records), "--min-people", "3",
                                 "--out", str(tmp_path / "gaps.csv")])
    assert result.exit_code == 0, result.output
    found = {(r["kind"], r["subject"]) for r in rows(tmp_path / "gaps.csv")}
    # three victims of a case only reported; PL, on all three routes, has no agency here
    assert {("uninvestigated_victim", f"UA-POL/V{n}") for n in (1, 2, 3)} <= found
    assert ("silent_country", "PL") in found and ("silent_country", "UA") not in found


def test_each_command_wants_the_hub_or_files_not_both_nor_neither(records: Path,
                                                                  tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (["routes", "--out", str(tmp_path)], ["profiles"], ["gaps"],
                 ["routes", str(records), "--user", "x", "--out", str(tmp_path)],
                 ["payments", "--out", str(tmp_path / "a.csv")]):
        result = runner.invoke(app, ["patterns", *args])
        assert result.exit_code == 1, args
        assert "give" in result.stderr


# From the hub


@pytest.fixture
def hub_cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
            records: Path) -> CliRunner:
    """UA-POL's file in a hub; MD-NGO is its partner (sees what is shared with partners: all
    but one deposit); ua_clerk may only submit."""
    monkeypatch.setenv("TESSERA_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (
        ["init"],
        ["agency", "add", "UA-POL", "--name", "Police", "--country", "UA", "--kind", "police",
         "--partner", "MD-NGO"],
        ["agency", "add", "MD-NGO", "--name", "Shelter", "--country", "MD", "--kind", "ngo"],
        ["user", "add", "olena", "--agency", "UA-POL", "--role", "submitter", "--role",
         "analyst"],
        ["user", "add", "ion", "--agency", "MD-NGO", "--role", "analyst"],
        ["user", "add", "ua_clerk", "--agency", "UA-POL", "--role", "submitter"],
        ["ingest", str(records), "-u", "olena"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return runner


def reads(db_url: str, user: str) -> list[str]:
    hub = Hub.open(db_url)
    try:
        with hub.session() as s:
            return list(s.scalars(select(AuditEntry.outcome).where(
                AuditEntry.action == "patterns.read", AuditEntry.username == user)))
    finally:
        hub.engine.dispose()


def test_payments_on_the_hub_see_only_what_the_user_may_read_and_are_audited(
        hub_cli: CliRunner, tmp_path: Path, db_url: str) -> None:
    counts = {}
    for user in ("olena", "ion"):
        out = tmp_path / f"{user}.csv"
        result = hub_cli.invoke(app, ["patterns", "payments", "--user", user, "--out",
                                      str(out)])
        assert result.exit_code == 0, result.output
        (alert,) = rows(out)
        counts[user] = alert["count"]
        assert "UA-POL/T4" in alert["transactions"].split(";") or user == "ion"
        assert reads(db_url, user) == ["ok"]
    assert counts == {"olena": "4", "ion": "3"}  # T4 is UA-POL's own


def test_a_user_who_may_not_analyse_is_refused_and_the_refusal_logged(
        hub_cli: CliRunner, tmp_path: Path, db_url: str) -> None:
    result = hub_cli.invoke(app, ["patterns", "routes", "--user", "ua_clerk", "--out",
                                  str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "patterns.read" in result.stderr
    assert reads(db_url, "ua_clerk") == ["refused"]
    assert not (tmp_path / "r").exists()
