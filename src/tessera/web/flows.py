"""The corridors as a flow picture: origins on the left, transit countries in the middle,
destinations on the right, each corridor a band as wide as the people who took it.

Drawn on the server as SVG (no script, like the network's picture): a country is a bar in
each column it plays a part in, as tall as the people passing it there; a corridor's band
runs from its origin's bar through its transits' to its destination's.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from tessera.web.schemas import CorridorPublic

WIDTH, HEIGHT, PAD, BAR = 760, 360, 24, 12
MAX_CORRIDORS = 30  # the busiest; a picture of more is a tangle
COLUMNS = ("origin", "transit", "destination")
# One colour per origin, in turn (colour-blind safe: Okabe and Ito's palette).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")


@dataclass(frozen=True, slots=True)
class Bar:
    country: str
    column: str
    x: float
    y: float
    height: float
    people: int


@dataclass(frozen=True, slots=True)
class Band:
    route: str
    people: int
    width: float
    colour: str
    d: str  # the SVG path through the bars' middles


@dataclass(frozen=True, slots=True)
class Flows:
    width: int
    height: int
    bars: tuple[Bar, ...]
    bands: tuple[Band, ...]
    shown: int
    total: int


def flows(corridors: list[CorridorPublic]) -> Flows:
    """The picture of the ``MAX_CORRIDORS`` corridors with most people."""
    chosen = sorted(corridors, key=lambda c: (-c.people, c.route))[:MAX_CORRIDORS]
    through: dict[tuple[str, str], int] = defaultdict(int)
    for c in chosen:
        through[(c.origin, "origin")] += c.people
        for t in dict.fromkeys(c.transits):
            through[(t, "transit")] += c.people
        through[(c.destination, "destination")] += c.people
    scale = (HEIGHT - 2 * PAD) / max(1, max(
        (sum(n for (_, col), n in through.items() if col == column) for column in COLUMNS),
        default=1)) * 0.8
    place: dict[tuple[str, str], Bar] = {}
    for n, column in enumerate(COLUMNS):
        here = sorted(((k, v) for k, v in through.items() if k[1] == column),
                      key=lambda kv: (-kv[1], kv[0][0]))
        gap = (HEIGHT - 2 * PAD - sum(v for _, v in here) * scale) / max(1, len(here))
        y = PAD + gap / 2
        x = PAD + n * (WIDTH - 2 * PAD - BAR) / 2
        for key, people in here:
            place[key] = Bar(key[0], column, x, y, people * scale, people)
            y += people * scale + gap
    colours = {o: PALETTE[i % len(PALETTE)]
               for i, o in enumerate(dict.fromkeys(c.origin for c in chosen))}
    used: dict[tuple[str, str], float] = defaultdict(float)  # each bar filled top down
    bands = []
    for c in chosen:
        stops = [(c.origin, "origin"), *((t, "transit") for t in dict.fromkeys(c.transits)),
                 (c.destination, "destination")]
        width = c.people * scale
        points = []
        for key in stops:
            bar = place[key]
            points.append((bar.x + BAR / 2, bar.y + used[key] + width / 2))
            used[key] += width
        d = f"M{points[0][0]:.1f},{points[0][1]:.1f}" + "".join(
            f" C{(x0 + x1) / 2:.1f},{y0:.1f} {(x0 + x1) / 2:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
            for (x0, y0), (x1, y1) in itertools.pairwise(points))
        bands.append(Band(c.route, c.people, max(1.0, width), colours[c.origin], d))
    return Flows(WIDTH, HEIGHT, tuple(place.values()), tuple(bands), len(chosen),
                 len(corridors))
