"""The Performance view: league tables, charts, chasing lists and exports, for the people who answer
for the targets (``Action.VIEW_PERFORMANCE``: team leaders, duty managers, administrators).

Assembled from the sections in ``performance_sections``; this module is the thin controller:
it runs the use cases (and the chart and file rendering) through the TaskRunner and hands
the results to the sections.  The save-file chooser is a parameter, so tests give it a path.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLayout, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from ..domain.calendar import LONDON
from ..domain.chasing import ChaseItem
from ..domain.performance import REGION_TARGET, UNIT_TARGET, LeagueTable, Period, trend_buckets
from .context import DeskContext
from .performance_sections import ChartsSection, ChaseSection, LeagueSection, MoreFiguresSection, PeriodPicker
from .widgets import MessageLabel, SaveChooser, button, choose_save_path, error_text, heading, screen_shortcut

choose_pdf_path = partial(choose_save_path, title="Export the league table", file_filter="PDF file (*.pdf)")
choose_csv_path = partial(choose_save_path, title="Export the league table", file_filter="CSV file (*.csv)")


@dataclass(frozen=True)
class Figures:
    """What one "Show" brings back from the worker thread, charts already drawn."""

    table: LeagueTable
    trend: list
    charts: dict[str, tuple[bytes, bytes]]  # "regions"/"units" -> (trend SVG, ageing SVG)
    chase: list[ChaseItem]
    awaiting: list[ChaseItem]


def load_figures(services, user, period: Period) -> Figures:
    """Worker thread: the figures, the chasing lists and the charts' SVG."""
    from ..reports.performance_charts import ageing_chart, svg_bytes, trend_chart, trend_series

    table = services.performance.league_table(user, period)
    trend = services.performance.trend(user, period)
    steps = trend_buckets(period)
    charts = {}
    for key, rows, target in (("regions", table.regions, REGION_TARGET), ("units", table.units, UNIT_TARGET)):
        series = trend_series(trend, [r.key for r in rows], steps)
        charts[key] = (svg_bytes(trend_chart([s.label for s in steps], series, target)), svg_bytes(ageing_chart(rows)))
    return Figures(table, trend, charts, services.chasing.chase_list(user), services.chasing.awaiting_acceptance(user))


