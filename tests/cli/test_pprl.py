"""`tessera secret`, `encode` and `match`: two or more agencies link with files alone."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from tessera.cli import app
from tessera.synth.scenario import generate, write
from tessera.synth.world import Settings

runner = CliRunner()


def _people(path: Path, lines: str) -> Path:
    path.write_text("ref,name,birth_date,nationalities,gender\n" + lines, encoding="utf-8")
    return path


def test_agencies_encode_offline_and_match_the_files(tmp_path: Path) -> None:
    key = tmp_path / "exchange.key"
    assert runner.invoke(app, ["secret", "new", str(key), "--exchange", "eu"]).exit_code == 0
    again = runner.invoke(app, ["secret", "new", str(key), "--exchange", "eu"])
    assert again.exit_code == 1 and "never overwritten" in again.output
    police = _people(tmp_path / "police.csv",
                     "UA-1,Олег Петренко,1984-03-12,UA,male\nUA-2,Ivan Bondar,1990,UA,male\n")
    ngo = _people(tmp_path / "ngo.csv",
                  "N-7,Oleh Petrenko,1984-03-12,UA,male\nN-8,Anna Kowalska,1988-01-01,PL,female\n")
    for agency, source in (("UA-POL", police), ("PL-NGO", ngo)):
        result = runner.invoke(app, ["encode", str(source), "--agency", agency, "--secret",
                                     str(key), "--out", str(tmp_path / f"{agency}.jsonl")])
        assert result.exit_code == 0, result.output
    encoded = (tmp_path / "UA-POL.jsonl").read_text()
    assert "UA-1" in encoded and "etrenko" not in encoded and "Олег" not in encoded
    hits = tmp_path / "hits.csv"
    result = runner.invoke(app, ["match", str(tmp_path / "UA-POL.jsonl"),
                                 str(tmp_path / "PL-NGO.jsonl"), "--out", str(hits)])
    assert result.exit_code == 0, result.output
    (hit,) = csv.DictReader(hits.open(encoding="utf-8-sig"))
    assert (hit["agency"], hit["ref"], hit["other_agency"], hit["other_ref"]) == (
        "UA-POL", "UA-1", "PL-NGO", "N-7")
    assert hit["band"] == "high" and float(hit["score"]) >= 0.9


def test_files_under_another_secret_are_refused(tmp_path: Path) -> None:
    for name in ("a", "b"):
        runner.invoke(app, ["secret", "new", str(tmp_path / f"{name}.key"), "--exchange", "eu"])
        source = _people(tmp_path / f"{name}.csv", "1,Oleg Petrenko,1984-03-12,UA,male\n")
        runner.invoke(app, ["encode", str(source), "--agency", name.upper(), "--secret",
                            str(tmp_path / f"{name}.key"), "--out", str(tmp_path / f"{name}.e")])
    result = runner.invoke(app, ["match", str(tmp_path / "a.e"), str(tmp_path / "b.e"),
                                 "--out", str(tmp_path / "hits.csv")])
    assert result.exit_code == 1 and "another secret" in result.output
    assert not (tmp_path / "hits.csv").exists()


def test_a_ref_that_names_two_people_is_refused(tmp_path: Path) -> None:
    runner.invoke(app, ["secret", "new", str(tmp_path / "s.key"), "--exchange", "eu"])
    first = _people(tmp_path / "one.csv", "1,Oleg Petrenko,1984-03-12,UA,male\n")
    second = _people(tmp_path / "two.csv", "1,Anna Kowalska,1988-01-01,PL,female\n")
    result = runner.invoke(app, ["encode", str(first), str(second), "--agency", "A", "--secret",
                                 str(tmp_path / "s.key"), "--out", str(tmp_path / "e")])
    assert result.exit_code == 1 and "ref '1' names two people" in result.output
    assert not (tmp_path / "e").exists()


def test_a_scenario_s_agencies_find_their_shared_people(tmp_path: Path) -> None:
    scenario = generate(Settings(seed=5, scale=4000))
    manifest = write(scenario, tmp_path / "scenario")
    runner.invoke(app, ["secret", "new", str(tmp_path / "s.key"), "--exchange", "eu"])
    encoded = []
    for agency in manifest["agencies"]:
        out = tmp_path / f"{agency['code']}.jsonl"
        result = runner.invoke(app, [
            "encode", str(tmp_path / "scenario" / agency["file"]), "--typed", "--agency",
            agency["code"], "--secret", str(tmp_path / "s.key"), "--out", str(out)])
        assert result.exit_code == 0, result.output
        encoded.append(str(out))
    result = runner.invoke(app, ["match", *encoded, "--out", str(tmp_path / "hits.csv")])
    assert result.exit_code == 0, result.output
    truth = {(a.code, ref): true for a in scenario.agencies for ref, kind, true in a.truth
             if kind == "person"}
    hits = list(csv.DictReader((tmp_path / "hits.csv").open(encoding="utf-8-sig")))
    right = sum(truth[h["agency"], h["ref"]] == truth[h["other_agency"], h["other_ref"]]
                for h in hits)
    assert len(hits) >= 20 and right / len(hits) >= 0.9


def test_the_generator_gives_agencies_that_keep_names_an_encodings_file(tmp_path: Path) -> None:
    refused = runner.invoke(app, ["synth", "--out", str(tmp_path / "x"), "--scale", "2000",
                                  "--encodings-for", "ngo"])
    assert refused.exit_code == 1 and "needs --secret" in refused.output
    runner.invoke(app, ["secret", "new", str(tmp_path / "s.key"), "--exchange", "eu"])
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "sc"), "--scale", "3000",
                                 "--seed", "2", "--encodings-for", "ngo",
                                 "--secret", str(tmp_path / "s.key")])
    assert result.exit_code == 0, result.output
    agencies = tmp_path / "sc" / "agencies"
    encoded = sorted(agencies.glob("*.encodings.jsonl"))
    assert encoded and all("-NGO." in p.name for p in encoded)
    for path in encoded:
        source = next(p for p in agencies.iterdir() if p.name == path.name.replace(
            ".encodings.jsonl", ".csv"))
        people = [r for r in csv.DictReader(source.open(encoding="utf-8-sig"))
                  if r["record_type"] == "person"]
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(people) + 1  # the header, then one line a person
        # every record line but its filter (base64, where letters fall as they may) is read
        readable = json.dumps([{k: v for k, v in json.loads(line).items() if k != "filter"}
                               for line in lines[1:]]).casefold()
        assert not any(part.casefold() in readable for p in people
                       for part in p["name"].split() if len(part) > 3)
