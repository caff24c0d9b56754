"""Single sign-on with the council's OpenID provider, through Authlib's Starlette client.

Authlib keeps the state, nonce and PKCE verifier of a sign-in in progress in `request.session`.
The service has no cookie session for it to use, so those few values travel in a signed,
short-lived cookie scoped to these two addresses, and are checked and dropped at the callback.
"""

import logging

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from authlib.jose.errors import JoseError
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadData

from service.domain.council_roles import role_from_claim
from service.domain.staff import StaffRole
from service.settings import Settings
from service.signing import serializer_for
from service.usecases.council_sign_in import (
    AGAIN,
    CouncilIdentity,
    sign_in_with_council_account,
)
from service.web.deps import NowDep, SettingsDep, client_device
from service.web.http.app_state import database_of
from service.web.http.rendering import render_page
from service.web.pages.staff.sign_in import (
    end_earlier_session,
    home_of,
    with_session_cookie,
)

logger = logging.getLogger("cpc_observers.sign_in")
router = APIRouter(include_in_schema=False)

FLOW_COOKIE = "cpc_oidc"
_FLOW_PATH = "/sign-in/oidc"
_FLOW_SALT = "cpc-observers/oidc-flow"
FLOW_MAX_AGE_SECONDS = 600
CALLBACK_PATH = "/sign-in/oidc/callback"


def council_client(settings: Settings) -> StarletteOAuth2App | None:
    """The OpenID Connect client for the council's provider, when single sign-on is set up."""
    if not settings.oidc_enabled or settings.oidc_issuer is None:
        return None
    oauth = OAuth()
    client: StarletteOAuth2App = oauth.register(
        "council",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "timeout": 10,
        },
    )
    return client


def _role_names(settings: Settings) -> dict[StaffRole, str]:
    return {
        StaffRole.TRAINEE: settings.oidc_role_trainee,
        StaffRole.QA: settings.oidc_role_qa,
        StaffRole.ADMIN: settings.oidc_role_admin,
    }


def _refused(request: Request, message: str, *, status: int = 403) -> Response:
    response = render_page(
        request,
        "pages/staff/message.html",
        status=status,
        page_title="You cannot sign in",
        paragraphs=[message],
        next_href="/sign-in",
        next_text="Back to sign in",
    )
    response.delete_cookie(FLOW_COOKIE, path=_FLOW_PATH)
    return response


def _client_of(request: Request) -> StarletteOAuth2App | None:
    client: StarletteOAuth2App | None = request.app.state.council_client
    return client


@router.get("/sign-in/oidc")
async def start_council_sign_in(request: Request, settings: SettingsDep) -> Response:
    """Send the person to the council's provider, remembering the flow's state.

    A link rather than a form: the content security policy's `form-action 'self'` would stop
    a form's redirect to the provider. Starting a sign-in changes nothing here; the state
    checked at the callback is what ties the answer to this browser.
    """
    client = _client_of(request)
    if client is None:
        return RedirectResponse("/sign-in", status_code=303)
    flow: dict[str, object] = {}
    request.scope["session"] = flow
    try:
        redirect = await client.authorize_redirect(
            request, f"{settings.base_url.rstrip('/')}{CALLBACK_PATH}"
        )
        await _check_issuer(client, settings)
    except (httpx.HTTPError, OAuthError, ValueError, RuntimeError) as error:
        logger.warning("council sign-in could not start: %s", type(error).__name__)
        return _refused(request, _PROVIDER_DOWN, status=502)
    response = RedirectResponse(redirect.headers["location"], status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        serializer_for(settings, salt=_FLOW_SALT).dumps(flow),
        max_age=FLOW_MAX_AGE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=not settings.is_development,
        path=_FLOW_PATH,
    )
    return response


# The error codes of RFC 6749 section 4.1.2.1 and OpenID Connect Core 3.1.2.6, and Authlib's
# own: logged by name. Anything else a caller puts in `?error=` is logged as "other".
_OAUTH_ERRORS = frozenset(
    {
        "invalid_request",
        "unauthorized_client",
        "access_denied",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
        "interaction_required",
        "login_required",
        "account_selection_required",
        "consent_required",
        "mismatching_state",
        "invalid_grant",
        "invalid_client",
        "missing_token",
    }
)
_PROVIDER_DOWN = (
    "We could not reach your council's sign-in service. Try again in a few minutes, or sign in "
    "with your password if you have one."
)
_DID_NOT_WORK = (
    "Signing in with your council account did not finish. Go back to the sign-in page and try "
    "again."
)


async def _check_issuer(client: StarletteOAuth2App, settings: Settings) -> None:
    # OpenID Connect Discovery: the provider must name itself exactly as configured, or the
    # ID tokens it signs are not the council's.
    metadata = await client.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != str(settings.oidc_issuer).rstrip("/"):
        raise ValueError("issuer mismatch")


@router.get(CALLBACK_PATH)
async def finish_council_sign_in(request: Request, settings: SettingsDep, now: NowDep) -> Response:
    """Check the provider's answer (state, nonce, PKCE, signature), then start a session."""
    client = _client_of(request)
    if client is None:
        return RedirectResponse("/sign-in", status_code=303)
    try:
        flow = serializer_for(settings, salt=_FLOW_SALT).loads(
            request.cookies.get(FLOW_COOKIE, ""), max_age=FLOW_MAX_AGE_SECONDS
        )
    except BadData:
        flow = None
    if not isinstance(flow, dict) or not request.query_params.get("state"):
        return _refused(request, _DID_NOT_WORK, status=400)
    request.scope["session"] = flow
    issuer = str(settings.oidc_issuer).rstrip("/")
    try:
        await _check_issuer(client, settings)  # this process may not be the one that started
        token = await client.authorize_access_token(
            request,
            claims_options={
                "iss": {"essential": True, "values": [issuer, f"{issuer}/"]},
                "aud": {"essential": True, "values": [settings.oidc_client_id]},
            },
        )
    except OAuthError as error:
        reason = error.error if error.error in _OAUTH_ERRORS else "other"
        logger.info("council sign-in refused by the provider or the checks: %s", reason)
        return _refused(request, _DID_NOT_WORK, status=400)
    except (httpx.HTTPError, JoseError, ValueError, KeyError, TypeError) as error:
        logger.warning("council sign-in failed: %s", type(error).__name__)
        return _refused(request, _DID_NOT_WORK, status=400)
    claims = token.get("userinfo") or {}
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        return _refused(request, _DID_NOT_WORK, status=400)
    identity = CouncilIdentity(
        issuer=issuer,
        subject=subject,
        email=str(claims.get("email") or claims.get("preferred_username") or ""),
        email_verified=bool(claims.get("email")) and claims.get("email_verified") is True,
        name=str(claims.get("name") or ""),
        role=role_from_claim(claims.get(settings.oidc_role_claim), _role_names(settings)),
    )
    async with database_of(request).write_session() as session:
        result = await sign_in_with_council_account(
            session, settings=settings, now=now, identity=identity, device=client_device(request)
        )
    if result.new_session is None:
        logger.info("council sign-in refused here")
        status = 409 if result.refusal == AGAIN else 403
        return _refused(request, result.refusal or _DID_NOT_WORK, status=status)
    await end_earlier_session(request, now)
    response = RedirectResponse(home_of(result.new_session.role), status_code=303)
    response.delete_cookie(FLOW_COOKIE, path=_FLOW_PATH)
    return with_session_cookie(response, settings, result.new_session.token)
