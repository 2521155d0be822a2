"""The `tessera` command end to end: set up a hub, submit files, read them back, check the log."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tessera.cli import app
from tessera.cli.reference import stale
from tessera.hub.db import Hub
from tessera.hub.records import count_current
from tessera.synth.flat import write_csv
from tests.conftest import PROJECT_ROOT


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A runner against a fresh, initialised hub with two agencies and their users."""
    monkeypatch.setenv("TESSERA_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (
        ["init"],
        [
            "agency",
            "add",
            "UA-POL",
            "--name",
            "Police",
            "--country",
            "Ukraine",
            "--kind",
            "police",
            "--partner",
            "MD-NGO",
        ],
        ["agency", "add", "MD-NGO", "--name", "Shelter", "--country", "MD", "--kind", "ngo"],
        ["agency", "add", "DE-FIU", "--name", "FIU", "--country", "DE", "--kind", "fiu"],
        ["user", "add", "olena", "--agency", "UA-POL", "--role", "submitter", "--role", "analyst"],
        ["user", "add", "ion", "--agency", "MD-NGO", "--role", "analyst"],
        ["user", "add", "hans", "--agency", "DE-FIU", "--role", "analyst"],
        ["user", "add", "audrey", "--agency", "DE-FIU", "--role", "auditor"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return runner


GOOD = (
    "record_type,ref,name,birth_date,roles,consent,number,owner_ref,sharing_scope\n"
    "person,P1,Олег Петренко,1984,recruiter,,,,partners\n"
    "phone,T1,,,,,050 123 4567,P1,partners\n"
    "person,V1,Ірина Мельник,1999-04,victim,refused,,,members\n"
)
BAD = (
    "record_type,ref,name,birth_date,gender,number\n"
    "person,P1,Олег Петренко,31.02.1984,,\n"
    "person,P2,Ion Rusu,1988,robot,\n"
    "phone,T1,,,,not-a-phone\n"
    "person,P3,Ana Popa,1990,female,\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads_and_each_agency_sees_its_share(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["ingest", str(_write(tmp_path, "ua.csv", GOOD)), "-u", "olena"])
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output

    def refs(user: str) -> set[str]:
        out = cli.invoke(app, ["records", "list", "-u", user, "--json"])
        assert out.exit_code == 0, out.output
        return {json.loads(line)["ref"] for line in out.output.splitlines()}

    assert refs("olena") == {"P1", "T1", "V1"}
    assert refs("ion") == {"P1", "T1"}  # partner; the victim refused consent
    assert refs("hans") == set()


def test_record_shows_provenance_and_raw_beside_clean(cli: CliRunner, tmp_path: Path) -> None:
    cli.invoke(app, ["ingest", str(_write(tmp_path, "ua.csv", GOOD)), "-u", "olena"])
    out = cli.invoke(app, ["records", "show", "UA-POL", "T1", "-u", "olena"])
    assert out.exit_code == 0, out.output
    shown = json.loads(out.output)
    assert shown["source"] == "ua.csv:3"
    assert shown["handling_code"] == "H2"
    assert shown["data"]["number"] == {
        "raw": "050 123 4567",
        "e164": "+380501234567",
        "country": "UA",
    }


def test_bad_file_writes_nothing_and_names_each_problem(cli: CliRunner, tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.csv", BAD)
    result = cli.invoke(app, ["ingest", str(bad), "-u", "olena"])
    assert result.exit_code == 1
    assert "nothing written" in result.output
    with (tmp_path / "bad.csv.rejects.csv").open(encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    assert [(r["row"], r["field"], r["value"]) for r in rejects] == [
        ("2", "birth_date", "31.02.1984"),
        ("3", "gender", "robot"),
        ("4", "number", "not-a-phone"),
    ]
    listed = cli.invoke(app, ["records", "list", "-u", "olena", "--json"])
    assert listed.output.strip() == ""


def test_accept_valid_loads_only_the_valid_rows(cli: CliRunner, tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.csv", BAD)
    result = cli.invoke(
        app,
        [
            "ingest",
            str(bad),
            "-u",
            "olena",
            "--accept-valid",
            "--rejects",
            str(tmp_path / "out.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "3 rejected" in result.output
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("\n") == 4
    out = cli.invoke(app, ["records", "list", "-u", "olena", "--json"])
    assert [json.loads(line)["ref"] for line in out.output.splitlines()] == ["P3"]


def test_user_of_another_agency_cannot_submit_for_it(cli: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, "ua.csv", GOOD)
    result = cli.invoke(app, ["ingest", str(path), "-u", "ion", "--agency", "UA-POL"])
    assert result.exit_code == 1
    assert "ion belongs to MD-NGO, not UA-POL" in result.output


def test_analyst_without_submit_role_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["ingest", str(_write(tmp_path, "md.csv", GOOD)), "-u", "ion"])
    assert result.exit_code == 1
    assert "refused" in result.output


def test_audit_is_for_auditors_and_verifies(cli: CliRunner, tmp_path: Path) -> None:
    cli.invoke(app, ["ingest", str(_write(tmp_path, "ua.csv", GOOD)), "-u", "olena"])
    assert cli.invoke(app, ["audit", "show", "-u", "hans"]).exit_code == 1
    shown = cli.invoke(app, ["audit", "show", "-u", "audrey", "--limit", "50", "--json"])
    assert shown.exit_code == 0, shown.output
    actions = [json.loads(line)["action"] for line in shown.output.splitlines()]
    assert "record.submit" in actions and "audit.read" in actions
    verified = cli.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0 and "intact" in verified.output


def test_unknown_user_is_a_one_line_error(cli: CliRunner) -> None:
    result = cli.invoke(app, ["records", "list", "-u", "nobody"])
    assert result.exit_code == 1
    assert result.output.strip() == "error: no active user 'nobody'"


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killed_load_leaves_the_hub_as_it_was(db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "TESSERA_DATABASE_URL": db_url}
    tessera = [sys.executable, "-m", "tessera.cli"]
    for args in (
        ["init"],
        ["agency", "add", "UA", "--name", "P", "--country", "UA", "--kind", "police"],
        ["user", "add", "u", "--agency", "UA", "--role", "submitter"],
    ):
        subprocess.run([*tessera, *args], env=env, check=True, capture_output=True)
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    write_csv(small, 50, seed=1)
    write_csv(big, 200_000, seed=2)
    subprocess.run(
        [*tessera, "ingest", str(small), "-u", "u"], env=env, check=True, capture_output=True
    )
    hub = Hub.open(db_url)
    with hub.session() as s:
        before = count_current(s)
    proc = subprocess.Popen(
        [*tessera, "ingest", str(big), "-u", "u", "--batch-size", "2000"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # wait until the load runs its reading workers (the command's start-up time varies with
    # the machine's load), then a little more: well into the load, far from its end
    deadline = time.monotonic() + 60
    workers = _children(proc.pid)
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
        workers = _children(proc.pid)
    time.sleep(1)
    assert proc.poll() is None, "the load finished before it could be killed"
    assert workers, "the load of a large file should run reading workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers), "reading workers outlived the killed load"
    with hub.session() as s:
        assert count_current(s) == before
    verify = subprocess.run([*tessera, "audit", "verify"], env=env, capture_output=True)
    assert verify.returncode == 0, verify.stdout


def test_reference_pages_are_up_to_date() -> None:
    assert stale(PROJECT_ROOT) == [], "run: python -m tessera.cli.reference"
