"""`tessera publish`: a budget set, tables released from the hub (audited), an overspend
refused with nothing written or recorded."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tessera.cli import app
from tessera.hub.db import Hub
from tessera.hub.models import AuditEntry, PrivacySpend
from tests.cli.test_patterns import COLUMNS, journey


@pytest.fixture
def hub_cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """Nine victims of UA-POL (UA → PL → DE, forced labour, 2024) in a hub; ua_co coordinates
    UA-POL, ua_an only analyses."""
    monkeypatch.setenv("TESSERA_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    records = tmp_path / "UA-POL.csv"
    records.write_text(COLUMNS + "".join(journey(n) for n in range(1, 10)), encoding="utf-8")
    runner = CliRunner()
    for args in (
        ["init"],
        ["agency", "add", "UA-POL", "--name", "Police", "--country", "UA", "--kind", "police"],
        ["user", "add", "ua_co", "--agency", "UA-POL", "--role", "coordinator"],
        ["user", "add", "ua_an", "--agency", "UA-POL", "--role", "analyst"],
        ["ingest", str(records), "-u", "ua_co"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return runner


def spends(db_url: str) -> int:
    hub = Hub.open(db_url)
    try:
        with hub.session() as s:
            return int(s.scalar(select(func.count()).select_from(PrivacySpend)) or 0)
    finally:
        hub.engine.dispose()


def test_a_k_anonymous_table_suppresses_and_rounds(hub_cli: CliRunner, tmp_path: Path,
                                                   db_url: str) -> None:
    out = tmp_path / "kanon"
    result = hub_cli.invoke(app, ["publish", "table", "--user", "ua_co", "--by",
                                  "origin,exploitation_type", "--k", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "table.csv").open(encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == [
            {"origin": "UA", "exploitation_type": "forced_labour", "victims": "10"}]
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["parameters"] == {"k": 5, "rounding_step": 5, "victims": 9}
    assert meta["agencies"] == ["UA-POL"]
    # with the default k of 11, nine victims are all suppressed
    result = hub_cli.invoke(app, ["publish", "table", "--user", "ua_co", "--by", "origin",
                                  "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "table.csv").read_text(encoding="utf-8").strip() == "origin,victims"
    hub = Hub.open(db_url)
    with hub.session() as s:
        assert list(s.scalars(select(AuditEntry.outcome).where(
            AuditEntry.action == "publish.release", AuditEntry.username == "ua_co"))) == [
                "ok", "ok"]
    hub.engine.dispose()


def test_a_private_table_spends_the_budget_and_an_overspend_is_refused(
        hub_cli: CliRunner, tmp_path: Path, db_url: str) -> None:
    result = hub_cli.invoke(app, ["publish", "budget", "hub", "--user", "ua_co",
                                  "--epsilon", "1.5"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "dp"
    args = ["publish", "table", "--user", "ua_co", "--by", "year,gender", "--years",
            "2023-2024", "--method", "dp", "--epsilon", "1", "--out", str(out)]
    result = hub_cli.invoke(app, args)
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["epsilon"] == 1.0 and meta["delta"] == 0.0
    assert meta["method"] == "differential-privacy"
    assert spends(db_url) == 1
    (out / "table.csv").unlink()
    result = hub_cli.invoke(app, [*args[:-2], "--out", str(tmp_path / "again")])
    assert result.exit_code == 1
    assert "release refused" in result.stderr and "ε=0.5 left" in result.stderr
    assert spends(db_url) == 1
    assert not (tmp_path / "again").exists()
    shown = hub_cli.invoke(app, ["publish", "budget", "hub", "--user", "ua_co"])
    assert shown.exit_code == 0 and "left: ε 0.5" in shown.output


def test_an_analyst_may_not_publish(hub_cli: CliRunner, tmp_path: Path) -> None:
    result = hub_cli.invoke(app, ["publish", "table", "--user", "ua_an", "--by", "origin",
                                  "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "publish.release" in result.stderr


def test_dp_without_epsilon_or_with_an_unknown_dimension_is_refused(
        hub_cli: CliRunner, tmp_path: Path) -> None:
    result = hub_cli.invoke(app, ["publish", "table", "--user", "ua_co", "--by", "origin",
                                  "--method", "dp", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "--epsilon" in result.stderr
    result = hub_cli.invoke(app, ["publish", "table", "--user", "ua_co", "--by", "colour",
                                  "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "unknown dimension 'colour'" in result.stderr


def test_estimate_from_an_overlap_table_writes_the_estimate_models_and_table(
        tmp_path: Path) -> None:
    table = tmp_path / "overlap.csv"
    table.write_text("police,ngo,count\n1,0,60\n0,1,40\n1,1,20\n", encoding="utf-8")
    out = tmp_path / "est"
    result = CliRunner().invoke(app, ["publish", "estimate", "--overlap", str(table),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    found = json.loads((out / "estimate.json").read_text(encoding="utf-8"))
    assert round(found["total"]) == 240  # Lincoln-Petersen: 80 x 60 / 20
    assert "estimated 240 in all" in " ".join(result.output.split())
    assert (out / "overlap.csv").read_text(encoding="utf-8").startswith("police,ngo,count")
    both = CliRunner().invoke(app, ["publish", "estimate", "--overlap", str(table),
                                    "--user", "x", "--out", str(out)])
    assert both.exit_code == 1 and "either --user" in both.stderr


def test_synthetic_victims_spend_epsilon_and_delta(hub_cli: CliRunner, tmp_path: Path,
                                                   db_url: str) -> None:
    out = tmp_path / "synthetic"
    args = ["publish", "synthetic", "--user", "ua_co", "--epsilon", "1", "--years",
            "2024", "--records", "40", "--out", str(out)]
    # a budget of ε alone cannot pay for Gaussian noise, which spends a δ too
    hub_cli.invoke(app, ["publish", "budget", "hub", "--user", "ua_co", "--epsilon", "2"])
    result = hub_cli.invoke(app, args)
    assert result.exit_code == 1 and "release refused" in result.stderr
    assert spends(db_url) == 0 and not out.exists()
    hub_cli.invoke(app, ["publish", "budget", "hub", "--user", "ua_co", "--epsilon", "2",
                         "--delta", "1e-6"])
    result = hub_cli.invoke(app, args)
    assert result.exit_code == 0, result.output
    with (out / "synthetic.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 40 and {r["year"] for r in rows} <= {"2024", "other"}
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["epsilon"] == pytest.approx(1.0) and meta["delta"] == 1e-7
    assert meta["utility"]["records_true"] == 9 and meta["agencies"] == ["UA-POL"]
    assert spends(db_url) == 1
    refused = hub_cli.invoke(app, ["publish", "synthetic", "--user", "ua_an", "--epsilon",
                                   "0.5", "--years", "2024", "--out", str(tmp_path / "x")])
    assert refused.exit_code == 1 and "publish.release" in refused.stderr
