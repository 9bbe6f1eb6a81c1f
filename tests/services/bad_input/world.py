"""One database per backend for the bad-input suite: the letters world plus records waiting in each
state a malformed input could reach (an open call, a call with the region, a letter being drafted, ...).

Malformed input must change nothing, so the records stay in their states and every case can use them;
``snapshot`` proves that a case left every table as it found it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from mpel_app.app import Services
from mpel_app.db.models import Base
from mpel_app.domain.letter_records import LetterRecord
from mpel_app.domain.records import CallerKind, Channel, EnquiryRecord, SubjectDetails
from tests.support.letters_world import DRAFT, NOTE, LettersWorld, build_letters_world
from tests.support.world import MONDAY_MORNING, PASSCODE

SUBJECT = SubjectDetails(name="Ali Rezaei", date_of_birth=date(1990, 5, 4), nationality="Iranian",
                         ho_reference="R1234567", cts_reference="M12345/26")
QUESTION = "When will the asylum claim be decided?"


@dataclass
class BadWorld:
    lw: LettersWorld
    services: Services
    locked_call: EnquiryRecord  # open, caller chosen, passcode not yet given
    open_call: EnquiryRecord  # open, passcode verified, details written up
    urgent_call: EnquiryRecord  # open and flagged urgent (imminent removal)
    further: EnquiryRecord  # a Further Action Case waiting for the team leader
    with_region: EnquiryRecord  # with LSE, not acknowledged
    registered: LetterRecord
    allocated: LetterRecord
    accepted: LetterRecord
    drafting: LetterRecord
    in_qa: LetterRecord
    with_tl: LetterRecord  # Official, with the team leader
    with_po: LetterRecord  # Ministerial, with Private Office
    signed: LetterRecord  # Official, signed
    enforced: LetterRecord  # escalated and enforced on ASY1
    outbox_id: int  # an undelivered call note

    @property
    def base(self):
        return self.lw.base


def logged_call(world, *, verified: bool = True, details: bool = True, question: str = QUESTION,
                answer: str = "") -> EnquiryRecord:
    """An open call from the London MP logged by the world's agent: passcode verified and written up, or not."""
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    rec = e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    if verified:
        rec = e.verify_passcode(world.agent, rec.id, PASSCODE)
    if verified and details:
        rec = e.update_details(world.agent, rec.id, subject=SUBJECT, question=question, answer=answer,
                               written_confirmation=False)
    return rec


def disputed_letter(lw: LettersWorld) -> LetterRecord:
    """A letter ASY1 and EUR have both rejected: back with MPCS, for escalation [CORR 1.4]."""
    letters = lw.services.letters
    rec = lw.register()
    for unit, wm in (("ASY1", lw.wm), ("EUR", lw.wm_eur)):
        letters.allocate(lw.mpcs, rec.id, unit)
        rec = letters.reject(wm, rec.id, reason=f"not for {unit}")
    return rec


def build_bad_world(services: Services) -> BadWorld:
    lw = build_letters_world(services)
    world = lw.base
    e, letters = services.enquiries, services.letters
    urgent = logged_call(world)
    urgent = services.urgent.flag(world.agent, urgent.id, removal_at=MONDAY_MORNING + timedelta(hours=30),
                                  compassionate=False)
    further = e.mark_further_action(world.agent, logged_call(world).id)
    with_region = e.send_to_region(world.leader, e.mark_further_action(world.agent, logged_call(world).id).id)
    enforced = letters.escalate(lw.mpcs, disputed_letter(lw).id)
    enforced = letters.enforce(lw.mpcs, enforced.id, "ASY1")
    bad = BadWorld(
        lw=lw, services=services,
        locked_call=logged_call(world, verified=False),
        open_call=logged_call(world),
        urgent_call=urgent,
        further=further,
        with_region=with_region,
        registered=lw.register(),
        allocated=letters.allocate(lw.mpcs, lw.register().id, "ASY1"),
        accepted=lw.accepted(),
        drafting=lw.drafting(),
        in_qa=lw.in_qa(),
        with_tl=lw.with_team_leader(),
        with_po=letters.send_to_private_office(lw.tl, lw.with_team_leader("ministerial").id),
        signed=letters.sign(lw.tl, lw.with_team_leader().id),
        enforced=enforced,
        outbox_id=services.outbox.messages_for(world.agent, "enquiry", with_region.id)[0].id,
    )
    return bad


def snapshot(services: Services) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows, in primary-key order."""
    found = {}
    with services.uow.read() as s:
        for table in Base.metadata.sorted_tables:
            rows = s.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256()
            for row in rows:
                digest.update(repr(tuple(row)).encode("utf-8", "surrogatepass"))
            found[table.name] = (len(rows), digest.hexdigest())
    return found


__all__ = ["BadWorld", "DRAFT", "NOTE", "QUESTION", "SUBJECT", "build_bad_world", "disputed_letter",
           "logged_call", "snapshot"]
