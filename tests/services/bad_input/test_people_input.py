"""Malformed input about people: members and their offices' passcodes (services/members.py), user
accounts, sign-in and passwords (services/users.py)."""
from __future__ import annotations

from mpel_app.domain.errors import AuthenticationFailed, NotFound
from mpel_app.domain.records import Role

from .cases import MEGABYTE, NUL, SQL, Bad, refusal_tests, text_cases

GOOD_PASSWORD = "a long pass phrase"
PHONE_CASES = {
    "letters": "020 ABCD EFGH", "too-short": "0207", "emergency": "999", "premium-0906": "0906 123 4567",
    "premium-0871": "0871 234 5678", "foreign-without-plus-fr": "33 1 42 68 53 00",
    "foreign-without-plus-us": "1 202 555 0100", "foreign-national-format": "01 42 68 53 00",
    "one-digit-too-many": "020 7219 30001", "formula": "=2072193000", "nul": "020 7219" + NUL + "3000",
    "1MB": "1" * 1_000_000, "int": 2072193000,
}


def _add(**kw):
    values = dict(name="Jo Bloggs", region_code="LSE")
    values.update(kw)
    return lambda w: w.services.members.add(w.base.admin, **values)


def _add_with(key):
    return lambda w, v: _add(**{key: v})(w)


MEMBERS = [
    Bad("member-name-empty", _add(name=" "), "member's name"),
    *text_cases("member-name", "name", _add_with("name"), good="Jo Bloggs", pg=("nul", "lone-surrogate")),
    *[Bad(f"member-name-formula-{c}", _add(name=f"{c}SUM(A1:A9)"), "name.*formula") for c in "=+-@"],
    *text_cases("constituency", "constituency", _add_with("constituency"), good="Holborn"),
    Bad("member-kind-unknown", _add(kind="Lord"), "kind"),
    Bad("member-kind-none", _add(kind=None), "kind"),
    *[Bad(f"member-region-{name}", _add(region_code=value), "region", pg=name == "nul")
      for name, value in {"unknown": "XYZ", "nul": "LS" + NUL, "none": None, "int": 5, "sql": "LSE" + SQL}.items()],
    *[Bad(f"member-office-phone-{name}", _add(office_phone=value), "office telephone",
          pg=name in ("nul", "premium-0906")) for name, value in PHONE_CASES.items()],
    *[Bad(f"member-office-fax-{name}", _add(office_fax=value), "office fax")
      for name, value in {"premium": "0906 123 4567", "letters": "fax me"}.items()],
    *[Bad(f"member-office-email-{name}", _add(office_email=value), "office email")
      for name, value in {"no-at": "jo at example.org", "space": "jo smith@example.org",
                          "two-ats": "jo@@example.org", "no-domain-dot": "jo@example", "trailing-dot": "jo@example.",
                          "nul": "jo@exam" + NUL + "ple.org", "int": 5}.items()],
    *[Bad(f"member-privy-counsellor-{name}", _add(privy_counsellor=value), "privy counsellor")
      for name, value in {"text": "no", "int": 1, "none": None}.items()],
    *[Bad(f"member-passcode-{name}", _add(passcode=value), "passcode", pg=name == "nul")
      for name, value in {"too-short": "12", "spaces-only": "     ", "int": 1234, "nul": "12" + NUL + "34",
                          "bidi": "1234\u202e", "1MB": MEGABYTE, "newline": "12\n34"}.items()],
]


def _set_passcode(member_id, passcode):
    return lambda w: w.services.members.set_passcode(w.base.admin, w.base.mp.id if member_id is None else member_id,
                                                     passcode)


