"""Hit/no-hit matching in the hub: encodings stored without plaintext, replaced whole, matched on
an agency's request with its purpose, hits told to both owners and to nobody else."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text

from tessera.cli.demo import _register
from tessera.hub import admin, exchanges, hits
from tessera.hub.access import Forbidden
from tessera.hub.db import Hub
from tessera.hub.exchanges import ExchangeError, ExchangeMismatch, WrongAgency
from tessera.hub.hits import RateLimited
from tessera.hub.models import AuditEntry, EncodedRecord, HitNotice, MatchRun
from tessera.hub.models import Hit as StoredHit
from tessera.hub.records import NotFound
from tessera.ingest.readers import read_rows
from tessera.ingest.validate import Valid, validate_rows
from tessera.linkage import exchange as matching
from tessera.linkage.features import person_rows
from tessera.linkage.pprl.encode import encode
from tessera.linkage.pprl.schema import EncodingError, Schema, Secret
from tessera.synth import scenario as synth
from tessera.synth.world import Settings
from tests.conftest import World
from tests.hub.encodings import OTHER_SECRET, PLAINTEXT, SECRET, encoded, name_parts, person

PURPOSE = "investigation 2026/114: the Odesa recruiters"


@pytest.fixture
def tx(world: World) -> Hub:
    """The test world with exchange "tx", and a submitter at DE-FIU and at IOM."""
    with world.hub.session() as s:
        for username, agency in (("de_sub", "DE-FIU"), ("io_sub", "IOM")):
            admin.create_user(s, "test", username=username, agency_code=agency,
                              roles=["submitter"])
        exchanges.set_exchange(s, admin.actor(s, "root"), "tx", 0.8)
    return world.hub


def upload_all(hub: Hub) -> None:
    for username, agency in (("ua_sub", "UA-POL"), ("md_an", "MD-NGO"), ("de_sub", "DE-FIU"),
                             ("io_sub", "IOM")):
        done = matching.upload(hub, username, "tx", encoded(agency), source=f"{agency}.jsonl")
        assert done.agency == agency and done.records > 0


def run(hub: Hub, username: str, per_day: int = 20,
        purpose: str = PURPOSE) -> matching.RunSummary:
    return matching.run_match(hub, username, "tx", purpose, per_day=per_day)


def pairs(summary: matching.RunSummary) -> dict[tuple[str, str], str]:
    return {(h.ref, f"{h.other_agency}/{h.other_ref}"): h.band for h in summary.new}


def stored(hub: Hub) -> dict[str, int]:
    with hub.session() as s:
        return {str(code): int(n) for code, n in s.execute(text(
            "SELECT a.code, count(*) FROM encoded_records e JOIN agencies a "
            "ON a.id = e.agency_id GROUP BY a.code")).all()}


def audited(hub: Hub, action: str) -> list[AuditEntry]:
    with hub.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)))


def cells(hub: Hub) -> Iterator[tuple[str, str, str]]:
    """Every value of every column of every table, as text: (table, column, value)."""
    found = inspect(hub.engine)
    tables = {t: [c["name"] for c in found.get_columns(t)] for t in found.get_table_names()}
    with hub.reading() as session:
        for table, columns in tables.items():
            quoted = ", ".join(f'"{c}"' for c in columns)
            for row in session.execute(text(f'SELECT {quoted} FROM "{table}"')):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes | memoryview):
                        shown = bytes(value).decode("latin-1")
                    elif isinstance(value, dict | list):
                        shown = json.dumps(value, ensure_ascii=False)
                    else:
                        shown = str(value)
                    yield table, column, shown


def test_the_hub_holds_no_plaintext_after_uploads_and_a_match(tx: Hub) -> None:
    upload_all(tx)
    assert run(tx, "ua_sub").new
    wanted = {p.casefold() for p in name_parts()} | set(PLAINTEXT)
    seen_tables = set()
    for table, column, value in cells(tx):
        seen_tables.add(table)
        folded = value.casefold()
        leaked = [p for p in wanted if p in folded]
        assert not leaked, (table, column, leaked)
    assert {"encoded_records", "hits", "hit_notices", "match_runs", "audit_log"} <= seen_tables
    with tx.session() as s:  # and the encodings are there, with only the shareable attributes
        row = s.scalars(select(EncodedRecord).where(EncodedRecord.ref == "UA-P1")).one()
        assert row.shared == {"nationality": "UA", "gender": "male", "birth_year": 1984}
        assert len(row.filter) == 128 and len(row.identifiers) == 1


def test_one_person_at_three_agencies_is_found_and_every_owner_is_told(tx: Hub) -> None:
    upload_all(tx)
    first = run(tx, "ua_sub")
    assert pairs(first) == {
        ("UA-P1", "MD-NGO/MD-P1"): "high",
        ("UA-P1", "DE-FIU/DE-P1"): "identifier",  # the same phone
        ("UA-P2", "MD-NGO/MD-P2"): "possible",  # Ірина Мельник, Iryna Melnyk
    }
    assert first.compared == 3 and first.agencies == 3 and first.known == 0
    assert all(h.found_by == "UA-POL" for h in first.new)
    with tx.session() as s:
        # only the requester's hits: MD-NGO's and DE-FIU's records of Oleh wait for their ask
        assert s.scalar(select(func.count()).select_from(StoredHit)) == 3
        notified: dict[str, int] = dict(s.execute(text(
            "SELECT a.code, count(*) FROM hit_notices n JOIN agencies a ON a.id = n.agency_id "
            "GROUP BY a.code")).all())
    assert notified == {"UA-POL": 3, "MD-NGO": 2, "DE-FIU": 1}
    # MD-NGO's request finds the third side of Oleh's group, and the known hits again
    second = run(tx, "md_an")
    assert pairs(second) == {("MD-P1", "DE-FIU/DE-P1"): "high"}
    assert second.known == 2
    with tx.session() as s:
        seen = {(h.ref, h.other_agency, h.other_ref)
                for h in hits.hits_for(s, admin.actor(s, "de_an"))}
    assert seen == {("DE-P1", "UA-POL", "UA-P1"), ("DE-P1", "MD-NGO", "MD-P1")}


def test_a_hit_is_recorded_once_however_often_it_is_found(tx: Hub) -> None:
    upload_all(tx)
    run(tx, "ua_sub")
    again = run(tx, "ua_sub")
    assert again.new == [] and again.known == 3
    with tx.session() as s:
        assert s.scalar(select(func.count()).select_from(StoredHit)) == 3
        assert s.scalar(select(func.count()).select_from(HitNotice)) == 6


def test_an_agency_sees_and_marks_only_its_own_hits_and_notices(tx: Hub) -> None:
    upload_all(tx)
    run(tx, "ua_sub")
    with tx.session() as s:
        ua, de, io = (admin.actor(s, u) for u in ("ua_sub", "de_an", "io_an"))
        ua_notices = [n.id for n in hits.notices_for(s, ua)]
        de_notices = [n.id for n in hits.notices_for(s, de)]
        assert len(ua_notices) == 3 and len(de_notices) == 1
        assert {h.ref for h in hits.hits_for(s, de)} == {"DE-P1"}
        assert hits.hits_for(s, io) == [] and hits.notices_for(s, io) == []
        assert hits.hits_for(s, de, exchange="nope") == []
    # another agency's notice looks absent, and nothing is marked, not even one's own
    with pytest.raises(NotFound), tx.session() as s:
        hits.mark_read(s, admin.actor(s, "de_an"), [de_notices[0], ua_notices[0]])
    with tx.session() as s:
        assert s.scalar(select(func.count()).where(HitNotice.read_at.is_not(None))) == 0
        # "every notice up to" reaches only one's own
        assert hits.mark_read(s, admin.actor(s, "de_an"), through=10**9) == 1
        assert hits.notices_for(s, admin.actor(s, "ua_sub"), unread_only=True) != []
        assert hits.notices_for(s, admin.actor(s, "de_an"), unread_only=True) == []
    refused = [e for e in audited(tx, "hit.acknowledge") if e.outcome == "not_found"]
    assert len(refused) == 1 and refused[0].username == "de_an"


def test_hits_show_the_other_side_only_by_agency_and_reference(tx: Hub) -> None:
    upload_all(tx)
    run(tx, "ua_sub")
    with tx.session() as s:
        view = next(h for h in hits.hits_for(s, admin.actor(s, "md_an")) if h.ref == "MD-P1")
    shown = vars(view)
    assert set(shown) == {"id", "exchange", "ref", "other_agency", "other_ref", "band",
                          "identifier", "found_at", "found_by"}
    assert (view.other_agency, view.other_ref, view.found_by) == ("UA-POL", "UA-P1", "UA-POL")


@pytest.mark.parametrize("purpose", ["", "   ", "ok", "x" * 501])
def test_a_match_request_must_state_its_purpose(tx: Hub, purpose: str) -> None:
    upload_all(tx)
    with pytest.raises(ExchangeError, match="purpose"):
        run(tx, "ua_sub", purpose=purpose)
    with tx.session() as s:
        assert s.scalar(select(func.count()).select_from(MatchRun)) == 0


def test_requests_past_the_daily_limit_are_refused_and_audited(tx: Hub) -> None:
    upload_all(tx)
    run(tx, "ua_sub", per_day=2)
    run(tx, "ua_sub", per_day=2)
    with pytest.raises(RateLimited, match="2 match requests for today") as refused:
        run(tx, "ua_sub", per_day=2)
    assert 0 < refused.value.retry_after <= 86_400
    run(tx, "md_an", per_day=2)  # another agency's count is its own
    entries = audited(tx, "exchange.match")
    assert [e.outcome for e in entries if e.username == "ua_sub"].count("refused") == 1
    asked = [json.loads(e.detail) for e in entries if e.outcome == "ok" and
             "purpose" in json.loads(e.detail)]
    assert len(asked) == 3 and all(d["purpose"] == PURPOSE for d in asked)
    with tx.session() as s:
        assert s.scalar(select(func.count()).select_from(MatchRun)) == 3


def _lines(data: bytes) -> list[str]:
    return data.decode().splitlines()


def _break(lines: list[str], number: int, **changes: Any) -> bytes:
    line = json.loads(lines[number - 1])
    line.update(changes)
    lines[number - 1] = json.dumps(line)
    return "\n".join(lines).encode()


def _bad_files() -> dict[str, tuple[bytes, str]]:
    good = encoded("UA-POL")
    lines = _lines(good)
    short = base64.b64encode(b"\0" * 64).decode()
    head = json.loads(lines[0])
    return {
        "bad base64": (_break(_lines(good), 3, filter="not base64!"), "line 3: not an encoded"),
        "wrong filter length": (_break(_lines(good), 2, filter=short), "line 2: the filter is"),
        "duplicate ref": (_break(_lines(good), 3, ref="UA-P1"), "line 3: ref 'UA-P1' appears"),
        "truncated": ("\n".join(lines[:-1]).encode(), "counts 3 records, the file holds 2"),
        "plain identifier": (_break(_lines(good), 2, ids=["+380501234567"]),
                             "line 2: identifier hashes are 32 hexadecimal"),
        "name as an attribute": (_break(_lines(good), 4, shared={"nationality": "Savchuk"}),
                                 "line 4: shared nationality is not a valid"),
        "long ref": (_break(_lines(good), 2, ref="x" * 200), "line 2: a ref is at most"),
        "not utf-8": (b"\xff\xfe" + good, "not UTF-8"),
        "not encodings": (b"name,birth\nOleh,1984\n", "line 1: not JSON"),
        "bad header": ("\n".join([json.dumps({**head, "fingerprint": "0" * 16}),
                                  *lines[1:]]).encode(), "fingerprint does not match"),
    }


@pytest.mark.parametrize("case", sorted(_bad_files()))
def test_a_bad_file_is_refused_with_its_line_and_nothing_changes(tx: Hub, case: str) -> None:
    upload_all(tx)
    with tx.session() as s:
        before = sorted((r.ref, r.filter) for r in s.scalars(
            select(EncodedRecord).where(EncodedRecord.ref.like("UA-%"))))
    data, message = _bad_files()[case]
    with pytest.raises(EncodingError, match=re.escape(message)):
        matching.upload(tx, "ua_sub", "tx", data, source="ua.jsonl")
    with tx.session() as s:
        after = sorted((r.ref, r.filter) for r in s.scalars(
            select(EncodedRecord).where(EncodedRecord.ref.like("UA-%"))))
    assert after == before and len(before) == 3


def test_a_new_upload_replaces_the_agencys_set_whole(tx: Hub) -> None:
    upload_all(tx)
    one = [person("UA-P9", "Taras Hnatiuk", "1991-02-03")]
    done = matching.upload(tx, "ua_sub", "tx", encoded("UA-POL", one))
    assert (done.records, done.replaced) == (1, 3)
    assert stored(tx) == {"UA-POL": 1, "MD-NGO": 3, "DE-FIU": 2, "IOM": 1}
    empty = matching.upload(tx, "ua_sub", "tx", encoded("UA-POL", []))  # withdraws them all
    assert (empty.records, empty.replaced) == (0, 1) and "UA-POL" not in stored(tx)
    with pytest.raises(ExchangeError, match="no encodings"):
        run(tx, "ua_sub")


def test_encodings_under_another_secret_or_schema_wait_for_a_rotation(tx: Hub) -> None:
    upload_all(tx)
    with pytest.raises(ExchangeMismatch, match=r"uses another secret.*rotates the exchange"):
        matching.upload(tx, "ua_sub", "tx", encoded("UA-POL", secret=OTHER_SECRET))
    with pytest.raises(ExchangeMismatch, match="uses another schema"):
        matching.upload(tx, "ua_sub", "tx", encoded("UA-POL", schema=Schema(bits=512)))
    assert stored(tx)["UA-POL"] == 3
    with pytest.raises(Forbidden), tx.session() as s:
        exchanges.rotate(s, admin.actor(s, "io_an"), "tx", "the secret leaked")
    with tx.session() as s:
        cleared = exchanges.rotate(s, admin.actor(s, "root"), "tx", "the secret leaked",
                                   OTHER_SECRET.key_id)
    assert cleared == 9 and stored(tx) == {}
    with pytest.raises(ExchangeMismatch, match="was retired"):
        matching.upload(tx, "ua_sub", "tx", encoded("UA-POL"))
    stranger = Secret("tx", bytes(range(50, 82)))
    with pytest.raises(ExchangeMismatch, match="uses another secret"):
        matching.upload(tx, "ua_sub", "tx", encoded("UA-POL", secret=stranger))
    done = matching.upload(tx, "ua_sub", "tx", encoded("UA-POL", secret=OTHER_SECRET,
                                                       schema=Schema(bits=512)))
    assert done.key_id == OTHER_SECRET.key_id and done.records == 3
    rotation = json.loads(audited(tx, "exchange.manage")[-1].detail)
    assert rotation["retired"] == SECRET.key_id and rotation["cleared"] == 9


def test_an_agency_uploads_only_its_own_encodings(tx: Hub) -> None:
    with pytest.raises(WrongAgency, match="holds UA-POL's encodings"):
        matching.upload(tx, "md_an", "tx", encoded("UA-POL"))
    with pytest.raises(Forbidden):
        matching.upload(tx, "de_an", "tx", encoded("DE-FIU"))  # an analyst, not a submitter
    with pytest.raises(NotFound):
        matching.upload(tx, "ua_sub", "nope", encoded("UA-POL"))
    outcomes = {(e.username, e.outcome) for e in audited(tx, "encoding.submit")}
    assert outcomes == {("md_an", "refused"), ("de_an", "refused"), ("ua_sub", "not_found")}
    assert stored(tx) == {}


def test_only_the_convener_sets_up_exchanges_and_oversees_volumes(tx: Hub) -> None:
    upload_all(tx)
    run(tx, "ua_sub")
    run(tx, "ua_sub")
    run(tx, "md_an")
    for username in ("ua_sub", "io_an"):
        with pytest.raises(Forbidden), tx.session() as s:
            exchanges.set_exchange(s, admin.actor(s, username), "tx2", 0.9)
    for username in ("ua_aud", "de_an", "root"):
        with pytest.raises(Forbidden), tx.session() as s:
            hits.volumes(s, admin.actor(s, username))
    with tx.session() as s:
        found = hits.volumes(s, admin.actor(s, "io_an"))
    assert [(v.agency, v.exchange, v.runs, v.new_hits) for v in found] == [
        ("MD-NGO", "tx", 1, 1), ("UA-POL", "tx", 2, 3)]
    with tx.session() as s:
        views = exchanges.list_exchanges(s, admin.actor(s, "de_an"))
    assert [(e.name, e.records, e.key_id) for e in views] == [("tx", 2, SECRET.key_id)]


def test_a_stricter_threshold_finds_fewer(tx: Hub) -> None:
    with tx.session() as s:
        exchanges.set_exchange(s, admin.actor(s, "root"), "tx", 0.99)
    upload_all(tx)
    assert set(pairs(run(tx, "ua_sub"))) == {("UA-P1", "DE-FIU/DE-P1")}  # the phone alone


def test_people_of_a_generated_scenario_are_found_across_agencies(
    hub: Hub, tmp_path: Path
) -> None:
    generated = synth.generate(Settings(seed=7, scale=1500))
    manifest = synth.write(generated, tmp_path / "scenario")
    _register(hub, manifest)
    with hub.session() as s:
        exchanges.set_exchange(s, admin.actor(s, "admin"), "tx", 0.8)
    truth = {f"{a.code}/{ref}": true for a in generated.agencies
             for ref, kind, true in a.truth if kind == "person"}
    codes = [a["code"] for a in manifest["agencies"]]
    for agency in manifest["agencies"]:
        path = tmp_path / "scenario" / agency["file"]
        valid = [r.record for r in validate_rows(read_rows(path, record_type=None),
                                                       country=agency["country"])
                 if isinstance(r, Valid)]
        rows = person_rows([(agency["code"], r) for r in valid])
        matching.upload(hub, agency["code"].lower(), "tx", _file(agency["code"], rows, tmp_path))
    found: set[tuple[str, str]] = set()
    for code in codes:
        summary = matching.run_match(hub, code.lower(), "tx", PURPOSE, per_day=20)
        for h in summary.new:
            a, b = sorted((f"{code}/{h.ref}", f"{h.other_agency}/{h.other_ref}"))
            found.add((a, b))
    people: dict[str, list[str]] = {}
    for key, true in truth.items():
        people.setdefault(true, []).append(key)
    pairs_known = sum(1 for keys in people.values() for a in keys for b in keys
                      if a < b and a.split("/")[0] != b.split("/")[0])
    right = sum(truth[a] == truth[b] for a, b in found)
    assert right / len(found) >= 0.95, (right, len(found))  # hits are the same person
    assert right / pairs_known >= 0.7, (right, pairs_known)  # and most such pairs are hits


def _file(agency: str, rows: list[dict[str, Any]], folder: Path) -> bytes:
    from tessera.linkage.pprl import files

    path = folder / f"{agency}.jsonl"
    files.write(path, encode(agency, list(rows), Schema(), SECRET))
    return path.read_bytes()
