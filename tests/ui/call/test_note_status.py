"""An urgent call note is said to be sent only once it is: queued while mail is not set up, then sent when it goes.

The walkthrough found "Urgent call note sent" in green on a desk with no
mail server, the note only in the Outbox (issue 13, finding 2).  Here the
desk says "queued, not sent: mail is not set up — telephone the region
now, then send the note by other means" and keeps saying it until the
Outbox records the note as sent (by a real SMTP server on loopback, or by
hand under the offline procedure).
"""
from __future__ import annotations

from PySide6.QtCore import Qt

from mpel_app.notify.sender import OutboxSender
from mpel_app.notify.smtp import SmtpTransport
from mpel_app.ui.call.note_status import NOT_SET_UP
from tests.notify.conftest import SMTP_PASSWORD, smtp_server, tls_files  # noqa: F401 (the loopback SMTP fixtures)
from tests.support.desk import open_call_view
from tests.support.world import build_world
from tests.ui.test_urgent_ui import flag_imminent, press, verified_call


def send_urgent(qtbot, view) -> None:
    flag_imminent(qtbot, view, "24/11/2026", "22:30")
    press(qtbot, Qt.Key_F9)
    qtbot.waitUntil(lambda: view.plan is not None, timeout=10_000)


def test_without_mail_the_note_is_queued_not_sent_until_sent_by_hand(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view)
    send_urgent(qtbot, view)
    assert NOT_SET_UP in view.message.text()
    assert "sent" not in view.message.text().replace("not sent", "").replace("send the note", "")
    assert view.message.styleSheet() != "" and "b00020" in view.message.styleSheet()  # in red, not green
    assert view.plan_panel.plan_title.text().endswith(": call note queued, not sent (mail is not set up)")
    view.grab().save("/tmp/ui_urgent_queued_not_sent.png")

    # The watch reads the outbox again: still queued, still said so.
    view.note_watch.check()
    qtbot.wait(200)
    assert NOT_SET_UP in view.message.text()

    # The agent e-mails it from the team mailbox and records that in the Outbox (offline procedure).
    [note] = [m for m in sqlite_services.outbox.messages_for(world.leader, "enquiry", view.record.id)
              if m.kind == "call_note"]
    sqlite_services.outbox.mark_sent_by_hand(world.agent, note.id, "emailed from the team mailbox at 10:20")
    view.note_watch.check()
    qtbot.waitUntil(lambda: "by other means (recorded in the Outbox)" in view.message.text())
    assert "1b5e20" in view.message.styleSheet()
    assert view.plan_panel.plan_title.text().endswith("call note sent to London & South East by other means")


def test_with_mail_set_up_it_says_sending_then_sent_once_the_server_took_it(qtbot, sqlite_services, smtp_server):
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    view._ctx.mail_configured = lambda: True
    verified_call(qtbot, view)
    send_urgent(qtbot, view)
    assert "queued, not sent yet: the desk is sending it now" in view.message.text()
    sender = OutboxSender(sqlite_services.uow, sqlite_services.clock,
                          lambda: SmtpTransport(smtp_server.settings(), SMTP_PASSWORD))
    assert sender.deliver_due().sent == 1
    view.note_watch.check()
    qtbot.waitUntil(lambda: "urgent call note sent to London & South East at 10:15" in view.message.text())
    assert len(smtp_server.messages) == 1
