"""Hashing of passwords and passcodes with argon2 (never stored as plain text)."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults (RFC 9106 low-memory profile) for everything real.
_HASHER = PasswordHasher()
# Demo data hashes hundreds of passcodes at first start; a lighter cost keeps
# that to a second. The cost is stored inside each hash, so verification of
# either kind works with the one verifier.
_DEMO_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_secret(secret: str, *, demo: bool = False) -> str:
    return (_DEMO_HASHER if demo else _HASHER).hash(secret)


_DUMMY: list[str] = []


def dummy_hash() -> str:
    """A hash of a random secret at the real cost, made once: checking a password against it takes as
    long as against a real user's, so an unknown username answers no faster than a real one."""
    if not _DUMMY:
        _DUMMY.append(_HASHER.hash(secrets.token_urlsafe(24)))
    return _DUMMY[0]


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    if not stored_hash or not secret or not isinstance(secret, str):
        return False
    try:
        return _HASHER.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


MIN_PASSWORD_LENGTH = 10
# Long passphrases are welcome; a megabyte pasted by mistake is not.
MAX_PASSWORD_LENGTH = 1024
MIN_PASSCODE_LENGTH = 4


def check_password_strength(password: str) -> None:
    from ..domain.errors import ValidationError
    from ..domain.text import check_printable

    if not isinstance(password, str):
        raise ValidationError("a password must be text")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"a password may have at most {MAX_PASSWORD_LENGTH} characters")
    check_printable(password, field="The password")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password:
        raise ValidationError("a password may not start or end with spaces")
