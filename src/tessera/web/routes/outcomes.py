"""Outcome monitoring (``tessera.cooperation.outcomes``): what came of the work, counted
the same way for every member, from what the caller may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from tessera.cooperation import outcomes
from tessera.web.deps import ActorDep, HubDep
from tessera.web.pages import PageCaller
from tessera.web.render import render
from tessera.web.schemas import OutcomeRow, problems

router = APIRouter(tags=["outcomes"], responses=problems(401, 403))
pages = APIRouter(include_in_schema=False)
By = Annotated[Literal["agency", "country", "period", "corridor"],
               Query(description="The groups")]
Period = Annotated[Literal["year", "quarter", "month"],
                   Query(description="With by=period, their length")]


@router.get("/outcomes", response_model=list[OutcomeRow], operation_id="outcomes")
def outcome_figures(
    actor: ActorDep, hub: HubDep, by: By = "country", period: Period = "year",
) -> list[OutcomeRow]:
    """Victims identified and assisted, suspects identified, arrested, charged and
    convicted, sentences, assets frozen and confiscated (per currency), and requests sent,
    received and answered with response times and the share answered in time — from the
    records you may see and your agency's requests (every member's for the convening
    organisation). Analysts, coordinators and auditors; audited."""
    with hub.session() as session:
        found = outcomes.from_hub(session, actor, by=by, period=period)
    return [OutcomeRow(**row) for row in found.rows()]


# --- page ---------------------------------------------------------------------------------

# The chart's series: (field, label, colour), colours told apart with colour-blindness too.
SERIES = (("victims_identified", "victims identified", "#4f79a6"),
          ("charged", "suspects charged", "#e08a2c"),
          ("convicted", "convicted", "#5b3a8c"))
CHART_GROUPS = 30  # groups drawn at most: those with the largest figures
LABEL_WIDTH, PLOT_WIDTH, BAR, GAP, GROUP_GAP, LEGEND = 220, 520, 12, 2, 12, 28
LABEL_CHARS = 30


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float
    colour: str
    y: int  # within its group


@dataclass(frozen=True)
class BarGroup:
    group: str
    label: str  # the group's name, shortened to fit
    y: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    """Grouped horizontal bars, laid out here so that the template only writes attributes
    (the pages' Content-Security-Policy allows no inline style or script)."""

    width: int
    height: int
    label_width: int
    label_y: int  # a group's name, level with its middle bar
    groups: tuple[BarGroup, ...]
    total: int  # groups with any figure; more than drawn when over CHART_GROUPS


def chart(rows: Sequence[OutcomeRow], most: int = CHART_GROUPS) -> Chart | None:
    """The series of ``rows`` as bars, in the rows' order (periods stay in time order): the
    groups with any figure, the ``most`` with the largest when there are more; None when
    there is none."""
    def figures(row: OutcomeRow) -> list[int]:
        return [int(getattr(row, name)) for name, _, _ in SERIES]

    counted = [r for r in rows if any(figures(r))]
    if not counted:
        return None
    largest = {id(r) for r in sorted(counted, key=lambda r: -sum(figures(r)))[:most]}
    drawn = [r for r in counted if id(r) in largest]
    top = max(max(figures(r)) for r in drawn)
    step = len(SERIES) * (BAR + GAP) + GROUP_GAP
    groups = []
    for n, row in enumerate(drawn):
        bars = tuple(Bar(label, value, round(PLOT_WIDTH * value / top, 1), colour, k * (BAR + GAP))
                     for k, ((_, label, colour), value)
                     in enumerate(zip(SERIES, figures(row), strict=True)))
        short = row.group if len(row.group) <= LABEL_CHARS else row.group[:LABEL_CHARS - 1] + "…"
        groups.append(BarGroup(row.group, short, LEGEND + n * step, bars))
    return Chart(width=LABEL_WIDTH + PLOT_WIDTH + 60, height=LEGEND + len(groups) * step,
                 label_width=LABEL_WIDTH, label_y=(step - GROUP_GAP) // 2 + 4,
                 groups=tuple(groups), total=len(counted))


@pages.get("/outcomes", response_class=HTMLResponse)
def outcomes_page(request: Request, caller: PageCaller, hub: HubDep, by: By = "country",
                  period: Period = "year") -> HTMLResponse:
    """The outcome figures by the grouping chosen, as a chart and tables: the same call, and
    the same audit, as ``GET /api/v1/outcomes``."""
    assert caller.actor is not None
    with hub.session() as session:
        found = outcomes.from_hub(session, caller.actor, by=by, period=period)
    rows = [OutcomeRow(**row) for row in found.rows()]
    return render(request, "outcomes.html", {
        "rows": rows, "by": by, "period": period, "chart": chart(rows), "series": SERIES,
        "dimensions": outcomes.DIMENSIONS, "periods": outcomes.PERIODS,
    }, actor=caller.actor, csrf_token=caller.csrf_token)
