"""QA's tags and the trainee's pages name each status from the same table."""

from service.domain.states import RequestStatus
from service.domain.transitions import status_label
from service.web.pages.qa.common import status_tag


def test_qa_and_the_trainee_call_each_status_by_the_same_label() -> None:
    for status in RequestStatus:
        assert status_tag(status.value)["text"] == status_label(status)
    # QA used to read "Observed" where the trainee read "Finished".
    assert status_label(RequestStatus.COMPLETED) == "Observed"
