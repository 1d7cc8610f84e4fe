/*
 * till-companion.exe: the console entry point of the EPOS command line on Windows.
 *
 * The app itself (<Product>.exe) is a GUI-subsystem program: cmd.exe does not wait for it, and it has no
 * console to print to, so `till-companion pay ... --wait` would give a batch file neither output nor an exit
 * code. This small console program starts the app with the same arguments, relays standard input, output and
 * error through pipes, waits for it and exits with its exit code. The app's RunAsNode fuse stays off: the
 * command line runs inside the app's own main process (src/main/integration/cli.ts), not as plain Node.
 *
 * Layout: <install>\bin\till-companion.exe beside <install>\<Product>.exe (found as the one .exe there that is
 * not an uninstaller; TILL_COMPANION_EXE overrides). Built by console-shim/build.sh; see docs/epos-integration.md.
 *
 * The installer runs `till-companion.exe --till-shim-path=add` (and `=remove` on uninstall) to put this folder on
 * the user's PATH: the registry value is edited as stored (REG_EXPAND_SZ, %VARIABLES% kept, any length), which
 * an NSIS string (1024 characters) could not do safely.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <wchar.h>

#define EXIT_ERROR 4 /* the command line's "error, nothing started" */

static void say(const wchar_t *text) {
  char buffer[2048];
  int length = WideCharToMultiByte(CP_UTF8, 0, text, -1, buffer, sizeof buffer, NULL, NULL);
  DWORD written;
  if (length > 1) WriteFile(GetStdHandle(STD_ERROR_HANDLE), buffer, (DWORD)(length - 1), &written, NULL);
}

static int fail(const wchar_t *what, const wchar_t *detail) {
  say(L"till-companion: ");
  say(what);
  if (detail) {
    say(L" ");
    say(detail);
  }
  say(L"\r\n");
  return EXIT_ERROR;
}

/* The rest of this program's command line after its own name, exactly as typed (quoting untouched). */
static const wchar_t *arguments_after_program(const wchar_t *line) {
  if (*line == L'"') {
    line++;
    while (*line && *line != L'"') line++;
    if (*line) line++;
  } else {
    while (*line && *line != L' ' && *line != L'\t') line++;
  }
  while (*line == L' ' || *line == L'\t') line++;
  return line;
}

static BOOL starts_with_insensitive(const wchar_t *text, const wchar_t *prefix) {
  return CompareStringOrdinal(text, (int)min(lstrlenW(text), lstrlenW(prefix)), prefix, lstrlenW(prefix), TRUE) == CSTR_EQUAL;
}

/* <folder of this program>\..\<the app>.exe, or TILL_COMPANION_EXE. */
static BOOL find_app(wchar_t *app, DWORD size) {
  DWORD length = GetEnvironmentVariableW(L"TILL_COMPANION_EXE", app, size);
  if (length > 0 && length < size) return TRUE;
  if (!GetModuleFileNameW(NULL, app, size) || GetLastError() == ERROR_INSUFFICIENT_BUFFER) return FALSE;
  for (int cut = 0; cut < 2; cut++) { /* drop "\till-companion.exe", then "\bin" */
    wchar_t *slash = wcsrchr(app, L'\\');
    if (!slash) return FALSE;
    *slash = 0;
  }
  wchar_t pattern[MAX_PATH + 8];
  if (lstrlenW(app) + 7 >= MAX_PATH) return FALSE;
  lstrcpyW(pattern, app);
  lstrcatW(pattern, L"\\*.exe");
  WIN32_FIND_DATAW found;
  HANDLE search = FindFirstFileW(pattern, &found);
  if (search == INVALID_HANDLE_VALUE) return FALSE;
  wchar_t name[MAX_PATH] = L"";
  int candidates = 0;
  do {
    if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
    if (starts_with_insensitive(found.cFileName, L"Uninstall ") || starts_with_insensitive(found.cFileName, L"elevate.exe")) continue;
    lstrcpynW(name, found.cFileName, MAX_PATH);
    candidates++;
  } while (FindNextFileW(search, &found));
  FindClose(search);
  if (candidates != 1 || (DWORD)(lstrlenW(app) + 1 + lstrlenW(name)) >= size) return FALSE;
  lstrcatW(app, L"\\");
  lstrcatW(app, name);
  return TRUE;
}

