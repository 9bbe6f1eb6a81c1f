"""A warning beside every button that sends a note to a region's inbox, when the note will not arrive (issue 14).

A region whose inbox address is missing, malformed or a placeholder, or a desk
with no mail set up, must be seen before the note goes, not found out when the
region never hears of the case.  The wording is ``domain.region_contacts.note_warning``'s;
this label only shows it (red, wrapped, hidden while there is nothing to say)
for the region chosen, from the regions' records the view already loaded.
"""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QLabel, QWidget

from ..domain.records import RegionRecord
from ..domain.region_contacts import note_warning
from .context import DeskContext

WARNING_STYLE = "color: #9b0000; font-weight: bold;"


def desk_sends_mail(ctx: DeskContext | None) -> bool:
    """Whether this desk delivers mail (an SMTP server is set up); a desk that does not say is taken not to."""
    return bool(ctx is not None and ctx.mail_configured and ctx.mail_configured())


class NoteWarning(QLabel):
    """Shows ``note_warning`` for one region, or nothing."""

    def __init__(self, ctx: DeskContext | None, name: str = "Note warning", parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._name = name
        self._regions: dict[str, RegionRecord] = {}
        self.setWordWrap(True)
        self.setStyleSheet(WARNING_STYLE)
        self.setAccessibleName(name)
        self.hide()

    def set_regions(self, regions: Iterable[RegionRecord]) -> None:
        self._regions = {r.code: r for r in regions}

    def show_for(self, region_code: str | None) -> str | None:
        """Say what is wrong with sending a note to ``region_code`` (None: no region yet, nothing to say);
        returns the text shown."""
        region = self._regions.get(region_code) if region_code else None
        text = (note_warning(region.name, region.inbox_address, mail_configured=desk_sends_mail(self._ctx))
                if region is not None else None)
        self.setText(text or "")
        self.setAccessibleName(f"{self._name}: {text}" if text else self._name)
        self.setVisible(bool(text))
        return text
