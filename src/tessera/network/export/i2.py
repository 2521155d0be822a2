"""An i2 Analyst's Notebook link table, one row a tie, for ANB's import."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import igraph as ig

from tessera.files import atomic
from tessera.network.export.common import Written, _column, _number, _span, _text

I2_COLUMNS = ("Entity1 Id", "Entity1 Type", "Entity1 Label", "Link Type", "Entity2 Id",
              "Entity2 Type", "Entity2 Label", "Link Direction", "Date First", "Date Last",
              "Count", "Amount", "Agencies", "Cases", "Records")
# Readable entity types for the import specification to map to ANB's icons; a kind not
# listed (plain files may have any) passes through as it is.
I2_TYPES = {"person": "Person", "organization": "Organisation", "account": "Account",
            "phone": "Telephone", "email": "Email Address", "address": "Address",
            "vehicle": "Vehicle", "document": "Document", "handle": "Online Account"}


def _i2_rows(graph: ig.Graph) -> Iterator[list[str]]:
    names = [_text(n) or str(i) for i, n in enumerate(_column(graph.vs, "name", None))]
    kinds = [_text(k) for k in _column(graph.vs, "kind", "person")]
    labels = [_text(v) or names[i] for i, v in enumerate(_column(graph.vs, "label", None))]
    es = graph.es
    columns = {c: _column(es, c) for c in ("kind", "first", "last", "count", "amount",
                                           "agencies", "cases", "records")}
    for edge in es:
        i, ends = edge.index, edge.tuple
        one, two = ([names[v], I2_TYPES.get(kinds[v], kinds[v]), labels[v]] for v in ends)
        first, last = _span(columns["first"][i], columns["last"][i])
        amount = _number(columns["amount"][i])
        yield [*one, _text(columns["kind"][i]) or "tie", *two, "->", first or "", last or "",
               str(int(_number(columns["count"][i]))), f"{amount:.2f}" if amount else "",
               _text(columns["agencies"][i]), _text(columns["cases"][i]),
               _text(columns["records"][i])]


def i2(graph: ig.Graph, path: Path) -> Written:
    """An i2 Analyst's Notebook link table: one row a tie, both ends' id, type and label, the
    tie's kind, direction, dates, count, amount and provenance. UTF-8 with a byte-order mark,
    which ANB's import needs to read names in other scripts as they are."""
    rows = 0
    with atomic(path) as partial, partial.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(I2_COLUMNS)
        for row in _i2_rows(graph):
            writer.writerow(row)
            rows += 1
    return Written(Counter(links=rows))
