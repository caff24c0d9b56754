"""Running the outbox dispatcher and the scheduled jobs, in the web process or on their own."""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.dispatcher import Dispatcher
from notifications.notify import NotifyClient
from notifications.outbox import Channel, OutboxMessage
from notifications.routing import NotifyTransport, RoutingTransport
from notifications.transport import MailboxTransport, SmtpConfig, SmtpTransport, Transport
from notifications.webhook import WebhookTransport
from service import metrics
from service.pdf import html_to_pdf, pdf_available
from service.settings import Environment, Settings
from service.store.database import Database
from service.store.heartbeats import report_in, this_process
from service.usecases.scheduled_jobs import run_scheduled_jobs
from service.usecases.undeliverable import tell_qa_email_undeliverable

logger = logging.getLogger("cpc_observers.dispatch")


def mail_server_problem(settings: Settings) -> str | None:
    """Why this configuration must not send mail, or None when it may.

    Without a mail server the service writes each email into a local folder, which is right
    on a developer's machine. In production those files would hold families' names and live
    consent links where nobody reads them, so production refuses to start that way.
    """
    if settings.env is Environment.PRODUCTION and not settings.smtp_host:
        return (
            "CPC_SMTP_HOST is not set. In production emails must go through a mail server; "
            "set CPC_SMTP_HOST (and CPC_SMTP_PORT, CPC_SMTP_SECURITY) or turn delivery off "
            "with CPC_DISPATCH_IN_PROCESS=false."
        )
    return None


def _email_transport(settings: Settings) -> Transport:
    """SMTP when a server is configured; otherwise the local development mailbox."""
    domain = urlsplit(settings.base_url).hostname or "cpc-observers.local"
    if not settings.smtp_host:
        return MailboxTransport(
            settings.dev_mailbox_dir, mail_from=settings.mail_from, message_id_domain=domain
        )
    return SmtpTransport(
        SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security.value,
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout_seconds=settings.smtp_timeout_seconds,
            mail_from=settings.mail_from,
            message_id_domain=domain,
        )
    )


def make_transport(settings: Settings) -> Transport:
    """Emails by SMTP (or the development mailbox), and family email through Notify when its
    email template is set; text messages and letters through Notify when they are set up;
    outcome webhooks when their secret is set. A channel with no way to send it fails at once,
    so the person is asked in person (or QA sees the case-management system was not told)."""
    problem = mail_server_problem(settings)
    if problem is not None:
        raise ValueError(problem)
    routes: dict[Channel, Transport] = {Channel.EMAIL: _email_transport(settings)}
    if settings.webhook_secret:
        # Outcome events to the case-management system, signed with the shared secret.
        routes[Channel.WEBHOOK] = WebhookTransport(settings.webhook_secret)
    if not settings.notify_api_key:
        return RoutingTransport(routes)
    notify = NotifyTransport(
        NotifyClient(settings.notify_api_key, base_url=settings.notify_base_url),
        sms_template_id=settings.notify_sms_template_id,
        email_template_id=settings.notify_email_template_id,
        letter_pdf=html_to_pdf if settings.letters_available and pdf_available() else None,
    )
    if settings.texts_available:
        routes[Channel.SMS] = notify
    if notify.letter_pdf is not None:
        routes[Channel.LETTER] = notify
    # Family email through Notify when its template is set; staff email and invites keep SMTP.
    return RoutingTransport(
        routes, family_email=notify if settings.notify_email_template_id else None
    )


def _utc_now() -> datetime:
    return datetime.now(UTC)


def make_dispatcher(
    settings: Settings, database: Database, *, clock: Callable[[], datetime] = _utc_now
) -> Dispatcher:
    """A dispatcher for the service's outbox that tells QA when a family email bounces."""

    async def on_permanent_failure(session: AsyncSession, message: OutboxMessage) -> None:
        await tell_qa_email_undeliverable(session, settings=settings, now=clock(), message=message)

    return Dispatcher(
        database.writer,
        make_transport(settings),
        clock=clock,
        lease_seconds=settings.dispatch_lease_seconds,
        max_attempts=settings.max_delivery_attempts,
        on_permanent_failure=on_permanent_failure,
        on_result=lambda channel, result: metrics.deliveries.labels(channel, result.value).inc(),
    )


async def run_jobs(
    settings: Settings,
    database: Database,
    stop: asyncio.Event,
    *,
    clock: Callable[[], datetime] = _utc_now,
) -> None:
    """Run the scheduled jobs every `jobs_interval_seconds` until `stop` is set.

    Its own task: however long a mail server keeps the dispatcher waiting, a request still
    lapses at its deadline.
    """
    while not stop.is_set():
        try:
            metrics.job_runs.inc()
            done = await run_scheduled_jobs(database.writer, settings=settings, now=clock())
            for job, items in done.items():
                metrics.job_items.labels(job).inc(items)
            if any(done.values()):
                logger.info("scheduled jobs: %s", done)
        except Exception:
            # One bad run must not stop the jobs for good; the next run tries again.
            metrics.job_failures.inc()
            logger.exception("scheduled jobs failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.jobs_interval_seconds)


async def report_in_until_stopped(
    settings: Settings,
    database: Database,
    stop: asyncio.Event,
    *,
    clock: Callable[[], datetime] = _utc_now,
) -> None:
    """Tell readiness, every `dispatch_report_interval_seconds`, that this process dispatches."""
    process = this_process()
    while not stop.is_set():
        try:
            async with database.write_session() as session:
                await report_in(session, process=process, now=clock())
                await session.commit()
        except Exception:
            # A missed report shows in /readyz; it must not stop the sending.
            logger.exception("could not report in")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.dispatch_report_interval_seconds)


async def run_dispatcher(
    settings: Settings,
    database: Database,
    stop: asyncio.Event,
    *,
    clock: Callable[[], datetime] = _utc_now,
) -> None:
    """Send the outbox and, beside it in tasks of their own, run the jobs and report in, until
    `stop`."""
    dispatcher = make_dispatcher(settings, database, clock=clock)
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(run_jobs(settings, database, stop, clock=clock))
        tasks.create_task(report_in_until_stopped(settings, database, stop, clock=clock))
        tasks.create_task(
            dispatcher.run_forever(stop, interval_seconds=settings.dispatch_interval_seconds)
        )
