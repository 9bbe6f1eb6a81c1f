"""A person's phone identity: how the PBX names their phone, so a call ringing there finds their desk.

An administrator records, per user, the phone's AMI interface(s)
(``PJSIP/2001``; ``SIP/2001`` on older Asterisk), the extension (``2001``)
and the queues they work.  A PBX names the agent it rang or that answered
in its own way: an interface, sometimes with a channel suffix
(``PJSIP/2001-0000002a``) or a ``Local/2001@from-queue`` channel, or, in a
webhook, an extension or a user name.  ``answers_to`` decides whether such a
name is this person.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ValidationError

_INTERFACE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}/[A-Za-z0-9_.@+-]{1,60}")
_EXTENSION = re.compile(r"[0-9]{2,8}")
_QUEUE = re.compile(r"[A-Za-z0-9_.@+-]{1,80}")


@dataclass(frozen=True)
class PhoneIdentity:
    interfaces: tuple[str, ...] = ()
    extension: str = ""
    queues: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.interfaces or self.extension)

    def answers_to(self, name: str, username: str = "") -> bool:
        """True when the PBX's ``name`` for an agent is this person's phone (or, for webhooks, username)."""
        name = (name or "").strip()
        if not name:
            return False
        folded = name.lower()
        if username and folded == username.lower():
            return True
        if any(folded == i.lower() for i in self.interfaces):
            return True
        return bool(self.extension) and (name == self.extension or _extension_of(name) == self.extension)

    def works_queue(self, queue: str | None) -> bool:
        return bool(queue) and queue in self.queues


def _extension_of(name: str) -> str:
    """'PJSIP/2001-0000002a' -> '2001'; 'Local/2001@from-queue' -> '2001'; 'SIP/2001' -> '2001'."""
    tail = name.split("/", 1)[-1]
    return re.split(r"[@;-]", tail, maxsplit=1)[0]


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\s]+", text or "") if part.strip()]


def parse_identity(interfaces: str, extension: str, queues: str) -> PhoneIdentity:
    """Check what an administrator typed (comma- or space-separated lists); refuse what no PBX would send."""
    found_interfaces = _split(interfaces)
    for item in found_interfaces:
        if not _INTERFACE.fullmatch(item):
            raise ValidationError(f"'{item}' is not a phone interface: write it as the PBX does, e.g. PJSIP/2001")
    extension = (extension or "").strip()
    if extension and not _EXTENSION.fullmatch(extension):
        raise ValidationError(f"'{extension}' is not an extension: 2 to 8 digits, e.g. 2001")
    found_queues = _split(queues)
    for item in found_queues:
        if not _QUEUE.fullmatch(item):
            raise ValidationError(f"'{item}' is not a queue name the PBX would use (letters, digits, - _ .)")
    identity = PhoneIdentity(tuple(dict.fromkeys(found_interfaces)), extension, tuple(dict.fromkeys(found_queues)))
    if len(",".join(identity.interfaces)) > 200 or len(",".join(identity.queues)) > 400:
        raise ValidationError("too many interfaces or queues for one person")
    return identity


def identity_from_columns(interfaces: str, extension: str, queues: str) -> PhoneIdentity:
    """As stored (already checked): no validation, so a stored oddity never stops a call being matched."""
    return PhoneIdentity(tuple(_split(interfaces)), (extension or "").strip(), tuple(_split(queues)))
