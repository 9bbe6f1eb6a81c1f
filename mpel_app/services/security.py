"""Hashing of passwords and passcodes with argon2 (never stored as plain text)."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults (RFC 9106 low-memory profile) for everything real.
_HASHER = PasswordHasher()
# Demo data hashes hundreds of passcodes at first start; a lighter cost keeps
# that to a second. The cost is stored inside each hash, so verification of
# either kind works with the one verifier.
_DEMO_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# An office's passcode is checked on every call while the office waits on the line, and on a
# person's PostgreSQL login the database checks it with bcrypt at ~20 ms (db/pg_secrets.BCRYPT_COST).
# What stops guessing a passcode is the lock after repeated wrong ones (domain/office_passcode), not
# the hash's cost, so passcodes take OWASP's argon2id profile (19 MiB, 2 passes, 1 lane: ~20 ms on
# one core) rather than the passwords' (64 MiB, 3 passes, 4 lanes: ~130 ms of two cores here, and
# checked once a shift).
_PASSCODE_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_secret(secret: str, *, demo: bool = False) -> str:
    return (_DEMO_HASHER if demo else _HASHER).hash(secret)


def hash_passcode(passcode: str, *, demo: bool = False) -> str:
    """An office passcode's hash at the passcodes' cost (demo data: the demo cost)."""
    return (_DEMO_HASHER if demo else _PASSCODE_HASHER).hash(passcode)


def passcode_hash_too_costly(stored_hash: str | None) -> bool:
    """Whether a passcode hash was made at more than the passcodes' cost (before they had their own
    profile): checking it keeps every call waiting, so it is re-made once the passcode is known right."""
    try:
        return stored_hash is not None and extract_parameters(stored_hash).memory_cost > _PASSCODE_HASHER.memory_cost
    except InvalidHashError:
        return False


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
