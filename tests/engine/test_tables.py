"""The engine contract: each engine makes, replaces and reads tables alike, and gives the
same values for the SQL the scans are written in (DuckDB's dialect, translated for Spark)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from tessera.config import Settings
from tessera.engine import EngineError, Tables, open_tables

NUMBERS = pa.table({"k": pa.array([1, 2, 3, 4, 5], pa.int64()),
                    "g": pa.array(["a", "b", "a", "b", "a"]),
                    "amount": pa.array([0.1, 0.2, 0.3, 0.1, 0.2])})


def test_a_table_made_from_a_query_may_replace_the_table_it_reads(tables: Tables) -> None:
    tables.register("numbers", NUMBERS)
    tables.create("t", "SELECT k, g FROM numbers")
    tables.create("t", "SELECT k, g FROM t WHERE k > 2")
    tables.create("t", "SELECT k, g FROM t WHERE g = 'a'")
    assert sorted(tables.rows("SELECT k FROM t")) == [(3,), (5,)]


def test_a_view_becomes_a_table_of_what_is_left_after_a_claim(tables: Tables) -> None:
    tables.register("numbers", NUMBERS)
    tables.create("t", "SELECT * FROM numbers")
    tables.view("live", "SELECT * FROM t")
    assert sorted(tables.rows("SELECT k FROM live")) == [(k,) for k in range(1, 6)]
    for claimed, left in (([2, 4], [1, 3, 5]), ([1], [3, 5])):
        tables.register("claimed", pa.table({"k": pa.array(claimed, pa.int64())}))
        tables.create("live", "SELECT l.* FROM live l ANTI JOIN claimed USING (k)")
        assert sorted(k for (k,) in tables.rows("SELECT k FROM live")) == left
    assert tables.rows("SELECT count(*) FROM t") == [(5,)]  # the table claimed from is whole


def test_lists_index_from_one_and_come_back_as_python_lists(tables: Tables) -> None:
    tables.register("numbers", NUMBERS)
    assert tables.rows("""SELECT [k, k * 10][1], [k, k * 10][2], list_append([k], 7),
            array_length([k, k, k]), list_contains([k, 9], 9), list_contains([k], 7)
        FROM numbers WHERE k = 2""") == [(2, 20, [2, 7], 3, True, False)]
    rows = tables.rows("""SELECT g, list_sort(list(DISTINCT k % 2)), list(k),
            flatten(list([k, k])) FROM numbers GROUP BY g ORDER BY g""")
    assert [(g, odd, sorted(ks), sorted(twice)) for g, odd, ks, twice in rows] == [
        ("a", [1], [1, 3, 5], [1, 1, 3, 3, 5, 5]), ("b", [0], [2, 4], [2, 2, 4, 4])]


def test_windows_nulls_and_integer_division_agree(tables: Tables) -> None:
    tables.register("numbers", NUMBERS)
    # lag is NULL on each group's first row, which must sort last as on DuckDB
    assert tables.rows("""SELECT * FROM (SELECT k, k // 2,
            lag(k) OVER (PARTITION BY g ORDER BY k) AS before,
            sum(k) OVER (PARTITION BY g ORDER BY k ROWS UNBOUNDED PRECEDING)
        FROM numbers) ORDER BY before, k""") == [
        (3, 1, 1, 4), (4, 2, 2, 6), (5, 2, 3, 9), (1, 0, None, 1), (2, 1, None, 2)]


def test_sums_of_decimals_do_not_depend_on_the_order_added(tables: Tables) -> None:
    tables.register("numbers", NUMBERS)
    ((total,),) = tables.rows(
        "SELECT CAST(sum(CAST(amount AS DECIMAL(38, 6))) AS DOUBLE) FROM numbers")
    assert total == 0.9  # the doubles themselves add up to 0.9000000000000001


def test_times_become_whole_seconds_since_1970_utc_whatever_their_type(
        tables: Tables) -> None:
    at = dt.datetime(2024, 3, 1, 9, 0, 0, 700_000)
    tables.register("times", pa.table({
        "naive": pa.array([at], pa.timestamp("us")),
        "utc": pa.array([at.replace(tzinfo=dt.UTC)], pa.timestamp("us", tz="UTC")),
        "day": pa.array([at.date()], pa.date32())}))
    seconds = "CAST(floor(epoch(CAST({} AS TIMESTAMP))) AS BIGINT)"
    assert tables.rows(f"SELECT {seconds.format('naive')}, {seconds.format('utc')}, "
                       f"{seconds.format('day')} FROM times") == [
        (1_709_283_600, 1_709_283_600, 1_709_251_200)]


def test_a_query_that_cannot_run_is_an_engine_error(tables: Tables) -> None:
    tables.register("numbers", NUMBERS)
    with pytest.raises(EngineError, match=r"(?i)no_such_column"):
        tables.rows("SELECT no_such_column FROM numbers")


def test_an_unknown_engine_is_refused_by_name() -> None:
    with pytest.raises(EngineError, match="unknown engine 'flink'"), \
            open_tables(Settings(), "flink"):
        pass
