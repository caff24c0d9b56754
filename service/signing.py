"""Signed, timed values with a salt per purpose and key rotation; keyed digests for counting."""

import hashlib
import hmac

from itsdangerous import URLSafeTimedSerializer

from service.settings import Settings


def serializer_for(settings: Settings, *, salt: str) -> URLSafeTimedSerializer:
    """A serializer that signs with the current key and still accepts the previous ones."""
    # itsdangerous signs with the last key in the list and verifies against all of them.
    keys = [*settings.previous_secret_keys, settings.secret_key]
    return URLSafeTimedSerializer(keys, salt=salt)


def keyed_digest(key: str, value: str) -> str:
    """An HMAC-SHA-256 of `value`: enough to count or match by, nothing to read it back from."""
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()
