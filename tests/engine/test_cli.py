"""`tessera patterns payments` on Spark: chosen by TESSERA_ENGINE or --engine, the same CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from tessera.cli import app

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def test_payments_on_spark_by_setting_write_the_csv_duckdb_writes(
        spark_session: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # spark_session: Spark is running, and the command joins it (or the test is skipped, or
    # in CI failed, saying why)
    deposits = [f"D{n},R,{9_500 + n},2024-03-{1 + 2 * n:02d}" for n in range(4)]
    plain = tmp_path / "t.csv"
    plain.write_text("payer,beneficiary,amount,time\n" + "\n".join(deposits) + "\n",
                     encoding="utf-8")
    monkeypatch.setenv("TESSERA_ENGINE", "spark")
    runner = CliRunner()
    outs = {}
    for engine in ("spark", "duckdb"):
        outs[engine] = tmp_path / f"{engine}.csv"
        chosen = ["--engine", "duckdb"] if engine == "duckdb" else []  # spark: the setting's
        result = runner.invoke(app, ["patterns", "payments", "--transactions", str(plain),
                                     "--typology", "structuring",
                                     "--out", str(outs[engine]), *chosen])
        assert result.exit_code == 0, result.output
        assert f"(on {engine})" in " ".join(result.stdout.split())  # as wrapped
    text = outs["spark"].read_text(encoding="utf-8")
    assert text == outs["duckdb"].read_text(encoding="utf-8")
    assert "structuring-1" in text and "D0;D1;D2;D3" in text
