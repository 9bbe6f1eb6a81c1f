"""What desks write but may not read back wholesale (issue 19): audit values and outgoing mail, as each login.

Each person's own login, with raw SQL, is refused ``audit_log.changes`` and
the outbox's text and attachment; through its own view of the audit log it
reads the values of what it may see and a note in place of the rest; the desk's
services keep working on those logins (a record's history, the oversight
search, exporting a call note); the mail service's own login is the one that
reads whole messages, and sends them (``mpel outbox serve``, against a real
SMTP server on loopback).  A record doctored to claim the administrator's roles
is refused on reads too.
"""
from __future__ import annotations

import dataclasses
import email
import io
import json
from email import policy

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import make_url

from mpel_app import cli_outbox
from mpel_app.__main__ import build_parser
from mpel_app.domain.audit_fields import WITHHELD, WITHHELD_PLAIN
from mpel_app.domain.errors import PermissionDenied
from mpel_app.domain.records import Role, SearchKey
from mpel_app.services.audit import AuditFilter
from tests.db.test_pg_boundary import SUBJECT, SCOT_SUBJECT, boundary, desk_as, login, refused  # noqa: F401
from tests.notify.conftest import FROM_ADDRESS, SMTP_PASSWORD, SMTP_USER, smtp_server, tls_files  # noqa: F401

# Not the administrator: with the data protection officer, the one who erases and retains, and who reads the
# trail whole for it (pg_roles.EXTRA_GRANTS; the retention run scrubs old records' values from the audit log).
DESKS = ("agent", "leader", "amlse", "mpcs", "handler")


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _values(conn, enquiry_id: int) -> str:
    """Every value the login reads in the trail of one enquiry, as one text."""
    rows = conn.execute("SELECT changes FROM audit_log WHERE entity = 'enquiry' AND entity_id = %s ORDER BY id",
                        (enquiry_id,)).fetchall()
    assert rows
    return json.dumps([json.loads(r[0]) for r in rows], ensure_ascii=False)


def test_no_desk_login_reads_audit_values_or_mail_text_by_raw_sql(pg_cluster, boundary):
    for who in DESKS:
        with login(pg_cluster, boundary, who) as conn:
            refused(conn, "SELECT changes FROM public.audit_log")
            refused(conn, "SELECT * FROM public.audit_log")
            refused(conn, "SELECT body_text FROM public.outbox_messages")
            refused(conn, "SELECT attachment FROM public.outbox_messages")
            refused(conn, "SELECT attachment_snapshot FROM public.outbox_messages")  # the call record's facts
            refused(conn, "SELECT * FROM outbox_messages")
            # Nor rewrite what a message says, or where it goes, before the sender sends it.
            refused(conn, "UPDATE outbox_messages SET body_text = 'x'")
            refused(conn, "UPDATE outbox_messages SET to_address = 'mallory@example.org'")
            # What a desk needs of its mail stays readable: where it went and how it stands.
            assert conn.execute("SELECT count(*) FROM outbox_messages WHERE status IS NOT NULL").fetchone()[0] > 0
    with login(pg_cluster, boundary, "handler") as conn:  # a case owner has no part in the outbox
        refused(conn, "SELECT * FROM mpel_outbox_document(1)")


def test_the_audit_view_shows_values_only_where_the_login_may_see_them(pg_cluster, boundary):
    relocked, london, scot = boundary["relocked"].id, boundary["london"].id, boundary["scot"].id
    for who in ("agent", "leader"):
        with login(pg_cluster, boundary, who) as conn:
            assert SUBJECT.name not in _values(conn, relocked) and WITHHELD in _values(conn, relocked), who
            assert SUBJECT.name in _values(conn, london), who
    with login(pg_cluster, boundary, "amlse") as conn:  # another region's item: its values withheld
        assert SCOT_SUBJECT.name not in _values(conn, scot) and WITHHELD in _values(conn, scot)
        assert SUBJECT.name in _values(conn, london)
    with pg_cluster.connect(boundary["dbname"]) as su:  # the values are there: the database withholds them
        assert SUBJECT.name in su.execute("SELECT string_agg(changes, ' ') FROM audit_log WHERE entity = 'enquiry' "
                                          "AND entity_id = %s", (relocked,)).fetchone()[0]


def test_what_a_person_searched_for_is_for_the_audits_overseers(pg_cluster, boundary):
    world = boundary["world"]
    with desk_as(boundary, "agent") as desk:
        desk.enquiries.find(world.agent, SearchKey.HO_REFERENCE, SUBJECT.ho_reference)
    query = ("SELECT changes FROM audit_log WHERE action = 'searched' AND username = 'agent' "
             "ORDER BY id DESC LIMIT 1")
    with login(pg_cluster, boundary, "agent") as conn:
        assert json.loads(conn.execute(query).fetchone()[0])["text"] == WITHHELD_PLAIN
    with login(pg_cluster, boundary, "leader") as conn:
        assert json.loads(conn.execute(query).fetchone()[0])["text"] == SUBJECT.ho_reference


