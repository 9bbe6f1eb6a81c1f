"""Several desks hear one call from ``mpel cti serve`` running as its own process: a webhook ringing a group of
extensions shows the strip on every desk rung, and answering at one clears the others (SQLite and PostgreSQL).

On SQLite the desks' poll is set to an hour, so the strip can only come from the file-change wake-up
(``ui.change_watcher``: the database's write-ahead log written by the service); on PostgreSQL from NOTIFY.
"""
from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mpel_app.app import open_database
from mpel_app.ui.change_watcher import ChangeWatcher
from mpel_app.ui.telephony.ringing_strip import RingingController
from tests.support.desk import desk_context
from tests.telephony.test_cli_cti import _wait_for_line
from tests.telephony.test_http_endpoint import form
from tests.ui.test_telephony_ui import PNG, hosted_bar

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 10_000  # far below the hour-long poll: only a wake-up or a NOTIFY can meet it
TOKEN = "desk-token"


@pytest.fixture
def cti_service(db_url, tmp_path, services):
    """``mpel --database URL cti serve --http 127.0.0.1:0 --token-stdin`` as a process; yields a poster."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "svc-data"), "HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "mpel_app", "--database", db_url, "cti", "serve", "--http",
                                "127.0.0.1:0", "--token-stdin"], stdin=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path)
    process.stdin.write(TOKEN + "\n")
    process.stdin.close()
    process.stdin = None
    lines: list[str] = []
    port = int(_wait_for_line(process, r"listening on http://127\.0\.0\.1:(\d+)/api/v1/cti", lines).group(1))

    def post(**fields) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        body, headers = form(**fields)
        connection.request("POST", f"/api/v1/cti/{TOKEN}", body=body, headers=headers)
        assert connection.getresponse().status == 200
        connection.close()

    yield post
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=20)
    assert process.returncode == 0, "".join(lines) + rest


def _desk(qtbot, db_url, user):
    """A desk as a separate PC would run it: its own engine, the system clock, an hour-long SQLite poll."""
    services = open_database(db_url, upgrade=False)
    ctx = desk_context(services, user)
    bar = hosted_bar(qtbot, (900, 160))
    watcher = ChangeWatcher(services.engine, bar, poll_seconds=3600)
    controller = RingingController(ctx, bar, watcher.changed, reload_ms=3_600_000)
    watcher.start()
    assert watcher.listener.wait_ready(10)
    return bar, (services, ctx, watcher, controller)


def test_a_ring_group_webhook_rings_every_desk_and_answering_clears_the_others(qtbot, world, db_url, cti_service):
    s = world.services
    for user, extension in ((world.agent, "2001"), (world.leader, "2002")):
        s.calls.set_identity(world.admin, user.id, interfaces=f"PJSIP/{extension}", extension=extension, queues="")
    desks = [_desk(qtbot, db_url, user) for user in (world.agent, world.leader, world.admin)]
    bars = [bar for bar, _ in desks]
    try:
        cti_service(event="newCall", callId="grp-1", **{"from": "+44 (0)20 7219 3000", "to": "02079460124",
                                                         "direction": "in", "user[]": ["2001", "2002"]})
        qtbot.waitUntil(lambda: all("grp-1" in bar.strips for bar in bars[:2]), timeout=WAIT_MS)
        assert bars[0].strips["grp-1"].who.text() == "Jane Smith MP's office"
        assert not bars[2].strips  # the administrator's phone was not rung
        bars[1].grab().save(f"{PNG}/ringing-strip-group-{db_url.split(':')[0].split('+')[0]}.png")
        cti_service(event="answer", callId="grp-1", **{"user[]": ["2002"]})
        # each desk hears it on its own: the agent's strip goes, the leader's says they answered
        qtbot.waitUntil(lambda: not bars[0].strips and bars[1].strips["grp-1"].call.answered_by_me,
                        timeout=WAIT_MS)
        cti_service(event="hangup", callId="grp-1", cause="normalClearing")
    finally:
        for _bar, (services, ctx, watcher, _controller) in desks:
            watcher.stop()
            ctx.runner.wait()
            services.close()


def test_a_call_notice_is_delivered_at_once_not_coalesced(qtbot, sqlite_services):
    """Other notices wait up to ``coalesce_ms`` to be gathered; a ringing call's goes at once (with them)."""
    watcher = ChangeWatcher(sqlite_services.engine, None, coalesce_ms=60_000)
    try:
        with qtbot.waitSignal(watcher.changed, timeout=2_000) as delivered:
            watcher._arrived.emit(frozenset({"enquiries"}))  # what the listener's thread emits
            watcher._arrived.emit(frozenset({"calls"}))
        assert delivered.args[0] == frozenset({"enquiries", "calls"})
        with qtbot.assertNotEmitted(watcher.changed, wait=300):
            watcher._arrived.emit(frozenset({"letters"}))
    finally:
        watcher.deleteLater()


def test_a_burst_of_notices_shows_the_first_load_and_runs_one_more_not_one_each(qtbot, sqlite_services):
    """Notices coming faster than loads (20 calls ringing at once) must not starve the strip: the load in
    flight is shown, and the notices heard meanwhile make one more load, not one each."""
    from mpel_app.telephony.events import NEW_CALL
    from tests.support.world import build_world
    from tests.ui.test_telephony_ui import ev

    world = build_world(sqlite_services)
    s = world.services
    s.calls.set_identity(world.admin, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="")
    s.calls.record(ev(NEW_CALL, "first", 0, users=("PJSIP/2001",)))
    bar = hosted_bar(qtbot, (900, 160))
    ctx = desk_context(s, world.agent)
    controller = RingingController(ctx, bar, reload_ms=3_600_000)
    loads: list[list[str]] = []
    controller.loaded.connect(lambda calls: loads.append([c.call_id for c in calls]))
    controller.refresh()
    s.calls.record(ev(NEW_CALL, "second", 1, users=("PJSIP/2001",)))
    for _ in range(5):  # the notices of the rest of the burst, heard while the first load runs
        controller.refresh()
    qtbot.waitUntil(lambda: len(loads) == 2)
    with qtbot.assertNotEmitted(controller.loaded, wait=300):  # nothing further was queued
        ctx.runner.wait()
    assert len(loads) == 2 and loads[1] == ["first", "second"] and set(bar.strips) == {"first", "second"}
