import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TRAINING_RECORD_FILE } from '../../src/main/mode/training-record';
import { tradingDay } from '../../src/shared/dates';
import type { PaymentView } from '../../src/shared/payments';
import { startSimulator, type Simulator } from '../../src/simulator';
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
