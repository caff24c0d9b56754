"""Printed records: one self-contained HTML file each, with its styles inside and nothing to fetch.

The file is meant to be saved, printed, or handed to a family member, and to read the same years
later on a machine with no network: no scripts, no stylesheet links, no images, no fonts.
"""

import base64
import hashlib
from functools import lru_cache

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from service.languages import Language
from service.pdf import html_to_pdf
from service.settings import TEMPLATE_DIR, Settings
from service.web.http.app_state import templates_in

_STYLES = TEMPLATE_DIR / "exports" / "record.css"


@lru_cache(maxsize=1)
def _styles() -> tuple[Markup, str]:
    """The stylesheet to put inline, and its CSP source (so a browser applies nothing else)."""
    css = _STYLES.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    return Markup(css), f"'sha256-{digest}'"  # noqa: S704 - our own stylesheet, not input


async def record_document(
    request: Request,
    template: str,
    *,
    filename: str,
    as_pdf: bool,
    language: Language = Language.ENGLISH,
    **context: object,
) -> Response:
    """Render a record as an HTML file to download, or as a PDF when asked and possible; a
    family member's copy may be in Welsh."""
    styles, style_source = _styles()
    settings: Settings = request.app.state.settings
    html: str = (
        templates_in(request, language)
        .env.get_template(template)
        .render(
            styles=styles,
            qa_service_name=settings.qa_service_name,
            qa_service_phone=settings.qa_service_phone,
            qa_service_email=settings.qa_mailbox,
            **context,
        )
    )
    if as_pdf:
        return Response(
            await html_to_pdf(html),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'},
        )
    return HTMLResponse(
        html,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.html"',
            # Should a browser show it in place, it may apply the inline styles and fetch nothing.
            "Content-Security-Policy": (
                f"default-src 'none'; style-src {style_source}; base-uri 'none'; "
                "form-action 'none'; frame-ancestors 'none'"
            ),
        },
    )
