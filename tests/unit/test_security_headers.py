"""The headers every response carries, and the content security policy against the real layout."""

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders

from service.web.http.security_headers import (
    CONTENT_SECURITY_POLICY,
    add_security_headers,
    redact_path,
)
from service.web.http.templating import make_templates

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)


def _csp_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def test_every_inline_script_in_the_layout_is_allowed_by_its_hash() -> None:
    page = make_templates().env.get_template("pages/error.html").render(message="Sorry")
    scripts = _INLINE_SCRIPT.findall(page)
    assert scripts, "the layout is expected to carry GOV.UK Frontend's one inline script"
    script_sources = re.search(r"script-src ([^;]*)", CONTENT_SECURITY_POLICY)
    assert script_sources is not None
    for script in scripts:
        assert f"'{_csp_hash(script)}'" in script_sources[1].split()
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY


def test_consent_pages_are_never_cached_nor_named_in_a_referer() -> None:
    headers = MutableHeaders()
    add_security_headers(headers, "/consent/some-token")
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_a_response_keeps_its_own_policy_and_static_files_may_be_cached() -> None:
    headers = MutableHeaders({"Content-Security-Policy": "default-src 'none'"})
    add_security_headers(headers, "/static/application.css")
    assert headers["Content-Security-Policy"] == "default-src 'none'"
    assert "Cache-Control" not in headers
    assert headers["Referrer-Policy"] == "same-origin"


def test_tokens_are_left_out_of_logged_paths() -> None:
    assert redact_path("/consent/abc.def") == "/consent/[token]"
    assert redact_path("/register/confirm/abc") == "/register/confirm/[token]"
    assert redact_path("/qa/requests/7") == "/qa/requests/7"
