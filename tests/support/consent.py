"""Getting a request to the family and reading their links, as tests need."""

import hashlib
import re

import httpx
from sqlalchemy import select

from service.links import make_consent_token
from service.settings import Settings
from service.store.database import Database
from service.store.tables import ConsentInvitation
from tests.support.scenario import World, request_body
from tests.support.web import api_token, csrf_from

_INFORMATION = re.compile(r"<!-- information:start -->(.*?)<!-- information:end -->", re.S)


async def approved_request(client: httpx.AsyncClient, world: World) -> int:
    """A request the trainee made and QA approved; returns its id."""
    trainee = await api_token(client, world.trainee_email)
    created = await client.post(
        "/api/v1/observation-requests",
        json=request_body(world.conference_id),
        headers={"Authorization": f"Bearer {trainee}"},
    )
    assert created.status_code == 201, created.text
    request_id = int(created.json()["id"])
    qa = await api_token(client, world.qa_email)
    approved = await client.post(
        f"/api/v1/observation-requests/{request_id}/approve",
        headers={"Authorization": f"Bearer {qa}"},
    )
    assert approved.status_code == 200, approved.text
    return request_id


async def consent_paths(database: Database, settings: Settings, request_id: int) -> dict[int, str]:
    """The consent link path of each family member asked, by family member id."""
    async with database.read_session() as session:
        invitations = (
            await session.scalars(
                select(ConsentInvitation).where(ConsentInvitation.request_id == request_id)
            )
        ).all()
    return {
        invitation.family_member_id: "/consent/"
        + make_consent_token(settings, invitation_id=invitation.id or 0, nonce=invitation.nonce)
        for invitation in invitations
    }


async def answer(
    client: httpx.AsyncClient, path: str, decision: str, comment: str = ""
) -> httpx.Response:
    """Open the link and send an answer, as the person would."""
    page = await client.get(path)
    assert page.status_code == 200, page.text
    text_hash = information_sha256(page.text)
    return await client.post(
        path,
        data={
            "decision": decision,
            "comment": comment,
            "csrf_token": csrf_from(page.text),
            "text_sha256": text_hash,
        },
    )


def information_text(html: str) -> str:
    """The information block exactly as served."""
    match = _INFORMATION.search(html)
    assert match, "the page has no information block"
    return match.group(1)


def information_sha256(html: str) -> str:
    """The SHA-256 of the information block as served."""
    return hashlib.sha256(information_text(html).encode("utf-8")).hexdigest()
