"""Telling the case-management system of each change of outcome, through the outbox."""

import json
import uuid
from dataclasses import asdict
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.outbox import enqueue_webhook
from service.settings import Settings
from service.store.ids import saved_id
from service.store.loading import load_conference
from service.store.tables import ObservationRequest
from service.usecases.outcomes_feed import outcome_item

OUTCOME_CHANGED = "outcome.changed"


def json_moment(moment: datetime) -> str:
    """An instant as the API writes it: ISO 8601, UTC as `Z`, microseconds when there are any."""
    return moment.isoformat().replace("+00:00", "Z")


async def announce_outcome_change(
    session: AsyncSession, *, settings: Settings, now: datetime, request: ObservationRequest
) -> None:
    """Queue one signed event for the case-management system about the request as it now
    stands, in the caller's transaction, when webhooks are set up."""
    if not settings.webhooks_enabled or settings.webhook_url is None:
        return
    conference = await load_conference(session, request.conference_id)
    item = asdict(outcome_item(settings, request, conference))
    event = {
        # Made once and kept in the row, so every attempt carries the same id.
        "event_id": str(uuid.uuid4()),
        "event_type": OUTCOME_CHANGED,
        "occurred_at": json_moment(now),
        **item,
        "changed_at": json_moment(item["changed_at"]),
    }
    await enqueue_webhook(
        session,
        now=now,
        template="outcome_changed",
        url=settings.webhook_url,
        body_json=json.dumps(event, separators=(",", ":")),
        request_id=saved_id(request),
    )
