"""``mpel cti serve`` as a process: events in over HTTP or AMI, SIGTERM, exit 0 with every event delivered."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring

from mpel_app import __main__ as entry
from tests.telephony.ami_calls import T0, Pbx
from tests.telephony.fake_asterisk import FakeAsterisk
from tests.telephony.test_http_endpoint import form

ROOT = Path(__file__).resolve().parents[2]


def _start(tmp_path: Path, *args: str, secret: str) -> subprocess.Popen[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "mpel_app", "--database", f"sqlite:///{tmp_path}/x.db",
                                "cti", "serve", *args], stdin=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path)
    assert process.stdin is not None
    process.stdin.write(secret + "\n")
    process.stdin.close()
    process.stdin = None  # read: communicate() must not flush it
    return process


def _wait_for_line(process: subprocess.Popen[str], pattern: str, lines: list[str], timeout: float = 20) -> re.Match:
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(lines)}")


def _stop(process: subprocess.Popen[str], lines: list[str]) -> str:
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=20)
    assert process.returncode == 0, "".join(lines) + rest
    return "".join(lines) + rest


def test_http_service_takes_webhooks_and_stops_cleanly_on_sigterm(tmp_path):
    import http.client

    process = _start(tmp_path, "--http", "127.0.0.1:0", "--token-stdin", secret="cli-token")
    lines: list[str] = []
    try:
        port = int(_wait_for_line(process, r"listening on http://127\.0\.0\.1:(\d+)/api/v1/cti", lines).group(1))
        for fields in ({"event": "newCall", "callId": "w1", "from": "02079460000", "to": "2001",
                        "user[]": ["2001"]},
                       {"event": "answer", "callId": "w1", "user[]": ["2001"]},
                       {"event": "hangup", "callId": "w1", "cause": "normalClearing"}):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            body, headers = form(**fields)
            connection.request("POST", "/api/v1/cti/cli-token", body=body, headers=headers)
            assert connection.getresponse().status == 200
            connection.close()
    finally:
        log = _stop(process, lines)
    for event in ("newCall", "answer", "hangup"):
        assert f"{event} for call w1" in log
    assert "3 events delivered" in log
    assert "cli-token" not in log and "02079460000" not in log
    # Stored as it happened: one answered call, direct to an extension (webhooks without times are
    # timed on receipt, so today's London date).
    from datetime import datetime

    from mpel_app.domain.calendar import LONDON

    today = datetime.now(LONDON).date().isoformat()
    report = _report(tmp_path, today, today)
    assert (report["offered"], report["answered"], report["abandoned"]) == (1, 1, 0)
    log_file = next((tmp_path / "data").rglob("mpel-desk.log"))
    assert "hangup for call w1" in log_file.read_text(encoding="utf-8")


def test_ami_service_logs_in_hears_a_call_and_stops_cleanly(tmp_path):
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def on_loop(coro, timeout=10):
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)

    fake = on_loop(FakeAsterisk().start())
    call = Pbx().queue_call(T0, wait=30)
    other = Pbx(T0 + 500).queue_call(T0 + 500, queue="sales", wait=3)
    process = _start(tmp_path, "--ami", f"127.0.0.1:{fake.port}", "--ami-user", "mpel", "--ami-secret-stdin",
                     "--queue", "enquiry-line", secret="s3cret")
    lines: list[str] = []
    try:
        on_loop(fake.logged_in(timeout=20), timeout=25)
        on_loop(fake.send(*other.frames, *call.frames))
        _wait_for_line(process, rf"hangup for call {re.escape(call.call_id)}", lines)
    finally:
        log = _stop(process, lines)
        on_loop(fake.stop())
        loop.call_soon_threadsafe(loop.stop)
    assert f"newCall for call {call.call_id} (in, queue enquiry-line" in log
    assert f"answer for call {call.call_id} (in, queue enquiry-line, users PJSIP/2001)" in log
    assert other.call_id not in log  # another queue's call
    assert "s3cret" not in log
    assert fake.actions[-1].get("Action") == "Logoff"
    # The call is in the database, timed by the PBX: answered after 30 s, within the threshold;
    # the other queue's call was never stored.
    report = _report(tmp_path, "2026-05-28", "2026-05-28")
    assert (report["offered"], report["answered"], report["answered_within_threshold"]) == (1, 1, 1)
    assert report["longest_wait_seconds"] == 30 and report["service_level"] == 1


def _report(tmp_path: Path, start: str, end: str) -> dict:
    """``mpel report calls --json`` over the same database, as a separate process."""
    import json

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "mpel_app", "--database", f"sqlite:///{tmp_path}/x.db", "report",
                           "calls", "--from", start, "--to", end, "--json"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_no_secret_and_no_keyring_is_a_clear_error(capsys, monkeypatch):
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        code = entry.main(["cti", "serve", "--ami", "pbx.example:5038", "--ami-user", "mpel"])
    finally:
        keyring.set_keyring(previous)
    assert code == 2
    err = capsys.readouterr().err
    assert "--ami-secret-stdin" in err and "keyring" in err and "'mpel@pbx.example:5038'" in err


@pytest.mark.parametrize("args, message", [
    (["--ami", "pbx.example", "--ami-user", "mpel", "--ami-secret-stdin"], "HOST:PORT"),
    (["--ami", "pbx.example:5038", "--ami-secret-stdin"], "--ami-user"),
])
def test_bad_arguments(capsys, monkeypatch, args, message):
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("x\n"))
    assert entry.main(["cti", "serve", *args]) == 2
    assert message in capsys.readouterr().err


def test_ami_and_http_are_exclusive(capsys):
    with pytest.raises(SystemExit):
        entry.build_parser().parse_args(["cti", "serve", "--ami", "a:1", "--http", "b:2"])
