import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Windows answers these while antivirus or the search indexer holds a file open for a moment. */
const TRANSIENT = new Set(['EPERM', 'EBUSY', 'EACCES']);
/** Waits between attempts (ms): about 1.5 s in all, like graceful-fs's rename on Windows but bounded lower. */
const RETRY_DELAYS_MS = [10, 20, 40, 80, 160, 320, 500, 500];

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** fs.renameSync that rides out a transient Windows lock; any other error, or a lock that stays, is thrown. */
export function renameWithRetrySync(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.renameSync(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!TRANSIENT.has(code) || attempt >= RETRY_DELAYS_MS.length) throw error;
      pause(RETRY_DELAYS_MS[attempt]!);
    }
  }
}

/** Writes a file so that a crash leaves either the old or the new content: temp file, fsync, rename. */
export function writeFileAtomicSync(file: string, text: string, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w', mode);
  try {
    if (process.platform !== 'win32') fs.fchmodSync(fd, mode); // a leftover temp file would keep its old mode
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    renameWithRetrySync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/** The same as renameWithRetrySync without blocking the event loop (the folder exchange renames many files). */
export async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.promises.rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!TRANSIENT.has(code) || attempt >= RETRY_DELAYS_MS.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]!));
    }
  }
}

/**
 * writeFileAtomicSync's asynchronous twin. The temporary name is unique per write (several may run at once) and
 * ends in .tmp, so a reader waiting for `file` never mistakes it for the real one.
 */
export async function writeFileAtomic(file: string, text: string, mode = 0o600, options: { durable?: boolean } = {}): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.promises.open(temp, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    // `durable: false` skips the fsync for files that are only a view of something recorded elsewhere.
    if (options.durable !== false) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await renameWithRetry(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}
