"""When an MP dies (issue 4, [CORR 5.1]): MPCS lists the late Member's letters still to be answered.

``DeceasedMemberDialog(ctx)``: MPCS picks the Member (``member_picker.MemberPicker``)
and the dialog lists ``CorrespondenceService.letters_of_deceased_member``'s
``DeathReview`` — the letters not yet drafted, those drafted but awaiting
signature, and those signed but not yet sent — by CTS reference, with how the
drafting units must now address the replies.  The addressing of the
constituency office comes from the domain's ``late_mp_addressing`` for the
Member chosen, so the dialog repeats no rule of its own about names.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from ..domain.correspondence import DeathReview, late_mp_addressing
from ..domain.records import MemberRecord, Role
from .context import DeskContext
from .task_runner import LatestOnly
from .letter_death_section import DeathSection
from .member_picker import MemberPicker
from .widgets import (ListTableModel, MessageLabel, button, dialog_buttons, error_text, heading, labelled,
                      record_table, tab_chain)

DECEASED_SHORTCUT = "Ctrl+Shift+D"
COLUMNS = ("Reference", "Where it is", "What the unit does")
UNDRAFTED, UNSIGNED, SIGNED = "Not yet drafted", "Drafted, awaiting signature", "Signed, not yet sent"
TO_DO = {UNDRAFTED: "Draft the reply with the new addressing",
         UNSIGNED: "Re-address the draft before it is signed",
         SIGNED: "Change the addressing before it is sent"}


@dataclass(frozen=True)
class ReviewLine:
    reference: str
    where: str


def review_lines(review: DeathReview) -> list[ReviewLine]:
    return ([ReviewLine(r, UNDRAFTED) for r in review.undrafted]
            + [ReviewLine(r, UNSIGNED) for r in review.awaiting_signature]
            + [ReviewLine(r, SIGNED) for r in review.signed_not_sent])


def addressing_guidance(member: MemberRecord) -> str:
    """How replies to the late Member's letters are addressed, before and after the by-election [CORR 5.1]."""
    office = late_mp_addressing(member.name, after_by_election=False)
    return (f"Until the by-election: send the reply to the constituency office, addressed to "
            f"“{office.addressee}”, beginning “{office.salutation}”. If someone has taken on the late "
            f"Member's casework meanwhile, send them a full reply instead.\n"
            f"After the by-election: reply to the constituent directly, opening “{' '.join(member.name.split())} "
            f"previously wrote on [date of the letter] about…”. Do not copy in the new MP.")


class ReviewModel(ListTableModel):
    columns = COLUMNS

    def data(self, index, role=Qt.DisplayRole):
        line: ReviewLine | None = self.item(index.row()) if index.isValid() else None
        if line is None or role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        return (line.reference, line.where, TO_DO[line.where])[index.column()]


class DeceasedMemberDialog(QDialog):
    """MPCS: a late Member's unanswered letters and how to address the replies."""

    loaded = Signal()

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._latest = LatestOnly(ctx.runner)
        self.review: DeathReview | None = None
        self.setWindowTitle("A Member has died")
        self.resize(760, 520)

        intro = QLabel("When a Member dies, every letter of theirs not yet sent must be re-addressed [CORR 5.1]. "
                       "Choose the Member to list them.")
        intro.setWordWrap(True)
        self.picker = MemberPicker(ctx)
        form = QFormLayout()
        labelled(form, "&Member:", self.picker, self.picker.edit)
        self.picker.member_changed.connect(self._member_changed)
        self.summary_label = QLabel("No Member chosen")
        self.summary_label.setAccessibleName("Letters summary")
        self.summary_label.setStyleSheet("font-weight: bold;")
        self.model = ReviewModel(self)
        self.table = record_table(self.model, "Letters to re-address")
        self.guidance = QLabel()
        self.guidance.setAccessibleName("Addressing the replies")
        self.guidance.setWordWrap(True)
        self.guidance.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.guidance.setStyleSheet("background: #eef3fb; color: #102a43; padding: 6px;")
        self.guidance.hide()
        self.message = MessageLabel()
        self.death = DeathSection(ctx)  # record the death, the by-election, an interim handler (issue 15)
        self.death.setVisible(ctx.user.has(Role.MPCS_ALLOCATOR))
        self.picker.member_changed.connect(self.death.set_member)
        self.death.recorded.connect(self.load)

        self.show_button = button("&Show letters", "List the chosen Member's letters")
        self.show_button.clicked.connect(self.load)
        self.close_button = button("Close")
        buttons = dialog_buttons(self, self.show_button, self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("A Member has died"))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.guidance)
        layout.addWidget(self.death)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        tab_chain(self.picker.edit, self.table, *self.death.widgets(), self.show_button, self.close_button)
        self.picker.edit.setFocus()

    # ------------------------------------------------------------- public API

    def load(self) -> None:
        ctx, member = self._ctx, self.picker.member
        if not ctx.user.has(Role.MPCS_ALLOCATOR):
            self.message.show_error("Only MPCS allocators review a late Member's letters.")
            return
        if member is None:
            self.message.show_error("Choose the Member first: type part of the name or constituency.")
            self.picker.edit.setFocus()
            return
        self.summary_label.setText("Loading…")

        def failed(exc: Exception) -> None:
            self._clear()
            self.message.show_error(error_text(exc))
            self.loaded.emit()

        self._latest.submit(lambda: ctx.services.letters.letters_of_deceased_member(ctx.user, member.id),
                            lambda review: self._show(member, review), failed, owner=self)

    # ---------------------------------------------------------------- helpers

    def _member_changed(self, member: MemberRecord | None) -> None:
        if member is None:
            self._latest.cancel()  # a late answer for the previous Member is not shown
            self._clear()
        else:
            self.load()

    def _clear(self) -> None:
        self.review = None
        self.model.set_items([])
        self.summary_label.setText("No Member chosen")
        self.guidance.hide()

    def _show(self, member: MemberRecord, review: DeathReview) -> None:
        self.review = review
        self.message.clear()
        lines = review_lines(review)
        self.model.set_items(lines)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(len(COLUMNS) - 1, header.ResizeMode.Stretch)
        if lines:
            self.summary_label.setText(
                f"{member.display_name}: {len(lines)} letter{'s' if len(lines) != 1 else ''} to re-address — "
                f"{len(review.undrafted)} not yet drafted, {len(review.awaiting_signature)} awaiting signature, "
                f"{len(review.signed_not_sent)} signed but not sent")
            self.table.selectRow(0)
        else:
            self.summary_label.setText(f"{member.display_name}: no letter is waiting to be drafted, signed or sent.")
        self.summary_label.setAccessibleName(f"Letters summary: {self.summary_label.text()}")
        self.guidance.setText(addressing_guidance(member))
        self.guidance.setVisible(True)
        self.loaded.emit()
