"""GraphML (yEd, Cytoscape, Gephi, networkx), written by igraph."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import igraph as ig

from tessera.files import atomic
from tessera.network.export.common import Written, _text


def _plain(values: Sequence[Any]) -> list[Any]:
    """An attribute column GraphML can carry. igraph writes ``None`` in a text column as the
    word "None" and types a column of ``None`` as boolean, so: numbers stay numbers (a missing
    one becomes NaN, which igraph leaves out of the file, i.e. missing), complete true/false
    columns stay boolean, anything else becomes text with ``None`` empty."""
    present = [v for v in values if v is not None]
    if present and len(present) == len(values) and all(isinstance(v, bool) for v in present):
        return list(values)
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return [math.nan if v is None else float(v) for v in values]
    return [_text(v) for v in values]


def graphml(graph: ig.Graph, path: Path) -> Written:
    """GraphML (yEd, Cytoscape, Gephi, networkx) with every vertex and edge attribute."""
    clean = graph.copy()
    for seq in (clean.vs, clean.es):
        for name in seq.attributes():
            seq[name] = _plain(seq[name])
    with atomic(path) as partial:
        clean.write_graphml(str(partial))
    return Written(Counter(nodes=graph.vcount(), edges=graph.ecount()))
