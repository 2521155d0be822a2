"""The engines the contract tests run on: DuckDB, and Spark in local mode.

One SparkSession serves the whole run (starting a JVM takes seconds), small: two cores, four
shuffle partitions, no web UI. Without pyspark or Java the Spark tests are skipped on a
developer's machine, saying why; in CI (``CI`` set, as ``.ci/run`` runs) that is a failure,
since the contract is only kept if it is tested.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tessera.config import Settings
from tessera.engine import DuckTables, EngineError, Tables, spark
from tessera.engine.spark import SparkTables

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

TEST_SPARK = Settings(
    spark_master="local[2]", spark_driver_memory="1g",
    spark_conf={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4"},
)


@pytest.fixture(scope="session")
def spark_session() -> Iterator[SparkSession]:
    """Spark in local mode, shared by every test that asks for it."""
    try:
        started = spark.session(TEST_SPARK)
    except EngineError as err:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test the Spark engine: {err}", pytrace=False)
        pytest.skip(f"no Spark here ({err}); CI runs these tests")
    yield started
    started.stop()


@pytest.fixture
def spark_tables(spark_session: SparkSession) -> Iterator[Tables]:
    tables = SparkTables(spark_session)
    yield tables
    tables.close()


@pytest.fixture(params=["duckdb", "spark"])
def tables(request: pytest.FixtureRequest) -> Iterator[Tables]:
    """Each engine's ``Tables`` in turn: a test asking for it runs once on each."""
    if request.param == "spark":
        made: Tables = request.getfixturevalue("spark_tables")
        yield made
        return
    duck = DuckTables(memory_limit="1GB")
    yield duck
    duck.close()
