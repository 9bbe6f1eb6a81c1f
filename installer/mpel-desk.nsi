; MPEL Desk: the Windows installer, built with NSIS (makensis; Debian's `nsis` builds it on Linux too).
;
;   makensis -DVERSION=0.1.0 -DSOURCE_DIR=dist\mpel-desk -DOUTFILE=dist\mpel-desk-0.1.0-setup.exe installer\mpel-desk.nsi
;
; Installs per machine into Program Files (administrator rights), with a Start-menu shortcut for all
; users and an uninstaller listed in Apps & features.  Silent, for the desktop-management team:
;   mpel-desk-0.1.0-setup.exe /S [/D=C:\Program Files\MPEL Desk]      (/D last, unquoted)
;   "C:\Program Files\MPEL Desk\Uninstall.exe" /S
; Each person's database, drafts and logs stay in their own data folder (%LOCALAPPDATA%\MPEL Desk): an
; uninstall or an upgrade never touches them.
;
; Defines: VERSION (x.y.z, from pyproject.toml), SOURCE_DIR (the PyInstaller onedir folder),
; OUTFILE, and optionally EXE (default mpel-desk.exe) and COMPRESSOR (default lzma; zlib builds faster).

Unicode true

!ifndef VERSION
  !error "Pass -DVERSION=x.y.z (the package version)"
!endif
!ifndef SOURCE_DIR
  !error "Pass -DSOURCE_DIR=<the PyInstaller onedir folder, dist\mpel-desk>"
!endif
!ifndef OUTFILE
  !define OUTFILE "mpel-desk-${VERSION}-setup.exe"
!endif
!ifndef EXE
  !define EXE "mpel-desk.exe"
!endif
!ifndef COMPRESSOR
  !define COMPRESSOR "lzma"
!endif

!define APP_NAME "MPEL Desk"
!define PUBLISHER "Home Office, MPs' Enquiry Line"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\MPELDesk"

!include "MUI2.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
SetCompressor /SOLID ${COMPRESSOR}
RequestExecutionLevel admin
InstallDir "$PROGRAMFILES64\${APP_NAME}"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1033 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP_NAME} installer"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "Crown copyright"

!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME}"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${If} ${RunningX64}
    SetRegView 64
  ${Else}
    MessageBox MB_ICONSTOP|MB_OK "${APP_NAME} needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  SetShellVarContext all  ; per machine: the Start-menu shortcut is for every user of the PC
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Section "MPEL Desk" SecMain
  SectionIn RO
  ; An upgrade replaces the program whole: files of the old version must not linger beside the new.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${SOURCE_DIR}\*"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 \
      SW_SHOWNORMAL "" "The MPs' Enquiry Line case-handling desk"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\Uninstall ${APP_NAME}.lnk" "$INSTDIR\Uninstall.exe"

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\Uninstall ${APP_NAME}.lnk"
  RMDir "$SMPROGRAMS\${APP_NAME}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"  ; only if empty: nothing of anyone else's is removed
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
