"""The web hub's application factory: API routers, pages, static files, errors and headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from tessera import __version__
from tessera.config import Settings
from tessera.hub.db import Hub
from tessera.web import errors, pages
from tessera.web.deps import Throttle, WebState
from tessera.web.middleware import API_PREFIX, BodyLimit, SecureHeaders
from tessera.web.render import STATIC
from tessera.web.routes import (
    audit,
    cases,
    entities,
    exchanges,
    kb,
    network,
    outcomes,
    patterns,
    records,
    requests,
    screening,
    session,
    statistics,
    submissions,
)


class _Tessera(FastAPI):
    """FastAPI with the security headers outside everything, Starlette's own error answer
    included: middleware added the usual way sits inside the one that answers an unexpected
    error with a 500, which would go out bare."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecureHeaders(super().build_middleware_stack())


def create_app(settings: Settings, hub: Hub | None = None) -> FastAPI:
    """The web hub over ``hub`` (by default, the store ``settings`` name). Refuses to start with
    the placeholder secret outside demo mode."""
    secret = settings.require_real_secret()
    store = hub or Hub.open(settings.url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Endpoints run in a thread pool; past a few threads per core they only take turns at
        # the interpreter's lock, and the slowest answers grow (bench/web.py).
        to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        yield
        if hub is None:
            store.engine.dispose()

    app = _Tessera(
        title="Tessera",
        version=__version__,
        description="The shared hub of agencies fighting cross-border trafficking. Every "
        "call is checked by the hub's one permission check and written to its audit log.",
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # the interactive page would load scripts from a CDN
        redoc_url=None,
    )
    app.state.web = WebState(store, settings, secret, Throttle())
    app.state.network = network.NetworkCache()  # each user's analysed network
    app.state.patterns = patterns.PatternsCache()  # each user's records and patterns
    for module in (session, records, entities, screening, submissions, exchanges, network,
                   patterns, requests, outcomes, cases, kb, audit, statistics):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(pages.router)
    app.include_router(statistics.pages)
    app.include_router(kb.pages)
    app.include_router(outcomes.pages)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(BodyLimit)
    return app
