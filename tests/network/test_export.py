"""The network written for Gephi, yEd, Aleph and Analyst's Notebook reads back as it was."""

from __future__ import annotations

import csv
import importlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import igraph as ig
import pytest
from followthemoney import model
from followthemoney.proxy import EntityProxy

from tessera.network import export, graph, tables
from tessera.standard.records import ANY_RECORD, Record

AGENCY = "NL-POL"
NS = {"g": export.GEXF_NS}
ANNA, BORIS, CARL = (f"person:{AGENCY}/P-{i}" for i in (1, 2, 3))
# Anna and Carl both use this phone: it is no one's alone.
SHARED_PHONE = "phone:+31687654321"

ROWS: list[dict[str, str]] = [
    {"record_type": "person", "ref": "P-1", "name": "Anna Smit", "roles": "victim",
     "nationalities": "NL"},
    {"record_type": "person", "ref": "P-2", "name": "Boris Kade", "roles": "suspect"},
    {"record_type": "person", "ref": "P-3", "name": "Carl Dorn"},
    {"record_type": "organization", "ref": "O-1", "name": "Kade Transport BV", "country": "NL"},
    {"record_type": "phone", "ref": "T-1", "owner_ref": "P-2", "number": "+31 6 12345678"},
    {"record_type": "phone", "ref": "T-2", "owner_ref": "P-1", "number": "+31 6 87654321"},
    {"record_type": "phone", "ref": "T-3", "owner_ref": "P-3", "number": "+31 6 87654321"},
    {"record_type": "identity_document", "ref": "D-1", "owner_ref": "P-1", "kind": "passport",
     "number": "NX1234567", "issuing_country": "NL"},
    {"record_type": "account", "ref": "A-1", "owner_ref": "P-2",
     "iban": "DE89 3704 0044 0532 0130 00"},
    {"record_type": "account", "ref": "A-2", "owner_ref": "P-1",
     "iban": "GB82 WEST 1234 5698 7654 32"},
    {"record_type": "account", "ref": "A-3", "account_number": "12345678", "country": "NL"},
    {"record_type": "transaction", "ref": "TX-1", "payer_account_ref": "A-1",
     "beneficiary_account_ref": "A-2", "amount": "100.00", "currency": "EUR",
     "timestamp": "2023-04-01"},
    {"record_type": "transaction", "ref": "TX-2", "payer_account_ref": "A-1",
     "beneficiary_account_ref": "A-2", "amount": "50.00", "currency": "EUR",
     "timestamp": "2023-05-02"},
    {"record_type": "transaction", "ref": "TX-3", "payer_account_ref": "A-3",
     "beneficiary_account_ref": "A-2", "amount": "20.00", "currency": "EUR",
     "timestamp": "2023-05-03"},
    {"record_type": "relation", "ref": "REL-1", "kind": "recruited", "source_ref": "P-2",
     "target_ref": "P-1", "started": "2023-02-10"},
    {"record_type": "relation", "ref": "REL-2", "kind": "owns", "source_ref": "P-2",
     "target_ref": "O-1"},
]


def _records() -> Iterator[tuple[str, Record]]:
    for row in ROWS:
        yield AGENCY, ANY_RECORD.validate_python(row)


@pytest.fixture
def network() -> ig.Graph:
    return tables.graph_of(graph.build(_records()))


def _edge(g: ig.Graph, source: str, target: str, kind: str) -> Any:
    (found,) = [e for e in g.es if e["kind"] == kind
                and (g.vs[e.source]["name"], g.vs[e.target]["name"]) == (source, target)]
    return found


def _entities(path: Path) -> list[EntityProxy]:
    """The entities of an FtM file, each checked: FtM reads it back (cleaning every value
    again, which changes none), and it has every property its schema requires."""
    entities = []
    for line in path.read_text("utf-8").splitlines():
        data = json.loads(line)
        entity = model.get_proxy(data, cleaned=False)
        assert entity.to_dict() == data
        assert all(entity.get(p) for p in entity.schema.required), data
        entities.append(entity)
    return entities


def _named(entities: list[EntityProxy], name: str) -> EntityProxy:
    (found,) = [e for e in entities if name in e.get("name", quiet=True)]
    return found


# GraphML


