"""The overview says what needs the agency's attention: new hits, overdue requests and open
cases, each its own agency's only."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from tessera.cooperation import cases
from tessera.hub import admin
from tessera.hub.models import CoopRequest
from tessera.linkage.exchange import run_match
from tests.web.conftest import Web


def test_the_overview_counts_what_needs_attention(web: Web, sent_request: str) -> None:
    with web.world.hub.session() as s:
        cases.open_case(s, admin.actor(s, "ua_sub"), title="Odesa recruiters", country="UA")
        s.execute(update(CoopRequest).where(CoopRequest.code == sent_request)
                  .values(deadline=dt.date(2020, 1, 1)))  # long past
    ukraine = web.signed_in("ua_sub").get("/").text
    assert 'data-testid="attention"' in ukraine
    overdue = ukraine.split('data-testid="overdue"')[1].split("</a>")[0]
    assert '<span class="n">1</span>' in overdue
    assert f'href="/requests/{sent_request}"' in ukraine  # listed, late
    cases_figure = ukraine.split('data-testid="open-cases"')[1].split("</a>")[0]
    assert '<span class="n">1</span>' in cases_figure and "1 reported" in cases_figure
    # the agency asked sees the same request overdue; another agency sees neither
    assert f'href="/requests/{sent_request}"' in web.signed_in("de_an").get("/").text
    moldova = web.signed_in("md_an").get("/").text
    assert sent_request not in moldova
    assert '<span class="n">0</span><span class="label">open cases' in moldova
    # an auditor has none of these to act on
    assert 'data-testid="attention"' not in web.signed_in("ua_aud").get("/").text


def test_new_hits_are_counted_until_read(web: Web, tx: str) -> None:
    run_match(web.world.hub, "ua_sub", tx, "case 2026/9", per_day=100)
    client = web.signed_in("ua_sub")
    figure = client.get("/").text.split('data-testid="new-hits"')[1].split("</a>")[0]
    unread = int(figure.split('<span class="n">')[1].split("<")[0])
    assert unread >= 1 and 'data-testid="new-hits-table"' in client.get("/").text
    notices = client.get("/api/v1/notifications").json()
    assert client.post("/api/v1/notifications/read",
                       json={"through": max(n["id"] for n in notices)}).status_code == 200
    after = client.get("/").text.split('data-testid="new-hits"')[1].split("</a>")[0]
    assert '<span class="n">0</span>' in after
