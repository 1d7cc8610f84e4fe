import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TRAINING_RECORD_FILE } from '../../src/main/mode/training-record';
import { tradingDay } from '../../src/shared/dates';
import type { PaymentView } from '../../src/shared/payments';
import { startSimulator, type Simulator } from '../../src/simulator';
import { manualClock } from '../../src/simulator/clock';
import { startTill, type TillUnderTest } from '../support/till-services';

/**
 * The training simulator keeps Dojo's record (intents, sessions, refunds, terminals) in the data folder across
 * restarts: reconciling a training day that spans a restart, and recovering a training payment a crash
 * interrupted, both ask it like a real Dojo. Real files, real HTTP, a real SIGKILL; every wait is for a state.
 */
const DAY = 86_400_000;
const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-training-record-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const recordOf = (dir: string) => path.join(dir, TRAINING_RECORD_FILE);
const readRecord = (dir: string) => JSON.parse(fs.readFileSync(recordOf(dir), 'utf8'));
const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

async function till(dir: string): Promise<TillUnderTest> {
  const started = await startTill({ dir });
  cleanup.push(() => started.close());
  return started;
}

async function sale(t: TillUnderTest, tid: string, amount: number): Promise<PaymentView> {
  return t.ok<PaymentView>('payment:startSale', { amount, currency: 'GBP', reference: `Training ${amount}`, terminalId: await t.terminal(tid) });
}

/** Reconciles the days around now (the training simulator runs at 40x, so its clock is ahead of the till's). */
function reconcile(t: TillUnderTest) {
  const start = t.services.settings.tradingDayStart();
  return t.ok('reconcile:run', { from: tradingDay(Date.now() - DAY, start), to: tradingDay(Date.now() + DAY, start) });
}