def test_desks_on_their_own_logins_read_trails_and_export_call_notes(boundary):
    world, london, scot = boundary["world"], boundary["london"], boundary["scot"]
    with desk_as(boundary, "agent") as desk:
        trail = json.dumps([e.changes for e in desk.enquiries.audit_trail(world.agent, london.id)], ensure_ascii=False)
        assert SUBJECT.name in trail
        note = desk.outbox.messages_for(world.agent, "enquiry", london.id)[0]
        _, document = desk.outbox.export_document(world.agent, note.id)
        message = email.message_from_bytes(document, policy=policy.default)
        assert SUBJECT.name in message.get_body(("plain",)).get_content()
        [pdf] = list(message.iter_attachments())  # made from the facts the database handed over
        assert london.reference in _pdf_text(pdf.get_content()) and SUBJECT.name in _pdf_text(pdf.get_content())
    with desk_as(boundary, "amlse") as desk:  # another region's call note: the database keeps its text back
        note = desk.outbox.messages_for(world.am_lse, "enquiry", scot.id)[0]
        with pytest.raises(PermissionDenied, match="keeps this message's text"):
            desk.outbox.export_document(world.am_lse, note.id)
    with desk_as(boundary, "leader") as desk:  # oversight: the search and one entry with its values
        page = desk.audit.search(world.leader, AuditFilter(reference=london.reference))
        changed = next(line for line in page.lines if "subject_name" in line.fields)
        assert SUBJECT.name in json.dumps(desk.audit.entry(world.leader, changed.id).changes, ensure_ascii=False)


def test_the_mail_service_login_reads_and_sends_what_desks_may_not(pg_cluster, boundary, smtp_server):
    london = boundary["london"]
    with pg_cluster.connect(boundary["dbname"]) as su:
        su.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mailer') THEN "
                   "CREATE ROLE mailer LOGIN IN ROLE mpel_mail_service; END IF; END $$")
        # Only London's call note is due: the others' addresses are the seed's placeholders.
        su.execute("UPDATE outbox_messages SET next_attempt_at = NULL WHERE NOT (entity = 'enquiry' "
                   "AND entity_id = %s)", (london.id,))
    with login(pg_cluster, boundary, "mailer") as conn:
        assert SUBJECT.name in conn.execute("SELECT body_text FROM outbox_messages WHERE entity = 'enquiry' "
                                            "AND entity_id = %s", (london.id,)).fetchone()[0]
        assert conn.execute("SELECT attachment_snapshot IS NOT NULL FROM outbox_messages WHERE entity = 'enquiry' "
                            "AND entity_id = %s", (london.id,)).fetchone() == (True,)
        refused(conn, "SELECT subject_name FROM enquiries")
        refused(conn, "SELECT changes FROM audit_log")
        refused(conn, "UPDATE outbox_messages SET body_text = ''")
    url = make_url(boundary["url"]).set(username="mailer").render_as_string(hide_password=False)
    args = build_parser().parse_args([
        "outbox", "serve", "--smtp", f"{smtp_server.host}:{smtp_server.port}", "--from", FROM_ADDRESS,
        "--user", SMTP_USER, "--password-stdin", "--ca-file", str(smtp_server.tls.cert), "--once"])
    out = io.StringIO()
    assert cli_outbox.run(args, database_url=url, stdin=io.StringIO(SMTP_PASSWORD + "\n"), out=out) == 0
    assert json.loads(out.getvalue())["sent"] == 1
    [received] = smtp_server.messages
    assert SUBJECT.name in received.message.get_body(("plain",)).get_content()
    [pdf] = list(received.message.iter_attachments())  # the call record, made by the mail service's own process
    printed = _pdf_text(pdf.get_content())
    assert london.reference in printed and SUBJECT.name in printed and "With region" in printed
    with pg_cluster.connect(boundary["dbname"]) as su:
        assert su.execute("SELECT status FROM outbox_messages WHERE entity = 'enquiry' AND entity_id = %s",
                          (london.id,)).fetchone() == ("sent",)


def test_a_forged_administrator_reads_nothing_through_the_services(boundary):
    """Finding of issue 19 on reads: a desk process hands the read services a doctored record."""
    world, london = boundary["world"], boundary["london"]
    forged = dataclasses.replace(world.agent, roles=frozenset({Role.ADMINISTRATOR}))
    reads = {
        "audit search": lambda desk: desk.audit.search(forged, AuditFilter()),
        "find": lambda desk: desk.enquiries.find(forged, SearchKey.SUBJECT_NAME, "Núñez"),
        "region queue": lambda desk: desk.enquiries.region_queue(forged, "LSE"),
        "outbox": lambda desk: desk.outbox.list_undelivered(forged),
        "header": lambda desk: desk.enquiries.header(forged, london.id),
    }
    with desk_as(boundary, "agent") as desk:
        for name, read in reads.items():
            with pytest.raises(PermissionDenied, match="sign in again"):
                read(desk)
        # The genuine record reads as before.
        assert desk.enquiries.find(world.agent, SearchKey.SUBJECT_NAME, "Núñez")
        assert desk.enquiries.header(world.agent, london.id).reference == london.reference


def test_a_persons_reference_searches_find_only_what_their_login_may_see(boundary):
    """The equality searches go through ``enquiry_subjects`` on a person's login (index-friendly): same rule."""
    world, london, scot, relocked = boundary["world"], boundary["london"], boundary["scot"], boundary["relocked"]
    with desk_as(boundary, "amlse") as desk:
        found = [r.id for r in desk.enquiries.find(world.am_lse, SearchKey.HO_REFERENCE, SUBJECT.ho_reference)]
        assert london.id in found and relocked.id not in found
        assert desk.enquiries.find(world.am_lse, SearchKey.HO_REFERENCE, SCOT_SUBJECT.ho_reference) == []
        assert desk.enquiries.find(world.am_lse, SearchKey.NATIONALITY, SCOT_SUBJECT.nationality) == []
    with desk_as(boundary, "amsni") as desk:
        assert [r.id for r in desk.enquiries.find(world.am_sni, SearchKey.NATIONALITY, SCOT_SUBJECT.nationality)] \
            == [scot.id]
