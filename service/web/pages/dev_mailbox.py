"""The development mailbox at /dev/mail: every email the service sent, readable in the browser.

Only mounted when CPC_ENV=development, so a newcomer can walk the whole journey on one machine.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from notifications.mailbox import list_mailbox, read_mailbox_message
from service.domain.errors import NotFound
from service.web.deps import SettingsDep
from service.web.http.fields import MAX_ID
from service.web.http.rendering import render_page

router = APIRouter(prefix="/dev/mail", include_in_schema=False)
SHOWN_MESSAGES = 200


@router.get("")
async def mailbox(request: Request, settings: SettingsDep) -> Response:
    """The newest messages in the local mailbox."""
    return render_page(
        request,
        "pages/dev/mailbox.html",
        page_title="Development mailbox",
        messages=list_mailbox(settings.dev_mailbox_dir, limit=SHOWN_MESSAGES),
        limit=SHOWN_MESSAGES,
    )


@router.get("/{message_id}")
async def message(
    request: Request, message_id: Annotated[int, Path(ge=1, le=MAX_ID)], settings: SettingsDep
) -> Response:
    """One message, with its links and calendar invite."""
    found = read_mailbox_message(settings.dev_mailbox_dir, message_id)
    if found is None:
        raise NotFound("There is no such message.")
    return render_page(request, "pages/dev/message.html", page_title=found.subject, message=found)


@router.get("/{message_id}/invite.ics")
async def invite(
    message_id: Annotated[int, Path(ge=1, le=MAX_ID)], settings: SettingsDep
) -> Response:
    """The calendar invite a message carried."""
    found = read_mailbox_message(settings.dev_mailbox_dir, message_id)
    if found is None or not found.calendar:
        raise NotFound("This message has no calendar invite.")
    return Response(found.calendar, media_type="text/calendar; charset=utf-8")
