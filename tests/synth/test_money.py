"""Money flows: each typology has the shape its name promises, and the background is ordinary."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Callable, Sequence

import pytest

from tessera.standard.codes import TransactionChannel
from tessera.synth import money
from tessera.synth.model import Transfer

START = dt.datetime(2024, 3, 1, 9, 0)
CHANNELS = {c.value for c in TransactionChannel}
SEEDS = (0, 1, 2, 3)


def _ids(prefix: str = "T") -> Callable[[], str]:
    counter = itertools.count()
    return lambda: f"{prefix}{next(counter)}"


def _accounts(n: int) -> list[str]:
    return [f"A{k}" for k in range(n)]


def _sizes(typology: str) -> list[int]:
    low, high = money.accounts_needed(typology)
    return sorted({low, low + 1, (low + high) // 2, high})


def _make(
    typology: str, n: int, seed: int = 0, *, threshold_cents: int = 1_000_000
) -> tuple[list[str], list[Transfer]]:
    accounts = _accounts(n)
    transfers = money.pattern(
        random.Random(seed),
        typology,
        accounts,
        start=START,
        pattern_id="M7",
        next_id=_ids(),
        threshold_cents=threshold_cents,
    )
    return accounts, transfers


def _cases(typology: str) -> list[tuple[int, int]]:
    return [(n, seed) for n in _sizes(typology) for seed in SEEDS]


def _between(transfers: Sequence[Transfer], payer: str, beneficiary: str) -> list[Transfer]:
    return [t for t in transfers if t.payer == payer and t.beneficiary == beneficiary]


# --- every typology ----------------------------------------------------------------------


def test_typologies_are_amlsim_plus_mules_and_structuring() -> None:
    assert money.TYPOLOGIES == (
        "fan_in",
        "fan_out",
        "cycle",
        "scatter_gather",
        "gather_scatter",
        "bipartite",
        "stack",
        "pass_through",
        "structuring",
    )


@pytest.mark.parametrize("typology", money.TYPOLOGIES)
def test_accounts_needed_is_a_sensible_range(typology: str) -> None:
    low, high = money.accounts_needed(typology)
    assert 2 <= low <= high


def test_accounts_needed_unknown_typology_names_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="smurfing") as error:
        money.accounts_needed("smurfing")
    assert all(name in str(error.value) for name in money.TYPOLOGIES)


@pytest.mark.parametrize(
    ("typology", "n", "seed"),
    [(t, n, s) for t in money.TYPOLOGIES for n, s in _cases(t)],
)
def test_pattern_transfers_carry_ground_truth_and_are_well_formed(
    typology: str, n: int, seed: int
) -> None:
    accounts, transfers = _make(typology, n, seed)
    assert transfers
    assert [t.id for t in transfers] == [f"T{k}" for k in range(len(transfers))]
    assert all(t.typology == typology and t.pattern == "M7" for t in transfers)
    assert all(t.currency == "EUR" for t in transfers)
    assert all(isinstance(t.amount_cents, int) and t.amount_cents > 0 for t in transfers)
    assert all(t.at > START for t in transfers)
    assert all(t.channel in CHANNELS for t in transfers)
    assert all(t.payer != t.beneficiary for t in transfers)
    used = {t.payer for t in transfers} | {t.beneficiary for t in transfers}
    assert used == set(accounts)
    assert [t.at for t in transfers] == sorted(t.at for t in transfers)


@pytest.mark.parametrize("typology", money.TYPOLOGIES)
def test_pattern_is_deterministic_for_a_seed(typology: str) -> None:
    n = _sizes(typology)[-1]
    assert _make(typology, n, seed=42) == _make(typology, n, seed=42)
    assert _make(typology, n, seed=42) != _make(typology, n, seed=43)


def test_pattern_uses_given_currency_and_aware_start() -> None:
    start = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    transfers = money.pattern(
        random.Random(5),
        "pass_through",
        ["A", "B", "C"],
        start=start,
        pattern_id="M1",
        next_id=_ids(),
        currency="PLN",
    )
    assert all(t.currency == "PLN" and t.at.tzinfo is dt.UTC and t.at > start for t in transfers)


def test_pattern_unknown_typology_raises_naming_allowed_values() -> None:
    with pytest.raises(ValueError, match="unknown typology 'layering'") as error:
        money.pattern(
            random.Random(0), "layering", _accounts(4), start=START, pattern_id="M", next_id=_ids()
        )
    assert "fan_in" in str(error.value) and "structuring" in str(error.value)


@pytest.mark.parametrize("typology", money.TYPOLOGIES)
def test_pattern_wrong_number_of_accounts_raises_with_the_range(typology: str) -> None:
    low, high = money.accounts_needed(typology)
    for n in (low - 1, high + 1):
        with pytest.raises(ValueError, match=rf"between {low} and {high} accounts, got {n}"):
            money.pattern(
                random.Random(0),
                typology,
                _accounts(n),
                start=START,
                pattern_id="M",
                next_id=_ids(),
            )


def test_pattern_repeated_account_raises() -> None:
    with pytest.raises(ValueError, match="distinct"):
        money.pattern(
            random.Random(0),
            "cycle",
            ["A1", "A2", "A1"],
            start=START,
            pattern_id="M",
            next_id=_ids(),
        )


def test_pattern_tiny_threshold_raises() -> None:
    with pytest.raises(ValueError, match="threshold_cents"):
        _make("structuring", 3, threshold_cents=50)


# --- shapes ------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "seed"), _cases("fan_in"))
def test_fan_in_all_others_pay_the_first_account_once_within_days(n: int, seed: int) -> None:
    accounts, transfers = _make("fan_in", n, seed)
    assert {t.beneficiary for t in transfers} == {accounts[0]}
    assert sorted(t.payer for t in transfers) == sorted(accounts[1:])
    assert transfers[-1].at - START <= dt.timedelta(days=7)


@pytest.mark.parametrize(("n", "seed"), _cases("fan_out"))
def test_fan_out_first_account_pays_all_others_once_within_days(n: int, seed: int) -> None:
    accounts, transfers = _make("fan_out", n, seed)
    assert {t.payer for t in transfers} == {accounts[0]}
    assert sorted(t.beneficiary for t in transfers) == sorted(accounts[1:])
    assert transfers[-1].at - START <= dt.timedelta(days=7)


@pytest.mark.parametrize(("n", "seed"), _cases("cycle"))
def test_cycle_is_one_loop_in_time_order_with_shrinking_amounts(n: int, seed: int) -> None:
    accounts, transfers = _make("cycle", n, seed)
    assert len(transfers) == n
    assert Counter(t.payer for t in transfers) == Counter(accounts)
    assert Counter(t.beneficiary for t in transfers) == Counter(accounts)
    for k, transfer in enumerate(transfers):
        assert (transfer.payer, transfer.beneficiary) == (accounts[k], accounts[(k + 1) % n])
    for before, after in itertools.pairwise(transfers):
        assert after.at > before.at  # money arrives before it moves on
        assert before.amount_cents * 0.96 <= after.amount_cents < before.amount_cents


@pytest.mark.parametrize(("n", "seed"), _cases("scatter_gather"))
def test_scatter_gather_each_middle_passes_on_what_it_got(n: int, seed: int) -> None:
    accounts, transfers = _make("scatter_gather", n, seed)
    source, middles, sink = accounts[0], accounts[1:-1], accounts[-1]
    assert len(transfers) == 2 * len(middles)
    assert not [t for t in transfers if t.beneficiary == source or t.payer == sink]
    for middle in middles:
        (paid,) = _between(transfers, source, middle)
        (passed,) = _between(transfers, middle, sink)
        assert passed.at > paid.at
        assert paid.amount_cents * 0.94 <= passed.amount_cents < paid.amount_cents


@pytest.mark.parametrize(("n", "seed"), _cases("gather_scatter"))
def test_gather_scatter_centre_pays_out_after_everything_arrived(n: int, seed: int) -> None:
    accounts, transfers = _make("gather_scatter", n, seed)
    centre = accounts[(n - 1) // 2]
    gatherers, receivers = accounts[: (n - 1) // 2], accounts[(n - 1) // 2 + 1 :]
    assert len(gatherers) >= 2 and len(receivers) >= 2
    inflows = [t for t in transfers if t.beneficiary == centre]
    outflows = [t for t in transfers if t.payer == centre]
    assert len(inflows) + len(outflows) == len(transfers)
    assert sorted(t.payer for t in inflows) == sorted(gatherers)
    assert sorted(t.beneficiary for t in outflows) == sorted(receivers)
    assert min(t.at for t in outflows) > max(t.at for t in inflows)
    total_in = sum(t.amount_cents for t in inflows)
    assert total_in * 0.9 <= sum(t.amount_cents for t in outflows) < total_in


@pytest.mark.parametrize(("n", "seed"), _cases("bipartite"))
def test_bipartite_first_half_pays_every_account_of_second_half(n: int, seed: int) -> None:
    accounts, transfers = _make("bipartite", n, seed)
    first, second = accounts[: n // 2], accounts[n // 2 :]
    edges = [(t.payer, t.beneficiary) for t in transfers]
    assert sorted(edges) == sorted(itertools.product(first, second))


@pytest.mark.parametrize(("n", "seed"), _cases("stack"))
def test_stack_layers_pay_on_in_order(n: int, seed: int) -> None:
    accounts, transfers = _make("stack", n, seed)
    sizes = [n // 3 + (1 if k < n % 3 else 0) for k in range(3)]
    first = accounts[: sizes[0]]
    second = accounts[sizes[0] : sizes[0] + sizes[1]]
    third = accounts[sizes[0] + sizes[1] :]
    assert min(sizes) >= 2
    edges = sorted((t.payer, t.beneficiary) for t in transfers)
    expected = [*itertools.product(first, second), *itertools.product(second, third)]
    assert edges == sorted(expected)
    for middle in second:
        inflows = [t for t in transfers if t.beneficiary == middle]
        outflows = [t for t in transfers if t.payer == middle]
        assert min(t.at for t in outflows) > max(t.at for t in inflows)
        assert sum(t.amount_cents for t in outflows) < sum(t.amount_cents for t in inflows)


def test_stack_splits_seven_accounts_three_two_two() -> None:
    _, transfers = _make("stack", 7)
    assert {t.payer for t in transfers if t.beneficiary == "A3"} == {"A0", "A1", "A2"}
    assert {t.beneficiary for t in transfers if t.payer == "A3"} == {"A5", "A6"}


@pytest.mark.parametrize(("n", "seed"), _cases("pass_through"))
def test_pass_through_mules_forward_nearly_all_within_hours(n: int, seed: int) -> None:
    accounts, transfers = _make("pass_through", n, seed)
    assert [(t.payer, t.beneficiary) for t in transfers] == list(itertools.pairwise(accounts))
    for mule in accounts[1:-1]:
        (inflow,) = [t for t in transfers if t.beneficiary == mule]
        (outflow,) = [t for t in transfers if t.payer == mule]
        assert inflow.at < outflow.at <= inflow.at + dt.timedelta(hours=6)
        assert inflow.amount_cents * 0.9 <= outflow.amount_cents <= inflow.amount_cents


@pytest.mark.parametrize(("n", "seed"), _cases("structuring"))
def test_structuring_deposits_stay_just_under_threshold_over_days(n: int, seed: int) -> None:
    accounts, transfers = _make("structuring", n, seed)
    threshold = 1_000_000
    assert {t.beneficiary for t in transfers} == {accounts[0]}
    assert {t.payer for t in transfers} == set(accounts[1:])
    assert len(transfers) >= 8
    assert all(0.8 * threshold <= t.amount_cents < threshold for t in transfers)
    assert sum(t.amount_cents for t in transfers) >= 5 * threshold
    assert transfers[-1].at - transfers[0].at > dt.timedelta(days=1)
    channels = Counter(t.channel for t in transfers)
    assert channels.most_common(1)[0][0] == TransactionChannel.cash_deposit


@pytest.mark.parametrize("threshold", [100, 999, 300_000, 1_500_000])
def test_structuring_follows_the_threshold_given(threshold: int) -> None:
    _, transfers = _make("structuring", 4, threshold_cents=threshold)
    assert all(0.8 * threshold <= t.amount_cents < threshold for t in transfers)


# --- background --------------------------------------------------------------------------

END = START + dt.timedelta(days=90)


def _background(count: int, seed: int = 0, n: int = 50) -> list[Transfer]:
    return money.background(
        random.Random(seed), _accounts(n), count, start=START, end=END, next_id=_ids("B")
    )


def test_background_makes_exactly_count_ordinary_payments() -> None:
    transfers = _background(20_000)
    assert len(transfers) == 20_000
    assert len({t.id for t in transfers}) == 20_000
    assert all(t.typology is None and t.pattern is None for t in transfers)
    assert all(t.payer != t.beneficiary for t in transfers)
    assert all(START <= t.at < END for t in transfers)
    assert [t.at for t in transfers] == sorted(t.at for t in transfers)
    assert all(t.channel in CHANNELS and t.currency == "EUR" for t in transfers)
    assert all(isinstance(t.amount_cents, int) and t.amount_cents > 0 for t in transfers)
    assert all(type(t.payer) is str and type(t.at) is dt.datetime for t in transfers)


def test_background_spreads_over_accounts_and_kinds_of_payment() -> None:
    transfers = _background(20_000)
    assert {t.payer for t in transfers} == set(_accounts(50))
    assert {t.beneficiary for t in transfers} == set(_accounts(50))
    purposes = {t.purpose for t in transfers}
    assert {"salary", "rent", "groceries", "utilities", "family support"} <= purposes
    assert all(t.amount_cents % 1000 == 0 for t in transfers if t.purpose == "rent")
    groceries = sorted(t.amount_cents for t in transfers if t.purpose == "groceries")
    salaries = sorted(t.amount_cents for t in transfers if t.purpose == "salary")
    assert groceries[len(groceries) // 2] < salaries[len(salaries) // 2]


def test_background_is_deterministic_for_a_seed() -> None:
    assert _background(1000, seed=9) == _background(1000, seed=9)
    assert _background(1000, seed=9) != _background(1000, seed=10)


def test_background_two_accounts_and_zero_count() -> None:
    pair = _background(200, n=2)
    assert {(t.payer, t.beneficiary) for t in pair} == {("A0", "A1"), ("A1", "A0")}
    assert _background(0) == []


def test_background_keeps_an_aware_start_time_zone() -> None:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    end = start + dt.timedelta(hours=1)
    transfers = money.background(
        random.Random(1), _accounts(5), 500, start=start, end=end, next_id=_ids()
    )
    assert all(t.at.tzinfo is dt.UTC and start <= t.at < end for t in transfers)


@pytest.mark.parametrize(
    ("accounts", "count", "end", "message"),
    [
        (["A0", "A1"], -1, END, "count"),
        (["A0", "A1"], 5, START, "end must be after start"),
        (["A0"], 5, END, "at least 2 accounts"),
        (["A0", "A1", "A0"], 5, END, "distinct"),
    ],
)
def test_background_bad_arguments_raise(
    accounts: list[str], count: int, end: dt.datetime, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        money.background(random.Random(0), accounts, count, start=START, end=end, next_id=_ids())
