"""QA's copies of a request's record: the whole of it, or one family member's own part."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup

from service.languages import parse_language
from service.pdf import pdf_available
from service.record.audit_watch import AuditChainWatch, ChainState
from service.record.export import (
    RecordExport,
    export_family_member_record,
    export_full_record,
)
from service.web.deps import NowDep, PageQaDep, SettingsDep, WriteSessionDep
from service.web.http.app_state import database_of
from service.web.http.fields import IdPath
from service.web.pages.qa.record_documents import record_document

router = APIRouter(prefix="/qa", include_in_schema=False)


def audit_chain_watch(request: Request) -> AuditChainWatch:
    """This process's watch on the audit chain, made on first use."""
    watch: AuditChainWatch | None = getattr(request.app.state, "audit_chain_watch", None)
    if watch is None:
        watch = AuditChainWatch(database_of(request).read_session, clock=request.app.state.clock)
        request.app.state.audit_chain_watch = watch
    return watch


async def chain_for(request: Request, export: RecordExport) -> ChainState:
    """The chain's state for a copy: the check is first carried on over any entries the copy
    shows that it has not reached (the copy's own "record downloaded" entry, at least)."""
    return await audit_chain_watch(request).state(up_to=max(export.entry_ids, default=None))


async def wants_pdf(format: Literal["html", "pdf"] = "html") -> bool:
    """True for `?format=pdf`; 404 when this server cannot make PDFs."""
    if format == "pdf" and not pdf_available():
        raise HTTPException(
            status_code=404,
            detail="This server cannot make PDF copies. Download the HTML copy and print it "
            "to PDF from your browser.",
        )
    return format == "pdf"


PdfDep = Annotated[bool, Depends(wants_pdf)]


@router.get("/requests/{request_id}/record")
async def full_record(
    request: Request,
    request_id: IdPath,
    user: PageQaDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
    as_pdf: PdfDep,
) -> Response:
    """The whole record of a request, as a file to print or keep."""
    export = await export_full_record(
        session, settings=settings, now=now, qa_user_id=user.id, request_id=request_id
    )
    return await record_document(
        request,
        "exports/record_full.html",
        filename=f"record-of-request-{request_id}",
        as_pdf=as_pdf,
        export=export,
        chain=await chain_for(request, export),
    )


@router.get("/requests/{request_id}/record/family/{family_member_id}")
async def family_member_record(
    request: Request,
    request_id: IdPath,
    family_member_id: IdPath,
    user: PageQaDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    now: NowDep,
    as_pdf: PdfDep,
    lang: Literal["en", "cy"] | None = None,
) -> Response:
    """One family member's own record of a request, for a subject access request: in their
    language unless `?lang=` asks for English or Welsh."""
    export = await export_family_member_record(
        session,
        settings=settings,
        now=now,
        qa_user_id=user.id,
        request_id=request_id,
        family_member_id=family_member_id,
        language=parse_language(lang),
    )
    return await record_document(
        request,
        "exports/record_family.html",
        filename=f"record-of-request-{request_id}-for-family-member-{family_member_id}",
        as_pdf=as_pdf,
        language=export.language,
        export=export,
        chain=await chain_for(request, export),
        # Composed by the record's read model from a template that escapes what it is given.
        text_shown=Markup(export.text_reader_saw) if export.text_reader_saw else None,  # noqa: S704
    )
