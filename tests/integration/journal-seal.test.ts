import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { PaymentView } from '../../src/shared/payments';
import type { SettingsView } from '../../src/shared/settings';
import { editJournal as editJournalOf, type TillUnderTest } from '../support/till-services';
import { tillsForEachTest } from '../support/supervised-tills';
import { eposConforms } from '../support/epos-openapi';

// Fraud review item 3: the audit chain is keyed with a key in the OS keychain, and the latest audit position and
// the unlinked refunds the daily caps count are sealed. Someone with the SQLite file who deletes or edits rows
// between two runs (with the triggers dropped) is found out at the next start: the supervisor is told, unlinked
// refunds are refused until acknowledged with the PIN (audited). Real SQLite files, edited between restarts.

const PIN = '246813';
/** Stops the till, edits its sandbox journal with SQLite (triggers dropped), starts it again. */
const editJournal = (t: TillUnderTest, sql: (db: DatabaseSync) => void) => editJournalOf(t, 'sandbox', sql);
const { supervised } = tillsForEachTest(PIN);

async function till() {
  const t = await supervised({ sandbox: true });
  await t.ok('settings:updateLimits', { supervisorPin: PIN, daily: { count: 2 } });
  return t;
}

const unlinked = async (t: TillUnderTest, amount: number) => t.dispatch('payment:startUnlinkedRefund', { amount, currency: 'GBP', terminalId: await t.terminal('VCMTILLSIP0'), supervisorPin: PIN });

/** Two approved unlinked refunds: today's count cap (2) is used up. */
async function capUsedUp(t: TillUnderTest): Promise<PaymentView[]> {
  const done: PaymentView[] = [];
  for (const amount of [1500, 2500]) {
    const started = await unlinked(t, amount);
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    done.push(await t.finish((started.data as PaymentView).id));
  }
  expect(done.map((p) => p.status)).toEqual(['approved', 'approved']);
  expect(await unlinked(t, 100)).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
  return done;
}

const view = (t: TillUnderTest) => t.ok<SettingsView>('settings:get');

/** The legacy (unkeyed) chain hash, as someone without the keychain would recompute it. */
function plainHash(prev: string, row: Record<string, unknown>): string {
  const content = JSON.stringify([row['at'], row['environment'], row['action'], row['outcome'], row['actor'], row['subject'], row['summary'], row['detail']]);
  return createHash('sha256').update(prev).update('\n').update(content).digest('hex');
}

