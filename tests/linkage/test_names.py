"""Romanisation-blind name keys: one key for the spellings agencies use for one name."""

from __future__ import annotations

import pytest

from tessera.linkage.names import name_key
from tessera.standard.values import PersonName


def keys(written: str) -> set[str]:
    return {name_key(part) for part in PersonName.model_validate(written).parts}


@pytest.mark.parametrize(
    "spellings",
    [
        ("Олег Петренко", "Oleh Petrenko", "PETRENKO Oleg, b. 1984"),
        ("Тарас Шевченко", "Taras Shevchenko", "Taras Schewtschenko"),
        ("يوسف بنعلي", "Youssef Benali", "Yusuf Benali", "Youcef Benali"),
        ("Сергій Кравченко", "Serhii Kravchenko", "Sergei Krawtschenko"),
        ("Mohamed", "Muhammad", "Mohammed"),
    ],
)
def test_spellings_of_one_name_share_their_keys(spellings: tuple[str, ...]) -> None:
    first = keys(spellings[0])
    for spelling in spellings[1:]:
        assert keys(spelling) == first, spelling


@pytest.mark.parametrize(("a", "b"), [("Petrenko", "Pavlenko"), ("Oleg", "Olga Ivanova"),
                                      ("Fatima", "Khadija")])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert keys(a) != keys(b)


def test_a_part_without_letters_has_no_key() -> None:
    assert name_key("") == name_key("123") == ""
