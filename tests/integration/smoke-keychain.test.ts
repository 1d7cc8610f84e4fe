import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadKeytar } from '../../src/main/secrets/keytar-store';
import { fake, smokeBundle } from '../support/fake-electron';
import { startSecretService } from '../support/secret-service';

// `--smoke-test` against a real Secret Service (the fake electron stands in for Electron itself): whatever the
// run wrote to its own keychain service is gone afterwards. A seal left behind belongs to the binary that wrote
// it; on macOS the next smoke run of another build of the same app id would be asked for it by a keychain
// prompt nobody answers on a build machine.
const service = await startSecretService();
const missing = 'missing' in service ? service.missing : undefined;
if (missing && process.env['CI'] === 'true') throw new Error(`The keychain tests need a Secret Service in CI: ${missing}`);
if (!missing && 'address' in service) process.env['DBUS_SESSION_BUS_ADDRESS'] = service.address;

vi.mock('electron', async () => (await import('../support/fake-electron')).electron);
const { launch } = await import('../../src/main/electron/entry');

const root = path.resolve(__dirname, '../..');

describe.skipIf(!!missing)('--smoke-test and the keychain', () => {
  afterAll(() => 'stop' in service && service.stop());

  it('leaves nothing in its keychain service (the EPOS token and the supervisor seal it created are removed)', async () => {
    const bundle = smokeBundle();
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
      lines.push(String(chunk));
      (rest.find((a) => typeof a === 'function') as (() => void) | undefined)?.();
      return true;
    });
    try {
      fake.app.isPackaged = true;
      fake.app.appPath = root;
      launch({ argv: ['/opt/Till Companion/till-companion', '--smoke-test'], platform: 'linux', env: {}, defaultApp: false, bundleDir: path.join(bundle, 'main') });
      await fake.becomeReady();
      await vi.waitFor(() => expect(fake.app.exitCode).toBeDefined(), { timeout: 30_000 });
    } finally {
      write.mockRestore();
      fs.rmSync(bundle, { recursive: true, force: true });
    }
    const report = JSON.parse(lines.find((l) => l.startsWith('{"smoke"'))!);
    expect(report.checks.keytar).toBe('loaded; getPassword answered'); // the real keychain answered
    expect(report.checks.services).toMatch(/^training: journal open/);
    const keytar = loadKeytar() as unknown as { findCredentials(service: string): Promise<{ account: string }[]> };
    expect((await keytar.findCredentials('com.tillcompanion.app.smoke-test')).map((c) => c.account)).toEqual([]);
  });
});

if (missing) {
  describe('--smoke-test and the keychain', () => {
    it.skip(`skipped: ${missing}`, () => {});
  });
}
