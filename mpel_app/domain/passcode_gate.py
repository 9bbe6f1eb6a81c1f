"""The passcode gate as one rule: may this person be shown this enquiry's subject data? (domain-rules §5)

An enquiry's subject data (name, date of birth, nationality, Home Office and
CTS references, the case text, the removal time) may be shown only while the
MP office's passcode is verified for the member now on the call.  A record can
lock again: the passcode was verified for one member and the caller then
changed to another.  Every way out of the services asks this module: opening
the record (``get``), its history (``audit_trail``), the urgent plan and the
search results (``find``).

Search results (the decision): a locked record found by a personal key (its
subject's name, nationality, Home Office or CTS reference) is left out
altogether, because the match itself says what the record holds ("MPH000123
is about a Khan").  Found by its hotline reference, which says nothing about
the subject, it is listed with the subject's fields blank.
"""
from __future__ import annotations

from dataclasses import replace

from . import permissions as perm
from .permissions import Action
from .records import EnquirySummary, SearchKey, UserRecord

# Search keys whose text is the subject's personal data.
PERSONAL_SEARCH_KEYS = frozenset({SearchKey.SUBJECT_NAME, SearchKey.NATIONALITY, SearchKey.HO_REFERENCE,
                                  SearchKey.CTS_REFERENCE})


def unlocked(passcode_verified: bool) -> bool:
    """Whether a record's subject data may leave the service at all: only while its passcode is verified."""
    return bool(passcode_verified)


def may_see_personal_data(actor: UserRecord, *, passcode_verified: bool) -> bool:
    """Whether ``actor`` may be shown an enquiry's subject data now."""
    return unlocked(passcode_verified) and perm.allowed(actor, Action.FIND_ENQUIRY)


def search_result(actor: UserRecord, key: SearchKey, item: EnquirySummary,
                  passcode_verified: bool) -> EnquirySummary | None:
    """``item`` as ``actor`` may see it in the results of a search by ``key``: as it is, with the
    subject's fields blank, or None (left out: the match itself would disclose)."""
    if may_see_personal_data(actor, passcode_verified=passcode_verified):
        return item
    if key in PERSONAL_SEARCH_KEYS:
        return None
    return replace(item, subject_name="", nationality="", ho_reference="", cts_reference="")
