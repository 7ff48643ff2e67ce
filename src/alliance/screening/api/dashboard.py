"""/api/v1/screening/dashboard: the facility dashboard's aggregates as JSON (counts only, never a person).

A suppressed cell (a count from 1 to 4 in a breakdown or an indicator frequency) is the string "<5".
"""

from __future__ import annotations

from datetime import date

from ninja import Query, Router, Schema
from pydantic import Field

from alliance.core.api_schemas import ISO_DATE, MAX_ID, with_errors
from alliance.screening import dashboard as figures

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


class BandOut(Schema):
    code: str
    label: str
    count: int


class CellOut(Schema):
    code: str
    label: str
    count: int | str = Field(description='A count, or "<5" for 1 to 4')


class IndicatorOut(Schema):
    catalogue: str
    indicator: str
    label: str
    count: int | str = Field(description='Screenings that answered yes, or "<5" for 1 to 4')


class DashboardOut(Schema):
    scope: str = Field(description='"realm" (every organisation) or "organisation" (the actor\'s own)')
    facility: FacilityOut | None
    facilities: list[FacilityOut]
    date_from: date
    date_to: date
    days: int
    suppressed_below: int
    total: int
    referrals: int
    urgent: int
    urgent_referrals: int
    offline: int
    per_day: list[DayOut]
    outcomes: list[BandOut]
    by_sex: list[CellOut]
    by_age_group: list[CellOut]
    by_citizenship: list[CellOut]
    indicators: list[IndicatorOut]


@router.get("/dashboard", response=with_errors(DashboardOut), operation_id="screening_dashboard")
def screening_dashboard(request, filters: Query[DashboardFilter]):
    return figures.dashboard(request.actor, facility_id=filters.facility, date_from=filters.date_from,
                             date_to=filters.date_to)
