"""Turning domain errors and bad input into plain answers: JSON for the API, pages for people."""

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.domain.errors import (
    ConsentClosed,
    DetailsChanged,
    DomainError,
    IllegalTransition,
    NotAllowed,
    NotFound,
)
from service.web.deps import SignInRequired

ErrorPageRenderer = Callable[[Request, int, str], Response]

_STATUS_BY_ERROR: list[tuple[type[DomainError], int]] = [
    (NotFound, 404),
    (NotAllowed, 403),
    (IllegalTransition, 409),
    (ConsentClosed, 409),
    (DetailsChanged, 409),
]


def status_for(error: DomainError) -> int:
    """The HTTP status for a domain error: 404, 403, 409, or 422 for a rule about the input."""
    for kind, status in _STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 422


def _field_name(location: tuple[int | str, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "form")]
    return ".".join(parts) or "the request"


def plain_validation_message(error: RequestValidationError) -> str:
    """One sentence naming the first field that is wrong and why."""
    problems = error.errors()
    if not problems:
        return "The request could not be read."
    first = problems[0]
    field = _field_name(tuple(first.get("loc", ())))
    if field == "the request":
        return "The request body must be a JSON object with the fields this call needs."
    kind = str(first.get("type", ""))
    if kind == "missing":
        return f"The field '{field}' is missing."
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    if kind == "timezone_aware":
        return (
            f"The field '{field}' must be a date and time with a timezone, "
            "like 2026-12-08T10:00:00+00:00."
        )
    if kind == "extra_forbidden":
        return f"The field '{field}' is not one this call accepts."
    message = str(first.get("msg", "is not valid")).rstrip(".")
    return f"The field '{field}' is not valid: {message[0].lower()}{message[1:]}."


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install_error_handlers(app: FastAPI, *, render_error_page: ErrorPageRenderer) -> None:
    """Register the handlers so no client input ever reaches a stack trace."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> Response:
        status = status_for(error)
        if _is_api(request):
            return JSONResponse({"detail": error.message}, status_code=status)
        return render_error_page(request, status, error.message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        message = plain_validation_message(error)
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=422)
        return render_error_page(request, 422, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        message = str(error.detail) if isinstance(error.detail, str) else "That did not work."
        if error.status_code == 404 and error.detail == "Not Found":
            message = "There is no page at this address."
        if error.status_code == 405:
            message = "This address does not accept that kind of request."
        if _is_api(request) and error.status_code == 400:
            # Starlette answers a body it cannot decode with 400; the contract says 422.
            return JSONResponse({"detail": "The request body is not valid JSON."}, status_code=422)
        if _is_api(request):
            return JSONResponse(
                {"detail": message}, status_code=error.status_code, headers=error.headers
            )
        return render_error_page(request, error.status_code, message)

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, _error: SignInRequired) -> Response:
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, _error: Exception) -> Response:
        # Reached only if an error escapes the security-headers middleware, which answers first.
        return server_error_response(request, render_error_page)


UNEXPECTED_MESSAGE = (
    "Something went wrong on our side. Nothing was changed. Please try again later."
)


def server_error_response(request: Request, render_error_page: ErrorPageRenderer) -> Response:
    """The calm 500 answer: JSON for the API, the error page for people."""
    if _is_api(request):
        return JSONResponse({"detail": UNEXPECTED_MESSAGE}, status_code=500)
    return render_error_page(request, 500, UNEXPECTED_MESSAGE)
