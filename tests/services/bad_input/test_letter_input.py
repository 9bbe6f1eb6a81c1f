"""Malformed input to CTS letters (services/correspondence.py, services/letters/): registration (kinds,
dates, flags, scanned PDFs that are not PDFs or are huge), allocation, the unit's decisions, the
background note's telephone number, QA, signing, dispatch channels, cancelling, enforcement, the
dissolution date, the purge, replies, drafting units, and the outbox's offline procedure."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone


from mpel_app.domain.correspondence import LetterKind, SignatoryFacts
from mpel_app.domain.errors import NotFound
from tests.support.letters_world import SCAN
from tests.support.world import MONDAY_MORNING

from .cases import (ARABIC_INDIC_DIGITS, FULLWIDTH_DIGITS, MEGABYTE, NUL, SQL, Bad, refusal_tests,
                    text_cases)
from .world import NOTE

HUGE_PDF = b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024)


def _register(**kw):
    return lambda w: w.lw.register(**kw)


def _register_with(key):
    return lambda w, v: w.lw.register(**{key: v})


REGISTER = [
    *[Bad(f"register-kind-{name}", _register(kind=value), "kind") for name, value in
      {"unknown": "urgent", "none": None, "int": 5}.items()],
    *[Bad(f"register-member-{name}", _register(member_id=value), "correspondent", pg=name == "text")
      for name, value in {"text": "1", "65-bit": 2**64, "none": None, "unknown": 999_999}.items()],
    Bad("register-subject-empty", _register(subject_name=""), "subject_name"),
    *text_cases("register-subject", "subject name", _register_with("subject_name"), pg=("nul", "1MB")),
    Bad("register-issue-empty", _register(issue=" "), "issue"),
    *text_cases("register-issue", "issue", _register_with("issue"), good="his asylum claim"),
    *text_cases("register-constituent", "constituent", _register_with("constituent_name"), good="Mrs Rezaei"),
    *text_cases("register-member-reference", "member's reference", _register_with("member_reference"),
                good="JS/1234"),
    *[Bad(f"register-ho-reference-{name}", _register(ho_reference=value), "home office reference",
          pg=name == "nul") for name, value in {
        "fullwidth-digits": "R" + FULLWIDTH_DIGITS + "7", "arabic-indic-digits": "R" + ARABIC_INDIC_DIGITS + "7",
        "sql": "R1" + SQL, "nul": "R123" + NUL, "int": 1234567}.items()],
    *[Bad(f"register-received-{name}", _register(received_at=value), "received", pg=name == "naive")
      for name, value in {"naive": datetime(2026, 11, 20, 10, 0), "text": "2026-11-20",
                          "date-only": date(2026, 11, 20), "future": MONDAY_MORNING + timedelta(days=3),
                          "two-years-ago": MONDAY_MORNING - timedelta(days=730)}.items()],
    *[Bad(f"register-letter-date-{name}", _register(member_letter_date=value), "letter")
      for name, value in {"after-receipt": date(2026, 12, 25), "text": "2026-11-01",
                          "datetime": datetime(2026, 11, 1, tzinfo=timezone.utc), "year-1990": date(1990, 1, 1),
                          "int": 20261101}.items()],
    *[Bad(f"register-flag-{key}-{name}", _register(**{key: value}), key)
      for key, name, value in (("urgent", "text", "no"), ("ophso", "text", "yes"), ("foi", "int", 1),
                               ("welsh_requested", "none", None), ("restricted", "text", "y"))],
    *[Bad(f"register-named-handlers-{name}", _register(restricted=True, named_handlers=value), "named_handlers",
          pg=name == "nul") for name, value in {"nul": ["w" + NUL + "m"], "int": [5], "nobody": ["nobody"],
                                               "text": "wm"}.items()],
    *text_cases("register-staff-member", "member of staff", _register_with("staff_member"), good="kim"),
    *[Bad(f"register-signatory-{name}", _register(kind="ministerial", signatory=value), "signatory")
      for name, value in {"text": "the Minister", "wrong-kind": SignatoryFacts(kind=LetterKind.OFFICIAL)}.items()],
    *[Bad(f"register-scan-{name}", _register(scanned_pdf=value), "scanned_letter", pg=name == "huge")
      for name, value in {"gif": b"GIF89a\x01\x00\x01\x00", "html": b"<html><body>%PDF-</body></html>",
                          "text-not-bytes": "%PDF-1.4 text", "empty": b"", "huge": HUGE_PDF,
                          "exe": b"MZ\x90\x00" + SCAN}.items()],
    *[Bad(f"register-scan-filename-{name}", _register(scanned_filename=value), "file name", pg=name == "nul")
      for name, value in {"nul": "scan" + NUL + ".pdf", "int": 5, "1MB": MEGABYTE,
                          "bidi": "scan\u202efdp.exe"}.items()],
]


def _letters(w):
    return w.services.letters


UNIT_DECISIONS = [
    *[Bad(f"allocate-unit-{name}", (lambda w, v=value: _letters(w).allocate(w.lw.mpcs, w.registered.id, v)),
          "unit", pg=name == "nul") for name, value in
      {"nul": "AS" + NUL + "Y1", "int": 1, "none": None, "unknown": "NOWHERE", "sql": "ASY1" + SQL}.items()],
    *[Bad(f"letter-id-{name}", (lambda w, v=value: _letters(w).allocate(w.lw.mpcs, v, "ASY1")), "letter",
          error=NotFound, pg=True) for name, value in {"text": "x", "65-bit": 2**64}.items()],
    *[Bad(f"accept-barrier-{name}", (lambda w, v=value: _letters(w).accept(
        w.lw.wm, w.allocated.id, barrier_to_removal=v)), "barrier_to_removal")
      for name, value in {"text": "no", "none": None}.items()],
    *text_cases("accept-no-barrier-reason", "reason", lambda w, v: _letters(w).accept(
        w.lw.wm, w.allocated.id, barrier_to_removal=False, no_barrier_reason=v), good="No removal set"),
    Bad("reject-reason-empty", lambda w: _letters(w).reject(w.lw.wm, w.allocated.id, reason=""), "reason"),
    *text_cases("reject-reason", "reason", lambda w, v: _letters(w).reject(w.lw.wm, w.allocated.id, reason=v),
                good="Not ours"),
    *[Bad(f"reject-suggested-unit-{name}", (lambda w, v=value: _letters(w).reject(
        w.lw.wm, w.allocated.id, reason="Not ours", suggested_unit=v)), "unit", pg=name == "nul")
      for name, value in {"nul": "E" + NUL + "UR", "int": 5, "unknown": "NOWHERE"}.items()],
    *[Bad(f"case-owner-{name}", (lambda w, v=value: _letters(w).allocate_to_case_owner(w.lw.wm, w.accepted.id, v)),
          "case_owner", pg=name == "text")
      for name, value in {"text": "owner", "none": None, "65-bit": 2**64}.items()],
]


def _note(**kw):
    values = {**NOTE, **kw}
    return lambda w: _letters(w).save_background_note(w.lw.co, w.drafting.id, **values)


DRAFTING = [
    *[Bad(f"note-phone-{name}", _note(drafting_officer_phone=value), "phone", pg=name in ("nul", "premium"))
      for name, value in {"letters": "ext. ABC", "premium": "0906 123 4567", "premium-0871": "0871 234 5678",
                          "foreign-without-plus": "33 1 42 68 53 00", "too-long": "0" * 41, "empty": "",
                          "int": 2081960000, "nul": "020 8196" + NUL + "0000", "formula": "=2081960000"}.items()],
    *text_cases("note-background", "background", lambda w, v: _note(background=v)(w),
                good="Claim refused in 2025.", one_line=False),
    *text_cases("note-officer", "drafting officer", lambda w, v: _note(drafting_officer_name=v)(w),
                good="Owen Caseworker"),
    Bad("note-reply-still-wanted-text", _note(reply_still_wanted="no"), "reply_still_wanted"),
    Bad("submit-draft-empty", lambda w: _letters(w).submit_to_qa(w.lw.co, w.drafting.id, draft=""), "draft"),
    *text_cases("submit-draft", "draft", lambda w, v: _letters(w).submit_to_qa(w.lw.co, w.drafting.id, draft=v),
                good="Thank you for your letter.", one_line=False),
    *text_cases("qa-return-note", "note", lambda w, v: _letters(w).qa_return(w.lw.scw, w.in_qa.id, v),
                good="Please check the dates.", one_line=False),
    Bad("reallocation-reason-empty", lambda w: _letters(w).request_reallocation(w.lw.co, w.drafting.id, ""),
        "reason"),
]

SIGNING = [
    *[Bad(f"minister-sign-{name}", (lambda w, v=value: _letters(w).minister_sign(w.lw.po, w.with_po.id, signed_by=v)),
          "signed", pg=name == "nul")
      for name, value in {"nul": "Anne" + NUL, "none": None, "int": 5, "bidi": "Anne\u202eMinister"}.items()],
    *[Bad(f"dispatch-channel-{name}", (lambda w, v=value: _letters(w).dispatch(w.lw.tl, w.signed.id,
                                                                              reply_channel=v)), "reply_channel",
          pg=name == "nul") for name, value in {"unknown": "pigeon", "none": None, "int": 5,
                                                "nul": "letter" + NUL}.items()],
    *text_cases("dispatch-agreement", "agreement", lambda w, v: _letters(w).dispatch(
        w.lw.tl, w.signed.id, reply_channel="email", mp_agreement=v), good="Agreed on 24 Nov"),
    *[Bad(f"cancelling-ground-{name}", (lambda w, v=value: _letters(w).reject_for_cancelling(
        w.lw.wm, w.accepted.id, ground=v, reason="FOI only")), "ground") for name, value in
      {"unknown": "bored", "none": None, "int": 5, "nul": "foi_only" + NUL}.items()],
    Bad("cancel-reason-none", lambda w: _letters(w).cancel(w.lw.mpcs, w.registered.id, None), "reason"),
    *text_cases("cancel-reason", "reason", lambda w, v: _letters(w).cancel(w.lw.mpcs, w.registered.id, v),
                good="Duplicate", huge=False),
]


def _lift(**kw):
    values = dict(agreeing_unit="EUR", written_agreement=SCAN)
    values.update(kw)
    return lambda w: _letters(w).lift_enforcement(w.lw.mpcs, w.enforced.id, **values)


ADMIN = [
    *[Bad(f"lift-agreement-{name}", _lift(written_agreement=value), "written_agreement", pg=name == "huge")
      for name, value in {"not-pdf": b"hello", "huge": HUGE_PDF, "none": None, "text": "%PDF-1.4"}.items()],
    *[Bad(f"lift-unit-{name}", _lift(agreeing_unit=value), "unit", pg=name == "nul")
      for name, value in {"nul": "E" + NUL + "UR", "int": 5, "unknown": "NOWHERE"}.items()],
    *[Bad(f"lift-filename-{name}", _lift(filename=value), "file name") for name, value in
      {"int": 5, "nul": "a" + NUL + ".pdf"}.items()],
    *[Bad(f"dissolution-{name}", (lambda w, v=value: _letters(w).set_dissolution_date(w.lw.mpcs, v)),
          "dissolution date", pg=name == "datetime") for name, value in
      {"text": "2026-11-01", "datetime": datetime(2026, 11, 1, tzinfo=timezone.utc), "int": 20261101}.items()],
    *[Bad(f"purge-day-{name}", (lambda w, v=value: _letters(w).purge_documents(w.base.admin, v)), "today|future")
      for name, value in {"future": date(2030, 1, 1), "text": "2026-01-01", "datetime": MONDAY_MORNING}.items()],
    *[Bad(f"reply-template-{name}", (lambda w, v=value: _letters(w).generate_reply(
        w.lw.co, w.drafting.id, template=v, signatory_name="Tariq Leader", signatory_title="Team leader")),
          "template")
      for name, value in {"unknown": "sonnet", "none": None, "companion": "in_confidence_forwardable"}.items()],
    *text_cases("reply-signatory", "signatory", lambda w, v: _letters(w).generate_reply(
        w.lw.co, w.drafting.id, template="third_party", signatory_name=v, signatory_title="Team leader"),
        good="Tariq Leader"),
]


def _unit(**kw):
    values = dict(code="NEW", name="New Unit")
    values.update(kw)
    return lambda w: w.services.units.create_unit(w.base.admin, **values)


UNITS = [
    *[Bad(f"unit-code-{name}", _unit(code=value), "unit code", pg=name == "nul") for name, value in
      {"punctuation": "A B!", "nul": "NE" + NUL + "W", "int": 5, "empty": "", "too-long": "X" * 17,
       "sql": "NEW" + SQL}.items()],
    *[Bad(f"unit-nation-{name}", _unit(nation=value), "nation") for name, value in
      {"unknown": "FRA", "none": None, "int": 1}.items()],
    *[Bad(f"unit-head-email-{name}", _unit(head_email=value), "e-mail") for name, value in
      {"no-at": "nope", "space": "a b@c.org"}.items()],
    Bad("unit-name-empty", _unit(name=""), "unit's name"),
    *text_cases("unit-name", "unit name", lambda w, v: _unit(name=v)(w), good="New Unit", huge=False),
    Bad("unit-member-unit-nul", lambda w: w.services.units.add_member(w.base.admin, "AS" + NUL + "Y1", w.base.agent.id),
        "unit", error=NotFound, pg=True),
]


def _by_hand(note, message_id=None):
    return lambda w: w.services.outbox.mark_sent_by_hand(w.base.agent, message_id or w.outbox_id, note)


OUTBOX = [
    Bad("by-hand-note-too-short", _by_hand("ok"), "say how and to whom"),
    Bad("by-hand-note-none", _by_hand(None), "say how and to whom"),
    *text_cases("by-hand-note", "note", lambda w, v: _by_hand(v)(w), good="Faxed to the LSE inbox at 14:20",
                one_line=False, pg=("nul", "1MB")),
    *[Bad(f"outbox-id-{name}", (lambda w, v=value: w.services.outbox.retry_now(w.base.agent, v)), "outbox message",
          error=NotFound, pg=True) for name, value in {"text": "x", "65-bit": 2**64}.items()],
]

CASES = REGISTER + UNIT_DECISIONS + DRAFTING + SIGNING + ADMIN + UNITS + OUTBOX

test_refused_on_sqlite, test_refused_on_postgresql = refusal_tests(CASES)
