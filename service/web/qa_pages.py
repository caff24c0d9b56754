"""The QA Service's pages, every one behind the QA role: requests, conferences, families."""

from fastapi import APIRouter

from service.web import qa_conference_pages, qa_family_pages, qa_record_pages, qa_request_pages

router = APIRouter(include_in_schema=False)
router.include_router(qa_request_pages.router)
router.include_router(qa_conference_pages.router)
router.include_router(qa_family_pages.router)
router.include_router(qa_record_pages.router)
