"""The countries a scenario can simulate: names in their own scripts, cities, banks, formats.

Each profile holds what the generator needs to make a person or an account look like that
country's: name pools in the country's script, cities with coordinates, banks, the shape of
passport numbers and number plates, and mobile numbers taken from ``phonenumbers``' own example
number for the country (so every generated number is valid for its numbering plan).

Curated by hand from public sources (common given and family names; large cities; major banks
and their BICs as published). Names are pooled, not drawn from real people: pools are small on
purpose for a few countries (Morocco's Arabic names, China's single-character given names), as
real data is, which makes same-name different-person pairs common there.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

import phonenumbers
from phonenumbers import PhoneNumberType

ORIGIN, TRANSIT, DESTINATION = "origin", "transit", "destination"


@dataclass(frozen=True)
class Country:
    code: str
    region: str  # origin, transit or destination: its usual place on trafficking routes
    script: str  # Latin, Cyrillic, Arabic, Han
    given_female: tuple[str, ...]
    given_male: tuple[str, ...]
    family: tuple[str, ...]
    cities: tuple[tuple[str, float, float], ...]  # name, latitude, longitude
    banks: tuple[tuple[str, str, str], ...]  # bank code (IBAN countries) or "", name, BIC
    iban: bool  # accounts are IBANs (else domestic numbers of ``account_digits``)
    account_digits: int
    passport: str  # pattern: A = letter, 9 = digit, other characters as they are
    plate: str
    currency: str
    family_first: bool = False  # the name is written family name first, without a comma


COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country(
            "UA", ORIGIN, "Cyrillic",
            ("Олена", "Ірина", "Наталія", "Оксана", "Юлія", "Тетяна", "Марія", "Анна",
             "Катерина", "Світлана"),
            ("Олег", "Тарас", "Андрій", "Олександр", "Сергій", "Дмитро", "Віктор", "Іван",
             "Микола", "Юрій"),
            ("Петренко", "Коваленко", "Шевченко", "Бондаренко", "Мельник", "Ткаченко",
             "Кравченко", "Бойко", "Савченко", "Руденко", "Лисенко", "Марченко"),
            (("Kyiv", 50.45, 30.52), ("Lviv", 49.84, 24.03), ("Odesa", 46.48, 30.72),
             ("Kharkiv", 49.99, 36.23), ("Chernivtsi", 48.29, 25.94)),
            (("305299", "PrivatBank", "PBANUA2X"), ("300465", "Oschadbank", "COSBUAUK"),
             ("322001", "Universal Bank", "UNJSUAUK")),
            True, 0, "AA999999", "AA9999AA", "UAH",
        ),
        Country(
            "VN", ORIGIN, "Latin",
            ("Lan", "Hương", "Thảo", "Linh", "Mai", "Ngọc", "Trang", "Hà"),
            ("Minh", "Tuấn", "Hùng", "Dũng", "Nam", "Quang", "Long", "Hải"),
            ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"),
            (("Hanoi", 21.03, 105.85), ("Ho Chi Minh City", 10.82, 106.63),
             ("Vinh", 18.68, 105.68), ("Hai Phong", 20.86, 106.68)),
            (("", "Vietcombank", "BFTVVNVX"), ("", "BIDV", "BIDVVNVX"),
             ("", "Agribank", "VBAAVNVX"), ("", "Techcombank", "VTCBVNVX")),
            False, 13, "A9999999", "99A-99999", "VND", family_first=True,
        ),
        Country(
            "CN", ORIGIN, "Han",
            ("芳", "娜", "静", "丽", "敏", "秀英", "燕", "霞"),
            ("伟", "强", "磊", "军", "勇", "杰", "涛", "明"),
            ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"),
            (("Fuzhou", 26.07, 119.30), ("Wenzhou", 28.00, 120.67),
             ("Shenyang", 41.80, 123.43)),
            (("", "Industrial and Commercial Bank of China", "ICBKCNBJ"),
             ("", "Bank of China", "BKCHCNBJ"), ("", "China Construction Bank", "PCBCCNBJ")),
            False, 19, "E99999999", "A·A9999", "CNY", family_first=True,
        ),
        Country(
            "MA", ORIGIN, "Arabic",
            ("فاطمة", "خديجة"),
            ("محمد", "يوسف", "أمين"),
            ("العلوي", "بنعلي", "الإدريسي", "التازي"),
            (("Casablanca", 33.57, -7.59), ("Tangier", 35.76, -5.83), ("Fes", 34.03, -5.00)),
            (("", "Attijariwafa Bank", "BCMAMAMC"), ("", "Banque Populaire", "BCPOMAMC"),
             ("", "Bank of Africa", "BMCEMAMC")),
            False, 24, "AA9999999", "99999-A-9", "MAD",
        ),
        Country(
            "NG", ORIGIN, "Latin",
            ("Chioma", "Blessing", "Joy", "Ngozi", "Aisha", "Funmilayo", "Adaeze", "Precious"),
            ("Emeka", "Tunde", "Chinedu", "Ibrahim", "Segun", "Obinna", "Musa", "Kelechi"),
            ("Okafor", "Adeyemi", "Eze", "Bello", "Okoro", "Nwosu", "Balogun", "Okonkwo",
             "Adebayo", "Osagie"),
            (("Benin City", 6.34, 5.63), ("Lagos", 6.52, 3.38), ("Abuja", 9.08, 7.40)),
            (("", "Zenith Bank", "ZEIBNGLA"), ("", "Access Bank", "ABNGNGLA"),
             ("", "First Bank of Nigeria", "FBNINGLA"), ("", "Guaranty Trust Bank", "GTBINGLA")),
            False, 10, "A99999999", "AAA-999AA", "NGN",
        ),
        Country(
            "PL", TRANSIT, "Latin",
            ("Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna", "Ewa"),
            ("Piotr", "Krzysztof", "Tomasz", "Paweł", "Marek", "Michał"),
            ("Nowak", "Wójcik", "Mazur", "Krawczyk", "Zając", "Kaczmarek", "Dudek", "Król"),
            (("Warsaw", 52.23, 21.01), ("Przemyśl", 49.78, 22.77), ("Wrocław", 51.11, 17.03),
             ("Poznań", 52.41, 16.93)),
            (("10202892", "PKO Bank Polski", "BPKOPLPW"), ("10501038", "ING Bank Śląski",
             "INGBPLPW"), ("11402004", "mBank", "BREXPLPW")),
            True, 0, "AA9999999", "AA 99999", "PLN",
        ),
        Country(
            "DE", DESTINATION, "Latin",
            ("Anna", "Lea", "Sophie", "Julia", "Laura", "Katrin"),
            ("Lukas", "Jonas", "Felix", "Max", "Paul", "Stefan"),
            ("Müller", "Schmidt", "Weber", "Schneider", "Fischer", "Wagner", "Becker",
             "Hoffmann"),
            (("Berlin", 52.52, 13.40), ("Hamburg", 53.55, 9.99), ("Munich", 48.14, 11.58),
             ("Cologne", 50.94, 6.96), ("Oldenburg", 53.14, 8.21)),
            (("10070000", "Deutsche Bank", "DEUTDEBB"), ("10040000", "Commerzbank", "COBADEBB"),
             ("10050000", "Berliner Sparkasse", "BELADEBE")),
            True, 0, "C99AA99A9", "A-AA 9999", "EUR",
        ),
        Country(
            "IT", DESTINATION, "Latin",
            ("Giulia", "Chiara", "Sara", "Francesca", "Elena", "Martina"),
            ("Marco", "Luca", "Giuseppe", "Andrea", "Matteo", "Davide"),
            ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"),
            (("Rome", 41.90, 12.50), ("Milan", 45.46, 9.19), ("Naples", 40.85, 14.27),
             ("Foggia", 41.46, 15.55), ("Latina", 41.47, 12.90)),
            (("0306909606", "Intesa Sanpaolo", "BCITITMM"), ("0200805364", "UniCredit",
             "UNCRITMM"), ("0103002800", "Monte dei Paschi di Siena", "PASCITMM")),
            True, 0, "AA9999999", "AA999AA", "EUR",
        ),
    )
}

DEFAULT_COUNTRIES: tuple[str, ...] = tuple(COUNTRIES)

# Border crossing points on the usual legs, with the mode of transport across them; any other
# leg is flown, through the airport of the destination's first city.
CROSSINGS: dict[tuple[str, str], tuple[str, str]] = {
    ("UA", "PL"): ("Shehyni–Medyka", "bus"),
    ("PL", "DE"): ("Świecko–Frankfurt (Oder)", "bus"),
    ("DE", "IT"): ("Brenner Pass", "bus"),
    ("MA", "IT"): ("Port of Genoa", "boat"),
}
LAND_NEIGHBOURS = {pair for pair, (_, mode) in CROSSINGS.items() if mode == "bus"}


def crossing(origin: str, destination: str) -> tuple[str, str]:
    """Where a leg crosses the border, and the usual mode of transport for it."""
    known = CROSSINGS.get((origin, destination))
    if known is not None:
        return known
    city = COUNTRIES[destination].cities[0][0] if destination in COUNTRIES else destination
    return f"{city} airport", "air"


@cache
def _mobile_prefix(code: str) -> tuple[int, str]:
    example = phonenumbers.example_number_for_type(code, PhoneNumberType.MOBILE)
    if example is None:  # pragma: no cover - every profiled country has one
        raise ValueError(f"phonenumbers has no mobile example for {code}")
    digits = str(example.national_number)
    return int(example.country_code or 0), digits[:-6]


def mobile(rng: random.Random, code: str) -> str:
    """A valid mobile number of country ``code`` in E.164, random in its last six digits."""
    calling, prefix = _mobile_prefix(code)
    return f"+{calling}{prefix}{rng.randrange(10**6):06d}"


_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def pattern_text(rng: random.Random, pattern: str) -> str:
    """Fill a document or plate pattern: A a letter, 9 a digit, anything else kept."""
    return "".join(
        rng.choice(_LETTERS) if ch == "A" else str(rng.randrange(10)) if ch == "9" else ch
        for ch in pattern
    )


def _mod97_check(country: str, bban: str) -> str:
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{98 - int(numeric) % 97:02d}"


def account_number(rng: random.Random, code: str, bank: int) -> tuple[str, str]:
    """(IBAN, "") for an IBAN country, else ("", domestic number), at bank ``bank`` of its list.

    IBANs get a random account part and correct check digits; Italian ones a random CIN letter,
    which IBAN validation does not check.
    """
    country = COUNTRIES[code]
    bank_code = country.banks[bank][0]
    if not country.iban:
        first = str(rng.randrange(1, 10))
        rest = "".join(str(rng.randrange(10)) for _ in range(country.account_digits - 1))
        return "", first + rest
    lengths = {"UA": 29, "PL": 28, "DE": 22, "IT": 27}
    digits = lengths[code] - 4 - len(bank_code) - (1 if code == "IT" else 0)
    if code == "PL":  # bank code already carries its own check digit
        body = bank_code + "".join(str(rng.randrange(10)) for _ in range(digits))
    elif code == "IT":
        body = rng.choice("ABCDEFGHIJ") + bank_code + "".join(
            str(rng.randrange(10)) for _ in range(digits)
        )
    elif code == "UA":
        body = bank_code + "0" * 5 + "".join(str(rng.randrange(10)) for _ in range(digits - 5))
    else:
        body = bank_code + "".join(str(rng.randrange(10)) for _ in range(digits))
    return f"{code}{_mod97_check(code, body)}{body}", ""
