import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { randomBytes, scryptSync } from 'node:crypto';
import { hashPin } from '../../src/main/authority/pin';
import { SecurityBlockSchema } from '../../src/main/authority/security-store';
import { SECRET_ACCOUNTS } from '../../src/main/secrets/secret-store';
import type { AuditEntryView } from '../../src/shared/audit';
import { startTill, type TillOptions, type TillUnderTest } from '../support/till-services';

// Issue 14, items 1-3 and 7, at the service level: every call goes through the dispatcher the renderer's bridge
// uses (Electron IPC and the web harness end in it), so what is refused here is refused for a DevTools console too.

const PIN = '246813';
const tills: TillUnderTest[] = [];
afterEach(async () => {
  for (const till of tills.splice(0)) await till.close();
});

async function till(options: TillOptions = {}, pin: string | null = PIN) {
  const t = await startTill(options);
  tills.push(t);
  if (pin) await t.ok('settings:setSupervisorPin', { next: pin, confirm: pin });
  return t;
}

const securityFile = (t: TillUnderTest) => path.join(t.dir, 'security.json');
/** A PIN hash written by hand with a tiny scrypt cost (quick to brute-force), as in the security review. */
function cheapHash(pin: string) {
  const salt = randomBytes(16);
  return { algorithm: 'scrypt', salt: salt.toString('base64'), hash: scryptSync(pin, salt, 32, { N: 16, r: 8, p: 1 }).toString('base64'), N: 16, r: 8, p: 1 };
}

describe('1. PIN attempts cannot be raced or reset by a restart', () => {
  it('200 concurrent wrong PINs: at most 5 are evaluated, and the right PIN sent among them is not accepted', async () => {
    const t = await till();
    const guesses = Array.from({ length: 200 }, (_, i) => (i === 150 ? PIN : String(100_000 + i * 7)));
    const answers = await Promise.all(guesses.map((pin) => t.dispatch('settings:verifySupervisorPin', { pin })));
    expect(answers.filter((a) => a.ok && (a.data as { valid: boolean }).valid)).toEqual([]);
    const evaluated = (await t.audit()).filter((e) => e.action === 'pin.check' && e.detail['reason'] === 'wrong PIN');
    expect(evaluated.length).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => !a.ok && a.error.code === 'PIN_LOCKED').length).toBeGreaterThanOrEqual(195);
    // The lock-out holds for the right PIN too, through every guarded channel.
    expect(await t.dispatch('settings:verifySupervisorPin', { pin: PIN })).toMatchObject({ ok: false, error: { code: 'PIN_LOCKED' } });
    expect(await t.dispatch('epos:revealToken', { supervisorPin: PIN })).toMatchObject({ ok: false, error: { code: 'PIN_LOCKED' } });
  });

  it('the lock-out survives a restart and each one lasts longer, until a right PIN', async () => {
    let now = Date.UTC(2026, 0, 5, 10);
    const t = await till({ now: () => now });
    const wrong = () => t.dispatch('settings:verifySupervisorPin', { pin: '975310' });
    for (let i = 0; i < 5; i++) await wrong();
    await t.restart();
    expect(await t.dispatch('settings:verifySupervisorPin', { pin: PIN })).toMatchObject({ ok: false, error: { code: 'PIN_LOCKED' } });
    expect((await t.ok('settings:get')).supervisor.lockedUntil).toBe(new Date(now + 60_000).toISOString());
    now += 61_000;
    for (let i = 0; i < 5; i++) await wrong(); // a second lock-out: 5 minutes
    await t.restart();
    now += 61_000;
    expect(await t.dispatch('settings:verifySupervisorPin', { pin: PIN })).toMatchObject({ ok: false, error: { code: 'PIN_LOCKED' } });
    now += 5 * 60_000;
    expect(await t.ok('settings:verifySupervisorPin', { pin: PIN })).toEqual({ valid: true });
    // A right PIN resets the ladder: five more wrong ones lock for a minute again.
    for (let i = 0; i < 5; i++) await wrong();
    now += 61_000;
    expect(await t.ok('settings:verifySupervisorPin', { pin: PIN })).toEqual({ valid: true });
  });
});