struct relay {
  HANDLE from;
  HANDLE to;
  BOOL close_to; /* stdin: closing the pipe tells the app there is no more input */
};

static DWORD WINAPI copy_stream(LPVOID context) {
  struct relay *relay = context;
  char buffer[8192];
  DWORD got, written;
  while (ReadFile(relay->from, buffer, sizeof buffer, &got, NULL) && got > 0) {
    if (!WriteFile(relay->to, buffer, got, &written, NULL)) break;
  }
  if (relay->close_to) CloseHandle(relay->to);
  return 0;
}

static BOOL pipe_pair(HANDLE *read_end, HANDLE *write_end, BOOL child_reads) {
  SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
  if (!CreatePipe(read_end, write_end, &inherit, 0)) return FALSE;
  /* Only the app's end is inherited; ours stays private so the pipe ends when the app does. */
  return SetHandleInformation(child_reads ? *write_end : *read_end, HANDLE_FLAG_INHERIT, 0);
}

static BOOL same_folder(const wchar_t *a, int a_length, const wchar_t *b) {
  while (a_length > 0 && (a[a_length - 1] == L'\\' || a[a_length - 1] == L' ')) a_length--;
  int b_length = lstrlenW(b);
  while (b_length > 0 && b[b_length - 1] == L'\\') b_length--;
  return a_length > 0 && CompareStringOrdinal(a, a_length, b, b_length, TRUE) == CSTR_EQUAL;
}

/* Adds this program's folder to HKCU\Environment\Path (once), or removes it; other entries are kept as they are. */
static int edit_user_path(BOOL add) {
  wchar_t folder[MAX_PATH];
  DWORD length = GetModuleFileNameW(NULL, folder, MAX_PATH);
  if (!length || length >= MAX_PATH) return fail(L"cannot tell where this program is.", NULL);
  *wcsrchr(folder, L'\\') = 0;
  HKEY key;
  if (RegCreateKeyExW(HKEY_CURRENT_USER, L"Environment", 0, NULL, 0, KEY_QUERY_VALUE | KEY_SET_VALUE, NULL, &key, NULL) != ERROR_SUCCESS) return fail(L"cannot open the user's environment.", NULL);
  DWORD type = REG_EXPAND_SZ, bytes = 0;
  LSTATUS status = RegQueryValueExW(key, L"Path", NULL, &type, NULL, &bytes);
  if (status != ERROR_SUCCESS && status != ERROR_FILE_NOT_FOUND) return RegCloseKey(key), fail(L"cannot read the user's PATH.", NULL);
  if (status == ERROR_FILE_NOT_FOUND || (type != REG_SZ && type != REG_EXPAND_SZ)) type = REG_EXPAND_SZ, bytes = 0;
  size_t old_chars = bytes / sizeof(wchar_t);
  wchar_t *old = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, (old_chars + 1) * sizeof(wchar_t));
  wchar_t *next = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, (old_chars + (size_t)lstrlenW(folder) + 2) * sizeof(wchar_t));
  if (!old || !next) return RegCloseKey(key), fail(L"out of memory.", NULL);
  if (bytes && RegQueryValueExW(key, L"Path", NULL, NULL, (BYTE *)old, &bytes) != ERROR_SUCCESS) return RegCloseKey(key), fail(L"cannot read the user's PATH.", NULL);
  old[old_chars] = 0;
  /* Copy every entry but ours (and empty ones), then append ours when adding. */
  const wchar_t *entry = old;
  while (*entry) {
    const wchar_t *end = entry;
    while (*end && *end != L';') end++;
    if (end > entry && !same_folder(entry, (int)(end - entry), folder)) {
      if (*next) lstrcatW(next, L";");
      size_t used = (size_t)lstrlenW(next);
      CopyMemory(next + used, entry, (size_t)(end - entry) * sizeof(wchar_t));
      next[used + (size_t)(end - entry)] = 0;
    }
    entry = *end ? end + 1 : end;
  }
  if (add) {
    if (*next) lstrcatW(next, L";");
    lstrcatW(next, folder);
  }
  status = RegSetValueExW(key, L"Path", 0, type, (const BYTE *)next, (DWORD)(((size_t)lstrlenW(next) + 1) * sizeof(wchar_t)));
  RegCloseKey(key);
  if (status != ERROR_SUCCESS) return fail(L"cannot write the user's PATH.", NULL);
  /* New command windows (and the EPOS, once restarted) see the change. */
  DWORD_PTR ignored;
  SendMessageTimeoutW(HWND_BROADCAST, WM_SETTINGCHANGE, 0, (LPARAM)L"Environment", SMTO_ABORTIFHUNG, 5000, &ignored);
  return 0;
}

