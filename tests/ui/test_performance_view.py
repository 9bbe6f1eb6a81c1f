"""The Performance view offscreen: league tables best first with shortfalls in words and colour, the
charts drawn, a chase from the chasing list, and the PDF and CSV exports read back."""
from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from mpel_app.ui.performance_view import PerformanceView
from tests.services.test_performance import ENQUIRIES, LETTERS, _add_enquiries, _add_letters, _unit, london
from tests.support.desk import desk_context, shown
from tests.support.world import build_world

GRABS = os.environ.get("MPEL_GRAB_DIR")  # set it to keep the window grabs for a person to look at


@pytest.fixture
def view(qtbot, sqlite_services, clock, tmp_path):
    world = build_world(sqlite_services)
    _add_enquiries(world, ENQUIRIES)
    _unit(world, "ASY")
    _unit(world, "SCO", "SCT")
    _add_letters(world, LETTERS)
    clock.set(london("2027-01-15 10:00"))
    saved: dict[str, Path] = {}

    def chooser(_parent, suggested: str) -> Path:
        saved[suggested] = tmp_path / suggested
        return tmp_path / suggested

    v = shown(qtbot, PerformanceView(desk_context(sqlite_services, world.leader), save_chooser=chooser,
                                     csv_chooser=chooser), (1300, 900))
    qtbot.waitUntil(lambda: v.figures is not None, timeout=20_000)
    v.saved = saved
    v.world = world
    return v


def _grab(widget, name: str) -> None:
    if GRABS:
        from PySide6.QtWidgets import QApplication
        QApplication.processEvents()  # let the posted layout requests land first
        widget.grab().save(str(Path(GRABS) / name))


def _choose(view, qtbot, label: str, start: date, end: date) -> None:
    view.picker.choice.setCurrentText(label)
    view.picker.start.setDate(start)
    view.picker.end.setDate(end)
    before = view.figures
    qtbot.mouseClick(view.picker.show_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.figures is not before, timeout=20_000)


def test_league_tables_best_first_with_shortfalls_marked(view, qtbot):
    _choose(view, qtbot, "Any dates", date(2026, 11, 1), date(2026, 12, 31))
    regions = view.regions
    assert regions.table.rowCount() == 2
    first, second = regions.row_texts(0), regions.row_texts(1)
    assert first[:8] == ["1", "LSE", "London & South East", "4", "3", "2", "66.7 % (below target)", "1"]
    assert second[:7] == ["2", "SNI", "Scotland & Northern Ireland", "3", "2", "1", "50.0 % (below target)"]
    short = regions.table.item(0, 6)
    assert short.background().color() == QColor("#fbe9e7")  # colour as well as the words
    assert regions.definitions.toPlainText().startswith("Target line: 100 %")
    assert "Open overdue" in regions.definitions.toPlainText()
    units = view.units
    assert [units.row_texts(r)[1] for r in range(units.table.rowCount())] == ["SCO", "ASY", "MPCS"]
    # Charts drawn offscreen: SVG loaded and not blank.
    for chart in (view.region_charts.trend, view.region_charts.ageing, view.unit_charts.ageing):
        assert chart.renderer().isValid()
        image = chart.grab().toImage()
        colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 3
    assert view.region_charts.trend.accessibleName() == "Regions: chart of % answered within target over time"
    _grab(view, "performance-view.png")
    _grab(view.region_charts, "performance-charts.png")


def test_chase_from_the_list(view, qtbot):
    view.pages.setCurrentIndex(1)
    items = view.chase.items
    assert items and items[0].reference == "SNI000010"  # due 21 Dec, the oldest
    view.chase.table.selectRow(0)
    qtbot.mouseClick(view.chase.chase_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "reminder queued" in view.message.text(), timeout=10_000)
    assert view.chase.table.item(0, 5).text().startswith("chased 15 Jan 10:00 by leader")
    _grab(view, "performance-chasing.png")


