// The folder exchange's settings and rules through the same bridge the renderer uses (the IPC dispatcher):
// choosing the folder needs the supervisor PIN checked in main; training results are unmistakable; the
// environment rule and the pending cap hold.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHandlers } from '../../src/main/handlers';
import { createDispatcher } from '../../src/main/ipc/dispatcher';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices, type Services } from '../../src/main/services';
import type { ExchangeStatus } from '../../src/shared/exchange';
import { startSimulator } from '../../src/simulator';
import { FileEpos, kv, waitUntil } from '../support/exchange-files';

const PIN = '246813';
const opened: { services: Services; dir: string }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.services.close();
    fs.rmSync(o.dir, { recursive: true, force: true });
  }
});

async function boot(options: { dir?: string; env?: Record<string, string>; pin?: boolean; secrets?: MemorySecretStore } = {}) {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'till-exchange-settings-'));
  // The keychain outlives a restart (the supervisor settings are sealed with a key kept there).
  const services = await createServices(nodeAdapters({ host: 'test', dataDir: dir, secrets: options.secrets ?? new MemorySecretStore(), env: { TILL_TRAINING_SIM_SPEED: '40', TILL_EXCHANGE_SCAN_MS: '250', ...options.env } }));
  if (options.pin !== false && !(await services.settingsView()).supervisorPinSet) await services.authority.setPin({ next: PIN, confirm: PIN });
  const terminals = await services.payments().listTerminals();
  await services.updateSettings({ terminalId: terminals.find((t) => t.tid === 'VCMTILLSIP0')!.id });
  const entry = { services, dir };
  opened.push(entry);
  const statuses: ExchangeStatus[] = [];
  services.events.on('exchange:update', (s) => statuses.push(s));
  return { ...entry, dispatch: createDispatcher(createHandlers(services)), statuses };
}

describe('folder exchange settings', () => {
  it('is off by default; choosing the folder needs the supervisor PIN, checked in main; the choice survives a restart', async () => {
    const secrets = new MemorySecretStore();
    const { dispatch, dir, services } = await boot({ secrets });
    expect(await dispatch('exchange:status', undefined)).toMatchObject({ ok: true, data: { source: 'off', folder: null, running: false } });
    const folder = path.join(dir, 'shared', 'till1');
    // What a DevTools console could try: no PIN, a wrong PIN, a relative path.
    expect(await dispatch('exchange:configure', { folder })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await dispatch('exchange:configure', { folder, supervisorPin: '111111' })).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { supervisorPin: ['Wrong PIN.'] } } });
    expect(await dispatch('exchange:configure', { folder: 'relative/folder', supervisorPin: PIN })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(fs.existsSync(folder)).toBe(false);
    // A folder that cannot be used (here: a file in the way) is refused and nothing is saved.
    fs.writeFileSync(path.join(dir, 'not-a-folder'), '');
    expect(await dispatch('exchange:configure', { folder: path.join(dir, 'not-a-folder'), supervisorPin: PIN })).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: /cannot be used/ } });
    expect(services.exchange.status()).toMatchObject({ source: 'off', running: false });
    const configured = await dispatch('exchange:configure', { folder, commitTimeoutMinutes: 15, networkShare: true, supervisorPin: PIN });
    expect(configured).toMatchObject({ ok: true, data: { source: 'settings', folder, running: true, commitTimeoutMinutes: 15, networkShare: true } });
    expect(fs.readdirSync(folder).sort()).toEqual(['archive', 'rejected', 'requests', 'responses']);
    // Kept in the sealed supervisor settings (0600), not in a file of its own a cashier could edit.
    expect(fs.existsSync(path.join(dir, 'exchange.json'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'security.json'), 'utf8')).block.exchange).toMatchObject({ folder, commitTimeoutMinutes: 15, networkShare: true });
    if (process.platform !== 'win32') expect(fs.statSync(path.join(dir, 'security.json')).mode & 0o777).toBe(0o600);

    // It works through the polling watcher (network-share mode) too.
    const epos = new FileEpos(folder);
    epos.sale('P1', { environment: 'training' });
    expect(await epos.waitFor('responses', 'P1.res')).toMatchObject({ status: 'approved' });

    await services.close();
    opened.splice(0);
    const again = await boot({ dir, pin: false, secrets });
    expect(again.services.exchange.status()).toMatchObject({ source: 'settings', folder, running: true, commitTimeoutMinutes: 15 });
    // Turning it off needs the PIN too.
    expect(await again.dispatch('exchange:configure', { folder: null, supervisorPin: '111111' })).toMatchObject({ ok: false });
    expect(await again.dispatch('exchange:configure', { folder: null, supervisorPin: PIN })).toMatchObject({ ok: true, data: { source: 'off', running: false } });
    // Every attempt is in the audit, newest first: turned off; wrong PIN; set; the unusable folder, the relative
    // path and the wrong PIN of the first start.
    const audit = (await again.dispatch('audit:list', {})) as { ok: true; data: { entries: { action: string; outcome: string }[] } };
    expect(audit.data.entries.filter((e) => e.action === 'exchange.configure').map((e) => e.outcome)).toEqual(['ok', 'refused', 'ok', 'refused', 'refused', 'refused']);
  });

  it('a folder set by TILL_EXCHANGE_DIR cannot be changed from Settings', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'till-exchange-env-'));
    const { dispatch } = await boot({ env: { TILL_EXCHANGE_DIR: base } });
    expect(await dispatch('exchange:configure', { folder: null, supervisorPin: PIN })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    fs.rmSync(base, { recursive: true, force: true });
  });
});

