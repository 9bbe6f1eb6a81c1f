#!/usr/bin/env bash
# Installs what MPEL Desk needs on a Debian machine, idempotently: bash scripts/bootstrap.sh [test|desktop|build]
#
# 1. Debian packages, only those missing (apt-get update runs only when
#    something must be installed):
#    - postgresql: server binaries; the tests start their own throwaway
#      cluster and never touch the system service;
#    - libraries PySide6's wheels link against, plus a font; for "desktop"
#      also Qt's X11 (xcb) platform libraries;
#    - poppler-utils for "test": reading generated PDFs back;
#    - for "build" (scripts/build-installer.sh) and "test": binutils (PyInstaller reads libraries with
#      objdump), nsis, p7zip-full, wixl and msitools (the Windows installer and MSI, built and
#      listed on Linux);
#    - for "test": Xvfb, D-Bus, the AT-SPI bus and pyatspi, xdotool and the xcb libraries, for the
#      out-of-process accessibility check (tests/desktop/);
#    - mdbtools (and its ODBC driver with unixodbc) for "test": reading the
#      legacy Access database in the import's tests; an administrator who
#      imports the Access database on Linux needs mdbtools too;
#    - dovecot-imapd for "test": the inbox tests' IMAP server (tests/support/imapserver.py);
#    - python3-venv, only when .venv must be created and python3 lacks venv.
# 2. Creates .venv if needed and installs the project with its test extras
#    (again whenever pyproject.toml changes).
set -euo pipefail

cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

purpose=${1:-test}
# Direct dependencies of PySide6's QtCore/QtGui/QtWidgets/QtDBus and the
# offscreen platform plugin (checked with objdump -p), and a font to render with.
packages=(
    libegl1 libgl1 libx11-6 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
    fonts-dejavu-core
)
# Qt's xcb platform plugin, to open a real window on an X11 desktop (or a test's Xvfb: the key tests
# press shortcuts under Linux's key bindings, tests/ui/call/test_keys.py; the AT-SPI check)
xcb=(libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
     libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0)
installer=(binutils nsis p7zip-full wixl msitools)
accessibility=(xvfb xauth dbus at-spi2-core python3-pyatspi gir1.2-atspi-2.0 xdotool)
# MIT Kerberos: a KDC on loopback for the single sign-on test (tests/db/test_pg_gssapi.py; no service started)
kerberos=(krb5-kdc krb5-admin-server krb5-user)
case "$purpose" in
    test)  # poppler-utils: pdftotext/pdftoppm, used to read generated PDFs back; mdbtools: the legacy import;
           # dovecot-imapd: the real IMAP server the inbox tests start on loopback (no service is started)
        packages+=(poppler-utils mdbtools odbc-mdbtools unixodbc dovecot-imapd "${installer[@]}" "${xcb[@]}"
                   "${accessibility[@]}" "${kerberos[@]}") ;;
    desktop)  # mdbtools: Administration → Import legacy database reads the Access file with it
        packages+=("${xcb[@]}" mdbtools) ;;
    build) packages+=("${installer[@]}") ;;
    *) echo "usage: scripts/bootstrap.sh [test|desktop|build]" >&2; exit 2 ;;
esac

installed() {  # like `dpkg -s`, but without a pipe that could SIGPIPE under pipefail
    [[ "$(dpkg-query --show --showformat='${Status}' "$1" 2>/dev/null)" == "install ok installed"* ]]
}

missing=()
# Any PostgreSQL server version will do (the tests pick the highest).
if [[ $purpose == test ]] && ! compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null \
        && ! command -v pg_ctl >/dev/null; then
    missing+=(postgresql)
fi
for package in "${packages[@]}"; do
    installed "$package" || missing+=("$package")
done
if [[ ! -x .venv/bin/python ]] && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)
fi

if (( ${#missing[@]} )); then
    echo "bootstrap: installing ${missing[*]}" >&2
    sudo=()
    (( EUID == 0 )) || sudo=(sudo)  # a person running the demo is asked for their password
    "${sudo[@]}" apt-get update -qq
    # noninteractive: krb5-config would otherwise ask for a default realm (the tests bring their own)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv --clear .venv
fi
# Reinstall only when pyproject.toml changed since the last successful install.
stamp=.venv/.ci-pyproject.sha256
if ! sha256sum --check --status "$stamp" 2>/dev/null; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
    sha256sum pyproject.toml >"$stamp"
fi
