#!/usr/bin/env bash
# Builds MPEL Desk's onedir bundle with PyInstaller, checks it, and wraps it in the Windows installer:
#
#     bash scripts/build-installer.sh
#
# 1. Installs what the build needs (scripts/bootstrap.sh build; PyInstaller pinned as the `build` extra).
# 2. Builds dist/mpel-desk/ from build_installer.spec.
# 3. Runs the built program's smoke test (mpel-desk --smoke-test): a temporary SQLite database from the
#    bundled migrations, the main window offscreen, a call-record PDF and a letter .docx, the keyring.
# 4. Prints the bundle's size and what takes the space; fails over the budget (250 MB).
# 5. Where makensis is installed, builds the NSIS installer (installer/mpel-desk.nsi) around the bundle
#    and lists its contents. Built on Linux, that installer carries the Linux bundle: it proves the
#    script; the desks' installer is built on Windows (.github/workflows/windows-build.yml).
#
# Environment: MPEL_DIST (default dist), MPEL_BUILD_DIR (default build), MPEL_BUNDLE_BUDGET_MB (250),
# MPEL_NSIS_COMPRESSOR (lzma; zlib is much faster, for tests), MPEL_MSI=1 to build the MSI as well
# (scripts/build-msi.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

dist=${MPEL_DIST:-dist}
work=${MPEL_BUILD_DIR:-build}
budget_mb=${MPEL_BUNDLE_BUDGET_MB:-250}
name=mpel-desk
exe=$name
[[ ${OS:-} == Windows_NT ]] && exe=$name.exe

bash scripts/bootstrap.sh build
python=.venv/bin/python
[[ -x $python ]] || python=.venv/Scripts/python.exe
version=$("$python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
pinned=$("$python" -c 'import tomllib
for req in tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["build"]:
    if req.lower().startswith("pyinstaller=="): print(req.split("==")[1])')
if [[ "$("$python" -m PyInstaller --version 2>/dev/null)" != "$pinned" ]]; then
    echo "build-installer: installing PyInstaller $pinned (the build extra)" >&2
    "$python" -m pip install -q --disable-pip-version-check -e '.[build]'
fi

echo "build-installer: building $dist/$name with PyInstaller $pinned (MPEL Desk $version)" >&2
started=$SECONDS
"$python" -m PyInstaller --noconfirm --log-level WARN --distpath "$dist" --workpath "$work" build_installer.spec
echo "build-installer: built in $((SECONDS - started)) s" >&2

bundle=$dist/$name
echo "build-installer: smoke test of the built program" >&2
QT_QPA_PLATFORM=offscreen "$bundle/$exe" --smoke-test

size_mb=$(du -sm "$bundle" | cut -f1)
echo "bundle: $bundle is $size_mb MB (budget $budget_mb MB); the largest parts:"
# Each top-level part of _internal, and Qt's own libraries, biggest first (two du runs: one run
# counts a folder only once, so Qt's libraries would vanish inside PySide6). awk, not head: head
# would close the pipe early, and under pipefail sort's SIGPIPE would fail the build.
{ du -sm "$bundle"/_internal/*; du -sm "$bundle"/_internal/PySide6/Qt/lib/* 2>/dev/null || true; } \
    | sort -rn | awk -v prefix="$bundle/" 'NR <= 20 { sub(prefix, "", $2); printf "  %5s MB  %s\n", $1, $2 }'
if (( size_mb > budget_mb )); then
    echo "build-installer: the bundle is over its budget of $budget_mb MB" >&2
    exit 1
fi

if command -v makensis >/dev/null; then
    setup=$dist/$name-$version-setup.exe
    echo "build-installer: NSIS installer $setup" >&2
    makensis -V4 -DVERSION="$version" -DSOURCE_DIR="$bundle" -DOUTFILE="$setup" -DEXE="$exe" \
        -DCOMPRESSOR="${MPEL_NSIS_COMPRESSOR:-lzma}" installer/mpel-desk.nsi >"$work/makensis.log"
    grep -E '^(Output|Install data|Total size|InstallDir|CreateShortcut|WriteUninstaller|WriteRegStr: .*(DisplayName|QuietUninstallString))' \
        "$work/makensis.log" || true
    if command -v 7z >/dev/null; then
        echo "installer contents (7z l, top level):"
        7z l -ba "$setup" | awk '{print $NF}' | cut -d/ -f1 | sort | uniq -c | sed 's/^/  /'
    fi
else
    echo "build-installer: makensis not installed; no installer built (apt-get install nsis)" >&2
fi
if [[ ${MPEL_MSI:-0} == 1 ]]; then  # the MSI too (wixl; about a minute more)
    bash scripts/build-msi.sh "$bundle" "$version" "$exe"
fi
echo "build-installer: done"
