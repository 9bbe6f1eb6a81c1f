"""Accessibility from outside the process: a screen reader's view of MPEL Desk, through AT-SPI.

Run by scripts/atspi-check.sh inside Xvfb and a private D-Bus session, with Debian's python3 (the
only place python3-pyatspi exists: it is not on PyPI):

    /usr/bin/python3 scripts/atspi_check.py --database URL --username U --password-file F --passcode P
                                             [--member TEXT] [-- DESK COMMAND...]

1. Starts the AT-SPI bus (at-spi-bus-launcher) and its registry (at-spi2-registryd): a bare D-Bus
   session starts neither.
2. Starts MPEL Desk on the xcb platform with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1.
3. Finds the controls it needs by ACCESSIBLE NAME and ROLE, as a screen reader user hears them
   ("Username, text"), never by Python object names, and drives the desk with keyboard events
   alone (xdotool, through the X server's XTEST extension, as a person's keyboard would): signs
   in, opens New call, starts a call, picks the Member, gives the passcode, types the subject,
   question and answer, and completes the call with Ctrl+Enter; then quits with Ctrl+Q.
4. Prints each control it found and each step, and exits 0 when the desk said the call was
   completed (the caller checks the database too); otherwise 1, with what was missing.

It uses no mouse event at all: every focus change is a key press the person would make.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable

import pyatspi

TIMEOUT = 60.0


class CheckFailed(Exception):
    pass


def say(text: str) -> None:
    print(f"atspi-check: {text}", flush=True)


def wait_for(what: str, probe: Callable[[], object], timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            found = probe()
        except Exception as exc:  # the tree changes under us while the desk builds windows: try again
            last_error, found = exc, None
        if found:
            return found
        time.sleep(0.2)
    raise CheckFailed(f"timed out waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))


# ------------------------------------------------------------------ the accessibility tree

def desk_application(pid: int):
    desktop = pyatspi.Registry.getDesktop(0)
    for index in range(desktop.childCount):
        app = desktop.getChildAtIndex(index)
        if app is not None and app.get_process_id() == pid:
            return app
    return None


def walk(node, depth: int = 0, limit: int = 40):
    """Every accessible under ``node`` that is showing (what a screen reader can reach now)."""
    if node is None or depth > limit:
        return
    yield node
    for index in range(node.childCount):
        child = node.getChildAtIndex(index)
        if child is not None and child.getState().contains(pyatspi.STATE_SHOWING):
            yield from walk(child, depth + 1, limit)


def find(app, name: str, role, *, match: str = "exact"):
    """The showing control with this accessible name and role, or None."""
    for node in walk(app):
        if node.getRole() != role:
            continue
        label = node.name or ""
        if (match == "exact" and label == name) or (match == "prefix" and label.startswith(name)):
            return node
    return None


def need(app, name: str, role, **kwargs):
    node = wait_for(f"{role} {name!r}", lambda: find(app, name, role, **kwargs))
    say(f"found {node.getRoleName()} {node.name!r}")
    return node


def focused(app) -> list:
    """The controls that say they have the keyboard focus (a page tab keeps saying so behind its page)."""
    return [node for node in walk(app) if node.getState().contains(pyatspi.STATE_FOCUSED)]


def text_of(node) -> str:
    try:
        text = node.queryText()
        return text.getText(0, text.characterCount)
    except NotImplementedError:
        return node.name or ""


def expect_focus(app, name: str, role) -> None:
    """The keyboard focus is on this control (as a screen reader would announce it)."""
    node = wait_for(f"focus on {name!r}", lambda: next(
        (f for f in focused(app) if f.name == name and f.getRole() == role), None))
    say(f"focus on {node.getRoleName()} {node.name!r}")


def dump(app) -> None:
    for node in walk(app):
        state = "focused " if node.getState().contains(pyatspi.STATE_FOCUSED) else ""
        extra = [f"{what}={value!r}" for what, value in (("text", text_of(node)), ("description", node.description))
                 if value and value != node.name]
        say(f"  {state}{node.getRoleName()}: {node.name!r} {' '.join(extra)}".rstrip())


# ------------------------------------------------------------------ keyboard

def key(*keys: str) -> None:
    subprocess.run(["xdotool", "key", "--delay", "40", *keys], check=True)


def give_focus_to(title: str) -> None:
    """Xvfb has no window manager, so nothing gives a newly shown window the X input focus, as a
    desktop's window manager does: ask the X server directly (a focus request, not an input event)."""
    windows = wait_for(f"an X window titled {title!r}", lambda: subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", re.escape(title)], capture_output=True,
        text=True).stdout.split())
    subprocess.run(["xdotool", "windowfocus", "--sync", windows[-1]], check=True)


def type_text(text: str) -> None:
    subprocess.run(["xdotool", "type", "--delay", "25", text], check=True)


# ------------------------------------------------------------------ the session

def start_accessibility_bus() -> list[subprocess.Popen]:
    launcher = subprocess.Popen(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"])

    def bus_address() -> str:
        result = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus", "/org/a11y/bus",
                                 "org.a11y.Bus.GetAddress"], capture_output=True, text=True)
        return result.stdout if result.returncode == 0 and "unix:" in result.stdout else ""

    wait_for("the AT-SPI bus (org.a11y.Bus)", bus_address, timeout=20)
    registry = subprocess.Popen(["/usr/libexec/at-spi2-registryd"])
    wait_for("the AT-SPI registry", lambda: pyatspi.Registry.getDesktop(0) is not None, timeout=20)
    say("AT-SPI bus and registry running")
    return [registry, launcher]


