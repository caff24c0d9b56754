"""Who in the family is asked, how, and in which words."""

from datetime import date
from typing import Any

import pytest

from service.domain.consent import (
    AskDecision,
    FamilyMemberFacts,
    Wording,
    age_on,
    require_someone_to_ask,
    suggest_sufficient_understanding,
    who_is_asked,
    wording_for,
)
from service.domain.errors import NoOneToAsk


def member(**overrides: Any) -> FamilyMemberFacts:
    values: dict[str, Any] = {
        "member_id": 1,
        "is_child": False,
        "has_parental_responsibility": True,
        "sufficient_understanding": None,
        "date_of_birth": None,
        "contact_by_email": True,
    }
    values.update(overrides)
    return FamilyMemberFacts(**values)


def decision_for(facts: FamilyMemberFacts) -> AskDecision:
    [decision] = who_is_asked([facts])
    return decision


def test_an_adult_with_parental_responsibility_is_asked() -> None:
    assert decision_for(member()) == AskDecision(
        member_id=1, asked=True, reason="has parental responsibility", ask_in_person=False
    )


def test_an_adult_without_parental_responsibility_is_not_asked() -> None:
    decision = decision_for(member(has_parental_responsibility=False))
    assert not decision.asked
    assert decision.reason == "an adult without parental responsibility"
    assert not decision.ask_in_person


def test_a_child_judged_to_understand_is_asked() -> None:
    decision = decision_for(
        member(is_child=True, has_parental_responsibility=False, sufficient_understanding=True)
    )
    assert decision.asked
    assert decision.reason == "judged to have sufficient understanding to decide"


def test_a_child_not_judged_to_understand_is_not_asked_whatever_their_age() -> None:
    decision = decision_for(
        member(
            is_child=True,
            has_parental_responsibility=False,
            sufficient_understanding=False,
            date_of_birth=date(2009, 1, 1),
        )
    )
    assert not decision.asked
    assert decision.reason == "not judged to have sufficient understanding to decide"


def test_a_child_nobody_has_judged_yet_is_not_asked_and_the_reason_says_so() -> None:
    decision = decision_for(member(is_child=True, has_parental_responsibility=False))
    assert not decision.asked
    assert "nobody has yet judged" in decision.reason


def test_a_young_parent_is_asked_as_a_parent() -> None:
    decision = decision_for(
        member(is_child=True, has_parental_responsibility=True, sufficient_understanding=False)
    )
    assert decision.asked
    assert decision.reason == "has parental responsibility"


def test_someone_not_to_be_emailed_is_asked_in_person() -> None:
    assert decision_for(member(contact_by_email=False)).ask_in_person
    not_asked = member(has_parental_responsibility=False, contact_by_email=False)
    assert not decision_for(not_asked).ask_in_person


def test_decisions_keep_the_order_and_ids_of_the_family() -> None:
    family = [member(member_id=7), member(member_id=3, has_parental_responsibility=False)]
    assert [(d.member_id, d.asked) for d in who_is_asked(family)] == [(7, True), (3, False)]


def test_a_family_with_nobody_to_ask_cannot_be_asked() -> None:
    decisions = who_is_asked([member(has_parental_responsibility=False)])
    with pytest.raises(NoOneToAsk, match="Nobody in the family is listed to be asked"):
        require_someone_to_ask(decisions)
    with pytest.raises(NoOneToAsk):
        require_someone_to_ask([])


def test_one_person_to_ask_is_enough() -> None:
    require_someone_to_ask(who_is_asked([member(has_parental_responsibility=False), member()]))


def test_age_counts_whole_years_and_turns_on_the_birthday() -> None:
    born = date(2008, 12, 7)
    assert age_on(date_of_birth=born, day=date(2026, 12, 6)) == 17
    assert age_on(date_of_birth=born, day=date(2026, 12, 7)) == 18


def test_a_leap_day_birthday_comes_on_the_first_of_march() -> None:
    born = date(2008, 2, 29)
    assert age_on(date_of_birth=born, day=date(2026, 2, 28)) == 17
    assert age_on(date_of_birth=born, day=date(2026, 3, 1)) == 18


def test_understanding_is_suggested_from_twelve_not_eleven() -> None:
    born = date(2014, 12, 7)
    assert not suggest_sufficient_understanding(date_of_birth=born, day=date(2026, 12, 6))
    assert suggest_sufficient_understanding(date_of_birth=born, day=date(2026, 12, 7))
    assert not suggest_sufficient_understanding(date_of_birth=None, day=date(2026, 12, 7))


def test_someone_under_eighteen_gets_the_young_persons_wording() -> None:
    born = date(2008, 12, 7)
    day_before = date(2026, 12, 6)
    assert wording_for(is_child=True, date_of_birth=born, day=day_before) is Wording.YOUNG_PERSON
    # A 17-year-old parent listed as an adult still reads the young person's words.
    assert wording_for(is_child=False, date_of_birth=born, day=day_before) is Wording.YOUNG_PERSON


def test_on_their_eighteenth_birthday_they_get_the_adult_wording() -> None:
    born = date(2008, 12, 7)
    assert wording_for(is_child=True, date_of_birth=born, day=date(2026, 12, 7)) is Wording.ADULT


def test_without_a_date_of_birth_the_child_marker_decides_the_wording() -> None:
    day = date(2026, 12, 7)
    assert wording_for(is_child=True, date_of_birth=None, day=day) is Wording.YOUNG_PERSON
    assert wording_for(is_child=False, date_of_birth=None, day=day) is Wording.ADULT


def test_easy_read_is_for_adults_and_a_young_person_keeps_the_words_for_their_age() -> None:
    day = date(2026, 12, 1)
    adult, young = date(1990, 1, 1), date(2012, 1, 1)
    assert wording_for(is_child=False, date_of_birth=adult, day=day, easy_read=True) is (
        Wording.EASY_READ
    )
    assert wording_for(is_child=False, date_of_birth=None, day=day, easy_read=True) is (
        Wording.EASY_READ
    )
    assert wording_for(is_child=True, date_of_birth=young, day=day, easy_read=True) is (
        Wording.YOUNG_PERSON
    )
    assert wording_for(is_child=True, date_of_birth=None, day=day, easy_read=True) is (
        Wording.YOUNG_PERSON
    )
    assert wording_for(is_child=False, date_of_birth=adult, day=day) is Wording.ADULT
