"""Undelivered mail on the desk: the banner, the Outbox dialog, the offline procedure, the background sender.

No fakes of our own: the messages are real outbox rows written by the urgent
flow, the documents are read back with the ``email`` package and pypdf, and
the sender delivers through a real ``SmtpTransport`` to a loopback port where
nothing listens, the mail server being down.  Only the OS keyring is swapped
for one in memory, as the credentials tests do.
"""
from __future__ import annotations

import email
import io
import socket
import threading
from datetime import datetime
from email import policy

import keyring
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings

from mpel_app.config import Settings, smtp_settings
from mpel_app.domain.records import Role
from mpel_app.notify import credentials
from mpel_app.notify.smtp import SmtpSettings
from mpel_app.ui.context import DeskContext
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.outbox_dialog import OutboxSummary, banner_text
from mpel_app.ui.task_runner import TaskRunner
from tests.notify.test_credentials import MemoryKeyring
from tests.support.world import LONDON, PASSWORD, build_world
from tests.ui.accessibility import assert_accessible
from tests.ui.test_urgent_ui import urgent_item


@pytest.fixture
def world(sqlite_services):
    return build_world(sqlite_services)


def window_for(qtbot, services, user, **kwargs) -> MainWindow:
    window = MainWindow(DeskContext(services=services, user=user, runner=TaskRunner()),
                        database_label="SQLite file /tmp/test.sqlite3", **kwargs)
    qtbot.addWidget(window)
    window.show()
    return window


def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once, as with a mail server that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def two_urgent_notes(world, clock):
    # Minutes apart, so that the window's escalation at start-up has nothing to escalate yet.
    first, _ = urgent_item(world, clock, datetime(2026, 11, 23, 13, 50, tzinfo=LONDON), subject="Tomasz Nowak")
    second, _ = urgent_item(world, clock, datetime(2026, 11, 23, 14, 0, tzinfo=LONDON), removal_in=None,
                            compassionate=True, subject="Grace Mensah", member=world.mp_scot)
    return first, second


def test_banner_is_hidden_while_everything_is_delivered(qtbot, sqlite_services, world):
    window = window_for(qtbot, sqlite_services, world.agent)
    qtbot.waitUntil(lambda: window.outbox_banner.summary is not None)
    assert window.outbox_banner.summary.undelivered == 0 and not window.outbox_banner.isVisible()


def test_banner_counts_waiting_mail_and_the_offline_procedure_works(qtbot, sqlite_services, world, clock,
                                                                    tmp_path):
    first, second = two_urgent_notes(world, clock)
    chosen: list[str] = []
    window = window_for(qtbot, sqlite_services, world.agent,
                        save_chooser=lambda parent, name: chosen.append(name) or tmp_path / name)
    qtbot.waitUntil(window.outbox_banner.isVisible)
    # Mail not set up on this desk: said plainly, nothing waits unnoticed.
    assert window.outbox_banner.text() == ("2 messages waiting: mail is not set up on this desk, so nothing is "
                                           "being sent from here. Show them to send each by other means.")
    assert_accessible(window.outbox_banner)
    window.grab().save("/tmp/ui_outbox_banner_not_set_up.png")

    window.outbox_action.trigger()  # Ctrl+Shift+O
    dialog = window.outbox_dialog
    qtbot.waitUntil(lambda: len(dialog.rows) == 2)
    table = dialog.table
    assert [table.item(0, c).text() for c in (0, 1, 3, 4, 5)] == [
        first.reference, "MP INBOX – London & South East (PROBLEM: placeholder address)", "0", "not tried yet",
        "now"]
    assert table.item(1, 2).text().startswith(f"URGENT – {second.reference}")
    assert "Mail is not set up on this desk" in dialog.status_label.text()
    assert_accessible(dialog)

    # Save as document: the very email, with the printed record attached.
    dialog.select_row(0)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "saved as" in dialog.message.text())
    assert chosen == [f"{first.reference}-call-record.eml"]
    msg = email.message_from_bytes((tmp_path / chosen[0]).read_bytes(), policy=policy.default)
    assert msg["To"] == "MP INBOX – London & South East <mp-inbox-lse@mpel.example.gov.uk>"
    assert msg["Subject"].startswith("URGENT – IMMINENT REMOVAL Tue 24 Nov 2026 19:50")
    assert msg["X-Unsent"] == "1"
    assert f"Call note {first.reference} for London & South East" in msg.get_body(("plain",)).get_content()
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{first.reference}-call-record.pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_content()))
    assert first.reference in "".join(page.extract_text() for page in pdf.pages)

    # Mark as sent by other means: a note is required, and then it leaves the list and the banner.
    dialog.mark_button.click()
    mark = dialog.mark_dialog
    assert mark is not None and mark.isVisible()
    assert_accessible(mark)
    mark.note.setPlainText("fax")
    mark.mark_button.click()
    qtbot.waitUntil(lambda: "Say how and to whom" in mark.message.text())
    mark.grab().save("/tmp/ui_outbox_mark.png")
    mark.note.setPlainText("Emailed from the team mailbox to MP INBOX – London & South East at 16:40")
    mark.mark_button.click()
    qtbot.waitUntil(lambda: len(dialog.rows) == 1)
    assert dialog.message.text().startswith(f"{first.reference}: marked as sent by other means")
    assert dialog.mark_dialog is None
    qtbot.waitUntil(lambda: window.outbox_banner.text().startswith("1 message waiting"))
    trail = sqlite_services.enquiries.audit_trail(world.agent, first.id)
    assert trail[-1].action == "call note sent by hand" and "team mailbox" in trail[-1].changes["note"]
    dialog.grab().save("/tmp/ui_outbox_dialog.png")

    # Retry needs a sender: without mail set up the dialog says what to do instead.
    dialog.select_row(0)
    dialog.retry_button.click()
    qtbot.waitUntil(lambda: "mail is not set up" in dialog.message.text())


