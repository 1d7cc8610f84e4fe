import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/main/logging/logger';
import { SettingsStore } from '../../src/main/settings/settings-store';

// On Windows, antivirus and the search indexer open a freshly written file for a moment; renaming over it then
// fails with EPERM or EBUSY. A settings change must survive that instead of failing the cashier's action.
let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-settings-lock-'))));
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lockedFor = (failures: number, code: string) => {
  const real = fs.renameSync;
  let left = failures;
  return vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
    if (left-- > 0) throw Object.assign(new Error(`${code}: operation not permitted, rename`), { code });
    return real(from, to);
  });
};

describe('settings file on a Windows till (antivirus holding the file)', () => {
  it.each(['EPERM', 'EBUSY'])('retries the rename on %s and saves the change', (code) => {
    const store = new SettingsStore(dir, silentLogger);
    const rename = lockedFor(3, code);
    store.update((s) => ({ ...s, currency: 'EUR' }));
    expect(rename).toHaveBeenCalledTimes(4);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).currency).toBe('EUR');
    expect(fs.readdirSync(dir)).toEqual(['settings.json']);
  });

  it('gives up on a lock that stays, keeps the old file and leaves no temp file behind', () => {
    const store = new SettingsStore(dir, silentLogger);
    store.update((s) => ({ ...s, currency: 'EUR' }));
    lockedFor(Number.POSITIVE_INFINITY, 'EBUSY');
    expect(() => store.update((s) => ({ ...s, currency: 'GBP' }))).toThrow(/EBUSY/);
    expect(store.get().currency).toBe('EUR');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).currency).toBe('EUR');
    expect(fs.readdirSync(dir)).toEqual(['settings.json']);
  });

  it('does not retry errors that are not transient', () => {
    const store = new SettingsStore(dir, silentLogger);
    const rename = lockedFor(1, 'ENOSPC');
    expect(() => store.update((s) => ({ ...s, currency: 'EUR' }))).toThrow(/ENOSPC/);
    expect(rename).toHaveBeenCalledTimes(1);
  });
});
