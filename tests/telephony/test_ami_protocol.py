"""AMI framing: frames split anywhere, bad bytes, over-long lines and junk never stop the parser."""
from __future__ import annotations

import logging
import random

import pytest

from mpel_app.telephony.ami_protocol import AmiParser, Frame, format_action, format_frame

BANNER = b"Asterisk Call Manager/5.0.1\r\n"
LOGIN_OK = b"Response: Success\r\nActionID: mpel-1\r\nMessage: Authentication accepted\r\n\r\n"
BOOTED = b"Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 5\r\nLastReload: 5\r\nStatus: Fully Booted\r\n\r\n"
HANGUP = (b"Event: Hangup\r\nPrivilege: call,all\r\nTimestamp: 1780000000.123456\r\nChannel: PJSIP/2001-0000001a\r\n"
          b"CallerIDNum: 2001\r\nCallerIDName: Agent \xc3\xa9milie\r\nUniqueid: 1780000000.1\r\n"
          b"Linkedid: 1780000000.1\r\nCause: 16\r\nCause-txt: Normal Clearing\r\n\r\n")
STREAM = BANNER + LOGIN_OK + BOOTED + HANGUP


def _parse(chunks):
    parser = AmiParser()
    frames = []
    for chunk in chunks:
        frames += parser.feed(chunk)
    return parser, frames


def test_banner_then_frames_in_order():
    parser, frames = _parse([STREAM])
    assert parser.banner == "Asterisk Call Manager/5.0.1"
    assert [f.response or f.event for f in frames] == ["Success", "FullyBooted", "Hangup"]
    assert frames[0].action_id == "mpel-1" and frames[0].get("message") == "Authentication accepted"
    assert frames[2].get("CallerIDName") == "Agent émilie" and frames[2].get("Cause-txt") == "Normal Clearing"


def test_split_at_every_byte_offset_gives_the_same_frames():
    _, whole = _parse([STREAM])
    for cut in range(1, len(STREAM)):
        _, frames = _parse([STREAM[:cut], STREAM[cut:]])
        assert frames == whole, cut


def test_random_chunking_and_one_byte_writes():
    _, whole = _parse([STREAM])
    rng = random.Random(7)
    for _ in range(50):
        chunks, i = [], 0
        while i < len(STREAM):
            n = rng.randint(1, 40)
            chunks.append(STREAM[i:i + n])
            i += n
        assert _parse(chunks)[1] == whole
    assert _parse([bytes([b]) for b in STREAM])[1] == whole


def test_bare_newlines_and_empty_values_are_read():
    _, frames = _parse([BANNER + b"Event: X\nAccountCode: \nExten:s\n\n"])
    assert frames[0].pairs == (("Event", "X"), ("AccountCode", ""), ("Exten", "s"))


def test_invalid_utf8_is_replaced_not_fatal():
    _, frames = _parse([BANNER + b"Event: Newchannel\r\nCallerIDName: \xff\xfe bad\r\n\r\n" + BOOTED])
    assert frames[0].get("CallerIDName") == "\ufffd\ufffd bad"
    assert frames[1].event == "FullyBooted"


def test_a_one_megabyte_line_skips_its_frame_once_and_parsing_goes_on(caplog):
    huge = b"Event: Newchannel\r\nCallerIDName: " + b"A" * 1_048_576 + b"\r\nUniqueid: 1\r\n\r\n"
    parser = AmiParser()
    frames = []
    with caplog.at_level(logging.WARNING):
        for data in (BANNER, huge[:100_000], huge[100_000:], huge, BOOTED):
            frames += parser.feed(data)
    assert [f.event for f in frames] == ["FullyBooted"]
    assert parser.skipped_frames == 2
    assert len(parser._buffer) < 70_000  # the long line was never held whole
    assert sum("longer than" in r.getMessage() for r in caplog.records) == 1


def test_malformed_lines_are_skipped_and_logged_once(caplog):
    junk = b"Event: Newstate\r\nthis line has no colon\r\n: no key\r\nUniqueid: 9\r\n\r\n"
    with caplog.at_level(logging.WARNING):
        parser, frames = _parse([BANNER, junk, junk, BOOTED])
    assert [f.pairs for f in frames[:2]] == [(("Event", "Newstate"), ("Uniqueid", "9"))] * 2
    assert parser.malformed_lines == 4
    assert sum("without 'Key: Value'" in r.getMessage() for r in caplog.records) == 1


def test_a_frame_with_too_many_lines_is_skipped():
    many = b"Event: X\r\n" + b"".join(b"V%d: x\r\n" % i for i in range(600)) + b"\r\n"
    parser, frames = _parse([BANNER, many, BOOTED])
    assert [f.event for f in frames] == ["FullyBooted"] and parser.skipped_frames == 1


def test_no_banner_is_tolerated():
    parser, frames = _parse([LOGIN_OK])
    assert parser.banner is None and frames[0].response == "Success"


def test_action_written_with_its_action_id_and_crlf():
    data = format_action("Originate", "mpel-7", {"Channel": "PJSIP/2001", "Exten": "02079460000",
                                                  "CallerID": '"Call back" <02079460000>', "Skip": None})
    assert data == (b"Action: Originate\r\nActionID: mpel-7\r\nChannel: PJSIP/2001\r\nExten: 02079460000\r\n"
                    b'CallerID: "Call back" <02079460000>\r\n\r\n')
    assert AmiParser(expect_banner=False).feed(data)[0].get("callerid") == '"Call back" <02079460000>'


@pytest.mark.parametrize("fields", [{"CallerID": "x\r\nAction: Command"}, {"Bad\nKey": "1"}, {"A:B": "1"}])
def test_action_refuses_header_injection(fields):
    with pytest.raises(ValueError):
        format_action("Originate", "1", fields)


def test_frame_lookup_is_case_insensitive_and_keeps_repeats():
    frame = AmiParser(expect_banner=False).feed(format_frame([("Event", "VarSet"), ("ChanVariable", "A=1"),
                                                               ("ChanVariable", "B=2")]))[0]
    assert frame.get("chanvariable") == "A=1" and len(frame.pairs) == 3
    assert "EVENT" in frame and Frame.of(Event="X").event == "X"
