// Crash-kill: a child process runs the services; an EPOS (this process) runs 200 sales and refunds through the
// loopback API while the child is killed with SIGKILL at seeded random moments and started again. After the
// last restart: zero lost payments, zero duplicate charges, every payment final or needs attention.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal } from '../../src/main/journal/journal';
import { INTENT_CHARGED } from '../../src/shared/dojo-statuses';
import { FINAL_STATUSES } from '../../src/shared/payments';
import { startSimulator } from '../../src/simulator';
import { freePortBlock } from '../../scripts/lib/free-port-block';
import { runStandalone, type CheckResult, type Profile } from './report';

const TOKEN = 'crash-kill-epos-token-0123456789';
/** Final, or waiting for a person. */
const FINAL: readonly string[] = [...FINAL_STATUSES, 'needs_attention'];

/** A small seeded generator (mulberry32): the same seed kills at the same moments. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function run(profile: Profile = 'quick', seed = Number(process.env['CRASH_SEED'] ?? 20261125)): Promise<CheckResult> {
  const operations = 200;
  const random = seeded(seed);
  const sim = await startSimulator({ speed: 40 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-crash-'));
  // A port free now (not a fixed range): other runs on this machine, and the other verify checks, never meet it. The
  // seeded draw that used to pick the port is still taken, so a seed kills at the same moments as before.
  random();
  const port = freePortBlock(1);
  const terminalId = sim.admin.terminalByTid('VCMTILLSCP0')!.id;
  let child: ChildProcess | undefined;
  let kills = 0;

  const startChild = () =>
    new Promise<void>((resolve, reject) => {
      // One process (node with tsx's loader), so SIGKILL really kills the services (tsx's CLI would leave them orphaned).
      child = spawn(process.execPath, ['--import', 'tsx', 'tests/reliability/crash-worker.ts', dir, sim.url, String(port), TOKEN, terminalId], { stdio: ['ignore', 'pipe', 'inherit'] });
      const timer = setTimeout(() => reject(new Error('worker did not start')), 30_000);
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && (clearTimeout(timer), resolve()));
      child.once('exit', () => clearTimeout(timer));
    });
  const api = async (method: string, route: string, body?: unknown, key?: string): Promise<any> => {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}${route}`, {
          method,
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'till-environment': 'sandbox', ...(key ? { 'idempotency-key': key } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(20_000),
        });
        const json = (await response.json()) as Record<string, unknown>;
        if (response.status >= 500 && response.status !== 502) throw new Error(`HTTP ${response.status}`);
        return { status: response.status, ...json };
      } catch {
        // The companion was killed: like an EPOS, wait and send the same request again (same key).
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  };

  await startChild();
  let stop = false;
  const killer = (async () => {
    while (!stop) {
      await new Promise((r) => setTimeout(r, 400 + random() * (profile === 'full' ? 1_500 : 2_500)));
      if (stop) break;
      child?.kill('SIGKILL');
      kills++;
      await new Promise((r) => child!.once('exit', r));
      await startChild();
    }
  })();

  const outcomes: string[] = [];
  for (let i = 0; i < operations; i++) {
    const refund = i % 5 === 4 && outcomes.length > 0;
    const saleIndex = i - 1;
    const started = refund
      ? await api('POST', '/v1/refunds', { reference: `CRASH-${saleIndex}`, amount: 100 }, `crash-refund-${i}`)
      : await api('POST', '/v1/sales', { amount: 500 + i, currency: 'GBP', reference: `CRASH-${i}` }, `crash-sale-${i}`);
    if (!started.paymentId) {
      outcomes.push(`refused: ${started.code ?? started.status}`);
      continue;
    }
    let payment = await api('GET', `/v1/payments/${started.paymentId}`);
    while (!FINAL.includes(payment.status)) payment = await api('GET', `/v1/payments/${started.paymentId}?wait=10&since=${encodeURIComponent(payment.updatedAt ?? '')}`);
    outcomes.push(payment.status);
  }
  stop = true;
  await killer;
  // Let the last life finish recovering, then stop it cleanly.
  await new Promise((r) => setTimeout(r, 1_500));
  child?.kill('SIGTERM');
  await new Promise((r) => child!.once('exit', r));

  const journal = Journal.open(path.join(dir, 'journal-sandbox.sqlite'));
  const payments = collect(journal);
  journal.close();
  const snapshot = sim.admin.snapshot();
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });

  // Five properties, each a line of the verdict.
  const checks: Record<string, string[]> = { 'no payment lost': [], 'one intent per payment': [], 'one sale session per intent': [], 'journal agrees with Dojo': [], 'every sale journalled once': [] };
  const unfinished = payments.filter((p) => !FINAL.includes(p.status));
  if (unfinished.length) checks['no payment lost']!.push(`${unfinished.length} payments not final: ${unfinished.map((p) => p.status).join(', ')}`);
  const byOwner = new Map<string, number>();
  for (const intent of snapshot.intents) {
    const owner = intent.metadata?.['tillPaymentId'];
    if (!owner || !payments.some((p) => p.id === owner)) checks['journal agrees with Dojo']!.push(`intent ${intent.id} (${intent.status}) has no payment in the journal`);
    if (owner) byOwner.set(owner, (byOwner.get(owner) ?? 0) + 1);
  }
  for (const [owner, count] of byOwner) if (count > 1) checks['one intent per payment']!.push(`${owner} has ${count} intents`);
  const saleSessions = new Map<string, number>();
  for (const s of snapshot.sessions) if (s.sessionType === 'Sale' && s.intentId) saleSessions.set(s.intentId, (saleSessions.get(s.intentId) ?? 0) + 1);
  for (const [intent, count] of saleSessions) if (count > 1) checks['one sale session per intent']!.push(`intent ${intent} has ${count} sale sessions`);
  for (const payment of payments.filter((p) => p.type === 'Sale')) {
    const intent = snapshot.intents.find((i) => i.metadata?.['tillPaymentId'] === payment.id);
    const charged = intent && INTENT_CHARGED.includes(intent.status);
    if (charged && payment.status !== 'approved' && payment.status !== 'needs_attention') checks['journal agrees with Dojo']!.push(`${payment.id} charged but ${payment.status}`);
    if (!charged && payment.status === 'approved') checks['journal agrees with Dojo']!.push(`${payment.id} approved but not charged`);
  }
  const saleRefs = payments.filter((p) => p.type === 'Sale').map((p) => p.reference);
  const expectedSales = Array.from({ length: operations }, (_, i) => i).filter((i) => !(i % 5 === 4)).length;
  if (new Set(saleRefs).size !== expectedSales || saleRefs.length !== expectedSales) checks['every sale journalled once']!.push(`${saleRefs.length} sale records for ${new Set(saleRefs).size} references, expected ${expectedSales}`);
  const failures = Object.entries(checks).flatMap(([name, problems]) => problems.map((p) => `${name}: ${p}`));
  const passedChecks = Object.values(checks).filter((problems) => problems.length === 0).length;
  return {
    name: 'crash-kill',
    passed: passedChecks,
    total: Object.keys(checks).length,
    figures: {
      seed,
      operations,
      'kills survived': kills,
      approved: outcomes.filter((o) => o === 'approved').length,
      'failed (nothing charged)': outcomes.filter((o) => o === 'failed').length,
      'needs attention': outcomes.filter((o) => o === 'needs_attention').length,
      'lost payments': unfinished.length,
      'duplicate charges': [...byOwner.values()].filter((n) => n > 1).length + [...saleSessions.values()].filter((n) => n > 1).length,
      'payments journalled': payments.length,
    },
    failures,
  };
}

function collect(journal: Journal) {
  const all = [];
  for (let offset = 0; ; offset += 200) {
    const page = journal.history({ limit: 200, offset });
    all.push(...page.items);
    if (page.items.length < 200) return all;
  }
}

if (require.main === module) runStandalone((profile) => run(profile));
