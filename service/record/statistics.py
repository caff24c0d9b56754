"""QA's statistics for a period: every figure as a small table, ready for the page, CSV and JSON.

Each table has named columns and labelled rows of whole numbers; the page draws a chart of each
beside the same table, the CSV and the API give the same numbers. Small counts are kept back
(`shown_count`) when the tables are written out, not here, so nothing here needs to know.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.conferences import ChairCheck
from service.domain.states import RequestStatus
from service.domain.statistics import (
    NOTICE_GROUPS,
    Period,
    PeriodKind,
    StatisticsPeriodInvalid,
    WorkingDayCounter,
    hour_percentile,
    london_day_of,
    month_words,
    notice_group,
    period_of,
)
from service.domain.working_days import BankHolidayRegion
from service.store.statistics import PersonAsked, StatisticsCounts, UtcDay, statistics_counts

# Free-text groups (organisations, roles, decline reasons) show this many, then "Others".
TOP = 10
_OUTCOMES = (
    ("submitted", "Waiting for QA's decision"),
    ("declined", "Declined by QA"),
    ("withdrawn", "Withdrawn"),
    ("cancelled", "Conference cancelled"),
    ("lapsed", "Lapsed: answers not in by the deadline"),
    ("seeking_consent", "Waiting for the family's answers"),
    ("not_going_ahead", "Not going ahead"),
    ("confirmed", "Confirmed, conference still to come"),
    ("observed", "Observed"),
    ("family_withdrew", "Family withdrew on the day"),
)
_CHANNELS = {
    ("link", "email"): "Link in an email",
    ("link", "sms"): "Link in a text message",
    ("link", "letter"): "Letter",
    ("in_person", None): "In person",
    ("phone", None): "By phone",
}
_ASKED_BY = {"email": "Asked by email", "sms": "Asked by text message",
             "letter": "Asked by letter", "in_person": "Asked in person"}  # fmt: skip
_ANSWERS = ("yes", "no", "none")


@dataclass(frozen=True)
class Table:
    """One figure: rows of counts under named columns."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]

    def total(self, column: int = 0) -> int:
        """The sum of one column."""
        return sum(values[column] for _, values in self.rows)


@dataclass(frozen=True)
class Statistics:
    """The figures for one period."""

    period: Period
    tables: tuple[Table, ...]
    approved: int
    reminders_sent: int
    answer_within_hours_median: int | None
    answer_within_hours_p90: int | None
    trend: Table

    def table(self, key: str) -> Table:
        """One table by its key."""
        return next(table for table in self.tables if table.key == key)


def _single(key: str, title: str, column: str, counts: Iterable[tuple[str, int]]) -> Table:
    return Table(key, title, (column,), tuple((label, (count,)) for label, count in counts))


