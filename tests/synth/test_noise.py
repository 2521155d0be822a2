"""The noise agencies put on what is true: realistic, readable by the standard, reproducible."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tessera.standard.values import (
    DocumentNumber,
    PartialDate,
    PersonName,
    Phone,
    detect_script,
)
from tessera.synth import noise
from tessera.synth.countries import COUNTRIES
from tessera.synth.flat import NAMES
from tessera.synth.noise import (
    NoiseRates,
    nickname,
    transliterations,
    typo,
    written_birth,
    written_document,
    written_name,
    written_phone,
)

NONE = NoiseRates.none()
POOLED = [(country, name) for country, (gs, fs) in NAMES.items() for name in gs + fs]
# the scenario generator's pools, per country
PROFILED = {c.code: c.given_female + c.given_male + c.family for c in COUNTRIES.values()}


def only(**rates: float) -> NoiseRates:
    """All rates 0 but the ones named."""
    return dataclasses.replace(NONE, **rates)


def levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def osa(a: str, b: str) -> int:
    """Optimal string alignment distance: Levenshtein with adjacent transpositions."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


# --- rates ----------------------------------------------------------------------------------


def test_rates_outside_zero_to_one_are_refused() -> None:
    with pytest.raises(ValueError, match="typo"):
        NoiseRates(typo=1.5)
    with pytest.raises(ValueError, match="latin"):
        NoiseRates(latin=-0.1)


def test_rates_none_sets_every_rate_to_zero() -> None:
    assert all(getattr(NONE, f.name) == 0.0 for f in dataclasses.fields(NONE))


# --- transliteration ------------------------------------------------------------------------


def test_ukrainian_names_get_the_official_romanisation_first_then_foreign_ones() -> None:
    assert transliterations("Олег", "UA")[0] == "Oleh"
    assert "Oleg" in transliterations("Олег", "UA")
    assert transliterations("Петренко", "UA") == ["Petrenko"]
    assert transliterations("Юлія", "UA") == ["Yuliia", "Yuliya", "Julija", "Ioulia"]
    assert transliterations("Шевченко", "UA") == ["Shevchenko", "Schewtschenko", "Chevtchenko"]


def test_kmu_2010_contextual_rules() -> None:
    assert transliterations("Євген", "UA")[0] == "Yevhen"  # word-initial є
    assert transliterations("Згурський", "UA")[0] == "Zghurskyi"  # зг, й after и
    assert transliterations("Мар'яна", "UA")[0] == "Mariana"  # apostrophe, non-initial я
    assert transliterations("ПЕТРЕНКО", "UA")[0] == "PETRENKO"


def test_russian_cyrillic_gets_icao_first() -> None:
    assert transliterations("Юлия", "RU")[:2] == ["Iuliia", "Yuliya"]


def test_arabic_names_get_maghreb_then_english_spellings() -> None:
    mohamed = transliterations("محمد", "MA")
    assert mohamed[0] == "Mohamed"
    assert {"Mohammed", "Muhammad"} <= set(mohamed)
    assert transliterations("العلوي", "MA")[:2] == ["El Alaoui", "Al-Alawi"]
    assert transliterations("بنعلي", "MA")[0] == "Benali"
    assert transliterations("فاطمة الزهراء", "MA")[0] == "Fatima Zahra"
    # vowel marks and hamza-less alef do not hide a curated name
    assert transliterations("مُحَمَّد", "MA")[0] == "Mohamed"
    assert transliterations("امين", "MA")[0] == "Amine"


def test_unknown_arabic_name_falls_back_to_a_latin_skeleton() -> None:
    (latin,) = transliterations("ششش", "MA")
    assert latin and detect_script(latin) == "Latin"


def test_han_names_become_toneless_pinyin() -> None:
    assert transliterations("王", "CN") == ["Wang"]
    assert transliterations("曾", "CN") == ["Zeng"]  # the surname reading, not ceng
    assert transliterations("吕", "CN") == ["Lyu"]  # as passports write ü, not Lu (卢)
    assert transliterations("小明", "CN") == ["Xiaoming", "Xiao Ming", "Xiao-ming"]


