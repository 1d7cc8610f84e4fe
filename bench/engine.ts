// Payment engine figures (issue goals in brackets):
// - createOverheadRatio: start-sale -> session created, vs the floor of the same two Dojo round trips made
//   directly, with 50 ms latency injected in the simulator [<= 1.10];
// - propagationP95Ms / propagationP95RatioVs2sPoller: a status change in the simulator -> the payment:update
//   event, vs a plain fixed 2-second poller following identical sessions in the same run [ratio <= 0.40];
// - requestsPerMinutePerSession [<= 100]; journalWriteP99Ms [<= 5]; historyQueryMsAt100k [<= 20].
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DojoClient } from '../src/main/dojo/client';
import { Journal } from '../src/main/journal/journal';
import { silentLogger } from '../src/main/logging/logger';
import { PaymentEngine } from '../src/main/payments/engine';
import { newRecord } from '../src/main/payments/record';
import type { PaymentView } from '../src/shared/payments';
import { startSimulator, type Simulator } from '../src/simulator';

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
};
const median = (values: number[]) => quantile(values, 0.5);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

function client(sim: Simulator, counter?: { n: number }) {
  return new DojoClient({
    baseUrl: sim.url,
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      if (counter) counter.n++;
      return fetch(input, init);
    }) as typeof fetch,
    apiKey: async () => 'sk_sandbox_bench_key',
    version: '2026-02-27',
    softwareHouseId: 'softwareHouse1',
    resellerId: 'reseller1',
  });
}

function engineOn(sim: Simulator, dir: string, onUpdate: (view: PaymentView, at: number) => void, counter?: { n: number }) {
  const journal = Journal.open(path.join(dir, `journal-${Math.random().toString(36).slice(2)}.sqlite`));
  const dojo = client(sim, counter);
  const engine = new PaymentEngine({ journal, client: () => dojo, environment: 'sandbox', tillId: 'till_00000000000bench', logger: silentLogger, onUpdate: (view) => onUpdate(view, Date.now()) });
  return { engine, journal };
}

async function createOverhead(dir: string) {
  const sim = await startSimulator({ speed: 1_000 });
  sim.admin.setLatency(50);
  const terminals = Array.from({ length: 15 }, (_, i) => sim.admin.addTerminal({ tid: `VCMO${String(i).padStart(3, '0')}SCP0` }).id);
  const direct = client(sim);
  const floor: number[] = [];
  for (const terminalId of terminals.slice(0, 5)) {
    const t0 = performance.now();
    const intent = await direct.createIntent({ amount: { value: 100, currencyCode: 'GBP' }, reference: 'floor' });
    await direct.createSession(terminalId, { sessionType: 'Sale', sale: { paymentIntentId: intent.id } });
    floor.push(performance.now() - t0);
  }
  const created = new Map<string, number>();
  const { engine, journal } = engineOn(sim, dir, (view) => {
    if (view.sessionId && !created.has(view.id)) created.set(view.id, performance.now());
  });
  const measured: number[] = [];
  for (const terminalId of terminals.slice(5)) {
    const t0 = performance.now();
    const { id } = engine.startSale({ amount: 100, currency: 'GBP', terminalId });
    while (!created.has(id)) await new Promise((r) => setTimeout(r, 1));
    measured.push(created.get(id)! - t0);
  }
  engine.close();
  journal.close();
  await sim.close();
  return { floorMs: median(floor), engineMs: median(measured) };
}

interface Change {
  at: number;
  status?: string;
  prompt?: string;
}

/** Every change of a finished session, with the simulator's own timestamps (real time at speed 1). */
async function changesOf(sim: Simulator, sessionId: string): Promise<Change[]> {
  const session = sim.admin.snapshot().sessions.find((s) => s.id === sessionId)!;
  return [
    ...session.statusEvents.slice(1).map((e) => ({ at: Date.parse(e.createdAt), status: e.status })),
    ...session.notificationEvents.map((e) => ({ at: Date.parse(e.createdAt), prompt: e.notificationType })),
  ].sort((a, b) => a.at - b.at);
}

