"""Keys under which a name part matches however it was romanised.

The same Ukrainian name reaches the hub as Олег, Oleg, Oleh; an Arabic one as يوسف (which
transliterates to "ywsf"), Youssef, Yusuf, Youcef; a German clerk writes Schewtschenko for
Shevchenko. ``name_key`` maps each spelling to one key: it folds the digraphs that different
romanisation systems use for one sound, then keeps the consonant skeleton, because vowels are
what romanisations (and Arabic script, which mostly omits them) disagree on most.

Written here because no maintained Python library does this across Cyrillic, Arabic and Latin
romanisations: phonetic algorithms (Soundex, Metaphone, NYSIIS) are tuned to English spelling,
and Beider-Morse implementations are unmaintained and slow at the volumes linkage needs.
"""

from __future__ import annotations

import re

# Longest first: each spelling of one sound becomes one letter.
_DIGRAPHS = (
    ("shch", "s"), ("tsch", "c"), ("dzh", "j"), ("sch", "s"), ("tch", "c"), ("ch", "c"),
    ("sh", "s"), ("zh", "z"), ("kh", "h"), ("ts", "c"), ("tz", "c"), ("ph", "f"), ("th", "t"),
    ("dj", "j"), ("gh", "g"), ("ck", "k"), ("ou", "u"), ("ce", "se"), ("ci", "si"),
)
_DIGRAPH = re.compile("|".join(d for d, _ in _DIGRAPHS))
_DIGRAPH_TO = dict(_DIGRAPHS)
# One letter for sounds romanised either way: Ukrainian г is h where Russian writes g; y, j
# and i for й; w and v; q and k. Then the vowels, and v/w, which Arabic and Cyrillic
# romanisations write for a vowel as often as for a consonant.
_LETTERS = str.maketrans({"h": "g", "y": "i", "j": "i", "w": "v", "q": "k", "x": "k"})
_SOFT = re.compile(r"[aeiouv]")
_REPEATS = re.compile(r"(.)\1+")


def name_key(part: str) -> str:
    """The romanisation-blind key of one normalised name part (lower-case ASCII letters).

    >>> [name_key(p) for p in ("oleg", "oleh", "shevchenko", "schewtschenko")]
    ['olg', 'olg', 'scnk', 'scnk']
    >>> [name_key(p) for p in ("ywsf", "youssef", "yusuf", "youcef")]
    ['isf', 'isf', 'isf', 'isf']
    """
    text = re.sub(r"[^a-z]", "", part)
    if not text:
        return ""
    text = _DIGRAPH.sub(lambda m: _DIGRAPH_TO[m.group()], text).translate(_LETTERS)
    return _REPEATS.sub(r"\1", text[0] + _SOFT.sub("", text[1:]))
