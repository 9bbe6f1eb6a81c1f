"""A desk on a person's own PostgreSQL login sends no mail itself (issue 19): the site's mail service does.

Its login may write messages but not read their text (db/pg_private.py), so a
sender thread there could only fail; the window starts none, the banner does
not claim mail is "not set up", and the Outbox still lists what waits.
"""
from __future__ import annotations

from mpel_app.notify.smtp import SmtpSettings
from tests.db.test_pg_boundary import boundary, desk_as  # noqa: F401 (fixture)
from tests.ui.test_outbox_ui import closed_port, window_for


def test_a_person_login_desk_leaves_sending_to_the_mail_service(qtbot, boundary):
    world = boundary["world"]
    with desk_as(boundary, "agent") as desk:
        window = window_for(qtbot, desk, world.agent)
        window.start_mail_delivery(SmtpSettings(host="127.0.0.1", port=closed_port(), starttls=False, timeout=3),
                                   interval=3600)
        assert window.mail is None and window.mail_configured
        dialog = window.open_outbox()
        qtbot.waitUntil(lambda: len(dialog.rows) > 0, timeout=10_000)
        assert "not set up" not in window.outbox_banner.text()
        window.close()
