"""Whatever staff, the service and the family do, in any order, the workflow stays sound."""

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.allowed_now import check_can_answer
from service.domain.consent import (
    Answer,
    ConsentOutcome,
    FamilyMemberFacts,
    consent_outcome,
    event_for_outcome,
    require_someone_to_ask,
    who_is_asked,
)
from service.domain.errors import ConsentClosed, IllegalTransition, NoOneToAsk
from service.domain.states import Actor, RequestEvent, RequestStatus
from service.domain.transitions import TRANSITIONS, next_status

START = datetime(2026, 12, 14, 10, tzinfo=UTC)
NOW = START - timedelta(days=3)
# The family's answers alone cause these two; a random actor sending them would be a bug
# in the use cases, not in the domain.
ANSWER_EVENTS = {RequestEvent.EVERYONE_AGREED, RequestEvent.SOMEONE_REFUSED}
# A change to the family causes this one, together with a new person to ask; this model keeps
# the family fixed, so it never happens here.
FAMILY_CHANGE_EVENTS = {RequestEvent.NEW_PERSON_TO_ASK}
STAFF_EVENTS = sorted(set(RequestEvent) - ANSWER_EVENTS - FAMILY_CHANGE_EVENTS)


def _reachable() -> set[RequestStatus]:
    seen = {RequestStatus.SUBMITTED}
    frontier = [RequestStatus.SUBMITTED]
    while frontier:
        status = frontier.pop()
        for (source, _, _), target in TRANSITIONS.items():
            if source is status and target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


REACHABLE = _reachable()


@st.composite
def families(draw: st.DrawFn) -> list[FamilyMemberFacts]:
    size = draw(st.integers(min_value=1, max_value=5))
    return [
        FamilyMemberFacts(
            member_id=member_id,
            is_child=draw(st.booleans()),
            has_parental_responsibility=draw(st.booleans()),
            sufficient_understanding=draw(st.sampled_from([True, False, None])),
            date_of_birth=None,
            contact_by_email=draw(st.booleans()),
        )
        for member_id in range(1, size + 1)
    ]


staff_steps = st.tuples(st.just("event"), st.sampled_from(STAFF_EVENTS), st.sampled_from(Actor))
# QA approving is drawn on its own as well, or most runs would end before the family is asked.
approve_steps = st.just(("event", RequestEvent.APPROVE, Actor.QA))
answer_steps = st.tuples(
    st.just("answer"),
    st.integers(min_value=1, max_value=5),
    # Mostly yes, or a family of several would hardly ever all agree.
    st.sampled_from([Answer.YES, Answer.YES, Answer.YES, Answer.NO]),
)


@dataclass
class Request:
    """A tiny pure stand-in for the use cases: one request and the answers it has."""

    asked: frozenset[int]
    status: RequestStatus = RequestStatus.SUBMITTED
    answers: dict[int, Answer] = field(default_factory=dict)

    def staff_event(self, event: RequestEvent, actor: Actor, *, anyone_to_ask: bool) -> None:
        if event is RequestEvent.APPROVE and not anyone_to_ask:
            return
        with suppress(IllegalTransition):
            self.status = next_status(self.status, event, actor)

    def answer(self, member_id: int, answer: Answer) -> None:
        try:
            check_can_answer(now=NOW, conference_start=START, status=self.status)
        except ConsentClosed:
            return
        self.answers[member_id] = answer
        outcome = consent_outcome(asked_member_ids=self.asked, answers=self.answers)
        event = event_for_outcome(status=self.status, outcome=outcome)
        if event is not None:
            self.status = next_status(self.status, event, Actor.SYSTEM)


@settings(max_examples=300, deadline=None)
@given(
    family=families(),
    steps=st.lists(st.one_of(approve_steps, staff_steps, answer_steps, answer_steps), max_size=40),
)
def test_an_observation_is_confirmed_only_while_everyone_asked_says_yes(
    family: list[FamilyMemberFacts],
    steps: list[tuple[str, RequestEvent | int, Actor | Answer]],
) -> None:
    decisions = who_is_asked(family)
    try:
        require_someone_to_ask(decisions)
        anyone_to_ask = True
    except NoOneToAsk:
        anyone_to_ask = False
    request = Request(asked=frozenset(d.member_id for d in decisions if d.asked))

    for kind, what, how in steps:
        before = request.status
        if kind == "event":
            assert isinstance(what, RequestEvent) and isinstance(how, Actor)
            request.staff_event(what, how, anyone_to_ask=anyone_to_ask)
        else:
            assert isinstance(what, int) and isinstance(how, Answer)
            request.answer(what, how)

        assert isinstance(request.status, RequestStatus)
        assert request.status in REACHABLE
        if request.status is RequestStatus.CONFIRMED:
            assert request.asked
            assert all(request.answers.get(member) is Answer.YES for member in request.asked)
        if kind == "answer" and before is not request.status:
            # An answer moves the request only by a refusal or by the last yes.
            refused = any(request.answers.get(member) is Answer.NO for member in request.asked)
            assert (request.status is RequestStatus.NOT_GOING_AHEAD) == refused
        if request.status is RequestStatus.SEEKING_CONSENT:
            outcome = consent_outcome(asked_member_ids=request.asked, answers=request.answers)
            assert outcome is ConsentOutcome.WAITING
