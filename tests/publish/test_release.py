"""Releases: k-anonymity never shows a small cell; differential privacy adds real noise,
bounds each victim's contribution and keeps counts non-negative; metadata says how."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path

import pytest

from tessera.patterns.routes import Journey
from tessera.publish import release, tables
from tessera.publish.tables import Table


def fake(n: int, gender: str, types: tuple[str, ...] = ("forced_labour",),
         year: int = 2023) -> Journey:
    return Journey(person=f"V{gender}{n}", route=("UA", "DE"), legs=(),
                   first=dt.date(year, 5, 1), recruited_in="UA", exploited_in="DE",
                   agencies=("DE-POL",), records=(), gender=gender, exploitation_types=types)


CROWD = ([fake(n, "female") for n in range(3000)] + [fake(n, "male") for n in range(1000)]
         + [fake(n, "transgender_female") for n in range(60)])


# --- k-anonymity ------------------------------------------------------------------------------


@pytest.mark.parametrize("k, step", [(11, 5), (11, 1), (7, 10), (20, 3)])
def test_no_released_k_anonymous_cell_is_below_k(victims: list[Journey], k: int,
                                                  step: int) -> None:
    for by in (["year", "origin"], ["exploitation_type", "gender"], ["corridor"],
               ["control_method", "age_band"]):
        table = tables.count(victims, by)
        made = release.release_kanon(table, k=k, step=step)
        assert made.rows, f"nothing released by {by}"
        assert all(n >= k for _, n in made.rows)
        assert all(n % step == 0 for _, n in made.rows)
        assert {cell for cell, _ in made.rows} == {c for c, n in table.counts.items() if n >= k}


def test_rounding_stays_near_the_count_and_never_below_k() -> None:
    for n in range(11, 400):
        rounded = release.round_cell(n, 11, 5)
        assert rounded >= 11 and rounded % 5 == 0
        assert abs(rounded - n) <= 4  # 11 -> 15, 12 -> 15 (not 10); else the nearest


def test_suppressed_share_is_of_the_victims_in_small_cells() -> None:
    table = Table(("gender",), {("female",): 90, ("male",): 7, ("unknown",): 3}, 100, 1)
    made = release.release_kanon(table)
    assert made.rows == [(("female",), 90)]
    assert made.utility.suppressed_cells == 2
    assert made.utility.suppressed_share == pytest.approx(0.10)
    assert made.utility.suppressed_cell_share == pytest.approx(2 / 3)
    assert made.utility.cells_compared == 1 and made.utility.mean_relative_error == 0.0


def test_bad_k_or_step_is_refused() -> None:
    table = Table(("gender",), {("female",): 90}, 90, 1)
    with pytest.raises(ValueError, match="k must be at least 1"):
        release.release_kanon(table, k=0)
    with pytest.raises(ValueError, match="rounding step"):
        release.release_kanon(table, step=0)


# --- differential privacy ---------------------------------------------------------------------


def released(made: release.Release) -> dict[tuple[str, ...], int]:
    return dict(made.rows)


def test_dp_noise_is_real_but_small_on_large_cells() -> None:
    truth = {("female",): 3000, ("male",): 1000, ("transgender_female",): 60}
    runs = [released(release.release_dp(CROWD, ["gender"], epsilon=1.0)) for _ in range(8)]
    assert any(run.get(cell, 0) != n for run in runs for cell, n in truth.items())
    # discrete Laplace of scale 1: |noise| > 15 has probability ~1e-6 per cell
    assert all(abs(run.get(cell, 0) - n) <= 15 for run in runs for cell, n in truth.items())


def test_dp_noise_on_empty_cells_is_symmetric_and_clipped_at_zero() -> None:
    # 250-odd origins, almost all empty: at scale 10 about 45% of empty cells come out positive
    made = release.release_dp(CROWD, ["origin"], epsilon=0.1)
    out = released(made)
    positive = sum(1 for cell, n in out.items() if cell != ("UA",) and n > 0)
    cells = made.parameters["public_cells"] - 1
    assert 0.3 < positive / cells < 0.6
    assert all(isinstance(n, int) and n > 0 for n in out.values())
    assert out[("UA",)] == pytest.approx(len(CROWD), abs=150)  # P(|noise| > 150) ~ 3e-7


def test_dp_states_epsilon_and_sensitivity() -> None:
    made = release.release_dp(CROWD, ["exploitation_type", "gender"], epsilon=0.5)
    assert made.epsilon is not None and made.epsilon <= 0.5
    assert made.epsilon == pytest.approx(0.5)
    assert made.delta == 0.0
    assert made.parameters["contributions"] == 2  # one multi-valued dimension
    assert made.parameters["sensitivity_l1"] == 2
    assert made.parameters["noise_scale"] == pytest.approx(4.0)


def test_a_victim_in_too_many_cells_counts_in_contributions_of_them() -> None:
    many = [fake(n, "female", ("forced_labour", "sexual_exploitation", "servitude",
                               "forced_begging")) for n in range(200)]
    # at this ε the noise is 0 with overwhelming probability: the cap is what is seen
    made = release.release_dp(many, ["exploitation_type"], epsilon=1000.0, contributions=2,
                              seed=3)
    assert sum(n for _, n in made.rows) == 400
    assert made.parameters["victims_capped"] == 200
    again = release.release_dp(many, ["exploitation_type"], epsilon=1000.0, contributions=2,
                               seed=3)
    assert again.rows == made.rows  # the choice of cells kept is seeded
    # and the truth it is measured against is uncapped: each type had 200
    assert made.utility.cells_compared == 4
    assert made.utility.mean_relative_error == pytest.approx(0.5, abs=0.2)


def test_dp_utility_is_within_the_issue_floor_on_a_scenario(victims: list[Journey]) -> None:
    made = release.release_dp(victims, ["gender"], epsilon=1.0)
    assert made.utility.cells_compared >= 1
    assert made.utility.mean_relative_error is not None
    assert made.utility.mean_relative_error <= 0.10


@pytest.mark.parametrize("by, kwargs, message", [
    (["year"], {}, "needs the years to release"),
    (["corridor"], {}, "dimension 'corridor' has no public list"),
    (["origin", "destination", "nationality"], {}, "public cells, more than"),
    (["gender"], {"epsilon": 0.0}, "epsilon must be a positive number"),
    (["gender"], {"contributions": 0}, "contributions must be at least 1"),
])
def test_dp_refuses_what_it_cannot_release_privately(by: list[str], kwargs: dict[str, float],
                                                     message: str) -> None:
    with pytest.raises(ValueError, match=message):
        release.release_dp(CROWD, by, **{"epsilon": 1.0, **kwargs})  # type: ignore[arg-type]


def test_given_values_release_a_dimension_without_a_public_list() -> None:
    made = release.release_dp(CROWD, ["corridor"], epsilon=1000.0,
                              domains={"corridor": ["UA→?→DE", "NG→IT"]})
    assert released(made) == {("UA→?→DE",): len(CROWD)}
    assert made.parameters["public_cells"] == 4  # the two, unknown and other


# --- outputs ----------------------------------------------------------------------------------


def test_a_release_writes_its_table_and_metadata_stating_its_parameters(
        tmp_path: Path) -> None:
    made = release.release_dp(CROWD, ["year", "gender"], epsilon=0.7, years=(2021, 2024),
                              sources=["hub"], agencies=["DE-POL"])
    table_path, meta_path = release.write(made, tmp_path / "out")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert meta["release"] == made.id
    assert meta["method"] == "differential-privacy"
    assert meta["mechanism"] == "discrete-laplace"
    assert meta["epsilon"] == pytest.approx(0.7) and meta["delta"] == 0.0
    assert meta["dimensions"] == ["year", "gender"]
    assert meta["parameters"]["contributions"] == 1
    assert meta["parameters"]["years"] == [2021, 2024]
    assert meta["source_collections"] == ["hub"] and meta["agencies"] == ["DE-POL"]
    assert dt.datetime.fromisoformat(meta["created_at"]).date() == dt.datetime.now(dt.UTC).date()
    assert set(meta["utility"]) == {"cells_compared", "mean_relative_error",
                                    "p95_relative_error", "suppressed_cells",
                                    "suppressed_cell_share", "suppressed_share"}
    with table_path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["year", "gender", "victims"]
    assert len(rows) - 1 == meta["cells"] == len(made.rows)
    assert all(int(r[2]) > 0 for r in rows[1:])


def test_kanon_metadata_states_k_and_the_rounding_step(tmp_path: Path) -> None:
    made = release.release_kanon(tables.count(CROWD, ["gender"]), k=20, step=10)
    _, meta_path = release.write(made, tmp_path)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert meta["method"] == "k-anonymity" and meta["epsilon"] is None
    assert meta["parameters"] == {"k": 20, "rounding_step": 10, "victims": len(CROWD)}
    assert math.isclose(meta["utility"]["suppressed_share"], 0.0)


def test_writing_into_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    made = release.release_kanon(tables.count(CROWD, ["gender"]))
    with pytest.raises(ValueError, match="is a file"):
        release.write(made, target)