class PerformanceView(QWidget):
    title = "Performance"

    def __init__(self, ctx: DeskContext, *, save_chooser: SaveChooser | None = None,
                 csv_chooser: SaveChooser | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.save_pdf = save_chooser or choose_pdf_path
        self.save_csv = csv_chooser or choose_csv_path
        self.figures: Figures | None = None
        today = ctx.services.clock.now().astimezone(LONDON).date()
        self.picker = PeriodPicker(today)
        self.message = MessageLabel("Performance message")
        self.regions = LeagueSection("Regions: enquiries", REGION_TARGET, regions=True)
        self.units = LeagueSection("Drafting units: MPs' letters", UNIT_TARGET, regions=False)
        self.region_charts = ChartsSection("Regions")
        self.unit_charts = ChartsSection("Drafting units")
        self.more = MoreFiguresSection()
        self.chase = ChaseSection("Overdue or due within a working day")
        self.awaiting = ChaseSection("Letters sent to a unit, not yet accepted", "Chase the &unit")
        self.pdf_button = button("Export &PDF…", "The league table, charts and definitions as a PDF")
        self.csv_button = button("Export &CSV…", "The league table as a spreadsheet file")
        self.return_button = button("&Quarterly return (CSV)…",
                                    "The Cabinet Office return for the quarters of this period")
        for b in (self.pdf_button, self.csv_button, self.return_button):
            b.setEnabled(False)

        league = QWidget()
        column = QVBoxLayout(league)
        # Never squeezed below what the sections need (the page scrolls instead).
        column.setSizeConstraint(QLayout.SetMinimumSize)
        for widget in (self.regions, self.region_charts, self.units, self.unit_charts, self.more):
            column.addWidget(widget)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(league)
        scroll.setAccessibleName("League tables and charts")
        chasing = QWidget()
        chase_column = QVBoxLayout(chasing)
        chase_column.addWidget(self.chase, 2)
        chase_column.addWidget(self.awaiting, 1)
        self.pages = QTabWidget()
        self.pages.setAccessibleName("Performance pages")
        self.pages.addTab(scroll, "&League table")
        self.pages.addTab(chasing, "Chasin&g")
        exports = QHBoxLayout()
        for b in (self.pdf_button, self.csv_button, self.return_button):
            exports.addWidget(b)
        exports.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Performance against the targets", 3))
        layout.addWidget(self.picker)
        layout.addWidget(self.message)
        layout.addWidget(self.pages, 1)
        layout.addLayout(exports)

        self.picker.requested.connect(self.load)
        self.chase.chase_requested.connect(self.chase_item)
        self.awaiting.chase_requested.connect(self.chase_item)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.csv_button.clicked.connect(self.export_csv)
        self.return_button.clicked.connect(self.export_return)
        screen_shortcut(self, "F5", lambda: self.load(self.picker.period()))
        self._loaded_once = False

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._loaded_once:
            self._loaded_once = True
            self.load(self.picker.period())

    # -- use cases through the runner ------------------------------------------------------

    def load(self, period: Period) -> None:
        self.message.show_info(f"Counting {period.title}…")
        services, user = self.ctx.services, self.ctx.user
        self.ctx.runner.submit(lambda: load_figures(services, user, period), self._show, self._failed, owner=self)

    def _show(self, figures: Figures) -> None:
        self.figures = figures
        self.regions.show_rows(figures.table.regions)
        self.units.show_rows(figures.table.units)
        self.region_charts.show_svg(*figures.charts["regions"])
        self.unit_charts.show_svg(*figures.charts["units"])
        self.more.show_figures(figures.table.more)
        self.chase.show_items(figures.chase)
        self.awaiting.show_items(figures.awaiting)
        for b in (self.pdf_button, self.csv_button, self.return_button):
            b.setEnabled(True)
        self.message.show_ok(f"Received {figures.table.period.title}: {len(figures.table.regions)} regions, "
                             f"{len(figures.table.units)} units; {len(figures.chase)} items to chase.")

    def _failed(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))

    def chase_item(self, item: ChaseItem) -> None:
        services, user = self.ctx.services, self.ctx.user

        def work():
            chased = services.chasing.chase(user, item.entity, item.entity_id)
            return chased, services.chasing.chase_list(user), services.chasing.awaiting_acceptance(user)

        def done(result) -> None:
            chased, chase, awaiting = result
            self.chase.show_items(chase)
            self.awaiting.show_items(awaiting)
            self.message.show_ok(f"{chased.reference}: reminder queued to {chased.holder}; {chased.chased_text}.")

        self.ctx.runner.submit(work, done, self._failed, owner=self)

    def _export(self, chooser: SaveChooser, suggested: str, write) -> None:
        """Ask where to save, then ``write(path)`` on the worker thread."""
        if self.figures is None:
            return
        path = chooser(self, suggested)
        if path is None:
            return

        def work() -> Path:
            write(Path(path))
            return Path(path)

        self.ctx.runner.submit(work, lambda p: self.message.show_ok(f"Saved {p.name}."), self._failed, owner=self)

    def export_pdf(self) -> None:
        if self.figures is None:
            return
        figures, services, user = self.figures, self.ctx.services, self.ctx.user
        period = figures.table.period

        def write(path: Path) -> None:
            from ..reports.performance_pdf import league_pdf
            quarterly = services.performance.quarterly_return(user, period)
            path.write_bytes(league_pdf(figures.table, figures.trend, quarterly))

        self._export(self.save_pdf, f"league-table-{period.start}-{period.end}.pdf", write)

    def export_csv(self) -> None:
        if self.figures is None:
            return
        table = self.figures.table

        def write(path: Path) -> None:
            from ..reports.performance_csv import write_league_csv
            write_league_csv(path, table)

        self._export(self.save_csv, f"league-table-{table.period.start}-{table.period.end}.csv", write)

    def export_return(self) -> None:
        if self.figures is None:
            return
        services, user, period = self.ctx.services, self.ctx.user, self.figures.table.period

        def write(path: Path) -> None:
            from ..reports.performance_csv import write_return_csv
            write_return_csv(path, services.performance.quarterly_return(user, period))

        self._export(self.save_csv, f"cabinet-office-return-{period.start}-{period.end}.csv", write)
