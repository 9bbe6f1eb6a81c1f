"""Administration, CTS side: drafting units and their members, and a general election, through the real services."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox

from mpel_app.domain.correspondence import LetterKind
from mpel_app.ui.admin_view import AdminView
from tests.support.desk import desk_context, row_text, shown
from tests.support.letters_world import build_letters_world
from tests.support.world import build_world
from tests.ui.accessibility import assert_accessible


def _view(qtbot, services, user, size=(1100, 820)):
    return shown(qtbot, AdminView(desk_context(services, user)), size)


def _answer(qtbot, tab, text: str) -> str:
    """Press the confirmation's button labelled ``text``; returns what the box said."""
    qtbot.waitUntil(lambda: tab.confirm_box is not None and tab.confirm_box.isVisible())
    box: QMessageBox = tab.confirm_box
    said = f"{box.text()}\n{box.informativeText()}"
    chosen = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    chosen.click()
    return said


def test_admin_creates_a_unit_adds_and_removes_a_member_edits_and_deactivates_it(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = _view(qtbot, sqlite_services, world.admin)
    tab = view.units
    view.tabs.setCurrentWidget(tab)
    assert view.tabs.tabText(view.tabs.currentIndex()) == "Drafting un&its"
    tab.refresh()
    qtbot.waitUntil(lambda: tab.page is not None)
    assert tab.table.rowCount() == 0 and not tab.code.isReadOnly()

    tab.code.setText("asy 9")
    tab.name.setText("Asylum Casework Unit 9")
    tab.nation.setCurrentIndex(tab.nation.findData("SCT"))
    tab.head_email.setText("head.asy9@ukba.example.gov.uk")
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1 and tab.selected() is not None)
    assert tab.message.text() == "ASY9 (Asylum Casework Unit 9) created: add its members on the right."
    assert row_text(tab.table, 0) == ["ASY9", "Asylum Casework Unit 9", "Scotland", "0", "Yes",
                                  "head.asy9@ukba.example.gov.uk"]
    assert tab.code.isReadOnly()

    tab.person.setCurrentIndex(tab.person.findData(world.case_owner.id))
    assert tab.person.currentText() == "Owen Caseworker (owner)"
    tab.add_button.click()
    qtbot.waitUntil(lambda: row_text(tab.table, 0)[3] == "1")
    assert tab.message.text() == "Owen Caseworker (owner) added to ASY9."
    assert [u.username for u in sqlite_services.units.members("ASY9")] == ["owner"]
    assert tab.members.item(0).text() == "Owen Caseworker (owner) — Case owner, EO"
    assert tab.person.findData(world.case_owner.id) == -1  # already in: not offered again
    assert sqlite_services.units.units_of(world.case_owner.id) == ["ASY9"]

    tab.person.setCurrentIndex(tab.person.findData(world.leader.id))
    tab.add_button.click()
    qtbot.waitUntil(lambda: row_text(tab.table, 0)[3] == "2")
    tab.members.setCurrentRow(next(i for i in range(tab.members.count())
                                   if tab.members.item(i).text().startswith("Tom Leader")))
    tab.remove_button.click()
    qtbot.waitUntil(lambda: row_text(tab.table, 0)[3] == "1")
    assert tab.message.text() == "Tom Leader (leader) removed from ASY9."
    assert [u.username for u in sqlite_services.units.members("ASY9")] == ["owner"]

    tab.name.setText("Asylum Casework Unit Nine")
    tab.head_email.setText("not an address")
    tab.save_button.click()
    qtbot.waitUntil(lambda: "is not an e-mail address" in tab.message.text())
    tab.head_email.setText("asy9.head@ukba.example.gov.uk")
    tab.save_button.click()
    qtbot.waitUntil(lambda: row_text(tab.table, 0)[1] == "Asylum Casework Unit Nine")
    assert tab.message.text() == "ASY9 saved."
    assert row_text(tab.table, 0)[2:] == ["Scotland", "1", "Yes", "asy9.head@ukba.example.gov.uk"]

    assert tab.active_button.text() == "Deacti&vate unit"
    tab.active_button.click()
    qtbot.waitUntil(lambda: row_text(tab.table, 0)[4] == "No (deactivated)")
    assert tab.message.text().startswith("ASY9 deactivated: MPCS can no longer allocate letters to it")
    assert [u.active for u in sqlite_services.units.list_units()] == [False]
    assert tab.active_button.text() == "Reacti&vate unit"
    assert_accessible(view)
    view.grab().save("/tmp/ui_admin_units.png")

    tab.active_button.click()
    qtbot.waitUntil(lambda: row_text(tab.table, 0)[4] == "Yes")
    # A second unit with the same code is refused by the service, and said so.
    tab.new_button.click()
    tab.code.setText("ASY9")
    tab.name.setText("Duplicate")
    before = tab.page
    tab.refresh()  # as on coming back to the view: what is being typed stays
    qtbot.waitUntil(lambda: tab.page is not before)
    assert (tab.code.text(), tab.name.text()) == ("ASY9", "Duplicate")
    tab.save_button.click()
    qtbot.waitUntil(lambda: "already a drafting unit ASY9" in tab.message.text())
    assert tab.table.rowCount() == 1


