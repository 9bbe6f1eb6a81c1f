"""The generic CTI webhook endpoint, driven by a real HTTP client (http.client) over loopback."""
from __future__ import annotations

import hashlib
import http.client
import json
import logging
import threading
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from mpel_app.telephony import events as ev
from mpel_app.telephony.bridge import Bridge, DeliveryQueue
from mpel_app.telephony.events import CtiEvent
from mpel_app.telephony.http_endpoint import CtiWebhookServer

TOKEN = "t0k3n-s3cret-value"
RECEIVED = datetime(2026, 5, 28, 9, 30, tzinfo=UTC)


@pytest.fixture
def endpoint():
    events: list[CtiEvent] = []

    class Sink:
        def handle(self, event):
            events.append(event)

    queue = DeliveryQueue(Bridge(Sink()))
    server = CtiWebhookServer("127.0.0.1", 0, TOKEN, queue.put, clock=lambda: RECEIVED).start()
    server.events = events
    server.queue = queue
    yield server
    server.shutdown()
    queue.close()


def post(server, path, body=b"", headers=None):
    host, port = server.address
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request("POST", path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def form(**fields):
    return urlencode(fields, doseq=True).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def delivered(server):
    server.queue.join(5)
    return server.events


def test_form_with_token_in_the_url_and_repeated_users(endpoint):
    body, headers = form(**{"event": "newCall", "from": "+44 (0)20 7946 0000", "to": "03001234567",
                            "direction": "in", "callId": "c-1", "user[]": ["Alice Agent", "Bob Agent"],
                            "queue": "enquiry-line"})
    assert post(endpoint, f"/api/v1/cti/{TOKEN}", body, headers) == (200, b"{}")
    assert delivered(endpoint) == [CtiEvent(event=ev.NEW_CALL, call_id="c-1", at=RECEIVED, direction=ev.INBOUND,
                                            from_number="+44 (0)20 7946 0000", to_number="03001234567",
                                            users=("Alice Agent", "Bob Agent"), queue="enquiry-line",
                                            source="http", event_key="http:c-1:newCall:" + hashlib.sha256(
                                                b"Alice Agent\nBob Agent").hexdigest()[:16])]


def test_a_group_posted_one_new_call_per_extension_keeps_every_extension_and_drops_retries(endpoint):
    """PBXs ringing a group post a newCall per extension with the same callId: each is delivered; a post
    retried (the same extension again) is recognised and dropped."""
    for user in ("2001", "2002", "2001"):
        body, headers = form(event="newCall", callId="grp", **{"from": "02072193000", "user[]": [user]})
        assert post(endpoint, f"/api/v1/cti/{TOKEN}", body, headers)[0] == 200
    assert [e.users for e in delivered(endpoint)] == [("2001",), ("2002",)]


def test_json_with_bearer_token_and_its_own_time(endpoint):
    body = json.dumps({"event": "hangup", "callId": 42, "from": "00441179460000", "to": "2001",
                       "direction": "out", "user": "Alice Agent", "cause": "busy",
                       "time": "2026-05-28T10:15:00+01:00"}).encode()
    status, _ = post(endpoint, "/api/v1/cti", body, {"Content-Type": "application/json",
                                                      "Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    (event,) = delivered(endpoint)
    assert (event.event, event.call_id, event.direction, event.cause, event.users, event.at) == (
        ev.HANGUP, "42", ev.OUTBOUND, ev.BUSY, ("Alice Agent",), datetime(2026, 5, 28, 9, 15, tzinfo=UTC))


def test_token_as_a_query_parameter_and_answering_number(endpoint):
    body, headers = form(event="answer", callId="c-2", answeringNumber="2001", time="1780000000.5")
    assert post(endpoint, f"/api/v1/cti?token={TOKEN}", body, headers)[0] == 200
    (event,) = delivered(endpoint)
    assert event.users == ("2001",) and event.at == datetime(2026, 5, 28, 20, 26, 40, 500000, tzinfo=UTC)


@pytest.mark.parametrize("path, headers, status", [
    ("/api/v1/cti", {}, 401),
    ("/api/v1/cti/", {}, 401),
    ("/api/v1/cti?token=", {}, 401),
    ("/api/v1/cti", {"Authorization": "Basic dXNlcjpwdw=="}, 401),
    ("/api/v1/cti/wrong-token", {}, 403),
    ("/api/v1/cti", {"Authorization": "Bearer wrong-token"}, 403),
    ("/api/v1/cti?token=wrong-token", {}, 403),
    (f"/api/v1/cti/{TOKEN}x", {}, 403),
    ("/api/v2/other", {}, 404),
])
def test_missing_or_wrong_token_is_refused_and_logged_once_without_it(endpoint, caplog, path, headers, status):
    body, form_headers = form(event="newCall", callId="c-3")
    with caplog.at_level(logging.INFO, logger="mpel_app"):
        assert post(endpoint, path, body, {**form_headers, **headers})[0] == status
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and f"({status})" in lines[0]
    assert TOKEN not in " ".join(lines) and "wrong-token" not in " ".join(lines)
    assert delivered(endpoint) == []


def test_oversize_body_is_refused_before_it_is_read(endpoint, caplog):
    body = b"event=newCall&callId=c-4&from=" + b"1" * (70 * 1024)
    with caplog.at_level(logging.WARNING):
        assert post(endpoint, f"/api/v1/cti/{TOKEN}", body)[0] == 413
    assert delivered(endpoint) == [] and endpoint.refused == 1
    assert sum("(413)" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.parametrize("body, content_type", [
    (b"event=ringing&callId=c-5", "application/x-www-form-urlencoded"),
    (b"event=newCall&from=0207", "application/x-www-form-urlencoded"),
    (b"event=newCall&callId=c-6&direction=sideways", "application/x-www-form-urlencoded"),
    (b'{"event": "newCall", "callId": ', "application/json"),
    (b'["newCall"]', "application/json"),
    (b"event=newCall&callId=c-7&time=yesterday", "application/x-www-form-urlencoded"),
    (b"\xff\xfe\x00garbage", "application/octet-stream"),
])
def test_unknown_event_missing_call_id_and_bad_bodies_are_400(endpoint, body, content_type):
    assert post(endpoint, f"/api/v1/cti/{TOKEN}", body, {"Content-Type": content_type})[0] == 400
    assert delivered(endpoint) == []


def test_only_post(endpoint):
    host, port = endpoint.address
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("GET", f"/api/v1/cti/{TOKEN}")
    assert connection.getresponse().status == 405
    connection.close()


def test_a_whole_call_posted_by_a_pbx_and_a_retry_counted_once(endpoint):
    for fields in ({"event": "newCall", "callId": "z1", "from": "anonymous", "to": "2001", "user[]": ["2001"]},
                   {"event": "answer", "callId": "z1", "user[]": ["2001"]},
                   {"event": "answer", "callId": "z1", "user[]": ["2001"]},  # the PBX retried
                   {"event": "hangup", "callId": "z1", "cause": "normalClearing"}):
        assert post(endpoint, f"/api/v1/cti/{TOKEN}", *form(**fields))[0] == 200
    assert [e.event for e in delivered(endpoint)] == [ev.NEW_CALL, ev.ANSWER, ev.HANGUP]


def test_bound_to_the_configured_address_only(endpoint):
    assert endpoint.address[0] == "127.0.0.1"


def test_concurrent_posts_are_all_delivered_before_shutdown_returns():
    events = []
    gate = threading.Event()

    class SlowSink:
        def handle(self, event):
            gate.wait(2)
            events.append(event.call_id)

    queue = DeliveryQueue(Bridge(SlowSink()))
    server = CtiWebhookServer("127.0.0.1", 0, TOKEN, queue.put).start()
    threads = [threading.Thread(target=post, args=(server, f"/api/v1/cti/{TOKEN}",
                                                   *form(event="newCall", callId=f"k{i}"))) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.shutdown()
    gate.set()
    queue.close()
    assert sorted(events) == sorted(f"k{i}" for i in range(8))
