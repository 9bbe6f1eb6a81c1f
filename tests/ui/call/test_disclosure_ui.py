"""As the agent ticks the disclosure checks the call screen says what they may and may not say; the service refuses
an answer the caller was not entitled to (issue 13, finding 5)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.records import EnquiryStatus
from tests.support.desk import open_call_view
from tests.support.world import build_world
from tests.ui.accessibility import assert_accessible
from tests.ui.test_urgent_ui import press, verified_call


def test_ticks_say_what_may_be_said_and_the_service_refuses_the_rest(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view, question="Has the decision been made?")
    case = view.case
    assert case.advice.text().count("No personal information yet") == 1
    case.check_constituency.setChecked(True)
    assert "confirm the caller's identity beyond reasonable doubt" in case.advice.text()
    case.check_identity.setChecked(True)
    assert "You may discuss the applicant's case." in case.advice.text()
    case.check_constituency.setChecked(False)
    case.check_identity.setChecked(False)
    case.check_third_party.setChecked(True)
    said = case.advice.accessibleName()
    assert said.startswith("Third party: limited facts only")
    assert "Never say: the applicant's address; the reasons for a refusal" in said and "May say: limited facts" in said
    assert case.limited_facts_only.isVisible()

    case.answer.setPlainText("Refused on 2 November; the refusal letter explains why.")
    case.personal_information.setChecked(True)
    QApplication.processEvents()
    view.grab().save("/tmp/ui_disclosure_third_party.png")
    assert_accessible(view)
    press(qtbot, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "only limited facts" in view.message.text())
    assert view.record.status is EnquiryStatus.OPEN
    case.limited_facts_only.setChecked(True)
    press(qtbot, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "completed" in view.message.text())
    [rec] = [sqlite_services.enquiries.get_by_reference(world.agent, "MPH000001")]
    assert rec.disclosure.third_party and rec.disclosure.limited_facts_only and rec.disclosure.personal_information
