"""Demo CTS data (issue 14): drafting units, their members, and MPs' letters at every stage.

So that every letters role has work on first start of ``mpel --demo``: MPCS has
letters to allocate and one rejected back to it, the workflow manager letters
to accept and to give to a case owner, the case owner drafts, the senior
caseworker QA, the unit team leader replies to sign and one for the Minister,
Private Office Ministerial replies to sign and one to dispatch, and a few are
already dispatched for the performance figures.  A few are late (``LATE``):
past their reply target, so the chasing list (Performance → Chasing) and the
workstacks' Overdue have something in them, one more than a month past target
(Late letters, Ctrl+Shift+L) and one urgent, which the workstacks show in red.

Every step goes through the real services (``CorrespondenceService``), so the
letters, their deadlines and their audit trail are exactly what the desk
itself would have made; the same seed and clock give the same letters.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from .app import Services
from .domain.correspondence import LetterKind, SignatoryFacts
from .domain.records import UserRecord

# (code, name, head of unit's e-mail); ".example" is reserved (RFC 2606): no demo message reaches anyone.
UNITS = (("ASY1", "Asylum Casework Unit 1", "head.asy1@homeoffice.example"),
         ("EUR", "European Casework", "head.eur@homeoffice.example"),
         ("CRT", "Criminal Casework", "head.crt@homeoffice.example"))
# The demo's CTS users are in ASY1; the workflow manager also looks after EUR (and so rejects for it).
UNIT_MEMBERS = {"ASY1": ("workflow manager", "case owner", "senior caseworker", "unit team leader"),
                "EUR": ("workflow manager",)}
MINISTER = SignatoryFacts(kind=LetterKind.MINISTERIAL, minister_written_to="Minister for Immigration",
                          government_policy=True)
NOTE = dict(background="Asylum claim refused; appeal rights exhausted. No sensitivities.",
            drafting_officer_name="Owen Lloyd", drafting_officer_location="Lunar House, Croydon",
            drafting_officer_phone="020 7946 0990")
DRAFT = ("Thank you for your letter on behalf of your constituent. The application was decided on the "
         "date given and the decision served; the reasons are set out in the decision letter.")
_SUBJECTS = ("Ali Rezaei", "Mariam Haidari", "Tomasz Nowak", "Grace Mensah", "Rahul Verma", "Elena Popescu",
             "Samuel Okoro", "Farah Siddiqui", "Ivan Petrov", "Leila Karimi", "Joao Silva", "Amina Yusuf",
             "Chen Wei", "Nadia Rahman", "Kwame Asante", "Sofia Rossi", "Yusuf Demir", "Hana Novak",
             "Omar Haddad", "Priya Nair", "Daniel Mwangi", "Zainab Bello", "Luis Fernandez", "Aisha Khan")
_ISSUES = ("his asylum claim", "her application for leave to remain", "a family visit visa refusal",
           "delay in deciding his settlement application", "her husband's spouse visa",
           "the return of his passport", "an EU Settlement Scheme application", "removal directions")
# Stage -> how many letters reach it (and stop there).
STAGES = (("registered", 3), ("rejected", 1), ("allocated", 2), ("accepted", 2), ("drafting", 3), ("in_qa", 2),
          ("with_team_leader", 2), ("with_private_office", 2), ("signed_po", 1), ("dispatched", 2))
# Late letters (stage, calendar days since receipt, urgent): the reply target is 20 working days, about 28
# calendar days; 75 days is more than a month past it [CORR 1.5].
# The urgent one is with its team leader to sign: red in the unit team leader's workstack.
LATE = (("with_team_leader", 34, True), ("in_qa", 41, False), ("drafting", 75, False))


def seed_letters(services: Services, users: dict[str, UserRecord], member_ids: Sequence[int],
                 rng: random.Random) -> int:
    """Create the units, put the demo's CTS users in them and walk letters to every stage; how many letters."""
    admin = users["administrator"]
    for code, name, email in UNITS:
        services.units.create_unit(admin, code=code, name=name, head_email=email)
    for code, labels in UNIT_MEMBERS.items():
        for label in labels:
            services.units.add_member(admin, code, users[label].id)
    walker = _Walker(services, users, list(member_ids), rng)
    count = 0
    for stage, n in STAGES:
        for _ in range(n):
            walker.to(stage)
            count += 1
    for stage, days, urgent in LATE:
        walker.to(stage, days_ago=days, urgent=urgent)
        count += 1
    return count


class _Walker:
    """Registers one letter and moves it along, as the people in each role would."""

    def __init__(self, services: Services, users: dict[str, UserRecord], member_ids: list[int],
                 rng: random.Random):
        self.letters = services.letters
        self.now: datetime = services.clock.now()
        self.u = users
        self.member_ids = member_ids
        self.rng = rng
        self.n = 0

    def to(self, stage: str, *, days_ago: int | None = None, urgent: bool = False) -> None:
        """One letter to ``stage``; received ``days_ago`` days ago (by default 1 to 12 days ago)."""
        ministerial = stage in ("with_private_office", "signed_po") or (stage == "drafting" and self.n % 2 == 0)
        rec = self._register(ministerial, days_ago, urgent)
        if stage == "registered":
            return
        letters, u = self.letters, self.u
        if stage == "rejected":
            rec = letters.allocate(u["MPCS allocator"], rec.id, "EUR")
            letters.reject(u["workflow manager"], rec.id, reason="An asylum case, not a European one.",
                           suggested_unit="ASY1")
            return
        rec = letters.allocate(u["MPCS allocator"], rec.id, "ASY1")
        if stage == "allocated":
            return
        rec = letters.accept(u["workflow manager"], rec.id, barrier_to_removal=True)
        if stage == "accepted":
            return
        rec = letters.allocate_to_case_owner(u["workflow manager"], rec.id, u["case owner"].id)
        if stage == "drafting":
            return
        letters.save_background_note(u["case owner"], rec.id, **NOTE)
        rec = letters.submit_to_qa(u["case owner"], rec.id, draft=DRAFT).letter
        if stage == "in_qa":
            return
        rec = letters.qa_pass(u["senior caseworker"], rec.id)
        if stage == "with_team_leader":
            return
        if stage in ("with_private_office", "signed_po"):
            rec = letters.send_to_private_office(u["unit team leader"], rec.id)
            if stage == "with_private_office":
                return
            letters.minister_sign(u["Private Office"], rec.id, signed_by="Rt Hon Anne Minister MP")
            return
        rec = letters.sign(u["unit team leader"], rec.id)
        letters.dispatch(u["unit team leader"], rec.id, reply_channel="letter")

    def _register(self, ministerial: bool, days_ago: int | None = None, urgent: bool = False):
        self.n += 1
        received = self.now - timedelta(days=days_ago if days_ago is not None else self.rng.randint(1, 12),
                                        hours=self.rng.randint(0, 5))
        subject = _SUBJECTS[(self.n - 1) % len(_SUBJECTS)]
        return self.letters.register(
            self.u["MPCS allocator"], kind=LetterKind.MINISTERIAL if ministerial else LetterKind.OFFICIAL,
            member_id=self.rng.choice(self.member_ids), subject_name=subject, issue=self.rng.choice(_ISSUES),
            question=f"The Member asks for an update on {subject}'s case.", received_at=received,
            member_letter_date=(received - timedelta(days=2)).date(), signatory=MINISTER if ministerial else None,
            urgent=urgent)
