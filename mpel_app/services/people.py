"""Finding a person's records by an identifying detail, for subject access and erasure (issue 17).

``find`` turns a name with a date of birth, a Home Office reference or a CTS reference into the records
that carry it (enquiries, including those imported from Access, and CTS letters, restricted ones too:
the officer must see everything), grouped into people by ``domain.data_rights.people``.  ``chosen``
re-reads the records an officer picked and refuses them unless they are one person's: a family shares
a Home Office reference, and one member's export or erasure must never carry another's record.

On the shared PostgreSQL database a person's own login does not see a locked enquiry's subject or a
restricted letter; both first *open* the records for the rest of the transaction through the audited
path of ``db/pg_subject_access`` (the officer's and administrators' alone), so a subject-access request
made from either login is complete.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from ..db import pg_subject_access as opening
from ..db.models import Enquiry, Letter, SubjectNameToken
from ..db.uow import PERSON_LOGIN
from ..domain.data_rights import Found, PersonMatch, people, same_person
from ..domain.errors import ValidationError
from ..domain.text import fold, name_tokens, normalise_reference

BY_NAME, BY_HO_REFERENCE, BY_CTS_REFERENCE = "name and date of birth", "Home Office reference", "CTS reference"
KEYS = (BY_NAME, BY_HO_REFERENCE, BY_CTS_REFERENCE)


def _enquiry(e: Enquiry) -> Found:
    return Found("enquiry", e.id, e.reference, e.subject_name, e.subject_dob, e.ho_reference, e.cts_reference)


def _letter(letter: Letter) -> Found:
    return Found("letter", letter.id, letter.cts_reference, letter.subject_name, None, letter.ho_reference,
                 letter.cts_reference)


def _person_login(s: Session) -> bool:
    return bool(s.info.get(PERSON_LOGIN)) and s.get_bind().dialect.name == "postgresql"


def open_matches(s: Session, by: str, value: str, date_of_birth: date | None = None,
                  tokens: Sequence[str] = (), folded: str = "") -> None:
    """PostgreSQL, a person's login: open what this search finds, locked or restricted, for this transaction."""
    if _person_login(s):
        s.execute(sql("SELECT mpel_open_subject_matches(:by, :value, :dob, CAST(:tokens AS text[]), :folded)"),
                  {"by": by, "value": value, "dob": date_of_birth, "tokens": list(tokens), "folded": folded})


def open_records(s: Session, enquiry_ids: Sequence[int], letter_ids: Sequence[int]) -> None:
    """PostgreSQL, a person's login: open these records, locked or restricted, for this transaction."""
    if _person_login(s):
        s.execute(sql("SELECT mpel_open_for_subject_access(CAST(:e AS integer[]), CAST(:l AS integer[]))"),
                  {"e": list(enquiry_ids), "l": list(letter_ids)})


def find(s: Session, by: str, text: str, date_of_birth: date | None = None) -> list[PersonMatch]:
    text = (text or "").strip()
    if by not in KEYS:
        raise ValidationError(f"Search by one of: {', '.join(KEYS)}")
    if not text:
        raise ValidationError(f"Type the {by}")
    found: list[Found] = []
    if by == BY_NAME:
        if date_of_birth is None:
            raise ValidationError("A name is searched with a date of birth: names are shared")
        tokens = name_tokens(text)
        open_matches(s, opening.BY_NAME, text, date_of_birth, tokens, fold(text))
        ids = select(SubjectNameToken.enquiry_id).where(SubjectNameToken.token.in_(tokens)).group_by(
            SubjectNameToken.enquiry_id).having(func.count() == len(tokens))
        found += [_enquiry(e) for e in s.scalars(select(Enquiry).where(Enquiry.id.in_(ids),
                                                                       Enquiry.subject_dob == date_of_birth))
                  if fold(e.subject_name) == fold(text)]
        found += [_letter(x) for x in s.scalars(select(Letter).where(Letter.subject_name_folded == fold(text)))]
    elif by == BY_HO_REFERENCE:
        ref = normalise_reference(text, field=by)
        open_matches(s, opening.BY_HO, ref)
        found += [_enquiry(e) for e in s.scalars(select(Enquiry).where(Enquiry.ho_reference == ref))]
        found += [_letter(x) for x in s.scalars(select(Letter).where(Letter.ho_reference == ref))]
    else:
        ref = normalise_reference(text, field=by)
        open_matches(s, opening.BY_CTS, ref)
        found += [_enquiry(e) for e in s.scalars(select(Enquiry).where(Enquiry.cts_reference == ref))]
        found += [_letter(x) for x in s.scalars(select(Letter).where(Letter.cts_reference == ref))]
    return people(found)


def chosen(s: Session, enquiry_ids: Sequence[int], letter_ids: Sequence[int]) -> list[Found]:
    """The records picked, re-read; refused unless one person's (ValidationError)."""
    open_records(s, enquiry_ids, letter_ids)
    records = [_enquiry(e) for e in s.scalars(select(Enquiry).where(Enquiry.id.in_(list(enquiry_ids))))]
    records += [_letter(x) for x in s.scalars(select(Letter).where(Letter.id.in_(list(letter_ids))))]
    if len(records) != len(set(enquiry_ids)) + len(set(letter_ids)):
        raise ValidationError("Some of the records chosen no longer exist: search again")
    if not records:
        raise ValidationError("Choose the person's records first")
    if not same_person(records):
        raise ValidationError("The records chosen are more than one person's (different names or dates of "
                              "birth): choose one person's match")
    return records