describe('2. money-relevant settings need the supervisor PIN, checked in main', () => {
  it('each guarded action is refused without the PIN (and with a wrong one) through the bridge, and nothing changes', async () => {
    const t = await till({ sandbox: true });
    const { token } = await t.ok<{ token: string }>('epos:revealToken', { supervisorPin: PIN });
    const before = await t.ok('settings:get');
    const sale = await t.ok('payment:startSale', { amount: 9000, currency: 'GBP', terminalId: await t.terminal('VCMTILLSIP0') });
    await t.finish(sale.id);
    t.sim!.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions' });
    const lost = t.services.payments().startUnlinkedRefund({ amount: 400, currency: 'GBP', terminalId: await t.terminal('VCMTILLSCP0') });
    await t.finish(lost.id, (v) => v.status === 'needs_attention');
    const asked = (await t.epos('POST', '/v1/refunds/unlinked', { amount: 500, currency: 'GBP' })).body;

    const guarded: [string, Record<string, unknown>][] = [
      ['settings:updateLimits', { unlinkedRefund: { GBP: 9_999_999 } }],
      ['settings:update', { tradingDayStart: '11:00' }],
      ['settings:setApiKey', { apiKey: 'sk_sandbox_someone_elses_key_99' }],
      ['settings:clearApiKey', {}],
      ['epos:revealToken', {}],
      ['epos:regenerateToken', {}],
      ['payment:resolve', { paymentId: lost.id, outcome: 'not_charged', note: 'Terminal showed nothing' }],
      ['payment:startUnlinkedRefund', { amount: 100, currency: 'GBP', terminalId: await t.terminal('VCMTILLSIP0') }],
      ['payment:startMatchedRefund', { paymentId: sale.id, amount: 9000, terminalId: await t.terminal('VCMTILLSIP0') }],
      ['epos:confirmRefundRequest', { requestId: asked.requestId, amount: 500, currency: 'GBP' }],
    ];
    for (const [channel, request] of guarded) {
      expect(await t.dispatch(channel, request), `${channel} without a PIN`).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
      expect(await t.dispatch(channel, { ...request, supervisorPin: '975310' }), `${channel} with a wrong PIN`).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { supervisorPin: ['Wrong PIN.'] } } });
      await t.ok('settings:verifySupervisorPin', { pin: PIN }); // (a right PIN between rounds: no lock-out)
    }
    // The old unguarded ways in are gone: settings:update no longer takes the limit or the PIN.
    expect(await t.dispatch('settings:update', { unlinkedRefundLimit: 9_999_999 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await t.dispatch('settings:update', { supervisorPin: { next: '135790' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    expect(await t.ok('settings:get')).toMatchObject({ apiKey: before.apiKey, limits: { unlinkedRefund: before.limits.unlinkedRefund }, tradingDayStart: '00:00' });
    expect(t.services.environment()).toBe('sandbox');
    expect((await t.ok('epos:revealToken', { supervisorPin: PIN })).token).toBe(token);
    expect(t.services.payments().payment(lost.id).status).toBe('needs_attention');
    expect(t.services.epos.pendingRequests().map((r) => r.requestId)).toEqual([asked.requestId]);
    expect(t.services.payments().history({ limit: 50, offset: 0 }).items.filter((p) => p.type !== 'Sale').map((p) => p.id)).toEqual([lost.id]);
    // The renderer never gets the EPOS token without the PIN.
    expect(JSON.stringify(await t.ok('epos:info'))).not.toContain(token);
  });

  it('with the PIN: limits, key, token and verdicts go through (the new token replaces the old at once)', async () => {
    const t = await till({ sandbox: true });
    const { token: old } = await t.ok<{ token: string }>('epos:revealToken', { supervisorPin: PIN });
    const { token } = await t.ok<{ token: string }>('epos:regenerateToken', { supervisorPin: PIN });
    expect(token).not.toBe(old);
    const health = await fetch(`${t.services.epos.url}/v1/terminals`, { headers: { authorization: `Bearer ${old}` } });
    expect(health.status).toBe(401);
    expect(await t.ok('settings:updateLimits', { supervisorPin: PIN, unlinkedRefund: { EUR: 1234 } })).toMatchObject({ limits: { unlinkedRefund: { GBP: 5000, EUR: 1234 } } });
    t.sim!.admin.injectFault({ kind: 'drop', method: 'POST', path: '/terminal-sessions' });
    const lost = t.services.payments().startUnlinkedRefund({ amount: 400, currency: 'GBP', terminalId: await t.terminal('VCMTILLSCP0') });
    await t.finish(lost.id, (v) => v.status === 'needs_attention');
    expect(await t.ok('payment:resolve', { paymentId: lost.id, outcome: 'not_charged', note: 'Terminal showed declined', supervisorPin: PIN })).toMatchObject({ status: 'failed', resolution: { outcome: 'not_charged' } });
    expect((await t.audit()).find((e) => e.action === 'payment.resolve')).toMatchObject({ outcome: 'ok', actor: 'supervisor', subject: lost.id, detail: { outcome: 'not_charged', note: 'Terminal showed declined' } });
    expect(await t.ok('settings:clearApiKey', { supervisorPin: PIN })).toMatchObject({ apiKey: { configured: false } });
    expect(t.services.environment()).toBe('training');
  });

  it('limits are bounded by the domain maximum (99,999.99) and the daily count by 200', async () => {
    const t = await till();
    expect(await t.dispatch('settings:updateLimits', { supervisorPin: PIN, unlinkedRefund: { GBP: 999_999_999_999 } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await t.dispatch('settings:updateLimits', { supervisorPin: PIN, daily: { count: 10_000 } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await t.dispatch('settings:updateLimits', { supervisorPin: PIN, unlinkedRefund: { GBP: 9_999_999 } })).toMatchObject({ ok: true });
  });
});

describe('3. the supervisor settings are tamper-evident: edited, reset or missing means locked, never "no PIN"', () => {
  it('a hand-written settings file with its own PIN hash and a huge limit changes nothing', async () => {
    const t = await till();
    await t.services.close();
    fs.writeFileSync(path.join(t.dir, 'settings.json'), JSON.stringify({ version: 2, terminals: { training: null, sandbox: null, production: null }, currency: 'GBP', supervisorPin: cheapHash('135790'), unlinkedRefundLimit: 999_999_999_999, compactMode: false, epos: { enabled: true, port: 7878 } }));
    await t.restart();
    expect(await t.ok('settings:verifySupervisorPin', { pin: '135790' })).toEqual({ valid: false });
    expect(await t.ok('settings:verifySupervisorPin', { pin: PIN })).toEqual({ valid: true });
    expect((await t.ok('settings:get')).limits.unlinkedRefund.GBP).toBe(5000);
  });

  it('an edited security file (weak hash, huge limit) is refused: locked until the reseller resets it', async () => {
    const t = await till();
    await t.services.close();
    const file = JSON.parse(fs.readFileSync(securityFile(t), 'utf8'));
    file.block.limits.unlinkedRefund.GBP = 999_999_999_999;
    file.block.supervisorPin = cheapHash('135790');
    fs.writeFileSync(securityFile(t), JSON.stringify(file));
    await t.restart();
    const view = await t.ok('settings:get');
    expect(view).toMatchObject({ supervisorPinSet: true, supervisor: { locked: expect.stringMatching(/reseller/) }, limits: null });
    for (const pin of [PIN, '135790']) expect(await t.dispatch('settings:verifySupervisorPin', { pin })).toMatchObject({ ok: false, error: { code: 'SECURITY_LOCKED' } });
    expect(await t.dispatch('settings:setSupervisorPin', { next: '135790', confirm: '135790' })).toMatchObject({ ok: false, error: { code: 'SECURITY_LOCKED' } });
    expect(await t.dispatch('payment:startUnlinkedRefund', { amount: 100, currency: 'GBP', terminalId: 'tm_x', supervisorPin: PIN })).toMatchObject({ ok: false, error: { code: 'SECURITY_LOCKED' } });
    expect((await t.audit()).map((e) => e.action)).toContain('security.locked');
  });

  it('an edit the file\'s own rules allow (a full-cost hash of another PIN, the highest limit, the lock-out cleared) is caught by the seal alone', async () => {
    const t = await till();
    for (let i = 0; i < 5; i++) await t.dispatch('settings:verifySupervisorPin', { pin: '975310' });
    await t.services.close();
    const file = JSON.parse(fs.readFileSync(securityFile(t), 'utf8'));
    file.block.supervisorPin = await hashPin('135790');
    file.block.limits.unlinkedRefund.GBP = 9_999_999;
    file.block.lockout = { failures: 0, lockouts: 0, lockedUntil: 0 };
    expect(SecurityBlockSchema.safeParse(file.block).success).toBe(true); // only the MAC can tell
    fs.writeFileSync(securityFile(t), JSON.stringify(file));
    await t.restart();
    expect(await t.ok('settings:get')).toMatchObject({ supervisor: { pinSet: true, locked: expect.stringMatching(/changed outside the app/) }, limits: null });
    for (const pin of ['135790', PIN]) expect(await t.dispatch('settings:verifySupervisorPin', { pin })).toMatchObject({ ok: false, error: { code: 'SECURITY_LOCKED' } });
    expect(await t.dispatch('settings:updateLimits', { supervisorPin: '135790', unlinkedRefund: { GBP: 9_999_999 } })).toMatchObject({ ok: false, error: { code: 'SECURITY_LOCKED' } });
  });

  it.each([
    ['garbage', (file: string) => fs.writeFileSync(file, '{"mac": "00", "block": {')],
    ['deleted', (file: string) => fs.rmSync(file)],
    ['with a forged seal (MAC)', (file: string) => fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), mac: 'ab'.repeat(32) }))],
  ])('a security file %s on a till that had a PIN: locked, and no new PIN can be set without the old', async (_name, damage) => {
    const t = await till();
    await t.services.close();
    damage(securityFile(t));
    await t.restart();
    expect((await t.ok('settings:get')).supervisor).toMatchObject({ pinSet: true, locked: expect.any(String) });
    expect(await t.dispatch('settings:setSupervisorPin', { next: '135790', confirm: '135790' })).toMatchObject({ ok: false, error: { code: 'SECURITY_LOCKED' } });
  });

  it('a garbage settings.json no longer resets the PIN', async () => {
    const t = await till();
    await t.services.close();
    fs.writeFileSync(path.join(t.dir, 'settings.json'), 'garbage');
    await t.restart();
    expect((await t.ok('settings:get')).supervisorPinSet).toBe(true);
    expect(await t.dispatch('settings:setSupervisorPin', { next: '135790', confirm: '135790' })).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
    expect(await t.ok('settings:verifySupervisorPin', { pin: PIN })).toEqual({ valid: true });
  });

  it('an older copy of the security file (saved before a lock-out) is refused', async () => {
    const t = await till();
    const saved = fs.readFileSync(securityFile(t), 'utf8');
    for (let i = 0; i < 5; i++) await t.dispatch('settings:verifySupervisorPin', { pin: '975310' });
    await t.services.close();
    fs.writeFileSync(securityFile(t), saved);
    await t.restart();
    expect(await t.dispatch('settings:verifySupervisorPin', { pin: PIN })).toMatchObject({ ok: false, error: { code: 'SECURITY_LOCKED' } });
  });

  it('without its keychain seal the file cannot be trusted: locked', async () => {
    const t = await till();
    await t.services.close();
    await t.secrets.delete(SECRET_ACCOUNTS.securitySeal);
    await t.restart();
    expect(await t.dispatch('settings:verifySupervisorPin', { pin: PIN })).toMatchObject({ ok: false, error: { code: 'SECURITY_LOCKED' } });
  });

  it('the reseller reset (both the file and the seal removed, as documented) starts afresh and says so in the audit', async () => {
    const t = await till();
    await t.services.close();
    fs.rmSync(securityFile(t));
    await t.secrets.delete(SECRET_ACCOUNTS.securitySeal);
    await t.restart();
    expect((await t.ok('settings:get')).supervisor).toMatchObject({ pinSet: false, locked: null });
    const actions = (await t.audit()).map((e) => e.action);
    expect(actions.filter((a) => a === 'security.initialised')).toHaveLength(2);
    expect(actions).toContain('pin.set'); // the earlier PIN stays on record
  });

  it('a new PIN is typed twice, at least 6 digits (4 where the build allows) and not trivial', async () => {
    const t = await till({}, null);
    const set = (next: string, confirm = next) => t.dispatch('settings:setSupervisorPin', { next, confirm });
    expect(await set('246813', '246814')).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { confirm: expect.any(Array) } } });
    for (const weak of ['2468', '123456', '000000', '654321', '121212', '123123']) expect(await set(weak), weak).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await set('246813')).toMatchObject({ ok: true, data: { supervisorPinSet: true } });
    expect(await set('975310')).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
    expect(await t.dispatch('settings:setSupervisorPin', { current: '246813', next: '975310', confirm: '975310' })).toMatchObject({ ok: true });
    const four = await till({ tillBuild: { minPinLength: 4 } }, null);
    expect(await four.dispatch('settings:setSupervisorPin', { next: '2580', confirm: '2580' })).toMatchObject({ ok: false }); // common
    expect(await four.dispatch('settings:setSupervisorPin', { next: '2719', confirm: '2719' })).toMatchObject({ ok: true });
  });
});