def test_graphml_round_trips_through_igraph(network: ig.Graph, tmp_path: Path) -> None:
    path = tmp_path / "net.graphml"
    written = export.graphml(network, path)
    again = ig.Graph.Read_GraphML(str(path))
    assert written.counts == {"nodes": network.vcount(), "edges": network.ecount()}
    assert again.is_directed()
    assert again.vs["name"] == network.vs["name"]
    assert again.vs["kind"] == network.vs["kind"]
    assert again.ecount() == network.ecount()
    paid = _edge(again, f"account:{'DE89370400440532013000'}", "account:GB82WEST12345698765432",
                 "paid")
    assert paid["amount"] == 150.0 and paid["count"] == 2
    assert paid["first"] == "2023-04-01" and paid["last"] == "2023-05-02"


def test_graphml_writes_missing_values_as_missing_not_none(tmp_path: Path) -> None:
    g = ig.Graph(n=2, edges=[(0, 1)], directed=True)
    g.vs["name"] = ["a", "b"]
    g.vs["label"] = ["Anna", None]
    g.es["amount"] = [None]
    path = tmp_path / "net.graphml"
    export.graphml(g, path)
    assert "None" not in path.read_text("utf-8")
    again = ig.Graph.Read_GraphML(str(path))
    assert again.vs["label"] == ["Anna", ""]


# GEXF


