"""On the shared PostgreSQL database the reference data of issue 14 is guarded by the database itself: the
administrator's and team leader's logins make their changes through the desk; other logins are refused by raw SQL."""
from __future__ import annotations

from tests.db.test_pg_boundary import boundary, desk_as, login, refused  # noqa: F401 (fixture)
from tests.support.home_secretary_csv import BOTH
from tests.support.member_csv import CLEAN

REGION = dict(name="London & South East", inbox_name="MP INBOX – London & South East",
              inbox_address="mp-inbox-lse@homeoffice.gov.uk", team_leader_email="",
              fax_number="020 7946 0101", phone_number="020 7946 0100")


def test_reference_data_changes_by_login(pg_cluster, boundary):  # noqa: F811 (the imported fixture)
    world = boundary["world"]
    with desk_as(boundary, "admin") as desk:
        assert desk.regions.update(world.admin, "LSE", **REGION).inbox_problem is None
        desk.home_secretary_list.add(world.admin, world.mp_scot.id)
        assert desk.home_secretary_list.member_ids() == {world.mp_scot.id}
        # The whole list from a file, on the administrator's own login: Jane Smith on, then off again.
        assert desk.home_secretary_list.import_csv(world.admin, BOTH).applied
        assert desk.home_secretary_list.member_ids() == {world.mp.id, world.mp_scot.id}
        assert desk.home_secretary_list.import_csv(world.admin, "Name\nAngus MacLeod\n").applied
        assert desk.home_secretary_list.member_ids() == {world.mp_scot.id}
    with desk_as(boundary, "leader") as desk:
        report = desk.member_list.import_csv(world.leader, CLEAN, dry_run=True)
        assert report.plan.summary["added"] == 1 and not report.applied
        assert desk.members.update(world.leader, world.mp.id, party="Labour").party == "Labour"
    with login(pg_cluster, boundary, "leader") as conn:
        refused(conn, "UPDATE regions SET inbox_address = 'x@y.gov.uk' WHERE code = 'LSE'")
        refused(conn, "INSERT INTO home_secretary_list (member_id, added_at) VALUES (%s, now())", (world.mp.id,))
        refused(conn, "DELETE FROM home_secretary_list")
    with login(pg_cluster, boundary, "agent") as conn:
        refused(conn, "UPDATE members SET party = 'x'")
        assert conn.execute("SELECT count(*) FROM home_secretary_list").fetchone() == (1,)  # everyone reads it
