"""What a person types into the knowledge base's search box, read once and written out for each
backend: an FTS5 MATCH expression for SQLite, a ``websearch_to_tsquery`` string for PostgreSQL.

The syntax is the web-search one people know: words are all required, ``"quoted words"`` must
appear together in that order, ``or`` between words accepts either side, and ``-word`` (or
``-"quoted words"``) leaves out entries that have it. Everything else a search engine's own
syntax gives meaning to (FTS5's ``NEAR``, ``*``, ``^``, ``column:``, parentheses; tsquery's
``&``, ``|``, ``!``, ``<->``, ``:*``) is plain text here: each word is handed to the backend
quoted (punctuation at its ends dropped), and the backend's tokeniser splits it as it split the
entries, so ``2011/36/EU`` or ``e-mail`` finds what the entries say.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

QUERY_MAX = 500  # characters
TERMS_MAX = 32
# a quoted phrase (its closing quote may be missing), or a bare word
_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|([^\s"]+)')
_WORD_CHAR = re.compile(r"[^\W_]")
# punctuation at either end of a word: noise to both tokenisers, except that PostgreSQL's reads
# '~word' or '/word' as a file name
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


class QueryError(ValueError):
    """Search text that asks for nothing, or for too much."""


@dataclass(frozen=True)
class Group:
    """Terms that must all be there (``want``) and none of ``leave_out``."""

    want: tuple[str, ...]
    leave_out: tuple[str, ...]


@dataclass(frozen=True)
class Query:
    """Search text, read: alternatives (``or``), each a group of terms."""

    groups: tuple[Group, ...]

    def fts5(self) -> str:
        """The FTS5 MATCH expression: every term a quoted string, so none is an operator."""

        def quoted(term: str) -> str:
            return '"' + term.replace('"', '""') + '"'

        parts = []
        for g in self.groups:
            want = "(" + " AND ".join(map(quoted, g.want)) + ")"
            if g.leave_out:
                want += " NOT (" + " OR ".join(map(quoted, g.leave_out)) + ")"
            parts.append(f"({want})")
        return " OR ".join(parts)

    def websearch(self) -> str:
        """The same query for PostgreSQL's ``websearch_to_tsquery``, every term quoted."""
        return " or ".join(
            " ".join([*(f'"{t}"' for t in g.want), *(f'-"{t}"' for t in g.leave_out)])
            for g in self.groups
        )


def parse(text: str) -> Query:
    """Read search text; raise ``QueryError`` when it holds no word to look for."""
    if len(text) > QUERY_MAX:
        raise QueryError(f"the search is {len(text)} characters long; at most {QUERY_MAX}")
    control = next((n for n, ch in enumerate(text, 1)
                    if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"), None)
    if control is not None:  # a NUL ends an FTS5 string early: refused, not passed on
        raise QueryError(f"the search holds a control character at position {control}")
    groups: list[Group] = []
    want: list[str] = []
    leave_out: list[str] = []
    terms = 0

    def close() -> None:
        if leave_out and not want:
            raise QueryError(
                f"-{leave_out[0]!s} leaves out entries that have it: add a word to look for")
        if want:
            groups.append(Group(tuple(want), tuple(leave_out)))
        want.clear()
        leave_out.clear()

    for match in _TOKEN.finditer(text):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare.lower() == "or":
                close()
                continue
            negated, phrase = ("-", bare[1:]) if bare.startswith("-") else ("", bare)
        term = " ".join(w for w in (_EDGES.sub("", w) for w in phrase.split()) if w)
        if not _WORD_CHAR.search(term):
            continue  # punctuation alone matches nothing on either backend
        terms += 1
        if terms > TERMS_MAX:
            raise QueryError(f"the search has more than {TERMS_MAX} words or phrases")
        (leave_out if negated else want).append(term)
    close()
    if not groups:
        raise QueryError(
            f"the search {text!r} has no word to look for (letters or digits)" if text.strip()
            else "the search is empty: give a word to look for")
    return Query(tuple(groups))