def _top(counts: Counter[str]) -> list[tuple[str, int]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ranked[:TOP]
    others = sum(count for _, count in ranked[TOP:])
    return shown + ([("Others", others)] if others else [])


def _outcome(status: str, chair_check: str | None) -> str:
    if status == RequestStatus.COMPLETED:
        return "observed"
    if status == RequestStatus.NOT_GOING_AHEAD and chair_check == ChairCheck.FAMILY_WITHDREW:
        return "family_withdrew"
    return status


def _london(day: UtcDay) -> date:
    return london_day_of(*day)


def _answers_by(
    people: Counter[PersonAsked], label_of: dict[PersonAsked, str], order: list[str]
) -> tuple[tuple[str, tuple[int, ...]], ...]:
    grouped: dict[str, list[int]] = {}
    for person, count in people.items():
        row = grouped.setdefault(label_of[person], [0, 0, 0])
        row[_ANSWERS.index(person.answer or "none")] += count
    ranked = sorted(grouped, key=lambda label: order.index(label) if label in order else 99)
    return tuple((label, tuple(grouped[label])) for label in ranked)


def _channel(person: PersonAsked) -> str:
    if person.answer is None:
        return _ASKED_BY.get(person.contact_channel, "Asked another way")
    by = person.answer_channel or "link"
    contact = person.contact_channel if by == "link" else None
    return _CHANNELS.get((by, contact), "Another way")


def _tables(counts: StatisticsCounts, region: BankHolidayRegion) -> tuple[Table, ...]:
    outcomes: Counter[str] = Counter()
    for (status, chair_check, _day), count in counts.requests.items():
        outcomes[_outcome(status, chair_check)] += count
    notice: Counter[str] = Counter()
    if counts.notice:
        days = [_london(day) for pair in counts.notice for day in pair]
        counter = WorkingDayCounter(min(days), max(days), region=region)
        for (asked, held), count in counts.notice.items():
            notice[notice_group(counter.after(_london(asked), _london(held)))] += count
    people = counts.people
    by_person = _answers_by(
        people,
        {p: "Young people" if p.young else "Adults" for p in people},
        ["Adults", "Young people"],
    )
    by_channel = _answers_by(people, {p: _channel(p) for p in people},
                             [*_CHANNELS.values(), *_ASKED_BY.values()])  # fmt: skip
    languages = [
        ("Asked in Welsh", sum(n for p, n in people.items() if p.preferred_language == "cy")),
        ("Answered in Welsh", sum(n for p, n in people.items() if p.answer_language == "cy")),
        ("Given the Easy Read information", sum(n for p, n in people.items()
                                                if p.wording == "easy_read")),
    ]  # fmt: skip
    organisations: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    for (organisation, role), count in counts.observers.items():
        organisations[organisation] += count
        roles[role] += count
    conferences = [
        (f"{kind.capitalize()} conferences" + (" (cancelled)" if cancelled else ""), count)
        for (kind, cancelled), count in sorted(counts.conferences.items())
    ]
    return (
        _single("conferences", "Conferences", "conferences", conferences),
        _single("outcomes", "Requests to observe, by outcome", "requests",
                [(label, outcomes[key]) for key, label in _OUTCOMES]),
        _single("notice", "Working days of notice given", "requests",
                [(group, notice[group]) for group in NOTICE_GROUPS]),
        Table("answers_by_person", "Family answers, adults and young people", _ANSWERS,
              by_person),
        Table("answers_by_channel", "Family answers, by how they were given", _ANSWERS,
              by_channel),
        _single("undeliverable", "Messages to families that could not be delivered", "messages",
                sorted(counts.undeliverable.items())),
        _single("organisations", "Observers by organisation", "requests", _top(organisations)),
        _single("roles", "Observers by role", "requests", _top(roles)),
        _single("decline_reasons", "Why QA declined", "requests",
                _top(counts.decline_reasons)),
        _single("languages", "Welsh and Easy Read", "people", languages),
    )  # fmt: skip


def _trend(period: Period, counts: StatisticsCounts) -> Table:
    months = period.months()
    series = {"requests": [0] * len(months), "observed": [0] * len(months),
              "not going ahead": [0] * len(months)}  # fmt: skip
    for (status, chair_check, day), count in counts.requests.items():
        held = _london(day)
        index = months.index((held.year, held.month))
        series["requests"][index] += count
        outcome = _outcome(status, chair_check)
        if outcome == "observed":
            series["observed"][index] += count
        elif outcome in ("not_going_ahead", "family_withdrew"):
            series["not going ahead"][index] += count
    rows = tuple(
        (month_words(*month), tuple(series[name][n] for name in series))
        for n, month in enumerate(months)
    )
    return Table("trend", "Month by month", tuple(series), rows)


async def statistics_for(
    session: AsyncSession, *, period: Period, region: BankHolidayRegion
) -> Statistics:
    """Every figure for the period, from a fixed number of grouped queries."""
    counts = await statistics_counts(session, starts=period.starts, ends=period.ends)
    return Statistics(
        period=period,
        tables=_tables(counts, region),
        approved=counts.approved,
        reminders_sent=counts.reminders_sent,
        answer_within_hours_median=hour_percentile(counts.answer_hours, 0.5),
        answer_within_hours_p90=hour_percentile(counts.answer_hours, 0.9),
        trend=_trend(period, counts),
    )


def period_from_query(
    period: str | None, first: str | None, last: str | None, *, today: date
) -> Period:
    """The period a query string names: a kind (this month, quarter, financial year), or two
    dates written YYYY-MM-DD; a plain error naming what is wrong otherwise."""
    if first or last or period == PeriodKind.DATES:
        try:
            first_day = date.fromisoformat(first or "")
            last_day = date.fromisoformat(last or "")
        except ValueError:
            raise StatisticsPeriodInvalid(
                "Write both dates as year, month and day, for example 2026-04-01."
            ) from None
        return period_of(PeriodKind.DATES, today=today, first=first_day, last=last_day)
    try:
        kind = PeriodKind(period or PeriodKind.THIS_FINANCIAL_YEAR)
    except ValueError:
        raise StatisticsPeriodInvalid("Choose one of the periods offered.") from None
    return period_of(kind, today=today)