describe('training mode keeps the simulator\'s record across restarts', () => {
  it('a training sale, then a restart: reconciliation finds it on the training record (no "Dojo has no record")', async () => {
    const dir = tempDir();
    const t = await till(dir);
    const approved = await t.finish((await sale(t, 'VCMTILLSIP0', 1234)).id);
    expect(approved.status).toBe('approved');
    const declined = await t.finish((await sale(t, 'VCMTILLDIP0', 555)).id);
    expect(declined.status).toBe('declined');

    await t.restart();
    expect(await t.ok('app:info')).toMatchObject({ environment: 'training', trainingReason: expect.not.stringMatching(/afresh/) });
    const result = await reconcile(t);
    expect(result).toMatchObject({ status: 'complete', matched: 2, exceptions: [] });
    expect(result.message).not.toMatch(/no record/i);
    // The record is on disk, user-only, and names the sale's intent as Dojo does.
    const record = readRecord(dir);
    expect(record.version).toBe(1);
    expect(record.state.intents.map((i: any) => [i.status, i.amount.value])).toEqual(expect.arrayContaining([['Captured', 1234]]));
  });

  it('a training day older than the record keeps: reconciliation says the practice terminal keeps 7 days, never "no record"', async () => {
    const dir = tempDir();
    const t = await till(dir);
    const old = await t.finish((await sale(t, 'VCMTILLSIP0', 2500)).id);
    expect(old.status).toBe('approved');
    expect((await t.finish((await sale(t, 'VCMTILLDIP0', 300)).id)).status).toBe('declined');
    await t.services.close();
    cleanup.pop();
    // The practice terminal ran 8 days on while the till was off (its clock never runs backwards from the saved one).
    const record = readRecord(dir);
    record.clock += 8 * DAY;
    fs.writeFileSync(recordOf(dir), JSON.stringify(record), { mode: 0o600 });

    const again = await till(dir);
    // Its finished payments older than 7 days left the record at load (the smaller record is saved soon after).
    for (let i = 0; readRecord(dir).state.intents.length > 0; i++) {
      if (i > 500) throw new Error('the record still holds the old intents');
      await new Promise((r) => setTimeout(r, 20));
    }
    const result = await reconcile(again);
    expect(result).toMatchObject({ status: 'complete', matched: 0, exceptions: [], beyondRecord: { keepsDays: 7, payments: 2 } });
    expect(result.message).toContain('The practice terminal keeps 7 days of training payments: 2 payments from before');
    expect(result.message).not.toMatch(/no record/i);
    // A refund of that sale is refused in the same words (nothing starts on the terminal).
    const refund = await again.dispatch('payment:startMatchedRefund', { paymentId: old.id, amount: 500, terminalId: await again.terminal('VCMTILLSIP0') });
    const refused = refund.ok ? await again.finish((refund.data as PaymentView).id) : null;
    expect(JSON.stringify(refund.ok ? refused : refund.error)).toContain('The practice terminal keeps 7 days of training payments');
    // A training sale today is still checked against the record as before.
    expect((await again.finish((await sale(again, 'VCMTILLSIP0', 990)).id)).status).toBe('approved');
    expect(await reconcile(again)).toMatchObject({ matched: 1, exceptions: [], beyondRecord: { payments: 2, refunds: 1 } });
  });

  it('a training sale interrupted by a crash mid-session is recovered from the simulator\'s record, not ended as failed', async () => {
    const dir = tempDir();
    const token = 'training-record-epos-token-0123456789';
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'tests/support/training-worker.ts', dir, token, 'VCMTILLSIS0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    cleanup.push(() => child.exitCode === null && child.kill('SIGKILL'));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const ready = /ready (\S+)/.exec(out);
        if (ready) resolve(ready[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the worker stopped (${code})`)));
    });
    const epos = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'till-environment': 'training', 'idempotency-key': 'crash-sale-1', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const started = await epos('POST', '/v1/sales', { amount: 990, currency: 'GBP', reference: 'Crash 1' });
    expect(started.status).toBe(202);
    const paymentId: string = started.body.paymentId;
    // The customer is at the signature check when the till dies (a state that lasts until someone answers).
    for (let i = 0; ; i++) {
      const { body } = await epos('GET', `/v1/payments/${paymentId}`);
      if (body.status === 'signature_required') break;
      if (i > 1_000) throw new Error(`never reached the signature check: ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;

    const t = await till(dir);
    const done = await t.finish(paymentId);
    expect(done).toMatchObject({ status: 'approved', amount: 990 });
    expect(done.message ?? '').not.toMatch(/interrupted/i);
    expect(done.intentId).toMatch(/^pi_sandbox_/);
    const result = await reconcile(t);
    expect(result).toMatchObject({ status: 'complete', matched: 1, exceptions: [] });
    await t.services.close();
    cleanup.pop(); // closed
    expect(readRecord(dir).state.intents).toEqual([expect.objectContaining({ id: done.intentId, status: 'Captured' })]);
  });

  it('a training sale running when the app is closed and started again is recovered the same way', async () => {
    const dir = tempDir();
    const t = await till(dir);
    const started = await sale(t, 'VCMTILLSIS0', 4321);
    await t.finish(started.id, (v) => v.status === 'signature_required');
    await t.restart();
    const done = await t.finish(started.id);
    expect(done).toMatchObject({ status: 'approved', amount: 4321 });
    expect(done.message ?? '').not.toMatch(/interrupted/i);
  });

  it('a record that cannot be read is kept aside and said; training starts afresh and keeps a new record (0600)', async () => {
    const previous = process.umask(0o022);
    cleanup.push(() => process.umask(previous));
    for (const [content, said, kept] of [
      ['{"version":1,"savedAt":"x","clock":1,"state":{"intents":[{"id":', /could not be read, so training starts afresh/, /\.corrupt-/],
      [JSON.stringify({ version: 99, savedAt: new Date().toISOString(), clock: Date.now(), state: { anything: true } }), /newer version of the app, so training starts afresh/, /\.newer-/],
    ] as const) {
      const dir = tempDir();
      fs.writeFileSync(recordOf(dir), content, { mode: 0o600 });
      const t = await till(dir);
      const info = await t.ok('app:info');
      expect(info).toMatchObject({ environment: 'training', trainingMode: true, trainingReason: expect.stringMatching(said) });
      const aside = fs.readdirSync(dir).filter((name) => name.startsWith(`${TRAINING_RECORD_FILE}.`));
      expect(aside).toEqual([expect.stringMatching(kept)]);
      expect(info.trainingReason).toContain(aside[0]);
      expect(fs.readFileSync(path.join(dir, aside[0]!), 'utf8')).toBe(content);
      // Training works, and its new record is saved user-only.
      expect((await t.finish((await sale(t, 'VCMTILLSCP0', 700)).id)).status).toBe('approved');
      expect(readRecord(dir).state.intents).toHaveLength(1);
      if (process.platform !== 'win32') expect(mode(recordOf(dir))).toBe('600');
    }
  });

  it.skipIf(process.platform === 'win32')('a record an older copy left readable by others is tightened to 0600 when loaded', async () => {
    const dir = tempDir();
    const t = await till(dir);
    await t.finish((await sale(t, 'VCMTILLSIP0', 100)).id);
    await t.restart();
    expect(mode(recordOf(dir))).toBe('600');
    await t.services.close();
    cleanup.pop();
    fs.chmodSync(recordOf(dir), 0o644);
    const again = await till(dir);
    expect(mode(recordOf(dir))).toBe('600');
    expect(await again.ok('app:info')).toMatchObject({ trainingReason: expect.not.stringMatching(/afresh/) });
  });
});

describe('the simulator\'s record file (real HTTP)', () => {
  const headers = { authorization: 'Basic sk_sandbox_record_test', version: '2026-02-27', 'software-house-id': 'softwareHouse1', 'reseller-id': 'reseller1', 'content-type': 'application/json' };
  const call = async (sim: Simulator, method: string, route: string, body?: unknown) => {
    const response = await fetch(`${sim.url}${route}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    return (await response.json()) as any;
  };
  const open = async (file: string) => {
    const sim = await startSimulator({ clock: 'manual', recordFile: file });
    cleanup.push(() => sim.close());
    return sim;
  };
  const sale = async (sim: Simulator, tid: string) => {
    const intent = await call(sim, 'POST', '/payment-intents', { amount: { value: 1500, currencyCode: 'GBP' }, reference: 'Record test' });
    const session = await call(sim, 'POST', '/terminal-sessions', { terminalId: sim.admin.terminalByTid(tid)!.id, details: { sessionType: 'Sale', sale: { paymentIntentId: intent.id } } });
    return { intent, session };
  };

  it('a change is on disk before Dojo answers it, and a signature answered before a crash never flips', async () => {
    const file = path.join(tempDir(), 'sim.json');
    const first = await open(file);
    const { intent, session } = await sale(first, 'VCMTILLSIS0');
    // No stop, no flush: the answer to POST /terminal-sessions came after the save.
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).state.sessions).toEqual([expect.objectContaining({ id: session.id, status: 'InitiateRequested' })]);
    first.admin.advance(30_000);
    expect((await call(first, 'GET', `/terminal-sessions/${session.id}`)).status).toBe('SignatureVerificationRequired');
    expect((await call(first, 'PUT', `/terminal-sessions/${session.id}/signature`, { accepted: false })).status).toBe('SignatureVerificationRejected');
    // The first simulator "crashes" (never closed here): a second one reads what the first had answered.
    const second = await startSimulator({ clock: 'manual', recordFile: `${file}` });
    cleanup.push(() => second.close());
    expect(second.recordLoad).toMatchObject({ kind: 'restored', intents: 1, running: 0 });
    second.admin.advance(120_000); // well past the 80 s after which an unanswered signature is accepted
    expect((await call(second, 'GET', `/terminal-sessions/${session.id}`)).status).toBe('SignatureVerificationRejected');
    expect((await call(second, 'GET', `/payment-intents/${intent.id}`)).status).toBe('Reversed');
  });

  it('a session running at a restart goes on from where the record left it, by the simulator\'s rules', async () => {
    const file = path.join(tempDir(), 'sim.json');
    const first = await open(file);
    const { intent, session } = await sale(first, 'VCMTILLSIP0');
    first.admin.advance(2_000);
    expect((await call(first, 'GET', `/terminal-sessions/${session.id}`)).status).toBe('Initiated');
    const stoppedAt = first.clock.now();
    await first.close();

    const second = await open(file);
    expect(second.clock.now()).toBeGreaterThanOrEqual(stoppedAt); // time never runs backwards
    expect(second.recordLoad).toMatchObject({ kind: 'restored', running: 1 });
    expect((await call(second, 'GET', '/terminals')).find((t: any) => t.properties.tid === 'VCMTILLSIP0').status).toBe('InUse');
    second.admin.advance(30_000);
    expect((await call(second, 'GET', `/terminal-sessions/${session.id}`)).status).toBe('Captured');
    expect(await call(second, 'GET', `/payment-intents/${intent.id}`)).toMatchObject({ status: 'Captured', terminalSessionHistory: [expect.objectContaining({ terminalSession: expect.objectContaining({ id: session.id, status: 'Captured' }) })] });
  });

  it('an intent change still due (Dojo\'s lag, reading A5) is kept and applied after the restart', async () => {
    const file = path.join(tempDir(), 'sim.json');
    const first = await open(file);
    first.admin.setReadings({ intentLagMs: 60_000 });
    const { intent, session } = await sale(first, 'VCMTILLSIP0');
    first.admin.advance(30_000);
    expect((await call(first, 'GET', `/terminal-sessions/${session.id}`)).status).toBe('Captured');
    expect((await call(first, 'GET', `/payment-intents/${intent.id}`)).status).toBe('Created');
    await first.close();

    const second = await open(file);
    expect(second.admin.snapshot().intents).toEqual([expect.objectContaining({ id: intent.id, status: 'Created' })]);
    second.admin.advance(60_000);
    expect(await call(second, 'GET', `/payment-intents/${intent.id}`)).toMatchObject({ status: 'Captured', paymentDetails: expect.objectContaining({ message: 'Approved' }) });
  });

  const captured = async (sim: Simulator, tid = 'VCMTILLSIP0', body: Record<string, unknown> = {}) => {
    const intent = await call(sim, 'POST', '/payment-intents', { amount: { value: 1500, currencyCode: 'GBP' }, reference: 'Record test', ...body });
    const session = await call(sim, 'POST', '/terminal-sessions', { terminalId: sim.admin.terminalByTid(tid)!.id, details: { sessionType: 'Sale', sale: { paymentIntentId: intent.id } } });
    sim.admin.advance(30_000);
    for (let i = 0; !['Captured', 'Authorized', 'Declined'].includes((await call(sim, 'GET', `/terminal-sessions/${session.id}`)).status); i++) {
      if (i > 20) throw new Error('the sale never finished');
      sim.admin.advance(30_000);
    }
    return { intent, session };
  };
  const onDisk = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')).state as { intents: { id: string; status: string }[]; sessions: { id: string }[] };

  it('finished payments older than 7 days leave the record; recent and unfinished ones (money held) stay, whatever their age', async () => {
    const file = path.join(tempDir(), 'sim.json');
    const first = await open(file);
    const old = await captured(first);
    const held = await captured(first, 'VCMTILLSIP0', { captureMode: 'Manual' });
    expect((await call(first, 'GET', `/payment-intents/${held.intent.id}`)).status).toBe('Authorized');
    const unlinked = await call(first, 'POST', '/terminal-sessions', { terminalId: first.admin.terminalByTid('VCMTILLSIP0')!.id, details: { sessionType: 'UnlinkedRefund', unlinkedRefund: { amount: { value: 200, currencyCode: 'GBP' } } } });
    first.admin.advance(30_000);
    expect((await call(first, 'GET', `/terminal-sessions/${unlinked.id}`)).status).toBe('Captured');
    first.admin.advance(6 * DAY);
    const recent = await captured(first);
    const receipts = await call(first, 'GET', `/terminal-sessions/${recent.session.id}`);
    expect(receipts.customerReceipt.lines.length).toBeGreaterThan(5);
    await first.close();
    expect(onDisk(file).intents).toHaveLength(3);
    // Receipts follow from the session: the record leaves them out (two thirds of a sale's bytes).
    expect(fs.readFileSync(file, 'utf8')).not.toContain('Receipt');

    // Two days later (8 since the first sale) a restarted simulator lets the old finished payments go at load.
    const second = await startSimulator({ clock: manualClock(first.clock.now() + 2 * DAY), recordFile: file });
    cleanup.push(() => second.close());
    expect(second.recordLoad).toMatchObject({ kind: 'restored', intents: 3 });
    for (let i = 0; onDisk(file).intents.length !== 2; i++) {
      if (i > 500) throw new Error('the pruned record was never saved');
      await new Promise((r) => setTimeout(r, 20));
    }
    const kept = onDisk(file);
    expect(kept.intents.map((i) => i.id).sort()).toEqual([held.intent.id, recent.intent.id].sort());
    expect(kept.sessions.map((s) => s.id).sort()).toEqual([held.session.id, recent.session.id].sort());
    expect((await fetch(`${second.url}/payment-intents/${old.intent.id}`, { headers })).status).toBe(404);
    expect((await fetch(`${second.url}/terminal-sessions/${unlinked.id}`, { headers })).status).toBe(404);
    expect((await call(second, 'GET', `/payment-intents/${recent.intent.id}`)).status).toBe('Captured');
    // ... and prints them again at load, the same as before the restart.
    expect(await call(second, 'GET', `/terminal-sessions/${recent.session.id}`)).toMatchObject({ customerReceipt: receipts.customerReceipt, merchantReceipt: receipts.merchantReceipt });
    // Money held is still there to capture, however old.
    second.admin.advance(30 * DAY);
    await call(second, 'POST', `/payment-intents/${held.intent.id}/captures`, { amount: 1500 });
    expect((await call(second, 'GET', `/payment-intents/${held.intent.id}`)).status).toBe('Captured');
  });

  it('weeks of daily training sales keep the record bounded (pruned once a simulated day while running)', async () => {
    const file = path.join(tempDir(), 'sim.json');
    const sim = await open(file);
    const sizes: number[] = [];
    for (let day = 0; day < 20; day++) {
      for (let n = 0; n < 3; n++) await captured(sim);
      sizes.push(fs.statSync(file).size);
      sim.admin.advance(DAY);
    }
    await sim.close();
    const intents = onDisk(file).intents.length;
    // The last 7 days' sales (the day that has just turned 7 days old has gone); never more than 8 days' worth.
    expect(intents).toBeGreaterThanOrEqual(3 * 6);
    expect(intents).toBeLessThanOrEqual(3 * 8);
    // Day 20's record is no bigger than day 10's (give or take the ids): without pruning it would be twice the size.
    expect(sizes[19]!).toBeLessThan(sizes[9]! * 1.15);
  });

  it('a record whose parts do not fit together is kept aside (never a crash); without a file nothing is written', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sim.json');
    const first = await open(file);
    const { intent } = await sale(first, 'VCMTILLSIP0');
    await first.close();
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    record.state.sessions = []; // the intent and the terminal name a session that is not there
    fs.writeFileSync(file, JSON.stringify(record));
    const second = await open(file);
    expect(second.recordLoad).toMatchObject({ kind: 'setAside', why: 'corrupt', keptAs: expect.stringContaining('sim.json.corrupt-'), detail: expect.stringMatching(/unknown session/) });
    expect((await fetch(`${second.url}/payment-intents/${intent.id}`, { headers })).status).toBe(404);
    expect((await call(second, 'GET', '/terminals')).length).toBeGreaterThan(0);

    const memoryOnly = await startSimulator({ clock: 'manual' });
    cleanup.push(() => memoryOnly.close());
    await sale(memoryOnly, 'VCMTILLSIP0');
    expect(memoryOnly.recordLoad).toEqual({ kind: 'fresh' });
    await memoryOnly.close();
    cleanup.pop();
    // Only the second simulator's record (saved on its next change) and the file kept aside: nothing of the memory-only one.
    expect(fs.readdirSync(dir).filter((name) => name !== 'sim.json')).toEqual([expect.stringMatching(/^sim\.json\.corrupt-/)]);
  });
});
