// The folder exchange across real process kills: the companion runs in a child process (one node process, so
// SIGKILL really stops it) and is killed after the acknowledgement, after the card, and after the result; it is
// started again on the same folders and must give the right result with exactly one payment on Dojo. The
// simulator's clock is manual: the card moves only when the test says so, never by timing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal } from '../../src/main/journal/journal';
import { startSimulator, type Simulator } from '../../src/simulator';
import { FileEpos, waitUntil } from '../support/exchange-files';

let sim: Simulator;
let dir: string;
let epos: FileEpos;
let child: ChildProcess | undefined;
let output = '';
const root = path.resolve(__dirname, '../..');

async function startCompanion(): Promise<void> {
  output = '';
  const terminalId = sim.admin.terminalByTid('VCMTILLSIP0')!.id;
  child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/exchange-worker.ts', path.join(dir, 'data'), sim.url, epos.folder, terminalId, '1500'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntil('the companion to start', () => output.includes('ready') || child!.exitCode !== null, 60_000);
  if (!output.includes('ready')) throw new Error('the companion did not start');
}

async function kill(): Promise<void> {
  const running = child!;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGKILL');
  await exited;
  child = undefined;
}

/** Moves Dojo's time on while waiting for a file: the terminal only progresses when the test advances it. */
const advance = () => sim.admin.advance(500);

/** Every payment the journal holds for an exchange request id (any kind). */
function journalled(id: string) {
  const journal = Journal.open(path.join(dir, 'data', 'journal-sandbox.sqlite'));
  try {
    return ['epos:', 'epos-refund:', 'epos-unlinked:'].map((prefix) => journal.findByIdempotencyKey(`${prefix}exchange:${id}`)).filter((r) => !!r);
  } finally {
    journal.close();
  }
}

function onDojo(paymentId: string) {
  const snapshot = sim.admin.snapshot();
  const intents = snapshot.intents.filter((i) => i.metadata?.['tillPaymentId'] === paymentId);
  const sessions = snapshot.sessions.filter((s) => intents.some((i) => i.id === s.intentId));
  return { intents, sessions, captured: sessions.filter((s) => s.status === 'Captured') };
}

beforeAll(async () => {
  sim = await startSimulator({ clock: 'manual' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-exchange-crash-'));
  epos = new FileEpos(path.join(dir, 'exchange'));
});
afterEach(async () => {
  if (child) await kill();
});
afterAll(async () => {
  await sim?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('folder exchange: the companion killed', () => {
  it('after the ack: restarted, the right result and one payment', async () => {
    await startCompanion();
    epos.sale('K1');
    const ack = await epos.waitFor('responses', 'K1.ack');
    await kill();
    await startCompanion();
    const result = await epos.waitFor('responses', 'K1.res', { onTick: advance, timeoutMs: 60_000 });
    const payments = journalled('K1');
    expect(payments).toHaveLength(1);
    expect(result['payment']).toBe(payments[0]!.id);
    expect(ack['payment']).toBe(payments[0]!.id);
    const dojo = onDojo(result['payment']);
    expect(dojo.intents.length).toBeLessThanOrEqual(1);
    // Whichever moment the kill hit, the file says what Dojo did: approved with one capture, or nothing charged.
    if (result['status'] === 'approved') expect(dojo.captured).toHaveLength(1);
    else {
      expect(result['status']).toBe('failed');
      expect(dojo.captured).toHaveLength(0);
    }
    epos.commit('K1');
    await epos.waitFor('archive', 'K1.res');
  }, 120_000);

  it('after the card, and again after the result: approved once; the commit clock survives the restart', async () => {
    await startCompanion();
    epos.sale('K2', { amount: 2222 });
    const ack = await epos.waitFor('responses', 'K2.ack');
    // The terminal takes the session; the customer presents the card and is typing the PIN (5.5 s into the
    // simulated chip & PIN script, 2 s before the capture); the companion has seen it.
    await waitUntil('the session on the terminal', () => onDojo(ack['payment']).sessions.length === 1, 60_000);
    sim.admin.advance(5_600);
    await epos.waitFor('responses', 'K2.status', { until: (s) => s['prompt'] === 'EnterPin', timeoutMs: 60_000 });
    expect(onDojo(ack['payment']).sessions[0]!.status).not.toBe('Captured');
    await kill();
    // While the companion is down, the terminal finishes the payment.
    sim.admin.advance(20_000);
    expect(onDojo(ack['payment']).captured).toHaveLength(1);
    await startCompanion();
    const result = await epos.waitFor('responses', 'K2.res', { onTick: advance, timeoutMs: 60_000 });
    expect(result).toMatchObject({ status: 'approved', total: '2222', payment: ack['payment'] });

    // Killed again before the EPOS commits: after the restart the result is not rewritten (its time is the
    // commit clock's start) and the missing commit still becomes needs attention.
    const written = fs.readFileSync(epos.path('responses', 'K2.res'), 'utf8');
    await kill();
    await startCompanion();
    await waitUntil('needs attention after the restart', () => /"attention":\[[^\]]*"K2"/.test(output), 60_000);
    expect(fs.readFileSync(epos.path('responses', 'K2.res'), 'utf8')).toBe(written);
    epos.commit('K2');
    await epos.waitFor('archive', 'K2.res');
    // The EPOS, restarted too, sends K2 again: the same payment comes back, never a second charge.
    epos.sale('K2', { amount: 2222 });
    expect(await epos.waitFor('responses', 'K2.res')).toMatchObject({ status: 'approved', payment: ack['payment'] });
    expect(journalled('K2')).toHaveLength(1);
    expect(onDojo(ack['payment']).intents).toHaveLength(1);
    expect(onDojo(ack['payment']).captured).toHaveLength(1);
  }, 180_000);

  it('a request written while the companion was down is answered when it starts', async () => {
    epos.sale('K3');
    await startCompanion();
    expect(await epos.waitFor('responses', 'K3.res', { onTick: advance, timeoutMs: 60_000 })).toMatchObject({ status: 'approved' });
    expect(journalled('K3')).toHaveLength(1);
  }, 120_000);
});
