"""Role x action over every service: each role's user may do exactly what domain-rules §1 (with §2, §4
and §6) gives that role, whatever the screens show, and a refusal changes nothing.

The expected table is written out here from the rules, not read back from
``domain/permissions.py`` or the letter lifecycle's table, so a change to
either that the rules do not make fails here.  Where the rules leave who may
do something open, the row says *Decision* and pins the decision taken in the
code (and the README), so it cannot drift silently either.

Each role gets one database and one user holding only that role (grade G7, so
grade rules never stand in for role rules; account managers in LSE; unit roles
members of ASY1).  Every test prepares fresh records with the world's own users,
then has the role's user try the action: allowed, it must succeed; refused,
it must raise PermissionDenied and leave every table, audit trail and outbox as
they were.  (Replaces tests/services/test_permissions.py, whose nine actions
are rows here.)
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from mpel_app.app import Services, open_database
from mpel_app.domain.clock import FixedClock
from mpel_app.domain.errors import PermissionDenied
from mpel_app.domain.records import CallerKind, Channel, Disclosure, Role, SearchKey, UserRecord
from tests.services.bad_input.world import SUBJECT, disputed_letter, logged_call, snapshot
from tests.support.letters_world import AGREEMENT, DRAFT, NOTE, LettersWorld, build_letters_world
from tests.support.world import MONDAY_MORNING, PASSCODE, PASSWORD

R = Role
EVERYONE = frozenset(Role)
# §1/§2: calls, faxes and emails are logged by the Enquiry Line (call agents, their team leader) and by
# the regions (account managers and support account managers, with region-coded references); the CTS
# roles work letters, not the enquiry log.  *Decision*: the duty manager and administrators log too.
DESK = frozenset({R.CALL_AGENT, R.MPEL_TEAM_LEADER, R.ACCOUNT_MANAGER, R.SUPPORT_ACCOUNT_MANAGER, R.DUTY_MANAGER,
                  R.ADMINISTRATOR})
# §1: the MPEL team leader filters Further Action Cases.  *Decision*: and administrators.
FILTER = frozenset({R.MPEL_TEAM_LEADER, R.ADMINISTRATOR})
# §2 regional action: the region's AMs and SAMs.  *Decision*: the duty manager, MPEL team leader and
# administrators oversee every region's queue.
LSE_QUEUE = frozenset({R.ACCOUNT_MANAGER, R.SUPPORT_ACCOUNT_MANAGER, R.DUTY_MANAGER, R.MPEL_TEAM_LEADER,
                       R.ADMINISTRATOR})
# An LSE account manager works LSE's queue only; the overseers work every region's.
ANY_REGION = frozenset({R.DUTY_MANAGER, R.MPEL_TEAM_LEADER, R.ADMINISTRATOR})
# §2 *Decision*: deletion is limited to "team leaders and administrators"; said of the enquiry log, so the
# team leader is the MPEL team leader, not a CTS unit team leader (who has no part in the enquiry log).
DELETE = frozenset({R.MPEL_TEAM_LEADER, R.ADMINISTRATOR})
# §1/§4: the duty manager watches urgent items.  *Decision*: with the MPEL team leader and administrators.
DUTY = frozenset({R.DUTY_MANAGER, R.MPEL_TEAM_LEADER, R.ADMINISTRATOR})
# §2 "each user has a personal login": accounts, closure days, drafting units, the purge are administration.
ADMIN = frozenset({R.ADMINISTRATOR})
# §5 passcodes belong to an MP's office and can be changed.  *Decision*: by the MPEL team leader or an administrator.
MEMBERS = frozenset({R.MPEL_TEAM_LEADER, R.ADMINISTRATOR})
# §4 *Decision* (permissions.py, the Administration view): the duty rota is the Enquiry Line's, kept by the
# duty manager, the MPEL team leader and administrators; a CTS unit team leader has no part in urgent calls.
ROTA = frozenset({R.DUTY_MANAGER, R.MPEL_TEAM_LEADER, R.ADMINISTRATOR})
# *Decision* (services/audit.py): searching every record's trail is oversight, for team leaders and administrators.
AUDIT_QUERY = frozenset({R.MPEL_TEAM_LEADER, R.UNIT_TEAM_LEADER, R.ADMINISTRATOR})
# §6: MPCS registers, allocates, escalates, enforces (the Head of MPCS's devolved power) and cancels.
MPCS = frozenset({R.MPCS_ALLOCATOR})
# *Decision* (permissions.py WORK_OUTBOX): whoever's work puts messages in the outbox retries them or records
# them sent by other means: the desk roles (call notes, urgent escalations) and MPCS (a disputed letter's
# escalation to the heads of unit, a line manager told of a letter about Agency staff [CORR 2.5]).
OUTBOX = DESK | MPCS
# §6: the workflow manager accepts or rejects for the unit and allocates to a case owner.
WM = frozenset({R.WORKFLOW_MANAGER})
# §6: the case owner drafts (and may ask for reallocation).
CO = frozenset({R.CASE_OWNER})
# §6: a senior caseworker QAs.
SCW = frozenset({R.SENIOR_CASEWORKER})
# §6: the team leader does final QA, signs an Official reply, sends a Ministerial one to Private Office.
UTL = frozenset({R.UNIT_TEAM_LEADER})
# §6: Private Office: the Minister approves and signs, or the draft is returned.
PO = frozenset({R.PRIVATE_OFFICE})
# §6 Official: signed by the team leader, then dispatched.  *Decision*: by the team leader or the workflow manager.
DISPATCH_OFFICIAL = frozenset({R.UNIT_TEAM_LEADER, R.WORKFLOW_MANAGER})
# §6 general elections: MPCS converts outstanding Ministerial letters.  *Decision*: MPCS or an administrator
# records the dissolution.
DISSOLUTION = frozenset({R.MPCS_ALLOCATOR, R.ADMINISTRATOR})
# *Decision* (letters.documents): the reply is produced by the case owner, the unit's senior caseworkers and
# team leaders, or Private Office for a Ministerial letter.
REPLY = frozenset({R.CASE_OWNER, R.SENIOR_CASEWORKER, R.UNIT_TEAM_LEADER, R.PRIVATE_OFFICE})
# §6: the case owner takes the next case (a senior caseworker for OPHSO).
NEXT_CASE = frozenset({R.CASE_OWNER, R.SENIOR_CASEWORKER})
UNIT_ROLES = frozenset({R.WORKFLOW_MANAGER, R.CASE_OWNER, R.SENIOR_CASEWORKER, R.UNIT_TEAM_LEADER})


@dataclass
class M:
    """One role's database: the letters world and a user holding only that role."""

    role: Role
    lw: LettersWorld
    user: UserRecord

    @property
    def services(self) -> Services:
        return self.lw.services

    @property
    def w(self):
        return self.lw.base


