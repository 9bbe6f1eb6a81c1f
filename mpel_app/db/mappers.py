"""Turn ORM rows into the immutable records services hand out.

The passcode gate is enforced here as well as in the services: a record of an
enquiry whose passcode was never verified carries no personal data at all.
"""
from __future__ import annotations

import json

from ..domain.passcode_gate import unlocked as passcode_unlocked
from ..domain.phones import format_phone
from ..domain.records import (MAX_FAILED_SIGN_INS, CallerKind, Channel, Disclosure, EnquiryRecord, EnquiryStatus,
                              LegacyOrigin, MemberRecord, RegionRecord, Role, SubjectDetails, UserRecord)
from .models import Enquiry, LegacyRecord, Member, Region, User


def region_record(r: Region) -> RegionRecord:
    return RegionRecord(code=r.code, name=r.name, inbox_name=r.inbox_name, inbox_address=r.inbox_address,
                        fax_number=format_phone(r.fax_number), phone_number=format_phone(r.phone_number),
                        team_leader_email=r.team_leader_email or "")


def member_record(m: Member) -> MemberRecord:
    return MemberRecord(id=m.id, name=m.name, kind=m.kind, constituency=m.constituency,
                        region_code=m.region_code, privy_counsellor=m.privy_counsellor,
                        office_phone=format_phone(m.office_phone), office_fax=format_phone(m.office_fax),
                        office_email=m.office_email, passcode_locked=m.passcode_locked_at is not None,
                        party=m.party or "", active=bool(m.active), 
                        # Not the hash itself: desks may not read it on PostgreSQL (issue 19); set with it.
                        passcode_set=m.passcode_changed_at is not None)


def user_record(u: User) -> UserRecord:
    roles = frozenset(Role(r) for r in u.roles.split(",") if r)
    return UserRecord(id=u.id, username=u.username, full_name=u.full_name, roles=roles,
                      region_code=u.region_code, grade=u.grade, active=u.active,
                      locked=u.failed_logins >= MAX_FAILED_SIGN_INS, email=u.email,
                      must_change_password=bool(u.must_change_password))


def enquiry_record(e: Enquiry) -> EnquiryRecord:
    unlocked = passcode_unlocked(e.passcode_verified_at is not None)
    return EnquiryRecord(
        id=e.id, reference=e.reference, channel=Channel(e.channel), status=EnquiryStatus(e.status),
        received_at=e.received_at, created_by=e.created_by.full_name,
        member=member_record(e.member) if e.member else None,
        caller_kind=CallerKind(e.caller_kind) if e.caller_kind else None, caller_name=e.caller_name,
        passcode_verified=unlocked, passcode_failures=e.passcode_failures,
        disclosure=Disclosure(constituency_mp=e.constituency_mp,
                              authorised_representative=e.authorised_representative,
                              third_party=e.third_party, identity_confirmed=e.identity_confirmed,
                              personal_information=bool(e.personal_information),
                              limited_facts_only=bool(e.limited_facts_only)),
        subject=SubjectDetails(name=e.subject_name, date_of_birth=e.subject_dob, nationality=e.nationality,
                               ho_reference=e.ho_reference, cts_reference=e.cts_reference) if unlocked else None,
        question=e.question if unlocked else None,
        answer=e.answer if unlocked else None,
        written_confirmation=e.written_confirmation,
        region_code=e.region_code, file_needed=e.file_needed, due_date=e.due_date,
        acknowledged_at=e.acknowledged_at,
        acknowledged_by=e.acknowledged_by.full_name if e.acknowledged_by else None,
        response=e.response if unlocked else None,
        completed_at=e.completed_at, deleted=e.deleted_at is not None, version=e.version, urgent=e.urgent,
        legacy=legacy_origin(e.legacy) if e.legacy is not None else None,
    )


def legacy_origin(r: LegacyRecord) -> LegacyOrigin:
    decisions = tuple(f"{d['field']}: {d['decided']}" for d in json.loads(r.decisions or "[]"))
    return LegacyOrigin(access_id=r.access_id, file_name=r.source.file_name,
                        reference_as_stored=r.reference_as_stored, mp_name=r.mp_name, constituency=r.constituency,
                        call_agent=r.call_agent.name if r.call_agent else "",
                        completed_by=r.completed_by.name if r.completed_by else "",
                        passcode_given=r.passcode_given, decisions=decisions)
