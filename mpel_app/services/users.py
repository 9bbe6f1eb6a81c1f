"""Sign-in, the first administrator, and user accounts (personal logins, argon2-hashed passwords)."""
from __future__ import annotations

from sqlalchemy import func, select

from ..db.mappers import user_record
from ..db.models import Region, User
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.clock import Clock
from ..domain.correspondence import GRADES
from ..domain.errors import AuthenticationFailed, NotFound, ValidationError
from ..domain.permissions import Action
from ..domain.records import Role, UserRecord
from ..domain.text import clean_text
from . import audit
from .security import check_password_strength, hash_secret, verify_secret

MAX_FAILED_LOGINS = 5
ENTITY = "user"


class UserService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def needs_first_admin(self) -> bool:
        with self._uow.read() as s:
            return s.scalar(select(func.count(User.id))) == 0

    def create_first_admin(self, username: str, full_name: str, password: str) -> UserRecord:
        """Only on an empty database: the walk-through at first start."""
        with self._uow() as s:
            if s.scalar(select(func.count(User.id))):
                raise ValidationError("an administrator already exists; sign in instead")
            user = self._new_user(s, username, full_name, password, {Role.ADMINISTRATOR}, None, None)
            record = user_record(user)
            audit.record(s, record, self._clock.now(), ENTITY, user.id, "first administrator created",
                         {"username": user.username})
            return record

    def authenticate(self, username: str, password: str) -> UserRecord:
        with self._uow() as s:
            user = s.scalar(select(User).where(User.username == (username or "").strip().lower()))
            # One message for every failure: do not tell a stranger which usernames exist.
            failure = AuthenticationFailed("wrong username or password")
            if user is None or not user.active:
                verify_secret(None, password)
                raise failure
            if user.failed_logins >= MAX_FAILED_LOGINS:
                raise AuthenticationFailed("this account is locked after repeated failed sign-ins; "
                                           "ask an administrator to unlock it")
            if not verify_secret(user.password_hash, password):
                user.failed_logins += 1
                audit.record(s, None, self._clock.now(), ENTITY, user.id, "sign-in failed",
                             {"failed_logins": user.failed_logins})
                s.commit()
                raise failure
            user.failed_logins = 0
            record = user_record(user)
            audit.record(s, record, self._clock.now(), ENTITY, user.id, "signed in")
            return record

    def create_user(self, actor: UserRecord, *, username: str, full_name: str, password: str,
                    roles: set[Role], region_code: str | None = None, grade: str | None = None,
                    demo: bool = False) -> UserRecord:
        perm.require(actor, Action.MANAGE_USERS)
        with self._uow() as s:
            user = self._new_user(s, username, full_name, password, roles, region_code, grade, demo=demo)
            audit.record(s, actor, self._clock.now(), ENTITY, user.id, "user created",
                         {"username": user.username, "roles": user.roles, "region_code": region_code,
                          "grade": grade})
            return user_record(user)

    def change_password(self, actor: UserRecord, old_password: str, new_password: str) -> None:
        check_password_strength(new_password)
        with self._uow() as s:
            user = s.get(User, actor.id)
            if user is None or not verify_secret(user.password_hash, old_password):
                raise AuthenticationFailed("the current password is wrong")
            user.password_hash = hash_secret(new_password)
            audit.record(s, actor, self._clock.now(), ENTITY, user.id, "password changed")

    def unlock(self, actor: UserRecord, user_id: int) -> None:
        perm.require(actor, Action.MANAGE_USERS)
        with self._uow() as s:
            user = s.get(User, user_id)
            if user is None:
                raise NotFound(f"no user {user_id}")
            user.failed_logins = 0
            audit.record(s, actor, self._clock.now(), ENTITY, user.id, "unlocked")

    def list_users(self, actor: UserRecord) -> list[UserRecord]:
        perm.require(actor, Action.MANAGE_USERS)
        with self._uow.read() as s:
            return [user_record(u) for u in s.scalars(select(User).order_by(User.username))]

    def _new_user(self, s, username, full_name, password, roles, region_code, grade, *, demo=False) -> User:
        username = clean_text(username, field="Username", max_length=64).lower()
        if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
            raise ValidationError("a username has letters, digits, '.', '-' or '_' only")
        full_name = clean_text(full_name, field="Full name", max_length=120)
        if not full_name:
            raise ValidationError("give the user's full name")
        if not demo:
            check_password_strength(password)
        if not roles:
            raise ValidationError("give the user at least one role")
        roles = {Role(r) for r in roles}
        if grade is not None and grade not in GRADES:
            raise ValidationError(f"grade must be one of {', '.join(GRADES)}")
        if region_code is not None and s.get(Region, region_code) is None:
            raise ValidationError(f"unknown region {region_code}")
        if roles & {Role.ACCOUNT_MANAGER, Role.SUPPORT_ACCOUNT_MANAGER} and region_code is None:
            raise ValidationError("account managers belong to a region")
        if s.scalar(select(User.id).where(User.username == username)) is not None:
            raise ValidationError(f"the username {username} is taken")
        user = User(username=username, full_name=full_name, password_hash=hash_secret(password, demo=demo),
                    roles=",".join(sorted(r.value for r in roles)), region_code=region_code, grade=grade,
                    active=True, failed_logins=0, phone="", created_at=self._clock.now())
        s.add(user)
        s.flush()
        return user
