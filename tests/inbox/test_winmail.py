"""Outlook's winmail.dat: the files inside split out (real Outlook samples), hostile or broken ones handled."""
from __future__ import annotations

from mpel_app.inbox import tnef
from mpel_app.inbox.parse import parse
from tests.inbox import messages as m


def test_a_real_winmail_dat_with_a_non_ascii_name_and_images_is_split_out():
    sample = (m.TNEF_SAMPLES / "umlaut.tnef").read_bytes()
    parsed = parse(m.raw(m.winmail(sample)))
    kept, *inner = parsed.attachments
    assert kept.kind == "tnef" and kept.data == sample
    assert [(a.filename, a.mime, a.size) for a in inner] == [
        ("TBZ PARIV GmbH.jpg", "image/jpeg", 44764), ("image003.jpg", "image/jpeg", 1001),
        ("UmlautAnhang-äüö.txt", "text/plain", 14)]
    assert inner[0].data[:3] == b"\xff\xd8\xff"  # a JPEG's own first bytes


def test_a_file_inside_named_with_a_path_is_sanitised_like_any_attachment():
    stream = m.tnef_stream([("..\\..\\x.exe", b"MZ fake exe"), ("letter.pdf", m.PDF)])
    parsed = parse(m.raw(m.winmail(stream)))
    names = [(a.filename, a.original_name, a.kind) for a in parsed.attachments]
    assert names == [("winmail.dat", "winmail.dat", "tnef"), ("x.exe", "..\\..\\x.exe", "attachment"),
                     ("letter.pdf", "letter.pdf", "image")]
    assert any("saved as “x.exe”" in n for n in parsed.notes)


def test_a_broken_winmail_dat_is_kept_whole_with_the_reason_and_the_message_still_read():
    broken = (m.TNEF_SAMPLES / "two-files.tnef").read_bytes()[:700]  # cut off mid-file
    parsed = parse(m.raw(m.winmail(broken)))
    (kept,) = [a for a in parsed.attachments if a.kind == "tnef"]
    assert kept.data == broken
    assert parsed.text.startswith("Letter attached")
    not_tnef = parse(m.raw(m.winmail(b"this is not TNEF at all")))
    (kept,) = not_tnef.attachments
    assert kept.kind == "tnef" and "could not be opened" in kept.note
    assert any("could not be opened" in n for n in not_tnef.notes)


def test_reader_bounds_the_number_of_files():
    many = m.tnef_stream([(f"f{i}.txt", b"x") for i in range(tnef.MAX_FILES + 3)])
    contents = tnef.read(many)
    assert len(contents.files) == tnef.MAX_FILES and contents.skipped == 3
