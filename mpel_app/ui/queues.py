"""Work queues after the call: the MPEL team leader's Further Action filter and a region's queue.

* ``FurtherActionView``: the team leader reads each Further Action Case,
  answers it (closing it), or sends it to a region; the member's constituency
  decides the default region, which the leader can change.
* ``RegionQueueView``: an account manager works their region's open items,
  urgent first and then by due date, with a status that says (in words and
  colour) whether each is on time, due soon, overdue or urgent; they
  acknowledge receipt, record whether the file is needed (5 or 10 working
  days, worked out by the service), and write up the response to complete.
  A long queue comes a page at a time (``Show more``, or scrolling to the
  end); the summary line counts the whole queue, not just what is shown.

Both load through the TaskRunner, keep the selection across refreshes, and
show the services' messages inline.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel,
                               QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from ..domain import permissions as perm
from ..domain.permissions import Action
from ..domain.records import EnquiryRecord, EnquirySummary, QueueCounts, QueueCursor, QueuePage, RegionRecord
from ..domain.targets import target_text
from ..services.enquiries import QUEUE_PAGE_SIZE
from ..reports.record_sections import format_date as long_date, is_withheld
from .context import DeskContext
from .due_dialog import explain_due
from .task_runner import LatestOnly
from .models import Column, SummaryTableModel, format_date, format_received, member_line
from .widgets import (GROUP_STYLE, MessageLabel, RecordTableMixin, buddy_label, button, error_text, holds_focus,
                      in_row, keys_hint, labelled, named, record_table, screen_shortcut, tab_chain, text_box)

FURTHER_ACTION_COLUMNS = (Column.REFERENCE, Column.RECEIVED, Column.MEMBER, Column.SUBJECT, Column.NATIONALITY,
                          Column.HO_REFERENCE)
REGION_COLUMNS = (Column.REFERENCE, Column.RECEIVED, Column.MEMBER, Column.SUBJECT, Column.DUE,
                  Column.QUEUE_STATUS, Column.ACKNOWLEDGED, Column.FILE_NEEDED)


class CaseDetail(QTextBrowser):
    """The selected enquiry as the agent wrote it up: who called, about whom, what was asked and answered.

    Rich text in a read-only browser rather than a grid of labels: it wraps
    long questions properly, scrolls, and a keyboard or screen-reader user can
    tab into it and read or copy it.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Selected case")
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.NoFrame)
        self.setTabChangesFocus(True)
        self.setStyleSheet("QTextBrowser { background: transparent; }")
        self.show_record(None)

    def show_record(self, rec: EnquiryRecord | None, regions: dict[str, str] | None = None,
                    placeholder: str = "Select a case in the list.") -> None:
        if rec is None:
            self.setHtml(f"<p style='color:#555; font-size:12pt'>{escape(placeholder)}</p>")
            return
        rows: list[tuple[str, str]] = []
        if rec.member:
            region = (regions or {}).get(rec.member.region_code, rec.member.region_code)
            rows.append(("Member", f"{member_line(rec.member)}\nOffice telephone "
                                   f"{rec.member.office_phone or 'not recorded'}  ·  Region: {region}"))
        caller = "the member" if rec.caller_kind == "member" else f"caseworker {rec.caller_name}".strip()
        rows.append(("Caller", f"{caller}  ·  {rec.channel.value}  ·  received {format_received(rec.received_at)}"
                               f"  ·  logged by {rec.created_by}"))
        s = rec.subject
        if s is None or is_withheld(rec):  # the record window's rule: passcode not verified, nothing personal
            rows.append(("Subject", "Locked: the passcode was never verified"))
        else:
            dob = f", born {long_date(s.date_of_birth)}" if s.date_of_birth else ""
            nat = f", {s.nationality}" if s.nationality else ""
            rows.append(("Subject", f"{s.name or 'not recorded'}{dob}{nat}"))
            rows.append(("References", f"HO ref {s.ho_reference or '—'}  ·  CTS ref {s.cts_reference or '—'}"))
        d = rec.disclosure
        ticked = [text for flag, text in ((d.constituency_mp, "constituency MP"),
                                          (d.authorised_representative, "authorised representative"),
                                          (d.third_party, "third party"),
                                          (d.identity_confirmed, "identity confirmed")) if flag]
        written = "written confirmation requested" if rec.written_confirmation else "no written confirmation asked"
        rows.append(("Checks", f"{', '.join(ticked) if ticked else 'no disclosure checks ticked'}  ·  {written}"))
        rows.append(("Question", rec.question or "—"))
        rows.append(("MPEL's answer", rec.answer or "—"))
        if rec.due_date:
            ack = (f"acknowledged {format_received(rec.acknowledged_at)} by {rec.acknowledged_by}"
                   if rec.acknowledged_at else "not yet acknowledged")
            target = target_text(rec.channel, rec.file_needed)
            rows.append(("Target", f"response due by {format_date(rec.due_date)}  ·  {target}  ·  {ack}"
                                   "  ·  F8: why then?"))
        else:
            rows.append(("Target", "not yet sent to a region"))
        urgent = " <span style='color:#b00000'>URGENT</span>" if rec.urgent else ""
        body = "".join(
            f"<tr><td style='color:#555; padding:3px 10px 3px 0; white-space:nowrap'>{escape(k)}</td>"
            f"<td style='padding:3px 0'>{escape(v).replace(chr(10), '<br>')}</td></tr>" for k, v in rows)
        self.setHtml(f"<h2 style='margin:0 0 6px 0'>{escape(rec.reference)}{urgent}</h2>"
                     f"<table cellspacing='0'>{body}</table>")


