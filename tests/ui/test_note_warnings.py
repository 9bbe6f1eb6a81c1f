"""A region's inbox that does not work, or a desk without mail, is said wherever a note is about to go (issue 14):
the Further Action send, the e-mail enquiry's path, and the urgent call note's preview, from the one rule
(``domain.region_contacts.note_warning``), on SQLite through the real services.

The test world keeps the seed file's placeholder inboxes; a region put right by the administrator
(``fix_inbox``) shows how the warning goes away."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.records import Channel
from mpel_app.ui.call_view import CallView
from mpel_app.ui.inbox_view import InboxView
from mpel_app.ui.queues import FurtherActionView
from tests.inbox import messages as m
from tests.support.desk import choose_member, desk_context, shown
from tests.support.world import build_world
from tests.ui.accessibility import assert_accessible
from tests.ui.test_inbox_ui import take_in
from tests.ui.test_queues import further_action_case
from tests.ui.test_urgent_ui import HALF_FOUR, flag_imminent, press, verified_call

PLACEHOLDER = "is a placeholder: notes sent there reach nobody"


@pytest.fixture
def world(sqlite_services):
    return build_world(sqlite_services)


def fix_inbox(services, admin, code: str, name: str) -> None:
    """The administrator gives ``code`` a working inbox (Administration → Regions)."""
    region = services.regions.region(code)
    services.regions.update(admin, code, name=name, inbox_name=region.inbox_name,
                            inbox_address=f"mp-inbox-{code.lower()}@homeoffice.gov.uk", team_leader_email="",
                            fax_number=region.fax_number, phone_number=region.phone_number)


def context(services, user, *, mail: bool):
    ctx = desk_context(services, user)
    ctx.mail_configured = lambda: mail
    return ctx


# ---------------------------------------------------------------- Further Action


def test_further_action_warns_for_the_region_chosen_before_the_case_is_sent(qtbot, sqlite_services, world):
    fix_inbox(sqlite_services, world.admin, "SNI", "Scotland & Northern Ireland")
    further_action_case(world, world.mp, "Amina Okafor")  # London: a placeholder inbox
    further_action_case(world, world.mp_scot, "Kofi Mensah")  # Scotland: put right above
    view = shown(qtbot, FurtherActionView(context(sqlite_services, world.leader, mail=True)), (1200, 800))
    view.refresh()
    qtbot.waitUntil(lambda: view.record is not None and view.region_combo.currentData() == "LSE")
    warning = view.inbox_warning
    qtbot.waitUntil(lambda: not warning.isHidden())
    assert warning.text().startswith("Notes to London & South East will not arrive: the inbox address "
                                     "mp-inbox-lse@mpel.example.gov.uk " + PLACEHOLDER)
    assert warning.accessibleName() == "Inbox warning: " + warning.text()
    assert_accessible(view)
    view.grab().save("/tmp/ui_further_action_inbox_warning.png")

    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_Down)  # the Scottish MP's case: its region's inbox works
    qtbot.waitUntil(lambda: view.record.reference == "MPH000002" and view.region_combo.currentData() == "SNI")
    assert warning.isHidden() and warning.text() == ""
    view.region_combo.setCurrentIndex(view.region_combo.findData("NWE"))  # the leader chooses another region
    assert not warning.isHidden() and warning.text().startswith("Notes to North West will not arrive")

    # The administrator puts the North West right meanwhile: the next reload reads the regions again.
    fix_inbox(sqlite_services, world.admin, "NWE", "North West")
    view.refresh()
    qtbot.waitUntil(lambda: warning.isHidden())


def test_further_action_on_a_desk_without_mail_says_the_note_waits(qtbot, sqlite_services, world):
    fix_inbox(sqlite_services, world.admin, "SNI", "Scotland & Northern Ireland")
    further_action_case(world, world.mp_scot, "Kofi Mensah")
    view = shown(qtbot, FurtherActionView(context(sqlite_services, world.leader, mail=False)), (1200, 800))
    view.refresh()
    qtbot.waitUntil(lambda: view.region_combo.currentData() == "SNI" and not view.inbox_warning.isHidden())
    assert view.inbox_warning.text().startswith("Mail is not set up on this desk: a note to Scotland & Northern "
                                                "Ireland waits in the outbox, unsent.")


# ---------------------------------------------------------------- the e-mail enquiry


def open_inbox(qtbot, services, user, *, mail: bool = True) -> InboxView:
    view = shown(qtbot, InboxView(context(services, user, mail=mail)), (1300, 900))
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.current is not None, timeout=10_000)
    return view


def test_an_email_enquiry_warns_about_its_regions_inbox_until_it_is_put_right(qtbot, world):
    services = world.services
    take_in(services, m.raw(m.plain()))  # from the London MP's office: allocated to London & South East
    view = open_inbox(qtbot, services, world.am_lse)
    assert view.current.region_code == "LSE"
    qtbot.waitUntil(lambda: not view.inbox_warning.isHidden(), timeout=10_000)
    assert view.inbox_warning.text().startswith("Notes to London & South East will not arrive")
    assert_accessible(view)
    view.grab().save("/tmp/ui_inbox_inbox_warning.png")

    fix_inbox(services, world.admin, "LSE", "London & South East")
    view.refresh()  # F5
    qtbot.waitUntil(lambda: view.inbox_warning.isHidden(), timeout=10_000)


def test_matching_an_unmatched_sender_warns_for_the_region_of_the_member_picked(qtbot, world):
    services = world.services
    fix_inbox(services, world.admin, "LSE", "London & South East")
    take_in(services, m.raw(m.plain(sender="unknown@gmail.example")))
    view = open_inbox(qtbot, services, world.leader)
    assert view.current.region_code is None and not view.match_row.isHidden()
    assert view.inbox_warning.isHidden()  # no region yet: nothing to warn about
    choose_member(qtbot, view.match_picker, "Glasgow")
    qtbot.waitUntil(lambda: not view.inbox_warning.isHidden())
    assert view.inbox_warning.text().startswith("Notes to Scotland & Northern Ireland will not arrive")
    view.match_picker.clear()
    choose_member(qtbot, view.match_picker, "Holborn")
    qtbot.waitUntil(lambda: view.inbox_warning.isHidden())


# ---------------------------------------------------------------- the urgent call note's preview


def call_view(qtbot, services, user) -> CallView:
    view = shown(qtbot, CallView(context(services, user, mail=True)), (1280, 720))
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.header.channel_buttons[Channel.TELEPHONE])
    return view


def test_the_urgent_preview_warns_for_the_region_the_note_will_go_to(qtbot, sqlite_services, world, clock):
    clock.set(HALF_FOUR)
    fix_inbox(sqlite_services, world.admin, "LSE", "London & South East")
    sqlite_services.rota.set_entry(world.leader, date(2026, 11, 23), "NWE", "Priya Shah", "0161 496 0123")
    view = call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view)
    warning = view.urgent.note_warning
    assert warning.isHidden()  # not urgent: no note to send

    flag_imminent(qtbot, view, "24/11/2026", "22:30")  # the duty hour: tonight's duty region, the North West
    assert "tonight's duty region" in view.urgent.route_label.text()
    assert not warning.isHidden()
    assert warning.text().startswith("Notes to North West will not arrive: the inbox address "
                                     "mp-inbox-nwe@mpel.example.gov.uk " + PLACEHOLDER)
    assert warning.accessibleName() == "Call note warning: " + warning.text()
    assert_accessible(view)
    view.grab().save("/tmp/ui_urgent_preview_inbox_warning.png")

    # Compelling / compassionate only: the member's own region, London, whose inbox works.
    press(qtbot, Qt.Key_V, Qt.AltModifier)
    qtbot.waitUntil(lambda: not view.urgent.imminent_check.isChecked())
    press(qtbot, Qt.Key_L, Qt.AltModifier)
    qtbot.waitUntil(view.urgent.compassionate_check.isChecked)
    assert "region's inbox" in view.urgent.route_label.text()
    assert warning.isHidden()

    # The note is sent to the North West after all: the plan says the same problem as the preview did.
    press(qtbot, Qt.Key_L, Qt.AltModifier)
    qtbot.waitUntil(lambda: not view.urgent.compassionate_check.isChecked())
    press(qtbot, Qt.Key_V, Qt.AltModifier)  # the removal date and time are still there
    qtbot.waitUntil(lambda: view.urgent.imminent_check.isChecked() and not warning.isHidden())
    press(qtbot, Qt.Key_F9)
    qtbot.waitUntil(lambda: view.plan is not None)
    assert view.plan.region_name == "North West" and PLACEHOLDER in view.plan.inbox_problem
