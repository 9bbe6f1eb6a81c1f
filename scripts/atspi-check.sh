#!/usr/bin/env bash
# The out-of-process accessibility check (scripts/atspi_check.py) in its own X server and D-Bus session:
#
#     bash scripts/atspi-check.sh --username U --password-file F --passcode P [--member TEXT] [--dump] \
#         -- .venv/bin/python -m mpel_app --database URL
#
# Needs Debian's xvfb, dbus, at-spi2-core, python3-pyatspi and xdotool (scripts/bootstrap.sh test).
# The screen is a 1366x768 laptop's.  Xvfb picks a free display itself (-displayfd) and says which
# once it is ready: others may run X servers on this machine too.
set -euo pipefail
cd "$(dirname "$0")/.."
fifo=$(mktemp -u); mkfifo "$fifo"
Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp 3>"$fifo" 2>/dev/null &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true; rm -f "$fifo"' EXIT
read -r -t 30 display <"$fifo"
export DISPLAY=":$display"
unset WAYLAND_DISPLAY
dbus-run-session -- /usr/bin/python3 scripts/atspi_check.py "$@"
