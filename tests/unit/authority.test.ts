import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPin, PinHashSchema, pinProblem, verifyPin } from '../../src/main/authority/pin';
import { unlinkedRefundProblem } from '../../src/main/authority/refund-policy';
import { DEFAULT_LIMITS, SecurityStore } from '../../src/main/authority/security-store';
import { auditChainIntact, auditHash, AUDIT_GENESIS, type AuditRow } from '../../src/main/journal/audit-chain';
import { silentLogger } from '../../src/main/logging/logger';
import { MemorySecretStore, type SecretStore } from '../../src/main/secrets/secret-store';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-authority-unit-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('supervisor PIN hashing and policy', () => {
  it('is a salted scrypt hash, never the PIN', async () => {
    const a = await hashPin('246813');
    const b = await hashPin('246813');
    expect(a.salt).not.toBe(b.salt);
    expect(JSON.stringify(a)).not.toContain('246813');
    expect(await verifyPin('246813', a)).toBe(true);
    expect(await verifyPin('246814', a)).toBe(false);
  });

  it('bounds the KDF: a stored hash with a tiny or a huge cost, or other parameters, is not a hash', async () => {
    const good = await hashPin('246813');
    expect(PinHashSchema.safeParse(good).success).toBe(true);
    for (const bad of [{ N: 16 }, { N: 2 ** 13 }, { N: 2 ** 20 }, { N: 30_000 }, { r: 1 }, { p: 4 }, { salt: 'AA==' }, { hash: 'short' }, { extra: true }]) {
      expect(PinHashSchema.safeParse({ ...good, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
    await expect(verifyPin('246813', { ...good, N: 2 ** 22 })).rejects.toThrow();
  });

  it.each([
    ['2468', 6, /6 to 12 digits/],
    ['12345a', 6, /digits only/],
    ['123456', 6, /too easy/],
    ['000000', 6, /too easy/],
    ['987654', 6, /too easy/],
    ['121212', 6, /too easy/],
    ['123123', 6, /too easy/],
    ['112233', 6, /too easy/],
    ['1234', 4, /too easy/],
    ['1234567890123', 6, /6 to 12 digits/],
  ])('refuses %s (minimum %i)', (pin, min, why) => {
    expect(pinProblem(pin, min)).toMatch(why);
  });

  it.each([['246813', 6], ['90210417', 6], ['2719', 4]])('accepts %s (minimum %i)', (pin, min) => {
    expect(pinProblem(pin, min)).toBeNull();
  });
});

describe('refund limits', () => {
  const limits = { unlinkedRefund: { GBP: 5_000, EUR: 2_000 }, daily: { count: 3, amount: { GBP: 6_000, EUR: 3_000 } } };
  it.each([
    [5_001, 'GBP', { count: 0, byCurrency: {} }, /£50\.00 each/],
    [2_001, 'EUR', { count: 0, byCurrency: {} }, /€20\.00 each/],
    [100, 'GBP', { count: 3, byCurrency: { GBP: 300 } }, /daily limit is 3/],
    [1_001, 'GBP', { count: 2, byCurrency: { GBP: 5_000 } }, /£60\.00 .*£10\.00 left/],
    [1_500, 'EUR', { count: 1, byCurrency: { GBP: 5_000, EUR: 1_600 } }, /€30\.00/],
  ] as const)('refuses %i %s after %j', (amount, currency, used, why) => {
    expect(unlinkedRefundProblem(limits, used, amount, currency)).toMatch(why);
  });

  it('allows exactly up to each limit, counting each currency apart', () => {
    expect(unlinkedRefundProblem(limits, { count: 2, byCurrency: { GBP: 1_000 } }, 5_000, 'GBP')).toBeNull();
    expect(unlinkedRefundProblem(limits, { count: 2, byCurrency: { GBP: 6_000 } }, 2_000, 'EUR')).toBeNull();
  });
});

describe('sealed security file', () => {
  const open = (secrets: SecretStore, notices: string[] = []) => new SecurityStore({ dataDir: dir, secrets, logger: silentLogger, notice: (n) => notices.push(n.action) });

  it('starts with defaults, seals every write (HMAC + generation in the keychain) and is user-only', async () => {
    const secrets = new MemorySecretStore();
    const notices: string[] = [];
    const store = open(secrets, notices);
    expect(await store.read()).toMatchObject({ kind: 'ok', block: { generation: 0, supervisorPin: null, limits: DEFAULT_LIMITS } });
    expect(notices).toEqual(['security.initialised']);
    await store.write((b) => ({ ...b, limits: { ...b.limits, daily: { ...b.limits.daily, count: 7 } } }));
    const seal = JSON.parse((await secrets.get('security-seal'))!);
    expect(seal).toMatchObject({ v: 1, generation: 1, pinSet: false });
    if (process.platform !== 'win32') expect(fs.statSync(store.file).mode & 0o777).toBe(0o600);
    expect(await open(secrets).read()).toMatchObject({ kind: 'ok', block: { generation: 1, limits: { daily: { count: 7 } } } });
  });

  it('accepts a file one generation ahead of its seal (the app stopped between the two writes) and repairs the seal', async () => {
    const secrets = new MemorySecretStore();
    const store = open(secrets);
    await store.read();
    const sealBefore = (await secrets.get('security-seal'))!;
    await store.write((b) => b);
    await secrets.set('security-seal', sealBefore);
    expect(await open(secrets).read()).toMatchObject({ kind: 'ok', block: { generation: 1 } });
    expect(JSON.parse((await secrets.get('security-seal'))!).generation).toBe(1);
  });

  it('an edited file on a till that never had a PIN falls back to the defaults, not the edited limits', async () => {
    const secrets = new MemorySecretStore();
    await open(secrets).read();
    const file = path.join(dir, 'security.json');
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    raw.block.limits.unlinkedRefund.GBP = 9_999_999;
    fs.writeFileSync(file, JSON.stringify(raw));
    const notices: string[] = [];
    expect(await open(secrets, notices).read()).toMatchObject({ kind: 'ok', block: { limits: DEFAULT_LIMITS } });
    expect(notices).toEqual(['security.refused']);
  });

  it('without a keychain: a till with supervisor settings is locked; one without any uses defaults and cannot save', async () => {
    const broken: SecretStore = { backend: 'broken', get: () => Promise.reject(new Error('no keychain')), set: () => Promise.reject(new Error('no keychain')), delete: () => Promise.resolve(false) };
    const fresh = open(broken);
    expect(await fresh.read()).toMatchObject({ kind: 'ok', sealed: false });
    await expect(fresh.write((b) => b)).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    await open(new MemorySecretStore()).read(); // a security file now exists
    expect(await open(broken).read()).toMatchObject({ kind: 'locked', reason: expect.stringMatching(/keychain/) });
  });

  it('adopts a PIN from an old settings file once, and only a valid hash', async () => {
    const pin = await hashPin('246813');
    let adopted = 0;
    const legacy = (supervisorPin: unknown) => ({ read: () => ({ supervisorPin, unlinkedRefundLimit: 3_000, currency: 'EUR' as const }), adopted: () => void adopted++ });
    const store = new SecurityStore({ dataDir: dir, secrets: new MemorySecretStore(), logger: silentLogger, legacy: legacy(pin) });
    expect(await store.read()).toMatchObject({ kind: 'ok', block: { supervisorPin: pin, limits: { unlinkedRefund: { GBP: 5_000, EUR: 3_000 } } } });
    expect(adopted).toBe(1);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'till-authority-unit-'));
    const weak = new SecurityStore({ dataDir: other, secrets: new MemorySecretStore(), logger: silentLogger, legacy: legacy({ ...pin, N: 16 }) });
    expect(await weak.read()).toMatchObject({ kind: 'locked' });
    fs.rmSync(other, { recursive: true, force: true });
  });
});

describe('audit hash chain', () => {
  const row = (id: number, prev: string, summary: string): AuditRow => {
    const input = { at: id, environment: 'training', action: 'pin.check', outcome: 'ok', actor: 'supervisor', subject: null, summary, detail: '{}' };
    return { ...input, id, prev_hash: prev, hash: auditHash(prev, input) };
  };
  it('breaks when a row is changed or removed', () => {
    const a = row(1, AUDIT_GENESIS, 'one');
    const b = row(2, a.hash, 'two');
    const c = row(3, b.hash, 'three');
    expect(auditChainIntact([a, b, c], AUDIT_GENESIS)).toBe(true);
    expect(auditChainIntact([a, { ...b, summary: 'changed' }, c], AUDIT_GENESIS)).toBe(false);
    expect(auditChainIntact([a, c], AUDIT_GENESIS)).toBe(false);
    expect(auditChainIntact([b, c], AUDIT_GENESIS)).toBe(false);
  });
});
