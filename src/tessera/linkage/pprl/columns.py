"""Columns of person rows as integer codes, for the encoder to work by column, not by row.

Values repeat a great deal (names, years, nationalities): each column is dictionary-encoded
(pyarrow's hash table, in C), so that the encoder does the Python work once per distinct
value and numpy does the rest on codes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

Codes = npt.NDArray[np.intp]

# the types pyarrow infers from Python values that it gives back as equal Python values of
# the same type (a column of ints and floats, say, would come back as floats, "1" as "1.0")
_FAITHFUL = (pa.string(), pa.large_string(), pa.int64(), pa.null())


def read(rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> dict[str, Sequence[Any]]:
    """Columns of rows, ``row.get(name)`` each. Most of the time goes to reaching each row, so
    where the rows are dicts that hold every column (as ``person_rows`` makes them) they are
    read in one pass, else in a pass a column."""
    if len(names) > 1 and rows and set(map(type, rows)) == {dict}:
        try:
            found = list(map(itemgetter(*names), rows))
        except KeyError:
            pass
        else:
            return dict(zip(names, zip(*found, strict=True), strict=True))
    return {name: column(rows, name) for name in names}


def column(rows: Sequence[Mapping[str, Any]], name: str) -> list[Any]:
    """``row.get(name)`` of each row, without a line of Python per row where rows are dicts."""
    try:
        get: Callable[[Mapping[str, Any], str], Any] = dict.get  # type: ignore[assignment]
        return list(map(get, rows, repeat(name)))
    except TypeError:  # mappings that are not dicts
        return [row.get(name) for row in rows]


def dictionary(values: Sequence[Any]) -> tuple[Codes, list[Any]]:
    """Each value's code and the distinct values, by code: ``distinct[codes[i]] == values[i]``
    (None is a value like any other)."""
    try:
        encoded = pa.array(values).dictionary_encode()
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        encoded = None
    if encoded is None or encoded.type.value_type not in _FAITHFUL:
        return _python_dictionary(values)
    return _codes(encoded)


def _codes(encoded: Any) -> tuple[Codes, list[Any]]:
    """A pyarrow dictionary array as codes and distinct values, None last if any."""
    distinct: list[Any] = encoded.dictionary.to_pylist()
    indices = encoded.indices
    if indices.null_count:
        indices = indices.fill_null(len(distinct))
        distinct.append(None)
    return indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False), distinct


def _python_dictionary(values: Sequence[Any]) -> tuple[Codes, list[Any]]:
    # keyed with the type, so that 1, 1.0 and True stay apart as they would row by row
    index: dict[tuple[type, Any], int] = {}
    codes = np.fromiter((index.setdefault((type(v), v), len(index)) for v in values),
                        dtype=np.intp, count=len(values))
    return codes, [v for _, v in index]


# texts whose words str.split() and a split on single spaces agree on: printable ASCII words
# between single spaces (str.split() splits on Unicode whitespace, and on \x1c-\x1f too)
_SPACED = r"^[!-~]+( [!-~]+)*$"


def words(values: Sequence[str | None]) -> tuple[Codes, Codes, Codes, Codes, list[str]]:
    """The words of texts (``str.split()``'s), by distinct text: each value's text, each
    text's words as (starts, lengths, word codes), and the distinct words by code. None is a
    text of no words; so is the empty text."""
    try:
        texts = pa.array(values, type=pa.string())
    except (pa.ArrowException, TypeError, ValueError):
        texts = None
    else:
        texts = pc.if_else(pc.equal(texts, ""), pa.scalar(None, pa.string()),
                           texts).dictionary_encode()
    spaced = texts is not None and pc.all(
        pc.match_substring_regex(texts.dictionary, _SPACED)).as_py()
    if not spaced:
        codes, distinct = dictionary(values)
        index: dict[str, int] = {}
        split = [[index.setdefault(w, len(index)) for w in (text or "").split()]
                 for text in distinct]
        return (codes, *ragged(split), list(index))
    lists = pc.split_pattern(texts.dictionary, " ")
    found = lists.flatten().dictionary_encode()
    lengths = np.append(lists.value_lengths().to_numpy(zero_copy_only=False), 0)
    lengths = lengths.astype(np.intp)
    codes = texts.indices.fill_null(len(texts.dictionary)).to_numpy(zero_copy_only=False)
    return (codes.astype(np.intp, copy=False), np.cumsum(lengths) - lengths, lengths,
            found.indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False),
            found.dictionary.to_pylist())


def items(values: Sequence[Any]) -> tuple[Codes, Codes, list[Any]]:
    """The items of lists (None, or empty, holds none): each list's length, and its items
    one list after another as codes into the distinct items. (Flattened by Python in C
    loops: pyarrow's conversion of lists of strings measured slower.)"""
    filled = [value or () for value in values]
    lengths = np.fromiter(map(len, filled), dtype=np.intp, count=len(filled))
    return (lengths, *dictionary(list(chain.from_iterable(filled))))


def combine(codes: Sequence[Codes], sizes: Sequence[int]) -> tuple[Codes, Codes]:
    """The distinct combinations of codes (``codes[j][i]`` below ``sizes[j]``), one a row of
    a matrix, and each entry's combination."""
    if math.prod(sizes) < 2**62:
        key = np.zeros(len(codes[0]), dtype=np.int64)
        for found, size in zip(codes, sizes, strict=True):
            key = key * size + found
        distinct, inverse = np.unique(key, return_inverse=True)
        out = np.empty((len(distinct), len(codes)), dtype=np.intp)
        for place in reversed(range(len(codes))):
            distinct, out[:, place] = np.divmod(distinct, sizes[place])
        return out, inverse.reshape(-1).astype(np.intp)
    stacked, inverse = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    return stacked.astype(np.intp), inverse.reshape(-1).astype(np.intp)


def ragged(lists: Sequence[Sequence[int]]) -> tuple[Codes, Codes, Codes]:
    """Lists of codes as (starts, lengths, all the codes one after another)."""
    lengths = np.fromiter((len(x) for x in lists), dtype=np.intp, count=len(lists))
    flat = np.fromiter((c for x in lists for c in x), dtype=np.intp, count=int(lengths.sum()))
    return np.cumsum(lengths) - lengths, lengths, flat


def expand(owners: Codes, starts: Codes, lengths: Codes, flat: Codes) -> tuple[Codes, Codes]:
    """For each entry of ``owners`` (a code into a ragged list), one (entry, item) per item of
    its list: the entries' positions and the items, entry by entry in order."""
    counts = lengths[owners]
    entry = np.repeat(np.arange(len(owners), dtype=np.intp), counts)
    return entry, flat[starts[owners][entry] + rank(counts)]


def rank(counts: Codes) -> Codes:
    """0, 1, ... counts[0] - 1, 0, 1, ... counts[1] - 1, ...: each item's place in its list."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.intp) - np.repeat(np.cumsum(counts) - counts, counts)


def pairs(a: Codes, b: Codes) -> tuple[Codes, Codes, Codes]:
    """The distinct pairs (a[i], b[i]) as (their a, their b) and each entry's pair."""
    if len(a) == 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, empty
    width = int(b.max()) + 1
    distinct, inverse = np.unique(a.astype(np.int64) * width + b, return_inverse=True)
    first, second = np.divmod(distinct, width)
    return first.astype(np.intp), second.astype(np.intp), inverse.astype(np.intp)


def after_slash(values: Sequence[Any]) -> list[str]:
    """``str(value).split("/", 1)[-1]`` of each value: a reference after its agency."""
    try:
        texts = pa.array(values)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        texts = None
    if texts is None or texts.type != pa.string() or texts.null_count:
        return [str(value).split("/", 1)[-1] for value in values]
    # a slash put first where there is none, so that the part after the first is the answer
    slashed = pc.if_else(pc.match_substring(texts, "/"), texts,
                         pc.binary_join_element_wise("", texts, "/"))
    found: list[str] = pc.list_element(pc.split_pattern(slashed, "/", max_splits=1),
                                       1).to_pylist()
    return found