def test_latin_names_keep_themselves_and_add_forms_without_diacritics() -> None:
    assert transliterations("Nguyễn", "VN") == ["Nguyễn", "Nguyen"]
    assert transliterations("Müller", "DE") == ["Müller", "Mueller", "Muller"]
    assert transliterations("Rossi", "IT") == ["Rossi"]


@pytest.mark.parametrize(("country", "name"), POOLED)
def test_every_pooled_name_has_latin_renderings(country: str, name: str) -> None:
    forms = transliterations(name, country)
    assert forms and len(set(forms)) == len(forms)
    assert all(detect_script(form) == "Latin" for form in forms if form != name)
    if detect_script(name) == "Arabic":  # curated, not the consonant skeleton
        assert len(forms) >= 2


@pytest.mark.parametrize("country", sorted(PROFILED))
def test_every_profiled_name_has_latin_renderings(country: str) -> None:
    for name in PROFILED[country]:
        forms = transliterations(name, country)
        assert forms and len(set(forms)) == len(forms), name
        assert all(detect_script(form) == "Latin" for form in forms if form != name), name


def test_every_moroccan_profiled_name_has_curated_spellings() -> None:
    # none falls back to the consonant skeleton of an unknown name
    missing = [n for n in PROFILED["MA"] if noise._arabic_key(n) not in noise._ARABIC_BY_KEY]
    assert not missing


# --- nicknames ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "country", "short"),
    [
        ("Олександр", "UA", "Саша"),
        ("Oleksandr", "UA", "Sasha"),
        ("Natalija", "UA", "Natascha"),
        ("OLEKSANDR", "UA", "SASHA"),
        ("Ion", "MD", "Ionel"),
        ("Ioan", "MD", "Nelu"),
        ("Mohamed", "MA", "Simo"),
        ("خديجة", "MA", "خدوج"),
        ("Khadija", "MA", "Khaddouj"),
        ("伟", "CN", "小伟"),
        ("Babatunde", "NG", "Tunde"),
        ("Giuseppe", "IT", "Beppe"),
        ("Тетяна", "UA", "Таня"),
        ("Mykola", "UA", "Kolia"),
        ("Małgorzata", "PL", "Gosia"),
        ("Malgorzata", "PL", "Gosia"),
        ("Abdelkader", "MA", "Kader"),
    ],
)
def test_nickname_is_a_known_diminutive_in_the_same_script(
    given: str, country: str, short: str
) -> None:
    assert nickname(given, country) == short


@pytest.mark.parametrize(("given", "country"), [("Олег", "UA"), ("Lan", "VN"), ("Joy", "NG")])
def test_nickname_is_none_when_none_is_known(given: str, country: str) -> None:
    assert nickname(given, country) is None


@pytest.mark.parametrize(("country", "name"), POOLED)
def test_nicknames_of_pooled_names_keep_their_script(country: str, name: str) -> None:
    short = nickname(name, country)
    assert short is None or detect_script(short) == detect_script(name)


@pytest.mark.parametrize("country", sorted(PROFILED))
def test_nicknames_of_profiled_names_keep_their_script(country: str) -> None:
    for name in PROFILED[country]:
        short = nickname(name, country)
        assert short is None or detect_script(short) == detect_script(name), name


# --- typos ----------------------------------------------------------------------------------

SCRIPT_ALPHABETS = {
    "Latin": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüăşễư",
    "Cyrillic": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЮЯ",
    "Arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهويأإءؤئةى",
    "Han": "王李张刘陈伟芳娜敏静小明",
}


@st.composite
def one_script_text(draw: st.DrawFn) -> str:
    alphabet = SCRIPT_ALPHABETS[draw(st.sampled_from(sorted(SCRIPT_ALPHABETS)))]
    words = draw(st.lists(st.text(alphabet, min_size=1, max_size=9), min_size=1, max_size=3))
    return " ".join(words)


@settings(max_examples=400, deadline=None)
@given(text=one_script_text(), seed=st.integers(0, 2**32))
def test_typo_is_one_edit_that_keeps_the_script(text: str, seed: int) -> None:
    out = typo(random.Random(seed), text)
    if sum(ch.isalpha() for ch in text) < 3:
        assert out == text
        return
    assert out != text
    assert detect_script(out) == detect_script(text)
    assert osa(out, text) == 1
    assert levenshtein(out, text) <= 2


