"""/api/v1/screening/dashboard: the facility dashboard's aggregates as JSON (counts only, never a person).

The same disclosure control as the page (alliance.screening.selectors.dashboard): with fewer than `min_total` (10)
screenings only `total` and `per_day` are given, every other figure is null and `suppressed_reason` says why;
otherwise a count from 0 to 4 (breakdowns, outcome bands, indicator frequencies, referrals, urgent, offline) is
the string "<5", and a cell withheld so that the total does not give a "<5" back is the string "hidden".
"""

from __future__ import annotations

from datetime import date

from ninja import Query, Router, Schema
from pydantic import Field

from alliance.core.api_schemas import ISO_DATE, MAX_ID, with_errors
from alliance.screening.selectors import dashboard as figures

router = Router(tags=["screening"])


class DashboardFilter(Schema):
    date_from: str | None = Field(None, pattern=ISO_DATE, description="First day (default: 29 days before the last)")
    date_to: str | None = Field(None, pattern=ISO_DATE, description="Last day (default: today); at most 366 days")
    facility: int | None = Field(None, ge=1, le=MAX_ID,
                                 description="One organisation's screenings (national co-ordinators and analysts)")


class FacilityOut(Schema):
    id: int
    name: str


class DayOut(Schema):
    date: date
    count: int


CELL = ('A count of 5 or more; "<5" for 0 to 4; "hidden" for the largest cell of a table with a "<5" cell (so '
        'the total gives none back); "withheld" for every cell of a table with at most 4 screenings per cell')
SMALL = 'A count of 5 or more, or "<5" for 0 to 4 (null with fewer than min_total screenings)'


class CellOut(Schema):
    code: str
    label: str
    count: int | str = Field(description=CELL)


class IndicatorOut(Schema):
    catalogue: str
    indicator: str
    label: str
    count: int | str = Field(description='Screenings that answered yes (5 or more), or "<5" for 0 to 4')


class DashboardOut(Schema):
    scope: str = Field(description='"realm" (every organisation) or "organisation" (the actor\'s own)')
    facility: FacilityOut | None
    facilities: list[FacilityOut]
    date_from: date
    date_to: date
    days: int
    suppressed_below: int = Field(description='Counts below this are "<5"')
    min_total: int = Field(description="Below this many screenings only total and per_day are given")
    suppressed_reason: str | None = Field(description="Why the other figures are null (fewer than min_total)")
    total: int = Field(description="Exact")
    referrals: int | str | None = Field(description=SMALL)
    urgent: int | str | None = Field(description=SMALL)
    urgent_referrals: int | str | None = Field(description=SMALL)
    offline: int | str | None = Field(description=SMALL)
    per_day: list[DayOut] = Field(description="Exact, every day of the period")
    outcomes: list[CellOut] | None
    by_sex: list[CellOut] | None
    by_age_group: list[CellOut] | None
    by_citizenship: list[CellOut] | None = Field(
        description='The countries with 5 or more screenings, then code "other": every other country together')
    indicators: list[IndicatorOut] | None


@router.get("/dashboard", response=with_errors(DashboardOut), operation_id="screening_dashboard")
def screening_dashboard(request, filters: Query[DashboardFilter]):
    return figures.dashboard(actor=request.actor, facility_id=filters.facility, date_from=filters.date_from,
                             date_to=filters.date_to)
