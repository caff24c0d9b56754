"""Printed records: one self-contained HTML file each, with its styles inside and nothing to fetch.

The file is meant to be saved, printed, or handed to a family member, and to read the same years
later on a machine with no network: no scripts, no stylesheet links, no images, no fonts.
"""

import base64
import hashlib
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from service.domain.consent import Wording
from service.domain.times import format_moment
from service.settings import Settings
from service.usecases.record_export import RecordExport
from service.web.consent_text import information_text
from service.web.record_pdf import html_to_pdf
from service.web.templating import TEMPLATE_DIR

_STYLES = TEMPLATE_DIR / "exports" / "record.css"


@lru_cache(maxsize=1)
def _styles() -> tuple[Markup, str]:
    """The stylesheet to put inline, and its CSP source (so a browser applies nothing else)."""
    css = _STYLES.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    return Markup(css), f"'sha256-{digest}'"  # noqa: S704 - our own stylesheet, not input


def text_shown_to_reader(
    request: Request, settings: Settings, export: RecordExport
) -> Markup | None:
    """The information the reader answered, rendered again, if it is exactly what they saw.

    It is shown only when its SHA-256 matches the one stored with one of their answers: after a
    change (the conference moved, the wording was revised) the version and fingerprint stand alone.
    """
    reader = export.reader
    if reader is None or reader.invitation is None or not reader.answers:
        return None
    row = export.record.row
    text = information_text(
        request.app.state.templates,
        settings,
        wording=Wording(reader.invitation.wording),
        request=row.request,
        conference=row.conference,
        observer=row.trainee,
        answer_by=format_moment(export.record.deadline),
    )
    seen = {answer.text_sha256 for answer in reader.answers}
    return text.html if text.shown.sha256 in seen else None


async def record_document(
    request: Request, template: str, *, filename: str, as_pdf: bool, **context: Any
) -> Response:
    """Render a record as an HTML file to download, or as a PDF when asked and possible."""
    styles, style_source = _styles()
    settings: Settings = request.app.state.settings
    html: str = request.app.state.templates.env.get_template(template).render(
        styles=styles,
        qa_service_name=settings.qa_service_name,
        qa_service_phone=settings.qa_service_phone,
        qa_service_email=settings.qa_mailbox,
        **context,
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
