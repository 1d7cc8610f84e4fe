import { expect, test } from '@playwright/test';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { electronAppArgs, findElectronBinary } from '../../../scripts/lib/electron-binary';
import { startSecretService } from '../../support/secret-service';

// `--smoke-test` from source, exactly as the packaged smoke test runs it on an installer's app: keytar loaded
// and asked, the services on a temporary user-data folder, a hidden window at app://bundle with the CSP
// header and window.till checked; one JSON line, exit code 0 only when every check passed.
const root = path.resolve(__dirname, '../../..');
const binary = findElectronBinary(root);
const missing = 'missing' in binary ? binary.missing : undefined;

test.describe('Electron smoke test (--smoke-test)', () => {
  test.skip(!!missing, missing ?? '');

  test('runs the real start path and reports every check passed', async () => {
    expect(fs.existsSync(path.join(root, 'out', 'main', 'index.js')), 'the app is built (npm run build)').toBe(true);
    const env = { ...process.env };
    delete env['ELECTRON_RUN_AS_NODE'];
    // Linux: a private, unlocked Secret Service, so keytar is asked for real (and no locked keyring can hold the run).
    const keyring = process.platform === 'linux' ? await startSecretService() : undefined;
    if (keyring && 'address' in keyring) env['DBUS_SESSION_BUS_ADDRESS'] = keyring.address;
    let run: SpawnSyncReturns<string>;
    try {
      run = spawnSync((binary as { path: string }).path, electronAppArgs(root, ['--smoke-test']), { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
    } finally {
      if (keyring && 'stop' in keyring) keyring.stop();
    }
    const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('{"smoke"'));
    expect(line, `no report (exit ${run.status}): ${(run.stderr ?? '').slice(-2000)}`).toBeDefined();
    const report = JSON.parse(line!);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ smoke: 'ok', packaged: false });
    expect(Object.keys(report.checks).sort()).toEqual(['csp', 'keytar', 'menu', 'services', 'window']);
    if (!keyring || 'address' in keyring) expect(report.checks.keytar).toBe('loaded; getPassword answered');
    expect(run.status).toBe(0);
  });
});
