"""Synthetic victims: the privacy spent is what was asked, the noise is real, the tree's
dependences survive when the noise is small, and the utility report measures what it says."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tessera.patterns.routes import Journey
from tessera.publish import synthetic
from tessera.publish.synthetic import COLUMNS, norm_sub


def person(n: int, origin: str, destination: str, types: tuple[str, ...],
           year: int = 2023) -> Journey:
    return Journey(person=f"V{n}", route=(origin, destination), legs=(),
                   first=dt.date(year, 3, 1), recruited_in=origin, exploited_in=destination,
                   agencies=("X",), records=(), gender="female" if n % 3 else "male",
                   exploitation_types=types, control_methods=("debt_bondage",) if n % 2 else ())


# UA victims go to DE for forced labour, MD victims to IT for sexual exploitation
PAIRED = ([person(n, "UA", "DE", ("forced_labour",)) for n in range(3000)]
          + [person(n, "MD", "IT", ("sexual_exploitation",)) for n in range(3000, 5000)])


def test_norm_sub_keeps_the_total_and_removes_noise_mass() -> None:
    noisy = np.array([500.0, 300.0, 12.0, -8.0, 20.0, -30.0, 5.0])
    fixed = norm_sub(noisy, 800.0)
    assert fixed.min() >= 0 and fixed.sum() == pytest.approx(800.0)
    assert list(np.argsort(-fixed)[:2]) == [0, 1]  # the order of the large cells is kept
    assert fixed[3] == 0 and fixed[5] == 0
    assert (fixed[[2, 4, 6]] < noisy[[2, 4, 6]]).all()  # small positive cells shrink
    assert not norm_sub(np.array([-1.0, -2.0]), 5.0).any()
    assert not norm_sub(noisy, 0.0).any()


def test_the_epsilon_asked_is_the_epsilon_opendp_proves() -> None:
    for epsilon in (0.5, 1.0, 4.0):
        rho = synthetic.rho_for(epsilon, 1e-7)
        assert synthetic.epsilon_of(rho, 1e-7) == pytest.approx(epsilon, rel=1e-6)
    assert synthetic.rho_for(0.5, 1e-7) < synthetic.rho_for(1.0, 1e-7)


def test_a_release_states_its_privacy_and_has_every_column(victims: list[Journey],
                                                           tmp_path: Path) -> None:
    made = synthetic.make_synthetic(victims, epsilon=1.0, delta=1e-6, years=(2021, 2024),
                                    records=300, seed=3)
    assert made.epsilon == pytest.approx(1.0, rel=1e-6) and made.delta == 1e-6
    assert made.rho == pytest.approx(synthetic.rho_for(1.0, 1e-6), rel=1e-6)
    assert len(made.rows) == 300 and all(list(r) == list(COLUMNS) for r in made.rows)
    data, meta = synthetic.write(made, tmp_path / "out")
    with data.open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 300
    written = json.loads(meta.read_text(encoding="utf-8"))
    assert written["epsilon"] == made.epsilon and written["delta"] == 1e-6
    assert written["mechanism"] == "discrete-gaussian" and written["tree"]["year"] == "destination"
    assert written["utility"]["records_true"] == len(victims)
    assert set(written["utility"]["measured_pairs"]) == {f"{c}|{p}" for c, p
                                                          in synthetic.TREE.items()}


def test_the_noise_is_real_and_the_number_drawn_is_noisy() -> None:
    # the same drawing twice: only the noise can tell the two data sets apart
    made = [synthetic.make_synthetic(PAIRED, epsilon=1.0, years=(2023, 2023), seed=5)
            for _ in range(2)]
    assert made[0].rows != made[1].rows
    assert all(abs(len(m.rows) - len(PAIRED)) < 0.05 * len(PAIRED) for m in made)
    assert made[0].parameters["sigma_two_way"] > 1


def test_with_little_noise_the_tree_keeps_dependences() -> None:
    made = synthetic.make_synthetic(PAIRED, epsilon=50.0, years=(2023, 2023), seed=1)
    pairs = Counter((r["origin"], r["destination"], r["exploitation_type"]) for r in made.rows)
    n = len(made.rows)
    assert pairs[("UA", "DE", "forced_labour")] / n == pytest.approx(0.6, abs=0.03)
    assert pairs[("MD", "IT", "sexual_exploitation")] / n == pytest.approx(0.4, abs=0.03)
    debt = [r["control_method:debt_bondage"] for r in made.rows]
    assert debt.count("1") / n == pytest.approx(0.5, abs=0.04)
    assert (made.utility.summary()["measured_pairs_mean_tvd"] or 1.0) < 0.05


def test_more_noise_gives_a_worse_utility() -> None:
    tight = synthetic.make_synthetic(PAIRED, epsilon=20.0, years=(2023, 2023), seed=1)
    loose = synthetic.make_synthetic(PAIRED, epsilon=0.05, years=(2023, 2023), seed=1)
    assert (tight.utility.summary()["columns_mean_tvd"] or 0) < (
        loose.utility.summary()["columns_mean_tvd"] or 0)


def test_values_outside_the_public_domain_become_other() -> None:
    made = synthetic.make_synthetic(PAIRED, epsilon=50.0, years=(2020, 2021), seed=1)
    assert {r["year"] for r in made.rows} == {"other"}  # 2023 is not among the years released
    assert made.utility.columns["year"] == pytest.approx(1.0)


def test_utility_is_zero_for_the_truth_and_one_for_disjoint_data() -> None:
    rows = [synthetic.row(j) for j in PAIRED]
    same = synthetic.synthetic_utility(rows, rows)
    assert max(same.columns.values()) == 0 and same.mean_relative_error == 0
    moved = [{**r, "origin": "FR"} for r in rows]
    assert synthetic.synthetic_utility(rows, moved).columns["origin"] == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs, message", [
    ({"epsilon": 0.0}, "epsilon must be a positive number"),
    ({"epsilon": 1.0, "delta": 0.0}, "synthetic data spend a δ above 0"),
    ({"epsilon": 1.0, "records": 0}, "records must be at least 1"),
])
def test_bad_parameters_are_refused(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        synthetic.make_synthetic(PAIRED[:10], years=(2023, 2023), **kwargs)  # type: ignore[arg-type]