async function propagation(dir: string) {
  // Customers take a varying time to present a card and type a PIN: changes come at random moments.
  const sim = await startSimulator({ speed: 1, humanJitterMs: 3_000 });
  const count = 10;
  const engineTerminals = Array.from({ length: count }, (_, i) => sim.admin.addTerminal({ tid: `VCMP${String(i).padStart(3, '0')}SIP0` }).id);
  const pollerTerminals = Array.from({ length: count }, (_, i) => sim.admin.addTerminal({ tid: `VCMQ${String(i).padStart(3, '0')}SIP0` }).id);
  const seen: { id: string; at: number; status: string | null; prompt: string | null }[] = [];
  const counter = { n: 0 };
  const { engine, journal } = engineOn(sim, dir, (view, at) => seen.push({ id: view.id, at, status: view.sessionStatus, prompt: view.prompt }), counter);

  // The baseline: the simplest follower, GET every 2 s.
  const direct = client(sim);
  const baseline = async (terminalId: string) => {
    const intent = await direct.createIntent({ amount: 100, currencyCode: 'GBP' } as never).catch(() => direct.createIntent({ amount: { value: 100, currencyCode: 'GBP' }, reference: 'baseline' }));
    const session = await direct.createSession(terminalId, { sessionType: 'Sale', sale: { paymentIntentId: intent.id } });
    const observed: { at: number; status: string; prompt: string | null }[] = [];
    for (;;) {
      const s = await direct.getSession(session.id);
      observed.push({ at: Date.now(), status: s.status, prompt: s.notificationEvents.at(-1)?.notificationType ?? null });
      if (['Captured', 'Declined', 'Canceled', 'Expired'].includes(s.status)) break;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    return { sessionId: session.id, observed };
  };

  const started = Date.now();
  const sales = engineTerminals.map((terminalId) => engine.startSale({ amount: 100, currency: 'GBP', terminalId }).id);
  const baselineRuns = await Promise.all(pollerTerminals.map(baseline));
  const done = () => sales.every((id) => engine.get(id).payment.status === 'approved');
  while (!done()) await new Promise((r) => setTimeout(r, 50));
  const elapsedMinutes = (Date.now() - started) / 60_000;

  // A change has reached the till when the follower first shows a state at or after it (a change superseded
  // before the next look counts as seen then): the same rule for both followers.
  const latency = (changes: Change[], observed: { at: number }[]) =>
    changes.flatMap((change) => {
      const hit = observed.find((o) => o.at >= change.at);
      return hit ? [hit.at - change.at] : [];
    });
  const engineLatencies: number[] = [];
  for (const id of sales) {
    const payment = engine.get(id).payment;
    engineLatencies.push(...latency(await changesOf(sim, payment.sessionId!), seen.filter((s) => s.id === id)));
  }
  const pollerLatencies: number[] = [];
  for (const run of baselineRuns) pollerLatencies.push(...latency(await changesOf(sim, run.sessionId), run.observed));
  engine.close();
  journal.close();
  await sim.close();
  return {
    engineP95: quantile(engineLatencies, 0.95),
    pollerP95: quantile(pollerLatencies, 0.95),
    samples: engineLatencies.length,
    requestsPerMinutePerSession: counter.n / count / elapsedMinutes,
  };
}

function journalFigures(dir: string) {
  const journal = Journal.open(path.join(dir, 'writes.sqlite'));
  const writes: number[] = [];
  const base = newRecord({ id: 'w', type: 'Sale', amount: 100, currency: 'GBP', reference: 'bench', terminalId: 't', terminalTid: 'T', environment: 'sandbox', now: Date.now() });
  for (let i = 0; i < 1_000; i++) {
    const t0 = performance.now();
    journal.save({ ...base, id: `w${i}`, updatedAt: Date.now() }, { at: Date.now(), kind: 'bench', message: 'write' });
    writes.push(performance.now() - t0);
  }
  journal.close();
  // Baseline: the same durable commit (WAL, synchronous=FULL) of one bare row.
  const bare = new DatabaseSync(path.join(dir, 'bare.sqlite'));
  bare.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT)');
  const insert = bare.prepare('INSERT INTO t VALUES (?, ?)');
  const bareWrites: number[] = [];
  for (let i = 0; i < 1_000; i++) {
    const t0 = performance.now();
    insert.run(`b${i}`, 'x');
    bareWrites.push(performance.now() - t0);
  }
  bare.close();

  // 100,000 payments, then the history screen's queries.
  const big = Journal.open(path.join(dir, 'history.sqlite'));
  big.close();
  const db = new DatabaseSync(path.join(dir, 'history.sqlite'));
  const row = db.prepare(`INSERT INTO payments (id, type, status, step, amount, currency, reference, terminal_id, created_at, updated_at, data) VALUES (?, ?, ?, 'done', ?, 'GBP', ?, 't', ?, ?, ?)`);
  const statuses = ['approved', 'approved', 'approved', 'declined', 'cancelled'];
  const start = Date.now() - 100_000 * 60_000;
  db.exec('BEGIN');
  for (let i = 0; i < 100_000; i++) {
    const created = start + i * 60_000;
    const record = { ...base, id: `h${i}`, reference: `Order ${i}`, status: statuses[i % 5], createdAt: created };
    row.run(record.id, i % 7 === 0 ? 'MatchedRefund' : 'Sale', record.status!, 100 + (i % 900), record.reference, created, created, JSON.stringify(record));
  }
  db.exec('COMMIT');
  db.close();
  const history = Journal.open(path.join(dir, 'history.sqlite'));
  const queries = [
    { limit: 50, offset: 0 },
    { limit: 50, offset: 500, statuses: ['approved' as const] },
    { limit: 50, offset: 0, types: ['Sale' as const], from: new Date(start + 50_000 * 60_000).toISOString().slice(0, 10) },
    { limit: 50, offset: 0, search: 'Order 9999' },
  ];
  const times: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (const q of queries) {
      const t0 = performance.now();
      history.history(q);
      times.push(performance.now() - t0);
    }
  }
  history.close();
  return { writeP99: quantile(writes, 0.99), bareWriteP99: quantile(bareWrites, 0.99), historyP95: quantile(times, 0.95), historyMedian: median(times) };
}

