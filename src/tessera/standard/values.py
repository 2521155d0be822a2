"""Value types that own their cleaning: names, dates, ages, phones, IBANs, countries, e-mails.

Each type is a small frozen model holding the raw value exactly as the agency wrote it beside
its cleaned form. A type is built from a plain string by ``parse``; records accept either that
string (from a file) or the stored mapping (from the hub). A value that cannot be cleaned raises
``ValueError`` with a reason an agency can act on.

Cleaning for some values depends on context (a phone written without a country prefix is read in
the agency's country): pass ``{"country": "UA"}`` as pydantic's validation context.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from typing import Any, ClassVar, Self

import phonenumbers
from anyascii import anyascii
from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    model_validator,
)

from tessera.standard.countries import country_code

# Cleaning is deterministic, and files repeat values (countries, dates, codes): remember the
# cleaned values of recent inputs. Bounded, and cleared whole when full to stay cheap. The
# values are frozen, so one instance is safely shared by every record that wrote the same text.
_PARSED: dict[tuple[type, str, str | None], Value] = {}
_PARSED_MAX = 200_000


class Value(BaseModel):
    """Base of every value type: frozen, with the raw input kept."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    raw: str

    @classmethod
    def parse(cls, raw: str, context: dict[str, Any] | None = None) -> Self:
        """Clean ``raw``; raises ``ValueError`` (as pydantic's error) when it cannot be."""
        return cls.model_validate(raw, context=context)

    @classmethod
    def _fields(cls, raw: str, context: dict[str, Any] | None) -> dict[str, Any]:
        raise NotImplementedError  # pragma: no cover - each value type defines it

    @model_validator(mode="wrap")
    @classmethod
    def _from_raw(cls, data: Any, handler: ValidatorFunctionWrapHandler,
                  info: ValidationInfo) -> Any:
        if type(data) is not str:  # text, the usual input, goes straight to the cache
            if isinstance(data, cls | dict):
                return handler(data)
            if isinstance(data, dt.datetime | dt.date | int | float):
                data = _scalar_text(data)
            if not isinstance(data, str):
                raise ValueError(f"expected text, got {type(data).__name__}")
        text = data.strip()
        if not text:
            raise ValueError("empty value")
        context = info.context
        if not isinstance(context, dict):
            context = None
        key = (cls, text, context.get("country") if context else None)
        value = _PARSED.get(key)
        if value is None:
            # validated from its cleaned fields once; later inputs share the frozen instance
            value = handler(cls._fields(text, context))
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.clear()
            _PARSED[key] = value
        return value

    def __str__(self) -> str:
        return self.raw


def _scalar_text(value: dt.date | int | float) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- names --------------------------------------------------------------------------------

_SCRIPT_PREFIXES: tuple[tuple[str, str], ...] = (
    ("LATIN", "Latin"),
    ("CYRILLIC", "Cyrillic"),
    ("ARABIC", "Arabic"),
    ("CJK", "Han"),
    ("HIRAGANA", "Japanese"),
    ("KATAKANA", "Japanese"),
    ("HANGUL", "Hangul"),
    ("THAI", "Thai"),
    ("DEVANAGARI", "Devanagari"),
    ("GREEK", "Greek"),
    ("HEBREW", "Hebrew"),
    ("GEORGIAN", "Georgian"),
    ("ARMENIAN", "Armenian"),
    ("BENGALI", "Bengali"),
    ("ETHIOPIC", "Ethiopic"),
    ("MYANMAR", "Myanmar"),
    ("KHMER", "Khmer"),
    ("LAO", "Lao"),
)

# Scripts written without spaces between family and given name, family name first.
_FAMILY_FIRST_SCRIPTS = frozenset({"Han", "Japanese", "Hangul"})


@lru_cache(maxsize=4096)
def _char_script(char: str) -> str | None:
    name = unicodedata.name(char, "")
    for prefix, script in _SCRIPT_PREFIXES:
        if name.startswith(prefix):
            return script
    return None


def detect_script(text: str) -> str:
    """The writing system of the letters in ``text``: 'Latin', 'Cyrillic', … or 'Mixed'."""
    scripts = {s for ch in text if ch.isalpha() and (s := _char_script(ch)) is not None}
    if not scripts:
        return "Unknown"
    if len(scripts) == 1:
        return scripts.pop()
    return "Mixed"


def to_latin(text: str) -> str:
    """Transliterate any script to ASCII Latin letters (anyascii), keeping spaces."""
    return anyascii(text)


