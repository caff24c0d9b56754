"""A family member's copy of the record can be written in Welsh: every reason the rules give
for not asking someone is in the catalogue, and the words fall back to English for QA."""

from datetime import date

import pytest

from service.domain.consent import FamilyMemberFacts, who_is_asked
from service.languages import ENGLISH_WORDS, Language, Words
from service.record.words import NOT_ASKED_REASONS

WELSH = Words(Language.WELSH)


@pytest.mark.parametrize(
    ("is_child", "parental_responsibility", "understanding"),
    [(False, False, None), (True, False, False), (True, False, None)],
)
def test_every_reason_for_not_asking_has_welsh(
    is_child: bool, parental_responsibility: bool, understanding: bool | None
) -> None:
    (decision,) = who_is_asked(
        [
            FamilyMemberFacts(
                member_id=1,
                is_child=is_child,
                has_parental_responsibility=parental_responsibility,
                sufficient_understanding=understanding,
                date_of_birth=date(2014, 1, 1) if is_child else None,
                contact_by_email=True,
            )
        ]
    )
    assert not decision.asked
    assert decision.reason in NOT_ASKED_REASONS
    assert WELSH(decision.reason) != decision.reason


def test_words_format_in_their_language_and_english_is_the_message_itself() -> None:
    assert ENGLISH_WORDS("Declined by %(by)s", by="Quinn") == "Declined by Quinn"
    assert WELSH("Declined by %(by)s", by="Quinn") == "Gwrthodwyd gan Quinn"
    assert WELSH("A sentence no catalogue holds.") == "A sentence no catalogue holds."
