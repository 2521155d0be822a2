"""Spark's session from the settings: local mode or a cluster, and a clear error when Java or
pyspark is missing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tessera.config import Settings
from tessera.engine import EngineError, spark

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def test_local_mode_gets_four_shuffle_partitions_a_core_and_utc_times() -> None:
    conf = spark.conf(Settings(spark_master="local[3]"))
    assert conf["spark.master"] == "local[3]"
    assert conf["spark.sql.shuffle.partitions"] == "12"
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert conf["spark.driver.memory"] == "2g"
    assert "spark.executor.memory" not in conf


def test_a_cluster_keeps_sparks_partitioning_and_gets_its_executor_memory() -> None:
    conf = spark.conf(Settings(spark_master="spark://hub-master:7077",
                               spark_executor_memory="8g", spark_app_name="fiu-scan"))
    assert "spark.sql.shuffle.partitions" not in conf
    assert conf["spark.executor.memory"] == "8g"
    assert conf["spark.app.name"] == "fiu-scan"


def test_spark_conf_wins_over_tesseras_defaults() -> None:
    conf = spark.conf(Settings(spark_master="local[*]", spark_conf={
        "spark.sql.shuffle.partitions": "3", "spark.executor.cores": "4"}))
    assert conf["spark.sql.shuffle.partitions"] == "3"
    assert conf["spark.executor.cores"] == "4"


def test_spark_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESSERA_ENGINE", "spark")
    monkeypatch.setenv("TESSERA_SPARK_MASTER", "yarn")
    monkeypatch.setenv("TESSERA_SPARK_CONF", '{"spark.executor.instances": "20"}')
    settings = Settings()
    assert settings.engine == "spark"
    assert spark.conf(settings)["spark.master"] == "yarn"
    assert spark.conf(settings)["spark.executor.instances"] == "20"


def test_a_java_home_without_java_is_named_with_what_to_install(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(EngineError, match=rf"JAVA_HOME={tmp_path} has no bin/java.*"
                                          r"default-jre-headless"):
        spark.java_version()


def test_a_running_spark_is_on_java_17_or_later(spark_session: SparkSession) -> None:
    assert spark.java_version() >= spark.JAVA_MIN
    assert spark_session.conf.get("spark.sql.session.timeZone") == "UTC"
    # a few partitions a core, not Spark's cluster default of 200 (a test that runs a command
    # on Spark before this one carries that command's own setting into the shared session)
    assert spark_session.conf.get("spark.sql.shuffle.partitions") in ("4", "8")
