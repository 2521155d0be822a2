"""`tessera exchange`, run as agencies and the convening organisation run it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tessera.cli import app as tessera
from tessera.cli.exchange import app
from tests.hub.encodings import OTHER_SECRET, encoded

PURPOSE = "investigation 2026/114: the Odesa recruiters"


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A hub with three member agencies, the convener, and exchange "tx"."""
    monkeypatch.setenv("TESSERA_DATABASE_URL", db_url)
    monkeypatch.setenv("TESSERA_MATCH_REQUESTS_PER_DAY", "2")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (
        ["init"],
        ["agency", "add", "UA-POL", "--name", "Police", "--country", "UA", "--kind", "police"],
        ["agency", "add", "MD-NGO", "--name", "Shelter", "--country", "MD", "--kind", "ngo"],
        ["agency", "add", "DE-FIU", "--name", "FIU", "--country", "DE", "--kind", "fiu"],
        ["agency", "add", "IOM", "--name", "IOM", "--country", "CH", "--kind",
         "international_organisation"],
        ["user", "add", "olena", "--agency", "UA-POL", "--role", "submitter", "--role", "analyst"],
        ["user", "add", "ion", "--agency", "MD-NGO", "--role", "submitter", "--role", "analyst"],
        ["user", "add", "hans", "--agency", "DE-FIU", "--role", "submitter"],
        ["user", "add", "iris", "--agency", "IOM", "--role", "analyst"],
        ["user", "add", "root", "--agency", "IOM", "--role", "admin"],
    ):
        result = runner.invoke(tessera, args)
        assert result.exit_code == 0, result.output
    done = runner.invoke(app, ["set", "tx", "--user", "root"])
    assert done.exit_code == 0, done.output
    for user, agency in (("olena", "UA-POL"), ("ion", "MD-NGO"), ("hans", "DE-FIU")):
        path = tmp_path / f"{agency}.jsonl"
        path.write_bytes(encoded(agency))
        done = runner.invoke(app, ["upload", str(path), "--exchange", "tx", "--user", user])
        assert done.exit_code == 0, done.output
        assert f"encodings of {agency} stored in exchange tx" in done.output
    return runner


def test_a_match_shows_the_new_hits_and_the_hits_list_them(cli: CliRunner) -> None:
    done = cli.invoke(app, ["match", "--exchange", "tx", "--purpose", PURPOSE, "--user", "olena"])
    assert done.exit_code == 0, done.output
    assert "3 new hit(s), 0 found before" in done.output
    listed = cli.invoke(app, ["hits", "--user", "ion", "--json"])
    assert listed.exit_code == 0, listed.output
    found = [json.loads(line) for line in listed.output.splitlines()]
    assert {(h["ref"], h["other_agency"], h["other_ref"]) for h in found} == {
        ("MD-P1", "UA-POL", "UA-P1"), ("MD-P2", "UA-POL", "UA-P2")}
    told = cli.invoke(app, ["notifications", "--user", "ion", "--mark-read"])
    assert "2 notice(s), 2 marked read" in told.output
    assert "0 notice(s)" in cli.invoke(app, ["notifications", "--user", "ion"]).output


def test_a_match_without_purpose_or_past_the_limit_fails_in_one_line(cli: CliRunner) -> None:
    blank = cli.invoke(app, ["match", "--exchange", "tx", "--purpose", " ", "--user", "olena"])
    assert blank.exit_code == 1 and "states its purpose" in blank.output
    for _ in range(2):
        cli.invoke(app, ["match", "--exchange", "tx", "--purpose", PURPOSE, "--user", "olena"])
    third = cli.invoke(app, ["match", "--exchange", "tx", "--purpose", PURPOSE, "--user", "olena"])
    assert third.exit_code == 1 and "2 match requests for today" in third.output


def test_a_bad_or_foreign_file_fails_in_one_line(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    lines = encoded("UA-POL").decode().splitlines()
    bad.write_text("\n".join(lines[:-1]))
    done = cli.invoke(app, ["upload", str(bad), "--exchange", "tx", "--user", "olena"])
    assert done.exit_code == 1 and "the file holds 2 (truncated?)" in done.output
    other = tmp_path / "other.jsonl"
    other.write_bytes(encoded("UA-POL", secret=OTHER_SECRET))
    done = cli.invoke(app, ["upload", str(other), "--exchange", "tx", "--user", "olena"])
    assert done.exit_code == 1 and "uses another secret" in done.output
    done = cli.invoke(app, ["upload", str(other), "--exchange", "tx", "--user", "ion"])
    assert done.exit_code == 1 and "refused" in done.output and "UA-POL's encodings" in done.output


def test_the_convener_oversees_volumes_and_rotates(cli: CliRunner) -> None:
    cli.invoke(app, ["match", "--exchange", "tx", "--purpose", PURPOSE, "--user", "olena"])
    shown = cli.invoke(app, ["volumes", "--user", "iris"])
    assert shown.exit_code == 0 and "UA-POL" in shown.output
    assert cli.invoke(app, ["volumes", "--user", "olena"]).exit_code == 1
    listed = cli.invoke(app, ["list", "--user", "olena"])
    assert listed.exit_code == 0 and "tx" in listed.output
    rotated = cli.invoke(app, ["rotate", "tx", "--reason", "the secret leaked", "--user", "root"])
    assert rotated.exit_code == 0 and "8 encodings cleared" in rotated.output
    refused = cli.invoke(app, ["rotate", "tx", "--reason", "again", "--user", "olena"])
    assert refused.exit_code == 1 and "refused" in refused.output
