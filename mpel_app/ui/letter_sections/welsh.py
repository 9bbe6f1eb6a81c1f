"""A Welsh reply [CORR 5.3]: the English reply sent for translation, the Welsh one received as a PDF.

The working days the translation takes are shown against the unit deadline
in the case view's warnings; dispatch is refused until it is back.
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit

from ..widgets import button, labelled, named
from .base import CaseView, StepSection
from .files import read_pdf


class WelshSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "Welsh reply: translation", "Send for &translation",
                         "E-mail the reply made in English to the translator [CORR 5.3]", parent)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.form.addRow(self.status)
        self.translator = labelled(self.form, "Translator's e-mail:", QLineEdit())
        self.english_also = named(QCheckBox("Send it in English as well"))
        self.form.addRow("", self.english_also)
        self.path = labelled(self.form, "Welsh reply (PDF file):", QLineEdit())
        self.path.setPlaceholderText("Path of the translation, e.g. C:\\Replies\\reply-cy.pdf")
        self.received = button("Translation recei&ved", "Keep the Welsh reply with the letter", auto_default=True)
        self.received.clicked.connect(self.receive)
        self.finish_form(self.received)

    def applies(self, case: CaseView) -> bool:
        return case.open and case.in_unit() and case.plan is not None and case.plan.language == "cy"

    def fill(self, case: CaseView) -> None:
        sent, back = case.facts.get("translation_sent"), case.facts.get("translation_received")
        self.status.setText("The Welsh reply is back." if back else
                            "Sent for translation; waiting for the Welsh reply." if sent else
                            "Make the reply in English first, then send it for translation.")
        self.status.setAccessibleName(self.status.text())
        self.received.setEnabled(bool(sent))

    def submit(self) -> None:
        rec, letters, user = self.case.record, self.letters, self.user
        to, both = self.translator.text(), self.english_also.isChecked()
        self.run(lambda: letters.send_for_translation(user, rec.id, translator_email=to, english_also=both,
                                                      expected_version=rec.version),
                 "Sent to the translator by e-mail, with the reply.")

    def receive(self) -> None:
        rec, letters, user, path = self.case.record, self.letters, self.user, self.path.text()

        def work():
            data, name = read_pdf(path, "translation")
            return letters.translation_received(user, rec.id, pdf=data, filename=name, expected_version=rec.version)
        self.run(work, "The Welsh reply is kept with the letter.")
