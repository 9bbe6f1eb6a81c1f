"""The Home Secretary's list imported from CSV (issue 14): a dry run first, then all or nothing, each Member added
or taken off audited, and the import refused to those who may not keep the list (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest

from mpel_app.domain.errors import PermissionDenied, ValidationError
from tests.services.test_reference_data_admin import trail
from tests.support.home_secretary_csv import BOTH, MESSY, ONLY_JANE


def test_a_dry_run_reports_and_changes_nothing_then_the_import_replaces_the_list(services, world):
    hs = services.home_secretary_list
    hs.add(world.admin, world.mp_scot.id)
    dry = hs.import_csv(world.admin, BOTH, dry_run=True, source="hs-list.csv")
    assert not dry.applied and dry.plan.summary["added"] == 1
    assert hs.member_ids() == {world.mp_scot.id}
    report = hs.import_csv(world.admin, BOTH, source="hs-list.csv")
    assert report.applied and hs.member_ids() == {world.mp.id, world.mp_scot.id}
    assert trail(services, "home_secretary_list", world.mp.id) == [
        ("added to the Home Secretary's list", {"member": "Jane Smith", "import_line": 3})]
    assert trail(services, "home_secretary_list")[-1] == ("Home Secretary's list imported", {
        "file": "hs-list.csv", "rows": 2, "added": 1, "removed": 0, "unchanged": 1, "problems": 0})

    # A reshuffle: the file is the whole list, so the Scottish MP comes off it.
    hs.import_csv(world.admin, ONLY_JANE, source="reshuffle.csv")
    assert hs.member_ids() == {world.mp.id}
    assert trail(services, "home_secretary_list", world.mp_scot.id)[-1] == (
        "removed from the Home Secretary's list", {"member": "Angus MacLeod", "reason": "not in the imported list"})


def test_a_file_with_problems_changes_nothing_and_others_may_not_import(services, world):
    hs = services.home_secretary_list
    before = len(trail(services, "home_secretary_list"))
    report = hs.import_csv(world.admin, MESSY, source="messy.csv")
    assert not report.applied and len(report.plan.problems) == 2
    assert hs.member_ids() == frozenset() and len(trail(services, "home_secretary_list")) == before
    with pytest.raises(PermissionDenied):
        hs.import_csv(world.leader, BOTH, dry_run=True)
    with pytest.raises(ValidationError, match="text"):
        hs.import_csv(world.admin, b"Name\nJane Smith\n")
