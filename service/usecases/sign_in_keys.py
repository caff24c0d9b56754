"""The keys failed sign-ins are counted under: keyed hashes, never an email or an address."""

from service.domain.errors import InvalidInput
from service.domain.staff import normalise_email
from service.settings import Settings
from service.signing import keyed_digest


def account_key(settings: Settings, email: str) -> str:
    """The key failures of one account are counted under, whether the account exists or not."""
    try:
        address = normalise_email(email)
    except InvalidInput:
        address = email.strip().lower()
    return keyed_digest(settings.secret_key, f"account:{address}")


def address_key(settings: Settings, address: str) -> str:
    """The key failures from one network address are counted under."""
    return keyed_digest(settings.secret_key, f"address:{address}")