def test_sender_reports_reach_the_banner_on_the_ui_thread(qtbot, sqlite_services, world, clock):
    two_urgent_notes(world, clock)
    window = window_for(qtbot, sqlite_services, world.agent)
    port = closed_port()
    window.start_mail_delivery(SmtpSettings(host="127.0.0.1", port=port, starttls=False, timeout=3),
                               interval=3600)
    threads: list[bool] = []
    window.mail.reported.connect(lambda report: threads.append(threading.current_thread() is threading.main_thread()))
    # The server is down: the real transport's error, from the sender thread, reaches the banner.
    qtbot.waitUntil(lambda: bool(threads), timeout=10_000)
    qtbot.waitUntil(lambda: "cannot reach the mail server" in window.outbox_banner.text(), timeout=10_000)
    assert window.outbox_banner.text() == (f"2 messages not yet delivered to regional inboxes — last error: cannot "
                                           f"reach the mail server 127.0.0.1:{port}: connection refused. Show them to retry, or send "
                                           "each by other means.")
    assert window.mail.last_report.failed == 2 and window.mail.last_report.waiting == 2
    assert all(threads)  # the signal was delivered on the UI thread
    window.resize(1280, 800)
    window.grab().save("/tmp/ui_outbox_banner.png")

    # Retry now: due at once, the sender woken, a second attempt recorded.
    dialog = window.open_outbox()
    qtbot.waitUntil(lambda: len(dialog.rows) == 2)
    assert dialog.table.item(0, 3).text() == "1"
    assert dialog.table.item(0, 5).text() == "in under a minute"  # 30 seconds after the failure
    # The test world keeps the seed file's placeholder inbox: the row says the note reaches nobody (issue 14).
    assert dialog.table.item(0, 1).text().endswith("(PROBLEM: placeholder address)")
    assert "is a placeholder: notes sent there reach nobody" in dialog.table.item(0, 1).toolTip()
    assert "Mail goes through 127.0.0.1" in dialog.status_label.text()
    dialog.grab().save("/tmp/ui_outbox_dialog_failed.png")
    rounds = window.mail.background.rounds
    dialog.select_row(0)
    dialog.retry_button.click()
    qtbot.waitUntil(lambda: window.mail.background.rounds > rounds, timeout=10_000)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2 and dialog.table.item(0, 3).text() == "2",
                    timeout=10_000)
    window.close()
    assert not window.mail.running  # stopped with the window; the messages wait in the outbox


def test_escalation_runs_on_a_timer_and_wakes_the_mail(qtbot, sqlite_services, world, clock):
    rec, _ = urgent_item(world, clock, datetime(2026, 11, 23, 11, 0, tzinfo=LONDON))
    duty = sqlite_services.users.create_user(world.admin, username="duty", full_name="Dee Duty", password=PASSWORD,
                                             roles={Role.DUTY_MANAGER}, demo=True)
    window = window_for(qtbot, sqlite_services, duty)
    assert window.current_view() is window.duty_view  # the duty manager starts on the board
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    clock.advance(minutes=31)
    window.escalation_timer.timeout.emit()
    qtbot.waitUntil(lambda: rec.reference in window.statusBar().currentMessage())
    qtbot.waitUntil(lambda: window.outbox_banner.text().startswith("2 messages waiting"))
    assert sqlite_services.urgent.escalate_overdue() == []  # once only
    qtbot.waitUntil(lambda: window.duty_view.model.rowCount() == 1)
    window.duty_view.refresh()
    qtbot.waitUntil(lambda: window.duty_view.model.data(window.duty_view.model.index(0, 7)) == "Yes, 11:31")
    window.resize(1280, 800)
    window.grab().save("/tmp/ui_main_duty.png")


