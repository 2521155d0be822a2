"""Published statistics (``tessera.publish.public``): readable by anyone, signed in or not.

They hold only what a coordinator published: k-anonymous or differentially private tables,
synthetic victims, and estimates of the victims no agency has seen. Nothing here reads the
hub's records, so nothing here is audited or needs a permission."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from tessera.hub.models import PublishedRelease as Row
from tessera.publish import public
from tessera.web.deps import HubDep, OptionalCallerDep
from tessera.web.render import render
from tessera.web.schemas import RELEASE_PATTERN, PublishedRelease, PublishedSummary, problems

router = APIRouter(tags=["statistics"])
pages = APIRouter(include_in_schema=False)
ReleaseId = Annotated[str, PathParam(pattern=RELEASE_PATTERN, description="The release")]
BARS = 40  # a table's largest cells drawn as bars


def _summary(row: Row) -> PublishedSummary:
    return PublishedSummary(
        id=row.id, kind=row.kind, title=row.title, method=str(row.meta.get("method", "")),
        epsilon=row.meta.get("epsilon"), delta=row.meta.get("delta"),
        collection=row.collection, published_at=row.published_at)


@router.get("/statistics", response_model=list[PublishedSummary], operation_id="statistics")
def statistics(hub: HubDep) -> list[PublishedSummary]:
    """Every published release, newest first. No sign-in needed."""
    with hub.reading() as session:
        return [_summary(row) for row in public.shown(session)]


@router.get("/statistics/{release}", response_model=PublishedRelease,
            operation_id="statistic", responses=problems(404))
def statistic(release: ReleaseId, hub: HubDep) -> PublishedRelease:
    """One published release: its metadata (method, parameters, ε and δ, notes) and data.
    No sign-in needed."""
    with hub.reading() as session:
        row = public.get(session, release)
        return PublishedRelease(**_summary(row).model_dump(), metadata=row.meta,
                                columns=row.data["columns"], rows=row.data["rows"])


# --- pages --------------------------------------------------------------------------------


@pages.get("/statistics", response_class=HTMLResponse)
def statistics_page(request: Request, caller: OptionalCallerDep, hub: HubDep) -> HTMLResponse:
    with hub.reading() as session:
        rows = [_summary(row) for row in public.shown(session)]
    return render(request, "statistics.html", {"releases": rows}, actor=caller.actor,
                  csrf_token=caller.csrf_token)


@pages.get("/statistics/{release}", response_class=HTMLResponse)
def statistic_page(request: Request, release: ReleaseId, caller: OptionalCallerDep,
                   hub: HubDep) -> HTMLResponse:
    with hub.reading() as session:
        row = public.get(session, release)
        summary, meta, data = _summary(row), row.meta, row.data
    columns, rows = data["columns"], data["rows"]
    bars: list[tuple[str, int]] = []
    if summary.kind == public.TABLE:
        ranked = sorted(rows, key=lambda r: -int(r[-1]))[:BARS]
        bars = [(" · ".join(str(v).replace("_", " ") for v in r[:-1]), int(r[-1]))
                for r in ranked]
    return render(request, "statistic.html", {
        "release": summary, "meta": meta, "columns": columns,
        "rows": rows[:200], "more": max(0, len(rows) - 200), "bars": bars,
        "top": max((n for _, n in bars), default=1),
    }, actor=caller.actor, csrf_token=caller.csrf_token)


@pages.get("/statistics/{release}/data.csv")
def statistic_csv(release: ReleaseId, hub: HubDep) -> Response:
    with hub.reading() as session:
        data = public.get(session, release).data
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(data["columns"])
    writer.writerows(data["rows"])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{release}.csv"'})