def test_mpcs_records_dissolution_and_outstanding_ministerial_letters_become_official(qtbot, sqlite_services):
    lw = build_letters_world(sqlite_services)
    letters = sqlite_services.letters
    outstanding = lw.accepted("ministerial")
    official = lw.accepted("official")
    view = _view(qtbot, sqlite_services, lw.mpcs, size=(900, 640))
    # MPCS sees only the election tab of Administration.
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == ["General &election"]
    tab = view.election
    tab.refresh()
    qtbot.waitUntil(lambda: tab.loaded)
    assert tab.state_label.text() == "No dissolution date is recorded: Members of Parliament are MPs."
    assert not tab.convert_button.isEnabled() and not tab.clear_button.isEnabled()

    tab.day.setDate(QDate(2026, 11, 23))  # today on the test clock
    tab.set_button.click()
    said = _answer(qtbot, tab, "Cancel")
    assert "Record that Parliament is dissolved on Monday 23 November 2026?" in said
    assert "no one is an MP" in said and "converted to Official replies now" in said
    assert letters.dissolution_date() is None  # cancelled: nothing recorded

    tab.set_button.click()
    _answer(qtbot, tab, "Record dissolution")
    qtbot.waitUntil(lambda: tab.converted.count() == 1)
    assert tab.converted.item(0).text() == outstanding.reference
    assert tab.message.text() == (f"Dissolution of Parliament recorded for Monday 23 November 2026. 1 outstanding "
                                  f"Ministerial letter converted to Official: {outstanding.reference}.")
    assert letters.dissolution_date() == date(2026, 11, 23)
    assert letters.get(lw.mpcs, outstanding.id).kind is LetterKind.OFFICIAL
    assert letters.get(lw.mpcs, official.id).kind is LetterKind.OFFICIAL
    assert tab.state_label.text().startswith("Parliament was dissolved on Monday 23 November 2026")
    assert tab.convert_button.isEnabled()
    assert_accessible(view)
    view.grab().save("/tmp/ui_admin_election.png")

    # A Ministerial letter registered during the election period is converted with the button.
    late = lw.accepted("ministerial", subject_name="Sara Haile")
    tab.convert_button.click()
    said = _answer(qtbot, tab, "Convert letters")
    assert "cannot be undone" in said
    qtbot.waitUntil(lambda: tab.converted.count() == 1 and tab.converted.item(0).text() == late.reference)
    assert letters.get(lw.mpcs, late.id).kind is LetterKind.OFFICIAL

    tab.clear_button.click()
    assert "Letters already converted to Official replies stay Official" in _answer(qtbot, tab, "Clear the date")
    qtbot.waitUntil(lambda: tab.message.text() == "Dissolution date cleared: Members of Parliament are MPs again.")
    assert letters.dissolution_date() is None
    assert not tab.convert_button.isEnabled()
    assert letters.get(lw.mpcs, outstanding.id).kind is LetterKind.OFFICIAL


def test_administrator_records_dissolution_but_leaves_converting_to_mpcs(qtbot, sqlite_services):
    lw = build_letters_world(sqlite_services)
    outstanding = lw.accepted("ministerial")
    view = _view(qtbot, sqlite_services, lw.admin)
    tab = view.election
    view.tabs.setCurrentWidget(tab)
    tab.refresh()
    qtbot.waitUntil(lambda: tab.loaded)
    assert not tab.may_convert and not tab.convert_button.isEnabled()
    tab.day.setDate(QDate(2026, 11, 20))
    tab.set_button.click()
    assert "an MPCS allocator converts them" in _answer(qtbot, tab, "Record dissolution")
    qtbot.waitUntil(lambda: "An MPCS allocator now converts" in tab.message.text())
    assert sqlite_services.letters.dissolution_date() == date(2026, 11, 20)
    assert sqlite_services.letters.get(lw.mpcs, outstanding.id).kind is LetterKind.MINISTERIAL
    assert tab.converted.count() == 0