@pytest.fixture(scope="module", params=list(Role), ids=lambda r: r.value)
def matrix(request, tmp_path_factory) -> M:
    role = request.param
    services = open_database(f"sqlite:///{tmp_path_factory.mktemp(role.value)}/mpel.sqlite3",
                             clock=FixedClock(MONDAY_MORNING))
    lw = build_letters_world(services)
    user = services.users.create_user(
        lw.admin, username=f"u_{role.value}", full_name=f"{role.label} Person", password=PASSWORD, roles={role},
        region_code="LSE" if role in (R.ACCOUNT_MANAGER, R.SUPPORT_ACCOUNT_MANAGER) else None, grade="G7",
        demo=True)
    if role in UNIT_ROLES:
        services.units.add_member(lw.admin, "ASY1", user.id)
    yield M(role, lw, user)
    services.close()


# ------------------------------------------------------------------ preparing records with the world's users

def _call(m: M, **kw):
    return logged_call(m.w, **kw)


def _further(m: M):
    return m.services.enquiries.mark_further_action(m.w.agent, _call(m).id)


def _with_region(m: M):
    return m.services.enquiries.send_to_region(m.w.leader, _further(m).id, "LSE")


def _urgent(m: M):
    return m.services.urgent.flag(m.w.agent, _call(m).id, removal_at=MONDAY_MORNING + timedelta(hours=30),
                                  compassionate=False)


