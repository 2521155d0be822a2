"""The network in the files other tools open: GraphML, GEXF, FollowTheMoney and an i2 table.

Analysts look at a network in the tools they already use: Gephi (GEXF, with its timeline),
yEd, Cytoscape or networkx (GraphML), Aleph (FollowTheMoney entities) and i2 Analyst's
Notebook (a link table its import reads). Every writer takes the directed multigraph of
``tessera.network.tables`` (vertices ``name``, ``kind``, ``label``…, edges ``kind``,
``weight``, ``count``, ``amount``, ``first``, ``last`` and provenance) and writes its file whole
beside the target (``<name>.partial``) before moving it into place, so a reader never sees half
a file and a write that fails leaves nothing behind. Each says what it wrote and what it left
out (``Written``): a format that cannot say something does not say it silently.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import igraph as ig

from tessera.network.export.common import Written
from tessera.network.export.ftm import (
    ENTITY_SCHEMA,
    HELD,
    HOLDING,
    PROPERTY_OF,
    TYPED_LINKS,
    ftm,
)
from tessera.network.export.gexf import GEXF_NS, Columns, gexf
from tessera.network.export.graphml import graphml
from tessera.network.export.i2 import I2_COLUMNS, I2_TYPES, i2

__all__ = [
    "ENTITY_SCHEMA",
    "FORMATS",
    "GEXF_NS",
    "HELD",
    "HOLDING",
    "I2_COLUMNS",
    "I2_TYPES",
    "PROPERTY_OF",
    "TYPED_LINKS",
    "Columns",
    "Written",
    "ftm",
    "gexf",
    "graphml",
    "i2",
    "write",
]

FORMATS: dict[str, Callable[[ig.Graph, Path], Written]] = {
    "graphml": graphml, "gexf": gexf, "ftm": ftm, "i2": i2,
}


def write(graph: ig.Graph, fmt: str, path: Path) -> Written:
    """Write the graph in the format named (a key of ``FORMATS``)."""
    writer = FORMATS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown export format {fmt!r}: the formats are "
                         f"{', '.join(sorted(FORMATS))}")
    return writer(graph, path)