@pytest.mark.parametrize("text", ["", "Li", "王伟", "A B"])
def test_typo_leaves_text_of_fewer_than_three_letters(text: str) -> None:
    assert typo(random.Random(0), text) == text


def test_typo_varies_its_edits() -> None:
    rng = random.Random(3)
    outs = {typo(rng, "Petrenko") for _ in range(300)}
    assert any(len(o) == 7 for o in outs)  # dropped
    assert any(len(o) == 9 for o in outs)  # doubled
    assert any(len(o) == 8 and sorted(o) == sorted("Petrenko") for o in outs)  # swapped
    assert any(len(o) == 8 and sorted(o) != sorted("Petrenko") for o in outs)  # wrong key
    assert all(o[0] == "P" for o in outs)  # the first letter is kept


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "family", "country", "written"),
    [
        ("Олег", "Петренко", "UA", "Олег Петренко"),
        ("伟", "王", "CN", "王伟"),
        ("Lan", "Nguyễn", "VN", "Nguyễn Lan"),
        ("محمد", "العلوي", "MA", "محمد العلوي"),
        ("Anna", "Müller", "DE", "Anna Müller"),
    ],
)
def test_rates_of_zero_write_the_name_as_it_is(
    given: str, family: str, country: str, written: str
) -> None:
    for seed in range(20):
        assert written_name(random.Random(seed), given, family, country, NONE) == written


def test_latin_rate_one_writes_every_name_in_latin_letters() -> None:
    rng = random.Random(0)
    for country, (givens, families) in NAMES.items():
        for g in givens:
            for f in families:
                name = written_name(rng, g, f, country, only(latin=1.0))
                assert detect_script(name) == "Latin", name


def test_latin_ukrainian_name_uses_one_system_for_both_parts() -> None:
    seen = {
        written_name(random.Random(s), "Юлія", "Шевченко", "UA", only(latin=1.0))
        for s in range(200)
    }
    assert seen == {
        "Yuliia Shevchenko", "Yuliya Shevchenko", "Julija Schewtschenko", "Ioulia Chevtchenko",
    }


def test_agency_country_makes_its_own_romanisation_likelier() -> None:
    def count(agency: str) -> int:
        return sum(
            "Schewtschenko"
            in written_name(random.Random(s), "Олег", "Шевченко", "UA", only(latin=1.0),
                            agency=agency)
            for s in range(400)
        )

    assert count("DE") > 2 * count("FR")


def test_chinese_name_in_latin_is_family_first_as_in_a_passport() -> None:
    rng = random.Random(0)
    assert written_name(rng, "伟", "王", "CN", only(latin=1.0)) == "Wang Wei"
    assert written_name(rng, "伟", "王", "CN", only(latin=1.0, upper_family=1.0)) == "WANG Wei"
    assert written_name(rng, "伟", "王", "CN", only(latin=1.0, swap_order=1.0)) == "Wei Wang"


@pytest.mark.parametrize(
    ("rates", "written"),
    [
        (only(swap_order=1.0), "Петренко Олег"),
        (only(drop_given=1.0), "Петренко"),
        (only(comma=1.0), "Петренко, Олег"),
        (only(upper_family=1.0), "Олег ПЕТРЕНКО"),
        (only(all_caps=1.0), "ОЛЕГ ПЕТРЕНКО"),
        (only(swap_order=1.0, upper_family=1.0), "ПЕТРЕНКО Олег"),
    ],
)
def test_rates_of_one_always_apply(rates: NoiseRates, written: str) -> None:
    for seed in range(20):
        assert written_name(random.Random(seed), "Олег", "Петренко", "UA", rates) == written


def test_swap_order_writes_vietnamese_names_given_first() -> None:
    assert written_name(random.Random(0), "Lan", "Nguyễn", "VN", only(swap_order=1.0)) == (
        "Lan Nguyễn"
    )


def test_fold_rate_one_drops_diacritics() -> None:
    assert written_name(random.Random(0), "Hương", "Nguyễn", "VN", only(fold=1.0)) == (
        "Nguyen Huong"
    )
    assert written_name(random.Random(0), "Anna", "Müller", "DE", only(fold=1.0)) in (
        "Anna Mueller", "Anna Muller",
    )


