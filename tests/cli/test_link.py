"""`tessera link files`, run as an analyst runs it on files outside the hub."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from tessera.cli import app
from tessera.linkage.evaluate import pairwise
from tessera.synth.scenario import generate, write
from tessera.synth.world import Settings


def test_files_of_people_in_two_scripts_are_linked_with_reasons(tmp_path: Path) -> None:
    header = "name,birth_date,nationalities,gender\n"
    (tmp_path / "police.csv").write_text(
        header + "Олег Петренко,1984-03-12,UA,male\nIvan Bondar,1990,UA,male\n"
        "Anna Kowalska,1988-01-01,PL,female\n", encoding="utf-8")
    (tmp_path / "ngo.csv").write_text(
        header + "Oleh Petrenko,1984-03-12,UA,male\nAnna Kowalska,1988-01-01,PL,female\n"
        "Jan Nowak,1970,PL,male\nnot a date,,XX,\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    result = CliRunner().invoke(app, ["link", "files", str(tmp_path / "police.csv"),
                                      str(tmp_path / "ngo.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ngo.csv row 5" in result.output  # the rejected row is named
    rows = {(r["file"], r["row"]): r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert len(rows) == 6
    oleg, oleh = rows["police.csv", "2"], rows["ngo.csv", "2"]
    assert oleg["cluster_id"] == oleh["cluster_id"] and oleg["cluster_size"] == "2"
    assert oleg["best_match"] == "ngo/row2" and float(oleg["best_probability"]) >= 0.9
    assert "name: two parts sound alike" in oleg["explanation"]
    assert rows["police.csv", "3"]["cluster_size"] == "1"  # Ivan Bondar is nobody else


def test_submission_files_are_linked_against_the_truth(tmp_path: Path) -> None:
    scenario = generate(Settings(seed=5, scale=4000))
    manifest = write(scenario, tmp_path / "scenario")
    files = [str(tmp_path / "scenario" / a["file"]) for a in manifest["agencies"]]
    out = tmp_path / "clusters.csv"
    result = CliRunner().invoke(app, ["link", "files", *files, "--typed", "--out", str(out)])
    assert result.exit_code == 0, result.output
    found = {f"{Path(r['file']).stem}/{r['ref']}": r["cluster_id"]
             for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    truth = {f"{a.code}/{ref}": true_id for a in scenario.agencies
             for ref, kind, true_id in a.truth if kind == "person"}
    assert set(found) == set(truth)
    scores = pairwise(found, truth)
    # recall is bounded by the generator's namesakes (docs/linkage.md)
    assert scores.precision >= 0.95 and scores.recall >= 0.3
