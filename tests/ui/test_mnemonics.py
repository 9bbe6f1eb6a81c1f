"""ui/mnemonics: one Alt+letter per visible control, a control's own letter back once the clash has gone."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from mpel_app.ui.mnemonics import MnemonicGuard, make_unique, mnemonic_of


def test_mnemonic_of_reads_qt_s_marker():
    assert mnemonic_of("&Save") == "s" and mnemonic_of("Sa&ve") == "v"
    assert mnemonic_of("Fish && chips") is None and mnemonic_of("Fish && &chips") == "c" and mnemonic_of("x&") is None


def test_a_later_control_moves_to_a_free_letter_and_gets_its_own_back_when_the_first_goes(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    first, second = QPushButton("&Send"), QPushButton("&Save draft")
    label = QLabel("&Subject:")
    label.setBuddy(QLineEdit())
    for w in (first, second, label, label.buddy()):
        layout.addWidget(w)
    qtbot.addWidget(window)
    MnemonicGuard(window)
    window.show()
    qtbot.waitUntil(lambda: second.text() != "&Save draft")
    # Buttons before labels; a word's first letter before any other letter.
    assert (first.text(), second.text(), label.text()) == ("&Send", "Save &draft", "S&ubject:")
    first.hide()
    qtbot.waitUntil(lambda: second.text() == "&Save draft")
    assert label.text() == "S&ubject:"
    second.setText("&Save and close")  # the code's own text is the one wanted from now on
    make_unique(window)
    assert second.text() == "&Save and close"


def test_no_letter_left_means_no_mnemonic_rather_than_a_shared_one(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    buttons = [QPushButton("&ab"), QPushButton("&ba"), QPushButton("&a")]
    for b in buttons:
        layout.addWidget(b)
    qtbot.addWidget(window)
    window.show()
    assert make_unique(window) == [("&a", "a")]  # what it had to change, for a window to check it has none
    assert [b.text() for b in buttons] == ["&ab", "&ba", "a"]