describe('journal seal: keyed audit chain, sealed audit position and cap usage', () => {
  it('a clean restart checks out: keyed rows, the chain intact, the cap still used up', async () => {
    const t = await till();
    await capUsedUp(t);
    await t.restart();
    expect((await view(t)).supervisor.journalTampered).toBeNull();
    expect(await unlinked(t, 100)).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    expect((await t.ok('audit:list', { limit: 200 })).intact).toBe(true);
    const db = new DatabaseSync(path.join(t.dir, 'journal-sandbox.sqlite'), { readOnly: true });
    const hashes = db.prepare('SELECT hash FROM audit ORDER BY id DESC LIMIT 3').all() as { hash: string }[];
    db.close();
    for (const { hash } of hashes) expect(hash).toMatch(/^k1\.[0-9a-f]{64}$/);
    expect(fs.statSync(path.join(t.dir, 'journal-seal.json')).mode & 0o077).toBe(0);
  });

  const tamperings: [string, (db: DatabaseSync, refunds: PaymentView[]) => void, RegExp][] = [
    ['an approved unlinked refund deleted (to reset the daily cap)', (db, [first]) => db.exec(`DELETE FROM payment_events WHERE payment_id = '${first!.id}'; DELETE FROM payments WHERE id = '${first!.id}';`), /the unlinked refund of £15\.00 on .* was removed/],
    ['a refund\'s amount made smaller', (db, [first]) => db.exec(`UPDATE payments SET amount = 1 WHERE id = '${first!.id}'`), /amount of the unlinked refund of £15\.00 on /],
    ['an approved refund turned into a failed one', (db, [first]) => db.exec(`UPDATE payments SET status = 'failed' WHERE id = '${first!.id}'`), /now says failed/],
    ['a refund moved to yesterday', (db, [first]) => db.exec(`UPDATE payments SET created_at = created_at - 86400000 WHERE id = '${first!.id}'`), /time of the unlinked refund of £15\.00 on /],
    ['the last audit rows deleted', (db) => db.exec('DELETE FROM audit WHERE id > (SELECT max(id) - 3 FROM audit)'), /audit entries were removed/],
    ['an audit row edited', (db) => db.exec("UPDATE audit SET outcome = 'ok' WHERE id = (SELECT max(id) FROM audit WHERE action = 'refund.unlinked')"), /audit entries were changed/],
    [
      'the whole audit chain rewritten with plain SHA-256 after an edit',
      (db) => {
        db.exec("UPDATE audit SET summary = 'nothing happened' WHERE action = 'refund.unlinked'");
        const rows = db.prepare('SELECT * FROM audit ORDER BY id').all() as Record<string, unknown>[];
        let prev = '0'.repeat(64);
        for (const row of rows) {
          const hash = plainHash(prev, row);
          db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, row['id'] as number);
          prev = hash;
        }
      },
      /audit entries were changed/,
    ],
  ];

  it.each(tamperings)('%s: found at start-up, told to the supervisor, unlinked refunds refused until acknowledged with the PIN', async (_what, tamper, why) => {
    const t = await till();
    const refunds = await capUsedUp(t);
    await editJournal(t, (db) => tamper(db, refunds));

    const told = (await view(t)).supervisor.journalTampered;
    expect(told).toMatch(why);
    expect(told).toMatch(/changed outside the app/);
    // People read amount and time, never an internal id; the audit keeps the id of the refund concerned.
    for (const refund of refunds) expect(told).not.toContain(refund.id);
    // Refused at the till and from the EPOS (423), even though the edit may have reset the cap.
    expect(await unlinked(t, 100)).toMatchObject({ ok: false, error: { code: 'JOURNAL_TAMPERED' } });
    const epos = await t.epos('POST', '/v1/refunds/unlinked', { amount: 100, currency: 'GBP' });
    expect([epos.status, epos.body.code]).toEqual([423, 'JOURNAL_TAMPERED']);
    eposConforms('POST', '/v1/refunds/unlinked', epos.status, epos.body);
    expect(t.services.epos.pendingRequests()).toHaveLength(0);
    const found = (await t.audit()).find((e) => e.action === 'journal.tampered');
    expect(found).toMatchObject({ outcome: 'refused', actor: 'system', detail: { why: expect.stringMatching(why) } });
    if (/unlinked refund of/.test(String(found?.detail?.['why']))) expect(found?.detail).toMatchObject({ paymentId: refunds[0]!.id });

    // Only the supervisor PIN acknowledges it (main checks it; each attempt audited).
    expect(await t.dispatch('settings:acknowledgeJournal', {})).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_REQUIRED' } });
    expect(await t.dispatch('settings:acknowledgeJournal', { supervisorPin: '975310' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect((await view(t)).supervisor.journalTampered).toMatch(why);
    expect((await t.ok<SettingsView>('settings:acknowledgeJournal', { supervisorPin: PIN })).supervisor.journalTampered).toBeNull();
    expect((await t.audit()).find((e) => e.action === 'journal.acknowledge')).toMatchObject({ outcome: 'ok', actor: 'supervisor', detail: { why: expect.stringMatching(why) } });

    // Acknowledged: refunds follow the caps again, and the next start checks out from the journal as it is now.
    await t.restart();
    expect((await view(t)).supervisor.journalTampered).toBeNull();
    const after = await unlinked(t, 100);
    if (after.ok) expect((await t.finish((after.data as PaymentView).id)).status).toBe('approved');
    else expect(after.error.code).toBe('LIMIT_EXCEEDED');
  });

  it('the seal file put back to an older copy is found out too (its generation is behind the keychain\'s)', async () => {
    const t = await till();
    const seal = path.join(t.dir, 'journal-seal.json');
    await t.services.close();
    const older = fs.readFileSync(seal);
    await t.restart();
    await capUsedUp(t);
    await t.services.close();
    fs.writeFileSync(seal, older);
    await t.restart();
    expect((await view(t)).supervisor.journalTampered).toMatch(/older copy/);
    expect(await unlinked(t, 100)).toMatchObject({ ok: false, error: { code: 'JOURNAL_TAMPERED' } });
  });

  it('the seal file edited by hand is found out', async () => {
    const t = await till();
    await capUsedUp(t);
    await t.services.close();
    const seal = path.join(t.dir, 'journal-seal.json');
    const json = JSON.parse(fs.readFileSync(seal, 'utf8'));
    json.body.journals.sandbox.caps.refunds = [];
    fs.writeFileSync(seal, JSON.stringify(json));
    await t.restart();
    expect((await view(t)).supervisor.journalTampered).toMatch(/journal-seal\.json was changed outside the app/);
  });
});
