"""`mpel --database URL inbox serve ...` as the acceptance checks run it: a real process, a real Dovecot."""
from __future__ import annotations

import json
from contextlib import contextmanager
import signal
import subprocess
import sys
import time

from sqlalchemy import select

from mpel_app.db.models import Enquiry, InboxMessage
from tests.inbox import messages as m


def mpel(db_url, server, *extra, password=None):
    argv = [sys.executable, "-m", "mpel_app", "--database", db_url, "inbox", "serve", "--imap", server.address,
            "--user", server.user, "--password-stdin", "--plain", *extra]
    return argv, (password if password is not None else server.password) + "\n"


def test_once_prints_the_summary_and_creates_the_folders(world, dovecot, db_url):
    dovecot.deliver(m.raw(m.plain()), m.raw(m.html_only()), m.MALFORMED)
    argv, password = mpel(db_url, dovecot, "--once")
    done = subprocess.run(argv, input=password, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert {k: summary[k] for k in ("fetched", "enquiries_created", "already_taken_in", "quarantined")} == \
        {"fetched": 3, "enquiries_created": 2, "already_taken_in": 0, "quarantined": 1}
    assert len(dovecot.uids("Processed")) == 2 and len(dovecot.uids("Quarantine")) == 1
    with world.services.uow.read() as s:
        assert len(list(s.scalars(select(Enquiry)))) == 2
    again = subprocess.run(argv, input=password, capture_output=True, text=True, timeout=120)
    assert json.loads(again.stdout)["fetched"] == 0


def test_folders_can_be_named_under_the_inbox(world, dovecot, db_url):
    dovecot.deliver(m.raw(m.plain()), m.MALFORMED)
    argv, password = mpel(db_url, dovecot, "--once", "--processed-folder", "INBOX/Done",
                          "--quarantine-folder", "INBOX/Needs a look")
    done = subprocess.run(argv, input=password, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(dovecot.uids("INBOX/Done")) == 1 and len(dovecot.uids("INBOX/Needs a look")) == 1


def test_wrong_password_exits_3_with_the_reason(world, dovecot, db_url):
    dovecot.deliver(m.raw(m.plain()))
    argv, _ = mpel(db_url, dovecot, "--once")
    done = subprocess.run(argv, input="not-it\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 3 and "refused the login" in done.stderr and done.stdout == ""
    assert len(dovecot.uids("INBOX")) == 1


@contextmanager
def serving(db_url, server):
    """`mpel inbox serve` watching (polling every 0.2 s) in a process; yields it, and kills it if still running."""
    argv, password = mpel(db_url, server, "--poll-seconds", "0.2")
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        process.stdin.write(password)
        process.stdin.flush()
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def wait_taken(server, timeout=60.0):
    """Until the service has taken everything out of INBOX."""
    deadline = time.monotonic() + timeout
    while server.uids("INBOX") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.uids("INBOX") == []


def stopped(process):
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return json.loads(out), err


def test_watching_takes_in_new_mail_until_sigterm(world, dovecot, db_url):
    with serving(db_url, dovecot) as process:
        dovecot.deliver(m.raw(m.plain()))
        wait_taken(dovecot)
        dovecot.deliver(m.raw(m.plain(subject="A later one")))
        wait_taken(dovecot)
        summary, _ = stopped(process)
    assert summary["enquiries_created"] == 2


def test_killed_mid_run_the_next_run_finishes_with_every_message_exactly_once(world, dovecot, db_url):
    """kill -9 at whatever point the intake has reached (after at least one commit): nothing is taken in twice,
    nothing is left behind, and the mailbox ends empty with every message in Processed."""
    total = 60
    dovecot.deliver(*(m.raw(m.plain(subject=f"Case {i}")) for i in range(total)))
    argv, password = mpel(db_url, dovecot, "--once")
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        process.stdin.write(password)
        process.stdin.flush()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with world.services.uow.read() as s:
                if len(list(s.scalars(select(Enquiry.id)))) >= 3:
                    break
            time.sleep(0.02)
        process.kill()
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    with world.services.uow.read() as s:
        taken_before = len(list(s.scalars(select(Enquiry.id))))
    assert 3 <= taken_before <= total
    done = subprocess.run(argv, input=password, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["enquiries_created"] == total - taken_before
    assert summary["fetched"] == summary["enquiries_created"] + summary["already_taken_in"]
    with world.services.uow.read() as s:
        assert len(list(s.scalars(select(Enquiry.id)))) == total
        subjects = list(s.scalars(select(InboxMessage.subject).where(InboxMessage.enquiry_id.is_not(None))))
        assert sorted(subjects) == sorted(f"Case {i}" for i in range(total))  # each once
    assert dovecot.uids("INBOX") == [] and len(dovecot.uids("Processed")) == total


def test_two_intakes_at_once_take_each_message_exactly_once(world, dovecot, db_url):
    """Two `inbox serve --once` on the same mailbox at the same moment (a second site's service started by
    mistake): the database's unique keys decide, each message becomes one enquiry, both exit 0."""
    total = 40
    dovecot.deliver(*(m.raw(m.plain(subject=f"Case {i}")) for i in range(total)))
    argv, password = mpel(db_url, dovecot, "--once")
    processes = [subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    results = [p.communicate(password, timeout=180) for p in processes]
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0, err
    summaries = [json.loads(out) for out, _ in results]
    assert sum(s["enquiries_created"] for s in summaries) == total
    for s in summaries:
        assert s["fetched"] == s["enquiries_created"] + s["already_taken_in"] + s["quarantined"]
    with world.services.uow.read() as s:
        assert len(list(s.scalars(select(Enquiry.id)))) == total
    assert dovecot.uids("INBOX") == [] and len(dovecot.uids("Processed")) == total


def test_watching_survives_an_imap_outage_and_carries_on(world, dovecot, db_url):
    with serving(db_url, dovecot) as process:
        dovecot.deliver(m.raw(m.plain()))
        wait_taken(dovecot)
        dovecot.stop()  # the mail server goes down under the watching service...
        time.sleep(1.0)
        assert process.poll() is None  # ...which waits and retries rather than giving up
        dovecot.start()
        dovecot.deliver(m.raw(m.plain(subject="After the outage")))
        wait_taken(dovecot)
        summary, err = stopped(process)
    assert summary["enquiries_created"] == 2
    assert "trying again" in err