def test_nickname_rate_one_uses_the_diminutive() -> None:
    rng = random.Random(0)
    assert written_name(rng, "Олександр", "Петренко", "UA", only(nickname=1.0)) == (
        "Саша Петренко"
    )
    assert written_name(rng, "Олег", "Петренко", "UA", only(nickname=1.0)) == "Олег Петренко"
    latin = {
        written_name(random.Random(s), "Олександр", "Петренко", "UA",
                     only(nickname=1.0, latin=1.0))
        for s in range(50)
    }
    assert latin == {"Sasha Petrenko", "Sascha Petrenko", "Sacha Petrenko"}


def test_moroccan_nickname_known_only_in_latin_letters_is_used_in_latin() -> None:
    seen = {
        written_name(random.Random(s), "محمد", "العلوي", "MA", only(nickname=1.0, latin=1.0))
        for s in range(100)
    }
    assert "Simo El Alaoui" in seen
    assert "Muhammad Alaoui" in seen  # no diminutive known for this spelling


def test_typo_rate_one_changes_one_part_by_one_edit() -> None:
    for seed in range(100):
        name = written_name(random.Random(seed), "Олена", "Петренко", "UA", only(typo=1.0))
        given_part, family_part = name.split(" ")
        assert (osa(given_part, "Олена"), osa(family_part, "Петренко")) in ((1, 0), (0, 1))


def test_default_noise_keeps_names_readable_by_the_standard() -> None:
    rng = random.Random(7)
    rates = NoiseRates()
    for _ in range(2000):
        country = rng.choice(sorted(NAMES))
        givens, families = NAMES[country]
        name = written_name(rng, rng.choice(givens), rng.choice(families), country, rates,
                            agency=rng.choice(["DE", "FR", "UA", "GB", "IT"]))
        assert PersonName.parse(name).parts


def test_default_noise_writes_about_half_of_native_names_in_latin() -> None:
    rng = random.Random(1)
    latin = sum(
        detect_script(written_name(rng, "Олена", "Коваленко", "UA", NoiseRates())) == "Latin"
        for _ in range(2000)
    )
    assert 850 < latin < 1150


# --- birth dates ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    birth=st.dates(dt.date(1930, 1, 1), dt.date(2012, 12, 31)),
    seed=st.integers(0, 2**32),
    rates=st.sampled_from(
        [NoiseRates(), only(birth_wrong=1.0, birth_local=1.0), only(birth_partial=1.0)]
    ),
)
def test_written_birth_is_read_by_the_standard_within_a_year(
    birth: dt.date, seed: int, rates: NoiseRates
) -> None:
    text = written_birth(random.Random(seed), birth, rates)
    if text:
        assert abs(PartialDate.parse(text).year - birth.year) <= 1


@pytest.mark.parametrize("birth", [dt.date(1990, 3, 7), dt.date(1984, 12, 25)])
def test_written_birth_without_noise_is_the_iso_date(birth: dt.date) -> None:
    assert written_birth(random.Random(0), birth, NONE) == birth.isoformat()


def test_written_birth_rates_of_one_always_apply() -> None:
    birth = dt.date(1990, 3, 7)
    for seed in range(50):
        rng = random.Random(seed)
        assert written_birth(rng, birth, only(birth_missing=1.0)) == ""
        partial = PartialDate.parse(written_birth(rng, birth, only(birth_partial=1.0)))
        assert partial.day is None and partial.year == 1990
        assert partial.month in (None, 3)
        wrong = PartialDate.parse(written_birth(rng, birth, only(birth_wrong=1.0)))
        assert wrong.day is not None and wrong.month is not None
        assert dt.date(wrong.year, wrong.month, wrong.day) in (
            dt.date(1990, 7, 3), dt.date(1989, 3, 7), dt.date(1991, 3, 7),
        )
        local = written_birth(rng, birth, only(birth_local=1.0))
        assert local in ("07.03.1990", "07/03/1990")
        assert PartialDate.parse(local).iso == "1990-03-07"


def test_wrong_birth_on_a_leap_day_stays_a_real_date() -> None:
    for seed in range(50):
        text = written_birth(random.Random(seed), dt.date(1992, 2, 29), only(birth_wrong=1.0))
        assert PartialDate.parse(text).year in (1991, 1993)


