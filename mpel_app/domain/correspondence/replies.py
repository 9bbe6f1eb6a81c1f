"""Ways of replying to an MP [CORR 1.10].

A Ministerial letter is answered by a Minister, the Chief Executive or her
deputy, so the reply must be a written letter.  An Official reply may be a
letter, an e-mail, a telephone call or the MP Account Manager resolving the
issue; every way but a letter needs the MP's agreement first, and the record
must say how the enquiry was answered.
"""
from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from ..errors import ValidationError
from .states import LetterKind


class ReplyChannel(StrEnum):
    LETTER = "letter"
    EMAIL = "email"
    TELEPHONE = "telephone"
    ACCOUNT_MANAGER = "account_manager"

    @property
    def label(self) -> str:
        return {
            ReplyChannel.LETTER: "Letter",
            ReplyChannel.EMAIL: "E-mail",
            ReplyChannel.TELEPHONE: "Telephone",
            ReplyChannel.ACCOUNT_MANAGER: "Resolved by the MP Account Manager",
        }[self]


_CHANNELS = {
    LetterKind.MINISTERIAL: (ReplyChannel.LETTER,),
    LetterKind.OFFICIAL: tuple(ReplyChannel),
}

# No letter to check in: a minute must say how the enquiry was resolved [CORR 1.10].
# (An e-mail reply is checked in like a letter, so it needs no separate minute.)
NEEDS_RESOLUTION_NOTE = frozenset({ReplyChannel.TELEPHONE, ReplyChannel.ACCOUNT_MANAGER})


def allowed_channels(kind: str) -> tuple[ReplyChannel, ...]:
    """The ways a letter of this kind may be answered, letter first."""
    return _CHANNELS[LetterKind(kind)]


def check_reply_channel(kind: str, fields: Mapping[str, object]) -> ReplyChannel:
    """Validate ``reply_channel`` (and what it needs) in ``fields``; return the channel.

    Needs: ``reply_channel``; for any non-letter channel ``mp_agreement`` (how
    and when the MP agreed); for telephone or account-manager resolution
    ``resolution_note`` too.
    """
    raw = fields.get("reply_channel")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError("reply_channel is required: record how the reply was sent")
    try:
        channel = ReplyChannel(str(raw).strip())
    except ValueError:
        valid = ", ".join(c.value for c in ReplyChannel)
        raise ValidationError(f"reply_channel {raw!r} is not one of {valid}") from None
    letter_kind = LetterKind(kind)
    if channel not in _CHANNELS[letter_kind]:
        raise ValidationError(
            f"reply_channel: a Ministerial reply must be a letter, not {channel.label.lower()} [CORR 1.10]"
        )
    if channel is not ReplyChannel.LETTER and not _text(fields.get("mp_agreement")):
        raise ValidationError(
            f"mp_agreement is required: record that the MP agreed to a reply by {channel.label.lower()} "
            "[CORR 1.10]"
        )
    if channel in NEEDS_RESOLUTION_NOTE and not _text(fields.get("resolution_note")):
        raise ValidationError("resolution_note is required: summarise how the enquiry was resolved [CORR 1.10]")
    return channel


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
