"""Country names in many languages to ISO 3166-1 alpha-2, from pycountry and its translations.

pycountry resolves codes and English names; the translated names come from the gettext
catalogues pycountry ships (iso3166-1), so "Україна", "Allemagne" and "ليبيا" resolve too.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import lru_cache

import pycountry

# Languages whose country names are recognised: those of the regions Tessera's members work in.
LANGUAGES: tuple[str, ...] = (
    "ar", "bg", "cs", "de", "el", "es", "fa", "fr", "hu", "it", "ja", "ko", "nl", "pl",
    "pt", "ro", "ru", "sq", "sr", "th", "tr", "uk", "vi", "zh_CN",
)  # fmt: skip

# Names in common use that are not pycountry's names.
_COMMON: dict[str, str] = {
    "uk": "GB",
    "england": "GB",
    "great britain": "GB",
    "britain": "GB",
    "russia": "RU",
    "россия": "RU",
    "росія": "RU",
    "russie": "RU",
    "rusia": "RU",
    "russland": "RU",
    "rosja": "RU",
    "روسيا": "RU",
    "俄罗斯": "RU",
    "moldavie": "MD",
    "молдова": "MD",
    "молдавия": "MD",
    "vietnam": "VN",
    "вьетнам": "VN",
    "турция": "TR",
    "туреччина": "TR",
    "moldova": "MD",
    "turkey": "TR",
    "laos": "LA",
    "syria": "SY",
    "iran": "IR",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "south korea": "KR",
    "north korea": "KP",
    "korea": "KR",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "burma": "MM",
    "kosovo": "XK",
    "usa": "US",
    "united states of america": "US",
    "america": "US",
    "holland": "NL",
    "macedonia": "MK",
    "palestine": "PS",
    "congo": "CG",
    "drc": "CD",
    "dr congo": "CD",
}


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s.\-_]+", " ", stripped).strip()


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    translations = []
    for lang in LANGUAGES:
        try:
            translations.append(
                gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
            )
        except OSError:  # a catalogue missing from this pycountry release
            continue
    for country in pycountry.countries:
        code: str = country.alpha_2
        english = [
            getattr(country, attr)
            for attr in ("name", "official_name", "common_name")
            if hasattr(country, attr)
        ]
        for name in english:
            table.setdefault(_key(name), code)
            for tr in translations:
                table.setdefault(_key(tr.gettext(name)), code)
        table[_key(country.alpha_3)] = code
        table[_key(country.numeric)] = code
    table.update({_key(k): v for k, v in _COMMON.items()})
    for country in pycountry.countries:
        table[_key(country.alpha_2)] = country.alpha_2
    table["xk"] = "XK"  # Kosovo: user-assigned code in general use
    return table


def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a code or a name in a known language, or None."""
    return _table().get(_key(text))


def country_name(code: str) -> str:
    """English short name of an alpha-2 code (the code itself when unknown)."""
    if code == "XK":
        return "Kosovo"
    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or country.name) if country else code
