import fs from 'node:fs';

/**
 * The journal (payments) and the settings (PIN hash, terminal choice) are for the user running the till only:
 * on macOS and Linux their folder is 0700 and the files 0600, whatever the umask, and files an older version
 * left readable are tightened when opened. Windows keeps its per-user profile ACLs (nothing to do here).
 */
const POSIX = process.platform !== 'win32';

export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (POSIX) fs.chmodSync(dir, 0o700);
}

/** Creates the file empty and 0600 when it is missing; sets 0600 when it exists. */
export function ensurePrivateFile(file: string): void {
  if (!POSIX) return;
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  fs.chmodSync(file, 0o600);
}

/** 0600 for a file that may or may not exist (SQLite's -wal and -shm). */
export function tightenIfPresent(file: string): void {
  if (!POSIX) return;
  try {
    fs.chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
