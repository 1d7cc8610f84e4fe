import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/main/logging/logger';
import { environmentOfKey, keyHint } from '../../src/main/settings/api-key';
import { BuildConfigSchema, loadBuildConfig } from '../../src/main/settings/build-config';
import { DEFAULT_SETTINGS, SettingsStore } from '../../src/main/settings/settings-store';
import { SettingsUpdateSchema } from '../../src/shared/settings';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-settings-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = () => path.join(dir, 'settings.json');

describe('settings file', () => {
  it('starts from defaults and writes atomically, leaving no temp file behind', () => {
    const store = new SettingsStore(dir, silentLogger);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    store.update((s) => ({ ...s, currency: 'EUR', compactMode: true }));
    expect(JSON.parse(fs.readFileSync(file(), 'utf8'))).toMatchObject({ version: 3, currency: 'EUR', compactMode: true });
    expect(fs.readdirSync(dir)).toEqual(['settings.json']);
    expect(new SettingsStore(dir, silentLogger).get().currency).toBe('EUR');
  });

  it('migrates a file written before settings had a version, step by step to the current one', () => {
    fs.writeFileSync(file(), JSON.stringify({ currency: 'EUR', terminals: { training: 'tm_x', sandbox: null, production: null } }));
    const store = new SettingsStore(dir, silentLogger);
    expect(store.get()).toMatchObject({ version: 3, currency: 'EUR', terminals: { training: 'tm_x', sandbox: null, production: null }, epos: { enabled: true, port: 7878 } });
    expect(store.legacySecurity()).toEqual({ supervisorPin: null, unlinkedRefundLimit: 5000, currency: 'EUR' });
    expect(JSON.parse(fs.readFileSync(file(), 'utf8')).version).toBe(3);
  });

  it('migrates a version 1 file (before the EPOS API) keeping every setting; the PIN and limit wait for the security file', () => {
    fs.writeFileSync(file(), JSON.stringify({ version: 1, terminals: { training: null, sandbox: 'tm_s', production: null }, currency: 'GBP', supervisorPin: null, unlinkedRefundLimit: 1234, compactMode: true }));
    const store = new SettingsStore(dir, silentLogger);
    expect(store.get()).toEqual({ ...DEFAULT_SETTINGS, terminals: { training: null, sandbox: 'tm_s', production: null }, compactMode: true, legacySecurity: { supervisorPin: null, unlinkedRefundLimit: 1234 } });
    store.legacyAdopted();
    expect(new SettingsStore(dir, silentLogger).legacySecurity()).toBeNull();
  });

  it('reads a file from before the trading-day setting as midnight, and keeps a chosen rollover', () => {
    const { tradingDayStart: _none, ...older } = DEFAULT_SETTINGS;
    fs.writeFileSync(file(), JSON.stringify(older));
    const store = new SettingsStore(dir, silentLogger);
    expect(store.get().tradingDayStart).toBe('00:00');
    store.update((s) => ({ ...s, tradingDayStart: '04:00' }));
    expect(new SettingsStore(dir, silentLogger).get().tradingDayStart).toBe('04:00');
    expect(() => store.update((s) => ({ ...s, tradingDayStart: '13:00' }))).toThrow();
  });

  it('keeps a corrupt or invalid file aside and starts from defaults', () => {
    fs.writeFileSync(file(), '{"version": 2, "currency": "USD"');
    expect(new SettingsStore(dir, silentLogger).get()).toEqual(DEFAULT_SETTINGS);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('settings.json.unreadable-'))).toBe(true);
    fs.writeFileSync(file(), JSON.stringify({ ...DEFAULT_SETTINGS, currency: 'USD' }));
    expect(new SettingsStore(dir, silentLogger).get().currency).toBe('GBP');
    expect(fs.readdirSync(dir).some((f) => f.startsWith('settings.json.invalid-'))).toBe(true);
  });

  it('never overwrites a file from a newer version of the app', () => {
    fs.writeFileSync(file(), JSON.stringify({ version: 7, somethingNew: true }));
    const store = new SettingsStore(dir, silentLogger);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(() => store.update((s) => s)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(JSON.parse(fs.readFileSync(file(), 'utf8')).version).toBe(7);
  });

  it.each([
    [{ currency: 'USD' }],
    [{ unlinkedRefundLimit: 5000 }],
    [{ supervisorPin: { next: '2468' } }],
    [{ compactMode: 'yes' }],
    [{ tradingDayStart: '12:00' }],
    [{ tradingDayStart: '4:00' }],
    [{ apiKey: 'sk_sandbox_x' }],
  ])('refuses an invalid update %j', (update) => {
    expect(SettingsUpdateSchema.safeParse(update).success).toBe(false);
  });
});

describe('API key and environment rules', () => {
  it('derives the environment from the key prefix and refuses anything else', () => {
    expect(environmentOfKey('sk_sandbox_abcdefgh12')).toBe('sandbox');
    // Whatever characters Dojo puts after the prefix (dots, plus, slash, equals) are not ours to refuse.
    expect(environmentOfKey('sk_sandbox_c8oLGaI.x+y/z=Qw')).toBe('sandbox');
    expect(environmentOfKey('  sk_prod_abcdefgh12  ')).toBe('production');
    for (const bad of ['pk_sandbox_abcdefgh', 'sk_test_abcdefgh12', 'sk_sandbox_short', 'sk_sandbox_has space here', 'Basic sk_sandbox_abcdefgh12', '']) {
      expect(() => environmentOfKey(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
    expect(keyHint('sk_sandbox_abcdefgh1234')).toBe('…1234');
  });

  it('reads the reseller build config from package.json and refuses a broken one', () => {
    expect(loadBuildConfig({ productName: 'Till Companion' })).toMatchObject({ variantId: 'default', apiVersion: '2026-02-27', allowedEnvironments: ['sandbox', 'production'], allowBaseUrlOverride: false });
    expect(loadBuildConfig({ tillBuild: { variantId: 'acme', productName: 'Acme Till', softwareHouseId: 'SH9', resellerId: 'RS9', allowedEnvironments: ['production'], supportUrl: 'https://help.acme.example' } })).toMatchObject({ softwareHouseId: 'SH9' });
    expect(() => loadBuildConfig({ tillBuild: { apiVersion: '2023-12-15' } })).toThrow(/invalid/);
    expect(() => loadBuildConfig({ tillBuild: { supportUrl: 'http://insecure.example' } })).toThrow(/invalid/);
    expect(BuildConfigSchema.safeParse({ allowedEnvironments: [] }).success).toBe(false);
  });
});
