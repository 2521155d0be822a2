"""The corridors on a world map, drawn on the server as SVG.

Country shapes are Natural Earth's 1:50m countries as the npm package ``world-atlas`` ships
them (vendored under ``static/vendor/world-atlas``, TopoJSON). A TopoJSON reader and the
Natural Earth projection are a few dozen lines of arithmetic, written here rather than
adding a GIS library (shapely, pyproj) to draw one picture; the page stays free of scripts,
as the content security policy wants.

The map is cut to the countries the corridors touch, with a margin; a corridor is a curve
from its origin's centre through its transit countries' to its destination's, as wide as its
people, coloured by origin (the flow picture's colours), dashed when it is emerging.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycountry

from tessera.web.flows import MAX_CORRIDORS, PALETTE
from tessera.web.schemas import CorridorPublic

SHAPES = Path(__file__).parent / "static" / "vendor" / "world-atlas" / "countries-50m.json"
WIDTH, HEIGHT = 760, 420
MARGIN = 0.12  # of the view's span, around the countries the corridors touch
MAX_WIDTH = 14.0  # px, the busiest corridor's stroke
DETAIL = 2.0  # px: the smallest step a country's outline takes
# Natural Earth features with no ISO 3166 numeric code that agencies do name
NO_NUMERIC = {"Kosovo": "XK"}

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def _box(ring: Sequence[Point]) -> Box:
    xs = [x for x, _ in ring]
    ys = [y for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _project(lon: float, lat: float) -> Point:
    """Natural Earth I (Šavrič, Jenny, Patterson, Petrovič and Hurni 2011), in radians' units;
    y grows northward."""
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166 alpha-2
    name: str
    rings: tuple[tuple[Point, ...], ...]  # projected
    centre: Point  # projected: the centroid of its largest piece
    boxes: tuple[Box, ...]  # each ring's


def _area_centroid(ring: Sequence[Point]) -> tuple[float, Point]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        xs, ys = zip(*ring, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


@functools.cache
def countries() -> dict[str, Country]:
    """Every country of the shapes by ISO alpha-2 code, projected (read once)."""
    topo = json.loads(SHAPES.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs: list[list[Point]] = []
    for arc in topo["arcs"]:  # delta-encoded, quantised positions
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(_project(x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: Iterable[int]) -> tuple[Point, ...]:
        out: list[Point] = []
        for i in indexes:
            piece = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(piece if not out else piece[1:])
        return tuple(out)

    found: dict[str, Country] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        name = g.get("properties", {}).get("name", "")
        known = pycountry.countries.get(numeric=g["id"]) if g.get("id") else None
        code = known.alpha_2 if known else NO_NUMERIC.get(name)
        if code is None or g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        rings = tuple(ring(r) for polygon in polygons for r in polygon)
        outer = [ring(polygon[0]) for polygon in polygons]
        _, centre = max((_area_centroid(r) for r in outer), key=lambda ac: ac[0])
        found[code] = Country(code, name, rings, centre, tuple(_box(r) for r in rings))
    return found


@dataclass(frozen=True, slots=True)
class Shape:
    code: str
    name: str
    d: str
    part: str  # origin, transit, destination, or "" for a country no corridor touches


@dataclass(frozen=True, slots=True)
class Route:
    route: str
    people: int
    width: float
    colour: str
    emerging: bool
    d: str


@dataclass(frozen=True, slots=True)
class Label:
    code: str
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class WorldMap:
    width: int
    height: int
    shapes: tuple[Shape, ...]
    routes: tuple[Route, ...]
    labels: tuple[Label, ...]
    shown: int
    total: int
    unplaced: tuple[str, ...]  # countries of the corridors the shapes do not hold


def world_map(corridors: list[CorridorPublic], emerging: Iterable[str] = ()) -> WorldMap:
    """The ``MAX_CORRIDORS`` busiest corridors on the map; ``emerging``: routes ("UA→PL→DE")
    to mark as emerging."""
    known = countries()
    chosen = sorted(corridors, key=lambda c: (-c.people, c.route))[:MAX_CORRIDORS]
    rising = set(emerging)
    part: dict[str, str] = {}
    for c in chosen:  # a country's strongest part: destination over origin over transit
        for code in c.transits:
            part.setdefault(code, "transit")
        part[c.origin] = "origin" if part.get(c.origin) != "destination" else "destination"
        part[c.destination] = "destination"
    placed = [known[code] for code in part if code in known]
    unplaced = tuple(sorted(code for code in part if code not in known))
    if placed:
        xs = [p.centre[0] for p in placed]
        ys = [p.centre[1] for p in placed]
    else:  # nothing to show: Europe and its neighbours
        xs, ys = [-0.3, 0.8], [0.5, 1.2]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span = max(x1 - x0, (y1 - y0) * WIDTH / HEIGHT, 0.35)  # at least a region around
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w = span * (0.5 + MARGIN)
    half_h = half_w * HEIGHT / WIDTH
    scale = WIDTH / (2 * half_w)

    def px(p: Point) -> Point:
        return (p[0] - cx + half_w) * scale, (cy + half_h - p[1]) * scale

    shapes = []
    for country in known.values():
        seen = [ring for ring, (bx0, by0, bx1, by1) in zip(country.rings, country.boxes,
                                                            strict=True)
                if bx1 >= cx - half_w and bx0 <= cx + half_w and by1 >= cy - half_h
                and by0 <= cy + half_h]  # pieces in view (not Alaska with Europe)
        if seen:
            shapes.append(Shape(country.code, country.name, _path(seen, px),
                                part.get(country.code, "")))

    top = max((c.people for c in chosen), default=1)
    colours = {o: PALETTE[i % len(PALETTE)]
               for i, o in enumerate(dict.fromkeys(c.origin for c in chosen))}
    routes = []
    for n, c in enumerate(chosen):
        stops = [px(known[code].centre) for code in (c.origin, *dict.fromkeys(c.transits),
                                                     c.destination) if code in known]
        if len(stops) < 2:
            continue
        bend = 0.12 + 0.04 * (n % 3)  # corridors sharing a country part a little
        d = f"M{stops[0][0]:.1f},{stops[0][1]:.1f}" + "".join(
            _curve(a, b, bend) for a, b in itertools.pairwise(stops))
        routes.append(Route(c.route, c.people, max(1.5, MAX_WIDTH * c.people / top),
                            colours[c.origin], c.route in rising, d))
    labels = tuple(Label(p.code, *px(p.centre)) for p in placed)
    return WorldMap(WIDTH, HEIGHT, tuple(shapes), tuple(routes), labels, len(chosen),
                    len(corridors), unplaced)


def _curve(a: Point, b: Point, bend: float) -> str:
    """A quadratic curve from ``a`` to ``b`` bowed to its left by ``bend`` of its length."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    qx, qy = mx - (b[1] - a[1]) * bend, my + (b[0] - a[0]) * bend
    return f" Q{qx:.1f},{qy:.1f} {b[0]:.1f},{b[1]:.1f}"


def _path(rings: Iterable[Sequence[Point]], px: Callable[[Point], Point]) -> str:
    """The rings as one SVG path in pixels: points within ``DETAIL`` pixels of the last kept
    one dropped, and islands smaller than that left out (a world-wide view would otherwise
    weigh half a megabyte)."""
    parts = []
    for ring in rings:
        out: list[Point] = []
        for p in ring:
            q = px(p)
            if not out or abs(q[0] - out[-1][0]) + abs(q[1] - out[-1][1]) >= DETAIL:
                out.append(q)
        if len(out) >= 3:
            parts.append("M" + "L".join(f"{x:.0f},{y:.0f}" for x, y in out) + "Z")
    return "".join(parts)
