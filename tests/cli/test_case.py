"""`tessera case`, run by a lead agency and the member of its joint team."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tessera.cli import app as tessera


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A hub with UA-POL (an analyst and a coordinator), MD-NGO and DE-FIU (an analyst each)."""
    monkeypatch.setenv("TESSERA_DATABASE_URL", db_url)
    monkeypatch.delenv("TESSERA_USER", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (
        ["init"],
        ["agency", "add", "UA-POL", "--name", "Police", "--country", "UA", "--kind", "police"],
        ["agency", "add", "MD-NGO", "--name", "Shelter", "--country", "MD", "--kind", "ngo"],
        ["agency", "add", "DE-FIU", "--name", "FIU", "--country", "DE", "--kind", "fiu"],
        ["user", "add", "olena", "--agency", "UA-POL", "--role", "analyst"],
        ["user", "add", "taras", "--agency", "UA-POL", "--role", "coordinator"],
        ["user", "add", "ion", "--agency", "MD-NGO", "--role", "analyst"],
        ["user", "add", "hans", "--agency", "DE-FIU", "--role", "analyst"],
    ):
        result = runner.invoke(tessera, args)
        assert result.exit_code == 0, result.output
    return runner


def run(cli: CliRunner, *args: str) -> str:
    done = cli.invoke(tessera, ["case", *args])
    assert done.exit_code == 0, done.output
    return done.output


def test_a_joint_team_works_a_case_from_the_command_line(cli: CliRunner) -> None:
    code = run(cli, "open", "--user", "olena", "--title", "Odesa recruiters", "--country",
               "Ukraine", "--crime-type", "trafficking_labour").strip()
    assert code.startswith("UA-POL-") and code.endswith("-0001")
    assert "MD-NGO added to case" in run(cli, "member", code, "MD-NGO", "--user", "taras")
    run(cli, "note", code, "shelter 3 holds two of the victims", "--user", "ion",
        "--handling", "H3")
    run(cli, "note", code, "first interview done", "--user", "ion")
    assert "task 1 (call the hotline) set" in run(
        cli, "task", code, "call the hotline", "--user", "olena", "--agency", "MD-NGO",
        "--due", "2027-01-31")
    assert "task 1 (call the hotline) done" in run(cli, "task", code, "--done", "1",
                                                   "--user", "ion")
    assert "is now under_investigation" in run(cli, "status", code, "under_investigation",
                                               "--user", "olena")
    view = json.loads(run(cli, "show", code, "--user", "olena", "--json"))
    assert view["case"]["members"] == ["UA-POL", "MD-NGO"]
    assert [e["kind"] for e in view["timeline"]] == [
        "opened", "member_added", "note", "note", "task_added", "task_done", "status"]
    hidden, shown = (e for e in view["timeline"] if e["kind"] == "note")
    assert hidden["body"] is None and "MD-NGO marked this H3" in hidden["withheld"]
    assert shown["body"] == "first interview done"
    assert "shelter 3" not in run(cli, "show", code, "--user", "olena")
    assert "shelter 3" in run(cli, "show", code, "--user", "ion")
    listed = [json.loads(line) for line in
              run(cli, "list", "--user", "ion", "--json").splitlines()]
    assert [(c["code"], c["status"]) for c in listed] == [(code, "under_investigation")]


def test_refusals_exit_non_zero_with_one_line(cli: CliRunner) -> None:
    code = run(cli, "open", "--user", "olena", "--title", "Odesa recruiters", "--country",
               "UA").strip()
    for args, message in [
        (["show", code, "--user", "hans"], f"no case '{code}' that you may see"),
        (["status", code, "adjudicated", "--user", "olena"],
         "cannot go from reported to adjudicated"),
        (["member", code, "MD-NGO", "--user", "olena"], "refused: olena may not case.team"),
        (["member", code, "UA-POL", "--user", "taras", "--remove"], "cannot be removed"),
        (["task", code, "--user", "olena"], "either a task's TITLE"),
        (["link", code, "record", "MD-NGO/M1", "--user", "olena"],
         "no record MD-NGO/M1 that you may see"),
    ]:
        done = cli.invoke(tessera, ["case", *args])
        assert done.exit_code == 1, (args, done.output)
        assert message in " ".join(done.output.split()), (args, done.output)
