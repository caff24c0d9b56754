"""Reading a CSV file of conferences: every problem named by row and column, in plain words.

Rows are numbered as a spreadsheet numbers them: the header is row 1, the first conference row 2.
"""

import codecs
import csv
import io
from dataclasses import dataclass
from datetime import datetime

from service.domain.conference_cells import READERS, shown
from service.domain.conference_exchange import ConferenceDetails
from service.domain.errors import DomainError, InvalidInput

COLUMNS = ("external_id", "kind", "starts_at", "duration_minutes", "venue", "open_to_observers")
MAX_FILE_BYTES = 1_000_000
MAX_ROWS = 2_000
MAX_LISTED_PROBLEMS = 200
_SAVE_AS = 'Save it from the spreadsheet as "CSV UTF-8" and upload it again.'


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with the file; `row` and `column` are None when it is about the whole."""

    row: int | None
    column: str | None
    problem: str

    def sentence(self) -> str:
        """The problem as one line, for example "Row 4, starts_at: ... is not a date."."""
        where = ", ".join(
            part for part in (f"Row {self.row}" if self.row else "", self.column or "") if part
        )
        return f"{where}: {self.problem}" if where else self.problem


class ImportRefused(DomainError):
    """The file has problems, so nothing in it was saved; each is listed (up to a limit)."""

    def __init__(self, problems: list[RowProblem]) -> None:
        if len(problems) == 1:
            message = f"Nothing was saved. {problems[0].sentence()}"
        else:
            message = (
                f"Nothing was saved: the file has {len(problems)} problems. Correct each one "
                "and upload the whole file again."
            )
        super().__init__(message)
        self.problems = tuple(problems[:MAX_LISTED_PROBLEMS])
        self.total = len(problems)


@dataclass(frozen=True)
class ConferenceRow:
    """One good row of the file."""

    row: int
    external_id: str
    details: ConferenceDetails


def _refused(problem: str, row: int | None = None, column: str | None = None) -> ImportRefused:
    return ImportRefused([RowProblem(row, column, problem)])


def _text_of(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        size = f"{len(data) / 1_000_000:.1f} MB"
        raise _refused(
            f"The file is {size}; it can be at most 1 MB. Split it into smaller files "
            f"of at most {MAX_ROWS:,} conferences."
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _refused(f"The file is saved as UTF-16. {_SAVE_AS}")
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _refused(
            f"The file is not UTF-8 text: line {line} cannot be read. {_SAVE_AS}"
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _refused(f"Line {line} holds a NUL character, so this is not a CSV file. {_SAVE_AS}")
    if not text.strip():
        raise _refused(f"The file is empty. Its first row names the columns: {', '.join(COLUMNS)}.")
    return text


def _records(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error:
        raise _refused(
            f"The file cannot be read as CSV near line {reader.line_num}: check that each "
            'quote (") is closed and that a value with a comma in it is in quotes.'
        ) from None


def _columns(header: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in header]
    problems = [
        RowProblem(1, None, f"Column {n} has no name. Remove it, or name it.")
        for n, name in enumerate(names, start=1)
        if not name
    ]
    problems += [
        RowProblem(
            1,
            shown(name),
            f"The file cannot have this column. The columns are {', '.join(COLUMNS)}.",
        )
        for name in dict.fromkeys(names)
        if name and name not in COLUMNS
    ]
    problems += [
        RowProblem(1, column, "This column is named twice.")
        for column in COLUMNS
        if names.count(column) > 1
    ]
    problems += [
        RowProblem(1, column, "This column is missing from the first row.")
        for column in COLUMNS
        if column not in names
    ]
    if problems:
        raise ImportRefused(problems)
    return names


def read_conference_rows(data: bytes) -> list[ConferenceRow]:
    """The conferences in a CSV file, or ImportRefused listing every problem found in it."""
    records = _records(_text_of(data))
    names = _columns(records[0])
    # Spreadsheets often end a file with empty rows; those are not conferences.
    numbered = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    if not numbered:
        raise _refused("The file has a header row but no conferences.")
    if len(numbered) > MAX_ROWS:
        raise _refused(
            f"The file has {len(numbered):,} conferences; at most {MAX_ROWS:,} can be sent at "
            "once. Split it into smaller files."
        )
    rows: list[ConferenceRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    for number, cells in numbered:
        if len(cells) != len(names):
            problems.append(
                RowProblem(
                    number,
                    None,
                    f"This row has {len(cells)} values, but the first row "
                    f"names {len(names)} columns.",
                )
            )
            continue
        values: dict[str, object] = {}
        for name, cell in zip(names, cells, strict=True):
            try:
                values[name] = READERS[name](cell.strip())
            except InvalidInput as error:
                problems.append(RowProblem(number, name, error.message))
        external_id = values.get("external_id")
        if isinstance(external_id, str):
            first = first_row_of.setdefault(external_id, number)
            if first != number:
                problems.append(
                    RowProblem(
                        number,
                        "external_id",
                        f"{external_id} is also on row {first}. "
                        "Each meeting can be in the file only once.",
                    )
                )
                continue
        row = _row(number, values)
        if row is not None:
            rows.append(row)
    if problems:
        raise ImportRefused(problems)
    return rows


def _row(number: int, values: dict[str, object]) -> ConferenceRow | None:
    external_id, kind, starts_at, duration, venue, open_to_observers = (
        values.get(column) for column in COLUMNS
    )
    if not (
        isinstance(external_id, str)
        and isinstance(kind, str)
        and isinstance(starts_at, datetime)
        and isinstance(duration, int)
        and isinstance(venue, str)
        and isinstance(open_to_observers, bool)
    ):
        return None  # a value was refused, and its problem listed
    details = ConferenceDetails(
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration,
        venue=venue,
        open_to_observers=open_to_observers,
    )
    return ConferenceRow(row=number, external_id=external_id, details=details)
