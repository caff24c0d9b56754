"""Each page carries the CSRF value under a fresh random pad, and a form sent back with any of
them is accepted; compressed pages then never repeat the secret's bytes (BREACH)."""

from types import SimpleNamespace

import pytest
from fastapi import HTTPException
from starlette.requests import Request

from service.web.http.csrf import CSRF_COOKIE, masked, require_csrf

SECRET = "kV9x3mQ2-r7Lw1pZ8sT4yB6nC0dE5fGh"


def _request_with_cookie(value: str) -> Request:
    cookie = f"{CSRF_COOKIE}={value}".encode()
    request = Request({"type": "http", "headers": [(b"cookie", cookie)], "state": {}})
    request.state.staff_session = None
    return request


def test_every_page_gets_different_bytes_for_the_same_value() -> None:
    pages = {masked(SECRET) for _ in range(20)}

    assert len(pages) == 20
    assert not any(SECRET in page for page in pages)


def test_a_form_with_any_masking_of_the_value_is_accepted() -> None:
    request = _request_with_cookie(SECRET)
    for _ in range(5):
        require_csrf(request, masked(SECRET))


def test_the_bare_value_is_still_accepted() -> None:
    require_csrf(_request_with_cookie(SECRET), SECRET)


@pytest.mark.parametrize(
    "submitted", ["", "x", masked("another-visitors-value-0123456789"), masked(SECRET)[:-2], None]
)
def test_anything_else_is_refused(submitted: object) -> None:
    with pytest.raises(HTTPException) as refused:
        require_csrf(_request_with_cookie(SECRET), submitted)
    assert refused.value.status_code == 403


def test_a_staff_session_value_is_masked_and_checked_the_same_way() -> None:
    request = _request_with_cookie("unused-cookie-value-000000000")
    request.state.staff_session = SimpleNamespace(csrf_token=SECRET)
    require_csrf(request, masked(SECRET))
    with pytest.raises(HTTPException):
        require_csrf(request, masked("unused-cookie-value-000000000"))
