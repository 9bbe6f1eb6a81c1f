"""Where the open call stands, as every section of the call screen needs to know it: ``CallState``.

The view works it out once from the record and hands it to each section,
which enables its own widgets; no section reads another's widgets.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...domain.enquiry_flow import MAX_PASSCODE_ATTEMPTS
from ...domain.records import EnquiryRecord, EnquiryStatus


@dataclass(frozen=True)
class CallState:
    open_call: bool = False  # a call is open (not completed, passed on or refused)
    verified: bool = False  # ... and its passcode is verified: the case may be taken
    refused_only: bool = False  # ... three wrong passcodes: the only way on is to refuse
    once_verified: bool = False  # the record's passcode was verified (open or not)

    @classmethod
    def of(cls, rec: EnquiryRecord | None) -> CallState:
        open_call = rec is not None and rec.status is EnquiryStatus.OPEN
        verified = open_call and rec.passcode_verified
        return cls(open_call=open_call, verified=verified,
                   refused_only=open_call and not verified and rec.passcode_failures >= MAX_PASSCODE_ATTEMPTS,
                   once_verified=rec is not None and rec.passcode_verified)
