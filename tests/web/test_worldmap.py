"""The corridor map: shapes read and projected right, the view cut to the corridors, curves
through the transit countries, and what has no shape said rather than dropped silently."""

from __future__ import annotations

import re

from tessera.web import worldmap
from tessera.web.schemas import CorridorPublic


def corridor(route: str, people: int) -> CorridorPublic:
    stops = route.split("→")
    return CorridorPublic(route=route, origin=stops[0], transits=stops[1:-1],
                          destination=stops[-1], rank=1, people=people, by_period={},
                          by_mode={}, by_crossing={}, by_documents={}, agencies=[])


def test_countries_are_where_they_belong() -> None:
    known = worldmap.countries()
    assert len(known) > 200 and {"UA", "MD", "XK", "MT", "LU"} <= set(known)
    # projected centres keep the map's order: west to east, south to north
    assert known["PT"].centre[0] < known["DE"].centre[0] < known["UA"].centre[0]
    assert known["NG"].centre[1] < known["IT"].centre[1] < known["NO"].centre[1]
    # France's centre is the mainland's, not pulled toward Guiana
    lon_fr = known["FR"].centre
    assert known["ES"].centre[1] < lon_fr[1] < known["GB"].centre[1]


def test_the_view_holds_the_corridors_and_marks_each_part() -> None:
    found = worldmap.world_map([corridor("UA→PL→DE", 120), corridor("NG→LY→IT", 40),
                                corridor("ZZ→DE", 5)], emerging=["NG→LY→IT"])
    parts = {s.code: s.part for s in found.shapes}
    assert (parts["UA"], parts["PL"], parts["DE"], parts["NG"], parts["LY"]) == (
        "origin", "transit", "destination", "origin", "transit")
    assert parts.get("FR") == ""  # in view, not on a corridor
    assert "US" not in parts and "JP" not in parts  # cut away
    assert found.unplaced == ("ZZ",) and found.total == 3
    routes = {r.route: r for r in found.routes}
    assert set(routes) == {"UA→PL→DE", "NG→LY→IT"}  # one end unplaced: no line
    assert routes["NG→LY→IT"].emerging and not routes["UA→PL→DE"].emerging
    assert routes["UA→PL→DE"].width == worldmap.MAX_WIDTH > routes["NG→LY→IT"].width
    assert routes["UA→PL→DE"].d.count("Q") == 2  # through Poland: two curves
    for label in found.labels:  # every label inside the picture
        assert 0 <= label.x <= found.width and 0 <= label.y <= found.height


def test_outlines_are_light_enough_for_a_page() -> None:
    wide = worldmap.world_map([corridor("VN→RU→GB", 10), corridor("BR→PT", 5)])
    size = sum(len(s.d) for s in wide.shapes)
    assert 20_000 < size < 400_000
    assert all(re.fullmatch(r"(M[\d.,L-]+Z)+", s.d) for s in wide.shapes if s.d)
