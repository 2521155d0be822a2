"""``tessera standard``: print, write, regenerate and check the artefacts of the standard."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tessera.cli.standard import app
from tessera.standard.artefacts import DOCS_PATH, SCHEMA_PATH, check_all
from tessera.standard.records import RECORD_TYPES
from tessera.standard.workbook import XLSX_NAME

PROJECT_ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_schema_prints_the_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["discriminator"]["mapping"]) == set(RECORD_TYPES)


def test_docs_written_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "standard.md"
    result = runner.invoke(app, ["docs", "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == (PROJECT_ROOT / DOCS_PATH).read_text(encoding="utf-8")


def test_unwritable_output_fails_with_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "--out", str(tmp_path / "missing" / "s.json")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write")
    assert result.stderr.count("\n") == 1


def test_templates_in_each_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["templates", "--out", str(tmp_path / "csv"), "--format", "csv"])
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(
        f"{t}.csv" for t in RECORD_TYPES
    )
    result = runner.invoke(app, ["templates", "--out", str(tmp_path / "x"), "--format", "xlsx"])
    assert result.exit_code == 0
    assert [p.name for p in (tmp_path / "x").iterdir()] == [XLSX_NAME]
    result = runner.invoke(app, ["templates", "--out", str(tmp_path / "all")])
    assert len(list((tmp_path / "all").iterdir())) == len(RECORD_TYPES) + 1


def test_check_fails_naming_stale_artefacts_until_generate(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert DOCS_PATH.as_posix() in result.stderr and result.stderr.count("\n") == 1
    result = runner.invoke(app, ["generate", "--root", str(tmp_path)])
    assert result.exit_code == 0
    assert SCHEMA_PATH.as_posix() in result.stdout.splitlines()
    assert check_all(tmp_path) == []
    assert runner.invoke(app, ["check", "--root", str(tmp_path)]).exit_code == 0


def test_check_passes_on_the_project_tree() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.stderr


def test_missing_root_is_an_error() -> None:
    result = runner.invoke(app, ["generate", "--root", "/nonexistent/tessera"])
    assert result.exit_code == 1
    assert result.stderr == "error: /nonexistent/tessera is not a directory\n"
