"""`tessera kb`: add, search, show and import, as an analyst runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tessera.cli import app


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A hub with one agency, an analyst (olena) and an auditor (anna)."""
    monkeypatch.setenv("TESSERA_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (
        ["init"],
        ["agency", "add", "UA-POL", "--name", "Police", "--country", "UA", "--kind", "police"],
        ["user", "add", "olena", "--agency", "UA-POL", "--role", "analyst"],
        ["user", "add", "anna", "--agency", "UA-POL", "--role", "auditor"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return runner


def test_import_the_starter_set_then_search_and_show(cli: CliRunner) -> None:
    done = cli.invoke(app, ["kb", "import", "--starter", "--user", "olena"])
    assert done.exit_code == 0, done.output
    assert "kb_starter.yaml: 15 added, 0 updated, 0 unchanged" in done.output
    found = cli.invoke(app, ["kb", "search", "Siliadin", "--user", "anna", "--json"])
    assert found.exit_code == 0, found.output
    [hit] = [json.loads(line) for line in found.output.splitlines()]
    assert (hit["kind"], hit["title"]) == ("case_law", "Siliadin v. France (ECtHR, 2005)")
    assert "73316/01" in hit["source"]
    shown = cli.invoke(app, ["kb", "show", str(hit["id"]), "--user", "anna"])
    assert shown.exit_code == 0, shown.output
    assert "countries: FR" in shown.output
    assert "Togolese minor" in shown.output
    again = cli.invoke(app, ["kb", "import", "--starter", "--user", "olena"])
    assert "0 added, 0 updated, 15 unchanged" in again.output


def test_add_from_a_file_and_find_it_with_filters(cli: CliRunner, tmp_path: Path) -> None:
    body = tmp_path / "body.txt"
    body.write_text("Ask for the employer's payroll records before the workers' statements.")
    added = cli.invoke(app, ["kb", "add", "--user", "olena", "--kind", "lesson_learned",
                             "--title", "Payroll first", "--body-file", str(body),
                             "--country", "Ukraine", "--crime-type", "forced labour",
                             "--tag", "labour inspection"])
    assert added.exit_code == 0, added.output
    assert "entry 1 added: Payroll first" in added.output
    found = cli.invoke(app, ["kb", "search", "payroll", "--country", "UA", "--tag",
                             "labour-inspection", "--user", "olena"])
    assert found.exit_code == 0, found.output
    assert "1  lesson_learned  Payroll first" in found.output
    none = cli.invoke(app, ["kb", "search", "payroll", "--country", "MD", "--user", "olena"])
    assert "no entries found" in none.output


def test_errors_are_one_line_and_exit_non_zero(cli: CliRunner, tmp_path: Path) -> None:
    refused = cli.invoke(app, ["kb", "add", "--user", "anna", "--kind", "playbook", "--title",
                               "x", "--body", "y"])
    assert refused.exit_code == 1
    assert "refused: anna may not kb.write" in refused.output
    empty = cli.invoke(app, ["kb", "search", "?!", "--user", "olena"])
    assert empty.exit_code == 1
    assert "has no word to look for" in empty.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("- kind: treaty\n  title: T\n  body: B\n- kind: statute\n  title: S\n")
    failed = cli.invoke(app, ["kb", "import", str(bad), "--user", "olena"])
    assert failed.exit_code == 1
    assert "bad.yaml: entry 2: field 'body'" in failed.output
    listed = cli.invoke(app, ["kb", "search", "--user", "olena", "--json"])
    assert listed.output == ""  # nothing of the bad file was written
    both = cli.invoke(app, ["kb", "import", str(bad), "--starter", "--user", "olena"])
    assert both.exit_code == 1
    assert "one of them" in both.output
    missing = cli.invoke(app, ["kb", "show", "7", "--user", "olena"])
    assert missing.exit_code == 1
    assert "no knowledge-base entry 7" in missing.output
