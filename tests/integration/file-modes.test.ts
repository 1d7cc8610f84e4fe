import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices } from '../../src/main/services';

const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
const roots: string[] = [];
const tempRoot = () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'till-modes-'));
  roots.push(root);
  return root;
};
afterAll(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

// Windows keeps per-user profile ACLs; the modes below are the macOS and Linux rule.
describe.skipIf(process.platform === 'win32')('journal and settings files are user-only', () => {
  it('a new data folder is 0700 and the journal (with -wal, -shm) and settings are 0600, under a umask of 022', async () => {
    const previous = process.umask(0o022);
    try {
      const dataDir = path.join(tempRoot(), 'Till Companion');
      const services = await createServices(nodeAdapters({ host: 'test', dataDir, secrets: new MemorySecretStore(), env: { TILL_EPOS_PORT: '0', TILL_TRAINING_SIM_SPEED: '40' } }));
      await services.updateSettings({ compactMode: true });
      const journal = path.join(dataDir, 'journal-training.sqlite');
      expect({ dir: mode(dataDir), settings: mode(path.join(dataDir, 'settings.json')), journal: mode(journal), wal: mode(`${journal}-wal`), shm: mode(`${journal}-shm`) }).toEqual({ dir: '700', settings: '600', journal: '600', wal: '600', shm: '600' });
      await services.close();
    } finally {
      process.umask(previous);
    }
  });

  it('files an older version left readable by others are tightened when opened', async () => {
    const dataDir = tempRoot();
    fs.chmodSync(dataDir, 0o755);
    const first = await createServices(nodeAdapters({ host: 'test', dataDir, secrets: new MemorySecretStore(), env: { TILL_EPOS_PORT: '0', TILL_TRAINING_SIM_SPEED: '40' } }));
    await first.updateSettings({ compactMode: true });
    await first.close();
    const files = ['settings.json', 'journal-training.sqlite'].map((name) => path.join(dataDir, name));
    for (const file of files) fs.chmodSync(file, 0o644);
    fs.chmodSync(dataDir, 0o755);
    const again = await createServices(nodeAdapters({ host: 'test', dataDir, secrets: new MemorySecretStore(), env: { TILL_EPOS_PORT: '0', TILL_TRAINING_SIM_SPEED: '40' } }));
    expect([mode(dataDir), ...files.map(mode)]).toEqual(['700', '600', '600']);
    await again.close();
  });
});
