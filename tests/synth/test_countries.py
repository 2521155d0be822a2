"""Country profiles' name pools: large enough, drawn with common names likelier, few namesakes."""

from __future__ import annotations

import dataclasses
import random
import unicodedata
from collections import Counter

import pytest

from tessera.synth.countries import COUNTRIES
from tessera.synth.world import Settings, build


@pytest.mark.parametrize("code", sorted(COUNTRIES))
def test_pools_are_large_distinct_and_clean(code: str) -> None:
    country = COUNTRIES[code]
    # Vietnamese family names are few: a few dozen cover nearly everyone
    least_family = 40 if code == "VN" else 60
    for pool, least in (
        (country.given_female, 40), (country.given_male, 40), (country.family, least_family)
    ):
        assert len(pool) >= least
        assert len(set(pool)) == len(pool), [n for n, k in Counter(pool).items() if k > 1]
        for name in pool:
            assert name == name.strip() and unicodedata.is_normalized("NFC", name), name


def test_draws_favour_common_names_but_reach_the_whole_pool() -> None:
    rng = random.Random(0)
    ua = COUNTRIES["UA"]
    counts = Counter(ua.given_name(rng, True) for _ in range(30_000))
    assert set(counts) == set(ua.given_female)
    assert counts[ua.given_female[0]] > 3 * counts[ua.given_female[-1]]
    vn = COUNTRIES["VN"]
    families = Counter(vn.family_name(rng, False) for _ in range(10_000))
    assert 0.18 < families["Nguyễn"] / 10_000 < 0.3  # the most common by far


def test_draws_follow_the_seed() -> None:
    cn = COUNTRIES["CN"]
    draws = [
        [(cn.given_name(rng, i % 2 == 0), cn.family_name(rng)) for i in range(50)]
        for rng in (random.Random(4), random.Random(4))
    ]
    assert draws[0] == draws[1]


@pytest.mark.parametrize(
    ("code", "masculine", "feminine"),
    [
        ("PL", "Kowalski", "Kowalska"),
        ("PL", "Zawadzki", "Zawadzka"),
        ("UA", "Левицький", "Левицька"),
    ],
)
def test_women_get_the_feminine_form_of_adjectival_family_names(
    code: str, masculine: str, feminine: str
) -> None:
    country = COUNTRIES[code]
    rng = random.Random(1)
    women = Counter(country.family_name(rng, True) for _ in range(20_000))
    men = Counter(country.family_name(rng, False) for _ in range(20_000))
    assert feminine in women and masculine not in women
    assert masculine in men and feminine not in men
    invariant = country.family[0]  # Nowak, Мельник: the same for both
    assert invariant in women and invariant in men


def test_family_weights_must_match_the_pool() -> None:
    with pytest.raises(ValueError, match="one weight per family name"):
        dataclasses.replace(COUNTRIES["VN"], family_weights=(1.0, 2.0))


def test_few_people_share_their_full_name() -> None:
    # Namesakes exist, as in real case files, but are a minority (98 % with the first pools).
    people = list(build(Settings(seed=1, scale=20_000)).people.values())
    names = Counter((p.given, p.family) for p in people)
    shared = sum(n for n in names.values() if n > 1) / len(people)
    assert shared < 0.25
