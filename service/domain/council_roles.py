"""Which role a council account has here, from the roles its OpenID provider says it holds."""

from collections.abc import Mapping

from service.domain.staff import StaffRole

# When a person holds more than one of the service's roles at the provider, the one with the
# most to do here wins: an administrator listed as a QA officer too still administers.
_PRECEDENCE = (StaffRole.ADMIN, StaffRole.QA, StaffRole.TRAINEE)


def role_from_claim(claim: object, names: Mapping[StaffRole, str]) -> StaffRole | None:
    """The service role the claim grants, or None when it names none of them.

    Providers send the claim as a list of strings (Entra ID app roles, Google groups mapped
    to a custom claim) or, for a single role, as one string; anything else grants nothing.
    """
    if isinstance(claim, str):
        held = {claim}
    elif isinstance(claim, list | tuple):
        held = {value for value in claim if isinstance(value, str)}
    else:
        return None
    for role in _PRECEDENCE:
        if names[role] in held:
            return role
    return None