def test_gexf_has_the_nodes_edges_weights_and_time_spans(network: ig.Graph,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "net.gexf"
    export.gexf(network, path)
    root = ET.parse(path).getroot()  # noqa: S314 (the file the test wrote)
    assert root.tag == f"{{{export.GEXF_NS}}}gexf" and root.get("version") == "1.3"
    element = root.find("g:graph", NS)
    assert element is not None
    assert element.get("defaultedgetype") == "directed"
    assert element.get("timeformat") == "date" and element.get("mode") == "dynamic"
    tags = [child.tag.rpartition("}")[2] for child in element]
    assert tags == ["attributes", "attributes", "nodes", "edges"]  # the order GEXF requires
    nodes = {n.get("id", ""): n for n in root.iterfind("g:graph/g:nodes/g:node", NS)}
    assert sorted(nodes) == sorted(network.vs["name"])
    assert nodes[BORIS].get("label") == "Boris Kade"
    kinds = {a.get("for"): a.get("value") for a in nodes[BORIS].iterfind(".//g:attvalue", NS)}
    assert kinds["kind"] == "person" and kinds["roles"] == "suspect"
    edges = root.findall("g:graph/g:edges/g:edge", NS)
    assert len(edges) == network.ecount()
    (paid,) = [e for e in edges if e.get("kind") == "paid" and e.get("source", "").endswith("000")]
    assert paid.get("target") == "account:GB82WEST12345698765432"
    assert float(paid.get("weight", "")) == pytest.approx(_edge(
        network, "account:DE89370400440532013000", "account:GB82WEST12345698765432",
        "paid")["weight"])
    assert (paid.get("start"), paid.get("end")) == ("2023-04-01", "2023-05-02")
    (recruited,) = [e for e in edges if e.get("kind") == "recruited"]
    assert (recruited.get("source"), recruited.get("target")) == (BORIS, ANNA)
    assert recruited.get("start") == "2023-02-10"


def test_gexf_leaves_out_dates_that_are_not_dates(tmp_path: Path) -> None:
    g = ig.Graph(n=2, edges=[(0, 1)], directed=True)
    g.vs["name"] = ["a", "b"]
    g.es["first"], g.es["last"] = ["sometime"], ["2020-01-01"]
    path = tmp_path / "net.gexf"
    export.gexf(g, path)
    root = ET.parse(path).getroot()  # noqa: S314 (the file the test wrote)
    edge = root.find("g:graph/g:edges/g:edge", NS)
    assert edge is not None and edge.get("start") is None and edge.get("end") == "2020-01-01"


# FollowTheMoney


def test_ftm_entities_validate_and_a_payment_links_the_account_holders(
    network: ig.Graph, tmp_path: Path
) -> None:
    path = tmp_path / "net.ftm.json"
    written = export.ftm(network, path)
    entities = _entities(path)
    assert sum(c for k, c in written.counts.items() if " " not in k) == len(entities)
    anna, boris = _named(entities, "Anna Smit"), _named(entities, "Boris Kade")
    payments = [e for e in entities if e.schema.name == "Payment"]
    (payment,) = payments  # A-3 has no holder: its payment has no payer
    assert payment.get("payer") == [boris.id] and payment.get("beneficiary") == [anna.id]
    accounts = {e.id: e for e in entities if e.schema.name == "BankAccount"}
    assert accounts[payment.first("payerAccount")].get("iban") == ["DE89370400440532013000"]
    assert payment.get("amount") == ["150.00"]
    assert payment.get("startDate") == ["2023-04-01"]
    assert payment.get("endDate") == ["2023-05-02"]
    assert written.skipped["payment with no known payer or beneficiary"] == 1
    (passport,) = [e for e in entities if e.schema.name == "Passport"]
    assert passport.get("holder") == [anna.id] and passport.get("number") == ["NX1234567"]
    (recruited,) = [e for e in entities if e.schema.name == "UnknownLink"
                    and e.get("role") == ["recruited"]]
    assert recruited.get("subject") == [boris.id] and recruited.get("object") == [anna.id]
    assert "NL-POL/REL-1" in (recruited.first("summary") or "")


def test_ftm_a_phone_held_by_one_person_is_their_phone(network: ig.Graph,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "net.ftm.json"
    written = export.ftm(network, path)
    entities = _entities(path)
    assert _named(entities, "Boris Kade").get("phone") == ["+31612345678"]
    assert written.counts["phone property"] == 1
    # the phone Anna and Carl share is on neither: the export says it left it out
    for name in ("Anna Smit", "Carl Dorn"):
        assert _named(entities, name).get("phone") == []
    assert written.skipped["phone without exactly one holder"] == 1


def test_ftm_an_owned_organisation_is_a_company_and_its_ownership_an_entity(
    network: ig.Graph, tmp_path: Path
) -> None:
    path = tmp_path / "net.ftm.json"
    export.ftm(network, path)
    entities = _entities(path)
    company = _named(entities, "Kade Transport BV")
    assert company.schema.name == "Company" and company.schema.is_a("Organization")
    owners = {e.first("owner") for e in entities if e.schema.name == "Ownership"
              and e.get("asset") == [company.id]}
    assert owners == {_named(entities, "Boris Kade").id}


# i2 Analyst's Notebook


def test_i2_has_one_row_per_tie_with_the_columns_anb_imports(network: ig.Graph,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "net.csv"
    written = export.i2(network, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as src:
        reader = csv.DictReader(src)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == export.I2_COLUMNS
    assert len(rows) == network.ecount() == written.counts["links"]
    (paid,) = [r for r in rows if r["Link Type"] == "paid"
               and r["Entity1 Id"] == "account:DE89370400440532013000"]
    assert paid["Entity2 Type"] == "Account" and paid["Link Direction"] == "->"
    assert (paid["Count"], paid["Amount"]) == ("2", "150.00")
    assert (paid["Date First"], paid["Date Last"]) == ("2023-04-01", "2023-05-02")
    assert paid["Records"] == "NL-POL/TX-1;NL-POL/TX-2"
    (recruited,) = [r for r in rows if r["Link Type"] == "recruited"]
    assert (recruited["Entity1 Label"], recruited["Entity2 Label"]) == ("Boris Kade",
                                                                         "Anna Smit")
    assert recruited["Entity1 Type"] == "Person" and recruited["Amount"] == ""


# choosing a format, and failing


def test_write_dispatches_by_name(network: ig.Graph, tmp_path: Path) -> None:
    path = tmp_path / "net.csv"
    assert export.write(network, "i2", path).counts["links"] == network.ecount()
    assert path.exists()


def test_an_unknown_format_names_the_valid_ones(network: ig.Graph, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"'pajek'.*ftm, gexf, graphml, i2"):
        export.write(network, "pajek", tmp_path / "net.net")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", sorted(export.FORMATS))
def test_a_failing_write_leaves_no_file(network: ig.Graph, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "missing" / "net.out"
    with pytest.raises(OSError):
        export.write(network, fmt, path)
    assert not path.exists()
    assert not path.with_name(path.name + ".partial").exists()


def test_a_write_failing_midway_keeps_the_previous_file(
    network: ig.Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "net.csv"
    path.write_text("the previous export", encoding="utf-8")

    def broken(graph: ig.Graph) -> Iterator[list[str]]:
        yield ["a row"]
        raise RuntimeError("disk full")

    # the i2 module's own rows (the package's ``export.i2`` is its writer function)
    monkeypatch.setattr(importlib.import_module("tessera.network.export.i2"), "_i2_rows",
                        broken)
    with pytest.raises(RuntimeError, match="disk full"):
        export.i2(network, path)
    assert path.read_text("utf-8") == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.csv"]
