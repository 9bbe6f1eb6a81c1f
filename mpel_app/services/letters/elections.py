"""A general election [CORR 5.4]: the dissolution date, and outstanding Ministerial letters made Official."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import repositories as repo
from ...db.models import Letter, Setting
from ...domain import permissions as perm
from ...domain.correspondence import ACTIONS, LetterFacts, LetterKind, SignatoryFacts, select_signatory
from ...domain.errors import InvalidTransition, NotFound
from ...domain.letter_records import LetterRecord
from ...domain.permissions import Action
from ...domain.records import UserRecord
from ...domain.values import as_date
from .. import audit
from .base import DISSOLUTION_KEY, Case, LetterUseCases
from .lifecycle_common import A, require_role


class LetterElections(LetterUseCases):
    """The dissolution of Parliament, and what it does to Ministerial letters."""

    def convert_to_official(self, actor: UserRecord, letter_id: int, *,
                            expected_version: int | None = None) -> LetterRecord:
        """General election: an outstanding Ministerial letter becomes an Official reply [CORR 5.4].

        The CTS reference keeps its M: it is what the Member's office quotes.
        """
        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.CONVERT_TO_OFFICIAL)
            official = select_signatory(SignatoryFacts(kind=LetterKind.OFFICIAL))
            c.letter.kind = LetterKind.OFFICIAL.value
            c.letter.signatory_kind, c.letter.signatory_who, c.letter.signatory_reason = (
                official.kind.value, official.who, official.reason)
            self._move(s, actor, c, A.CONVERT_TO_OFFICIAL, target,
                       {"kind": [LetterKind.MINISTERIAL.value, LetterKind.OFFICIAL.value]})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def convert_outstanding_to_official(self, actor: UserRecord) -> list[str]:
        """General election: every outstanding Ministerial letter the actor can see becomes Official [CORR 5.4].

        Each goes through the same check as ``convert_to_official``; letters
        already signed (or gone) stay as they are.  Returns the references converted.
        """
        facts = LetterFacts(kind=LetterKind.MINISTERIAL)
        require_role(actor, A.CONVERT_TO_OFFICIAL, facts)
        with self._uow.read() as s:
            ids = list(s.scalars(select(Letter.id).where(
                Letter.kind == LetterKind.MINISTERIAL.value,
                Letter.state.in_([st.value for st in ACTIONS[A.CONVERT_TO_OFFICIAL].sources if st is not None]))
                .order_by(Letter.id)))
        converted = []
        for letter_id in ids:
            try:
                converted.append(self.convert_to_official(actor, letter_id).reference)
            except NotFound:
                continue  # a restricted letter this allocator is not a handler of: its handlers convert it
            except InvalidTransition:
                continue  # signed (or gone) since the list was read
        return converted

    def set_dissolution_date(self, actor: UserRecord, day: date | None) -> date | None:
        """Record (or clear, once the new Parliament meets) the dissolution of Parliament [CORR 5.4].

        From that day no one is addressed as an MP and outstanding Ministerial
        letters may be converted to Official replies.
        """
        perm.require(actor, Action.SET_DISSOLUTION)
        day = as_date(day, field="Dissolution date")
        with self._uow() as s:
            repo.lock_key(s, f"settings: {DISSOLUTION_KEY}")  # two desks recording it first at once take turns
            row = s.get(Setting, DISSOLUTION_KEY)
            before = row.value if row is not None else ""
            value = day.isoformat() if day else ""
            if row is None:
                row = Setting(key=DISSOLUTION_KEY, value=value, updated_at=self._now(), updated_by_id=actor.id)
                s.add(row)
            else:
                row.value, row.updated_at, row.updated_by_id = value, self._now(), actor.id
            if before != value:
                audit.record(s, actor, self._now(), "setting", None, "dissolution of Parliament recorded",
                             {DISSOLUTION_KEY: [before or None, value or None]})
        return day

    def dissolution_date(self) -> date | None:
        with self._uow.read() as s:
            return self._dissolution(s)
