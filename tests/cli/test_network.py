"""`tessera network`, run on plain edge and node files and on the hub."""

from __future__ import annotations

import csv
import json
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from tessera.cli import app
from tessera.network import export

# Two triangles, each reached from the other only through Xavier, who knows Anna in one and
# Boris in the other. Boris is recorded as a victim; Xavier as a broker.
EDGES = ("source,target,kind,weight,amount\n"
         "a1,a2,associate,1,\na1,a3,associate,1,\na2,a3,associate,1,250\n"
         "b1,b2,associate,1,\nb1,b3,associate,1,\nb2,b3,associate,1,\n"
         "x,a1,associate,1,\nx,b1,associate,1,\n")
NODES = ("id,kind,label,roles,countries\n"
         "a1,person,Anna,organiser,UA\na2,person,Alla,,UA\na3,person,Arkady,,UA\n"
         "b1,person,Boris,victim,MD\nb2,person,Bogdan,,MD\nb3,person,Borys,,MD\n"
         "x,person,Xavier,broker,UA;MD\n")


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    edges, nodes = tmp_path / "edges.csv", tmp_path / "nodes.csv"
    edges.write_text(EDGES, encoding="utf-8")
    nodes.write_text(NODES, encoding="utf-8")
    return edges, nodes


SVG = "{http://www.w3.org/2000/svg}"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_analyse_writes_metrics_key_players_and_communities(files: tuple[Path, Path],
                                                            tmp_path: Path) -> None:
    edges, nodes = files
    out = tmp_path / "analysis"
    result = CliRunner().invoke(app, ["network", "analyse", "--edges", str(edges),
                                      "--nodes", str(nodes), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "7 nodes, 8 ties" in result.output
    metrics = {r["id"]: r for r in rows(out / "metrics.csv")}
    assert set(metrics) == {"a1", "a2", "a3", "b1", "b2", "b3", "x"}
    # removing Xavier, Anna or Boris cuts the network; no one else does
    assert {k for k, r in metrics.items() if r["articulation"] == "1"} == {"a1", "b1", "x"}
    assert metrics["x"]["label"] == "Xavier" and metrics["x"]["degree"] == "2"
    assert metrics["b1"]["key_player_score"] == ""  # a victim is not ranked
    players = rows(out / "key_players.csv")
    assert [p["rank"] for p in players] == ["1", "2", "3", "4", "5", "6"]
    assert "b1" not in {p["id"] for p in players}
    (xavier,) = [p for p in players if p["id"] == "x"]
    assert "recorded as broker" in xavier["reasons"]
    assert [float(p["score"]) for p in players] == sorted(
        (float(p["score"]) for p in players), reverse=True)
    # Xavier's two ties are the only ones whose loss splits the network
    assert {frozenset((b["source"], b["target"])) for b in rows(out / "bridges.csv")} == {
        frozenset(("x", "a1")), frozenset(("x", "b1"))}
    communities = json.loads((out / "communities.json").read_text(encoding="utf-8"))
    assert sum(c["size"] for c in communities) == 7
    # the picture: an SVG document with a dot per pictured node, each with its tooltip
    picture = ElementTree.parse(out / "network.svg").getroot()  # noqa: S314 (the test wrote it)
    dots = {d.get("data-node"): d.findtext(f"{SVG}title") for d in picture.iter()
            if d.get("class") == "node"}
    assert {"a1", "x"} <= set(dots) and "b1" in dots  # a victim is pictured, not ranked
    assert (dots["x"] or "").startswith("Xavier (person)")
    assert sum(c["money_within"] for c in communities) == 250.0
    assert sum(c["roles"].get("organiser", 0) for c in communities) == 1


def test_disrupt_prints_the_plan_and_writes_the_comparison(files: tuple[Path, Path],
                                                           tmp_path: Path) -> None:
    edges, nodes = files
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(app, ["network", "disrupt", "-k", "1", "--edges", str(edges),
                                      "--nodes", str(nodes), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Xavier" in result.output
    assert "before: largest component 7 of 7 nodes" in result.output
    plan, *others = json.loads(out.read_text(encoding="utf-8"))
    assert plan["strategy"] == "disruption plan" and plan["removed"] == ["Xavier"]
    assert (plan["largest"], plan["components"]) == (3, 2)
    assert plan["fragmentation"] == pytest.approx(1 - 2 * 3 * 2 / (7 * 6))
    assert len(others) == 6


def test_path_prints_each_hop(files: tuple[Path, Path]) -> None:
    edges, nodes = files
    result = CliRunner().invoke(app, ["network", "path", "Alla", "Bogdan", "-k", "1",
                                      "--edges", str(edges), "--nodes", str(nodes)])
    assert result.exit_code == 0, result.output
    assert "path 1 (4 hops" in result.output
    hops = [line.strip() for line in result.output.splitlines() if "→" in line]
    assert [h.split(":")[0] for h in hops] == ["Alla → Anna", "Anna → Xavier",
                                               "Xavier → Boris", "Boris → Bogdan"]


def test_path_to_an_unknown_node_fails_with_one_line(files: tuple[Path, Path]) -> None:
    edges, nodes = files
    result = CliRunner().invoke(app, ["network", "path", "Alla", "Zoe",
                                      "--edges", str(edges), "--nodes", str(nodes)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "error: no node or case 'Zoe' in the network (give a node id, a label only one node "
        "has, or a case as AGENCY/ref)"]


def test_path_between_unconnected_nodes_fails_with_one_line(tmp_path: Path) -> None:
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\na,b\nc,d\n", encoding="utf-8")
    with warnings.catch_warnings():  # a warning would print above the one-line reason
        warnings.simplefilter("error")
        result = CliRunner().invoke(app, ["network", "path", "a", "d", "--edges", str(edges)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: a and d do not connect in this network"]


def test_export_writes_a_gexf_file(files: tuple[Path, Path], tmp_path: Path) -> None:
    edges, nodes = files
    out = tmp_path / "net.gexf"
    result = CliRunner().invoke(app, ["network", "export", "--format", "gexf", "--out", str(out),
                                      "--edges", str(edges), "--nodes", str(nodes)])
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()  # noqa: S314 (the file the test wrote)
    ns = {"g": export.GEXF_NS}
    assert len(root.findall("g:graph/g:nodes/g:node", ns)) == 7
    assert len(root.findall("g:graph/g:edges/g:edge", ns)) == 8


def test_an_unknown_export_format_is_refused(files: tuple[Path, Path], tmp_path: Path) -> None:
    edges, _ = files
    result = CliRunner().invoke(app, ["network", "export", "--format", "pajek",
                                      "--out", str(tmp_path / "x"), "--edges", str(edges)])
    assert result.exit_code == 1
    assert "unknown format 'pajek'" in result.stderr


@pytest.mark.parametrize("source", [["--user", "olena", "--edges", "EDGES"], []],
                         ids=["both", "neither"])
def test_the_network_comes_from_the_hub_or_from_files_not_both(
        files: tuple[Path, Path], tmp_path: Path, source: list[str]) -> None:
    edges, _ = files
    args = [str(edges) if a == "EDGES" else a for a in source]
    result = CliRunner().invoke(app, ["network", "analyse", "--out", str(tmp_path / "out"),
                                      *args])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: give either --user (the hub) or --edges (files)"
    assert not (tmp_path / "out").exists()


def test_a_bad_edge_file_fails_with_the_row(tmp_path: Path) -> None:
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target,weight\na,b,heavy\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["network", "disrupt", "--edges", str(edges)])
    assert result.exit_code == 1
    assert "row 2: weight heavy is not a number" in result.stderr


# From the hub


@pytest.fixture
def hub_cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A hub with two partner agencies; UA-POL's file loaded: two suspects of one case, one
    with a phone, and a victim who refused consent."""
    monkeypatch.setenv("TESSERA_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    records = tmp_path / "ua.csv"
    records.write_text(
        "record_type,ref,case_ref,name,roles,consent,number,owner_ref,sharing_scope\n"
        "person,P1,C1,Олег Петренко,recruiter,,,,partners\n"
        "person,P2,C1,Ivan Bondar,suspect,,,,partners\n"
        "phone,T1,,,,,050 123 4567,P1,partners\n"
        "person,V1,C1,Ірина Мельник,victim,refused,,,members\n", encoding="utf-8")
    for args in (
        ["init"],
        ["agency", "add", "UA-POL", "--name", "Police", "--country", "UA", "--kind", "police",
         "--partner", "MD-NGO"],
        ["agency", "add", "MD-NGO", "--name", "Shelter", "--country", "MD", "--kind", "ngo"],
        ["user", "add", "olena", "--agency", "UA-POL", "--role", "submitter", "--role",
         "analyst"],
        ["user", "add", "ion", "--agency", "MD-NGO", "--role", "analyst"],
        ["ingest", str(records), "-u", "olena"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return runner


def test_build_writes_the_users_view_of_the_hub(hub_cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "ion"
    result = hub_cli.invoke(app, ["network", "build", "--user", "ion", "--out", str(out)])
    assert result.exit_code == 0, result.output
    nodes = {r["id"]: r for r in rows(out / "nodes.csv")}
    assert set(nodes) == {"person:UA-POL/P1", "person:UA-POL/P2", "phone:+380501234567"}
    assert nodes["person:UA-POL/P1"]["roles"] == "recruiter"
    edges = {(r["source"], r["target"], r["kind"]) for r in rows(out / "edges.csv")}
    assert edges == {("person:UA-POL/P1", "phone:+380501234567", "uses"),
                     ("person:UA-POL/P1", "person:UA-POL/P2", "same_case")}
    assert "3 nodes" in result.output and "2 ties" in result.output


def test_the_owner_sees_more_of_the_hub_than_its_partner(hub_cli: CliRunner,
                                                         tmp_path: Path) -> None:
    result = hub_cli.invoke(app, ["network", "build", "--user", "olena",
                                  "--out", str(tmp_path / "olena")])
    assert result.exit_code == 0, result.output
    ids = {r["id"] for r in rows(tmp_path / "olena" / "nodes.csv")}
    assert "person:UA-POL/V1" in ids and len(ids) == 4


def test_analyse_from_the_hub_reads_the_users_view(hub_cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "analysis"
    result = hub_cli.invoke(app, ["network", "analyse", "--user", "ion", "--out", str(out)])
    assert result.exit_code == 0, result.output
    # the phone only P1 uses is folded into P1
    assert {r["id"] for r in rows(out / "metrics.csv")} == {"person:UA-POL/P1",
                                                            "person:UA-POL/P2"}


def test_build_for_an_unknown_user_fails_with_one_line(hub_cli: CliRunner,
                                                       tmp_path: Path) -> None:
    result = hub_cli.invoke(app, ["network", "build", "--user", "nobody",
                                  "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "nobody" in result.stderr
