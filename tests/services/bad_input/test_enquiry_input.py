"""Malformed input to the enquiry log (services/enquiries.py): logging a call, the caller and passcode,
the subject's details and the write-up, the team leader's filter, the region's response, deletion."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime


from mpel_app.domain.errors import NotFound
from mpel_app.domain.records import Disclosure

from .cases import (ARABIC_INDIC_DIGITS, FULLWIDTH_DIGITS, MEGABYTE, NUL, SQL, Bad, refusal_tests,
                    text_cases)
from .world import QUESTION, SUBJECT

TODAY = date(2026, 11, 23)


def _details(w, *, subject=SUBJECT, question=QUESTION, answer="", written_confirmation=False):
    return w.services.enquiries.update_details(w.base.agent, w.open_call.id, subject=subject, question=question,
                                               answer=answer, written_confirmation=written_confirmation)


def _subject(**changes):
    return lambda w, v: _details(w, subject=replace(SUBJECT, **{k: v for k in changes}))


def _start(channel="telephone", **kw):
    return lambda w: w.services.enquiries.start(w.base.agent, channel, **kw)


def _caller(kind="caseworker", name="Sam Clerk", member=None):
    return lambda w: w.services.enquiries.set_caller(w.base.agent, w.locked_call.id,
                                                     member_id=w.base.mp.id if member is None else member,
                                                     caller_kind=kind, caller_name=name)


START = [
    Bad("start-channel-unknown", _start("carrier pigeon"), "channel"),
    Bad("start-channel-none", _start(None), "channel"),
    Bad("start-channel-int", _start(5), "channel"),
    Bad("start-prefix-XYZ", _start(prefix="XYZ"), "prefix"),
    Bad("start-prefix-int", _start(prefix=5), "prefix"),
    Bad("start-prefix-nul", _start(prefix="MPH" + NUL), "prefix", pg=True),
]

CALLER = [
    Bad("caller-kind-unknown", _caller(kind="mp"), "caller kind"),
    Bad("caller-kind-none", _caller(kind=None), "caller kind"),
    Bad("caller-member-text", _caller(member="1"), "member"),
    Bad("caller-member-65-bit", _caller(member=2**70), "member", pg=True),
    Bad("caller-member-negative", _caller(member=-1), "member"),
    Bad("caller-member-bool", _caller(member=True), "member"),
    Bad("caller-caseworker-without-name", _caller(name=""), "caseworker's name"),
    *text_cases("caller-name", "caller name", lambda w, v: _caller(name=v)(w), good="Sam Clerk"),
    *[Bad(f"caller-name-formula-{c}", _caller(name=f"{c}HYPERLINK(1)"), "caller name.*formula")
      for c in "=+-@"],
]

PASSCODE = [
    Bad("passcode-int", lambda w: w.services.enquiries.verify_passcode(w.base.agent, w.locked_call.id, 7429),
        "passcode"),
    Bad("passcode-nul", lambda w: w.services.enquiries.verify_passcode(w.base.agent, w.locked_call.id, "74\x0029"),
        "passcode", pg=True),
    Bad("passcode-1MB", lambda w: w.services.enquiries.verify_passcode(w.base.agent, w.locked_call.id, MEGABYTE),
        "passcode"),
    Bad("passcode-bidi", lambda w: w.services.enquiries.verify_passcode(w.base.agent, w.locked_call.id,
                                                                       "\u202e9247"), "passcode"),
]

DETAILS = [
    *text_cases("subject-name", "subject name", _subject(name=1)),
    *[Bad(f"subject-name-formula-{c}", (lambda w, c=c: _subject(name=1)(w, f"{c}cmd|' /C calc'!A0")),
          "subject name.*formula") for c in "=+-@"],
    *text_cases("nationality", "nationality", _subject(nationality=1), good="Iranian"),
    *text_cases("ho-reference", "home office reference", _subject(ho_reference=1), good="R1234567"),
    Bad("ho-reference-fullwidth-digits", lambda w: _subject(ho_reference=1)(w, "R" + FULLWIDTH_DIGITS + "7"),
        "home office reference"),
    Bad("ho-reference-arabic-indic-digits",
        lambda w: _subject(ho_reference=1)(w, "R" + ARABIC_INDIC_DIGITS + "7"), "home office reference"),
    Bad("ho-reference-sql", lambda w: _subject(ho_reference=1)(w, "R1" + SQL), "home office reference"),
    Bad("ho-reference-punctuation", lambda w: _subject(ho_reference=1)(w, "R12#34"), "home office reference"),
    *text_cases("cts-reference", "cts reference", _subject(cts_reference=1), good="M12345/26"),
    *[Bad(f"cts-reference-{name}", (lambda w, v=value: _subject(cts_reference=1)(w, v)), "cts reference")
      for name, value in {
          "hotline-reference": "MPH123456", "four-digits": "M1234/26", "six-digits": "M123456/26",
          "wrong-letter": "X12345/26", "no-slash": "M12345-26", "four-digit-year": "M12345/2026",
          "fullwidth-digits": "M１２３４５/26", "arabic-indic-digits": "M" + ARABIC_INDIC_DIGITS[:5] + "/26",
          "sql": "M12345/26" + SQL}.items()],
    Bad("dob-future", lambda w: _subject(date_of_birth=1)(w, date(2030, 1, 1)), "date of birth", pg=True),
    Bad("dob-tomorrow", lambda w: _subject(date_of_birth=1)(w, date(2026, 11, 24)), "date of birth"),
    Bad("dob-1899", lambda w: _subject(date_of_birth=1)(w, date(1899, 12, 31)), "date of birth"),
    Bad("dob-text", lambda w: _subject(date_of_birth=1)(w, "1990-05-04"), "date of birth"),
    Bad("dob-int", lambda w: _subject(date_of_birth=1)(w, 19900504), "date of birth"),
    Bad("dob-datetime", lambda w: _subject(date_of_birth=1)(w, datetime(1990, 5, 4, 12, 0)), "date of birth"),
    *text_cases("question", "question", lambda w, v: _details(w, question=v), good=QUESTION, one_line=False),
    *text_cases("answer", "answer", lambda w, v: _details(w, answer=v), good="We will write.", one_line=False),
    Bad("subject-none", lambda w: _details(w, subject=None), "subject"),
    Bad("subject-text", lambda w: _details(w, subject="Ali Rezaei"), "subject"),
    Bad("written-confirmation-text", lambda w: _details(w, written_confirmation="no"), "written confirmation"),
    Bad("written-confirmation-none", lambda w: _details(w, written_confirmation=None), "written confirmation"),
]

DISCLOSURE = [
    Bad("disclosure-none", lambda w: w.services.enquiries.record_disclosure(w.base.agent, w.open_call.id, None),
        "disclosure"),
    Bad("disclosure-flag-text", lambda w: w.services.enquiries.record_disclosure(
        w.base.agent, w.open_call.id, Disclosure(constituency_mp="yes")), "constituency mp"),
]


def _refuse(w, reason):
    return w.services.enquiries.refuse(w.base.agent, w.locked_call.id, reason)


def _leader_answer(w, answer):
    return w.services.enquiries.leader_answer(w.base.leader, w.further.id, answer)


def _response(w, response):
    return w.services.enquiries.complete_with_response(w.base.am_lse, w.with_region.id, response)


def _delete(w, reason):
    return w.services.enquiries.delete(w.base.leader, w.further.id, reason)


WORKFLOW = [
    Bad("refuse-reason-empty", lambda w: _refuse(w, "  "), "reason"),
    *text_cases("refuse-reason", "reason", _refuse, good="No passcode"),
    Bad("leader-answer-empty", lambda w: _leader_answer(w, ""), "answer"),
    *text_cases("leader-answer", "answer", _leader_answer, good="Decided on 1 March.", one_line=False),
    Bad("send-to-region-XYZ", lambda w: w.services.enquiries.send_to_region(w.base.leader, w.further.id, "XYZ"),
        "region"),
    Bad("send-to-region-int", lambda w: w.services.enquiries.send_to_region(w.base.leader, w.further.id, 7),
        "region"),
    Bad("send-to-region-nul", lambda w: w.services.enquiries.send_to_region(w.base.leader, w.further.id,
                                                                           "LS" + NUL), "region", pg=True),
    Bad("change-region-none", lambda w: w.services.enquiries.change_region(w.base.leader, w.with_region.id, None),
        "region"),
    Bad("change-region-sql", lambda w: w.services.enquiries.change_region(w.base.leader, w.with_region.id,
                                                                         "LSE" + SQL), "region"),
    *[Bad(f"file-needed-{name}", (lambda w, v=value: w.services.enquiries.set_file_needed(
        w.base.am_lse, w.with_region.id, v)), "file needed") for name, value in
      {"text": "no", "none": None, "int": 1}.items()],
    Bad("response-empty", lambda w: _response(w, " "), "response"),
    *text_cases("response", "response", _response, good="Told the office.", one_line=False),
    Bad("delete-reason-empty", lambda w: _delete(w, ""), "reason"),
    Bad("delete-reason-too-short", lambda w: _delete(w, "oops"), "reason"),
    *text_cases("delete-reason", "reason for deletion", _delete, good="Entered twice"),
]

IDS = [Bad(f"enquiry-id-{name}", (lambda w, v=value: w.services.enquiries.get(w.base.agent, v)), "enquiry",
           error=NotFound, pg=name in ("text", "65-bit"))
       for name, value in {"text": "1", "65-bit": 2**64, "negative": -1, "none": None, "bool": True,
                           "float": 1.0}.items()]

CASES = START + CALLER + PASSCODE + DETAILS + DISCLOSURE + WORKFLOW + IDS

test_refused_on_sqlite, test_refused_on_postgresql = refusal_tests(CASES)