PASSCODES = [
    Bad("set-passcode-too-short", _set_passcode(None, " 1 "), "passcode"),
    Bad("set-passcode-1MB", _set_passcode(None, MEGABYTE), "passcode"),
    Bad("set-passcode-int", _set_passcode(None, 7429), "passcode"),
    Bad("set-passcode-nul", _set_passcode(None, "74" + NUL + "29"), "passcode", pg=True),
    Bad("set-passcode-zero-width", _set_passcode(None, "74\u200b29"), "passcode"),
    Bad("set-passcode-member-text", _set_passcode("x", "8888"), "member", error=NotFound, pg=True),
    Bad("set-passcode-member-65-bit", _set_passcode(2**64, "8888"), "member", error=NotFound, pg=True),
    Bad("set-passcode-member-unknown", _set_passcode(999_999, "8888"), "member", error=NotFound),
]


def _user(**kw):
    values = dict(username="newbie", full_name="New Person", password=GOOD_PASSWORD, roles={Role.CALL_AGENT})
    values.update(kw)
    return lambda w: w.services.users.create_user(w.base.admin, **values)


USERS = [
    *[Bad(f"username-{name}", _user(username=value), "username", pg=name == "nul")
      for name, value in {"space": "jo smith", "accented": "jöé", "arabic-indic-digits": "jo١٢",
                          "cyrillic-lookalike": "\u0430dmin", "sql": "x" + SQL, "empty": "", "none": None,
                          "int": 5, "nul": "jo" + NUL, "1MB": MEGABYTE, "at-sign": "jo@example.org",
                          "taken-other-case": "ADMIN", "bidi": "jo\u202e"}.items()],
    *[Bad(f"password-{name}", _user(password=value), "password", pg=name == "nul")
      for name, value in {"too-short": "short", "none": None, "int": 12345678901, "nul": "abcdefghij" + NUL,
                          "escape": "abcdefghij\x1b", "1MB": MEGABYTE, "leading-space": " " + GOOD_PASSWORD,
                          "bytes": GOOD_PASSWORD.encode()}.items()],
    Bad("full-name-empty", _user(full_name=""), "full name"),
    *text_cases("full-name", "full name", lambda w, v: _user(full_name=v)(w), good="New Person"),
    Bad("full-name-formula", _user(full_name="=1+1"), "full name.*formula"),
    *[Bad(f"roles-{name}", _user(roles=value), "role") for name, value in {
        "unknown": {"king"}, "text": "call_agent", "none": None, "empty": set(), "int": [5],
        "dict": {"call_agent": True}}.items()],
    *[Bad(f"grade-{name}", _user(grade=value), "grade") for name, value in {
        "lower-case": "heo", "int": 7, "words": "Grade 7", "nul": "HE" + NUL}.items()],
    *[Bad(f"user-region-{name}", _user(region_code=value), "region", pg=name == "nul")
      for name, value in {"unknown": "XYZ", "nul": "LS" + NUL, "int": 5}.items()],
    Bad("account-manager-without-region", _user(roles={Role.ACCOUNT_MANAGER}), "region"),
]


def _sign_in(username, password="correct horse battery"):
    return lambda w: w.services.users.authenticate(username, password)


SIGN_IN = [
    *[Bad(f"sign-in-username-{name}", _sign_in(value), "wrong username or password", error=AuthenticationFailed,
          pg=name == "nul") for name, value in {"nul": "ad" + NUL + "min", "int": 5, "none": None,
                                                "1MB": MEGABYTE, "bidi": "admin\u202e"}.items()],
    Bad("sign-in-password-int", _sign_in("nobody", 12345), "wrong username or password",
        error=AuthenticationFailed),
]


def _change_password(new):
    return lambda w: w.services.users.change_password(w.base.agent, "correct horse battery", new)


PASSWORDS = [Bad(f"change-password-{name}", _change_password(value), "password", pg=name == "nul")
             for name, value in {"none": None, "int": 12345678901, "nul": "abcdefghijk" + NUL, "short": "short",
                                 "1MB": MEGABYTE, "zero-width": "abcdefghijk\u200b"}.items()]

CASES = MEMBERS + PASSCODES + USERS + SIGN_IN + PASSWORDS

test_refused_on_sqlite, test_refused_on_postgresql = refusal_tests(CASES)