# --- phones ---------------------------------------------------------------------------------

PHONE_COUNTRIES = [
    "UA", "MD", "VN", "CN", "MA", "NG", "DE", "IT", "PL", "GB", "US", "FR", "RO", "AR", "AT",
    "TR", "RS", "HU", "NL", "ES",
]


def _number(country: str, kind: int, tail: int) -> str:
    kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
    example = phonenumbers.example_number_for_type(country, kinds[kind])
    assert example is not None
    e164 = str(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))
    return f"{e164[:-6]}{tail:06d}"


@settings(max_examples=600, deadline=None)
@given(
    country=st.sampled_from(PHONE_COUNTRIES),
    agency=st.sampled_from(PHONE_COUNTRIES),
    kind=st.integers(0, 1),
    tail=st.integers(0, 999_999),
    seed=st.integers(0, 2**32),
)
def test_written_phone_parses_back_to_the_same_number(
    country: str, agency: str, kind: int, tail: int, seed: int
) -> None:
    e164 = _number(country, kind, tail)
    assume(phonenumbers.is_valid_number(phonenumbers.parse(e164)))
    text = written_phone(random.Random(seed), e164, agency)
    parsed = phonenumbers.parse(text, agency)
    assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == e164
    assert Phone.parse(text, {"country": agency}).e164 == e164
    assert text.startswith(("+", "00")) == (country != agency), text


def test_written_phone_of_the_agency_country_is_national() -> None:
    seen = {written_phone(random.Random(s), "+380501234567", "UA") for s in range(100)}
    assert seen == {"050 123 4567", "0501234567", "050-123-4567"}


def test_written_phone_abroad_is_international_with_plus_or_00() -> None:
    seen = {written_phone(random.Random(s), "+380501234567", "DE") for s in range(200)}
    assert "+380 50 123 4567" in seen
    assert "00380 50 123 4567" in seen
    assert "+380501234567" in seen
    assert "+380-50-123-4567" in seen
    # the United States dials abroad with 011, so its clerks write '+'
    us = {written_phone(random.Random(s), "+380501234567", "US") for s in range(200)}
    assert all(text.startswith("+") for text in us)


def test_written_phone_refuses_what_is_not_a_number() -> None:
    with pytest.raises(ValueError, match=r"E\.164"):
        written_phone(random.Random(0), "+0000", "UA")
    with pytest.raises(ValueError, match=r"E\.164"):
        written_phone(random.Random(0), "+380 50 123 4567", "UA")


# --- documents ------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["AB1234567", "FX123456", "12345678", "КВ123456"])
def test_written_document_without_noise_is_the_number(number: str) -> None:
    assert written_document(random.Random(0), number, NONE) == number


@pytest.mark.parametrize("number", ["AB1234567", "FX123456", "12345678", "КВ123456", "C01X"])
def test_document_format_changes_spacing_or_case_but_not_the_number(number: str) -> None:
    for seed in range(50):
        text = written_document(random.Random(seed), number, only(doc_format=1.0))
        assert text != number
        assert DocumentNumber.parse(text).number == DocumentNumber.parse(number).number


@pytest.mark.parametrize("number", ["AB1234567", "12345678", "ABCDEF"])
def test_wrong_value_changes_exactly_one_character(number: str) -> None:
    for seed in range(50):
        text = written_document(random.Random(seed), number, only(wrong_value=1.0))
        assert len(text) == len(number)
        assert sum(a != b for a, b in zip(text, number, strict=True)) == 1


# --- determinism ----------------------------------------------------------------------------


def _sample(seed: int) -> list[str]:
    rng = random.Random(seed)
    rates = NoiseRates(typo=0.5, nickname=0.5, wrong_value=0.5)
    out = []
    for country, (givens, families) in NAMES.items():
        out.append(written_name(rng, givens[0], families[0], country, rates))
        out.append(written_birth(rng, dt.date(1980, 5, 6), rates))
        out.append(written_document(rng, "AB1234567", rates))
        out.append(written_phone(rng, "+380501234567", country))
    return out


def test_same_seed_gives_the_same_records() -> None:
    assert _sample(42) == _sample(42)
    assert _sample(42) != _sample(43)
