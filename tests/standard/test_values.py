"""Value types clean what agencies write: names in any script, partial dates, ages, identifiers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tessera.standard.values import (
    AgeRange,
    Country,
    DocumentNumber,
    Email,
    Iban,
    PartialDate,
    PersonName,
    Phone,
    detect_script,
)

# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "script", "latin", "given", "family"),
    [
        ("Olena Petrenko", "Latin", "Olena Petrenko", "Olena", "Petrenko"),
        ("Олена Петренко", "Cyrillic", "Olena Petrenko", "Олена", "Петренко"),
        ("ИВАНОВ Иван", "Cyrillic", "Ivan IVANOV", "Иван", "ИВАНОВ"),
        ("محمد علي", "Arabic", "mhmd `ly", "محمد", "علي"),
        ("王小明", "Han", "XiaoMing Wang", "小明", "王"),
    ],
)
def test_name_detects_script_and_orders_parts(
    raw: str, script: str, latin: str, given: str, family: str
) -> None:
    name = PersonName.parse(raw)
    assert (name.script, name.latin, name.given, name.family) == (script, latin, given, family)


def test_name_in_capitals_is_the_family_name_whatever_its_position() -> None:
    assert PersonName.parse("PETRENKO Olena").family == "PETRENKO"
    assert PersonName.parse("Olena PETRENKO").family == "PETRENKO"
    assert PersonName.parse("PETRENKO Olena").given == "Olena"


def test_name_with_comma_is_family_then_given() -> None:
    name = PersonName.parse("Dupont, Marie-Claire")
    assert (name.family, name.given) == ("Dupont", "Marie-Claire")
    assert name.parts == ("marieclaire", "dupont")


@pytest.mark.parametrize(
    "raw", ["Ivan Petrov (b. 1984)", "Ivan Petrov, born 12.03.1984", "Ivan Petrov DOB 1984-03-12"]
)
def test_name_drops_birth_note(raw: str) -> None:
    name = PersonName.parse(raw)
    assert (name.given, name.family) == ("Ivan", "Petrov")
    assert name.raw == raw  # what the agency wrote is kept


def test_name_in_cyrillic_and_latin_normalise_alike() -> None:
    assert (
        PersonName.parse("Олена Петренко").normalised
        == PersonName.parse("Olena PETRENKO").normalised
    )


def test_name_from_parts_keeps_given_and_family_apart() -> None:
    name = PersonName.from_parts("Ivan Petrov", given="Ivan", family="Petrov")
    assert (name.given, name.family, name.normalised) == ("Ivan", "Petrov", "ivan petrov")


@pytest.mark.parametrize("raw", ["", "   ", "!!! ???"])
def test_name_without_letters_is_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        PersonName.parse(raw)


def test_detect_script_reports_mixed_scripts() -> None:
    assert detect_script("Ivan Иванов") == "Mixed"
    assert detect_script("1234") == "Unknown"


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("1984", "1984"),
        ("1984-03", "1984-03"),
        ("1984-3-5", "1984-03-05"),
        ("1984-03-05", "1984-03-05"),
        ("05.03.1984", "1984-03-05"),
        ("5/3/1984", "1984-03-05"),
        ("05-03-1984", "1984-03-05"),
        ("03/15/1984", "1984-03-15"),  # month first only when the day cannot be a month
        ("03.1984", "1984-03"),
        ("2023-05-01T10:00:00Z", "2023-05-01"),
        ("2023-05-01 10:00:00+02:00", "2023-05-01"),
    ],
)
def test_partial_date_accepts_written_forms(raw: str, iso: str) -> None:
    assert PartialDate.parse(raw).iso == iso


def test_partial_date_keeps_precision() -> None:
    date = PartialDate.parse("1984-03")
    assert (date.year, date.month, date.day) == (1984, 3, None)
    assert date.earliest() == dt.date(1984, 3, 1)


def test_partial_date_from_spreadsheet_number_and_date() -> None:
    assert PartialDate.model_validate(1984).iso == "1984"
    assert PartialDate.model_validate(dt.date(1984, 3, 5)).iso == "1984-03-05"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("31.02.2020", "no such day: '31.02.2020'"),
        ("2021-02-29", "no such day: '2021-02-29'"),
        ("1984-13", "month 13 out of range in '1984-13'"),
        ("13.13.2020", "month 13 out of range in '13.13.2020'"),
        ("1850", "year 1850 out of range in '1850'"),
        ("last spring", "not a date: 'last spring'"),
    ],
)
def test_partial_date_refuses_impossible_dates_naming_the_value(raw: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        PartialDate.parse(raw)


_DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@given(_DATES)
def test_any_date_written_day_first_parses_back_to_itself(date: dt.date) -> None:
    parsed = PartialDate.parse(date.strftime("%d.%m.%Y"))
    assert parsed.earliest() == date and parsed.day == date.day


@given(_DATES, st.sampled_from(["year", "month", "day"]))
def test_partial_date_round_trips_its_iso_form(date: dt.date, precision: str) -> None:
    text = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[precision]
    first = PartialDate.parse(date.strftime(text))
    again = PartialDate.parse(first.iso)
    assert (again.year, again.month, again.day) == (first.year, first.month, first.day)
    assert again.iso == date.strftime(text)


# --- ages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "low", "high"),
    [("25", 25, 25), ("25-30", 25, 30), ("25 to 30", 25, 30), ("60+", 60, None), ("~25", 25, 25)],
)
def test_age_band_forms(raw: str, low: int, high: int | None) -> None:
    age = AgeRange.parse(raw)
    assert (age.low, age.high) == (low, high)


@pytest.mark.parametrize(
    ("raw", "reason"), [("30-25", "ends before it starts"), ("130", "out of range"), ("old", "not")]
)
def test_age_band_refused(raw: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        AgeRange.parse(raw)


# --- phones, IBANs, countries, e-mails, documents ----------------------------------------


def test_phone_national_form_is_read_in_the_context_country() -> None:
    phone = Phone.parse("050 123 4567", {"country": "UA"})
    assert (phone.e164, phone.country) == ("+380501234567", "UA")


def test_phone_with_00_prefix_needs_no_context() -> None:
    assert Phone.parse("00 373 69 123 456").e164 == "+37369123456"


def test_phone_national_form_without_context_asks_for_the_prefix() -> None:
    with pytest.raises(ValidationError, match="prefix"):
        Phone.parse("050 123 4567")


@pytest.mark.parametrize("raw", ["12", "call me", "+380 5"])
def test_phone_invalid_refused(raw: str) -> None:
    with pytest.raises(ValidationError, match="phone number"):
        Phone.parse(raw, {"country": "UA"})


def test_iban_is_cleaned_to_compact_form() -> None:
    iban = Iban.parse("de89 3704 0044 0532 0130 00")
    assert (iban.iban, iban.country, iban.bank_code) == ("DE89370400440532013000", "DE", "37040044")


def test_iban_with_bad_checksum_refused() -> None:
    with pytest.raises(ValidationError, match="invalid IBAN 'DE88370400440532013000'"):
        Iban.parse("DE88370400440532013000")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("UA", "UA"),
        ("ua", "UA"),
        ("UKR", "UA"),
        ("804", "UA"),
        ("Ukraine", "UA"),
        ("Україна", "UA"),
        ("Allemagne", "DE"),
        ("Deutschland", "DE"),
        ("ليبيا", "LY"),
        ("Moldova", "MD"),
        ("Republic of Moldova", "MD"),
        ("Côte d'Ivoire", "CI"),
        ("Kosovo", "XK"),
    ],
)
def test_country_from_code_or_name_in_several_languages(raw: str, code: str) -> None:
    assert Country.parse(raw).code == code


def test_unknown_country_refused_naming_it() -> None:
    with pytest.raises(ValidationError, match="unknown country 'Atlantis'"):
        Country.parse("Atlantis")


def test_email_lower_cased_and_unwrapped() -> None:
    email = Email.parse("<mailto:Olena.P@Example.ORG>")
    assert (email.address, email.domain) == ("olena.p@example.org", "example.org")


@pytest.mark.parametrize("raw", ["olena", "olena@", "olena@example", "a b@example.org"])
def test_email_invalid_refused(raw: str) -> None:
    with pytest.raises(ValidationError, match="not an e-mail address"):
        Email.parse(raw)


def test_document_number_drops_spaces_and_punctuation() -> None:
    assert DocumentNumber.parse("ab 12-34 567").number == "AB1234567"


def test_document_number_too_short_refused() -> None:
    with pytest.raises(ValidationError, match="too short"):
        DocumentNumber.parse("A-1")


def test_value_keeps_raw_and_is_frozen() -> None:
    country = Country.parse(" Україна ")
    assert country.raw == "Україна" and str(country) == "UA"
    with pytest.raises(ValidationError):
        country.code = "RU"  # type: ignore[misc]
