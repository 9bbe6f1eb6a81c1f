"""Use cases of MPs' letters on CTS (issue 4): from MPCS registration to dispatch of the reply.

Every change takes the acting user first and goes through the domain's
``check`` (``domain.correspondence.lifecycle``) with the facts filled from
the database and the clock, plus what only the database can tell: that a
unit's staff act on their own unit's letters, that only the case owner does
the case owner's part, and that a restricted letter is invisible to anyone
but its named handlers.  The audit trail (entity ``"letter"``) is written in
the same transaction as the change; results are immutable records
(``domain.letter_records``).

Mutating methods take ``expected_version`` (the version the person saw) and
raise ``StaleRecord`` when someone else changed the letter since.  Two desks
doing the same thing at once: the second waits for the first (a row lock on
PostgreSQL, the write lock on SQLite) and is then refused by the rules, so
exactly one succeeds.

The use cases live in one small module per lifecycle stage, mixed in
here: registration (``letters.registration``), allocation and the
workflow manager's decisions (``letters.allocation_steps``), the case
owner's drafting (``letters.drafting``), QA, signing and dispatch
(``letters.signing``), and a general election (``letters.elections``).
Workstacks, "get next case" and the other queries are in
``letters.queries``; reply letters and the retention purge in
``letters.documents``; linking letters from several MPs about one person in
``letters.groups`` [CORR 2.6]; flagging a letter about Agency staff to the
line manager in ``letters.staff`` [CORR 2.5]; drafting units in
``letters.units``.

Several MPs on one person [CORR 2.6]: a letter that gets a copy of another
MP's reply goes through the lifecycle like any other, its reply being the
covering note, and is dispatched only after the reply it copies has gone; its
dispatch records which reply it copied (``domain.correspondence.links``).
"""
from __future__ import annotations

from .letters.allocation_steps import LetterAllocation
from .letters.cover import WorkstackCovers
from .letters.documents import LetterDocuments
from .letters.drafting import LetterDrafting
from .letters.elections import LetterElections
from .letters.groups import LetterGroups
from .letters.meetings import MeetingRequests
from .letters.ophso import OphsoRemedies
from .letters.queries import LetterQueries
from .letters.registration import LetterRegistration
from .letters.signing import LetterSigning
from .letters.staff import StaffLetters
from .letters.why_due import LetterDueExplanations


class CorrespondenceService(LetterRegistration, LetterAllocation, LetterDrafting, LetterSigning, LetterElections,
                            LetterQueries, LetterDocuments, LetterGroups, StaffLetters, WorkstackCovers,
                            MeetingRequests, OphsoRemedies, LetterDueExplanations):
    """Every use case of an MP's letter, one object for the composition root (``app.Services.letters``)."""
