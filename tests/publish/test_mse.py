"""Multiple systems estimation: known answers, refusals, coverage and the CSV reader."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tessera.publish.mse import (
    EstimationError,
    OverlapFileError,
    OverlapTable,
    estimate,
    from_lists,
    read_overlap_csv,
    write_overlap_csv,
)

# The UK 2013 National Referral Mechanism data behind the Home Office's first estimate of
# modern slavery in the UK (Bales, Hesketh and Silverman; Silverman 2014): 2,744 people on six
# lists (LA local authorities, NG NGOs, PF police forces, GO government organisations, GP the
# general public, NCA the National Crime Agency). Counts by pattern as published in the R
# package modslavmse (github.com/bernardsilverman/modslavmse, R/UKdat.R; the same table is
# SparseMSE's `UKdat`). The Home Office put the number of victims "between 10,000 and 13,000"
# (as reported by RTE News and Channel 4 News, 29 November 2014).
UK_LISTS = ("LA", "NG", "PF", "GO", "GP", "NCA")
UK_COUNTS = {
    "100000": 54, "010000": 463, "001000": 907, "000100": 695, "000010": 316, "000001": 57,
    "110000": 15, "101000": 19, "100100": 3, "011000": 56, "010100": 19, "010010": 1,
    "010001": 3, "001100": 69, "001010": 10, "001001": 31, "000110": 8, "000101": 6,
    "000011": 1, "111000": 1, "110100": 1, "011100": 4, "011001": 3, "001101": 1,
    "111100": 1,
}


def _table(lists: tuple[str, ...], counts: dict[str, int]) -> OverlapTable:
    return OverlapTable(lists, {tuple(int(c) for c in k): n for k, n in counts.items()})


def _simulate(rng: np.random.Generator, n: int, probs: list[float]) -> OverlapTable:
    captured = rng.random((n, len(probs))) < np.asarray(probs)
    names = [f"L{i}" for i in range(len(probs))]
    people = {name: {str(p) for p in np.flatnonzero(captured[:, i])}
              for i, name in enumerate(names)}
    return from_lists(people)


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_uk_2013_estimate_falls_in_the_home_office_range(criterion: str) -> None:
    result = estimate(_table(UK_LISTS, UK_COUNTS), criterion=criterion)
    assert result.observed == 2744
    assert 10_000 <= result.total <= 13_000
    low, high = result.interval
    assert low < result.total < high
    assert low > 9_000 and high < 15_000


def test_two_lists_independence_is_lincoln_petersen() -> None:
    n1, n2, m = 160, 240, 48  # on list A, on list B, on both
    table = _table(("A", "B"), {"10": n1 - m, "01": n2 - m, "11": m})
    result = estimate(table)
    assert result.model.terms == []
    assert result.total == pytest.approx(n1 * n2 / m, rel=1e-6)
    chapman = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    assert result.total == pytest.approx(chapman, rel=0.03)
    low, high = result.interval
    assert low < n1 * n2 / m < high


def test_two_lists_that_share_no_one_are_refused() -> None:
    table = _table(("A", "B"), {"10": 30, "01": 40})
    with pytest.raises(EstimationError, match="MLE does not exist"):
        estimate(table)


def test_interaction_of_lists_that_share_no_one_is_dropped_and_said() -> None:
    rng = np.random.default_rng(7)
    base = _simulate(rng, 2000, [0.3, 0.3, 0.4])
    counts = {p: n for p, n in base.counts.items() if not (p[0] and p[1])}  # L0, L1 disjoint
    result = estimate(OverlapTable(base.lists, counts))
    by_terms = {tuple(m.terms): m.dropped for m in result.models}
    assert len(result.dropped) == 5
    for terms, reason in by_terms.items():
        if "L0:L1" in terms:
            assert "L0:L1 share no one" in reason
    # without L0:L1 in the model, L2 = 0 is a two-list problem with no overlap: N is unbounded
    assert "runs to the boundary" in by_terms[("L0:L2", "L1:L2")]
    assert "cells 110" in by_terms[("L0:L2", "L1:L2")]
    assert ("L0", "L1") not in result.model.interactions
    assert any("not estimable" in w for w in result.warnings)


def test_list_sharing_no_one_with_the_others_warns_and_boundary_models_drop() -> None:
    table = _table(("A", "B", "C"), {"100": 50, "010": 60, "001": 70, "011": 20})
    result = estimate(table)
    assert any("list A shares no one with any other list" in w for w in result.warnings)
    assert result.model.terms == []  # the only estimable model
    by_terms = {tuple(m.terms): m.dropped for m in result.models}
    # B:C alone shares people, but with it A's cells run to zero: no MLE (SparseMSE's check)
    assert "runs to the boundary" in by_terms[("B:C",)]
    assert "110" in by_terms[("B:C",)]


def test_too_many_lists_are_refused_with_advice() -> None:
    table = from_lists({f"L{i}": {str(i), str(i + 1)} for i in range(11)})
    with pytest.raises(EstimationError, match=r"11 lists .* merge lists"):
        estimate(table)


def test_empty_list_is_dropped_with_a_warning() -> None:
    table = _table(("A", "B", "C"), {"100": 60, "010": 80, "110": 40})
    result = estimate(table)
    assert result.lists == ("A", "B")
    assert any("dropped empty lists" in w and "C" in w for w in result.warnings)
    assert result.total == pytest.approx(100 * 120 / 40, rel=1e-6)


def test_interval_covers_the_truth_in_most_simulated_runs() -> None:
    truth, runs, covered, totals = 600, 40, 0, []
    rng = np.random.default_rng(20240611)
    for _ in range(runs):
        result = estimate(_simulate(rng, truth, [0.3, 0.25, 0.35]))
        low, high = result.interval
        covered += low <= truth <= high
        totals.append(result.total)
    assert covered >= 0.85 * runs
    assert abs(np.mean(totals) - truth) < 0.05 * truth


def test_fixed_model_and_model_table() -> None:
    rng = np.random.default_rng(3)
    table = _simulate(rng, 800, [0.3, 0.4, 0.35, 0.2])
    fixed = estimate(table, interactions=[("L1", "L0")])
    assert fixed.model.terms == ["L0:L1"]
    assert len(fixed.models) == 1
    selected = estimate(table, criterion="aic")
    assert len(selected.models) == 2**6  # every subset of the 6 pairs of 4 lists
    scores = [m.score("aic") for m in selected.models if not m.dropped]
    assert scores == sorted(scores) and selected.model.score("aic") == scores[0]
    with pytest.raises(ValueError, match="L9"):
        estimate(table, interactions=[("L0", "L9")])


def test_result_is_json_able_and_carries_the_publishable_overlap_table() -> None:
    result = estimate(_table(UK_LISTS, UK_COUNTS))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["observed"] == 2744
    assert sum(row["count"] for row in data["overlap"]) == 2744
    assert data["interval"][0] < data["total"] < data["interval"][1]
    assert data["models"][0]["interactions"] == result.model.terms


def test_from_lists_counts_people_by_pattern() -> None:
    table = from_lists({"police": ["a", "b", "c"], "ngo": ["b", "c", "d"], "labour": ["c"]})
    assert table.counts == {(1, 0, 0): 1, (1, 1, 0): 1, (1, 1, 1): 1, (0, 1, 0): 1}
    assert table.observed == 4
    assert table.shared("police", "ngo") == 2


def test_overlap_csv_round_trip(tmp_path: Path) -> None:
    table = _table(UK_LISTS, UK_COUNTS)
    path = tmp_path / "uk.csv"
    write_overlap_csv(table, path)
    assert read_overlap_csv(path) == table


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B\n1,0\n", "line 1: no 'count' column"),
        ("A,count\n1,5\n", "at least two list columns"),
        ("A,B,count\n1,0,5\n1,2,3\n", "line 3, column 'B': '2' is not 0 or 1"),
        ("A,B,count\n1,0,five\n", "line 2, column 'count': 'five' is not a whole number"),
        ("A,B,count\n1,0,-1\n", "line 2, column 'count': '-1'"),
        ("A,B,count\n1,0,5\n0,1,4\n1,0,2\n", "line 4: pattern 10 already given on line 2"),
        ("A,B,count\n0,0,9\n", "line 2, column 'count': the all-zero pattern"),
        ("A,B,count\n1,0\n", "line 2: 2 values for 3 columns"),
        ("", "the file is empty"),
    ],
)
def test_read_overlap_csv_errors_name_line_and_column(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "overlap.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OverlapFileError, match=message) as info:
        read_overlap_csv(path)
    assert str(path) in str(info.value)
