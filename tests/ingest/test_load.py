"""Loading files into the hub: one transaction, same result in one process or two."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import delete, func, select

from tessera.hub import admin, records
from tessera.hub.models import StoredRecord, Submission
from tessera.ingest import load as load_module
from tessera.ingest.load import LoadError, LoadResult, load_file
from tessera.standard.workbook import xlsx_bytes
from tessera.synth.flat import write_csv, write_jsonl
from tests.conftest import World


def _stored(world: World) -> list[tuple[str, str, int, str]]:
    with world.hub.session() as s:
        rows = s.execute(
            select(
                StoredRecord.ref,
                StoredRecord.record_type,
                StoredRecord.source_row,
                StoredRecord.content_hash,
            ).order_by(StoredRecord.ref)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.mark.parametrize("workers", [0, 1, 2], ids=["in-process", "one-worker", "two-workers"])
def test_generated_file_loads_whole(world: World, tmp_path: Path, workers: int) -> None:
    path = tmp_path / "ua.csv"
    written = write_csv(path, 600, seed=4)
    result = load_file(world.hub, path, username="ua_sub", workers=workers, batch_size=97)
    assert result.status == "committed"
    assert result.report.valid == written == result.created
    assert sum(result.counts_by_type.values()) == written
    assert len(_stored(world)) == written


def _stored_in_process_then_by(world: World, tmp_path: Path, load: Callable[[Path], object]
                               ) -> tuple[list[tuple[str, str, int, str]], ...]:
    """What a file stores when loaded in-process, and again (after a wipe) when ``load``ed."""
    path = tmp_path / "ua.jsonl"
    write_jsonl(path, 300, seed=9)
    load_file(world.hub, path, username="ua_sub", workers=0)
    first = _stored(world)
    with world.hub.session() as s:
        s.execute(delete(StoredRecord))
    load(path)
    return first, _stored(world)


def test_one_and_two_processes_store_the_same(world: World, tmp_path: Path) -> None:
    first, again = _stored_in_process_then_by(
        world,
        tmp_path,
        lambda path: load_file(world.hub, path, username="ua_sub", workers=2, batch_size=50),
    )
    assert again == first


@pytest.mark.parametrize("workers", [0, 2], ids=["in-process", "two-workers"])
def test_faults_are_found_whichever_process_reads_them(
    world: World, tmp_path: Path, workers: int
) -> None:
    # Batches of 40 rows alternate between the two workers: a bad row in batch 0 (worker 0's),
    # and in batch 7 (worker 1's) a bad row and the duplicate of a ref first used in batch 0.
    path = tmp_path / "ua.csv"
    write_csv(path, 300, seed=9)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header, body = lines[0], lines[1:]
    columns = header.split(",")
    dup = next(line for line in body[:40] if line.startswith("person,"))
    bad_phone = "phone," + ",".join(
        {"ref": "PH-BAD", "number": "12"}.get(c, "") for c in columns[1:]
    )
    body[290:290] = [dup, bad_phone]
    body[10:10] = [bad_phone.replace("PH-BAD", "PH-BAD2")]
    first = body.index(dup) + 2
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    seen: list[int] = []
    result = load_file(
        world.hub, path, username="ua_sub", workers=workers, batch_size=40,
        accept_valid=True, progress=seen.append,
    )
    found = [(r.row, r.field) for r in result.report.rejections]
    assert found == [(12, "number"), (293, "ref"), (294, "number")]
    assert "duplicate ref" in result.report.rejections[1].reason
    assert f"(first at row {first})" in result.report.rejections[1].reason
    assert result.status == "partial"
    assert sum(seen) == path.stat().st_size
    assert len(_stored(world)) == result.report.valid


def test_a_load_started_from_a_thread_gets_its_workers_from_a_fork_server(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With other threads alive (a web server's), the loader does not fork itself.
    chosen: list[str] = []
    results: list[LoadResult] = []
    original = load_module._context

    def context() -> Any:
        ctx = original()
        chosen.append(ctx.get_start_method())
        return ctx

    def in_a_thread(path: Path) -> None:
        thread = threading.Thread(
            target=lambda: results.append(
                load_file(world.hub, path, username="ua_sub", workers=2, batch_size=50)
            )
        )
        thread.start()
        thread.join()

    monkeypatch.setattr(load_module, "_context", context)
    first, again = _stored_in_process_then_by(world, tmp_path, in_a_thread)
    assert chosen and set(chosen) == {"forkserver"}
    assert results[0].worker_peak_kib > 0  # a worker process read the file
    assert again == first


def test_reloading_the_same_file_changes_nothing(world: World, tmp_path: Path) -> None:
    path = tmp_path / "ua.csv"
    n = write_csv(path, 200, seed=4)
    load_file(world.hub, path, username="ua_sub")
    again = load_file(world.hub, path, username="ua_sub")
    assert (again.created, again.updated, again.unchanged) == (0, 0, n)
    with world.hub.session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 2


def test_ref_of_another_type_is_rejected_with_its_row(world: World, tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text("record_type,ref,country\ncase,X1,UA\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text(
        "record_type,ref,name\nperson,P1,Ana Popa\nperson,X1,Ion Rusu\n", encoding="utf-8"
    )
    load_file(world.hub, first, username="ua_sub")
    result = load_file(world.hub, second, username="ua_sub")
    assert result.status == "rejected"
    (rejection,) = result.report.rejections
    assert (rejection.row, rejection.field, rejection.value) == (3, "ref", "X1")
    assert "already names a case record" in rejection.reason
    assert [r[0] for r in _stored(world)] == ["X1"]


def test_filled_xlsx_template_loads(world: World, tmp_path: Path) -> None:
    path = tmp_path / "filled.xlsx"
    path.write_bytes(xlsx_bytes())
    book = openpyxl.load_workbook(path)
    header = [c.value for c in book["person"][1]]
    row = {
        "ref": "P-7",
        "name": "Тарас Бондаренко",
        "birth_date": "1979",
        "roles": "recruiter",
        "nationalities": "Україна",
    }
    book["person"].append([row.get(str(h)) for h in header])
    book.save(path)
    result = load_file(world.hub, path, username="ua_sub")
    assert result.status == "committed", result.report.rejections
    with world.hub.session() as s:
        stored = records.get_record(s, admin.actor(s, "ua_sub"), "UA-POL", "P-7")
    assert stored.source_sheet == "person" and stored.source_row == 2
    assert stored.data["name"]["latin"] == "Taras Bondarenko"
    assert stored.data["nationalities"] == [{"raw": "Україна", "code": "UA"}]


def test_missing_file_is_a_clear_error(world: World, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        load_file(world.hub, tmp_path / "nope.csv", username="ua_sub")


def test_unreadable_format_is_a_clear_error(world: World, tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(LoadError, match=r"notes\.docx"):
        load_file(world.hub, path, username="ua_sub")
    assert _stored(world) == []


def test_consent_in_a_later_file_bounds_records_from_an_earlier_one(
    world: World, tmp_path: Path
) -> None:
    phones = tmp_path / "phones.csv"
    phones.write_text(
        "record_type,ref,owner_ref,number,iban,payer_account_ref,beneficiary_account_ref,"
        "amount,currency,timestamp,sharing_scope\n"
        "phone,PH1,P1,+380501234567,,,,,,,members\n"
        "phone,PH2,P2,+380501234568,,,,,,,members\n"
        "account,A1,P1,,DE89370400440532013000,,,,,,members\n"
        "account,A2,P2,,DE02120300000000202051,,,,,,members\n"
        "transaction,T1,,,,A2,A1,100,EUR,2024-01-02,members\n",
        encoding="utf-8",
    )
    people = tmp_path / "people.csv"
    people.write_text(
        "record_type,ref,name,roles,consent\nperson,P1,Ana Popa,victim,refused\n",
        encoding="utf-8",
    )
    load_file(world.hub, phones, username="ua_sub")
    load_file(world.hub, people, username="ua_sub")
    with world.hub.session() as s:
        levels = dict(
            s.execute(
                select(StoredRecord.ref, StoredRecord.scope_level).where(
                    StoredRecord.record_type != "person"
                )
            ).all()
        )
    owner_only = records.SCOPE_LEVEL["owner"]
    assert levels["PH1"] == levels["A1"] == owner_only  # about the victim who refused
    assert levels["T1"] == owner_only  # into her account
    assert levels["PH2"] == levels["A2"] > owner_only  # about someone else: as asked
