"""The FastAPI application factory."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from service.languages import Language
from service.settings import Settings, get_settings
from service.store.database import Database
from service.web import health
from service.web.api import auth as api_auth
from service.web.api import conference_exchange as api_conference_exchange
from service.web.api import conferences as api_conferences
from service.web.api import family as api_family
from service.web.api import notify_callback
from service.web.api import outcomes as api_outcomes
from service.web.api import requests as api_requests
from service.web.api import statistics as api_statistics
from service.web.deps import AnyStaffDep, system_clock
from service.web.http.bad_link_limiter import BadLinkLimiter
from service.web.http.compression import compress_responses
from service.web.http.errors import install_error_handlers, server_error_response
from service.web.http.garbage_collection import startup_objects_left_out_of_collections
from service.web.http.rendering import render_error_page
from service.web.http.request_bodies import RequestBodyMiddleware
from service.web.http.request_context import RequestContextMiddleware
from service.web.http.security_headers import SecurityHeadersMiddleware
from service.web.http.static_files import FingerprintedStaticFiles, shipped_static_names
from service.web.http.templating import make_templates
from service.web.pages import dev_mailbox
from service.web.pages.admin import accounts as admin_accounts
from service.web.pages.admin import sessions as admin_sessions
from service.web.pages.family import consent as family_consent
from service.web.pages.family import short_link as family_short_link
from service.web.pages.public import notices as public_notices
from service.web.pages.qa import router as qa_pages
from service.web.pages.staff import council_sign_in, second_factor, session, sign_in
from service.web.pages.trainee import confidentiality as trainee_confidentiality
from service.web.pages.trainee import requests as trainee_requests
from service.web.pages.trainee import withdraw as trainee_withdraw


def create_app(
    settings: Settings | None = None,
    database: Database | None = None,
    *,
    clock: Callable[[], datetime] = system_clock,
) -> FastAPI:
    """Build the application; tests pass their own settings, database and clock."""
    settings = settings or get_settings()
    owns_database = database is None
    database = database or Database(settings.database_url, audit_key=settings.audit_key)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        dispatcher_task = None
        if settings.dispatch_in_process:
            from service.dispatching import mail_server_problem, run_dispatcher

            problem = mail_server_problem(settings)
            if problem is not None:
                raise RuntimeError(problem)
            dispatcher_task = asyncio.create_task(run_dispatcher(settings, database, stop))
        with startup_objects_left_out_of_collections():
            yield
        stop.set()
        if dispatcher_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(dispatcher_task, timeout=10)
        if owns_database:
            await database.dispose()

    docs = settings.api_docs_shown
    app = FastAPI(
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        # Without the public pages, the document is served to signed-in staff only (below).
        openapi_url="/openapi.json" if docs else None,
        title="cpc-observers",
        version="0.1.0",
        summary="Trainee observers at child protection conferences, with the family's consent.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.clock = clock
    app.state.council_client = council_sign_in.council_client(settings)
    app.state.templates_by_language = {
        language: make_templates(auto_reload=settings.is_development, language=language)
        for language in Language
    }
    app.state.bad_link_limiter = BadLinkLimiter(
        database, limit_per_minute=settings.bad_link_limit, key=settings.secret_key
    )
    # Innermost, so it sees each response as the route made it, before any headers are added.
    compress_responses(app)
    # Added early, so it runs inside the headers: a 413 or 408 carries them and is logged too.
    app.add_middleware(
        RequestBodyMiddleware,
        max_body_bytes=settings.max_body_bytes,
        body_timeout_seconds=settings.body_timeout_seconds,
    )
    app.add_middleware(
        SecurityHeadersMiddleware,
        strict_transport=not settings.is_development,
        error_response=lambda request: server_error_response(request, render_error_page),
    )
    # The client's address behind the council's proxies, and only theirs (uvicorn's middleware,
    # here rather than in the server so the request id below can tell a proxy from a client).
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.add_middleware(RequestContextMiddleware, trusted_proxies=settings.trusted_proxies)
    install_error_handlers(app, render_error_page=render_error_page)
    app.mount("/static", FingerprintedStaticFiles(shipped_static_names()), name="static")
    app.include_router(health.router)
    # The family's pages first: routes are matched in order, and theirs are the busiest.
    app.include_router(family_consent.router)
    app.include_router(family_short_link.router)
    app.include_router(api_auth.router)
    app.include_router(api_conferences.router)
    app.include_router(api_conference_exchange.router)
    app.include_router(api_requests.router)
    app.include_router(api_statistics.router)
    app.include_router(api_family.router)
    app.include_router(api_outcomes.router)
    app.include_router(notify_callback.router)
    app.include_router(sign_in.router)
    app.include_router(second_factor.router)
    app.include_router(council_sign_in.router)
    app.include_router(session.router)
    app.include_router(trainee_requests.router)
    app.include_router(trainee_withdraw.router)
    app.include_router(trainee_confidentiality.router)
    app.include_router(qa_pages.router)
    app.include_router(public_notices.router)
    app.include_router(admin_sessions.router)
    app.include_router(admin_accounts.router)
    if settings.is_development:
        app.include_router(dev_mailbox.router)

    if not docs:

        @app.get("/openapi.json", include_in_schema=False)
        async def openapi_for_staff(_user: AnyStaffDep) -> JSONResponse:
            return JSONResponse(app.openapi())

    return app
