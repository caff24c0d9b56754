"""The browser journeys' log scan finds what it is there to find."""

import json
from pathlib import Path

from tests.browser.log_scan import problems_in_log


def _write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _line(message: str, request_id: str = "0123abcd") -> str:
    return json.dumps({"level": "INFO", "request_id": request_id, "message": message})


def test_a_clean_log_has_no_problems(tmp_path: Path) -> None:
    log = _write(tmp_path / "log", _line("GET /consent/[token] 200 3.1ms"), _line("sent", "-"))
    assert problems_in_log(log, {"s3cr3t-token"}) == []


def test_a_token_a_name_an_email_and_a_plain_line_are_each_found(tmp_path: Path) -> None:
    log = _write(
        tmp_path / "log",
        _line("GET /consent/s3cr3t-token 200"),
        _line("emailed mother.cp1@family.example"),
        _line("answer from Jonathan Quixley"),
        "Traceback (most recent call last):",
        json.dumps({"message": "no id"}),
    )
    problems = problems_in_log(log, {"s3cr3t-token"})
    assert [problem.split(" ")[1] for problem in problems] == ["1", "2", "3", "4", "5"]
    # The report says what kind of thing leaked, never the thing itself.
    assert not any("s3cr3t" in problem or "Quixley" in problem for problem in problems)
