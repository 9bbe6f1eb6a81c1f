"""OPHSO enquiries where we got it wrong [ASY]: the written apologies produced, and the consult recorded.

"In circumstances where action taken by a Case Owner has not been fully
correct, the Senior Caseworker is responsible for ensuring any errors are
rectified and written apologies are sent to the applicant and their
representative.  UKBA Briefing and Complaints Unit will consult the Senior
Caseworker where it considers a consolatory payment should be issued."

``record_ophso_remedy`` (a senior caseworker of the unit holding the
enquiry) makes both apologies from the templates ``ophso_apology_applicant``
and ``ophso_apology_representative`` (``reports.letters``), as PDF and
.docx, keeps them with the letter and records the error, the apologies and
who was consulted on a consolatory payment, in one transaction.  No letter
prints an address: the desk keeps none for an applicant or a representative,
so the .docx is where the caseworker adds it before posting.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...domain.calendar import LONDON
from ...domain.correspondence import may_handle_ophso
from ...domain.errors import PermissionDenied, ValidationError
from ...domain.letter_records import DocumentKind, GeneratedReply
from ...domain.records import UserRecord
from ...domain.text import clean_text
from ...domain.values import as_flag
from ...reports.letters import Addressee, LetterContext, render_letter_docx, render_letter_pdf
from .base import Case, LetterUseCases, document_record
from .lifecycle_common import file_stem
from .units import is_member
from ...reports.file_types import DOCX_MIME

APPLICANT, REPRESENTATIVE = "ophso_apology_applicant", "ophso_apology_representative"


class OphsoRemedies(LetterUseCases):

    def record_ophso_remedy(self, actor: UserRecord, letter_id: int, *, error_found: str,
                            apology_to_applicant: bool, apology_to_representative: bool,
                            representative_name: str = "", consolatory_payment_consulted: str = "",
                            signatory_title: str = "", expected_version: int | None = None) -> GeneratedReply:
        """The error found, the two written apologies made (returned, and kept with the letter), and whom the
        consolatory payment was discussed with.  ``error_found`` is worded for the applicant: it is the
        apologies' middle paragraph.  Signed by the senior caseworker recording it."""
        error_found = clean_text(error_found, field="Error found", max_length=2000, multiline=True)
        consulted = clean_text(consolatory_payment_consulted, field="Consolatory payment", max_length=500)
        representative = clean_text(representative_name, field="Representative", max_length=120)
        title = clean_text(signatory_title, field="Signatory's title", max_length=120)

        def change(s: Session, c: Case) -> GeneratedReply:
            e = c.letter
            if not e.ophso:
                raise ValidationError(f"{e.cts_reference} is not an OPHSO enquiry")
            if not may_handle_ophso(actor.roles) or not is_member(s, actor.id, e.unit_code):
                raise PermissionDenied("OPHSO enquiries are dealt with by a senior caseworker of the unit holding "
                                       "them [ASY]")
            if not error_found:
                raise ValidationError("error_found: say what went wrong")
            if not (as_flag(apology_to_applicant, field="apology_to_applicant")
                    and as_flag(apology_to_representative, field="apology_to_representative")):
                raise ValidationError("an error found on an OPHSO enquiry needs a written apology to the applicant "
                                      "and to the representative [ASY]")
            if not representative:
                raise ValidationError("representative_name: whom the apology to the representative goes to")
            made = []
            for template, name, salutation in (
                    (APPLICANT, e.subject_name, f"Dear {e.subject_name}"),
                    (REPRESENTATIVE, representative, f"Dear {representative}")):
                ctx = LetterContext(
                    cts_reference=e.cts_reference, kind="official", date=c.now.astimezone(LONDON).date(),
                    addressee=Addressee(name=name, kind="Public", salutation=salutation),
                    subject_name=e.subject_name, constituent_name=e.constituent_name or e.subject_name,
                    member_letter_date=e.member_letter_date, issue=e.issue, signatory_name=actor.full_name,
                    signatory_title=title or f"Senior Caseworker, {e.unit_code}", body=error_found)
                stem = f"{file_stem(e.cts_reference)}-{template.replace('_', '-')}"
                made.append(self._add_document(s, actor, e, DocumentKind.APOLOGY, f"{stem}.pdf", "application/pdf",
                                               render_letter_pdf(template, ctx)))
                made.append(self._add_document(s, actor, e, DocumentKind.APOLOGY, f"{stem}.docx", DOCX_MIME,
                                               render_letter_docx(template, ctx)))
            self._audit(s, actor, e, "OPHSO error: apologies sent",
                        {"error_found": error_found, "apology_to_applicant": True,
                         "apology_to_representative": True, "representative": representative,
                         "documents": [d.filename for d in made],
                         "consolatory_payment_consulted": consulted or None})
            return GeneratedReply(letter_id=e.id, reference=e.cts_reference, template=APPLICANT,
                                  documents=tuple(document_record(d, e.cts_reference, with_data=True) for d in made))

        return self._change(actor, letter_id, change, expected_version)
