"""A person in the records, for the data-rights tests (issue 17): Ali Rezaei, across a completed enquiry
(sent to London with its call note), a dispatched CTS letter with its scan, and the audit trail (a
search by his name); his sister Sara shares the family's Home Office reference on her own enquiry.

``scan`` reads every text and binary column of every table the database has (introspected, so the
PostgreSQL trigger-kept name tables are read too) and says where any of the given values is found.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import column, inspect, select, table
from sqlalchemy.engine import Engine

from mpel_app.domain.records import CallerKind, Channel, Disclosure, SearchKey, SubjectDetails, UserRecord
from mpel_app.domain.records import Role
from tests.support.letters_world import DRAFT, NOTE, LettersWorld
from tests.support.world import PASSCODE, PASSWORD

NAME, DOB, HO_REF = "Ali Rezaei", date(1980, 1, 2), "R7654321"
SISTER, SISTER_DOB = "Sara Rezaei", date(2004, 5, 6)
QUESTION = "Has the claim lodged after the garden-shed fire in Croydon been decided?"
RESPONSE = "Told the office the decision on the Croydon shed-fire claim is expected shortly."
CONSTITUENT = "Leila Rezaei"
ISSUE = "his claim after the shed fire"
SCAN_MARK = b"% scanned letter"


@dataclass
class Person:
    enquiry_id: int
    enquiry_ref: str
    letter_id: int
    letter_ref: str
    sister_enquiry_id: int
    dpo: UserRecord


def log_enquiry(lw: LettersWorld, name: str, dob: date, question: str, *, complete: str | None = None) -> int:
    world, e = lw.base, lw.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.CASEWORKER,
                 caller_name="Sam Caseworker")
    e.verify_passcode(world.agent, rec.id, PASSCODE)
    e.record_disclosure(world.agent, rec.id, Disclosure(constituency_mp=True, identity_confirmed=True))
    e.update_details(world.agent, rec.id, subject=SubjectDetails(name=name, date_of_birth=dob, nationality="Iranian",
                                                                  ho_reference=HO_REF),
                     question=question, answer="", written_confirmation=False)
    e.mark_further_action(world.agent, rec.id)
    e.send_to_region(world.leader, rec.id)
    if complete:
        e.acknowledge(world.am_lse, rec.id)
        e.complete_with_response(world.am_lse, rec.id, complete)
    return rec.id


def build_person(lw: LettersWorld) -> Person:
    services = lw.services
    dpo = services.users.create_user(lw.admin, username="dpo", full_name="Dana Protection", password=PASSWORD,
                                     roles={Role.DATA_PROTECTION_OFFICER}, demo=True)
    enquiry_id = log_enquiry(lw, NAME, DOB, QUESTION, complete=RESPONSE)
    sister_id = log_enquiry(lw, SISTER, SISTER_DOB, "Is the sister's visa application still pending?")
    letters = services.letters
    rec = lw.drafting(subject_name=NAME, ho_reference=HO_REF, constituent_name=CONSTITUENT, issue=ISSUE)
    letters.save_background_note(lw.co, rec.id, **NOTE)
    rec = letters.submit_to_qa(lw.co, rec.id, draft=DRAFT + " Mr Rezaei's shed fire was noted.").letter
    rec = letters.qa_pass(lw.scw, rec.id)
    rec = letters.dispatch(lw.tl, letters.sign(lw.tl, rec.id).id, reply_channel="letter")
    # Someone looked him up by name: the search, and the text typed, are in the trail.
    services.enquiries.find(lw.base.agent, SearchKey.SUBJECT_NAME, NAME)
    enquiry = services.enquiries.get(lw.base.agent, enquiry_id)
    return Person(enquiry_id, enquiry.reference, rec.id, rec.reference, sister_id, dpo)


def erased_values() -> list[str]:
    return [NAME, HO_REF.lower(), DOB.isoformat(), "garden-shed fire", "Croydon shed-fire", CONSTITUENT,
            "shed fire", "Mr Rezaei's"]


def scan(engine: Engine, values: list[str], *, skip=lambda table, row: False,
         dates: tuple[date, ...] = (), blobs: tuple[bytes, ...] = ()) -> list[str]:
    """Where any value is found: 'table.column' lines.  Every table the database has, every column of text,
    date or bytes.  ``skip(table, row)``: rows not to read (another person's)."""
    hits = []
    folded = [v.casefold() for v in values]
    insp = inspect(engine)
    shapes = []
    for name in insp.get_table_names():
        cols = insp.get_columns(name)
        shapes.append((name, cols, insp.get_pk_constraint(name).get("constrained_columns") or [cols[0]["name"]]))
    with engine.execution_options(mpel_read_only=True).connect() as conn:
        for name, cols, _keys in shapes:
            t = table(name, *(column(c["name"]) for c in cols))
            for row in conn.execute(select(t)).mappings():
                if skip(name, row):
                    continue
                for c in cols:
                    value = row[c["name"]]
                    found = [v for v in folded if isinstance(value, str) and v in value.casefold()]
                    if found:
                        at = value.casefold().index(found[0])
                        hits.append(f"{name}.{c['name']}: {found[0]!r} in ...{value[max(0, at - 40):at + 40]!r}")
                    elif isinstance(value, (bytes, memoryview)) and any(b in bytes(value) for b in blobs):
                        hits.append(f"{name}.{c['name']}: bytes")
                    elif isinstance(value, date) and not isinstance(value, datetime) and value in dates:
                        hits.append(f"{name}.{c['name']}: {value}")
    return hits


def sisters(person: Person):
    """The rows that are the sister's (her enquiry and its trail): she keeps the family's reference."""
    def skip(table_name, row) -> bool:
        if table_name in ("enquiries", "subject_name_tokens", "subject_name_words", "subject_name_pairs"):
            return row.get("id", row.get("enquiry_id")) == person.sister_enquiry_id
        if table_name in ("audit_log", "outbox_messages"):
            return row["entity"] == "enquiry" and row["entity_id"] == person.sister_enquiry_id
        return False
    return skip


def league(services, actor, period):
    table = services.performance.league_table(actor, period)
    return table.regions, table.units