def test_exports_pdf_and_csv_read_back(view, qtbot):
    _choose(view, qtbot, "Any dates", date(2026, 10, 1), date(2026, 12, 31))
    qtbot.mouseClick(view.pdf_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Saved league-table-2026-10-01-2026-12-31.pdf" in view.message.text(), timeout=30_000)
    pdf_path = next(p for name, p in view.saved.items() if name.endswith(".pdf"))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf_path).pages).split())
    assert "01 Oct 2026 to 31 Dec 2026" in text
    assert "66.7 % (below target)" in text
    assert "Quarterly return to the Cabinet Office" in text and "Q4 2026" in text
    assert text.count("Open overdue: received in the period") == 2  # under each table
    qtbot.mouseClick(view.csv_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Saved league-table-2026-10-01-2026-12-31.csv" in view.message.text(), timeout=10_000)
    csv_path = next(p for name, p in view.saved.items() if name.endswith(".csv"))
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert rows[1][:4] == ["Regions: enquiries", "1", "LSE", "London & South East"]
    qtbot.mouseClick(view.return_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Saved cabinet-office-return" in view.message.text(), timeout=10_000)
    ret = next(p for name, p in view.saved.items() if name.startswith("cabinet"))
    lines = list(csv.reader(io.StringIO(ret.read_text(encoding="utf-8-sig"))))
    # Q4 2026: the six December letters less the cancelled one; 3 of 4 dispatched in 20 days (ASY 2, SCO 1).
    assert lines[1] == ["Q4 2026", "6", "20", "75.0", "75.0"]
    if GRABS:
        import subprocess
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf_path), str(Path(GRABS) / "performance-pdf")], check=True)


def test_only_for_those_who_answer_for_the_targets(qtbot, sqlite_services):
    from mpel_app.ui.main_window import MainWindow
    world = build_world(sqlite_services)
    for user, expected in ((world.leader, True), (world.agent, False), (world.am_lse, False)):
        window = MainWindow(desk_context(sqlite_services, user))
        qtbot.addWidget(window)
        titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        assert ("Performance" in titles) is expected
        window.close()




def test_period_picker_presets(qtbot):
    from mpel_app.ui.performance_sections import PeriodPicker

    picker = PeriodPicker(date(2027, 1, 15))
    qtbot.addWidget(picker)
    assert picker.period().label == "This week" and picker.period().start == date(2027, 1, 11)
    picker.choice.setCurrentText("Last month")
    assert (picker.period().label, picker.period().start, picker.period().end) == (
        "December 2026", date(2026, 12, 1), date(2026, 12, 31))
    picker.choice.setCurrentText("Last quarter")
    assert picker.period().label == "Q4 2026"
    picker.end.setDate(date(2026, 12, 24))  # edited: no longer the quarter
    assert (picker.period().label, picker.period().end) == ("", date(2026, 12, 24))
    assert picker.choice.accessibleName() == "Period" and picker.start.accessibleName() == "From"


def test_the_calls_figure_reads_as_sentences_and_is_absent_without_calls(view, qtbot):
    from datetime import timedelta

    from mpel_app.telephony.events import ANSWER, HANGUP, NEW_CALL, NORMAL_CLEARING, CtiEvent

    _choose(view, qtbot, "Any dates", date(2026, 11, 1), date(2026, 12, 31))
    assert view.more.isHidden()  # no calls stored: no calls figure, not a zero
    start = london("2026-12-01 10:00")
    for n, wait in enumerate((12, 50)):
        common = dict(call_id=f"c{n}", from_number="020 7219 3000", queue="mpel")
        view.world.services.calls.record(CtiEvent(event=NEW_CALL, at=start, **common))
        view.world.services.calls.record(CtiEvent(event=ANSWER, at=start + timedelta(seconds=wait),
                                                  users=("PJSIP/2001",), **common))
        view.world.services.calls.record(CtiEvent(event=HANGUP, at=start + timedelta(seconds=wait + 90),
                                                  cause=NORMAL_CLEARING, **common))
    _choose(view, qtbot, "Any dates", date(2026, 11, 1), date(2026, 12, 31))
    assert not view.more.isHidden()
    title, body = (label.text() for label in view.more.labels)
    assert "Telephone calls answered within 30 seconds" in title
    assert body.startswith("Service level: 50.0 % (aim: every call answered within 30 s).\n"
                           "2 calls offered; 2 answered (100.0 %), 1 of them within 30 s; none abandoned.")
    assert view.more.labels[1].accessibleName() == "Telephone calls answered within 30 seconds"
    view.pages.widget(0).ensureWidgetVisible(view.more)
    _grab(view, "performance-calls.png")
