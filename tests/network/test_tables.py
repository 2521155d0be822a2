"""The network's file form: node and edge tables written and read back, plain edge files from
elsewhere, errors that point at the cell, and the simple graph the analytics read."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import igraph as ig
import pytest

from tessera.network import graph, tables
from tessera.network.tables import TableError
from tessera.standard.records import ANY_RECORD, Record

AGENCY = "UA-POL"
ANNA, BORIS, CARL = (f"person:{AGENCY}/P{i}" for i in (1, 2, 3))
ANNAS_PHONE, SHARED_PHONE = "phone:+380501111111", "phone:+380502222222"
ANNAS_ACCOUNT, BORISS_ACCOUNT = "account:UA:111", "account:UA:222"


def recorded(*rows: dict[str, Any]) -> list[tuple[str, Record]]:
    return [(AGENCY, ANY_RECORD.validate_python(row, context={"country": "XX"}))
            for row in rows]


def network() -> graph.Network:
    """Anna alone uses one phone and shares another with Carl; Anna's account paid Boris's
    twice; Boris recruited Anna and controlled her (two ties between one pair)."""
    return graph.build(recorded(
        {"record_type": "person", "ref": "P1", "name": "Anna Smit", "roles": "victim"},
        {"record_type": "person", "ref": "P2", "name": "Boris Kade", "roles": "recruiter"},
        {"record_type": "person", "ref": "P3", "name": "Carl Dorn"},
        {"record_type": "phone", "ref": "T1", "owner_ref": "P1", "number": "+380501111111"},
        {"record_type": "phone", "ref": "T2", "owner_ref": "P1", "number": "+380502222222"},
        {"record_type": "phone", "ref": "T3", "owner_ref": "P3", "number": "+380502222222"},
        {"record_type": "account", "ref": "A1", "owner_ref": "P1", "account_number": "111",
         "country": "UA"},
        {"record_type": "account", "ref": "A2", "owner_ref": "P2", "account_number": "222",
         "country": "UA"},
        {"record_type": "transaction", "ref": "X1", "payer_account_ref": "A1",
         "beneficiary_account_ref": "A2", "amount": "100", "currency": "EUR",
         "timestamp": "2023-01-05"},
        {"record_type": "transaction", "ref": "X2", "payer_account_ref": "A1",
         "beneficiary_account_ref": "A2", "amount": "40", "currency": "EUR",
         "timestamp": "2023-02-05"},
        {"record_type": "relation", "ref": "R1", "kind": "recruited", "source_ref": "P2",
         "target_ref": "P1"},
        {"record_type": "relation", "ref": "R2", "kind": "controlled", "source_ref": "P2",
         "target_ref": "P1"},
    ))


def vertex(g: ig.Graph, name: str) -> ig.Vertex:
    (found,) = g.vs.select(name_eq=name)
    return found


def edge_between(g: ig.Graph, a: str, b: str) -> ig.Edge:
    return g.es[g.get_eid(vertex(g, a).index, vertex(g, b).index)]


def tie(g: ig.Graph, source: str, target: str, kind: str) -> ig.Edge:
    (found,) = [e for e in g.es if e["kind"] == kind
                and (g.vs[e.source]["name"], g.vs[e.target]["name"]) == (source, target)]
    return found


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# Writing and reading the network's own tables


def test_written_tables_read_back_as_the_same_network(tmp_path: Path) -> None:
    net = network()
    tables.write(net, tmp_path / "nodes.csv", tmp_path / "edges.csv")
    again = tables.read(tmp_path / "edges.csv", tmp_path / "nodes.csv")
    assert again.is_directed()
    assert sorted(again.vs["name"]) == sorted(net.nodes)
    assert {v["name"]: v["kind"] for v in again.vs} == {n.id: n.kind for n in net.nodes.values()}
    assert vertex(again, ANNA)["label"] == "Anna Smit"
    assert vertex(again, BORIS)["roles"] == "recruiter"
    assert again.ecount() == len(net.edges)
    paid = tie(again, ANNAS_ACCOUNT, BORISS_ACCOUNT, "paid")
    assert paid["count"] == 2
    assert paid["weight"] == pytest.approx(1 + math.log(2))  # two statements of one tie
    assert paid["amount"] == 140.0
    assert (paid["first"], paid["last"]) == ("2023-01-05", "2023-02-05")
    assert paid["records"] == f"{AGENCY}/X1;{AGENCY}/X2"
    assert tie(again, ANNA, ANNAS_PHONE, "uses")["weight"] == 1.0
    assert not (tmp_path / "edges.csv.partial").exists()


def test_rows_carry_each_nodes_and_ties_provenance() -> None:
    nodes, edges = tables.to_rows(network())
    assert [row["id"] for row in nodes] == sorted(network().nodes)
    (shared,) = [row for row in nodes if row["id"] == SHARED_PHONE]
    assert shared["records"] == f"{AGENCY}/T2;{AGENCY}/T3"
    assert shared["agencies"] == AGENCY and shared["kind"] == "phone"
    (paid,) = [row for row in edges if row["kind"] == "paid"]
    assert (paid["count"], paid["amount"], paid["currencies"]) == (2, 140.0, "EUR")
    (uses,) = [row for row in edges if row["target"] == ANNAS_PHONE]
    assert uses["amount"] is None and uses["currencies"] == ""


def test_weaker_evidence_weighs_less_than_a_stated_tie() -> None:
    net = graph.build(recorded(
        *({"record_type": "person", "ref": f"P{i}", "name": f"P {i}", "case_ref": "C1"}
          for i in (1, 2)),
        *({"record_type": "movement", "ref": f"M{i}", "person_ref": f"P{i}",
           "from_country": "MD", "to_country": "UA", "departed": "2023-03-04"}
          for i in (1, 2)),
    ))
    _, edges = tables.to_rows(net)
    weights = {row["kind"]: row["weight"] for row in edges}
    assert weights == {graph.SAME_CASE: tables.KIND_WEIGHT[graph.SAME_CASE],
                       graph.TRAVELLED_TOGETHER: tables.KIND_WEIGHT[graph.TRAVELLED_TOGETHER]}


# Plain files from elsewhere


def test_a_plain_weighted_edge_file_with_a_name_node_file_reads_like_caviar(
        tmp_path: Path) -> None:
    edges = write(tmp_path, "edges.csv", "source,target,weight\n1,2,3\n2,3,1\n3,1,2\n")
    nodes = write(tmp_path, "nodes.csv", "name\n1\n2\n3\n4\n")
    g = tables.read(edges, nodes)
    assert sorted(g.vs["name"]) == ["1", "2", "3", "4"]  # read as text, not numbers
    assert vertex(g, "4").degree() == 0  # only in the node file, still a node
    assert set(g.vs["kind"]) == {"person"}
    assert vertex(g, "4")["label"] == "4"
    assert g.ecount() == 3
    assert edge_between(g, "1", "2")["weight"] == 3.0
    assert edge_between(g, "3", "1")["weight"] == 2.0
    assert set(g.es["kind"]) == {"tie"} and set(g.es["count"]) == {1}


def test_a_node_files_labels_and_roles_reach_the_nodes(tmp_path: Path) -> None:
    edges = write(tmp_path, "edges.csv", "source,target\nn1,n2\n")
    nodes = write(tmp_path, "nodes.csv",
                  "id,kind,label,roles\nn2,organization,Kade BV,\nn1,person,Anna,organiser\n")
    g = tables.read(edges, nodes)
    assert (vertex(g, "n1")["label"], vertex(g, "n1")["roles"]) == ("Anna", "organiser")
    assert (vertex(g, "n2")["kind"], vertex(g, "n2")["label"]) == ("organization", "Kade BV")
    assert g.es[0]["weight"] == 1.0  # no weight column: one statement of a plain tie


def test_an_edge_file_without_a_source_column_is_refused_by_name(tmp_path: Path) -> None:
    edges = write(tmp_path, "links.csv", "from,target\na,b\n")
    with pytest.raises(TableError, match=r"links\.csv has no 'source' column \(it has from"):
        tables.read(edges)


def test_an_empty_target_cell_is_refused_with_its_row(tmp_path: Path) -> None:
    edges = write(tmp_path, "links.csv", "source,target\na,b\nb,\n")
    with pytest.raises(TableError, match=r"links\.csv, row 3: target is empty"):
        tables.read(edges)


def test_a_weight_that_is_not_a_number_is_refused_with_its_row_and_value(
        tmp_path: Path) -> None:
    edges = write(tmp_path, "links.csv", "source,target,weight\na,b,1\nb,c,2\nc,a,heavy\n")
    with pytest.raises(TableError, match=r"links\.csv, row 4: weight heavy is not a number"):
        tables.read(edges)


def test_a_negative_weight_is_refused_with_its_row(tmp_path: Path) -> None:
    edges = write(tmp_path, "links.csv", "source,target,weight\na,b,-2\n")
    with pytest.raises(TableError, match=r"links\.csv, row 2: weight -2(\.0)? is not a finite "
                       "number of zero or more"):
        tables.read(edges)


def test_an_infinite_amount_or_a_date_that_is_no_date_is_refused_with_its_row(
        tmp_path: Path) -> None:
    edges = write(tmp_path, "pay.csv", "source,target,amount\na,b,5\na,c,1e400\n")
    with pytest.raises(TableError, match=r"pay\.csv, row 3: amount inf is not a finite"):
        tables.read(edges)
    edges = write(tmp_path, "when.csv", "source,target,first\na,b,2020\n")
    with pytest.raises(TableError, match=r"when\.csv, row 2: first '2020' is not a date"):
        tables.read(edges)


def test_a_node_without_an_id_is_refused_with_its_row(tmp_path: Path) -> None:
    edges = write(tmp_path, "e.csv", "source,target\na,b\n")
    nodes = write(tmp_path, "n.csv", "id,label\na,Anna\n,Nobody\n")
    with pytest.raises(TableError, match=r"n\.csv, row 3: id is empty"):
        tables.read(edges, nodes)


def test_a_missing_edge_or_node_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(TableError, match=r"edge file .*absent\.csv does not exist"):
        tables.read(tmp_path / "absent.csv")
    edges = write(tmp_path, "links.csv", "source,target\na,b\n")
    with pytest.raises(TableError, match=r"node file .*people\.csv does not exist"):
        tables.read(edges, tmp_path / "people.csv")


# The simple graph


def test_folding_puts_an_identifier_held_by_one_person_into_that_person() -> None:
    directed = tables.graph_of(network())
    simple = tables.simple(directed)
    assert not simple.is_directed()
    anna = vertex(simple, ANNA)
    assert sorted(anna["members"]) == sorted([ANNA, ANNAS_PHONE, ANNAS_ACCOUNT])
    assert anna["kind"] == "person" and anna["label"] == "Anna Smit"
    assert not simple.vs.select(name_eq=ANNAS_PHONE)  # no node of its own
    assert sorted(vertex(simple, BORIS)["members"]) == sorted([BORIS, BORISS_ACCOUNT])


def test_folding_keeps_a_phone_two_people_share_as_a_node_between_them() -> None:
    simple = tables.simple(tables.graph_of(network()))
    phone = vertex(simple, SHARED_PHONE)
    assert phone["members"] == [SHARED_PHONE]
    assert sorted(u["name"] for u in phone.neighbors()) == [ANNA, CARL]


def test_folding_adds_up_the_weights_counts_and_amounts_of_ties_between_one_pair() -> None:
    directed = tables.graph_of(network())
    simple = tables.simple(directed)
    assert not simple.has_multiple() and not any(simple.is_loop())
    # Boris recruited Anna, controlled her, and her account paid his twice
    parallel = [tie(directed, BORIS, ANNA, "recruited"), tie(directed, BORIS, ANNA, "controlled"),
                tie(directed, ANNAS_ACCOUNT, BORISS_ACCOUNT, "paid")]
    joined = edge_between(simple, ANNA, BORIS)
    assert joined["weight"] == pytest.approx(sum(e["weight"] for e in parallel))
    assert joined["count"] == 4
    assert joined["amount"] == 140.0
    # holding a folded identifier is not a tie to oneself
    assert simple.ecount() == 3  # Anna-Boris, Anna-shared phone, Carl-shared phone


def test_without_folding_every_node_stays_and_ties_either_way_are_one() -> None:
    directed = tables.from_rows(
        [{"id": "a", "kind": "person"}, {"id": "b", "kind": "person"},
         {"id": "c", "kind": "phone"}],
        [{"source": "a", "target": "b", "kind": "family", "weight": 1.5},
         {"source": "b", "target": "a", "kind": "associate", "weight": 2.0},
         {"source": "a", "target": "c", "kind": "uses", "weight": 1.0}],
    )
    simple = tables.simple(directed, fold=False)
    assert sorted(simple.vs["name"]) == ["a", "b", "c"]
    assert all(v["members"] == [v["name"]] for v in simple.vs)
    assert simple.ecount() == 2
    assert edge_between(simple, "a", "b")["weight"] == 3.5
    folded = tables.simple(directed)
    assert sorted(folded.vs["name"]) == ["a", "b"]  # the phone only a uses is a's
