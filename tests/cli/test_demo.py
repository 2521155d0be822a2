"""`tessera demo` and `tessera synth`, run as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from tessera.cli import app
from tessera.hub import audit, entities
from tessera.hub.db import Hub
from tessera.hub.models import (
    Agency,
    AuditEntry,
    CaseMember,
    CoopRequest,
    EncodedRecord,
    Hit,
    PublishedRelease,
    StoredRecord,
    Submission,
)


def test_demo_builds_a_hub_from_a_scenario(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    result = CliRunner().invoke(
        app, ["demo", "--data-dir", str(data_dir), "--scale", "1500", "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((data_dir / "scenario" / "manifest.json").read_text())
    hub = Hub.open(f"sqlite:///{data_dir / 'hub.sqlite'}")
    with hub.session() as s:
        codes = set(s.scalars(select(Agency.code)))
        assert {a["code"] for a in manifest["agencies"]} | {"IOM"} == codes
        statuses = dict(s.execute(select(Submission.file_name, Submission.status)).all())
        assert all(statuses[Path(a["file"]).name] == "committed" for a in manifest["agencies"])
        # the convener published a k-anonymous table, a private one and synthetic victims
        assert {r.kind for r in s.scalars(select(PublishedRelease))} >= {"table", "synthetic"}
        stored = s.scalar(select(func.count()).select_from(StoredRecord))
        assert stored == manifest["records"]
        assert audit.verify(s).ok
    assert "chain intact: True" in result.output
    assert "person records resolved into" in result.output
    with hub.session() as s:
        assert entities.current_members(s)
    assert "iom.analyst" in result.output
    # the police forces and NGOs uploaded encodings, and the NGOs' requests found hits
    assert "uploaded encodings to exchange 'demo'" in result.output
    with hub.session() as s:
        assert (s.scalar(select(func.count()).select_from(EncodedRecord)) or 0) > 0
        assert (s.scalar(select(func.count()).select_from(Hit)) or 0) > 0
    assert (data_dir / "exchange.key").exists()
    # the network of what the hub's analysts see, with its key players, written for Gephi
    assert "key players:" in result.output
    gexf = (data_dir / "network.gexf").read_text(encoding="utf-8")
    assert "<node " in gexf and "<edge " in gexf
    with hub.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "network.read", AuditEntry.username == "iom.analyst"))
    # the corridors and payment schemes the hub's analysts may see, read and audited
    corridors = re.search(r"([\d,]+)\s+journeys\s+in\s+([\d,]+)\s+corridors", result.output)
    assert corridors and int(corridors[2].replace(",", "")) > 0
    assert re.search(r"payment\s+alerts:\s+\d+\s+\w+", result.output)
    with hub.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "patterns.read", AuditEntry.username == "iom.analyst"))
    # the knowledge base, joint teams, and requests between the agencies: hit follow-ups
    # answered, legal assistance sent
    opened = re.search(r"(\d+)\s+requests\s+opened", result.output)
    assert opened and int(opened[1]) > 0
    assert re.search(r"[1-9]\d*\s+knowledge-base\s+entries", result.output)
    with hub.session() as s:
        assert (s.scalar(select(func.count()).select_from(CaseMember)) or 0) >= 2
    with hub.session() as s:
        moved = set(s.scalars(select(CoopRequest.status)))
        assert "sent" in moved and moved & {"answered", "refused"}


def test_demo_refuses_to_empty_a_directory_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert (tmp_path / "notes.txt").exists()


def test_synth_writes_files_and_truth(tmp_path: Path) -> None:
    out = tmp_path / "scenario"
    result = CliRunner().invoke(
        app, ["synth", "--seed", "2", "--scale", "800", "--out", str(out), "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    for agency in manifest["agencies"]:
        lines = (out / agency["file"]).read_text(encoding="utf-8").splitlines()
        assert len(lines) == agency["rows"]
    assert (out / "truth" / "records.csv").exists()


def test_synth_names_a_bad_country(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "--out", str(tmp_path), "--countries", "UA,XX"])
    assert result.exit_code == 1
    assert "unknown countries ['XX']" in result.output