describe('folder exchange in training mode', () => {
  it('refuses a request that does not name training; a training result is unmistakable', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'till-exchange-training-'));
    await boot({ env: { TILL_EXCHANGE_DIR: base } });
    const epos = new FileEpos(base);
    epos.send('T1', kv({ type: 'sale', amount: 500, currency: 'GBP', reference: 'T1' }));
    expect((await epos.waitFor('responses', 'T1.err'))['message']).toMatch(/training mode.*environment=training/);
    epos.send('T2', kv({ type: 'sale', amount: 500, currency: 'GBP', reference: 'T2', environment: 'production' }));
    expect(await epos.waitFor('responses', 'T2.err')).toMatchObject({ code: 'ENVIRONMENT_MISMATCH', message: expect.stringMatching(/for production but the till is in training/) });
    epos.send('T3', kv({ type: 'sale', amount: 500, currency: 'GBP', reference: 'T3', environment: 'training' }));
    const result = await epos.waitFor('responses', 'T3.res');
    expect(result).toMatchObject({ status: 'approved', environment: 'training', training: 'yes' });
    expect(result['notice']).toMatch(/TRAINING: no money moved/);
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('a used id answers only in the environment it was used in: after a switch to sandbox it is refused, nothing started', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'till-exchange-switch-'));
    const sim = await startSimulator({ speed: 40 });
    const { services } = await boot({ env: { TILL_EXCHANGE_DIR: base, DOJO_API_BASE_URL: sim.url } });
    const epos = new FileEpos(base);
    epos.sale('SW1', { environment: 'training' });
    const training = await epos.waitFor('responses', 'SW1.res');
    expect(training).toMatchObject({ status: 'approved', environment: 'training' });
    epos.commit('SW1');
    await epos.waitFor('archive', 'SW1.res');
    await services.setApiKey('sk_sandbox_exchange_switch_key', PIN);
    expect(services.environment()).toBe('sandbox');
    epos.sale('SW1', { environment: 'sandbox' });
    expect(await epos.waitFor('responses', 'SW1.err')).toMatchObject({ code: 'ENVIRONMENT_MISMATCH' });
    expect(sim.admin.snapshot().intents).toHaveLength(0);
    await services.close();
    opened.splice(0);
    await sim.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('caps pending requests: over the cap is refused with an .err (nothing started); the same id is taken later', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'till-exchange-cap-'));
    const { services } = await boot({ env: { TILL_EXCHANGE_DIR: base, TILL_EXCHANGE_MAX_PENDING: '2' } });
    const epos = new FileEpos(base);
    for (const id of ['C1', 'C2']) epos.send(id, kv({ type: 'unlinked_refund', amount: 100, currency: 'GBP', environment: 'training' }));
    const acks = await Promise.all(['C1', 'C2'].map((id) => epos.waitFor('responses', `${id}.ack`)));
    epos.sale('C3', { environment: 'training' });
    expect((await epos.waitFor('responses', 'C3.err'))['message']).toMatch(/2 requests are already waiting/);
    expect(epos.has('rejected', 'C3.req')).toBe(true);
    expect(services.payments().byReference('Order C3')).toEqual([]);
    services.epos.declineRequest(acks[0]!['refund_request']);
    await epos.waitFor('responses', 'C1.res');
    fs.renameSync(epos.path('responses', 'C3.err'), epos.path('rejected', 'C3.err-seen'));
    epos.sale('C3', { environment: 'training' });
    expect(await epos.waitFor('responses', 'C3.res')).toMatchObject({ status: 'approved' });
    await waitUntil('status counts', () => services.exchange.status().rejected === 1 && services.exchange.status().pending === 1);
    fs.rmSync(base, { recursive: true, force: true });
  });
});