def log_a_call(app, args) -> str:
    # Sign in: the sign-in window's fields, by their accessible names.
    need(app, "Username", pyatspi.ROLE_TEXT)
    give_focus_to("Sign in — MPEL Desk")
    need(app, "Password", pyatspi.ROLE_PASSWORD_TEXT)
    need(app, "Sign in", pyatspi.ROLE_PUSH_BUTTON)
    expect_focus(app, "Username", pyatspi.ROLE_TEXT)
    type_text(args.username)
    key("Tab")
    expect_focus(app, "Password", pyatspi.ROLE_PASSWORD_TEXT)
    type_text(args.password)
    key("Return")

    # The main window, on the New call view (a call agent's home view).
    need(app, "New call", pyatspi.ROLE_PAGE_TAB)
    give_focus_to("MPEL Desk — ")
    for name, role in (("Telephone", pyatspi.ROLE_RADIO_BUTTON), ("Email", pyatspi.ROLE_RADIO_BUTTON),
                       ("New call", pyatspi.ROLE_PUSH_BUTTON), ("Member", pyatspi.ROLE_TEXT),
                       ("Passcode", pyatspi.ROLE_PASSWORD_TEXT), ("Verify", pyatspi.ROLE_PUSH_BUTTON),
                       ("Subject name", pyatspi.ROLE_TEXT), ("Question", pyatspi.ROLE_TEXT),
                       ("Complete", pyatspi.ROLE_PUSH_BUTTON)):
        need(app, name, role, match="prefix" if name == "Complete" else "exact")
    if args.dump:
        dump(app)

    key("alt+n")  # New call: the reference is issued at once, and the cursor goes to the Member field
    expect_focus(app, "Member", pyatspi.ROLE_TEXT)
    # The agent reads the reference out to the caller: a screen reader must say it, in the label's
    # accessible name (what is read first), not only "Call reference".
    reference = wait_for("the call reference in the label's accessible name", lambda: (
        lambda node: node if node is not None and re.search(r"[A-Z]{3}\d{6}", node.name or "") else None)(
        find(app, "Call reference", pyatspi.ROLE_LABEL, match="prefix")))
    say(f"heard the call reference: {reference.name!r}, described {reference.description!r}")
    details = need(app, "Call details", pyatspi.ROLE_LABEL, match="prefix")
    say(f"heard the call details: {details.name!r}")
    member = need(app, "Member", pyatspi.ROLE_TEXT)
    type_text(args.member)
    suggestions = wait_for("member suggestions", lambda: (lambda n: n if n is not None and n.childCount else None)(
        find(app, "Matching members", pyatspi.ROLE_LIST)))
    say(f"{suggestions.childCount} matching member(s), the first: {suggestions.getChildAtIndex(0).name!r}")
    key("Return")  # picks the first suggestion: the field then reads the member's name and seat
    picked = wait_for("the chosen member in the Member field",
                      lambda: (lambda text: text if text.startswith(args.member) and " — " in text else None)(
                          text_of(member)))
    say(f"the Member field reads {picked!r}")
    key("alt+p")
    expect_focus(app, "Passcode", pyatspi.ROLE_PASSWORD_TEXT)
    type_text(args.passcode)
    key("Return")
    expect_focus(app, "Subject name", pyatspi.ROLE_TEXT)  # the case unlocks and takes the focus
    type_text("Tomasz Nowak")
    key("alt+q")
    expect_focus(app, "Question", pyatspi.ROLE_TEXT)
    type_text("Has the BRP been posted?")
    key("alt+g")
    expect_focus(app, "Answer given", pyatspi.ROLE_TEXT)
    type_text("Yes, sent by special delivery.")
    key("ctrl+Return")  # complete: answered at first contact
    message = wait_for("the completion message", lambda: next(
        (n for n in walk(app) if n.getRole() in (pyatspi.ROLE_LABEL, pyatspi.ROLE_STATUS_BAR, pyatspi.ROLE_ALERT,
                                                 pyatspi.ROLE_NOTIFICATION)
         and "completed" in (n.name or "") + text_of(n)), None))
    said = message.name or text_of(message)
    say(f"the desk said ({message.getRoleName()}): {said}")
    return said


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--username", required=True)
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--passcode", required=True)
    parser.add_argument("--member", default="Jane")
    parser.add_argument("--dump", action="store_true", help="print the accessible tree of the New call view")
    parser.add_argument("desk", nargs=argparse.REMAINDER, help="-- the command that starts MPEL Desk")
    args = parser.parse_args()
    with open(args.password_file, encoding="utf-8") as handle:
        args.password = handle.read().strip()
    command = [part for part in args.desk if part != "--"]
    helpers = start_accessibility_bus()
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1", "QT_ACCESSIBILITY": "1"}
    desk = subprocess.Popen(command, env=env)
    try:
        app = wait_for("MPEL Desk on the accessibility bus", lambda: desk_application(desk.pid))
        say(f"MPEL Desk is on the AT-SPI bus as {app.name!r} (pid {desk.pid})")
        said = log_a_call(app, args)
        key("ctrl+q")
        desk.wait(30)
        say(f"the desk quit with status {desk.returncode}")
        return 0 if "completed" in said and desk.returncode == 0 else 1
    except CheckFailed as exc:
        say(f"FAILED: {exc}")
        try:
            app = desk_application(desk.pid)
            if app is not None:
                dump(app)
        except Exception:
            pass
        return 1
    finally:
        if desk.poll() is None:
            desk.terminate()
            desk.wait(10)
        for helper in helpers:
            helper.terminate()
            helper.wait(10)


if __name__ == "__main__":
    sys.exit(main())
