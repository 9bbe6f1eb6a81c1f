"""Sign-in, the first administrator, and user accounts (personal logins, argon2-hashed passwords).

An account locks after ``MAX_FAILED_SIGN_INS`` wrong passwords in a row; an
administrator unlocks it, or resets its password (which unlocks it too: the
person locked out is usually the one who forgot it).  Everyone changes their
own password by giving the current one.

A user's e-mail address is where the desk writes to them, e.g. a line manager
told of an MP's letter about a member of their staff [CORR 2.5].  It is
optional (empty for none) and an administrator records or changes it.
"""
from __future__ import annotations

import re

from sqlalchemy import func, select, text, update

from ..db import repositories as repo
from ..db.mappers import user_record
from ..db.models import Region, User
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.clock import Clock
from ..domain.correspondence import GRADES
from ..domain.errors import AuthenticationFailed, NotFound, ValidationError
from ..domain.permissions import Action
from ..domain.records import MAX_FAILED_SIGN_INS, Role, UserRecord
from ..domain.text import check_printable, clean_email, clean_name, clean_text
from ..domain.values import as_choice, as_flag, is_row_id
from . import audit
from .db_logins import DbLogins
from .enquiry_base import region_code_of
from .security import check_password_strength, dummy_hash, hash_secret, verify_secret

MAX_FAILED_LOGINS = MAX_FAILED_SIGN_INS
ENTITY = "user"
EMAIL_FIELD = "E-mail"
# ASCII only: a username that looks like another ("аdmin" with a Cyrillic а) is not one.
_USERNAME = re.compile(r"[a-z0-9._-]+")


