"""The Central inbox view on SQLite: an incoming e-mail enquiry, the reply editor, the quarantine list and the
off-line export, driven as a person would, and grabbed to PNG (set MPEL_GRAB_DIR to keep the pictures)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from mpel_app.domain.email_case_flow import CaseState
from mpel_app.domain.records import Role
from mpel_app.reports.email_docx import read_reply
from mpel_app.ui.inbox_view import InboxView
from tests.inbox import messages as m
from tests.inbox.conftest import dovecot, idp, memory_keyring, oauth_dovecot, tls_files  # noqa: F401  (fixtures)
from mpel_app.inbox.desk_intake import DeskMailbox
from tests.support.desk import desk_context, shown
from tests.support.world import PASSWORD, build_world, staff_email
from tests.ui.accessibility import assert_accessible


@pytest.fixture
def world(sqlite_services):
    return build_world(sqlite_services)


def take_in(services, *raws):
    inbox = services.inbox
    actor, directory = inbox.intake_actor(), inbox.directory()
    return [inbox.take_in(actor, "INBOX", 1, uid, raw, directory) for uid, raw in enumerate(raws, start=1)]


def grab(widget, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MPEL_GRAB_DIR") or tmp_path)
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def open_view(qtbot, services, user, **kwargs) -> InboxView:
    view = shown(qtbot, InboxView(desk_context(services, user), **kwargs), (1300, 900))
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.summary.text() != "", timeout=10_000)
    if view.model.rowCount():
        qtbot.waitUntil(lambda: view.current is not None, timeout=10_000)
    return view


def test_incoming_email_reply_editor_and_qa_from_the_keyboard(qtbot, world, tmp_path):
    services = world.services
    message = m.html_only()
    message.add_attachment(b"%PDF-1.4 letter", maintype="application", subtype="pdf", filename="..\\..\\letter.pdf")
    take_in(services, m.raw(message))
    drafter = services.users.create_user(world.admin, username="sally", full_name="Sally Support",
                                         password=PASSWORD, roles={Role.SUPPORT_ACCOUNT_MANAGER},
                                         region_code="LSE", grade="EO", email=staff_email("Sally Support"), demo=True)
    view = open_view(qtbot, services, drafter)
    assert view.model.rowCount() == 1 and view.current.state is CaseState.ALLOCATED
    fields = view.incoming.fields
    assert "B00001/26" in fields["References"].text() and "Jane Smith" in fields["Member"].text()
    assert "10 working days: 07/12/2026" in fields["Targets"].text()
    assert "script" not in view.incoming.text.toPlainText() and "Ms B Example" in view.incoming.text.toPlainText()
    assert view.incoming.attachments.count() == 2  # the HTML as text, and the letter (its name sanitised)
    assert "letter.pdf (" in view.incoming.attachments.item(1).text()
    grab(view, "inbox-incoming-email", tmp_path)
    assert_accessible(view)

    view.reply.buttons[next(s for s in view.reply.buttons if s.value == "accept")].click()
    qtbot.waitUntil(lambda: view.current.state is CaseState.ACCEPTED, timeout=10_000)
    view.reply.editor.setFocus()
    qtbot.keyClicks(view.reply.editor, "Dear Ms Smith, Ms B Example's visa is being decided.")
    submit = next(b for s, b in view.reply.buttons.items() if s.value == "submit for quality assurance")
    assert submit.isEnabled()
    submit.click()
    qtbot.waitUntil(lambda: view.current.state is CaseState.WITH_QA, timeout=10_000)
    assert view.current.draft_text.startswith("Dear Ms Smith")
    assert view.reply.editor.isReadOnly()
    grab(view, "inbox-reply-editor-with-qa", tmp_path)

    qa = open_view(qtbot, services, world.am_lse)
    approve = next(b for s, b in qa.reply.buttons.items() if s.value == "approve")
    approve.click()
    qtbot.waitUntil(lambda: qa.current.state is CaseState.APPROVED, timeout=10_000)
    reply = next(b for s, b in qa.reply.buttons.items() if s.value == "send the reply")
    with qtbot.waitSignal(qa.outbox_changed, timeout=10_000):
        reply.click()
    qtbot.waitUntil(lambda: qa.current.state is CaseState.REPLIED, timeout=10_000)
    assert "threaded" in qa.reply.status.text()


def test_quarantine_list_and_offline_export(qtbot, world, tmp_path):
    services = world.services
    take_in(services, m.MALFORMED, m.raw(m.plain(sender="unknown@gmail.example")))
    saved = tmp_path / "out.docx"
    view = open_view(qtbot, services, world.leader, save_chooser=lambda *a, **k: saved)
    assert view.current.state is CaseState.UNMATCHED and view.match_row.isVisible()
    view.tabs.setCurrentWidget(view.quarantine)
    qtbot.waitUntil(lambda: view.quarantine.model.rowCount() == 1, timeout=10_000)
    assert "no sender" in view.quarantine.model.data(view.quarantine.model.index(0, 3))
    grab(view, "inbox-quarantine-list", tmp_path)
    assert_accessible(view.quarantine)
    view.tabs.setCurrentIndex(0)
    view.offline.save_button.click()
    qtbot.waitUntil(lambda: saved.exists(), timeout=10_000)
    assert read_reply(saved.read_bytes()).cts_reference == "B00001/26"
    qtbot.waitUntil(lambda: "Exported" in view.offline.status.text(), timeout=10_000)
    grab(view, "inbox-offline-export", tmp_path)


def test_flagging_compassionate_from_the_view(qtbot, world):
    take_in(world.services, m.raw(m.plain()))
    view = open_view(qtbot, world.services, world.am_lse)
    assert view.incoming.urgent_button.isEnabled()
    with qtbot.waitSignal(view.outbox_changed, timeout=10_000):
        view.incoming.urgent_button.click()
    qtbot.waitUntil(lambda: view.current.compassionate, timeout=10_000)
    assert "URGENT" in view.incoming.fields["References"].text() and not view.incoming.urgent_button.isEnabled()


def test_releasing_a_quarantined_message_from_the_keyboard(qtbot, world, tmp_path):
    services = world.services
    take_in(services, m.MALFORMED)
    view = open_view(qtbot, services, world.leader)
    assert view.model.rowCount() == 0
    view.tabs.setCurrentWidget(view.quarantine)
    quarantine = view.quarantine
    qtbot.waitUntil(lambda: quarantine.model.rowCount() == 1, timeout=10_000)
    assert not quarantine.release_button.isEnabled()  # nothing chosen yet
    quarantine.table.setFocus()
    qtbot.keyClick(quarantine.table, Qt.Key_Down)
    qtbot.waitUntil(quarantine.release_button.isEnabled, timeout=10_000)
    qtbot.keyClick(quarantine, Qt.Key_R, Qt.AltModifier)  # &Release and take in
    qtbot.waitUntil(lambda: "Released: taken in as enquiry MPH" in quarantine.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: quarantine.model.rowCount() == 0 and view.model.rowCount() == 1, timeout=10_000)
    assert not quarantine.release_button.isEnabled()  # nothing left to release
    grab(view, "inbox-quarantine-released", tmp_path)
    assert_accessible(quarantine)
    (item,) = view.model.items()
    assert item.state is CaseState.UNMATCHED and item.cts_reference == "B00001/26"


def test_the_desk_takes_the_mailbox_in_itself_asking_the_password_once(qtbot, world, dovecot, memory_keyring,
                                                                       tmp_path):
    services = world.services
    services.desk_intake.configure(world.admin, DeskMailbox(host=dovecot.host, port=dovecot.port,
                                                            security="plain", user=dovecot.user))
    dovecot.deliver(m.raw(m.plain()), m.raw(m.fax()))
    asked = []

    def ask(_parent, account):
        asked.append(account)
        return dovecot.password

    view = open_view(qtbot, services, world.leader, ask_password=ask)
    intake = view.intake
    qtbot.waitUntil(lambda: intake.status.text().startswith("Mail taken in"), timeout=30_000)
    assert asked == [f"{dovecot.user}@{dovecot.host}"]
    assert "2 messages looked at, 2 new enquiries" in intake.status.text()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    assert intake.timer.isActive()  # and again every few minutes
    dovecot.deliver(m.raw(m.plain(subject="A third")))
    intake.take_button.setFocus()
    qtbot.keyClick(view, Qt.Key_M, Qt.AltModifier)  # Take &mail in now
    qtbot.waitUntil(lambda: "1 new enquiry" in intake.status.text(), timeout=30_000)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=10_000)
    assert len(asked) == 1  # the keyring kept it
    grab(view, "inbox-desk-intake", tmp_path)
    assert_accessible(intake)


def test_a_microsoft_365_mailbox_asks_the_person_to_sign_in_with_a_code_then_takes_the_mail_in(
        qtbot, world, idp, oauth_dovecot, memory_keyring, monkeypatch, tmp_path):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(idp.cert))  # the site's CA, as a site trusts its own
    services = world.services
    services.desk_intake.configure(world.admin, DeskMailbox(
        host=oauth_dovecot.host, port=oauth_dovecot.port, security="plain", user=oauth_dovecot.user,
        oauth_client_id=idp.public_client_id, oauth_authority=idp.issuer))
    oauth_dovecot.deliver(m.raw(m.plain()))
    view = open_view(qtbot, services, world.leader)
    intake = view.intake
    qtbot.waitUntil(lambda: intake.sign_in is not None and intake.sign_in.isVisible(), timeout=30_000)
    dialog = intake.sign_in
    code = dialog.code_field.text()
    assert code and code in [entry["user_code"] for entry in idp.device_codes.values()]
    assert "Sign in to Microsoft 365" in intake.status.text()
    grab(dialog, "inbox-microsoft-365-sign-in", tmp_path)
    assert_accessible(dialog)
    qtbot.waitUntil(lambda: any(f.get("grant_type", "").endswith("device_code") for f in idp.token_requests),
                    timeout=30_000)  # asking, and told to wait: the person has not entered the code
    assert dialog.isVisible()
    idp.approve(code)  # the person enters it in a browser
    qtbot.waitUntil(lambda: intake.sign_in is None, timeout=30_000)
    qtbot.waitUntil(lambda: intake.status.text().startswith("Mail taken in"), timeout=30_000)
    assert "1 new enquiry" in intake.status.text()
    assert len(idp.logins_accepted()) == 1


def test_not_now_leaves_the_mail_where_it_is(qtbot, world, idp, oauth_dovecot, memory_keyring, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(idp.cert))
    world.services.desk_intake.configure(world.admin, DeskMailbox(
        host=oauth_dovecot.host, port=oauth_dovecot.port, security="plain", user=oauth_dovecot.user,
        oauth_client_id=idp.public_client_id, oauth_authority=idp.issuer))
    oauth_dovecot.deliver(m.raw(m.plain()))
    view = open_view(qtbot, world.services, world.leader)
    intake = view.intake
    qtbot.waitUntil(lambda: intake.sign_in is not None and intake.sign_in.isVisible(), timeout=30_000)
    qtbot.keyClick(intake.sign_in, Qt.Key_Escape)
    qtbot.waitUntil(lambda: intake.sign_in is None, timeout=10_000)
    assert intake.status.text() == "Not taken in: not signed in to Microsoft 365."
    assert len(oauth_dovecot.uids("INBOX")) == 1
