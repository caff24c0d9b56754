"""QA's statistics written out: as JSON for the API and as CSV for a spreadsheet, with the same
numbers the page shows, and small counts kept back the same way everywhere."""

import csv
import io

from service.domain.statistics import shown_count
from service.record.statistics import Statistics, Table

# A spreadsheet runs a cell that starts with one of these as a formula; organisations and
# decline reasons are typed by people, so such a cell is written as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def table_values(table: Table, *, suppress_small: bool) -> list[tuple[str, list[int | str]]]:
    """Each row's label and its counts as they may be shown."""
    return [
        (label, [shown_count(value, suppress_small=suppress_small) for value in values])
        for label, values in table.rows
    ]


def _summary(statistics: Statistics, *, suppress_small: bool) -> dict[str, int | str | None]:
    return {
        "requests_approved": shown_count(statistics.approved, suppress_small=suppress_small),
        "reminders_sent": shown_count(statistics.reminders_sent, suppress_small=suppress_small),
        "answer_within_hours_median": statistics.answer_within_hours_median,
        "answer_within_hours_90th_percentile": statistics.answer_within_hours_p90,
    }


def statistics_json(statistics: Statistics, *, suppress_small: bool) -> dict[str, object]:
    """The figures as the API gives them."""
    tables = [*statistics.tables, statistics.trend]
    return {
        "period": {
            "from": statistics.period.first_day.isoformat(),
            "to": statistics.period.last_day.isoformat(),
        },
        "small_counts_suppressed": suppress_small,
        "summary": _summary(statistics, suppress_small=suppress_small),
        "figures": {
            table.key: {
                "title": table.title,
                "columns": list(table.columns),
                "rows": [
                    {"label": label, "values": dict(zip(table.columns, values, strict=True))}
                    for label, values in table_values(table, suppress_small=suppress_small)
                ],
            }
            for table in tables
        },
    }


def statistics_csv(statistics: Statistics, *, suppress_small: bool) -> str:
    """The figures as CSV: one line a number, named by figure, row and column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["figure", "row", "column", "value"])
    period = statistics.period
    writer.writerow(["period", "from", "", period.first_day.isoformat()])
    writer.writerow(["period", "to", "", period.last_day.isoformat()])
    for name, value in _summary(statistics, suppress_small=suppress_small).items():
        writer.writerow(["summary", name, "", "" if value is None else value])
    for table in (*statistics.tables, statistics.trend):
        for label, values in table_values(table, suppress_small=suppress_small):
            for column, value in zip(table.columns, values, strict=True):
                writer.writerow([table.key, _safe_cell(label), column, value])
    return out.getvalue()
