"""One Alt+letter per control in a window, however its parts come and go (issue 15).

Qt lets two visible controls share a mnemonic: Alt+the letter then only
moves the focus between them, pressing neither, and a person who learnt
"Alt+R refers the meeting" finds it does something else on the next letter.
A window assembled from sections that show and hide by case (the letter's
case view: its action buttons and their form, the Documents tab, the Special
handling sections) cannot fix every letter by hand: there are more controls
than letters.  So, as KDE's KAcceleratorManager does for its dialogs,
``MnemonicGuard(window)`` keeps them unique among the controls a person can
see at once:

* the controls are buttons (check boxes too), labels with a buddy, titled
  group boxes and tab labels, visible now;
* the tab labels and the controls outside the tabs (the window's own
  commands) come first, then the current tab's, each in the order made,
  buttons before labels; the first holder of a letter keeps it;
* a later one whose letter is taken gets another letter of its own text (the
  first letter of a word first), or none when every one is taken;
* each pass starts from the text the code gave, so a control gets its own
  letter back as soon as the clash has gone.

A pass runs (once per turn of the event loop) whenever a control under the
window is shown, hidden or added.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QStackedWidget, QTabBar, QTabWidget, QWidget

_GIVEN = "_mnemonic_given"  # the text this module last set
_WANTED = "_mnemonic_wanted"  # the text the code set, with the letter it asked for


def mnemonic_of(text: str) -> str | None:
    """The Alt letter of a control's text (lower case), or None; ``&&`` is a literal ampersand."""
    marked = text.replace("&&", "")
    at = marked.find("&")
    return marked[at + 1].lower() if 0 <= at < len(marked) - 1 and marked[at + 1].strip() else None


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&&")


def _marked(plain: str, index: int) -> str:
    """``plain`` (``&&`` kept as is) with the mnemonic on the character at ``index``."""
    return plain[:index] + "&" + plain[index:]


def _choices(plain: str) -> Iterator[int]:
    """Where a mnemonic could go in ``plain``: each word's first letter, then every other letter or digit."""
    usable = [i for i, ch in enumerate(plain) if ch.isalnum() and ch.isascii()
              and not (i > 0 and plain[i - 1] == "&")]
    starts = [i for i in usable if i == 0 or not plain[i - 1].isalnum()]
    yield from starts
    yield from (i for i in usable if i not in starts)


class _Holder:
    """One control's text as a mnemonic sees it: read, and rewritten."""

    def __init__(self, owner: QObject, get: Callable[[], str], put: Callable[[str], None], key: str = ""):
        self.owner, self.get, self.put, self.key = owner, get, put, key

    def wanted(self) -> str:
        """The text the code gave: what this module set last is not it."""
        current = self.get()
        given, wanted = self.owner.property(_GIVEN + self.key), self.owner.property(_WANTED + self.key)
        if given is not None and current == given and wanted is not None:
            return wanted
        self.owner.setProperty(_WANTED + self.key, current)
        return current

    def give(self, text: str) -> None:
        if text != self.get():
            self.put(text)
        self.owner.setProperty(_GIVEN + self.key, text)


def _in_tab_page(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget):
            return True
        parent = parent.parentWidget()
    return False


def holders(root: QWidget) -> list[_Holder]:
    """The visible controls under ``root`` that may carry a mnemonic, first come first served (module doc)."""
    tabs: list[_Holder] = []
    frame: list[_Holder] = []
    pages: list[_Holder] = []
    for w in root.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.isTabVisible(i):
                    tabs.append(_Holder(w, lambda w=w, i=i: w.tabText(i), lambda t, w=w, i=i: w.setTabText(i, t),
                                        f"_{i}"))
            continue
        if isinstance(w, QAbstractButton):
            holder = _Holder(w, w.text, w.setText)
        elif isinstance(w, QLabel) and w.buddy() is not None:
            holder = _Holder(w, w.text, w.setText)
        elif isinstance(w, QGroupBox) and "&" in w.title():
            holder = _Holder(w, w.title, w.setTitle)
        else:
            continue
        (pages if _in_tab_page(w, root) else frame).append(holder)
    return tabs + _buttons_first(frame) + _buttons_first(pages)


def _buttons_first(found: list[_Holder]) -> list[_Holder]:
    """A button does something; a label only moves the focus, which Tab does too: buttons choose first."""
    return ([h for h in found if isinstance(h.owner, QAbstractButton)]
            + [h for h in found if not isinstance(h.owner, QAbstractButton)])


def make_unique(root: QWidget) -> list[tuple[str, str]]:
    """One pass over ``root``'s visible controls (module doc); returns the texts it had to change, as
    (the text the code gave, the text shown instead): none when the code's own letters do not clash."""
    taken: set[str] = set()
    changed: list[tuple[str, str]] = []
    for holder in holders(root):
        wanted = holder.wanted()
        letter = mnemonic_of(wanted)
        if letter is None or letter not in taken:
            if letter is not None:
                taken.add(letter)
            holder.give(wanted)
            continue
        plain = _plain(wanted)
        spare = next((i for i in _choices(plain) if plain[i].lower() not in taken), None)
        given = plain if spare is None else _marked(plain, spare)
        if spare is not None:
            taken.add(plain[spare].lower())
        holder.give(given)
        changed.append((wanted, given))
    return changed


class MnemonicGuard(QObject):
    """Keeps the mnemonics of ``root`` unique while it lives (module doc)."""

    def __init__(self, root: QWidget):
        super().__init__(root)
        self._root = root
        self._pending = False
        # Every text a pass had to change, as (given by the code, shown instead): a window whose own texts
        # never clash keeps this empty (the letter's case view does, for every role and stage its test walks).
        self.reassigned: set[tuple[str, str]] = set()
        self._watch(root)
        self.schedule()

    def _watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)
        for child in widget.findChildren(QWidget):
            child.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.ChildAdded:
            child = getattr(event, "child", lambda: None)()
            if isinstance(child, QWidget):
                self._watch(child)
            self.schedule()  # a pass that changes nothing adds nothing: this settles
        elif kind in (QEvent.Show, QEvent.Hide):
            self.schedule()
        return False

    def schedule(self) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self.run)

    def run(self) -> None:
        self._pending = False
        self.reassigned.update(make_unique(self._root))