class _QueueBase(QWidget, RecordTableMixin):
    """What both queues share: a table on the left, the selected case on the right, inline messages."""

    open_record = Signal(int)
    loaded = Signal()  # the list was (re)loaded: for the window's status bar and for tests

    def __init__(self, ctx: DeskContext, columns, table_name: str, headers=None, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._regions: dict[str, str] = {}
        self._region_records: list[RegionRecord] = []
        self._selected_id: int | None = None
        self._detail_seq = 0
        self._record: EnquiryRecord | None = None
        self.model = SummaryTableModel(columns, self, headers=headers)
        self.table = record_table(self.model, table_name)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(self._activated)
        self.detail = CaseDetail()
        self.message = MessageLabel(keep_space=True)
        self.setStyleSheet(GROUP_STYLE)
        self.due_action = screen_shortcut(self, "F8", self.explain_due, "Why is it due then? (the selected case)")

    def explain_due(self) -> None:
        """F8: the selected case's due date, explained step by step (``ui.due_dialog``)."""
        item = self.selected()
        if item is None:
            self.message.show_error("Select a case first.")
            return
        explain_due(self, self._ctx, item.id, self.message.show_info)

    # ------------------------------------------------------------- public API

    @property
    def record(self) -> EnquiryRecord | None:
        """The selected case as last loaded (with its version), or None."""
        return self._record

    # ---------------------------------------------------------------- helpers

    def _split(self, *actions: QWidget, stretch: tuple[int, int], left: QWidget | None = None) -> QSplitter:
        """The table (or ``left``, holding it) on the left; on the right the selected case, with
        ``actions`` below it."""
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        for widget in actions:
            right_layout.addWidget(widget)
        splitter = QSplitter()
        splitter.addWidget(left or self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, stretch[0])
        splitter.setStretchFactor(1, stretch[1])
        splitter.setChildrenCollapsible(False)
        return splitter

    def _load_regions(self, then=None) -> None:
        def done(regions: list[RegionRecord]) -> None:
            self._region_records = regions
            self._regions = {r.code: r.name for r in regions}
            if then:
                then()

        self._ctx.runner.submit(self._ctx.services.reference.regions, done, self._error)

    def _show_items(self, items: list[EnquirySummary]) -> None:
        keep = self._selected_id
        had_focus = holds_focus(self.table)
        self.model.set_items(items)
        self.table.resizeColumnsToContents()
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and items:
            row = 0
        if row >= 0:
            self._select_row(row)
        else:
            self._selected_id = None
            self._record = None
            self._detail_seq += 1
            self._show_detail(None)
        if had_focus:
            self.table.setFocus()
        self.loaded.emit()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item(current.row()) if current.isValid() else None
        if item is None:
            return
        self._selected_id = item.id
        shown = self._record
        # The list refreshed with the same record still selected: read it again only if it changed,
        # so a refresh is not recorded as the person viewing the record once more.
        self._load_detail(item.id, shown.version if shown is not None and shown.id == item.id else None)

    def _load_detail(self, enquiry_id: int, known_version: int | None = None) -> None:
        self._detail_seq += 1
        seq = self._detail_seq
        svc, user = self._ctx.services.enquiries, self._ctx.user

        def done(rec: EnquiryRecord | None) -> None:
            if rec is not None and seq == self._detail_seq:  # the user has not moved on to another row
                self._record = rec
                self._show_detail(rec)

        if known_version is None:
            work = lambda: svc.get(user, enquiry_id)  # noqa: E731
        else:
            work = lambda: svc.get_if_changed(user, enquiry_id, known_version)  # noqa: E731
        self._ctx.runner.submit(work, done, self._error)

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.open_record.emit(item.id)

    def _error(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc, full_stop=False))

    def _region_name(self, code: str | None) -> str:
        return f"{self._regions.get(code, code)} ({code})" if code else "no region"

    def _show_detail(self, rec: EnquiryRecord | None) -> None:  # overridden
        self.detail.show_record(rec, self._regions)

    def _after_change(self, text: str):
        def done(rec: EnquiryRecord) -> None:
            self.message.show_ok(text.format(rec=rec, region=self._region_name(rec.region_code),
                                             due=format_date(rec.due_date)))
            self.refresh()
        return done