def _urgent_sent(m: M):
    rec = _urgent(m)
    m.services.urgent.send(m.w.agent, rec.id)
    return rec


def _office_locked(m: M) -> int:
    """A new member's office, locked: two calls, each with its three wrong passcodes (the world's own members
    stay usable for the other actions on this role's database)."""
    e, agent = m.services.enquiries, m.w.agent
    member = m.services.members.add(m.w.admin, name="Lou Locked", region_code="LSE", passcode="1357", demo=True)
    for _ in range(2):
        call = e.set_caller(agent, e.start(agent, Channel.TELEPHONE).id, member_id=member.id,
                            caller_kind=CallerKind.MEMBER)
        for _ in range(3):
            e.verify_passcode(agent, call.id, "0000")
    return member.id


def _outbox_message(m: M) -> int:
    return m.services.outbox.messages_for(m.w.agent, "enquiry", _with_region(m).id)[0].id


def _letter_message(prepare):
    """The first outbox message a letter prepared by ``prepare`` (as its own users) caused."""
    return lambda m: m.services.outbox.messages_for(m.lw.mpcs, "letter", prepare(m).id)[0].id


def _staff_letter(m: M):
    """A letter about a member of staff (the call agent): MPCS names the line manager, who is e-mailed.

    The role's user is one of its named handlers, so that what is tested is the role: anyone else is
    told the letter and its messages do not exist (tests/services/test_correspondence_staff.py).
    """
    return m.lw.register(staff_member="agent", line_manager="leader", subject_name="Ayo Agent",
                         named_handlers=[m.user.username] if m.user.username != "agent" else [])


def _owner(m: M) -> UserRecord:
    """Whoever the letter goes to to draft: the role's user when it is a case owner, else the world's."""
    return m.user if m.role is R.CASE_OWNER else m.lw.co


def _drafting(m: M, kind="official"):
    rec = m.lw.accepted(kind)
    return m.services.letters.allocate_to_case_owner(m.lw.wm, rec.id, _owner(m).id)


def _noted(m: M):
    rec = _drafting(m)
    return m.services.letters.save_background_note(_owner(m), rec.id, **NOTE)


def _escalated(m: M):
    return m.services.letters.escalate(m.lw.mpcs, disputed_letter(m.lw).id)


def _enforced(m: M):
    return m.services.letters.enforce(m.lw.mpcs, _escalated(m).id, "ASY1")


def _with_po(m: M):
    lw = m.lw
    return m.services.letters.send_to_private_office(lw.tl, lw.with_team_leader("ministerial").id)


def _signed(m: M, kind="official"):
    lw, letters = m.lw, m.services.letters
    if kind == "official":
        return letters.sign(lw.tl, lw.with_team_leader().id)
    return letters.minister_sign(lw.po, _with_po(m).id, signed_by="Anne Minister")


class _Dissolved:
    """A general election for the length of one action: MPCS records the dissolution, and clears it after."""

    def __init__(self, m: M, prepared):
        self.m, self.prepared = m, prepared
        m.services.letters.set_dissolution_date(m.lw.mpcs, MONDAY_MORNING.date())

    def close(self) -> None:
        self.m.services.letters.set_dissolution_date(self.m.lw.mpcs, None)


def _election(prepare):
    return lambda m: _Dissolved(m, prepare(m))


@dataclass(frozen=True)
class Act:
    name: str
    allowed: frozenset[Role]
    do: Callable  # (m, user, prepared) -> anything
    prepare: Callable = lambda m: None  # (m) -> prepared, made by the world's own users


def _e(m):
    return m.services.enquiries


def _l(m):
    return m.services.letters