class UserService:
    def __init__(self, uow: UnitOfWork, clock: Clock, db_logins: DbLogins | None = None):
        self._uow = uow
        self._clock = clock
        # Per-person PostgreSQL logins: each account change is made to the person's login too.
        self._logins = db_logins or DbLogins(enabled=False)

    def needs_first_admin(self) -> bool:
        with self._uow.read() as s:
            return s.scalar(select(func.count(User.id))) == 0

    def create_first_admin(self, username: str, full_name: str, password: str) -> UserRecord:
        """Only on an empty database: the walk-through at first start."""
        with self._uow() as s:
            # Two first-run walkthroughs at once: the second waits here, then finds the first's administrator.
            repo.lock_key(s, "users: the first administrator")
            if s.scalar(select(func.count(User.id))):
                raise ValidationError("an administrator already exists; sign in instead")
            user = self._new_user(s, username, full_name, password, {Role.ADMINISTRATOR}, None, None)
            self._logins.provision(s, user.username, password, {Role.ADMINISTRATOR})
            record = user_record(user)
            audit.record(s, record, self._clock.now(), ENTITY, user.id, "first administrator created",
                         {"username": user.username})
            return record

    def authenticate(self, username: str, password: str) -> UserRecord:
        """The user whose password this is; every failure counted, whatever number of desks try at once.

        The count is kept by the database (``failed_logins = failed_logins + 1 ... RETURNING``), not read,
        incremented and written back: six processes trying three passwords each would otherwise lose
        each other's updates and never reach the lockout.  A right password resets the count only if the
        account is still unlocked at that moment.  Every failure costs one argon2 verification, an unknown
        username included (against a dummy hash), so the time taken does not tell which usernames exist.
        """
        name = _sign_in_name(username)
        # One message for every failure: do not tell a stranger which usernames exist.
        failure = AuthenticationFailed("wrong username or password")
        locked = AuthenticationFailed("this account is locked after repeated failed sign-ins; "
                                      "ask an administrator to unlock it")
        with self._uow.read() as s:
            found = s.execute(select(User.id, User.active, User.failed_logins)
                              .where(User.username == name)).first()
            stored_hash = self._password_hash(s, name) if found is not None else None
        if found is None or not found.active or stored_hash is None:
            verify_secret(dummy_hash(), password)
            raise failure
        if found.failed_logins >= MAX_FAILED_LOGINS:
            verify_secret(dummy_hash(), password)
            raise locked
        # argon2 outside any transaction: it takes a moment, and holds no lock meanwhile.
        right = verify_secret(stored_hash, password)
        with self._uow() as s:
            if not right:
                failed = s.execute(update(User).where(User.id == found.id)
                                   .values(failed_logins=User.failed_logins + 1)
                                   .returning(User.failed_logins)).scalar_one()
                audit.record(s, None, self._clock.now(), ENTITY, found.id, "sign-in failed",
                             {"failed_logins": failed, "locked": failed >= MAX_FAILED_SIGN_INS})
            else:
                reset = s.execute(update(User).where(User.id == found.id, User.active.is_(True),
                                                     User.failed_logins < MAX_FAILED_LOGINS)
                                  .values(failed_logins=0).returning(User.id)).scalar_one_or_none()
                if reset is not None:
                    user = s.get(User, found.id)
                    record = user_record(user)
                    audit.record(s, record, self._clock.now(), ENTITY, user.id, "signed in")
                    return record
                # Locked (or deactivated) by other attempts while this password was being checked.
                audit.record(s, None, self._clock.now(), ENTITY, found.id, "sign-in refused: account locked", {})
        raise failure if right is False else locked

    def _password_hash(self, s, username: str) -> str | None:
        """The account's password hash; on a person's own PostgreSQL login, only that login's own (no login
        may read anyone else's: db/pg_secrets.py), so signing in as another account here fails."""
        if not self._uow.person_login:
            return s.scalar(select(User.password_hash).where(User.username == username))
        if s.scalar(text("SELECT session_user")) != username:
            return None
        return s.scalar(select(func.mpel_own_password_hash()))

    def create_user(self, actor: UserRecord, *, username: str, full_name: str, password: str,
                    roles: set[Role], region_code: str | None = None, grade: str | None = None,
                    email: str = "", demo: bool = False) -> UserRecord:
        perm.require(actor, Action.MANAGE_USERS)
        email = clean_email(email, field=EMAIL_FIELD)
        with self._uow() as s:
            user = self._new_user(s, username, full_name, password, roles, region_code, grade, demo=demo)
            user.email = email
            self._logins.provision(s, user.username, password, _roles(roles))
            audit.record(s, actor, self._clock.now(), ENTITY, user.id, "user created",
                         {"username": user.username, "roles": user.roles, "region_code": region_code,
                          "grade": grade, "email": email or None})
            return user_record(user)

    def set_email(self, actor: UserRecord, user_id: int, email: str) -> UserRecord:
        """An administrator records (or changes, or with "" removes) someone's e-mail address."""
        perm.require(actor, Action.MANAGE_USERS)
        email = clean_email(email, field=EMAIL_FIELD)
        with self._uow() as s:
            user = _user(s, user_id)
            before = user.email
            if before != email:
                user.email = email
                audit.record(s, actor, self._clock.now(), ENTITY, user.id, "e-mail address changed",
                             {"username": user.username, "email": [before or None, email or None]})
            return user_record(user)

    def change_password(self, actor: UserRecord, old_password: str, new_password: str) -> None:
        check_password_strength(new_password)
        with self._uow() as s:
            user = s.get(User, actor.id)
            stored_hash = self._password_hash(s, user.username) if user is not None else None
            if stored_hash is None or not verify_secret(stored_hash, old_password):
                raise AuthenticationFailed("the current password is wrong")
            if verify_secret(stored_hash, new_password):
                raise ValidationError("choose a new password: this is the one you have now")
            user.password_hash = hash_secret(new_password)
            user.must_change_password = False
            self._logins.change_own_password(s, new_password)
            audit.record(s, actor, self._clock.now(), ENTITY, user.id, "password changed")

    def unlock(self, actor: UserRecord, user_id: int) -> None:
        perm.require(actor, Action.MANAGE_USERS)
        with self._uow() as s:
            user = _user(s, user_id)
            user.failed_logins = 0
            audit.record(s, actor, self._clock.now(), ENTITY, user.id, "unlocked")

    def reset_password(self, actor: UserRecord, user_id: int, new_password: str) -> UserRecord:
        """An administrator sets someone else's password (they forgot it) and unlocks the account.

        Not one's own: that is ``change_password``, which asks for the current
        one, so a desk left signed in cannot be used to take over its account.
        """
        perm.require(actor, Action.MANAGE_USERS)
        if user_id == actor.id:
            raise ValidationError("use Change my password for your own account: it asks for your current password")
        check_password_strength(new_password)
        password_hash = hash_secret(new_password)  # argon2 takes a moment: not inside the transaction
        with self._uow() as s:
            user = _user(s, user_id)
            was_locked = user.failed_logins >= MAX_FAILED_SIGN_INS
            user.password_hash = password_hash
            user.failed_logins = 0
            user.must_change_password = True  # the administrator knows it: the person must choose their own
            self._logins.set_password(s, user.username, new_password)
            # Never the password itself, nor its hash: only that it changed, and by whom.
            audit.record(s, actor, self._clock.now(), ENTITY, user.id, "password reset",
                         {"username": user.username, "unlocked": was_locked})
            return user_record(user)

    def set_roles(self, actor: UserRecord, user_id: int, roles: set[Role]) -> UserRecord:
        """An administrator changes someone's roles; with per-person logins, their login's groups too."""
        current = self._current(actor, user_id)
        return self.set_access(actor, user_id, roles=roles, region_code=current.region_code, active=current.active)

    def set_active(self, actor: UserRecord, user_id: int, active: bool) -> UserRecord:
        """An administrator deactivates (or reactivates) an account; with per-person logins, its login too."""
        current = self._current(actor, user_id)
        return self.set_access(actor, user_id, roles=set(current.roles), region_code=current.region_code,
                               active=active)

    def _current(self, actor: UserRecord, user_id: int) -> UserRecord:
        perm.require(actor, Action.MANAGE_USERS)
        with self._uow.read() as s:
            return user_record(_user(s, user_id))

    def set_access(self, actor: UserRecord, user_id: int, *, roles: set[Role], region_code: str | None,
                   active: bool) -> UserRecord:
        """Administration's one save of what a person may do: roles, region and whether they may sign in, in one
        transaction with their database login (per-person deployments); each change audited, history kept."""
        perm.require(actor, Action.MANAGE_USERS)
        roles = _roles(roles)
        active = as_flag(active, field="Active")
        if region_code is not None:
            region_code = region_code_of(region_code)
        if user_id == actor.id and (not active or Role.ADMINISTRATOR not in roles):
            raise ValidationError("you cannot deactivate your own account or take away your own administration")
        with self._uow() as s:
            user = _user(s, user_id)
            if region_code is not None and s.get(Region, region_code) is None:
                raise ValidationError(f"unknown region {region_code}")
            if roles & {Role.ACCOUNT_MANAGER, Role.SUPPORT_ACCOUNT_MANAGER} and region_code is None:
                raise ValidationError("account managers belong to a region")
            now = self._clock.now()
            if user.region_code != region_code:
                audit.record(s, actor, now, ENTITY, user.id, "region changed",
                             {"username": user.username, "region_code": [user.region_code, region_code]})
                user.region_code = region_code
            before, after = user.roles, ",".join(sorted(r.value for r in roles))
            if before != after:
                user.roles = after
                self._logins.set_roles(s, user.username, roles)
                audit.record(s, actor, now, ENTITY, user.id, "roles changed",
                             {"username": user.username, "roles": [before, after]})
            if user.active != active:
                user.active = active
                (self._logins.enable if active else self._logins.disable)(s, user.username)
                audit.record(s, actor, now, ENTITY, user.id, "reactivated" if active else "deactivated",
                             {"username": user.username})
            return user_record(user)

    def list_users(self, actor: UserRecord) -> list[UserRecord]:
        perm.require(actor, Action.MANAGE_USERS)
        with self._uow.read() as s:
            return [user_record(u) for u in s.scalars(select(User).order_by(User.username))]

    def _new_user(self, s, username, full_name, password, roles, region_code, grade, *, demo=False) -> User:
        username = clean_text(username, field="Username", max_length=64).lower()
        if not _USERNAME.fullmatch(username):
            raise ValidationError("a username has letters, digits, '.', '-' or '_' only")
        full_name = clean_name(full_name, field="Full name", max_length=120)
        if not full_name:
            raise ValidationError("give the user's full name")
        if not demo:
            check_password_strength(password)
        roles = _roles(roles)
        if grade is not None and grade not in GRADES:
            raise ValidationError(f"grade must be one of {', '.join(GRADES)}")
        if region_code is not None:
            region_code = region_code_of(region_code)
        if region_code is not None and s.get(Region, region_code) is None:
            raise ValidationError(f"unknown region {region_code}")
        if roles & {Role.ACCOUNT_MANAGER, Role.SUPPORT_ACCOUNT_MANAGER} and region_code is None:
            raise ValidationError("account managers belong to a region")
        repo.lock_key(s, f"users: {username}")  # two desks creating the same username take turns
        if s.scalar(select(User.id).where(User.username == username)) is not None:
            raise ValidationError(f"the username {username} is taken")
        user = User(username=username, full_name=full_name, password_hash=hash_secret(password, demo=demo),
                    roles=",".join(sorted(r.value for r in roles)), region_code=region_code, grade=grade,
                    active=True, failed_logins=0, phone="", created_at=self._clock.now())
        s.add(user)
        s.flush()
        return user


def _user(s, user_id: int) -> User:
    user = s.get(User, user_id) if is_row_id(user_id) else None
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def _sign_in_name(username: object) -> str:
    """The username as stored, or "" (which matches nobody) for anything that cannot be one."""
    if not isinstance(username, str):
        return ""
    name = username.strip().lower()
    try:
        check_printable(name, field="Username")
    except ValidationError:
        return ""  # e.g. a NUL, which PostgreSQL would refuse to compare
    return name if len(name) <= 64 else ""


def _roles(roles: object) -> set[Role]:
    """A set of roles: given as a set, list or tuple of roles (or their names); at least one."""
    if isinstance(roles, (str, bytes)) or not isinstance(roles, (set, frozenset, list, tuple)):
        raise ValidationError("roles must be a set of roles, e.g. {Role.CALL_AGENT}")
    if not roles:
        raise ValidationError("give the user at least one role")
    return {as_choice(r, Role, field="role") for r in roles}