# --------------------------------------------------------------------------


class FurtherActionView(_QueueBase):
    """The MPEL team leader's filter: answer a Further Action Case or send it to the region."""

    title = "Further Action"

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(ctx, FURTHER_ACTION_COLUMNS, "Further Action Cases", parent=parent)
        self._latest = LatestOnly(ctx.runner)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Cases waiting")
        self.count_label.setStyleSheet("font-weight: bold;")

        self.answer_edit = text_box(4, 8)
        self.answer_edit.setPlaceholderText("The answer given to the MP's office; this closes the case")
        self.answer_button = button("Record answer and c&lose case", auto_default=True)
        self.answer_button.clicked.connect(self.answer)
        self.region_combo = QComboBox()
        self.send_button = button("&Send to region", auto_default=True)
        self.send_button.clicked.connect(self.send_to_region)

        answer_group = QGroupBox("Answer it")
        answer_form = QFormLayout(answer_group)
        labelled(answer_form, "&Answer:", self.answer_edit)
        answer_form.addRow("", in_row(self.answer_button, stretch=None))
        send_group = QGroupBox("Or send it to the regional team")
        send_form = QFormLayout(send_group)
        labelled(send_form, "Re&gion:", in_row(self.region_combo, self.send_button), self.region_combo)
        hint = QLabel("The region defaults to the member's constituency.")
        hint.setStyleSheet("color: #555;")
        send_form.addRow("", hint)

        splitter = self._split(answer_group, send_group, stretch=(5, 4))

        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        tab_chain(self.table, self.answer_edit, self.answer_button, self.region_combo, self.send_button)
        self._set_actions_enabled(False)
        self._load_regions(self._fill_regions)

    def _fill_regions(self) -> None:
        current = self.region_combo.currentData()
        self.region_combo.clear()
        for r in self._region_records:
            self.region_combo.addItem(f"{r.name} ({r.code})", r.code)
        self._default_region(self._record, current)

    def refresh(self) -> None:
        # F5, a change notice and the reload after each action may overlap: only the newest list is shown.
        self._latest.submit(lambda: self._ctx.services.enquiries.further_action_queue(self._ctx.user),
                            self._show_items, self._error, owner=self)

    def _show_items(self, items: list[EnquirySummary]) -> None:
        n = len(items)
        self.count_label.setText("No Further Action Cases waiting." if n == 0 else
                                 f"{n} Further Action Case{'s' if n != 1 else ''} waiting, oldest first")
        super()._show_items(items)

    def _show_detail(self, rec: EnquiryRecord | None) -> None:
        super()._show_detail(rec)
        self._set_actions_enabled(rec is not None)
        if rec is not None:
            self.answer_edit.clear()
            self._default_region(rec)

    def _default_region(self, rec: EnquiryRecord | None, fallback: str | None = None) -> None:
        code = rec.member.region_code if rec is not None and rec.member else fallback
        index = self.region_combo.findData(code) if code else -1
        if index >= 0:
            self.region_combo.setCurrentIndex(index)

    def _set_actions_enabled(self, enabled: bool) -> None:
        for w in (self.answer_edit, self.answer_button, self.region_combo, self.send_button):
            w.setEnabled(enabled)

    def answer(self) -> None:
        rec = self._record
        if rec is None:
            self.message.show_error("Select a case first.")
            return
        text = self.answer_edit.toPlainText()
        self._ctx.runner.submit(lambda: self._ctx.services.enquiries.leader_answer(self._ctx.user, rec.id, text),
                                self._after_change("{rec.reference} answered and closed."), self._error)

    def send_to_region(self) -> None:
        rec = self._record
        if rec is None:
            self.message.show_error("Select a case first.")
            return
        code = self.region_combo.currentData()
        self._ctx.runner.submit(
            lambda: self._ctx.services.enquiries.send_to_region(self._ctx.user, rec.id, code),
            self._after_change("{rec.reference} sent to {region}: response due by {due}."), self._error)


