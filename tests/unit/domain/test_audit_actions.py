"""The audit log's vocabulary: every move of a request is recorded under a known action."""

from service.domain.audit_actions import AuditAction
from service.domain.states import RequestEvent
from service.record.timeline_words import _WORDS


def test_every_request_event_is_an_audit_action() -> None:
    assert {event.value for event in RequestEvent} <= {action.value for action in AuditAction}


def test_the_timeline_has_words_for_every_move_of_a_request() -> None:
    assert {AuditAction(event.value) for event in RequestEvent} <= set(_WORDS)