export async function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-engine-'));
  try {
    const overhead = await createOverhead(dir);
    process.stdout.write(`start-sale -> session created: ${overhead.engineMs.toFixed(1)} ms vs two direct round trips ${overhead.floorMs.toFixed(1)} ms (50 ms latency injected)\n`);
    const prop = await propagation(dir);
    process.stdout.write(`status change -> payment:update p95: ${prop.engineP95} ms (${prop.samples} changes) vs fixed 2 s poller p95 ${prop.pollerP95} ms; ${prop.requestsPerMinutePerSession.toFixed(1)} Dojo requests/min/session\n`);
    const journal = journalFigures(dir);
    process.stdout.write(`journal write p99 ${journal.writeP99.toFixed(2)} ms (bare durable insert p99 ${journal.bareWriteP99.toFixed(2)} ms); history query at 100k rows p95 ${journal.historyP95.toFixed(2)} ms\n`);
    return {
      bench: 'engine',
      createOverheadRatio: round(overhead.engineMs / overhead.floorMs, 3),
      createMs: round(overhead.engineMs),
      twoRoundTripFloorMs: round(overhead.floorMs),
      propagationP95Ms: prop.engineP95,
      propagationP95RatioVs2sPoller: round(prop.engineP95 / prop.pollerP95, 3),
      poller2sP95Ms: prop.pollerP95,
      requestsPerMinutePerSession: round(prop.requestsPerMinutePerSession, 1),
      journalWriteP99Ms: round(journal.writeP99, 3),
      journalWriteRatioVsBareDurableInsert: round(journal.writeP99 / journal.bareWriteP99, 2),
      historyQueryMsAt100k: round(journal.historyP95, 3),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
