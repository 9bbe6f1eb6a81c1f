"""The import reads the Access call records once when they come in Access ID order (as mdbtools gives
them), and twice (a survey, then the write) when they do not or cannot be counted first: the same records
and report either way (SQLite and PostgreSQL)."""
from __future__ import annotations

import io

from mpel_app.app import open_database
from mpel_app.domain import legacy as L
from mpel_app.services.legacy_import import LegacyImportService
from tests.support.legacy import FILES, CountingReader, dump, expected, unpack

SAME = ("read", "references", "call_type", "urgent", "deleted", "enquiries", "statuses", "counters",
        "legacy_people_added", "decision_counts", "source")


def _import(services, clock, reader: CountingReader) -> dict:
    service = LegacyImportService(services.uow, clock, open_file=lambda path: reader)
    return service.import_file(None, reader.real.path, dry_run=False)


def _decisions(report: dict) -> list:
    return sorted(report["decisions"], key=lambda d: (d["access_id"], d["field"], d["rule"]))


def test_in_id_order_the_file_is_read_once_and_otherwise_twice_with_the_same_result(services, clock, tmp_path):
    path = unpack(FILES[0], tmp_path)
    once = CountingReader(path)
    assert once.count(L.CALL_TABLE) == 3000  # mdb-count: the progress bar's total before any row is read
    first = _import(services, clock, once)
    assert once.reads == 1
    assert first["read"][L.CALL_TABLE] == expected()["tables"][L.CALL_TABLE] == 3000
    for case, reader, reads in (("shuffled", CountingReader(path, shuffled=True), 3),
                                ("not countable", CountingReader(path, countable=False), 2)):
        other = open_database(f"sqlite:///{tmp_path}/{case.replace(' ', '-')}.sqlite3", clock=clock)
        try:
            second = _import(other, clock, reader)
            # Shuffled: the one pass began, met a row out of order and rolled back; then survey and write.
            assert reader.reads == reads, case
            assert dump(other) == dump(services), case
        finally:
            other.close()
        for key in SAME:
            assert first[key] == second[key], (case, key)
        assert _decisions(first) == _decisions(second), case
    # Rows held to the end of the one pass did take part: duplicated references and mistyped dates.
    rules = first["decision_counts"]
    assert rules["reference_duplicate"] and rules["date_of_call"] and rules["reference_issued"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_terminal_line_ends_before_the_table_is_read_again():
    """On a terminal the progress line is rewritten in place; the one pass abandoned part-way ends it before
    'Reading…', and the second pass counts from the start on a line of its own."""
    from mpel_app.cli_legacy import TerminalProgress

    err = _Terminal()
    show = TerminalProgress(err)
    for stage, done, total in (("importing", 0, 3000), ("importing", 1000, 3000), ("reading", 0, 0),
                               ("importing", 0, 3000), ("importing", 3000, 3000)):
        show(stage, done, total)
    assert err.getvalue() == ("\rImporting: 0 of 3,000 call records (0%)"
                              "\rImporting: 1,000 of 3,000 call records (33%)\n"
                              "Reading the Access database…\n\rImporting: 0 of 3,000 call records (0%)"
                              "\rImporting: 3,000 of 3,000 call records (100%)\n")


def test_a_batch_is_a_hundredth_of_the_table_between_a_thousand_and_ten_thousand_rows():
    from mpel_app.services.legacy_import import batch_size

    assert [batch_size(n) for n in (0, 3000, 100_000, 250_000, 1_000_000, 5_000_000)] == \
        [1000, 1000, 1000, 2500, 10_000, 10_000]


class _SwappedLate:
    """mdbtools streaming the call records, two of them swapped near the end (as Access may store a row in
    the space a deleted one left): the one pass is abandoned with mdb-export still writing."""

    def __init__(self, path):
        from mpel_app.legacy.mdbtools import MdbToolsReader

        self.real = MdbToolsReader(path)
        self.name, self.path = self.real.name, path
        self.streams: list = []

    def tables(self):
        return self.real.tables()

    def count(self, table):
        return self.real.count(table)

    def rows(self, table):
        stream = self.real.rows(table)
        if table != L.CALL_TABLE:
            return stream
        self.streams.append(stream)

        def swapped():
            try:
                for i, row in enumerate(stream):
                    if i == 2600:
                        held = row
                        continue
                    yield row
                    if i == 2601:
                        yield held
            finally:
                stream.close()  # as _checked does: closing this closes mdbtools' rows

        return swapped()


def test_a_pass_abandoned_mid_stream_ends_the_reader_and_the_import_completes(services, clock, tmp_path):
    import inspect

    path = unpack(FILES[0], tmp_path)
    reader = _SwappedLate(path)
    report = LegacyImportService(services.uow, clock, open_file=lambda _: reader).import_file(
        None, path, dry_run=False)
    assert report["enquiries"]["imported"] + report["enquiries"]["not_imported"] == 3000
    assert len(reader.streams) == 3  # the pass abandoned, the survey, the write
    # Every mdb-export stream was read to its end or closed (its process waited for), none left suspended.
    assert all(inspect.getgeneratorstate(s) == inspect.GEN_CLOSED for s in reader.streams)
    assert dump(services) == _expected_dump(services, clock, tmp_path)


def _expected_dump(services, clock, tmp_path) -> dict:
    other = open_database(f"sqlite:///{tmp_path}/in-order.sqlite3", clock=clock)
    try:
        LegacyImportService(other.uow, clock).import_file(None, unpack(FILES[0], tmp_path), dry_run=False)
        return dump(other)
    finally:
        other.close()
