"""One visit to a family link, and the calm page a link that cannot be used gets: shared by
the long consent links and the short answer links."""

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from service.languages import Language, translations
from service.links import LinkProblem
from service.settings import Settings
from service.web.deps import client_address
from service.web.http.bad_link_limiter import BadLinkLimiter
from service.web.http.rendering import render_page


@dataclass(frozen=True)
class Visit:
    """One visit to a family link: who asked, when, in which language, on which connection."""

    request: Request
    session: AsyncSession
    settings: Settings
    now: datetime
    language: Language

    def words(self, message: str) -> str:
        """A sentence in the visit's language."""
        return translations(self.language).gettext(message)

    def page(self, template: str, *, status: int, **context: object) -> Response:
        """A family page in the visit's language."""
        return render_page(self.request, template, context, status=status, language=self.language)


def _limiter(request: Request) -> BadLinkLimiter:
    limiter: BadLinkLimiter = request.app.state.bad_link_limiter
    return limiter


async def is_slowed(visit: Visit) -> bool:
    """Whether this address has tried too many bad links lately."""
    return await _limiter(visit.request).is_blocked(client_address(visit.request), visit.now)


async def bad_link_page(visit: Visit, problem: LinkProblem) -> Response:
    # Done with the page's own connection: the limiter takes one of its own, and a burst of
    # bad links holding two each could otherwise empty the pool and wait on itself.
    await visit.session.close()
    limiter, address = _limiter(visit.request), client_address(visit.request)
    if await limiter.is_blocked(address, visit.now):
        page_title = visit.words("Please wait a minute")
        return visit.page(
            "pages/family/bad_link.html", status=429, page_title=page_title, too_many=True
        )
    await limiter.record_bad_attempt(address, visit.now)
    expired = problem is LinkProblem.EXPIRED
    return visit.page(
        "pages/family/bad_link.html",
        status=410 if expired else 404,
        page_title=visit.words("This link has expired")
        if expired
        else visit.words("This link does not work"),
        expired=expired,
    )