int wmain(void) {
  const wchar_t *own = arguments_after_program(GetCommandLineW());
  if (lstrcmpW(own, L"--till-shim-path=add") == 0) return edit_user_path(TRUE);
  if (lstrcmpW(own, L"--till-shim-path=remove") == 0) return edit_user_path(FALSE);

  static wchar_t app[32768];
  if (!find_app(app, sizeof app / sizeof app[0])) return fail(L"cannot find the Till Companion program next to this command.", L"Reinstall it, or set TILL_COMPANION_EXE to the full path of the app's .exe.");

  const wchar_t *rest = own;
  size_t line_length = (size_t)lstrlenW(app) + (size_t)lstrlenW(rest) + 4;
  wchar_t *line = HeapAlloc(GetProcessHeap(), 0, line_length * sizeof(wchar_t));
  if (!line) return fail(L"out of memory.", NULL);
  lstrcpyW(line, L"\"");
  lstrcatW(line, app);
  lstrcatW(line, L"\" ");
  lstrcatW(line, rest);

  HANDLE in_read, in_write, out_read, out_write, err_read, err_write;
  if (!pipe_pair(&in_read, &in_write, TRUE) || !pipe_pair(&out_read, &out_write, FALSE) || !pipe_pair(&err_read, &err_write, FALSE)) return fail(L"could not create pipes.", NULL);

  STARTUPINFOW startup;
  ZeroMemory(&startup, sizeof startup);
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = in_read;
  startup.hStdOutput = out_write;
  startup.hStdError = err_write;
  PROCESS_INFORMATION process;
  /* Suspended until it is in the job: the app (and what it starts) ends if this console program is killed. */
  if (!CreateProcessW(app, line, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL, &startup, &process)) return fail(L"could not start", app);
  HANDLE job = CreateJobObjectW(NULL, NULL);
  if (job) {
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
    ZeroMemory(&limits, sizeof limits);
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits);
    AssignProcessToJobObject(job, process.hProcess); /* best effort: an enclosing job may forbid it */
  }
  ResumeThread(process.hThread);
  CloseHandle(process.hThread);
  CloseHandle(in_read);
  CloseHandle(out_write);
  CloseHandle(err_write);

  struct relay input = {GetStdHandle(STD_INPUT_HANDLE), in_write, TRUE};
  struct relay output = {out_read, GetStdHandle(STD_OUTPUT_HANDLE), FALSE};
  struct relay error = {err_read, GetStdHandle(STD_ERROR_HANDLE), FALSE};
  HANDLE threads[2];
  if (input.from && input.from != INVALID_HANDLE_VALUE) CloseHandle(CreateThread(NULL, 0, copy_stream, &input, 0, NULL));
  else CloseHandle(in_write);
  threads[0] = CreateThread(NULL, 0, copy_stream, &output, 0, NULL);
  threads[1] = CreateThread(NULL, 0, copy_stream, &error, 0, NULL);

  WaitForSingleObject(process.hProcess, INFINITE);
  DWORD code = EXIT_ERROR;
  GetExitCodeProcess(process.hProcess, &code);
  /* Everything the app printed, but never hang on a pipe a grandchild still holds. */
  WaitForMultipleObjects(2, threads, TRUE, 5000);
  ExitProcess(code);
}
