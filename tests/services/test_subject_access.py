"""Subject access (issue 17), on SQLite and PostgreSQL: a search finds Ali Rezaei across enquiries, letters
and the audit trail; the export (PDF read back, JSON, documents in a zip) carries his data and never his
sister's, though they share the family's Home Office reference; both are audited; the right is the
officer's and administrators'."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from mpel_app.db.models import AuditLog
from mpel_app.domain.audit_actions import EXPORTED, SEARCHED
from mpel_app.domain.data_rights import combine
from mpel_app.domain.errors import PermissionDenied, ValidationError
from mpel_app.reports import subject_access_pdf
from mpel_app.services import people as finder
from tests.support import people as p
from tests.services.test_erasure import lw, person  # noqa: F401 (the same person, as fixtures)
from tests.support.letters_world import SCAN


def pdf_text(data: bytes) -> str:
    return " ".join("\n".join(pg.extract_text() for pg in PdfReader(io.BytesIO(data)).pages).split())


def test_export_finds_him_across_enquiries_letters_and_audit(lw, person, tmp_path):
    sa = lw.services.subject_access
    matches = sa.search(person.dpo, finder.BY_HO_REFERENCE, p.HO_REF)
    # Each shown apart, for the officer to choose: him (dated), his letter (no date of birth: alone), his sister.
    assert sorted(m.name for m in matches) == [p.NAME, p.NAME, p.SISTER]
    him = combine([m for m in matches if m.name == p.NAME])  # the officer chose both his rows
    export = sa.export(person.dpo, him.ids("enquiry"), him.ids("letter"))
    counts = {title: n for title, n, _ in export.summary()}
    assert counts["Enquiries"] == 1 and counts["CTS letters"] == 1 and counts["Audit entries"] > 5
    assert counts["Call notes and letters sent"] >= 1 and counts["Documents"] >= 1
    trail = next(s for s in export.sections if s.title == "Audit entries").items
    assert any(r["action"] == SEARCHED and r["changes"].get("text") == p.NAME for r in trail)  # a search naming him
    assert any("Carla Agent (agent)" == r["staff"] for r in trail)

    bundle = subject_access_pdf.write_bundle(export, tmp_path / "sar.zip")
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        data = json.loads(z.read(subject_access_pdf.JSON_NAME))
        pdf = z.read(subject_access_pdf.PDF_NAME)
        documents = [z.read(n) for n in names if n.startswith("documents/")]
    assert SCAN in documents
    assert data["sections"]["Enquiries"][0]["subject_name"] == p.NAME
    assert data["sections"]["CTS letters"][0]["constituent_name"] == p.CONSTITUENT
    text = pdf_text(pdf)
    for expected in (f"What MPEL Desk holds on {p.NAME}, born 02 January 1980", "Summary", p.QUESTION[:30],
                     person.enquiry_ref, person.letter_ref, "audit_log"):
        assert expected in text
    # Nothing of the sister's: her name, her question, her record.
    everything = json.dumps(data, ensure_ascii=False) + text
    assert p.SISTER not in everything and "sister's visa" not in everything
    (tmp_path / "sar.pdf").write_bytes(pdf)

    with lw.services.uow.read() as s:
        actions = [(a, c) for a, c in s.execute(select(AuditLog.action, AuditLog.changes)
                                                .where(AuditLog.entity == "person"))]
    assert [a for a, _ in actions] == [SEARCHED, EXPORTED]
    assert person.enquiry_ref in actions[1][1]


def test_name_needs_a_date_of_birth_and_a_mixed_choice_is_refused(lw, person):
    sa = lw.services.subject_access
    with pytest.raises(ValidationError, match="date of birth"):
        sa.search(person.dpo, finder.BY_NAME, p.NAME)
    dated, letter = sa.search(person.dpo, finder.BY_NAME, "ali  REZAEI", p.DOB)
    assert (dated.date_of_birth, dated.ids("enquiry"), dated.ids("letter")) == (p.DOB, [person.enquiry_id], [])
    assert (letter.date_of_birth, letter.ids("enquiry"), letter.ids("letter")) == (None, [], [person.letter_id])
    with pytest.raises(ValidationError, match="more than one person"):
        sa.export(person.dpo, [person.enquiry_id, person.sister_enquiry_id], [])
    [by_cts] = sa.search(person.dpo, finder.BY_CTS_REFERENCE, person.letter_ref.lower())
    assert by_cts.ids("letter") == [person.letter_id]


def test_only_the_officer_and_administrators(lw, person):
    sa = lw.services.subject_access
    for who in (lw.base.leader, lw.base.agent, lw.tl, lw.base.am_lse):
        with pytest.raises(PermissionDenied):
            sa.search(who, finder.BY_HO_REFERENCE, p.HO_REF)
        with pytest.raises(PermissionDenied):
            sa.export(who, [person.enquiry_id], [])
    assert sa.search(lw.admin, finder.BY_HO_REFERENCE, p.HO_REF)


def test_a_namesake_without_a_date_of_birth_is_never_attached_by_guess(lw, person):
    """Two Ali Rezaeis share the family's reference; only one gave a date of birth.  Neither the namesake's
    undated enquiry nor the undated letter is joined to the dated Ali: each is a row of its own, and only the
    officer, reading the records, puts the person's rows together."""
    sa = lw.services.subject_access
    namesake = p.log_enquiry(lw, p.NAME, None, "A namesake's question: no date of birth was taken.")
    for matches in (sa.search(person.dpo, finder.BY_HO_REFERENCE, p.HO_REF),
                    sa.search(person.dpo, finder.BY_NAME, p.NAME, p.DOB)):
        named = [m for m in matches if m.name == p.NAME]
        dated = [m for m in named if m.date_of_birth is not None]
        assert [(m.ids("enquiry"), m.ids("letter")) for m in dated] == [([person.enquiry_id], [])]
        assert all(len(m.records) == 1 for m in named if m.date_of_birth is None)
    rows = sa.search(person.dpo, finder.BY_HO_REFERENCE, p.HO_REF)
    undated = {(r.entity, r.id) for m in rows if m.name == p.NAME and m.date_of_birth is None for r in m.records}
    assert undated == {("enquiry", namesake), ("letter", person.letter_id)}
    # The officer's choice: his dated row and his letter.  The export carries nothing of the namesake's.
    him = combine([m for m in rows if m.date_of_birth == p.DOB or person.letter_id in m.ids("letter")])
    export = sa.export(person.dpo, him.ids("enquiry"), him.ids("letter"))
    assert "namesake" not in json.dumps(export.as_json(), ensure_ascii=False)
    # Rows of two dates of birth are never one person.
    with pytest.raises(ValueError, match="more than one person"):
        combine([m for m in rows if m.date_of_birth is not None])
