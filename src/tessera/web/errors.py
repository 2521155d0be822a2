"""Domain errors and their HTTP answers, in one place.

The API answers ``{"detail": "..."}`` with the status; pages show the same message in the
layout, and send a person who is not signed in to the sign-in page.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError

from tessera.cooperation.cases import CaseConflict, CaseError
from tessera.cooperation.kb import KbError
from tessera.cooperation.requests import RequestError, WrongSide
from tessera.hub.access import Forbidden
from tessera.hub.admin import AdminError
from tessera.hub.entities import JudgementError
from tessera.hub.exchanges import ExchangeError, ExchangeMismatch, WrongAgency
from tessera.hub.hits import RateLimited
from tessera.hub.records import AlreadyRetracted, NotFound
from tessera.ingest.load import LoadError
from tessera.linkage.pprl.schema import EncodingError
from tessera.network.paths import NotInNetwork
from tessera.publish.public import NotPublished
from tessera.web.deps import CsrfRefused, NotSignedIn, Throttled
from tessera.web.render import render
from tessera.web.routes.screening import ScreeningError

STATUS: dict[type[Exception], int] = {
    NotSignedIn: 401,
    Forbidden: 403,
    WrongSide: 403,
    WrongAgency: 403,
    CsrfRefused: 403,
    NotFound: 404,
    NotInNetwork: 404,  # a node the caller's network does not hold
    NotPublished: 404,
    AlreadyRetracted: 409,
    CaseConflict: 409,  # before CaseError, which it is a kind of
    ExchangeMismatch: 409,  # before ExchangeError, which it is a kind of
    Throttled: 429,
    RateLimited: 429,
    LoadError: 400,
    AdminError: 400,
    JudgementError: 400,
    ScreeningError: 400,
    ExchangeError: 400,
    KbError: 400,
    EncodingError: 400,
    RequestError: 400,
    CaseError: 400,
    # A value the database cannot hold (a NUL character in text, a number out of range): the
    # request's fault. Its message, which quotes the database, is not passed on.
    DataError: 400,
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _answer(request: Request, exc: Exception) -> Response:
    status = next(code for kind, code in STATUS.items() if isinstance(exc, kind))
    message = "the request holds a value the hub cannot store" if isinstance(
        exc, DataError) else str(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, Throttled | RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    if is_api(request):
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return render(request, "error.html", {"status": status, "message": message},
                  status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    for kind in STATUS:
        app.add_exception_handler(kind, _answer)
