"""Staff roles and the rules for staff accounts."""

import re
from dataclasses import dataclass
from enum import StrEnum

from service.domain.errors import InvalidInput


class AccountKind(StrEnum):
    """Whose account it is: a person's, or a case-management system's, acting by a named token."""

    PERSON = "person"
    INTEGRATION = "integration"


class StaffRole(StrEnum):
    """What a member of staff may do."""

    TRAINEE = "trainee"
    QA = "qa"
    ADMIN = "admin"


@dataclass(frozen=True)
class StaffMember:
    """A signed-in member of staff as the service acts for them: id and role always known."""

    id: int
    role: StaffRole
    name: str
    email: str


def may_see_request(*, role: StaffRole, viewer_id: int, trainee_id: int) -> bool:
    """A trainee sees (and acts on) only the requests they made; QA and administrators, all."""
    return role is not StaffRole.TRAINEE or viewer_id == trainee_id


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12


def parse_role(value: str) -> StaffRole:
    """The role named by `value`, or InvalidInput listing the roles there are."""
    try:
        return StaffRole(value.strip().lower())
    except ValueError:
        choices = ", ".join(role.value for role in StaffRole)
        raise InvalidInput(
            f"'{value}' is not a role. Choose one of: {choices}.", field="role"
        ) from None


def normalise_email(value: str, *, field: str = "email") -> str:
    """The address in lower case, or InvalidInput (about `field`) when it is not one."""
    email = value.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise InvalidInput(f"'{value}' is not an email address.", field=field)
    return email


def check_password(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.",
            field="password",
        )


def email_domain_allowed(email: str, allowed_domains: list[str]) -> bool:
    """True when the address is at one of the domains trainees may register from."""
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == allowed.lower().lstrip("@") for allowed in allowed_domains)
