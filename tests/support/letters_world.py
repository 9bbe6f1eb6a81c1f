"""A small CTS world on top of tests.support.world: drafting units, their staff at known grades,
MPCS and Private Office, and helpers that walk a letter along its lifecycle."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mpel_app.app import Services
from mpel_app.domain.correspondence import LetterKind, SignatoryFacts
from mpel_app.domain.letter_records import LetterRecord
from mpel_app.domain.records import Role, UserRecord
from tests.support.world import LONDON, PASSWORD, World, build_world, staff_email

# A scanned letter is only looked at for its PDF signature by the service.
SCAN = b"%PDF-1.4\n% scanned letter\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
AGREEMENT = b"%PDF-1.4\n% EUR agrees to take the case\n%%EOF\n"
HO_REF = "R1234567"
NOTE = dict(background="Asylum claim refused in 2025; appeal rights exhausted. No sensitivities.",
            drafting_officer_name="Owen Caseworker", drafting_officer_location="Lunar House, Croydon",
            drafting_officer_phone="020 8196 0000")
DRAFT = "Thank you for your letter. The application was decided on 1 March and the decision served."
MINISTER = SignatoryFacts(kind=LetterKind.MINISTERIAL, minister_written_to="Minister for Immigration",
                          government_policy=True)


@dataclass
class LettersWorld:
    base: World
    services: Services
    mpcs: UserRecord  # MPCS allocator
    wm: UserRecord  # workflow manager, ASY1
    co: UserRecord  # case owner, ASY1, EO
    co2: UserRecord  # another case owner, ASY1, EO
    scw: UserRecord  # senior caseworker, ASY1, HEO
    tl: UserRecord  # team leader, ASY1, G7 (signs Official, clears Ministerial)
    po: UserRecord  # Private Office
    wm_eur: UserRecord  # workflow manager, EUR
    co_eur: UserRecord  # case owner, EUR
    wm_crt: UserRecord  # workflow manager, CRT

    @property
    def admin(self) -> UserRecord:
        return self.base.admin

    @property
    def mp(self):
        return self.base.mp

    def register(self, kind: str = "official", **kw) -> LetterRecord:
        values = dict(kind=kind, member_id=self.mp.id, subject_name="Ali Rezaei", issue="his asylum claim",
                      ho_reference=HO_REF, constituent_name="Mrs Leila Rezaei", scanned_pdf=SCAN,
                      signatory=MINISTER if kind == "ministerial" else None)
        values.update(kw)
        return self.services.letters.register(self.mpcs, **values)

    def accepted(self, kind: str = "official", unit: str = "ASY1", **kw) -> LetterRecord:
        letters = self.services.letters
        rec = self.register(kind, **kw)
        letters.allocate(self.mpcs, rec.id, unit)
        wm = {"ASY1": self.wm, "EUR": self.wm_eur, "CRT": self.wm_crt}[unit]
        return letters.accept(wm, rec.id, barrier_to_removal=True)

    def drafting(self, kind: str = "official", **kw) -> LetterRecord:
        rec = self.accepted(kind, **kw)
        return self.services.letters.allocate_to_case_owner(self.wm, rec.id, self.co.id)

    def in_qa(self, kind: str = "official", **kw) -> LetterRecord:
        rec = self.drafting(kind, **kw)
        letters = self.services.letters
        letters.save_background_note(self.co, rec.id, **NOTE)
        return letters.submit_to_qa(self.co, rec.id, draft=DRAFT).letter

    def with_team_leader(self, kind: str = "official", **kw) -> LetterRecord:
        rec = self.in_qa(kind, **kw)
        return self.services.letters.qa_pass(self.scw, rec.id)


def build_letters_world(services: Services) -> LettersWorld:
    base = build_world(services)
    admin = base.admin
    units = services.units
    for code, name, email in (("ASY1", "Asylum Casework Unit 1", "head.asy1@ukba.example.gov.uk"),
                              ("EUR", "European Casework", "head.eur@ukba.example.gov.uk"),
                              ("CRT", "Criminal Casework", "")):
        units.create_unit(admin, code=code, name=name, head_email=email)

    def user(username: str, full: str, roles: set[Role], grade: str | None = None, unit: str | None = None):
        rec = services.users.create_user(admin, username=username, full_name=full, password=PASSWORD, roles=roles,
                                         grade=grade, email=staff_email(full), demo=True)
        if unit:
            units.add_member(admin, unit, rec.id)
        return rec

    units.add_member(admin, "ASY1", base.case_owner.id)  # Owen Caseworker, EO
    return LettersWorld(
        base=base, services=services,
        mpcs=user("mpcs", "Mona Allocator", {Role.MPCS_ALLOCATOR}, "EO"),
        wm=user("wm", "Walter Manager", {Role.WORKFLOW_MANAGER}, "HEO", "ASY1"),
        co=base.case_owner,
        co2=user("co2", "Cora Second", {Role.CASE_OWNER}, "EO", "ASY1"),
        scw=user("scw", "Sana Senior", {Role.SENIOR_CASEWORKER}, "HEO", "ASY1"),
        tl=user("tl", "Tariq Leader", {Role.UNIT_TEAM_LEADER}, "G7", "ASY1"),
        po=user("po", "Priya Private", {Role.PRIVATE_OFFICE}),
        wm_eur=user("wmeur", "Eve Europe", {Role.WORKFLOW_MANAGER}, "HEO", "EUR"),
        co_eur=user("coeur", "Colm Europe", {Role.CASE_OWNER}, "EO", "EUR"),
        wm_crt=user("wmcrt", "Carl Criminal", {Role.WORKFLOW_MANAGER}, "HEO", "CRT"),
    )


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)