describe('7. the audit: append-only, in the journal, viewable, in the support bundle without secrets', () => {
  it('records every supervisor action and refusal; the journal refuses edits; a row changed outside the app shows', async () => {
    const t = await till({ sandbox: true });
    await t.dispatch('settings:verifySupervisorPin', { pin: '975310' });
    await t.ok('settings:updateLimits', { supervisorPin: PIN, daily: { count: 9 } });
    const { token } = await t.ok<{ token: string }>('epos:revealToken', { supervisorPin: PIN });
    const asked = (await t.epos('POST', '/v1/refunds/unlinked', { amount: 700, currency: 'GBP', reference: 'AUDIT-1' })).body;
    t.services.epos.declineRequest(asked.requestId);
    await t.dispatch('settings:setApiKey', { apiKey: 'sk_sandbox_not_tested_5678' });

    const list = await t.ok<{ entries: AuditEntryView[]; intact: boolean }>('audit:list', { limit: 100 });
    expect(list.intact).toBe(true);
    const seen = list.entries.map((e) => `${e.action} ${e.outcome} ${e.actor}`);
    expect(seen).toEqual(
      expect.arrayContaining(['pin.set ok cashier', 'pin.check refused cashier', 'limits.change ok supervisor', 'epos_token.reveal ok supervisor', 'refund_request.decline ok cashier', 'api_key.set refused cashier']),
    );
    expect(list.entries[0]!.id).toBeGreaterThan(list.entries.at(-1)!.id); // newest first
    const limits = list.entries.find((e) => e.action === 'limits.change')!;
    expect(limits).toMatchObject({ environment: 'sandbox', subject: 'limits', detail: { 'daily.count': 9 } });

    const bundle = await t.services.supportBundle();
    const text = bundle.zip.toString('latin1');
    expect(text).toContain('audit.json');
    for (const secret of [PIN, token, 'sk_sandbox_authority_tests_1234', 'sk_sandbox_not_tested_5678', 'scrypt']) expect(JSON.stringify(await t.audit()).includes(secret), secret).toBe(false);

    const journal = path.join(t.dir, 'journal-sandbox.sqlite');
    await t.services.close();
    const db = new DatabaseSync(journal);
    expect(() => db.exec("UPDATE audit SET summary = 'nothing happened'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit')).toThrow(/append-only/);
    db.exec("DROP TRIGGER audit_no_update; UPDATE audit SET outcome = 'ok' WHERE action = 'pin.check'");
    db.close();
    await t.restart();
    expect((await t.ok('audit:list', { limit: 100 })).intact).toBe(false);
  });
});
