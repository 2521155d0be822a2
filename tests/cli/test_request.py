"""`tessera request`: a request drafted, sent, acknowledged, granted and read, from the
command line; refusals in one line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tessera.cli import app


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """UA-POL (olena, analyst) and DE-FIU (dora, coordinator), DE-FIU holding account X1 for
    its own eyes only."""
    monkeypatch.setenv("TESSERA_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    held = tmp_path / "DE-FIU.csv"
    held.write_text("record_type,ref,iban,sharing_scope\n"
                    "account,X1,DE89 3704 0044 0532 0130 00,owner\n", encoding="utf-8")
    runner = CliRunner()
    for args in (
        ["init"],
        ["agency", "add", "UA-POL", "--name", "Police", "--country", "UA", "--kind", "police"],
        ["agency", "add", "DE-FIU", "--name", "FIU", "--country", "DE", "--kind", "fiu"],
        ["user", "add", "olena", "--agency", "UA-POL", "--role", "analyst"],
        ["user", "add", "dora", "--agency", "DE-FIU", "--role", "coordinator", "--role",
         "submitter"],
        ["ingest", str(held), "-u", "dora"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return runner


def run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, ["request", *args])
    assert result.exit_code == code, result.output
    return result.output if code == 0 else result.stderr


def test_a_request_from_draft_to_the_granted_record(cli: CliRunner) -> None:
    out = run(cli, "new", "--user", "olena", "--kind", "asset_tracing", "--to", "DE-FIU",
              "--purpose", "Trace the proceeds in case UA 2026/17", "--record", "DE-FIU/X1",
              "--deadline", "2099-01-31")
    code = out.split()[1].rstrip(":")
    assert code.startswith("REQ-UA-POL-")
    run(cli, "move", code, "sent", "--user", "olena")
    run(cli, "move", code, "acknowledged", "--user", "dora")
    assert "granted DE-FIU/X1" in run(cli, "grant", code, "--user", "dora")
    (line,) = run(cli, "records", code, "--user", "olena").splitlines()
    granted = json.loads(line)
    assert granted["record"] == "DE-FIU/X1" and granted["iban"]["iban"].startswith("DE89")
    shown = run(cli, "show", code, "--user", "dora")
    assert "sent → acknowledged" in shown and "record DE-FIU/X1: granted" in shown
    assert code in run(cli, "list", "--user", "olena", "--box", "sent")


def test_refusals_are_one_line_naming_the_reason(cli: CliRunner) -> None:
    out = run(cli, "new", "--user", "olena", "--kind", "information", "--to", "DE-FIU",
              "--purpose", "Who holds account X1, for case 17")
    code = out.split()[1].rstrip(":")
    err = run(cli, "move", code, "answered", "--user", "olena", code=1)
    assert "cannot go from draft to answered" in err and len(err.strip().splitlines()) == 1
    err = run(cli, "show", code, "--user", "dora", code=1)  # a draft is not DE-FIU's yet
    assert f"no request {code!r}" in err
    err = run(cli, "new", "--user", "olena", "--kind", "gossip", "--to", "DE-FIU",
              "--purpose", "nothing much at all", code=1)
    assert "unknown kind of request 'gossip'" in err


def test_outcomes_count_the_requests_and_write_their_figures(cli: CliRunner,
                                                             tmp_path: Path) -> None:
    out = run(cli, "new", "--user", "olena", "--kind", "information", "--to", "DE-FIU",
              "--purpose", "Who holds account X1, for case 17", "--deadline", "2099-01-31")
    code = out.split()[1].rstrip(":")
    run(cli, "move", code, "sent", "--user", "olena")
    run(cli, "move", code, "acknowledged", "--user", "dora")
    run(cli, "move", code, "answered", "--user", "dora")
    table = tmp_path / "outcomes.csv"
    result = cli.invoke(app, ["outcomes", "--user", "dora", "--by", "agency", "--out",
                              str(table)])
    assert result.exit_code == 0, result.output
    with table.open(encoding="utf-8") as fh:
        rows = {r["group"]: r for r in csv.DictReader(fh)}
    assert (rows["DE-FIU"]["requests_received"], rows["DE-FIU"]["requests_answered"],
            rows["DE-FIU"]["answered_in_time"]) == ("1", "1", "1.0")
    assert rows["UA-POL"]["requests_sent"] == "1"
    bad = cli.invoke(app, ["outcomes", "--user", "dora", "--by", "planet"])
    assert bad.exit_code == 1 and "group by one of" in bad.stderr
