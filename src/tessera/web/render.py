"""Server-rendered pages: Jinja2 templates with autoescaping, and what every page is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from tessera.hub.access import Actor, allowed

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

# The navigation: (path, label, the action a user needs to see the entry; None: everyone
# signed in; PUBLIC: anyone). Pages check again on the server; this only hides what would be
# refused.
PUBLIC = "*"
NAVIGATION: tuple[tuple[str, str, str | None], ...] = (
    ("/", "Overview", None),
    ("/records", "Records", "record.read"),
    ("/submissions", "Submissions", "submission.read"),
    ("/hits", "Hits", "hit.read"),
    ("/network", "Network", "network.read"),
    ("/patterns", "Patterns", "patterns.read"),
    ("/cases", "Cases", "case.read"),
    ("/requests", "Requests", "request.read"),
    ("/outcomes", "Outcomes", "outcomes.read"),
    ("/kb", "Knowledge base", "kb.read"),
    ("/audit", "Audit", "audit.read"),
    ("/statistics", "Statistics", PUBLIC),
)


def _number(value: int) -> str:
    return f"{value:,}"


_env.filters["number"] = _number


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    actor: Actor | None = None,
    csrf_token: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    nav = [
        (path, label) for path, label, action in NAVIGATION
        if action == PUBLIC
        or (actor is not None and (action is None or allowed(actor, action)))
    ]
    html = _env.get_template(template).render(
        request=request, actor=actor, csrf_token=csrf_token, nav=nav,
        path=request.url.path, **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=headers)


def svg(picture: Any, caption: str) -> str:
    """A network picture (``tessera.web.picture.Picture``) as a standalone SVG document, its
    dots not linked (as `tessera network analyse` writes it)."""
    body = _env.get_template("_network_svg.html").render(picture=picture, caption=caption,
                                                          linked=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body
