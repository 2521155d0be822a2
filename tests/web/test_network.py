"""The network API and page: each user's network holds only what that user may see, every read
is audited (a kept one too), and the kept network is rebuilt when the hub changes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus, urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tessera.hub import admin, entities
from tessera.hub.access import Actor
from tessera.hub.models import AuditEntry
from tessera.web.routes.network import NetworkCache
from tests.web import test_browser
from tests.web.conftest import PASSWORD, Web, submit

# The browser test's fixtures, shared with this module (Debian's Chromium, uvicorn, tabs).
browser = test_browser.browser
server = test_browser.server
tab = test_browser.tab

ENDPOINTS = ("summary", "key-players", "communities", "disrupt", "path", "neighbourhood")
SHARED_PHONE = "+380 67 123 4567"
SECRET = "person:DE-FIU/DE-S1"  # DE-FIU's own, shared with nobody
ORGANISER, RECRUITER = "person:UA-POL/UA-N1", "person:UA-POL/UA-N2"
VICTIMS = ("person:UA-POL/UA-N3", "person:UA-POL/UA-N4")
COMPANY = "organization:UA-POL/UA-O1"


@pytest.fixture
def ring(web: Web) -> Web:
    """A recruitment ring at UA-POL, shared with every member: an organiser, a recruiter who
    pays him, two victims who consented to sharing, the organiser's phone and a company. And
    at DE-FIU, for its own eyes only, a money handler who uses the organiser's phone."""
    members = {"sharing_scope": "members"}
    submit(web.world, "UA-POL", [{**r, **members} for r in [
        {"record_type": "person", "ref": "UA-N1", "name": "Taras Melnyk", "roles": "organiser"},
        {"record_type": "person", "ref": "UA-N2", "name": "Petro Koval", "roles": "recruiter"},
        {"record_type": "person", "ref": "UA-N3", "name": "Anna Shevchenko", "roles": "victim",
         "consent": "given"},
        {"record_type": "person", "ref": "UA-N4", "name": "Oksana Lys", "roles": "victim",
         "consent": "given"},
        {"record_type": "organization", "ref": "UA-O1", "name": "Melnyk & <Sons>",
         "kind": "company"},
        {"record_type": "relation", "ref": "UA-R1", "kind": "controlled", "source_ref": "UA-N1",
         "target_ref": "UA-N2"},
        {"record_type": "relation", "ref": "UA-R2", "kind": "recruited", "source_ref": "UA-N2",
         "target_ref": "UA-N3"},
        {"record_type": "relation", "ref": "UA-R3", "kind": "recruited", "source_ref": "UA-N2",
         "target_ref": "UA-N4"},
        {"record_type": "relation", "ref": "UA-R4", "kind": "owns", "source_ref": "UA-N1",
         "target_ref": "UA-O1"},
        {"record_type": "phone", "ref": "UA-T1", "owner_ref": "UA-N1", "number": SHARED_PHONE},
        {"record_type": "account", "ref": "UA-A1", "owner_ref": "UA-N1",
         "iban": "UA213223130000026007233566001"},
        {"record_type": "account", "ref": "UA-A2", "owner_ref": "UA-N2",
         "iban": "DE89370400440532013000"},
        {"record_type": "transaction", "ref": "UA-X1", "payer_account_ref": "UA-A2",
         "beneficiary_account_ref": "UA-A1", "amount": "900.00", "currency": "EUR",
         "timestamp": "2024-03-01"},
    ]])
    submit(web.world, "DE-FIU", [
        {"record_type": "person", "ref": "DE-S1", "name": "Dieter Geheim",
         "roles": "money_handler", "sharing_scope": "owner"},
        {"record_type": "phone", "ref": "DE-T1", "owner_ref": "DE-S1", "number": SHARED_PHONE,
         "sharing_scope": "owner"},
    ])
    return web


