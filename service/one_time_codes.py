"""Second-factor secrets: time-based one-time codes (RFC 6238, with pyotp) and recovery codes.

The shared secret is kept encrypted with a key derived from CPC_SECRET_KEY, so a copy of the
database alone cannot produce codes. Recovery codes hold about 50 random bits, short enough to
type from paper, so they are stored like passwords (argon2, salted), never as a plain hash.
"""

import base64
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from service.settings import Settings

ISSUER_NAME = "CPC observers"
RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L: a code read from paper is typed without guessing which character it was.
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_RECOVERY_LENGTH = 10  # 31**10 is about 2**49.5
# The current step, or the one before it: a code typed just as the app moved on (RFC 6238
# section 5.2 allows one step back for the delay); never a code from the future.
_STEPS_BACK = 1


def _cipher(key: str) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"cpc-observers/totp-secret"
    ).derive(key.encode())
    return AESGCM(derived)


def new_secret() -> str:
    """A fresh 160-bit base32 secret for an authenticator app."""
    return pyotp.random_base32(length=32)


def seal_secret(settings: Settings, secret: str) -> str:
    """The secret encrypted for the database."""
    nonce = secrets.token_bytes(12)
    sealed = _cipher(settings.secret_key).encrypt(nonce, secret.encode(), None)
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def open_secret(settings: Settings, stored: str) -> str | None:
    """The secret from the database, with the current key or an earlier one; None if neither."""
    try:
        raw = base64.urlsafe_b64decode(stored.encode())
    except ValueError:
        return None
    for key in (settings.secret_key, *settings.previous_secret_keys):
        try:
            return _cipher(key).decrypt(raw[:12], raw[12:], None).decode()
        except (InvalidTag, ValueError):
            continue
    return None


def matching_step(secret: str, code: str, *, now: datetime) -> int | None:
    """The time step `code` belongs to, when it is right for now or for the step before."""
    typed = "".join(code.split())
    if not (typed.isascii() and typed.isdigit()) or len(typed) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - _STEPS_BACK):
        if hmac.compare_digest(totp.generate_otp(step), typed):
            return step
    return None


def set_up_address(secret: str, *, account_name: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=ISSUER_NAME)


def qr_code_svg(address: str) -> str:
    """The address as a QR code, drawn here as inline SVG: no third party sees the secret."""
    qr = segno.make(address, error="m")
    svg: str = qr.svg_inline(scale=5, dark="#0b0c0c", light="#ffffff", title="QR code")
    return svg


def new_recovery_codes() -> list[str]:
    """Ten fresh recovery codes, as shown to the person: `ABCDE-FGHJK`."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalised_recovery_code(code: str) -> str | None:
    """The code as stored (capitals, no dash or spaces), or None when it cannot be one."""
    normalised = "".join(ch for ch in code.upper() if not ch.isspace() and ch != "-")
    if len(normalised) != _RECOVERY_LENGTH or not set(normalised) <= set(_RECOVERY_ALPHABET):
        return None
    return normalised
