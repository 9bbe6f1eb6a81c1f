#!/usr/bin/env bash
# Wraps a built MPEL Desk onedir in an MSI with wixl (Debian's and Ubuntu's `wixl` package):
#
#     bash scripts/build-msi.sh BUNDLE_DIR VERSION [EXE] [OUT.msi]
#
# e.g. bash scripts/build-msi.sh dist/mpel-desk 0.1.0 mpel-desk.exe  ->  dist/mpel-desk-0.1.0.msi
# wixl-heat lists the bundle's files (a component each, under INSTALLDIR); installer/mpel-desk.wxs is
# the product: per machine into Program Files, a Start-menu shortcut, major upgrades by UpgradeCode.
# The windows-build workflow runs this on the Windows onedir; build-installer.sh on the Linux one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bundle=$(cd "$1" && pwd)
version=$2
exe=${3:-mpel-desk.exe}
out=${4:-$(dirname "$bundle")/$(basename "$bundle")-$version.msi}
name=$(basename "$bundle")
files=$(mktemp --suffix=.wxs)
trap 'rm -f "$files"' EXIT
# wixl wants source paths relative to where it runs: run both from the bundle's parent folder.
cd "$(dirname "$bundle")"
find "$name" -type f | LC_ALL=C sort | wixl-heat -p "$name/" --component-group ProgramFiles \
    --directory-ref INSTALLDIR --var var.SourceDir --win64 >"$files"
wixl -a x64 -D Version="$version" -D SourceDir="$name" -D Exe="$exe" -D Win64=yes -o "$out" \
    "$root/installer/mpel-desk.wxs" "$files"
echo "msi: $out ($(du -m "$out" | cut -f1) MB, $(msiinfo export "$out" File | tail -n +4 | wc -l) files)"