def _get(client: TestClient, endpoint: str, **params: Any) -> Any:
    answer = client.get(f"/api/v1/network/{endpoint}", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _nodes(client: TestClient) -> set[str]:
    return {p["node"] for p in _get(client, "key-players", limit=1000)}


def _reads(web: Web, username: str, action: str = "network.read") -> list[AuditEntry]:
    with web.world.hub.session() as s:
        found = list(s.scalars(select(AuditEntry).where(AuditEntry.username == username,
                                                        AuditEntry.action == action)
                               .order_by(AuditEntry.id)))
        s.expunge_all()
    return found


def _submitter(web: Web) -> TestClient:
    """de_sub: a submitter at DE-FIU, and nothing else."""
    with web.world.hub.session() as s:
        admin.create_user(s, "test", username="de_sub", agency_code="DE-FIU",
                          roles=["submitter"])
        admin.set_password(s, "test", "de_sub", PASSWORD)
    return web.signed_in("de_sub")


def test_an_owner_only_record_is_in_its_owners_network_and_no_one_elses(ring: Web) -> None:
    germany, ukraine, moldova = (ring.signed_in(u) for u in ("de_an", "ua_sub", "md_an"))
    assert {SECRET, ORGANISER} <= _nodes(germany)
    for other in (ukraine, moldova, germany, ukraine):  # kept networks are each their own
        if other is germany:
            assert SECRET in _nodes(germany)
            continue
        assert SECRET not in _nodes(other) and ORGANISER in _nodes(other)
        text = json.dumps([_get(other, e) for e in ("summary", "communities", "disrupt")])
        assert "Geheim" not in text and "DE-S1" not in text
        missing = other.get("/api/v1/network/path",
                            params={"a": "Dieter Geheim", "b": "Taras Melnyk"})
        assert missing.status_code == 404
        assert "Dieter Geheim" in missing.json()["detail"]
        assert "Geheim" not in other.get("/network").text
    # Only UA-POL sees its own UA-P1 (owner only): "Олег Петренко", written "Oleh Petrenko"
    assert "person:UA-POL/UA-P1" in _nodes(ukraine)
    assert "person:UA-POL/UA-P1" not in _nodes(moldova) | _nodes(germany)
    # DE-FIU sees its man meet the organiser at the phone they share; UA-POL sees one phone,
    # the organiser's own, folded into him
    assert _get(germany, "summary")["kinds"]["phone"] == 1
    (path,) = _get(germany, "path", a=SECRET, b=ORGANISER, k=3)["paths"]
    assert [(h["source"], h["target"], h["kinds"]) for h in path["hops"]] == [
        ("Dieter Geheim", "+380671234567", ["uses"]),
        ("+380671234567", "Taras Melnyk", ["uses"])]
    assert [h["records"] for h in path["hops"]] == [["DE-FIU/DE-T1"], ["UA-POL/UA-T1"]]


def test_the_summary_key_players_communities_and_disruption_describe_the_ring(
    ring: Web,
) -> None:
    ukraine = ring.signed_in("ua_sub")
    summary = _get(ukraine, "summary")
    # UA-P1 and UA-P2 of the suite's world, the ring's four; the ring's company, phone and
    # accounts
    assert summary["kinds"] == {"account": 2, "organization": 1, "person": 6, "phone": 1}
    assert summary["nodes"] == 10 and summary["ties"] == 8
    # identifiers held by one person are folded into them; victims are not ranked
    assert summary["actors"] == 7 and summary["rankable"] == 4
    players = _get(ukraine, "key-players", limit=2)
    assert [(p["rank"], p["label"]) for p in players] == [(1, "Taras Melnyk"),
                                                          (2, "Petro Koval")]
    assert players[0]["roles"] == ["organiser"]
    assert any("recorded as organiser" in r for r in players[0]["reasons"])
    communities = _get(ukraine, "communities")
    assert len(communities) == summary["communities"]
    assert sum(c["size"] for c in communities) == summary["actors"]
    assert sum(c["roles"].get("victim", 0) for c in communities) == 2
    # the accounts are folded into their holders, the payment between them with them
    assert sum(c["accounts"] for c in communities) == 0
    assert sum(c["money_within"] + c["money_out"] for c in communities) == 900.0
    disruption = _get(ukraine, "disrupt", k=1)
    assert disruption["k"] == 1 and disruption["nodes"] == 7
    plan = disruption["outcomes"][0]
    assert plan["strategy"] == "disruption plan"
    assert plan["removed"] in (["Taras Melnyk"], ["Petro Koval"])
    assert plan["fragmentation"] > disruption["fragmentation"]
    assert len(disruption["outcomes"]) == 7


def test_paths_name_each_hop_with_its_tie_kinds_and_records(ring: Web) -> None:
    ukraine = ring.signed_in("ua_sub")
    found = _get(ukraine, "path", a="Anna Shevchenko", b="Melnyk & <Sons>")
    assert found["a"] == "Anna Shevchenko"
    (path,) = found["paths"]
    assert [(h["source"], h["target"], h["kinds"], h["records"]) for h in path["hops"]] == [
        ("Anna Shevchenko", "Petro Koval", ["recruited"], ["UA-POL/UA-R2"]),
        ("Petro Koval", "Taras Melnyk", ["controlled", "paid"], ["UA-POL/UA-R1",
                                                                  "UA-POL/UA-X1"]),
        ("Taras Melnyk", "Melnyk & <Sons>", ["owns"], ["UA-POL/UA-R4"]),
    ]
    apart = _get(ukraine, "path", a="Ivan Bondar", b=ORGANISER)  # UA-P2 has no ties
    assert apart["paths"] == []


def test_a_node_outside_the_network_answers_404_with_the_reason(ring: Web) -> None:
    answer = ring.signed_in("ua_sub").get("/api/v1/network/path",
                                          params={"a": "Nobody Known", "b": ORGANISER})
    assert answer.status_code == 404
    assert answer.json()["detail"] == (
        "no node or case 'Nobody Known' in the network (give a node id, a label only one node "
        "has, or a case as AGENCY/ref)")
    page = ring.signed_in("ua_sub").get("/network", params={"a": ORGANISER, "b": "Nobody"})
    assert page.status_code == 200
    assert "no node or case &#39;Nobody&#39; in the network" in page.text


def _around(ties: list[dict[str, Any]]) -> list[tuple[str, str, list[str], list[str]]]:
    return [(t["source"], t["target"], t["kinds"], t["records"]) for t in ties]


def test_a_neighbourhood_lists_the_nodes_neighbours_with_their_tie_kinds_and_records(
    ring: Web,
) -> None:
    ukraine = ring.signed_in("ua_sub")
    near = _get(ukraine, "neighbourhood", node="Taras Melnyk")
    assert (near["node"], near["centre"], near["depth"]) == ("Taras Melnyk", [ORGANISER], 1)
    # his phone and account are folded into him: the payment from Petro Koval's account is
    # his, and no identifier is a neighbour
    assert [(n["node"], n["label"], n["kind"], n["roles"], n["hops"]) for n in near["nodes"]] == [
        (ORGANISER, "Taras Melnyk", "person", ["organiser"], 0),
        (RECRUITER, "Petro Koval", "person", ["recruiter"], 1),
        (COMPANY, "Melnyk & <Sons>", "organization", [], 1)]
    assert _around(near["ties"]) == [
        (ORGANISER, RECRUITER, ["controlled", "paid"], ["UA-POL/UA-R1", "UA-POL/UA-X1"]),
        (ORGANISER, COMPANY, ["owns"], ["UA-POL/UA-R4"])]
    assert (near["within"], near["capped"]) == (3, False)
    # two hops out: the victims Petro Koval recruited, and the ties that reach them
    far = _get(ukraine, "neighbourhood", node=ORGANISER, depth=2)
    assert [(n["node"], n["hops"]) for n in far["nodes"]][3:] == [(v, 2) for v in VICTIMS]
    assert _around(far["ties"])[2:] == [(RECRUITER, v, ["recruited"], [f"UA-POL/UA-R{n}"])
                                        for n, v in ((2, VICTIMS[0]), (3, VICTIMS[1]))]
    # cut at two nodes: the nearest (two records tie Petro Koval to him, one the company),
    # and the answer says it was cut
    cut = _get(ukraine, "neighbourhood", node=ORGANISER, depth=2, limit=2)
    assert [n["node"] for n in cut["nodes"]] == [ORGANISER, RECRUITER]
    assert (cut["within"], cut["capped"]) == (5, True)
    assert _around(cut["ties"]) == _around(near["ties"])[:1]
    # each call is a read of the network, audited
    assert len(_reads(ring, "ua_sub")) == 3
    for depth, limit in ((0, 10), (3, 10), (1, 0), (1, 501)):
        assert ukraine.get("/api/v1/network/neighbourhood", params={
            "node": ORGANISER, "depth": depth, "limit": limit}).status_code == 422


def test_a_node_only_another_agency_sees_has_no_neighbourhood_like_an_unknown_one(
    ring: Web,
) -> None:
    ukraine, germany = ring.signed_in("ua_sub"), ring.signed_in("de_an")
    unknown = "person:DE-FIU/DE-S9"  # no such record anywhere

    def refusal(node: str) -> str:
        answer = ukraine.get("/api/v1/network/neighbourhood", params={"node": node})
        assert answer.status_code == 404
        return str(answer.json()["detail"]).replace(repr(node), "NODE")

    assert refusal(SECRET) == refusal(unknown) == refusal("Dieter Geheim") == (
        "no node or case NODE in the network (give a node id, a label only one node has, or "
        "a case as AGENCY/ref)")
    page = ukraine.get("/network", params={"focus": SECRET})
    assert page.status_code == 200
    assert f"no node or case &#39;{SECRET}&#39; in the network" in page.text
    assert "Geheim" not in page.text and 'data-testid="focus-ties"' not in page.text
    # DE-FIU's analyst sees him, and how the phone he shares leads to the organiser
    near = _get(germany, "neighbourhood", node=SECRET, depth=2)
    assert [(n["label"], n["hops"]) for n in near["nodes"]] == [
        ("Dieter Geheim", 0), ("+380671234567", 1), ("Taras Melnyk", 2)]
    assert [t["records"] for t in near["ties"]] == [["DE-FIU/DE-T1"], ["UA-POL/UA-T1"]]


def _linked_dots(html: str) -> list[tuple[str, str]]:
    """The SVG's dots, each as (the node its link focuses on, the node it draws)."""
    svg = html.split('data-testid="network-picture"', 1)[1].split("</svg>", 1)[0]
    assert svg.count('class="node"') == svg.count("<a ")
    return [(unquote_plus(link), node) for link, node in re.findall(
        r'<a href="/network\?focus=([^"]+)">\s*<(?:circle|rect) class="node" '
        r'data-node="([^"]+)"', svg)]


def test_the_page_with_a_focus_pictures_its_neighbourhood_and_lists_its_ties(
    ring: Web,
) -> None:
    ukraine = ring.signed_in("ua_sub")
    page = ukraine.get("/network", params={"focus": ORGANISER})
    assert page.status_code == 200
    html = page.text
    assert "The neighbourhood of Taras Melnyk</h2>" in html
    # two neighbours are few: the picture goes two hops out, every dot a link to its own
    # neighbourhood, the id encoded whole
    dots = _linked_dots(html)
    assert {node for _, node in dots} == {ORGANISER, RECRUITER, COMPANY, *VICTIMS}
    assert all(link == node for link, node in dots)
    assert f'href="/network?{urlencode({"focus": RECRUITER})}"' in html
    assert "person%3AUA-POL%2FUA-N2" in html
    svg = html.split('data-testid="network-picture"', 1)[1].split("</svg>", 1)[0]
    assert svg.count('class="focus"') == 1  # the ring around the focus
    assert 'font-weight="bold">1. Taras Melnyk</text>' in svg
    assert "<Sons>" not in html and "Melnyk &amp; &lt;Sons&gt;</text>" in svg
    ties = html.split('data-testid="focus-ties"', 1)[1].split("</table>", 1)[0]
    rows = ties.split("<tbody>", 1)[1].split("</tr>")[:-1]
    assert len(rows) == 2  # his ties only, not those between his neighbours
    assert ">Petro Koval</a>" in rows[0] and '<span class="tag">controlled</span>' in rows[0]
    assert 'href="/records/UA-POL/UA-R1"' in rows[0] and 'href="/records/UA-POL/UA-X1"' in rows[0]
    assert ">Melnyk &amp; &lt;Sons&gt;</a>" in rows[1] and 'href="/records/UA-POL/UA-R4"' in rows[1]
    # the key players' picture links its dots the same way
    assert all(link == node for link, node in _linked_dots(ukraine.get("/network").text))
    assert len(_reads(ring, "ua_sub")) == 2  # each page a read of the network


def test_a_user_without_network_read_is_refused_everywhere_and_offered_no_link(
    ring: Web,
) -> None:
    submitter = _submitter(ring)
    for endpoint in ENDPOINTS:
        answer = submitter.get(f"/api/v1/network/{endpoint}",
                               params={"a": ORGANISER, "b": ORGANISER, "node": ORGANISER})
        assert answer.status_code == 403, endpoint
        assert "Melnyk" not in answer.text
    page = submitter.get("/network")
    assert page.status_code == 403 and "Melnyk" not in page.text
    assert 'href="/network"' not in submitter.get("/").text
    assert 'href="/network"' not in ring.signed_in("ua_aud").get("/").text
    assert ring.signed_in("ua_aud").get("/api/v1/network/summary").status_code == 403
    assert 'href="/network"' in ring.signed_in("de_an").get("/").text
    refused = _reads(ring, "de_sub")
    assert len(refused) == len(ENDPOINTS) + 1
    assert {e.outcome for e in refused} == {"refused"}


def test_every_read_is_audited_a_kept_one_too(ring: Web) -> None:
    ukraine = ring.signed_in("ua_sub")
    for n, endpoint in enumerate(ENDPOINTS, start=1):
        answer = ukraine.get(f"/api/v1/network/{endpoint}",
                             params={"a": ORGANISER, "b": ORGANISER, "node": ORGANISER})
        assert answer.status_code == 200, (endpoint, answer.text)
        assert len(_reads(ring, "ua_sub")) == n, endpoint
    ukraine.get("/network")
    reads = _reads(ring, "ua_sub")
    assert len(reads) == len(ENDPOINTS) + 1
    assert {(e.resource, e.outcome) for e in reads} == {("records:network", "ok")}
    kept = [json.loads(e.detail).get("kept", False) for e in reads]
    assert kept == [False] + [True] * len(ENDPOINTS)  # built once, then kept
    # whom the analyst looked into is in the entry: a path's ends, a neighbourhood's centre
    asked = {e: json.loads(r.detail).get("asked") for e, r in zip(ENDPOINTS, reads, strict=False)}
    assert asked["path"] == {"path": [ORGANISER, ORGANISER], "k": 3}
    assert asked["neighbourhood"] == {"neighbourhood": ORGANISER, "depth": 1}
    assert asked["summary"] is None
    # an analyst's network draws the agency's hits: each read, kept or not, reads them
    hit_reads = _reads(ring, "ua_sub", "hit.read")
    assert [e.resource for e in hit_reads] == ["hits:network"] * (len(ENDPOINTS) + 1)
    # the hub's analysts view entities too: that is audited on every read as well
    hub_analyst = ring.signed_in("io_an")
    for _ in range(2):
        _get(hub_analyst, "summary")
    assert len(_reads(ring, "io_an")) == 2
    assert [e.resource for e in _reads(ring, "io_an", "entity.read")] == ["entities:network"] * 2


def test_a_new_submission_or_a_new_linkage_makes_the_kept_network_stale(ring: Web) -> None:
    ukraine = ring.signed_in("ua_sub")
    assert _get(ukraine, "summary")["kinds"]["person"] == 6
    assert _get(ukraine, "summary")["kinds"]["person"] == 6  # kept
    csv = "record_type,ref,name,roles\nperson,UA-N9,Zenon Nowak,suspect\n"
    sent = ukraine.post("/api/v1/submissions", files={"file": ("more.csv", csv, "text/csv")})
    assert sent.status_code == 201, sent.text
    assert _get(ukraine, "summary")["kinds"]["person"] == 7
    assert "person:UA-POL/UA-N9" in _nodes(ukraine)
    assert [json.loads(e.detail).get("kept", False) for e in _reads(ring, "ua_sub")] == [
        False, True, False, True]
    assert ukraine.post("/api/v1/records/UA-N9/retraction",
                        json={"reason": "wrong person"}).status_code == 204
    assert "person:UA-POL/UA-N9" not in _nodes(ukraine)
    # the hub's analysts see each resolved entity as one node: a linkage run that finds
    # Ivan Bondar and Petro Koval to be one person rebuilds their network
    hub_analyst = ring.signed_in("io_an")
    before = _get(hub_analyst, "summary")["kinds"]["person"]
    with ring.world.hub.session() as s:
        (entity,) = entities.issue_ids(s, 1)
        entities.replace_members(s, admin.actor(s, "io_an"), {
            "UA-POL/UA-P2": (entity, 0.97), "UA-POL/UA-N2": (entity, 0.97)})
    assert _get(hub_analyst, "summary")["kinds"]["person"] == before - 1
    assert entity in _nodes(hub_analyst)


def _kept(actor: Actor) -> Any:
    """A stand-in for an analysed network: the cache reads only whose it is, and when."""
    return type("Kept", (), {"actor": actor, "fingerprint": (1, 2)})()


def test_a_kept_network_is_given_only_to_the_user_and_roles_it_was_built_for() -> None:
    cache = NetworkCache(users=2)
    analyst = Actor(1, "a", 1, "UA-POL", "police", frozenset({"analyst"}))
    entry = _kept(analyst)
    cache.put(entry)
    assert cache.get(analyst, (1, 2)) is entry
    assert cache.get(analyst, (1, 3)) is None  # the hub changed
    demoted = Actor(1, "a", 1, "UA-POL", "police", frozenset({"coordinator"}))
    assert cache.get(demoted, (1, 2)) is None
    other = Actor(2, "b", 2, "DE-FIU", "fiu", frozenset({"analyst"}))
    assert cache.get(other, (1, 2)) is None
    for user in (2, 3):  # at most two users are kept, the least recently read dropped
        cache.put(_kept(Actor(user, f"u{user}", 1, "UA-POL", "police", frozenset({"analyst"}))))
    assert cache.get(analyst, (1, 2)) is None


def test_the_page_shows_the_picture_tables_and_a_path(ring: Web) -> None:
    ukraine = ring.signed_in("ua_sub")
    page = ukraine.get("/network", params={"a": "Anna Shevchenko", "b": "Taras Melnyk"})
    assert page.status_code == 200
    html = page.text
    svg = html.split('data-testid="network-picture"', 1)[1].split("</svg>", 1)[0]
    dots = re.findall(r'class="node" data-node="([^"]+)"', svg)
    assert ORGANISER in dots and "person:UA-POL/UA-N3" in dots
    assert "1. Taras Melnyk</text>" in svg  # key players are labelled
    assert "<title>Taras Melnyk (person), community" in svg
    assert "&lt;Sons&gt;" in html and "<Sons>" not in html  # record content is escaped
    players = html.split('data-testid="key-players"', 1)[1].split("</table>", 1)[0]
    assert players.count("<tr>") == 1 + 4  # the header and the four ranked
    assert html.count('data-testid="path-1"') == 1
    assert "UA-POL/UA-R2" in html and 'href="/records/UA-POL/UA-R2"' in html


def test_the_page_narrows_the_picture_and_the_key_players_to_a_role(ring: Web) -> None:
    """Narrowed to recruiters, the picture holds the recruiters alone (they are not each
    other's neighbours) and the table lists them with their rank in the whole network."""
    ukraine = ring.signed_in("ua_sub")
    ranked = _get(ukraine, "key-players", limit=100)
    recruiters = [(str(p["rank"]), p["label"], p["node"]) for p in ranked
                  if "recruiter" in p["roles"]]
    assert RECRUITER in {node for _, _, node in recruiters}
    html = ukraine.get("/network", params={"role": "recruiter"}).text
    svg = html.split('data-testid="network-picture"', 1)[1].split("</svg>", 1)[0]
    assert set(re.findall(r'class="node" data-node="([^"]+)"', svg)) == {
        node for _, _, node in recruiters}
    narrowed = html.split('data-testid="key-players"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<td class="num">(\d+)</td><td><a href="[^"]*">([^<]+)</a>',
                      narrowed) == [(rank, label) for rank, label, _ in recruiters]
    assert "recorded as recruiter" in html.split('data-testid="narrowed"', 1)[1][:300]
    assert '<option value="recruiter" selected>' in html
    # a role no one has: an empty picture and table, not an error
    empty = ukraine.get("/network", params={"role": "broker"})
    assert empty.status_code == 200 and 'class="node"' not in empty.text


def test_the_network_page_draws_the_picture_in_a_browser(
    ring: Web, db_url: str, tab: Callable[[], test_browser.Tab],
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the browser tests run on SQLite: the web layer is their subject")
    analyst = tab()
    analyst.sign_in("de_an", then="/network")
    assert analyst.path() == "/network"
    analyst.screenshot("de_an-network")
    picture = analyst.page.get_by_test_id("network-picture")
    assert picture.is_visible()
    assert picture.locator(".node").count() >= 5
    box = picture.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 200
    ranked = analyst.column("key-players", 2)
    assert len(ranked) == 4  # the ring's organiser and recruiter, Ivan Bondar, Dieter Geheim
    assert {"Taras Melnyk", "Dieter Geheim"} <= {r.split("\n")[0] for r in ranked}
    analyst.page.get_by_label("From").fill("Dieter Geheim")
    analyst.page.get_by_label("To").fill("Taras Melnyk")
    with analyst.page.expect_navigation():
        analyst.page.get_by_role("button", name="Find paths").click()
    assert analyst.column("path-1", 3) == ["uses", "uses"]
    # a click on a dot opens that node's neighbourhood, and on from there
    with analyst.page.expect_navigation():
        picture.locator(f'[data-node="{RECRUITER}"]').click()
    assert analyst.path() == f"/network?{urlencode({'focus': RECRUITER})}"
    assert analyst.page.get_by_test_id("focus").inner_text() == "The neighbourhood of Petro Koval"
    tied = {r.split("\n")[0]: kinds for r, kinds in zip(
        analyst.column("focus-ties", 1), analyst.column("focus-ties", 3), strict=True)}
    assert tied == {"Taras Melnyk": "controlled paid", "Anna Shevchenko": "recruited",
                    "Oksana Lys": "recruited"}
    analyst.screenshot("de_an-network-focus")
    with analyst.page.expect_navigation():
        analyst.page.get_by_test_id("network-picture").locator(
            f'[data-node="{ORGANISER}"]').click()
    assert analyst.page.get_by_test_id("focus").inner_text() == "The neighbourhood of Taras Melnyk"
    # DE-FIU sees the phone he shares with Dieter Geheim, and the picture reaches him
    assert [r.split("\n")[0] for r in analyst.column("focus-ties", 1)] == [
        "Petro Koval", "+380671234567", "Melnyk & <Sons>"]
    assert analyst.column("focus-ties", 3)[1] == "uses"
    assert analyst.page.get_by_test_id("network-picture").locator(
        f'a [data-node="{SECRET}"]').count() == 1
    assert analyst.problems == []
