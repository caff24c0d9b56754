"""Every action the audit log records, by name: written by the use cases, read by the record.

A request's moves are recorded under their event's name (see `states.RequestEvent`); a test
checks that every event has its action here, so the timeline has words for each.
"""

from enum import StrEnum


class AuditAction(StrEnum):
    """What one audit entry says happened."""

    # A request's moves through the workflow: the names of `RequestEvent`.
    APPROVE = "approve"
    DECLINE = "decline"
    EVERYONE_AGREED = "everyone_agreed"
    SOMEONE_REFUSED = "someone_refused"
    DEADLINE_PASSED = "deadline_passed"
    WITHDRAW = "withdraw"
    CONFERENCE_CANCELLED = "conference_cancelled"  # also the conference's own entry
    CHAIR_CONFIRMED_OBSERVED = "chair_confirmed_observed"
    CHAIR_FAMILY_WITHDREW = "chair_family_withdrew"
    FAMILY_SAID_NO_ELSEWHERE = "family_said_no_elsewhere"
    NEW_PERSON_TO_ASK = "new_person_to_ask"
    # A request, and the family being asked about it.
    ASKED_TO_OBSERVE = "asked_to_observe"
    CONFIDENTIALITY_PROMISED_AGAIN = "confidentiality_promised_again"
    FAMILY_MEMBER_NOT_ASKED = "family_member_not_asked"
    INVITATION_SENT = "invitation_sent"
    FAMILY_MEMBER_TO_ASK_IN_PERSON = "family_member_to_ask_in_person"
    LINK_REISSUED = "link_reissued"
    LETTER_PRINTED = "letter_printed"
    REMINDER_SENT = "reminder_sent"
    FAMILY_TOLD_OF_MOVE = "family_told_of_move"
    INVITATION_ENDED = "invitation_ended"
    ANSWER_GIVEN = "answer_given"
    ANSWER_CHANGED = "answer_changed"
    FAMILY_EMAIL_UNDELIVERABLE = "family_email_undeliverable"
    CHAIR_CHECK_MISSING = "chair_check_missing"
    RECORD_EXPORTED = "record_exported"
    # A conference and its family.
    CONFERENCE_RECORDED = "conference_recorded"
    CONFERENCE_RESCHEDULED = "conference_rescheduled"
    CONFERENCE_DETAILS_CHANGED = "conference_details_changed"
    CONFERENCE_CLOSED_AFTER_NO = "conference_closed_after_no"
    FAMILY_MEMBER_ADDED = "family_member_added"
    FAMILY_MEMBER_CHANGED = "family_member_changed"
    FAMILY_MEMBER_REMOVED = "family_member_removed"
    # Staff accounts, sign-in and sessions.
    TRAINEE_REGISTERED = "trainee_registered"
    TRAINEE_EMAIL_CONFIRMED = "trainee_email_confirmed"
    STAFF_ACCOUNT_CREATED = "staff_account_created"
    STAFF_ACCOUNT_LINKED = "staff_account_linked"
    STAFF_ROLE_CHANGED = "staff_role_changed"
    STAFF_ACCOUNT_DEACTIVATED = "staff_account_deactivated"
    STAFF_ACCOUNT_REACTIVATED = "staff_account_reactivated"
    STAFF_SESSION_ENDED = "staff_session_ended"
    STAFF_SESSIONS_ENDED = "staff_sessions_ended"
    INTEGRATION_TOKEN_CREATED = "integration_token_created"  # noqa: S105 - a name, not a secret
    SIGN_IN_LOCKED = "sign_in_locked"
    SIGN_IN_WAIT_LIFTED = "sign_in_wait_lifted"
    SECOND_FACTOR_SET_UP = "second_factor_set_up"
    SECOND_FACTOR_RESET = "second_factor_reset"
    # Keeping data no longer than needed.
    MAIL_BODIES_CLEARED = "mail_bodies_cleared"
