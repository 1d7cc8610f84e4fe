/*
 * A stand-in for the packaged app in tests/unit/console-shim.test.ts: a GUI-subsystem program (like
 * Electron's exe) that prints its arguments and its first line of standard input through the C runtime,
 * writes to standard error, and exits with the code given after --exit.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wmain(int argc, wchar_t **argv) {
  int code = 0;
  char text[4096];
  for (int i = 1; i < argc; i++) {
    WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, text, sizeof text, NULL, NULL);
    printf("arg:%s\n", text);
    if (wcscmp(argv[i], L"--exit") == 0 && i + 1 < argc) code = _wtoi(argv[i + 1]);
    if (wcscmp(argv[i], L"--read-stdin") == 0 && fgets(text, sizeof text, stdin)) printf("stdin:%s", text);
  }
  fputs("to stderr\n", stderr);
  fflush(stdout);
  fflush(stderr);
  return code;
}
