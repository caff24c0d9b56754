"""Signed, timed values with a salt per purpose and key rotation."""

from itsdangerous import URLSafeTimedSerializer

from service.settings import Settings


def serializer_for(settings: Settings, *, salt: str) -> URLSafeTimedSerializer:
    """A serializer that signs with the current key and still accepts the previous ones."""
    # itsdangerous signs with the last key in the list and verifies against all of them.
    keys = [*settings.previous_secret_keys, settings.secret_key]
    return URLSafeTimedSerializer(keys, salt=salt)
