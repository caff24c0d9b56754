"""Password hashing with argon2, off the event loop and one at a time per process."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong address takes as long as a wrong
# password and sign-in does not reveal which staff emails exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when the password matches; takes the same time when there is no account."""
    # An account that cannot use a password ("!": single sign-on, integrations) takes the same
    # time as any other, so timing does not tell which accounts those are.
    real = password_hash if password_hash and password_hash.startswith("$argon2") else None
    try:
        return _hasher.verify(real or _DUMMY_HASH, password) and real is not None
    except (VerificationError, InvalidHashError):
        return False


# One thread per process for argon2: each check takes a large fraction of a second of CPU on
# purpose, and a burst of sign-ins must queue behind each other rather than take every core
# from the pages families are reading.
_ARGON2_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="argon2")


async def hash_password_off_loop(password: str) -> str:
    """`hash_password`, in the process's one password thread."""
    return await asyncio.get_running_loop().run_in_executor(_ARGON2_THREAD, hash_password, password)


async def verify_password_off_loop(password: str, password_hash: str | None) -> bool:
    """`verify_password`, in the process's one password thread."""
    return await asyncio.get_running_loop().run_in_executor(
        _ARGON2_THREAD, verify_password, password, password_hash
    )