_NON_NAME = re.compile(r"[^\w\s'-]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_BIRTH_NOTE = re.compile(r"[,;(]?\s*\b(?:b\.|born|dob|geb\.|né|née|р\.)\s*[\d./-]+\)?", re.I)


def normalise_token(token: str) -> str:
    """Lower-case ASCII form of a name part: transliterated, accents and punctuation removed."""
    latin = to_latin(token).casefold()
    return re.sub(r"[^a-z0-9]", "", latin)


class PersonName(Value):
    """A person's name, with its script, its Latin form and its parts in a known order.

    Input forms understood: "Given Family", "FAMILY Given" (a part in capitals is the family
    name), "Family, Given", and CJK names written family-first without spaces.
    """

    script: str
    latin: str
    given: str | None = None
    family: str | None = None
    normalised: str
    parts: tuple[str, ...]

    @classmethod
    def _fields(cls, raw: str, context: dict[str, Any] | None) -> dict[str, Any]:
        stripped = _BIRTH_NOTE.sub("", raw).strip().strip(",;")
        text = _SPACES.sub(" ", _NON_NAME.sub(" ", stripped)).strip()
        script = detect_script(text)
        given: str | None
        family: str | None
        if "," in stripped:  # "Family, Given"
            family_part, _, given_part = stripped.partition(",")
            family = _clean_part(family_part)
            given = _clean_part(given_part)
        else:
            tokens = text.split()
            if not tokens:
                raise ValueError(f"no letters in name {raw!r}")
            given, family = _split_tokens(tokens, script)
        if not given and not family:
            raise ValueError(f"no letters in name {raw!r}")
        return _name_fields(raw, given=given, family=family, script=script)

    @classmethod
    def from_parts(
        cls, raw: str, *, given: str | None, family: str | None, script: str | None = None
    ) -> PersonName:
        """Build from separately recorded given and family names."""
        return cls.model_validate(_name_fields(raw, given=given, family=family, script=script))


def _name_fields(
    raw: str, *, given: str | None, family: str | None, script: str | None
) -> dict[str, Any]:
    given = _clean_part(given) if given else None
    family = _clean_part(family) if family else None
    display = " ".join(p for p in (given, family) if p)
    if not display:
        raise ValueError("a name needs a given or a family name")
    latin = _SPACES.sub(" ", to_latin(display)).strip()
    parts = tuple(t for t in (normalise_token(x) for x in latin.split()) if t)
    if not parts:
        raise ValueError(f"no letters in name {raw!r}")
    return {
        "raw": raw,
        "script": script or detect_script(display),
        "latin": latin,
        "given": given,
        "family": family,
        "normalised": " ".join(parts),
        "parts": parts,
    }


def _clean_part(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = _SPACES.sub(" ", _NON_NAME.sub(" ", text)).strip()
    return cleaned or None


def _split_tokens(tokens: list[str], script: str) -> tuple[str | None, str | None]:
    if script in _FAMILY_FIRST_SCRIPTS:
        if len(tokens) == 1:
            word = tokens[0]
            return (word[1:] or None), word[:1]
        return " ".join(tokens[1:]), tokens[0]
    if len(tokens) == 1:
        return None, tokens[0]
    capitals = [t for t in tokens if len(t) > 1 and t.isupper()]
    if capitals and len(capitals) < len(tokens):
        family = " ".join(capitals)
        given = " ".join(t for t in tokens if t not in capitals)
        return given, family
    return " ".join(tokens[:-1]), tokens[-1]


# --- dates and ages -----------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[./-](\d{4})$")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?$")


class PartialDate(Value):
    """A date that may be known only to the year or the month ("1984", "1984-03", "05.03.1984").

    Numeric dates with separators are read day first (the international order); a value that
    is no real calendar date is refused.
    """

    year: int
    month: int | None = None
    day: int | None = None

    MIN_YEAR: ClassVar[int] = 1900
    MAX_YEAR: ClassVar[int] = 2100

    @classmethod
    def _fields(cls, raw: str, context: dict[str, Any] | None) -> dict[str, Any]:
        text = raw.strip()
        if m := _ISO_TIME.match(text):
            text = m.group(1)
        year: int
        month: int | None
        day: int | None
        if m := _ISO.match(text):
            year = int(m.group(1))
            month = int(m.group(2)) if m.group(2) else None
            day = int(m.group(3)) if m.group(3) else None
        elif m := _DAY_FIRST.match(text):
            day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if month > 12 >= day:  # unambiguous month-first (US) order
                day, month = month, day
        elif m := _MONTH_YEAR.match(text):
            month, year, day = int(m.group(1)), int(m.group(2)), None
        else:
            raise ValueError(
                f"not a date: {raw!r} (use YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY)"
            )
        if not cls.MIN_YEAR <= year <= cls.MAX_YEAR:
            raise ValueError(f"year {year} out of range in {raw!r}")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} out of range in {raw!r}")
        if day is not None:
            assert month is not None
            try:
                dt.date(year, month, day)
            except ValueError:
                raise ValueError(f"no such day: {raw!r}") from None
        return {"raw": raw, "year": year, "month": month, "day": day}

    @property
    def iso(self) -> str:
        """ISO 8601 text at the known precision."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def earliest(self) -> dt.date:
        """The first day this partial date may denote."""
        return dt.date(self.year, self.month or 1, self.day or 1)


_AGE = re.compile(r"^(?:~|about |ca\.? ?)?(\d{1,3})(?:\s*(?:-|–|to)\s*(\d{1,3})|(\+))?$", re.I)


class AgeRange(Value):
    """An age or age band: "25", "25-30", "60+" (upper bound open), "~25" (read as 25)."""

    low: int
    high: int | None

    @classmethod
    def _fields(cls, raw: str, context: dict[str, Any] | None) -> dict[str, Any]:
        m = _AGE.match(raw.strip())
        if not m:
            raise ValueError(f"not an age or age band: {raw!r} (use 25, 25-30 or 60+)")
        low = int(m.group(1))
        high = None if m.group(3) else int(m.group(2) or m.group(1))
        if high is not None and high < low:
            raise ValueError(f"age band {raw!r} ends before it starts")
        if low > 120 or (high or 0) > 120:
            raise ValueError(f"age {raw!r} out of range")
        return {"raw": raw, "low": low, "high": high}


# --- identifiers --------------------------------------------------------------------------


class Phone(Value):
    """A phone number in E.164, read in the record's or agency's country when it has no prefix."""

    e164: str
    country: str | None

    @classmethod
    def _fields(cls, raw: str, context: dict[str, Any] | None) -> dict[str, Any]:
        region = (context or {}).get("country")
        text = raw.strip()
        if text.startswith("00"):
            text = "+" + text[2:]
        try:
            number = phonenumbers.parse(text, region if not text.startswith("+") else None)
        except phonenumbers.NumberParseException as exc:
            hint = "" if region else " (write it with its +country prefix)"
            raise ValueError(f"not a phone number: {raw!r}{hint}") from exc
        if not phonenumbers.is_possible_number(number):
            raise ValueError(f"impossible phone number: {raw!r}")
        return {
            "raw": raw,
            "e164": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            "country": phonenumbers.region_code_for_number(number),
        }


class Iban(Value):
    """An IBAN, checked (checksum, country format) and written compactly."""

    iban: str
    country: str
    bank_code: str | None = None

    @classmethod
    def _fields(cls, raw: str, context: dict[str, Any] | None) -> dict[str, Any]:
        from schwifty import IBAN  # imported late: schwifty loads its bank registry on import
        from schwifty.exceptions import SchwiftyException

        try:
            iban = IBAN(raw)
        except SchwiftyException as exc:
            raise ValueError(f"invalid IBAN {raw!r}: {exc}") from None
        return {
            "raw": raw,
            "iban": iban.compact,
            "country": iban.country_code,
            "bank_code": iban.bank_code or None,
        }


class Country(Value):
    """A country as ISO 3166-1 alpha-2, from a code or a name in one of several languages."""

    code: str

    @classmethod
    def _fields(cls, raw: str, context: dict[str, Any] | None) -> dict[str, Any]:
        code = country_code(raw)
        if code is None:
            raise ValueError(f"unknown country {raw!r} (use an ISO 3166 code or an English name)")
        return {"raw": raw, "code": code}

    def __str__(self) -> str:
        return self.code


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")


class Email(Value):
    """An e-mail address, lower-cased and checked for a plausible form."""

    address: str
    domain: str

    @classmethod
    def _fields(cls, raw: str, context: dict[str, Any] | None) -> dict[str, Any]:
        text = raw.strip().strip("<>").removeprefix("mailto:").casefold()
        if not _EMAIL.match(text):
            raise ValueError(f"not an e-mail address: {raw!r}")
        return {"raw": raw, "address": text, "domain": text.rpartition("@")[2]}


_DOC_NUMBER = re.compile(r"[^0-9A-Z]")


class DocumentNumber(Value):
    """An identity-document number: upper case, spaces and punctuation removed."""

    number: str

    @classmethod
    def _fields(cls, raw: str, context: dict[str, Any] | None) -> dict[str, Any]:
        number = _DOC_NUMBER.sub("", to_latin(raw).upper())
        if len(number) < 4:
            raise ValueError(f"document number {raw!r} is too short")
        return {"raw": raw, "number": number}


def load_tables() -> None:
    """Load now the tables cleaning otherwise builds on first use: country names in every
    language, phone numbering plans, the IBAN registry (about a third of a second). A process
    that forks workers calls this first, so that each starts with them."""
    from schwifty import IBAN

    phonenumbers.PhoneMetadata.load_all()
    IBAN("DE89370400440532013000")
    country_code("Ukraine")
