import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// No Secret Service reachable: the app must say so, stay in training mode, and never fall back to plaintext.
process.env['DBUS_SESSION_BUS_ADDRESS'] = 'unix:path=/nonexistent/till-no-bus';
delete process.env['DISPLAY'];
const { KeytarSecretStore } = await import('../../src/main/secrets/keytar-store');
const { nodeAdapters } = await import('../../src/main/node-adapters');
const { createServices } = await import('../../src/main/services');

describe.skipIf(process.platform !== 'linux')('keychain unavailable', () => {
  it('reports KEYCHAIN_UNAVAILABLE, keeps training mode, and writes no key anywhere', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-nokeychain-'));
    const secrets = new KeytarSecretStore('com.tillcompanion.nokeychain');
    await expect(secrets.get('dojo-api-key')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    const services = await createServices(nodeAdapters({ host: 'test', dataDir: dir, secrets, env: {} }));
    const info = await services.appInfo();
    expect(info).toMatchObject({ trainingMode: true, trainingReason: expect.stringMatching(/keychain could not be used/) });
    const settings = await services.settingsView();
    expect(settings.keychain.available).toBe(false);
    await expect(secrets.set('dojo-api-key', 'sk_sandbox_PLAINTEXT_CHECK')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    await services.close();
    for (const file of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, file)).includes('PLAINTEXT_CHECK')).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
