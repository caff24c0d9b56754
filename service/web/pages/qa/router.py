"""The QA Service's pages, every one behind the QA role: requests, conferences, families."""

from fastapi import APIRouter, Depends

from service.web.pages.qa import (
    conference_import,
    conferences,
    family,
    letters,
    record,
    requests,
    statistics,
    withdraw,
)
from service.web.pages.qa.work_list import count_work_to_do

# Every QA page counts what needs doing now, for the navigation.
router = APIRouter(include_in_schema=False, dependencies=[Depends(count_work_to_do)])
router.include_router(requests.router)
# Before the conference pages, whose /qa/conferences/{id} would otherwise take "import".
router.include_router(conference_import.router)
router.include_router(conferences.router)
router.include_router(family.router)
router.include_router(record.router)
router.include_router(letters.router)
router.include_router(statistics.router)
router.include_router(withdraw.router)
