"""QA prints a family member's letter from the request page: a PDF where this server makes
them, otherwise a self-contained HTML file that any browser prints."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from service.domain.errors import DomainError, NotAllowed, NotFound
from service.pdf import html_to_pdf, pdf_available
from service.usecases.family_letters import print_family_letter
from service.web.http.fields import IdPath
from service.web.pages.qa.common import domain_field_error, refusal_status
from service.web.pages.qa.requests import ActionDep, show_refusal

router = APIRouter(prefix="/qa", include_in_schema=False)


@router.post("/requests/{request_id}/letters/{invitation_id}")
async def print_letter(request_id: IdPath, invitation_id: IdPath, action: ActionDep) -> Response:
    """The letter for one person asked about this request, written to the record as printed."""
    try:
        letter = await print_family_letter(
            action.session,
            settings=action.settings,
            now=action.now,
            qa_user_id=action.user.id,
            request_id=request_id,
            invitation_id=invitation_id,
        )
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        return await show_refusal(
            action, request_id, [domain_field_error(error)], refusal_status(error)
        )
    filename = f"letter-{request_id}-{invitation_id}"
    # It carries the person's own link: never kept by a browser cache or a proxy.
    private = {"Cache-Control": "no-store"}
    if pdf_available():
        return Response(
            await html_to_pdf(letter.html),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"', **private},
        )
    return HTMLResponse(
        letter.html,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.html"',
            "Content-Security-Policy": (
                f"default-src 'none'; style-src {letter.style_source}; base-uri 'none'; "
                "form-action 'none'; frame-ancestors 'none'"
            ),
            **private,
        },
    )
