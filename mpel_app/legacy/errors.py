"""What can go wrong opening a legacy Access file, each with a message a person can act on."""
from __future__ import annotations

from ..domain.errors import MpelError


class LegacyFileError(MpelError):
    """The file cannot be read as the MPEL Access database; the message says why and what to do."""


class ReaderMissing(LegacyFileError):
    """No reader for Access files is installed; the message names what to install."""
