"""Local autosave of the call being typed, so an agent's unsaved enquiry survives a crash.

The call screen writes what has been typed into the open call (but not yet
saved to the database) to one small JSON file per user and database, a second
or two after the last keystroke.  A normal save, finish or new call deletes it;
after a crash the next start finds it and offers it back.

Why a local file and not the database: the draft exists precisely because the
save to the database has not happened (the desk crashed, the network dropped,
the agent had not pressed Ctrl+S yet), and only the agent who typed it should
get it back.  The file holds personal data typed during a verified call, so it
lives in the user's own data directory, is readable by that user only (0600)
and is removed as soon as the call is saved.  It is replaced atomically
(write to a temporary file, then ``os.replace``) so a crash while writing
leaves the previous draft, never half a file.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from ..paths import user_data

DRAFT_FORMAT = 1
STALE_TEMPORARY_SECONDS = 600  # a draft is written in milliseconds: a temporary file this old is a crash's

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallDraft:
    """What was typed into one open call; ``fields`` maps the call screen's field names to text or flags.

    ``base`` holds the record's details as they were at ``record_version``
    (what the typing started from), so that a recovery after someone else
    changed the record can merge rather than overwrite (``domain.edits``).
    """

    enquiry_id: int
    reference: str
    record_version: int
    saved_at: datetime
    fields: dict[str, object] = field(default_factory=dict)
    base: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> str:
        data = asdict(self)
        data["saved_at"] = self.saved_at.isoformat()
        data["format"] = DRAFT_FORMAT
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> CallDraft:
        data = json.loads(text)
        if data.get("format") != DRAFT_FORMAT:
            raise ValueError(f"unknown draft format {data.get('format')!r}")
        saved_at = datetime.fromisoformat(data["saved_at"])
        if saved_at.tzinfo is None:
            raise ValueError("draft time has no time zone")
        fields, base = data.get("fields") or {}, data.get("base") or {}
        if not isinstance(fields, dict) or not isinstance(base, dict):
            raise ValueError("draft fields are not a mapping")
        return cls(enquiry_id=int(data["enquiry_id"]), reference=str(data["reference"]),
                   record_version=int(data["record_version"]), saved_at=saved_at, fields=fields, base=base)


class DraftStore:
    """One draft file per (user, database) in ``directory``."""

    def __init__(self, directory: Path, username: str, database: str):
        self.directory = Path(directory)
        # The database goes into the name as a hash: the URL may name a server and must not leak into file names.
        db_tag = hashlib.sha256(database.encode("utf-8")).hexdigest()[:12]
        safe_user = re.sub(r"[^a-z0-9_.-]", "_", username.lower())[:40] or "user"
        self.path = self.directory / f"call-draft-{safe_user}-{db_tag}.json"

    def save(self, draft: CallDraft) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".call-draft-", suffix=".tmp", dir=self.directory)
        try:
            os.chmod(tmp, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(draft.to_json())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self) -> CallDraft | None:
        """The saved draft, or None.

        A draft that cannot be read is deleted, not kept aside: it can never be
        offered back, and it holds personal data typed during a call, which must
        not stay on the disk (issue #19 finding 15).  So are what earlier versions
        set aside (``.damaged``) and temporary files a crash left half-written.
        """
        self._remove_leftovers()
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (UnicodeDecodeError, OSError):
            text = None
        try:
            if text is None:
                raise ValueError("unreadable draft")
            return CallDraft.from_json(text)
        except (ValueError, KeyError, TypeError):
            log.warning("an unreadable call draft was deleted: %s", self.path.name)
            self.path.unlink(missing_ok=True)
            return None

    def _remove_leftovers(self) -> None:
        self.path.with_suffix(".damaged").unlink(missing_ok=True)
        # Another desk of the same person may be writing its own temporary file this very moment: only
        # those old enough to be a crash's are removed.
        cutoff = time.time() - STALE_TEMPORARY_SECONDS
        for tmp in self.directory.glob(".call-draft-*.tmp"):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink(missing_ok=True)
            except OSError:
                continue

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def user_draft_store(username: str, database_url: str) -> DraftStore:
    """The signed-in user's draft store, in their own data directory."""
    return DraftStore(user_data() / "drafts", username, database_url)
