"""QA's statistics for a period: charts beside their tables, and the same figures as CSV.

Open to QA officers and administrators. The period comes in the query string, so a page of
figures can be bookmarked and shared inside the council.
"""

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from service.domain.statistics import Period, PeriodKind, StatisticsPeriodInvalid, shown_count
from service.domain.times import london_day
from service.record.statistics import Statistics, period_from_query, statistics_for
from service.record.statistics_output import statistics_csv, table_values
from service.web.charts import bar_chart, line_chart
from service.web.deps import NowDep, PageQaOrAdminDep, ReadSessionDep, SettingsDep
from service.web.http.rendering import render_page

router = APIRouter(prefix="/qa", include_in_schema=False)

PeriodQuery = Annotated[str | None, Query(max_length=30)]
DateQuery = Annotated[str | None, Query(max_length=10)]


@dataclass(frozen=True)
class PeriodAsked:
    """The period as the query string names it: a kind, or two dates."""

    period: str | None
    first: str | None
    last: str | None

    def period_on(self, today: date) -> Period:
        """The period meant, seen from `today`; StatisticsPeriodInvalid when it cannot be."""
        return period_from_query(self.period, self.first, self.last, today=today)


def _period_asked(
    period: PeriodQuery = None,
    first: Annotated[DateQuery, Query(alias="from")] = None,
    last: Annotated[DateQuery, Query(alias="to")] = None,
) -> PeriodAsked:
    return PeriodAsked(period, first, last)


PeriodAskedDep = Annotated[PeriodAsked, Depends(_period_asked)]
_PERIODS = (
    (PeriodKind.THIS_MONTH, "This month"),
    (PeriodKind.THIS_QUARTER, "This quarter"),
    (PeriodKind.THIS_FINANCIAL_YEAR, "This financial year (from 1 April)"),
    (PeriodKind.LAST_FINANCIAL_YEAR, "Last financial year"),
    (PeriodKind.DATES, "Between two dates"),
)


def _charts(statistics: Statistics, suppress_small: bool) -> list[dict[str, object]]:
    shown = []
    for table in statistics.tables:
        values = table_values(table, suppress_small=suppress_small)
        shown.append({"table": table, "shown_rows": values,
                      "chart": bar_chart(table.title, table.columns, values)})  # fmt: skip
    trend = statistics.trend
    trend_values = table_values(trend, suppress_small=suppress_small)
    shown.append({"table": trend, "shown_rows": trend_values,
                  "chart": line_chart(trend.title, trend.columns, trend_values)})  # fmt: skip
    return shown


@router.get("/statistics")
async def statistics_page(
    request: Request,
    _user: PageQaOrAdminDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
    asked: PeriodAskedDep,
) -> Response:
    """The figures for the period chosen (this financial year when none is)."""
    chosen = {"period": asked.period or "", "from": asked.first or "", "to": asked.last or ""}
    try:
        shown = asked.period_on(london_day(now))
    except StatisticsPeriodInvalid as problem:
        return render_page(request, "pages/qa/statistics.html", status=422,
                           page_title="Statistics", periods=_PERIODS, chosen=chosen,
                           error=problem.message)  # fmt: skip
    statistics = await statistics_for(session, period=shown, region=settings.bank_holiday_region)
    suppress = settings.statistics_suppress_small
    return render_page(
        request,
        "pages/qa/statistics.html",
        page_title="Statistics",
        periods=_PERIODS,
        chosen=chosen,
        statistics=statistics,
        figures=_charts(statistics, suppress),
        suppressed=suppress,
        figures_summary={
            "approved": shown_count(statistics.approved, suppress_small=suppress),
            "reminders": shown_count(statistics.reminders_sent, suppress_small=suppress),
        },
        csv_query=request.url.query,
    )


@router.get("/statistics.csv")
async def statistics_download(
    _user: PageQaOrAdminDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    now: NowDep,
    asked: PeriodAskedDep,
) -> Response:
    """The same figures as CSV, one line a number."""
    try:
        shown = asked.period_on(london_day(now))
    except StatisticsPeriodInvalid as problem:
        return Response(problem.message, status_code=422, media_type="text/plain")
    statistics = await statistics_for(session, period=shown, region=settings.bank_holiday_region)
    name = f"statistics-{shown.first_day.isoformat()}-to-{shown.last_day.isoformat()}.csv"
    return Response(
        statistics_csv(statistics, suppress_small=settings.statistics_suppress_small),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