# --------------------------------------------------------------------------


class RegionQueueView(_QueueBase):
    """A region's open items, urgent first then by due date, and the actions to work them."""

    title = "Region queue"

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(ctx, REGION_COLUMNS, "Region queue", headers={Column.QUEUE_STATUS: "Status"},
                         parent=parent)
        self.may_choose_region = perm.allowed(ctx.user, Action.WORK_ANY_REGION)
        self.region_combo = QComboBox()
        self.region_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.region_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Queue summary")
        self.summary_label.setStyleSheet("font-weight: bold;")
        # A page at a time: a region's queue can hold tens of thousands of items.
        self._queue_code: str | None = None  # the region whose items the table shows
        self._next: QueueCursor | None = None
        self._counts: QueueCounts | None = None
        self._queue_seq = 0
        self._loading_more = False
        self.shown_label = QLabel()
        self.shown_label.setAccessibleName("Items shown")
        self.shown_label.setStyleSheet("color: #555;")
        self.more_button = button("Show &more", "Load the next items of the queue (scrolling to the end does too)",
                                  auto_default=True)
        self.more_button.clicked.connect(self.load_more)
        self.table.verticalScrollBar().valueChanged.connect(self._scrolled)

        self.acknowledge_button = button("Ac&knowledge receipt",
                                         "Record that the region has acknowledged receipt (Ctrl+K)", auto_default=True)
        self.acknowledge_button.clicked.connect(self.acknowledge)
        self.file_needed = named(QCheckBox("&File needed (target 10 working days, not 5)"))
        # clicked, not toggled: only a person's change is sent, never the one made when loading a case.
        self.file_needed.clicked.connect(self.set_file_needed)
        self.response_edit = text_box(4, 8)
        self.response_edit.setPlaceholderText("The response given to the MP's office")
        self.complete_button = button("Record response and &complete", auto_default=True)
        self.complete_button.clicked.connect(self.complete)

        top = QHBoxLayout()
        top.addWidget(buddy_label("Re&gion:", self.region_combo))
        top.addWidget(self.region_combo)
        top.addSpacing(16)
        top.addWidget(self.summary_label, 1)

        actions = QGroupBox("Work the selected item")
        actions_layout = QVBoxLayout(actions)
        actions_layout.addWidget(in_row(self.acknowledge_button, stretch=None))
        actions_layout.addWidget(self.file_needed)
        form = QFormLayout()
        labelled(form, "&Response:", self.response_edit)
        form.addRow("", in_row(self.complete_button, stretch=None))
        actions_layout.addLayout(form)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        self._more_row = in_row(self.shown_label, self.more_button, stretch=None)
        self._more_row.hide()
        left_layout.addWidget(self._more_row)
        # The table needs its eight columns visible; the detail wraps.
        splitter = self._split(actions, stretch=(2, 1), left=left)
        self._splitter = splitter

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(keys_hint("Ctrl+K acknowledge  ·  Alt+F file needed  ·  Alt+R response  ·  "
                                   "Alt+M more items  ·  Enter on a row opens the record"))

        self.acknowledge_action = screen_shortcut(self, "Ctrl+K", self.acknowledge, "Acknowledge the selected item")
        tab_chain(self.region_combo, self.table, self.more_button, self.acknowledge_button, self.file_needed,
                  self.response_edit, self.complete_button)
        self._set_actions_enabled(False)
        self._load_regions(self._fill_regions)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not getattr(self, "_sized", False):
            # Once, at the first real width: about two thirds for the table's eight columns.
            self._sized = True
            width = max(self._splitter.width(), 900)
            self._splitter.setSizes([int(width * 0.64), width - int(width * 0.64)])

    # ------------------------------------------------------------- public API

    def region_code(self) -> str | None:
        return self.region_combo.currentData()

    def show_region(self, code: str) -> None:
        """Show a region's queue; the service refuses regions the user may not work."""
        index = self.region_combo.findData(code)
        if index >= 0:
            self.region_combo.setCurrentIndex(index)
            self.refresh()
        else:
            self._load_queue(code)

    def refresh(self) -> None:
        code = self.region_code()
        if code is None:
            if self.region_combo.count() == 0 and self._region_records:
                self.message.show_error("You have no region to work: ask an administrator to set yours.")
            return
        self._load_queue(code)

    def load_more(self) -> None:
        """Add the next page of the queue below the items shown."""
        if self._next is None or self._loading_more or self._queue_code is None:
            return
        seq, code, after = self._queue_seq, self._queue_code, self._next
        self._loading_more = True
        self.more_button.setEnabled(False)

        def done(page: QueuePage) -> None:
            self._loading_more = False
            if seq != self._queue_seq:  # reloaded (or another region chosen) meanwhile
                return
            # An item can move within the queue between pages (acknowledged, say): show it once.
            shown = {i.id for i in self.model.items()}
            self.model.append_items([i for i in page.items if i.id not in shown])
            self._show_page_state(page, self.model.rowCount())
            self.loaded.emit()

        def failed(exc: Exception) -> None:
            self._loading_more = False
            self.more_button.setEnabled(self._next is not None)
            self._error(exc)

        self._ctx.runner.submit(
            lambda: self._ctx.services.enquiries.region_queue_page(self._ctx.user, code, after=after), done, failed)

    def acknowledge(self) -> None:
        rec = self._require_selected()
        if rec is None:
            return
        if rec.acknowledged_at is not None:
            self.message.show_info(f"{rec.reference} was already acknowledged "
                                   f"{format_received(rec.acknowledged_at)} by {rec.acknowledged_by}.")
            return
        self._ctx.runner.submit(lambda: self._ctx.services.enquiries.acknowledge(self._ctx.user, rec.id),
                                self._after_change("{rec.reference}: receipt acknowledged."), self._error)

    def set_file_needed(self, needed: bool) -> None:
        rec = self._require_selected()
        if rec is None:
            return
        verb = "File needed" if needed else "File not needed"

        def failed(exc: Exception) -> None:
            self.file_needed.setChecked(rec.file_needed)  # show what is saved, not what was asked
            self._error(exc)

        self._ctx.runner.submit(
            lambda: self._ctx.services.enquiries.set_file_needed(self._ctx.user, rec.id, needed),
            self._after_change(verb + " for {rec.reference}: response now due by {due}."), failed)

    def complete(self) -> None:
        rec = self._require_selected()
        if rec is None:
            return
        text = self.response_edit.toPlainText()
        self._ctx.runner.submit(
            lambda: self._ctx.services.enquiries.complete_with_response(self._ctx.user, rec.id, text),
            self._after_change("{rec.reference} completed: response recorded."), self._error)

    # ---------------------------------------------------------------- helpers

    def _fill_regions(self) -> None:
        self.region_combo.blockSignals(True)
        self.region_combo.clear()
        if self.may_choose_region:
            for r in self._region_records:
                self.region_combo.addItem(f"{r.name} ({r.code})", r.code)
            start = self.region_combo.findData(self._ctx.user.region_code)
            self.region_combo.setCurrentIndex(max(start, 0))
        else:
            # Regional staff work their own region only (the service checks this too).
            own = self._ctx.user.region_code
            if own:
                self.region_combo.addItem(self._region_name(own), own)
            self.region_combo.setEnabled(False)
            self.region_combo.setToolTip("You work your own region's queue")
        self.region_combo.blockSignals(False)
        self.refresh()

    def _load_queue(self, code: str) -> None:
        self._queue_seq += 1
        seq = self._queue_seq
        # A refresh after working an item reloads as many items as were shown, keeping the place.
        limit = max(QUEUE_PAGE_SIZE, self.model.rowCount() if code == self._queue_code else 0)

        def done(page: QueuePage) -> None:
            if seq != self._queue_seq:
                return
            self._queue_code = code
            self._show_page_state(page, len(page.items))
            self._show_items(list(page.items))

        def failed(exc: Exception) -> None:
            if seq != self._queue_seq:
                return
            self._queue_code, self._next, self._counts = None, None, None
            self.model.set_items([])
            self._show_detail(None)
            self.summary_label.clear()
            self._more_row.hide()
            self._error(exc)

        self._ctx.runner.submit(
            lambda: self._ctx.services.enquiries.region_queue_page(self._ctx.user, code, limit=limit), done, failed)

    def _show_page_state(self, page: QueuePage, shown: int) -> None:
        """The whole queue's counts, and how much of it the table shows (``shown`` items)."""
        self._next, self._counts = page.next, page.counts
        self._show_summary(page.counts)
        self._update_more(shown)

    def _show_summary(self, counts: QueueCounts) -> None:
        parts = []
        if counts.urgent:
            parts.append(f"{counts.urgent:,} urgent")
        parts.append(f"{counts.overdue:,} overdue")
        parts.append(f"{counts.due_soon:,} due soon")
        self.summary_label.setText(f"{counts.total:,} open — {', '.join(parts)}")
        self.summary_label.setStyleSheet("font-weight: bold;" + (
            " color: #9b0000;" if counts.overdue or counts.urgent else ""))

    def _update_more(self, shown: int) -> None:
        """Offer the next page while there is one, saying how much of the queue is shown."""
        if self._next is None:
            had_focus = holds_focus(self.more_button)
            self._more_row.hide()
            if had_focus:
                self.table.setFocus()
            return
        self.shown_label.setText(f"Showing {shown:,} of {self._counts.total:,}")
        self._more_row.show()
        self.more_button.setEnabled(True)

    def _scrolled(self, value: int) -> None:
        bar = self.table.verticalScrollBar()
        if value > 0 and value >= bar.maximum():
            self.load_more()

    def _show_detail(self, rec: EnquiryRecord | None) -> None:
        super()._show_detail(rec)
        self._set_actions_enabled(rec is not None)
        if rec is not None:
            self.file_needed.setChecked(rec.file_needed)
            self.acknowledge_button.setText("Ac&knowledge receipt" if rec.acknowledged_at is None
                                            else "Ac&knowledged")
            named(self.acknowledge_button)
            self.acknowledge_button.setEnabled(rec.acknowledged_at is None)
            self.response_edit.clear()

    def _set_actions_enabled(self, enabled: bool) -> None:
        for w in (self.acknowledge_button, self.file_needed, self.response_edit, self.complete_button):
            w.setEnabled(enabled)

    def _require_selected(self) -> EnquiryRecord | None:
        if self._record is None or self.selected() is None or self.selected().id != self._record.id:
            self.message.show_error("Select an item in the queue first.")
            return None
        return self._record
