; Included by electron-builder's NSIS installer (electron-builder.yml: nsis.include). The console launcher puts
; its own folder (<install>\bin) on the user's PATH and takes it off again; it edits the registry value as stored
; (see till-companion.c), and tests/unit/console-shim.test.ts proves it under Wine.
!macro customInstall
  nsExec::Exec '"$INSTDIR\bin\till-companion.exe" --till-shim-path=add'
  Pop $0
!macroend

!macro customUnInstall
  nsExec::Exec '"$INSTDIR\bin\till-companion.exe" --till-shim-path=remove'
  Pop $0
!macroend
