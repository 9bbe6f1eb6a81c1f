"""The demo shows the whole desk (issue 14): a letters workstack with work on a fresh demo, and empty lists that
say what must be set up first; the register form reads the Home Secretary's list instead of a tick."""
from __future__ import annotations

from pathlib import Path


from mpel_app.demo import seed_demo
from mpel_app.domain.correspondence import LetterAction as A
from mpel_app.domain.records import Role
from mpel_app.ui.context import DeskContext
from mpel_app.ui.empty_states import NO_UNITS, NOT_IN_A_UNIT
from mpel_app.ui.letter_dialog import LetterDialog
from mpel_app.ui.letter_register import RegisterLetterDialog
from mpel_app.ui.letters_view import LettersView
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.task_runner import TaskRunner
from tests.support.desk import choose_member, desk_context, shown
from tests.support.world import PASSWORD, build_world
from tests.ui.accessibility import assert_accessible

GRABS = Path("/tmp/boundary-grabs")


def test_a_fresh_demo_gives_the_case_owner_and_workflow_manager_work(qtbot, sqlite_services):
    info = seed_demo(sqlite_services, members=12, enquiries=20)
    # The case owner's four include one more than a month past target; the unit team leader's three an
    # urgent one (red) whose reply is overdue (demo_letters.LATE).
    for label, rows in (("case owner", 4), ("workflow manager", 4), ("unit team leader", 3)):
        user = sqlite_services.users.authenticate(info.usernames[label], info.password)
        window = shown(qtbot, MainWindow(DeskContext(services=sqlite_services, user=user, runner=TaskRunner())),
                       (1366, 768))
        view = next(v for v in window.views if isinstance(v, LettersView))
        window.show_view(view)
        qtbot.waitUntil(lambda: view.model.rowCount() == rows)
        assert view.summary_label.text().startswith(f"{rows} letters")
        window.grab().save(str(GRABS / f"demo-letters-{user.username}.png"))


def letters_view(qtbot, services, user) -> LettersView:
    view = shown(qtbot, LettersView(desk_context(services, user)), (1100, 600))
    return view


def test_an_empty_workstack_says_what_must_be_set_up_first(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    mpcs = sqlite_services.users.create_user(world.admin, username="mpcs", full_name="Mona Allocator",
                                             password=PASSWORD, roles={Role.MPCS_ALLOCATOR}, demo=True)
    view = letters_view(qtbot, sqlite_services, mpcs)
    qtbot.waitUntil(lambda: view.summary_label.text() == NO_UNITS)
    owner = letters_view(qtbot, sqlite_services, world.case_owner)
    qtbot.waitUntil(lambda: owner.summary_label.text() == NO_UNITS)
    sqlite_services.units.create_unit(world.admin, code="ASY1", name="Asylum Casework Unit 1", head_email="")
    owner = letters_view(qtbot, sqlite_services, world.case_owner)
    qtbot.waitUntil(lambda: owner.summary_label.text() == NOT_IN_A_UNIT)
    view = letters_view(qtbot, sqlite_services, mpcs)
    qtbot.waitUntil(lambda: view.summary_label.text().startswith("Nothing to allocate"))


def test_allocating_with_no_units_says_who_adds_them(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    mpcs = sqlite_services.users.create_user(world.admin, username="mpcs", full_name="Mona Allocator",
                                             password=PASSWORD, roles={Role.MPCS_ALLOCATOR}, demo=True)
    rec = sqlite_services.letters.register(mpcs, kind="official", member_id=world.mp.id, subject_name="Ali Rezaei",
                                           issue="his asylum claim")
    dialog = LetterDialog(desk_context(sqlite_services, mpcs), rec.id, opener=lambda _p: True,
                          save_chooser=lambda _parent, _name: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.record is not None and not dialog.busy)
    dialog.action_buttons[A.ALLOCATE].click()
    assert dialog.no_units.text() == NO_UNITS and dialog.no_units.isVisible()
    assert_accessible(dialog)


def test_the_register_form_reads_the_home_secretary_s_list(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    sqlite_services.home_secretary_list.add(world.admin, world.mp_scot.id)
    mpcs = sqlite_services.users.create_user(world.admin, username="mpcs", full_name="Mona Allocator",
                                             password=PASSWORD, roles={Role.MPCS_ALLOCATOR}, demo=True)
    dialog = RegisterLetterDialog(desk_context(sqlite_services, mpcs))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.no_units.isVisible())  # the units were read: none yet
    listed = dialog.fields["on_home_secretary_list"]
    assert not listed.isEnabled()
    choose_member(qtbot, dialog.member_picker, "macleod")
    assert listed.isChecked()
    dialog.member_picker.clear()
    choose_member(qtbot, dialog.member_picker, "smith")
    assert not listed.isChecked()
    assert_accessible(dialog)
