"""`GET /api/v1/statistics`: QA's figures for two dates, as the statistics page shows them."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from service.domain.statistics import StatisticsPeriodInvalid
from service.domain.times import london_day
from service.record.statistics import period_from_query, statistics_for
from service.record.statistics_output import statistics_json
from service.web.api.schemas import ERROR_RESPONSES
from service.web.deps import ApiQaOrAdminDep, NowDep, ReadSessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)

# "fewer than 5" stands in for counts from 1 to 4 when CPC_STATISTICS_SUPPRESS_SMALL is on.
Count = int | str


class StatisticsPeriodOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    first_day: date = Field(alias="from")
    last_day: date = Field(alias="to")


class StatisticsSummaryOut(BaseModel):
    requests_approved: Count
    reminders_sent: Count
    # The answer came within this many hours of asking, for half and for 9 in 10 of answers.
    answer_within_hours_median: int | None
    answer_within_hours_90th_percentile: int | None


class StatisticsRowOut(BaseModel):
    label: str
    values: dict[str, Count]


class StatisticsFigureOut(BaseModel):
    title: str
    columns: list[str]
    rows: list[StatisticsRowOut]


class StatisticsOut(BaseModel):
    period: StatisticsPeriodOut
    small_counts_suppressed: bool
    summary: StatisticsSummaryOut
    figures: dict[str, StatisticsFigureOut]


DateParam = Annotated[str, Query(max_length=10, description="A London day, YYYY-MM-DD")]


@router.get("/statistics", response_model=StatisticsOut, tags=["statistics"])
async def statistics(
    _user: ApiQaOrAdminDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
    first: Annotated[DateParam, Query(alias="from")],
    last: Annotated[DateParam, Query(alias="to")],
) -> dict[str, object]:
    """Conferences from `from` to `to` (London days, both included) and their requests: the
    figures of /qa/statistics, with the same small counts kept back."""
    try:
        period = period_from_query(None, first, last, today=london_day(now))
    except StatisticsPeriodInvalid as problem:
        raise HTTPException(status_code=422, detail=problem.message) from None
    figures = await statistics_for(session, period=period, region=settings.bank_holiday_region)
    return statistics_json(figures, suppress_small=settings.statistics_suppress_small)
