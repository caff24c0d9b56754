"""`POST /notify/callback`: GOV.UK Notify's delivery receipts, with the bearer token the council
gave Notify (`CPC_NOTIFY_CALLBACK_TOKEN`). Without that setting there is no such address."""

import hmac

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from service.usecases.delivery_receipts import NotifyStatus, record_receipt
from service.web.deps import NowDep, SettingsDep, WriteSessionDep

router = APIRouter(include_in_schema=False)


class NotifyReceipt(BaseModel):
    """The fields of Notify's callback the service reads; Notify sends more, kept out."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=64)
    status: str = Field(max_length=40)
    # What the service called the message when it sent it ("outbox-42").
    reference: str | None = Field(default=None, max_length=100)


@router.post("/notify/callback", status_code=204)
async def notify_callback(
    request: Request,
    receipt: NotifyReceipt,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    """Record a receipt; 401 for a wrong token, which changes nothing."""
    expected = settings.notify_callback_token
    if not expected:
        raise HTTPException(status_code=404)
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), expected.encode()
    ):
        raise HTTPException(status_code=401, detail="A valid bearer token is needed.")
    try:
        status = NotifyStatus(receipt.status)
    except ValueError:
        # "sending", "created" and any state added later: nothing to record yet.
        return Response(status_code=204)
    known = await record_receipt(
        session,
        settings=settings,
        now=now,
        notification_id=receipt.id,
        status=status,
        reference=receipt.reference,
    )
    # Not known (yet): Notify sends a receipt again after a failure, so it is not lost.
    return Response(status_code=204 if known else 404)
