"""Scenarios: deterministic, at the scale asked, valid under the standard, with their truth."""

from __future__ import annotations

import csv
import filecmp
import json
from collections import Counter
from pathlib import Path

import pytest

from tessera.hub import admin
from tessera.hub.db import Hub
from tessera.ingest.load import load_file
from tessera.synth import money
from tessera.synth.scenario import Scenario, generate, write
from tessera.synth.world import Settings


@pytest.fixture(scope="module")
def small() -> Scenario:
    return generate(Settings(seed=3, scale=3000))


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        write(generate(Settings(seed=seed, scale=800)), tmp_path / name)
    for sub in ("agencies", "truth"):
        same = filecmp.dircmp(tmp_path / "a" / sub, tmp_path / "b" / sub)
        assert not same.diff_files and not same.left_only and not same.right_only
    assert (tmp_path / "a" / "manifest.json").read_text() == (
        tmp_path / "b" / "manifest.json"
    ).read_text()
    assert (tmp_path / "a" / "truth" / "people.csv").read_bytes() != (
        tmp_path / "c" / "truth" / "people.csv"
    ).read_bytes()


@pytest.mark.parametrize("scale", [1000, 6000])
def test_scale_is_about_the_number_of_records(scale: int) -> None:
    records = generate(Settings(seed=1, scale=scale)).records
    assert 0.6 * scale <= records <= 1.5 * scale


def test_world_has_structure(small: Scenario) -> None:
    world = small.world
    assert len(world.groups) >= 2
    for group in world.groups.values():
        assert group.key_players and set(group.key_players) <= set(world.people)
        assert {"organiser", "recruiter", "controller"} <= set(group.members)
        assert group.route[0] == group.origin
    shared = [p for p in world.people.values() if len(set(p.groups)) > 1]
    assert shared, "some people (brokers) serve more than one group"
    scripts = {p.given[0] for p in world.people.values()}
    assert any("\u0400" <= ch <= "\u04ff" for ch in scripts)  # Cyrillic
    assert any("\u0600" <= ch <= "\u06ff" for ch in scripts)  # Arabic
    assert any("\u4e00" <= ch <= "\u9fff" for ch in scripts)  # Han
    typologies = Counter(t.typology for t in world.transfers)
    assert typologies[None] > 0 and typologies[money.VICTIM_EARNINGS] > 0
    assert len(set(typologies) & set(money.TYPOLOGIES)) >= 5


def test_truth_names_every_record(small: Scenario, tmp_path: Path) -> None:
    manifest = write(small, tmp_path)
    world = small.world
    known = {
        *world.people, *world.organizations, *world.accounts, *(t.id for t in world.transfers)
    }
    with (tmp_path / "truth" / "records.csv").open(encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh))
    assert len(truth) == manifest["records"] == small.records
    assert len({(t["agency"], t["ref"]) for t in truth}) == len(truth)
    rows = {(a.code, r["ref"]): r for a in small.agencies for r in a.rows}
    transfers = {t.id: t for t in world.transfers}
    people_seen: dict[str, set[str]] = {}
    for t in truth:
        if t["record_type"] in ("person", "organization", "account", "transaction"):
            assert t["true_id"] in known
        row = rows[(t["agency"], t["ref"])]
        assert row["record_type"] == t["record_type"]
        if t["record_type"] == "person":  # the record describes the person the truth names
            people_seen.setdefault(t["true_id"], set()).add(t["agency"])
            assert row["nationalities"] == world.people[t["true_id"]].country
        if t["record_type"] == "account":
            account = world.accounts[t["true_id"]]
            assert (row.get("iban", ""), row.get("account_number", "")) == (
                account.iban, account.number
            )
        if t["record_type"] == "transaction":
            assert row["amount"] == f"{transfers[t['true_id']].amount_cents / 100:.2f}"
    across = [p for p, agencies in people_seen.items() if len(agencies) > 1]
    assert len(across) >= 10, "agencies' files must touch: people seen by several agencies"
    relations = Counter(
        r["kind"] for a in small.agencies for r in a.rows if r["record_type"] == "relation"
    )
    assert {"recruited", "controlled", "called"} <= set(relations)
    kinds = {a["kind"] for a in manifest["agencies"]}
    assert {"police", "fiu", "ngo", "border"} <= kinds
    assert json.loads((tmp_path / "manifest.json").read_text())["seed"] == 3


def test_every_agency_file_loads_without_a_rejection(hub: Hub, tmp_path: Path) -> None:
    scenario = generate(Settings(seed=11, scale=1500))
    manifest = write(scenario, tmp_path)
    with hub.session() as s:
        for agency in manifest["agencies"]:
            admin.create_agency(
                s, "test", code=agency["code"], name=agency["code"], country=agency["country"],
                kind=agency["kind"],
            )
            admin.create_user(
                s, "test", username=f"sub-{agency['code']}", agency_code=agency["code"],
                roles=["submitter"],
            )
    for agency in manifest["agencies"]:
        result = load_file(hub, tmp_path / agency["file"], username=f"sub-{agency['code']}")
        assert result.status == "committed", (agency["code"], result.report.rejections[:5])
        assert result.report.valid == agency["rows"]


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown countries"):
        Settings(countries=("UA", "XX"))
    with pytest.raises(ValueError, match="origin and one destination"):
        Settings(countries=("DE", "IT"))
    with pytest.raises(ValueError, match="at least 100"):
        Settings(scale=10)
