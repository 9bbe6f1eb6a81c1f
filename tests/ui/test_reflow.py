"""200 % text on a 1366×768 laptop: the New call view and the Drafting units tab reflow instead of
scrolling sideways (issue 12, WCAG 2.2 1.4.10), and the call reference is heard by a screen reader."""
from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

from mpel_app.ui.reflow import FlowLayout, ReflowColumns
from tests.support.world import build_world
from tests.ui.accessibility import assert_accessible
from tests.ui.test_desk_fit import SCREEN_W, _everything_window


def no_sideways_scrolling(window, view) -> bool:
    page = window.pages_by_view[view]
    return page.horizontalScrollBar().maximum() == 0 and view.width() <= page.viewport().width()


def test_the_new_call_view_reflows_at_200_percent_text(qtbot, sqlite_services, text_scale):
    window = _everything_window(qtbot, sqlite_services)
    call = window.call_view
    window.show_view(call)
    call.new_call()
    qtbot.waitUntil(lambda: call.record is not None)
    qtbot.waitUntil(lambda: no_sideways_scrolling(window, call))
    assert call.minimumSizeHint().width() <= SCREEN_W - 20
    # Wide enough at 100 %: caller and case side by side; at 200 % one above the other, and the urgent
    # section after the case, so the sections still read 1, 2, 3, 4 from the top.
    assert call.columns.side_by_side is (text_scale == 1)
    tops = [w.mapTo(call, QPoint(0, 0)).y() for w in (call.caller, call.passcode, call.case, call.urgent)]
    assert tops == sorted(tops) if text_scale == 2 else tops[2] < tops[1]
    # Every finishing button is inside the width, wrapped onto another row if need be.
    for button in (call.footer.save_button, call.footer.complete_button, call.footer.further_action_button,
                   call.footer.send_urgent_button):
        right = button.mapTo(call, QPoint(button.width(), 0)).x()
        assert right <= call.width(), button.text()
    page = window.pages_by_view[call]
    page.verticalScrollBar().setValue(page.verticalScrollBar().maximum())
    QApplication.processEvents()
    window.grab().save(f"/tmp/ui_reflow_call_bottom_{text_scale}x.png")
    page.verticalScrollBar().setValue(0)
    QApplication.processEvents()
    window.grab().save(f"/tmp/ui_reflow_call_top_{text_scale}x.png")
    assert_accessible(call)


def test_the_drafting_units_tab_fits_at_200_percent_text(qtbot, sqlite_services, text_scale):
    window = _everything_window(qtbot, sqlite_services)
    admin = window.admin_view
    window.show_view(admin)
    admin.tabs.setCurrentWidget(admin.units)
    assert admin.units.minimumSizeHint().width() <= SCREEN_W - 40
    assert admin.minimumSizeHint().width() <= SCREEN_W - 20
    qtbot.waitUntil(lambda: no_sideways_scrolling(window, admin))
    QApplication.processEvents()
    window.grab().save(f"/tmp/ui_reflow_units_{text_scale}x.png")


def test_reflow_columns_stack_when_both_do_not_fit(qtbot):
    first, second = QWidget(), QWidget()
    first.setMinimumWidth(300)
    second.setMinimumWidth(400)
    columns = ReflowColumns(first, second)
    holder = QWidget()  # as in a view: a child, whose width its parent's layout decides
    QVBoxLayout(holder).addWidget(columns)
    qtbot.addWidget(holder)
    holder.resize(820, 200)
    holder.show()
    qtbot.waitUntil(lambda: columns.side_by_side)
    assert columns.minimumSizeHint().width() == 400  # the wider column, never the sum
    with qtbot.waitSignal(columns.reflowed):
        holder.resize(620, 200)
    assert not columns.side_by_side
    qtbot.waitUntil(lambda: second.geometry().top() >= first.geometry().bottom())
    with qtbot.waitSignal(columns.reflowed):
        holder.resize(920, 200)
    assert columns.side_by_side


def test_a_flow_of_buttons_wraps_rather_than_widens(qtbot):
    box = QWidget()
    flow = FlowLayout(box)
    buttons = [QPushButton(f"A rather long button label {n}") for n in range(4)]
    for b in buttons:
        flow.addWidget(b)
    qtbot.addWidget(box)
    widest = max(b.sizeHint().width() for b in buttons)
    assert box.minimumSizeHint().width() == widest
    box.resize(widest + 10, flow.heightForWidth(widest + 10))
    box.show()
    qtbot.waitUntil(lambda: buttons[3].geometry().top() > buttons[0].geometry().bottom())
    assert all(b.geometry().right() <= box.width() for b in buttons)
    assert flow.heightForWidth(widest + 10) >= 4 * buttons[0].sizeHint().height()


def test_the_call_reference_is_in_the_labels_accessible_name(qtbot, sqlite_services):
    from tests.support.desk import open_call_view
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    header = view.header
    assert header.reference_label.accessibleName() == "Call reference: no call open"
    view.new_call()
    qtbot.waitUntil(lambda: view.record is not None)
    assert header.reference_label.accessibleName() == "Call reference MPH000001"
    assert header.reference_label.accessibleDescription() == "Spelt out: M P H 0 0 0 0 0 1"
    assert header.call_info_label.accessibleName().startswith(
        "Call details: Received 23 Nov 2026 10:15, Telephone, Open, logged by Carla Agent")