@pytest.fixture
def memory_keyring():
    """The process-wide keyring swapped for one in memory (Credential Manager, Keychain…), then restored."""
    before = keyring.get_keyring()
    credentials.forget_session()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)
    credentials.forget_session()


def test_mail_password_is_asked_for_and_kept_before_the_sender_starts(qtbot, sqlite_services, world,
                                                                     memory_keyring):
    window = window_for(qtbot, sqlite_services, world.agent)
    settings = SmtpSettings(host="127.0.0.1", port=closed_port(), username="mpel-desk", timeout=2)
    asked: list[bool] = []

    def prompt() -> str:
        asked.append(window.mail is None)  # asked before any sender exists
        return "s3cret-smtp-pass"

    window.start_mail_delivery(settings, prompt=prompt, interval=3600)
    assert asked == [True]
    assert memory_keyring.store == {(credentials.SERVICE_NAME, "mpel-desk"): "s3cret-smtp-pass"}
    assert window.mail.running
    # Known now: the next start does not ask again.
    window.start_mail_delivery(settings, prompt=prompt, interval=3600)
    assert asked == [True]
    window.close()
    assert not window.mail.running


def test_a_cancelled_password_prompt_leaves_a_clear_error_in_the_banner(qtbot, sqlite_services, world, clock,
                                                                        memory_keyring):
    two_urgent_notes(world, clock)
    window = window_for(qtbot, sqlite_services, world.agent)
    settings = SmtpSettings(host="127.0.0.1", port=closed_port(), username="mpel-desk", timeout=2)
    window.start_mail_delivery(settings, prompt=lambda: None, interval=3600)
    qtbot.waitUntil(lambda: "password" in window.outbox_banner.text(), timeout=10_000)
    assert window.outbox_banner.text() == (
        "2 messages not yet delivered to regional inboxes — last error: the password for the mail account "
        "mpel-desk is not known in this session: enter it from the Outbox window (Mail password…). "
        "Show them to retry, or send each by other means.")
    dialog = window.open_outbox()
    assert dialog.password_button.isVisible()
    window.close()


def test_smtp_settings_have_defaults_and_environment_overrides(tmp_path):
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    assert Settings(store, environ={}).smtp_settings() is None  # no host: mail not set up
    Settings(store, environ={}).set_smtp(host="smtp.example.gov.uk", username="mpel-desk",
                                         from_address="mpel@example.gov.uk")
    stored = smtp_settings(Settings(store, environ={}))
    assert stored == SmtpSettings(host="smtp.example.gov.uk", port=587, username="mpel-desk", starttls=True,
                                  from_address="mpel@example.gov.uk", timeout=15.0, ca_file=None)
    env = {"MPEL_SMTP_HOST": "mail.internal", "MPEL_SMTP_PORT": "2525", "MPEL_SMTP_STARTTLS": "no",
           "MPEL_SMTP_TIMEOUT": "5", "MPEL_SMTP_CA_FILE": "/etc/ssl/private-ca.pem", "MPEL_SMTP_FROM": "x@y.uk"}
    overridden = Settings(store, environ=env).smtp_settings()
    assert (overridden.host, overridden.port, overridden.starttls, overridden.timeout, overridden.ca_file,
            overridden.from_address, overridden.username) == (
        "mail.internal", 2525, False, 5.0, "/etc/ssl/private-ca.pem", "x@y.uk", "mpel-desk")
    # A typo falls back to the default rather than stopping the desk.
    assert Settings(store, environ={"MPEL_SMTP_PORT": "five hundred"}).smtp_settings().port == 587


def test_banner_wording():
    assert banner_text(OutboxSummary(1, None), mail_configured=True) == (
        "1 message waiting to be delivered to regional inboxes — sending…")
    assert banner_text(OutboxSummary(3, "cannot reach the mail server smtp:587: connection refused"),
                       mail_configured=True) == ("3 messages not yet delivered to regional inboxes — last error: "
                                                 "cannot reach the mail server smtp:587: connection refused. Show them to "
                                                 "retry, or send each by other means.")
