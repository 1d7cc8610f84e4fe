import fs from 'node:fs/promises';
import path from 'node:path';
import { renameWithRetry, writeFileAtomic } from '../files/atomic-write';

/** Files the companion writes hold payment data: readable and writable by this user only. */
export const FILE_MODE = 0o600;
export const FOLDER_MODE = 0o700;

/** Answers are written whole: temporary name, fsync, rename (riding out a Windows antivirus lock), mode 0600. */
export const writeAtomic = (file: string, content: string) => writeFileAtomic(file, content, FILE_MODE);
/** Progress (`.status`) is rewritten often and only mirrors the journal: whole, but not flushed to disk each time. */
export const writeProgress = (file: string, content: string) => writeFileAtomic(file, content, FILE_MODE, { durable: false });

/**
 * Reads a regular file (never through a link) of at most `limit` bytes. `null` when it is gone (the EPOS moved
 * it, or another pass already did); `'too_large'` when it is bigger than the limit.
 */
export async function readLimited(file: string, limit: number): Promise<Buffer | 'too_large' | 'not_a_file' | null> {
  let stat;
  try {
    stat = await fs.lstat(file);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  if (!stat.isFile()) return 'not_a_file';
  if (stat.size > limit) return 'too_large';
  let handle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  try {
    const buffer = Buffer.alloc(limit + 1);
    const { bytesRead } = await handle.read(buffer, 0, limit + 1, 0);
    return bytesRead > limit ? 'too_large' : buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * Moves a file into `folder` under its own name, or `name~2`, `name~3`… if that is taken: nothing is ever
 * overwritten or deleted. Returns the new path, or null when the file was already gone.
 */
export async function moveInto(file: string, folder: string): Promise<string | null> {
  const base = path.basename(file);
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  for (let n = 1; n < 1000; n++) {
    const target = path.join(folder, n === 1 ? base : `${stem}~${n}${ext}`);
    if (await exists(target)) continue;
    try {
      // link + unlink would refuse to overwrite atomically but is not available on every share; the check above
      // and one mover per request id (the exchange serialises each id) keep names unique.
      await renameWithRetry(file, target);
      return target;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }
  throw new Error(`no free name for ${base} in ${folder}`);
}

export async function ensureFolder(folder: string): Promise<void> {
  await fs.mkdir(folder, { recursive: true, mode: FOLDER_MODE });
}

export const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
