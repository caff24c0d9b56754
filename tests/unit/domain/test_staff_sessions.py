"""When a staff session may be used, and how far a password gets a person."""

from datetime import UTC, datetime, timedelta

import pytest

from service.domain.council_roles import role_from_claim
from service.domain.staff import StaffRole
from service.domain.staff_sessions import (
    SessionKind,
    SessionTimes,
    Stage,
    idle_ends_at,
    is_usable,
    lifetime,
    should_touch,
    stage_after_password,
)

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night the clocks go forward
IDLE = timedelta(minutes=30)


def _times(kind: SessionKind = SessionKind.BROWSER, **overrides: object) -> SessionTimes:
    values: dict[str, object] = {
        "kind": kind,
        "last_seen_at": NOW,
        "expires_at": NOW + timedelta(hours=8),
        "ended_at": None,
        **overrides,
    }
    return SessionTimes(**values)  # type: ignore[arg-type]


def test_a_browser_session_ends_after_thirty_idle_minutes_across_a_clock_change() -> None:
    # Times are UTC: 01:00 London jumps to 02:00, and the idle limit is still 30 real minutes.
    times = _times()
    assert is_usable(times, now=NOW + timedelta(minutes=29, seconds=59), idle=IDLE)
    assert not is_usable(times, now=NOW + IDLE, idle=IDLE)


def test_tokens_do_not_idle_but_every_session_has_a_hard_end() -> None:
    for kind in (SessionKind.API, SessionKind.INTEGRATION):
        assert is_usable(_times(kind), now=NOW + timedelta(hours=7), idle=IDLE)
        assert not is_usable(_times(kind), now=NOW + timedelta(hours=8), idle=IDLE)
    assert not is_usable(_times(ended_at=NOW), now=NOW, idle=IDLE)


def test_the_idle_end_is_never_after_the_hard_end() -> None:
    assert idle_ends_at(_times(), idle=IDLE) == NOW + IDLE
    late = _times(last_seen_at=NOW + timedelta(hours=7, minutes=50))
    assert idle_ends_at(late, idle=IDLE) == NOW + timedelta(hours=8)


def test_use_is_recorded_at_most_once_a_minute() -> None:
    assert not should_touch(_times(), now=NOW + timedelta(seconds=59))
    assert should_touch(_times(), now=NOW + timedelta(seconds=60))


def test_lifetimes() -> None:
    eight_hours = timedelta(hours=8)
    assert lifetime(SessionKind.BROWSER, Stage.SIGNED_IN, max_age=eight_hours) == eight_hours
    assert lifetime(SessionKind.API, Stage.SIGNED_IN, max_age=timedelta(hours=24)) == timedelta(
        hours=12
    )
    assert lifetime(SessionKind.BROWSER, Stage.SECOND_FACTOR, max_age=eight_hours) == timedelta(
        minutes=10
    )


@pytest.mark.parametrize(
    ("role", "has_factor", "required", "stage"),
    [
        ("qa", False, True, Stage.SET_UP_SECOND_FACTOR),
        ("admin", False, True, Stage.SET_UP_SECOND_FACTOR),
        ("trainee", False, True, Stage.SIGNED_IN),
        ("qa", False, False, Stage.SIGNED_IN),
        ("trainee", True, False, Stage.SECOND_FACTOR),
        ("qa", True, True, Stage.SECOND_FACTOR),
    ],
)
def test_where_a_right_password_leads(
    role: str, has_factor: bool, required: bool, stage: Stage
) -> None:
    assert (
        stage_after_password(role=role, has_second_factor=has_factor, mfa_required=required)
        is stage
    )


NAMES = {StaffRole.TRAINEE: "CPC.Trainee", StaffRole.QA: "CPC.QA", StaffRole.ADMIN: "CPC.Admin"}


@pytest.mark.parametrize(
    ("claim", "role"),
    [
        (["CPC.Trainee"], StaffRole.TRAINEE),
        ("CPC.QA", StaffRole.QA),
        (["CPC.QA", "CPC.Admin", "Other"], StaffRole.ADMIN),
        (["cpc.qa"], None),  # names are matched exactly, as the provider sends them
        ([], None),
        (None, None),
        ({"CPC.QA": True}, None),
        ([["CPC.QA"]], None),
    ],
)
def test_the_role_claim(claim: object, role: StaffRole | None) -> None:
    assert role_from_claim(claim, NAMES) is role