ACTS = [
    # -- the enquiry log (§2)
    Act("log a call", DESK, lambda m, u, _: _e(m).start(u, Channel.TELEPHONE)),
    Act("choose the caller", DESK, lambda m, u, c: _e(m).set_caller(u, c.id, member_id=m.w.mp.id,
                                                                    caller_kind=CallerKind.MEMBER),
        lambda m: _call(m, verified=False)),
    Act("check the passcode", DESK, lambda m, u, c: _e(m).verify_passcode(u, c.id, PASSCODE),
        lambda m: _call(m, verified=False)),
    Act("record the disclosure checks", DESK, lambda m, u, c: _e(m).record_disclosure(
        u, c.id, Disclosure(constituency_mp=True, identity_confirmed=True)), _call),
    Act("write up the details", DESK, lambda m, u, c: _e(m).update_details(
        u, c.id, subject=SUBJECT, question="Any news?", answer="", written_confirmation=True), _call),
    Act("complete at first contact", DESK, lambda m, u, c: _e(m).complete_first_contact(u, c.id),
        lambda m: _call(m, answer="Decided on 1 March.")),
    Act("pass on as a Further Action Case", DESK, lambda m, u, c: _e(m).mark_further_action(u, c.id), _call),
    Act("close a call at the passcode gate", DESK, lambda m, u, c: _e(m).refuse(u, c.id, "No passcode given"),
        lambda m: _call(m, verified=False)),
    Act("open a record", EVERYONE, lambda m, u, c: _e(m).get(u, c.id), _further),
    Act("open a record by reference", EVERYONE, lambda m, u, c: _e(m).get_by_reference(u, c.reference), _further),
    Act("find records", EVERYONE, lambda m, u, c: _e(m).find(u, SearchKey.REFERENCE, c.reference), _further),
    Act("read a record's header", EVERYONE, lambda m, u, c: _e(m).header(u, c.id), _further),
    Act("print a record", EVERYONE, lambda m, u, c: _e(m).record_printed(u, c.id), _further),
    Act("read a record's history", EVERYONE, lambda m, u, c: _e(m).audit_trail(u, c.id), _further),
    Act("see the Further Action queue", FILTER, lambda m, u, _: _e(m).further_action_queue(u)),
    Act("answer a Further Action Case", FILTER, lambda m, u, c: _e(m).leader_answer(u, c.id, "Answered."), _further),
    Act("send to a region", FILTER, lambda m, u, c: _e(m).send_to_region(u, c.id), _further),
    Act("change the region", FILTER, lambda m, u, c: _e(m).change_region(u, c.id, "MEE"), _with_region),
    Act("work the LSE queue", LSE_QUEUE, lambda m, u, _: _e(m).region_queue(u, "LSE")),
    Act("work another region's queue (SNI)", ANY_REGION, lambda m, u, _: _e(m).region_queue(u, "SNI")),
    Act("acknowledge", LSE_QUEUE, lambda m, u, c: _e(m).acknowledge(u, c.id), _with_region),
    Act("record that the file is needed", LSE_QUEUE, lambda m, u, c: _e(m).set_file_needed(u, c.id, True),
        _with_region),
    Act("write up the region's response", LSE_QUEUE, lambda m, u, c: _e(m).complete_with_response(
        u, c.id, "Told the office."), _with_region),
    Act("delete a record", DELETE, lambda m, u, c: _e(m).delete(u, c.id, "entered twice by mistake"), _further),
    # -- urgent calls (§4)
    Act("flag a call urgent", DESK, lambda m, u, c: m.services.urgent.flag(
        u, c.id, removal_at=MONDAY_MORNING + timedelta(hours=30), compassionate=False), _call),
    Act("send the urgent call note", DESK, lambda m, u, c: m.services.urgent.send(u, c.id), _urgent),
    Act("see whom to telephone", EVERYONE, lambda m, u, c: m.services.urgent.plan(u, c.id), _urgent),
    Act("record a call made", DESK, lambda m, u, c: m.services.urgent.record_contact(
        u, c.id, kind="region", spoken_to="Lena South"), _urgent_sent),
    Act("read the calls made", EVERYONE, lambda m, u, c: m.services.urgent.contacts(u, c.id), _urgent_sent),
    Act("watch the duty board", DUTY, lambda m, u, _: m.services.urgent.unacknowledged(u)),
    Act("reassign an urgent item", DUTY, lambda m, u, c: m.services.urgent.reassign(u, c.id, "NWE"), _urgent_sent),
    # -- the outbox (README: retry, and the offline procedure), whoever's work queued the message
    Act("retry a message", OUTBOX, lambda m, u, i: m.services.outbox.retry_now(u, i), _outbox_message),
    Act("mark a message sent by hand", OUTBOX, lambda m, u, i: m.services.outbox.mark_sent_by_hand(
        u, i, "Faxed to the LSE inbox at 14:20"), _outbox_message),
    # Issue #19 finding 3: the exported document carries the call record; whoever works the outbox exports it.
    Act("export a message as a document", OUTBOX, lambda m, u, i: m.services.outbox.export_document(u, i),
        _outbox_message),
    Act("retry a letter's escalation to the heads of unit", OUTBOX,
        lambda m, u, i: m.services.outbox.retry_now(u, i), _letter_message(_escalated)),
    Act("mark a line manager's message sent by hand", OUTBOX, lambda m, u, i: m.services.outbox.mark_sent_by_hand(
        u, i, "Handed to the line manager in person at 14:20"), _letter_message(_staff_letter)),
    # -- people, places and the rota (§1, §4, §5)
    Act("create a user", ADMIN, lambda m, u, _: m.services.users.create_user(
        u, username="newbie", full_name="New Person", password=PASSWORD, roles={R.CALL_AGENT}, demo=True)),
    Act("list users", ADMIN, lambda m, u, _: m.services.users.list_users(u)),
    Act("unlock a user", ADMIN, lambda m, u, _: m.services.users.unlock(u, m.w.agent.id)),
    Act("reset a user's password", ADMIN, lambda m, u, _: m.services.users.reset_password(
        u, m.w.agent.id, "a brand new pass phrase")),
    Act("record a user's e-mail address", ADMIN, lambda m, u, _: m.services.users.set_email(
        u, m.w.agent.id, "carla.agent@ukba.example.gov.uk")),
    Act("change one's own password", EVERYONE, lambda m, u, _: m.services.users.change_password(
        u, PASSWORD, "another long pass phrase")),
    Act("add a member", MEMBERS, lambda m, u, _: m.services.members.add(u, name="Jo Bloggs", region_code="LSE")),
    Act("change a passcode", MEMBERS, lambda m, u, _: m.services.members.set_passcode(u, m.w.mp.id, "8888")),
    # Issue #19 finding 4: an office locked after repeated wrong passcodes is cleared by whoever keeps passcodes.
    Act("clear an office's passcode lock", MEMBERS,
        lambda m, u, member_id: m.services.members.clear_passcode_lock(u, member_id), _office_locked),
    Act("add a closure day", ADMIN, lambda m, u, _: m.services.reference.add_closure(
        u, date(2026, 12, 4), "ENG", "Office move")),
    Act("set a rota evening", ROTA, lambda m, u, _: m.services.rota.set_entry(
        u, date(2026, 12, 1), "LSE", "Priya Shah", "020 7946 0123")),
    Act("import the rota", ROTA, lambda m, u, _: m.services.rota.import_csv(
        u, "Date,Region,Manager,Telephone\n02/12/2026,MEE,Harjit Sandhu,0121 496 0872\n")),
    Act("search the whole audit trail", AUDIT_QUERY, lambda m, u, _: m.services.audit.choices(u)),
    # -- CTS letters (§6)
    Act("register a letter", MPCS, lambda m, u, _: _l(m).register(
        u, kind="official", member_id=m.w.mp.id, subject_name="Ali Rezaei", issue="his claim")),
    Act("register a letter about a member of staff", MPCS, lambda m, u, _: _l(m).register(
        u, kind="official", member_id=m.w.mp.id, subject_name="Ayo Agent", issue="his wife's visa",
        staff_member="agent", line_manager="leader")),
    Act("allocate to a unit", MPCS, lambda m, u, c: _l(m).allocate(u, c.id, "ASY1"), lambda m: m.lw.register()),
    Act("escalate a disputed letter", MPCS, lambda m, u, c: _l(m).escalate(u, c.id), lambda m: disputed_letter(m.lw)),
    Act("enforce on a unit", MPCS, lambda m, u, c: _l(m).enforce(u, c.id, "ASY1"), _escalated),
    Act("lift enforcement", MPCS, lambda m, u, c: _l(m).lift_enforcement(
        u, c.id, agreeing_unit="EUR", written_agreement=AGREEMENT), _enforced),
    Act("cancel a letter", MPCS, lambda m, u, c: _l(m).cancel(u, c.id, "Duplicate of another letter"),
        lambda m: m.lw.register()),
    Act("convert a Ministerial letter to Official", MPCS, lambda m, u, d: _l(m).convert_to_official(
        u, d.prepared.id), _election(lambda m: m.lw.register("ministerial"))),
    Act("convert every outstanding Ministerial letter", MPCS,
        lambda m, u, d: _l(m).convert_outstanding_to_official(u), _election(lambda m: m.lw.register("ministerial"))),
    Act("record the dissolution of Parliament", DISSOLUTION,
        lambda m, u, _: (_l(m).set_dissolution_date(u, date(2026, 11, 20)),
                         _l(m).set_dissolution_date(m.lw.mpcs, None))),  # cleared again for the other rows
    Act("accept for the unit", WM, lambda m, u, c: _l(m).accept(u, c.id, barrier_to_removal=True),
        lambda m: _l(m).allocate(m.lw.mpcs, m.lw.register().id, "ASY1")),
    Act("reject to MPCS", WM, lambda m, u, c: _l(m).reject(u, c.id, reason="Not ours"),
        lambda m: _l(m).allocate(m.lw.mpcs, m.lw.register().id, "ASY1")),
    Act("allocate to a case owner", WM, lambda m, u, c: _l(m).allocate_to_case_owner(u, c.id, m.lw.co.id),
        lambda m: m.lw.accepted()),
    Act("reject for cancelling", WM, lambda m, u, c: _l(m).reject_for_cancelling(
        u, c.id, ground="foi_only", reason="Only an FOI request"), lambda m: m.lw.accepted(foi=True)),
    Act("ask for reallocation", CO, lambda m, u, c: _l(m).request_reallocation(u, c.id, "Conflict of interest"),
        _drafting),
    Act("write the background note", CO, lambda m, u, c: _l(m).save_background_note(u, c.id, **NOTE), _drafting),
    Act("submit to QA", CO, lambda m, u, c: _l(m).submit_to_qa(u, c.id, draft=DRAFT), _noted),
    Act("pass QA", SCW, lambda m, u, c: _l(m).qa_pass(u, c.id), lambda m: m.lw.in_qa()),
    Act("return from QA", SCW, lambda m, u, c: _l(m).qa_return(u, c.id, "Check the dates"), lambda m: m.lw.in_qa()),
    Act("return from the team leader", UTL, lambda m, u, c: _l(m).tl_return(u, c.id, "Check the dates"),
        lambda m: m.lw.with_team_leader()),
    Act("sign an Official reply", UTL, lambda m, u, c: _l(m).sign(u, c.id), lambda m: m.lw.with_team_leader()),
    Act("send to Private Office", UTL, lambda m, u, c: _l(m).send_to_private_office(u, c.id),
        lambda m: m.lw.with_team_leader("ministerial")),
    Act("return from Private Office", PO, lambda m, u, c: _l(m).po_return(u, c.id, "The Minister asks for more"),
        _with_po),
    Act("record the Minister's signature", PO,
        lambda m, u, c: _l(m).minister_sign(u, c.id, signed_by="Anne Minister"), _with_po),
    Act("dispatch an Official reply", DISPATCH_OFFICIAL,
        lambda m, u, c: _l(m).dispatch(u, c.id, reply_channel="letter"), _signed),
    Act("dispatch a Ministerial reply", PO, lambda m, u, c: _l(m).dispatch(u, c.id, reply_channel="letter"),
        lambda m: _signed(m, "ministerial")),
    Act("produce the reply", REPLY, lambda m, u, c: _l(m).generate_reply(
        u, c.id, template="third_party", body=DRAFT, signatory_name="Anne Minister", signatory_title="Minister"),
        lambda m: _drafting(m, "ministerial")),
    Act("take the next case", NEXT_CASE, lambda m, u, _: _l(m).get_next_case(u), lambda m: m.lw.accepted()),
    *[Act(f"see the {role.label.lower()} workstack", frozenset({role}),
          (lambda m, u, _, role=role: _l(m).workstack(u, role)))
      for role in (R.MPCS_ALLOCATOR, R.WORKFLOW_MANAGER, R.CASE_OWNER, R.SENIOR_CASEWORKER, R.UNIT_TEAM_LEADER,
                   R.PRIVATE_OFFICE)],
    Act("look a letter up", EVERYONE, lambda m, u, c: _l(m).get(u, c.id), lambda m: m.lw.register()),
    Act("search letters", EVERYONE, lambda m, u, c: _l(m).search(u, c.reference), lambda m: m.lw.register()),
    Act("read a letter's history", EVERYONE, lambda m, u, c: _l(m).history(u, c.id), lambda m: m.lw.register()),
    Act("list late letters", EVERYONE, lambda m, u, _: _l(m).late_letters(u)),
    Act("purge documents past retention", ADMIN, lambda m, u, _: _l(m).purge_documents(u)),
    Act("list documents due for purge", ADMIN, lambda m, u, _: _l(m).documents_due_for_purge(u)),
    Act("create a drafting unit", ADMIN,
        lambda m, u, _: m.services.units.create_unit(u, code="NEW", name="New Unit")),
    Act("change a drafting unit", ADMIN, lambda m, u, _: m.services.units.update_unit(u, "CRT", name="Crime")),
    Act("add a unit member", ADMIN, lambda m, u, _: m.services.units.add_member(u, "EUR", m.w.agent.id)),
    Act("remove a unit member", ADMIN, lambda m, u, _: m.services.units.remove_member(u, "ASY1", m.lw.co2.id)),
]
assert len({a.name for a in ACTS}) == len(ACTS)


