"""The case view's "Special handling" tab (issue 15): each special case of the guidance, where the desk does it.

``LetterStepsPanel(ctx)`` reads, for the letter shown (``show_letter``),
what is recorded of its special case, its reply plan, its contributions and
the person's units, then shows the sections (``letter_sections``) that apply:
what kind of letter it is (FOI, Welsh, meeting, election facts), limited
disclosure to a family member or sponsor, passing on an allegation, a policy
meeting for the Private Office, the Welsh translation, the barrier to
removal, expediting, an interim reply, OPHSO apologies, contributions and a
warning of delay, and MPCS's check-in of an off-line unit's reply.  A
section's success emits ``changed``: the case view reads the letter again.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ..domain.errors import ValidationError
from ..domain.letter_records import LetterRecord
from .context import DeskContext
from .letter_sections.allegation import AllegationSection
from .letter_sections.base import CaseView, StepSection
from .letter_sections.disclosure import DisclosureSection
from .letter_sections.drafting_help import ContributionsSection, DelaySection
from .letter_sections.facts import LetterFactsSection
from .letter_sections.meeting import MeetingSection
from .letter_sections.offline import OfflineSection
from .letter_sections.ophso import OphsoSection
from .letter_sections.removal import BarrierSection, ExpediteSection, InterimSection
from .letter_sections.welsh import WelshSection
from .widgets import MessageLabel, error_text, tab_chain

# In the order a drafter meets them.
SECTIONS = (OfflineSection, LetterFactsSection, DisclosureSection, AllegationSection, MeetingSection,
            WelshSection, OphsoSection, ContributionsSection, DelaySection, BarrierSection, ExpediteSection,
            InterimSection)


class LetterStepsPanel(QScrollArea):
    changed = Signal()
    loaded = Signal(object)  # the CaseView, after every load

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.setWidgetResizable(True)
        self.setAccessibleName("Special handling")
        inner = QWidget()
        layout = QVBoxLayout(inner)
        self.none_label = QLabel("Nothing special for you to do on this letter.")
        self.none_label.setStyleSheet("color: #555;")
        layout.addWidget(self.none_label)
        self.message = MessageLabel("Special handling message")
        layout.addWidget(self.message)
        self.sections: dict[type, StepSection] = {}
        for cls in SECTIONS:
            section = cls(ctx)
            section.hide()
            section.changed.connect(self.changed)
            layout.addWidget(section)
            self.sections[cls] = section
        layout.addStretch(1)
        self.setWidget(inner)
        self.case: CaseView | None = None

    def section(self, cls: type) -> StepSection:
        return self.sections[cls]

    def show_letter(self, rec: LetterRecord) -> None:
        ctx = self._ctx
        letters = ctx.services.letters

        def load() -> CaseView:
            facts = letters.special_facts(ctx.user, rec.id)
            try:
                plan = letters.reply_plan(ctx.user, rec.id)
            except ValidationError:
                plan = None  # the warnings above say why
            return CaseView(rec, facts, plan, tuple(letters.contributions(ctx.user, rec.id)),
                            frozenset(ctx.services.units.units_of(ctx.user.id)))

        ctx.runner.submit(load, self._show, lambda exc: self.message.show_error(error_text(exc)), owner=self)

    def _show(self, case: CaseView) -> None:
        self.case = case
        self.message.clear()
        for section in self.sections.values():
            section.show_case(case)
        visible = [s for s in self.sections.values() if not s.isHidden()]
        self.none_label.setVisible(not visible)
        fields = [w for s in visible for w in s.findChildren(QWidget) if w.focusPolicy() & Qt.TabFocus and w.isEnabled()]
        if len(fields) > 1:
            tab_chain(*fields)
        self.loaded.emit(case)
