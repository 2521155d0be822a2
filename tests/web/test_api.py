"""The API's records, submissions and audit log, as each agency's users see them."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from tessera.hub import admin, entities
from tessera.hub.models import AuditEntry, StoredRecord
from tests.web.conftest import Web, submit

GOOD_CSV = (
    "record_type,ref,name,gender\nperson,N1,Olena Kovalenko,female\nperson,N2,Petro Lys,male\n"
)
BAD_CSV = (
    "record_type,ref,name,birth_date,number,owner_ref,gender\n"
    "person,B1,Ірина Мельник,31.02.1990,,,female\n"
    "phone,B2,,,not-a-number,B1,\n"
)


def refs(web: Web, username: str, **params: str) -> set[str]:
    answer = web.signed_in(username).get("/api/v1/records", params=params)
    assert answer.status_code == 200, answer.text
    return {r["ref"] for r in answer.json()}


def test_each_agency_lists_only_what_it_may_see(web: Web) -> None:
    assert refs(web, "ua_sub") == {"UA-P1", "UA-P2"}
    assert refs(web, "de_an") == {"UA-P2", "DE-A1"}
    assert refs(web, "md_an") == {"UA-P2"}
    assert refs(web, "ua_sub", type="person", q="bondar") == {"UA-P2"}


def test_a_record_comes_with_its_provenance_and_handling(web: Web) -> None:
    answer = web.signed_in("ua_sub").get("/api/v1/records/UA-POL/UA-P1")
    assert answer.status_code == 200
    record = answer.json()
    assert record["data"]["name"]["raw"] == "Олег Петренко"
    assert record["provenance"]["source_file"] == "seed.csv"
    assert record["provenance"]["source_row"] == 2
    assert record["handling"]["scope"] == "owner"


def test_a_hidden_record_looks_absent_and_the_attempt_is_audited(web: Web) -> None:
    hidden = web.signed_in("de_an").get("/api/v1/records/UA-POL/UA-P1")
    absent = web.signed_in("de_an").get("/api/v1/records/UA-POL/NOPE")
    assert hidden.status_code == absent.status_code == 404
    assert "UA-P1" in hidden.json()["detail"] and "Олег" not in hidden.text
    with web.world.hub.session() as s:
        outcome = s.scalar(select(AuditEntry.outcome).where(
            AuditEntry.resource == "record:UA-POL/UA-P1", AuditEntry.username == "de_an"))
    assert outcome == "not_found"


def test_retraction_is_for_the_owner_once_and_keeps_the_history(web: Web) -> None:
    other = web.signed_in("md_an").post("/api/v1/records/UA-P2/retraction",
                                        json={"reason": "not ours"})
    assert other.status_code == 404  # md_an's agency has no record UA-P2 of its own
    owner = web.signed_in("ua_sub")
    assert owner.post("/api/v1/records/UA-P2/retraction",
                      json={"reason": "entered in error"}).status_code == 204
    again = owner.post("/api/v1/records/UA-P2/retraction", json={"reason": "entered in error"})
    assert again.status_code == 409
    versions = owner.get("/api/v1/records/UA-POL/UA-P2/history").json()
    assert [(v["version"], v["retracted"]) for v in versions] == [(1, False), (2, True)]


def test_history_shows_only_the_versions_the_reader_could_see(web: Web) -> None:
    submit(web.world, "UA-POL", [{"record_type": "person", "ref": "UA-P9",
                                 "name": "Secret Victim Name", "sharing_scope": "owner"}])
    submit(web.world, "UA-POL", [{"record_type": "person", "ref": "UA-P9",
                                 "name": "Redacted Person", "sharing_scope": "members"}])
    other = web.signed_in("de_an").get("/api/v1/records/UA-POL/UA-P9/history")
    assert [v["version"] for v in other.json()] == [2]
    assert "Secret" not in other.text
    assert "Secret" not in web.signed_in("de_an").get("/records/UA-POL/UA-P9").text
    owner = web.signed_in("ua_sub").get("/api/v1/records/UA-POL/UA-P9/history")
    assert [v["version"] for v in owner.json()] == [1, 2]


def test_a_good_file_is_loaded_and_reported(web: Web) -> None:
    answer = web.bearer().post(
        "/api/v1/submissions", files={"file": ("people.csv", GOOD_CSV, "text/csv")}
    )
    assert answer.status_code == 201, answer.text
    result = answer.json()
    assert (result["status"], result["created"]) == ("committed", 2)
    assert refs(web, "ua_sub", q="N1") == {"N1"}
    listed = web.bearer().get("/api/v1/submissions").json()
    assert [(s["file_name"], s["username"]) for s in listed] == [("people.csv", "ua_sub")]
    one = web.bearer().get(f"/api/v1/submissions/{result['submission_id']}")
    assert one.json()["created"] == 2


def test_a_bad_file_writes_nothing_and_names_each_problem(web: Web) -> None:
    with web.world.hub.session() as s:
        before = s.scalar(select(func.count()).select_from(StoredRecord))
    answer = web.bearer().post(
        "/api/v1/submissions", files={"file": ("bad.csv", BAD_CSV, "text/csv")}
    )
    assert answer.status_code == 422
    report = answer.json()["report"]
    problems = {(r["row"], r["field"]) for r in report["rejections"]}
    assert (2, "birth_date") in problems and (3, "number") in problems
    assert report["rejected_rows"] == 2
    with web.world.hub.session() as s:
        assert s.scalar(select(func.count()).select_from(StoredRecord)) == before


def test_accept_valid_loads_only_the_valid_rows(web: Web) -> None:
    mixed = GOOD_CSV + "person,N3,Anna Bilyk,robot\n"
    answer = web.bearer().post(
        "/api/v1/submissions", files={"file": ("mixed.csv", mixed, "text/csv")},
        data={"accept_valid": "true"},
    )
    assert answer.status_code == 201
    assert (answer.json()["status"], answer.json()["created"]) == ("partial", 2)


def test_an_uploaded_file_name_cannot_leave_the_upload_folder(web: Web) -> None:
    answer = web.bearer().post(
        "/api/v1/submissions", files={"file": ("../../etc/people.csv", GOOD_CSV, "text/csv")}
    )
    assert answer.status_code == 201
    assert answer.json()["report"]["file"] == "people.csv"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(web: Web) -> None:
    web.app.state.web.settings.max_upload_mb = 1
    big = GOOD_CSV + "".join(f"person,X{n},Name Number{n},female\n" for n in range(60_000))
    for client in (web.bearer(), web.client()):  # signed in or not, the answer is the same
        answer = client.post("/api/v1/submissions",
                             files={"file": ("big.csv", big, "text/csv")})
        assert answer.status_code == 413
        assert "1 MiB" in answer.json()["detail"]
        assert answer.headers.get_list("x-frame-options") == ["DENY"]
    assert refs(web, "ua_sub", q="X1") == set()
    # the upload page's form gets a page a person can read, not JSON
    answer = web.signed_in("ua_sub").post("/submissions",
                                          files={"file": ("big.csv", big, "text/csv")})
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "larger than 1 MiB" in answer.text and "Back to submissions" in answer.text
    assert refs(web, "ua_sub", q="X1") == set()


def test_a_body_sent_without_its_length_is_cut_off_at_the_limit(web: Web) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(3000):
            yield b'{"reason": "' + b"x" * 1000
    answer = web.bearer().post("/api/v1/records/UA-P2/retraction", content=chunks(),
                               headers={"content-type": "application/json"})
    assert answer.status_code == 413


def test_submissions_of_another_agency_are_not_shown(web: Web) -> None:
    submitted = web.bearer().post(
        "/api/v1/submissions", files={"file": ("people.csv", GOOD_CSV, "text/csv")}
    ).json()
    md = web.signed_in("md_an")
    assert md.get("/api/v1/submissions").json() == []
    assert md.get(f"/api/v1/submissions/{submitted['submission_id']}").status_code == 404
    root = web.signed_in("root")  # an admin of the convening organisation
    assert [s["agency"] for s in root.get("/api/v1/submissions").json()] == ["UA-POL"]


def test_an_agency_auditor_oversees_their_agency_and_the_hub_auditor_all(web: Web) -> None:
    web.signed_in("de_an").get("/api/v1/records/UA-POL/UA-P2")
    web.signed_in("md_an").get("/api/v1/records")
    entries = web.signed_in("ua_aud").get("/api/v1/audit", params={"limit": 1000}).json()
    assert entries, "an agency auditor sees their agency's trail"
    for e in entries:
        assert e["agency"] == "UA-POL" or e["resource"].startswith("record:UA-POL/"), e
    assert any(e["username"] == "de_an" for e in entries)  # who read UA-POL's record
    assert not any(e["username"] == "md_an" for e in entries)  # md_an read no UA-POL record
    check = web.signed_in("ua_aud").get("/api/v1/audit/verification").json()
    assert check["ok"] is True and check["problems"] == []


def test_a_value_the_store_cannot_hold_is_the_requests_fault(web: Web) -> None:
    client = web.signed_in("ua_sub")
    for answer in (
        client.get("/api/v1/records", params={"q": "a\x00b"}),
        client.get("/api/v1/records/UA-POL/x%00y"),
        web.client().post("/api/v1/session", json={"username": "a\x00", "password": "x" * 12}),
    ):
        assert answer.status_code < 500, answer.text  # SQLite stores NUL; PostgreSQL refuses it
        assert "psycopg" not in answer.text and "sqlite" not in answer.text.lower()


def test_only_the_hubs_analysts_see_entities_and_only_their_visible_members(web: Web) -> None:
    with web.world.hub.session() as s:
        (entity,) = entities.issue_ids(s, 1)
        keys = ("UA-POL/UA-P1", "UA-POL/UA-P2", "DE-FIU/DE-A1")
        entities.replace_members(s, admin.actor(s, "io_an"), dict.fromkeys(keys, (entity, 0.97)))
    # an entity's id and its members tell that other agencies hold the person: hub-wide only
    for national in ("ua_sub", "de_an"):
        answer = web.signed_in(national).get("/api/v1/records/UA-POL/UA-P2/entity")
        assert answer.status_code == 403
        assert entity not in web.signed_in(national).get("/records/UA-POL/UA-P2").text
    hub = web.signed_in("io_an").get("/api/v1/records/UA-POL/UA-P2/entity").json()
    assert hub["entity_id"] == entity
    assert {m["ref"] for m in hub["members"]} == {"UA-P2"}  # UA-P1 and DE-A1 are owner-only
    assert "probability" not in str(hub)


def test_a_judgement_is_kept_and_names_the_analyst(web: Web) -> None:
    body = {"left": "UA-POL/UA-P1", "right": "UA-POL/UA-P2", "verdict": "same",
            "note": "same passport photo"}
    answer = web.bearer().post("/api/v1/judgements", json=body)
    assert answer.status_code == 201
    assert (answer.json()["username"], answer.json()["verdict"]) == ("ua_sub", "same")
    self_pair = web.bearer().post("/api/v1/judgements",
                                  json={**body, "right": "UA-POL/UA-P1"})
    assert self_pair.status_code == 400
    with web.world.hub.session() as s:
        assert [j.note for j in entities.judgements(s)] == ["same passport photo"]


def test_screening_finds_only_records_the_caller_may_see(web: Web) -> None:
    born = {"birth_date": "1990-05-01", "nationalities": "UA", "gender": "male"}
    submit(web.world, "UA-POL", [{"record_type": "person", "ref": "UA-B1",
                                 "name": "Іван Бондар", "sharing_scope": "members", **born}])
    submit(web.world, "DE-FIU", [{"record_type": "person", "ref": "DE-B1",
                                 "name": "Iwan Bondar", "sharing_scope": "owner", **born}])
    body = {"people": [{"ref": "S1", "name": "BONDAR Ivan", "birth_date": "1990-05-01",
                        "nationality": "UA", "gender": "male"}], "threshold": 0.0}
    police = web.signed_in("ua_sub").post("/api/v1/screening", json=body)
    fiu = web.signed_in("de_an").post("/api/v1/screening", json=body)
    assert police.status_code == fiu.status_code == 200, police.text
    assert "UA-POL/UA-B1" in {c["record"] for c in police.json()}
    assert "DE-FIU/DE-B1" not in {c["record"] for c in police.json()}  # DE-FIU's own
    assert {"UA-POL/UA-B1", "DE-FIU/DE-B1"} <= {c["record"] for c in fiu.json()}
    assert "UA-POL/UA-P1" not in {c["record"] for c in fiu.json()}  # UA-POL's own
    assert all(c["query"] == "S1" and c["explanation"] for c in fiu.json())
    bad = web.signed_in("de_an").post(
        "/api/v1/screening", json={"people": [{"name": "X Y", "birth_date": "31.02.1990"}]})
    assert bad.status_code == 400 and "birth_date" in bad.json()["detail"]
    twice = web.signed_in("de_an").post("/api/v1/screening", json={
        "people": [{"ref": "S1", "name": "A B"}, {"ref": "S1", "name": "C D"}]})
    assert twice.status_code == 400
    with web.world.hub.session() as s:
        asked = s.scalars(select(AuditEntry.detail).where(
            AuditEntry.resource == "records:screening-results",
            AuditEntry.username == "de_an")).all()
    assert any("DE-FIU/DE-B1" in d and "BONDAR" not in d for d in asked)
