"""Communication needs: read strictly, stored the same way twice, said plainly, and the support
someone needs asked for before their answer counts."""

import pytest

from service.domain.communication import (
    CommunicationNeed,
    check_support_given,
    checked_interpreter_language,
    needs_from_storage,
    needs_in_words,
    parse_needs,
    stored_needs,
    support_in_person,
    support_in_words,
)
from service.domain.consent import FamilyMemberFacts, who_is_asked
from service.domain.errors import InvalidInput

N = CommunicationNeed


def test_needs_are_stored_in_one_order_and_read_back() -> None:
    needs = parse_needs(["interpreter", "easy_read", " bsl "])
    assert stored_needs(needs) == "bsl,easy_read,interpreter"
    assert needs_from_storage(stored_needs(needs)) == needs
    assert needs_from_storage("") == frozenset() == needs_from_storage(None)


@pytest.mark.parametrize("value", ["telepathy", "", "EASY_READ", "easy_read;bsl"])
def test_anything_else_is_refused_with_a_plain_message(value: str) -> None:
    with pytest.raises(InvalidInput, match="Choose from Easy Read") as refused:
        parse_needs([value])
    assert refused.value.field == "communication_needs"


def test_an_interpreter_needs_a_language_and_only_an_interpreter_keeps_one() -> None:
    with pytest.raises(InvalidInput, match="language the interpreter speaks"):
        checked_interpreter_language(frozenset({N.INTERPRETER}), "   ")
    with pytest.raises(InvalidInput, match="100 characters or fewer"):
        checked_interpreter_language(frozenset({N.INTERPRETER}), "x" * 101)
    assert checked_interpreter_language(frozenset({N.INTERPRETER}), " Cymraeg  ") == "Cymraeg"
    assert checked_interpreter_language(frozenset({N.ADVOCATE}), "Polish") is None


def test_only_an_interpreter_bsl_or_an_advocate_means_asking_in_person() -> None:
    assert support_in_person({N.EASY_READ, N.LARGE_PRINT}) == frozenset()
    assert support_in_person(set(N)) == {N.INTERPRETER, N.BSL, N.ADVOCATE}


def test_needs_and_support_read_as_qa_and_the_record_say_them() -> None:
    assert needs_in_words({N.INTERPRETER, N.EASY_READ}, "Polish") == [
        "Easy Read",
        "An interpreter (Polish)",
    ]
    assert support_in_words({N.ADVOCATE}, None) == "with their advocate"
    assert (
        support_in_words({N.BSL, N.INTERPRETER, N.ADVOCATE, N.LARGE_PRINT}, "Urdu")
        == "with an interpreter (Urdu), with a British Sign Language interpreter and with "
        "their advocate"
    )
    assert support_in_words({N.EASY_READ}, None) == ""


def test_an_answer_needs_the_support_the_person_needs() -> None:
    needed = {N.INTERPRETER, N.EASY_READ}
    with pytest.raises(InvalidInput, match=r"asked with an interpreter \(Polish\)") as refused:
        check_support_given(needed, {N.ADVOCATE}, interpreter_language="Polish")
    assert refused.value.field == "support_used"
    check_support_given(needed, {N.INTERPRETER}, interpreter_language="Polish")
    check_support_given({N.LARGE_PRINT}, set(), interpreter_language=None)


def _facts(*, email: bool, support: bool) -> FamilyMemberFacts:
    return FamilyMemberFacts(
        member_id=1,
        is_child=False,
        has_parental_responsibility=True,
        sufficient_understanding=None,
        date_of_birth=None,
        contact_by_email=email,
        needs_support_in_person=support,
    )


@pytest.mark.parametrize(
    ("email", "support", "in_person"),
    [(True, False, False), (True, True, True), (False, False, True), (False, True, True)],
)
def test_support_in_person_means_no_link(email: bool, support: bool, in_person: bool) -> None:
    (decision,) = who_is_asked([_facts(email=email, support=support)])
    assert decision.asked and decision.ask_in_person is in_person
