"""Log lines as an operator reads them: plain text on a terminal, or one JSON object a line.

Every line written while a request is handled carries that request's id (service.web.http.
request_context sets it), so the lines of one request can be found together, and in the proxy's
log by the same `X-Request-ID`. What is logged is chosen where it is logged: paths with tokens
are redacted, and no family name, email or answer is ever passed to a logger.
"""

import logging
import sys
from contextvars import ContextVar
from enum import StrEnum
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")

_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_JSON_FIELDS = ("asctime", "levelname", "name", "process", "request_id", "message")


class LogFormat(StrEnum):
    """How log lines are written (`CPC_LOG_FORMAT`)."""

    TEXT = "text"
    JSON = "json"


class RequestIdFilter(logging.Filter):
    """Puts the id of the request being handled (or "-") on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


def log_handler(log_format: LogFormat, stream: TextIO | None = None) -> logging.Handler:
    """A handler writing to stderr (or `stream`) in the chosen format, with request ids."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.addFilter(RequestIdFilter())
    if log_format is LogFormat.JSON:
        handler.setFormatter(
            JsonFormatter(
                list(_JSON_FIELDS),
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter(_TEXT_FORMAT))
    return handler


def configure_logging(log_format: LogFormat, level: int = logging.INFO) -> None:
    """Send every logger (uvicorn's too) through one handler in the chosen format."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(log_handler(log_format))
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # uvicorn's access log would write consent tokens in paths; the service logs each request
    # itself with tokens left out (service.web.http.security_headers).
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs every address it calls at INFO (GOV.UK Notify's, the council's sign-in
    # provider's); the service logs what it needs of those calls itself.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
