"""Published statistics on the web: anyone reads them, signed in or not, over the API and on
pages; the data served is what was published, and a withdrawn release is gone."""

from __future__ import annotations

import csv
import io

from tessera.hub import admin
from tessera.publish import public, release, tables
from tests.web.conftest import Web

TABLE = tables.Table(("origin", "gender"),
                     {("UA", "female"): 120, ("UA", "male"): 44, ("MD", "female"): 6}, 170, 1)


def published(web: Web, title: str = "Victims by origin and gender") -> str:
    made = release.release_kanon(TABLE)
    with web.world.hub.session() as s:
        admin.create_user(s, "test", username="io_co", agency_code="IOM",
                          roles=["coordinator"])
        public.publish(s, admin.actor(s, "io_co"), made.id, public.of_table(made, title), "hub")
    return made.id


def test_anyone_reads_the_published_statistics(web: Web) -> None:
    release_id = published(web)
    anonymous = web.client()
    listed = anonymous.get("/api/v1/statistics")
    assert listed.status_code == 200
    assert [(r["id"], r["kind"], r["method"]) for r in listed.json()] == [
        (release_id, "table", "k-anonymity")]
    got = anonymous.get(f"/api/v1/statistics/{release_id}").json()
    assert got["columns"] == ["origin", "gender", "victims"]
    assert got["rows"] == [["UA", "female", 120], ["UA", "male", 45]]  # MD's 6 suppressed
    assert "utility" not in got["metadata"] and got["metadata"]["parameters"]["k"] == 11
    page = anonymous.get("/statistics")
    assert page.status_code == 200 and "Victims by origin and gender" in page.text
    detail = anonymous.get(f"/statistics/{release_id}")
    assert detail.status_code == 200 and 'data-testid="bars"' in detail.text
    assert "UA · female" in detail.text and "MD" not in detail.text
    data = anonymous.get(f"/statistics/{release_id}/data.csv")
    assert data.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(data.text))) == [
        ["origin", "gender", "victims"], ["UA", "female", "120"], ["UA", "male", "45"]]


def test_a_withdrawn_or_unknown_release_is_not_found(web: Web) -> None:
    release_id = published(web)
    with web.world.hub.session() as s:
        public.withdraw(s, admin.actor(s, "io_co"), release_id, "a cell was misfiled")
    client = web.signed_in("io_an")
    assert client.get("/api/v1/statistics").json() == []
    for path in (f"/api/v1/statistics/{release_id}", "/api/v1/statistics/R20260101-00000000",
                 f"/statistics/{release_id}", f"/statistics/{release_id}/data.csv"):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/v1/statistics/not-an-id").status_code == 422
