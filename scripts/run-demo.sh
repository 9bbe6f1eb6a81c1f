#!/usr/bin/env bash
# The README's run command: installs what is missing, then starts MPEL Desk on
# a demo SQLite database (filled with demo data on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh desktop
exec .venv/bin/mpel --demo "$@"
