#!/bin/sh
# Builds console-shim/till-companion.exe (x64 console program) from till-companion.c with MinGW-w64
# (Debian: apt-get install gcc-mingw-w64-x86-64-win32). The result is committed; tests/unit/console-shim.test.ts
# rebuilds it and checks it is byte-for-byte the same when this compiler is present.
set -eu
cd "$(dirname "$0")"
CC="${CC:-x86_64-w64-mingw32-gcc-win32}"
OUT="${1:-till-companion.exe}"
"$CC" -std=c11 -Os -s -municode -mconsole -Wall -Wextra -Werror \
  -fno-ident -Wl,--no-insert-timestamp -Wl,--build-id=none \
  -o "$OUT" till-companion.c -luser32
