"""A real OpenID provider on 127.0.0.1 standing in for a council's (oidc-provider-mock).

It speaks the protocol the service meets in Entra ID or Google Workspace: discovery, the
authorization code flow with PKCE and nonce, signed ID tokens, userinfo. People and their
claims are set through its /users endpoint; signing in is a form post of the subject.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import httpx
import oidc_provider_mock
import werkzeug.serving

CLIENT_ID = "cpc-observers"
CLIENT_SECRET = "client-secret-for-tests"


@dataclass(frozen=True)
class CouncilProvider:
    """The running provider."""

    issuer: str

    def set_person(self, subject: str, **claims: object) -> None:
        """Tell the provider who `subject` is: email, name, roles..."""
        response = httpx.put(f"{self.issuer}/users/{quote(subject)}", json=claims, timeout=5)
        assert response.status_code == 204, response.text

    def approve(self, authorize_url: str, subject: str) -> str:
        """Sign in at the provider as `subject`; the path and query it sends the browser back to."""
        response = httpx.post(authorize_url, data={"sub": subject}, timeout=5)
        assert response.status_code in (302, 303), response.text
        back = urlsplit(response.headers["location"])
        return f"{back.path}?{back.query}"

    def deny(self, authorize_url: str) -> str:
        """Press "deny" at the provider."""
        response = httpx.post(authorize_url, data={"action": "deny"}, timeout=5)
        assert response.status_code in (302, 303), response.text
        back = urlsplit(response.headers["location"])
        return f"{back.path}?{back.query}"


@contextmanager
def council_provider() -> Iterator[CouncilProvider]:
    """Run the provider on a free port of 127.0.0.1 until the block ends."""
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield CouncilProvider(issuer=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
