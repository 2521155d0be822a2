"""The dashboard in a real browser: uvicorn serves the app, Chromium (Debian's) drives it.

Signing in through the form, what each agency sees, a file upload and its report, the pages
loading without console errors or failed requests, and signing out. SQLite only: the web
layer is the subject here, the backends are covered by the rest of the suite. Each page
visited is saved as a PNG in ``$TESSERA_SCREENSHOTS`` (default ``build/screenshots``).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    FilePayload,
    Page,
    Request,
    Response,
    sync_playwright,
)
from sqlalchemy import select

from tessera.hub.models import Agency, StoredRecord
from tests.conftest import PROJECT_ROOT
from tests.web.conftest import PASSWORD, Web, submit
from tests.web.test_statistics import published

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("TESSERA_SCREENSHOTS") or PROJECT_ROOT / "build" / "screenshots")
ERROR_STATUS_MESSAGE = "Failed to load resource: the server responded with a status of"
AGENCY = {"ua_sub": "UA-POL", "ua_aud": "UA-POL", "de_an": "DE-FIU"}

COLUMNS = "record_type,ref,name,birth_date,number,owner_ref,gender\n"
BAD_CSV = (
    COLUMNS
    + "person,B1,Ірина Мельник,31.02.1990,,,female\n"
    + "phone,B2,,,not-a-number,B1,\n"
)
GOOD_CSV = (
    COLUMNS
    + "person,B1,Ірина Мельник,28.02.1990,,,female\n"
    + "phone,B2,,,+380 44 123 4567,B1,\n"
)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """Overrides the suite's backends for this module: SQLite only."""
    return f"sqlite:///{tmp_path / 'hub.sqlite'}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once for the module."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {CHROMIUM} is missing "
                        "(apt-get install chromium)", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium to run the browser tests")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def server(web: Web) -> Iterator[str]:
    """The web app served by uvicorn on a free local port, in a background thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        assert thread.is_alive(), "uvicorn stopped while starting"
        assert time.monotonic() < deadline, "uvicorn did not start within 10 s"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@dataclass
class Tab:
    """A page in a browser context of its own (its own cookies), watched for every problem:
    console errors, uncaught script errors, failed requests and refused sub-resources.

    A page that answers with an error status on purpose (a 403 page, a rejected file's 422
    report) makes Chromium log "Failed to load resource" for it: that status is asserted by
    the test, so that message alone is not counted as a problem."""

    page: Page
    errors: list[str] = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(default_factory=list)  # (text, url)
    error_pages: set[str] = field(default_factory=set)

    def watch(self) -> None:
        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.console_errors.append((message.text, message.location["url"]))

        def request_failed(request: Request) -> None:
            self.errors.append(f"request failed: {request.url} ({request.failure})")

        def response(answer: Response) -> None:
            if answer.status < 400:
                return
            if answer.request.resource_type == "document":
                self.error_pages.add(answer.url)
            else:
                self.errors.append(f"{answer.status} for {answer.url}")

        self.page.on("console", console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on("requestfailed", request_failed)
        self.page.on("response", response)

    @property
    def problems(self) -> list[str]:
        return self.errors + [
            f"console error: {text} ({url})" for text, url in self.console_errors
            if not (url in self.error_pages and text.startswith(ERROR_STATUS_MESSAGE))
        ]

    def open(self, path: str) -> Response:
        answer = self.page.goto(path)
        assert answer is not None
        return answer

    def sign_in(self, username: str, then: str = "/") -> None:
        """Through the sign-in form, as a person does."""
        self.open(f"/login?next={then}")
        self.sign_in_here(username)

    def sign_in_here(self, username: str) -> None:
        """Fill in and send the sign-in form this tab shows."""
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()
        who = self.page.get_by_test_id("who").inner_text()
        assert who == f"{username} · {AGENCY[username]}"

    def path(self) -> str:
        """Where the tab is: the path and query of its URL."""
        url = urlsplit(self.page.url)
        return url.path + (f"?{url.query}" if url.query else "")

    def column(self, table: str, n: int) -> list[str]:
        """The texts of the ``n``-th column (from 1) of the table with test id ``table``."""
        cells = self.page.get_by_test_id(table).locator(f"tbody tr td:nth-child({n})")
        return [text.strip() for text in cells.all_inner_texts()]

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def tab(browser: Browser, server: str) -> Iterator[Callable[[], Tab]]:
    """Opens tabs on the served app, each in a fresh context; closed after the test."""
    contexts = []

    def open_tab() -> Tab:
        context = browser.new_context(base_url=server)
        context.set_default_timeout(10_000)
        contexts.append(context)
        opened = Tab(context.new_page())
        opened.watch()
        return opened

    yield open_tab
    for context in contexts:
        context.close()


def slug(username: str, path: str) -> str:
    return f"{username}-" + (re.sub(r"[^\w]+", "-", path).strip("-") or "overview")


def current_refs(web: Web, agency: str) -> set[str]:
    with web.world.hub.session() as s:
        return set(s.scalars(
            select(StoredRecord.ref).join(Agency, StoredRecord.agency_id == Agency.id)
            .where(Agency.code == agency)
        ))


def test_the_records_page_sends_a_stranger_to_sign_in_and_then_back(
    tab: Callable[[], Tab],
) -> None:
    stranger = tab()
    answer = stranger.open("/records")
    assert answer.status == 200
    assert stranger.path() == "/login?next=/records"
    assert stranger.page.get_by_role("heading", name="Sign in").is_visible()
    stranger.sign_in_here("ua_sub")
    assert stranger.path() == "/records"
    assert stranger.problems == []


def test_two_agencies_signed_in_at_once_each_see_only_their_records(
    tab: Callable[[], Tab],
) -> None:
    ukraine, germany = tab(), tab()
    ukraine.sign_in("ua_sub", then="/records")
    germany.sign_in("de_an", then="/records")
    ukraine.page.reload()
    assert set(ukraine.column("records", 2)) == {"UA-P1", "UA-P2"}
    assert "Oleg Petrenko" in ukraine.column("records", 4)  # titles are transliterated
    assert set(germany.column("records", 2)) == {"UA-P2", "DE-A1"}
    assert "Petrenko" not in germany.page.content()
    # The link to the record shared with every member opens it for the other agency too.
    germany.page.get_by_role("link", name="UA-P2").click()
    germany.page.wait_for_url("**/records/UA-POL/UA-P2")
    assert germany.page.get_by_role("heading", name="Ivan Bondar").is_visible()
    assert ukraine.problems == germany.problems == []


def test_a_rejected_upload_reports_each_row_and_field_and_writes_nothing(
    web: Web, tab: Callable[[], Tab],
) -> None:
    submitter = tab()
    submitter.sign_in("ua_sub", then="/submissions")
    before = current_refs(web, "UA-POL")

    def upload(name: str, content: str) -> Response:
        submitter.page.locator("input[name=file]").set_input_files(
            FilePayload(name=name, mimeType="text/csv", buffer=content.encode())
        )
        with submitter.page.expect_navigation() as sent:
            submitter.page.get_by_role("button", name="Submit").click()
        answer = sent.value
        assert answer is not None
        return answer

    answer = upload("bad.csv", BAD_CSV)
    submitter.screenshot("ua_sub-submission-rejected")
    assert answer.status == 422
    assert submitter.page.get_by_test_id("status").inner_text() == "rejected"
    assert "Nothing was written" in submitter.page.get_by_test_id("summary").inner_text()
    problems = list(zip(submitter.column("rejections", 1), submitter.column("rejections", 3),
                        strict=True))
    assert problems == [("2", "birth_date"), ("3", "number")]
    values = submitter.column("rejections", 4)
    assert "31.02.1990" in values and "not-a-number" in values
    assert current_refs(web, "UA-POL") == before
    submitter.open("/records?q=B1")
    assert submitter.column("records", 1) == ["No record you may see matches."]

    submitter.open("/submissions")
    assert submitter.page.locator("p.empty").inner_text() == "None yet."  # no submission kept
    answer = upload("good.csv", GOOD_CSV)
    submitter.screenshot("ua_sub-submission-committed")
    assert answer.status == 201
    assert submitter.page.get_by_test_id("status").inner_text() == "committed"
    assert "2 new" in submitter.page.get_by_test_id("summary").inner_text()
    assert current_refs(web, "UA-POL") == before | {"B1", "B2"}
    submitter.open("/submissions")
    assert submitter.page.locator("td .status").all_inner_texts() == ["committed"]
    assert submitter.problems == []


PAGES = {
    "ua_sub": ["/", "/records", "/records/UA-POL/UA-P2", "/submissions", "/cases",
               "/statistics"],
    "ua_aud": ["/", "/audit", "/audit?verify=1"],
    "de_an": ["/", "/records", "/records/UA-POL/UA-P2"],
}


@pytest.mark.parametrize("username", list(PAGES))
def test_every_page_a_role_may_see_loads_without_errors(
    username: str, tab: Callable[[], Tab]
) -> None:
    user = tab()
    user.sign_in(username)
    for path in PAGES[username]:
        answer = user.open(path)
        user.screenshot(slug(username, path))
        assert answer.status == 200, path
        assert user.path() == path
        heading = user.page.locator("h1").inner_text()
        assert heading and heading not in ("Not allowed", "Not found"), path
    if username == "ua_aud":
        assert "chain intact" in user.page.get_by_test_id("chain").inner_text()
    assert user.problems == []


def test_the_sign_in_page_loads_without_errors(tab: Callable[[], Tab]) -> None:
    stranger = tab()
    assert stranger.open("/login").status == 200
    stranger.screenshot("anonymous-login")
    assert stranger.problems == []


def test_the_public_statistics_load_without_signing_in(web: Web, tab: Callable[[], Tab]) -> None:
    release_id = published(web)
    stranger = tab()
    assert stranger.open("/statistics").status == 200
    stranger.screenshot("anonymous-statistics")
    stranger.page.get_by_role("link", name="Victims by origin and gender").click()
    stranger.page.wait_for_url(f"**/statistics/{release_id}")
    assert stranger.page.get_by_test_id("bars").locator("rect").count() == 2
    stranger.screenshot("anonymous-statistic")
    assert stranger.problems == []


def test_an_analyst_reads_the_knowledge_base_and_the_outcomes(
    web: Web, tab: Callable[[], Tab],
) -> None:
    added = web.signed_in("de_an").post("/api/v1/kb", json={
        "kind": "playbook", "title": "Reflection period in practice", "countries": ["MD"],
        "body": "How shelters explain the reflection period to victims."})
    assert added.status_code == 201, added.text
    submit(web.world, "UA-POL", [
        {"record_type": "person", "ref": "V1", "name": "Vira One", "roles": "victim",
         "sharing_scope": "members"},
        {"record_type": "outcome", "ref": "O1", "kind": "charge", "person_ref": "UA-P2",
         "date": "2025-05-02", "sharing_scope": "members"},
    ])
    analyst = tab()
    analyst.sign_in("de_an", then="/kb?q=reflection")
    assert analyst.page.get_by_test_id("kb-hits").locator("mark").count() >= 1
    analyst.screenshot("de_an-kb")
    analyst.page.get_by_role("link", name="Reflection period in practice").click()
    analyst.page.wait_for_url(f"**/kb/{added.json()['id']}")
    analyst.screenshot("de_an-kb-entry")
    assert analyst.open("/outcomes?by=agency").status == 200
    assert analyst.page.get_by_test_id("outcomes-chart").locator("rect[data-value]").count() == 3
    analyst.screenshot("de_an-outcomes")
    assert analyst.problems == []


def test_a_user_who_is_not_an_auditor_gets_the_403_page_for_the_audit_log(
    tab: Callable[[], Tab],
) -> None:
    submitter = tab()
    submitter.sign_in("ua_sub")
    assert "Audit" not in submitter.page.get_by_role("navigation").inner_text()
    answer = submitter.open("/audit")
    assert answer.status == 403
    assert submitter.page.get_by_role("heading", name="Not allowed").is_visible()
    assert submitter.page.get_by_test_id("audit").count() == 0
    assert submitter.problems == []


def test_signing_out_ends_the_session_even_for_the_back_button(
    tab: Callable[[], Tab],
) -> None:
    user = tab()
    user.sign_in("ua_sub")
    user.page.get_by_role("navigation").get_by_role("link", name="Records").click()
    user.page.wait_for_url("**/records")
    assert "Ivan Bondar" in user.page.content()
    with user.page.expect_navigation():
        user.page.get_by_role("button", name="Sign out").click()
    assert user.path() == "/login"
    # Back to the records page: it is asked for again (no-store), and the server refuses.
    user.page.go_back()
    assert user.path() == "/login?next=/records"
    assert "Ivan Bondar" not in user.page.content()
    user.open("/records")
    assert user.path() == "/login?next=/records"
    assert user.page.context.cookies() == []
    assert user.problems == []