@pytest.mark.parametrize("act", ACTS, ids=[a.name for a in ACTS])
def test_role_may_do_exactly_what_the_rules_give_it(matrix, act):
    prepared = act.prepare(matrix)
    try:
        if matrix.role in act.allowed:
            act.do(matrix, matrix.user, prepared)
        else:
            before = snapshot(matrix.services)
            with pytest.raises(PermissionDenied):
                act.do(matrix, matrix.user, prepared)
            after = snapshot(matrix.services)
            assert [t for t in before if before[t] != after[t]] == [], "refused, but the database changed"
    finally:
        if isinstance(prepared, _Dissolved):
            prepared.close()


def test_every_role_is_in_the_matrix_and_every_action_someones():
    """The table covers each role, and no action is refused to everybody (a row that could never pass)."""
    assert {r for a in ACTS for r in a.allowed} == set(Role)
    assert all(a.allowed for a in ACTS)


def test_a_deactivated_administrator_may_do_nothing(sqlite_services):
    """Roles are held only while the account is active: refusals, and nothing written."""
    from sqlalchemy import update

    from mpel_app.db.models import User
    from tests.support.world import build_world, fresh_user

    w = build_world(sqlite_services)
    with sqlite_services.uow() as s:
        s.execute(update(User).where(User.id == w.admin.id).values(active=False))
    admin = fresh_user(sqlite_services, w.admin.id)
    assert not admin.active
    before = snapshot(sqlite_services)
    for attempt in (lambda: sqlite_services.users.list_users(admin),
                    lambda: sqlite_services.enquiries.start(admin, Channel.TELEPHONE),
                    lambda: sqlite_services.members.set_passcode(admin, w.mp.id, "8888"),
                    lambda: sqlite_services.letters.purge_documents(admin)):
        with pytest.raises(PermissionDenied):
            attempt()
    assert snapshot(sqlite_services) == before
