"""The call screen's own shortcuts, declared once: its actions, its key hints and F1 all read them from here.

Every key here must reach the screen whatever field has the focus on
Windows and on Linux: none is a key a line edit, text box, date or time
box, list or check box takes for itself (tests/ui/call/test_keys.py
presses each one in every kind of field).
"""
from __future__ import annotations

from ..shortcuts import Shortcut

COMPLETE = Shortcut(("Ctrl+Return", "Ctrl+Enter"), "Complete: answered at first contact (or finish an urgent call)")
FURTHER_ACTION = Shortcut(("Ctrl+Shift+Return", "Ctrl+Shift+Enter"),
                          "Further Action Case: pass the call to the MPEL team leader")
SAVE = Shortcut(("Ctrl+S",), "Save the call's details")
# F9, not Ctrl+U: a line edit on Linux takes Ctrl+U (delete to the start of the line) and wiped the removal date.
SEND_URGENT = Shortcut(("F9",), "Send the urgent call note")

CONTACTS = Shortcut(("F6",), "Contacts directory: numbers you may, and must not, give out")
GUIDANCE = Shortcut(("F7",), "FAQ and guidance: model answers and the rules mid-call")

CALL_SHORTCUTS = (SAVE, COMPLETE, FURTHER_ACTION, SEND_URGENT, CONTACTS, GUIDANCE)


def keys_hint() -> str:
    """The line of keys under the call form."""
    return "  ·  ".join(("Alt+N new call", f"{SAVE.label} save", f"{COMPLETE.label} complete",
                         f"{FURTHER_ACTION.label} Further Action Case", f"{SEND_URGENT.label} send urgent call note",
                         f"{CONTACTS.label} contacts", f"{GUIDANCE.label} FAQ"))


def plan_keys_hint() -> str:
    """The line of keys while the urgent plan shows."""
    return f"Alt+K spoken to  ·  Enter records the call  ·  {COMPLETE.label} finish the call  ·  Alt+N new call"
