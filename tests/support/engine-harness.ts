import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DojoClient } from '../../src/main/dojo/client';
import { Journal } from '../../src/main/journal/journal';
import { silentLogger } from '../../src/main/logging/logger';
import { PaymentEngine } from '../../src/main/payments/engine';
import type { PollingPolicy } from '../../src/main/payments/polling';
import { INTENT_CHARGED, SESSION_APPROVED } from '../../src/shared/dojo-statuses';
import { FINAL_STATUSES, type PaymentView } from '../../src/shared/payments';
import { startSimulator, type Simulator } from '../../src/simulator';

export const SPEED = 40;
/**
 * Authorized before the signature check, Captured before it, Authorized then Captured, and a customer who takes a
 * minute over the PIN (a state that lasts, for tests), Captured then a signature check 20 s later: src/simulator/scenarios.ts.
 */
export const ORDERING_TIDS = ['VCMTILLAIS0', 'VCMTILLCIS0', 'VCMTILLAIP0', 'VCMTILLSLP0', 'VCMTILLLIS0'];
export const TEST_TILL_ID = 'till_0123456789abcdef';
/** Poll intervals shrunk to match the accelerated simulator. */
export const FAST_POLLING: Partial<PollingPolicy> = { scale: 1 / SPEED, graceMs: 120_000 };

export interface EngineHarness {
  sim: Simulator;
  dir: string;
  journalFile: string;
  journal: Journal;
  engine: PaymentEngine;
  updates: PaymentView[];
  client: DojoClient;
  terminal(tid: string): string;
  /** Simulates a crash: drops the engine without a clean shutdown, reopens the journal, recovers. */
  restart(): Promise<void>;
  waitFor(paymentId: string, predicate: (view: PaymentView) => boolean, timeoutMs?: number): Promise<PaymentView>;
  close(): Promise<void>;
}

export function makeClient(sim: Simulator, overrides: Partial<ConstructorParameters<typeof DojoClient>[0]> = {}) {
  return new DojoClient({
    baseUrl: sim.url,
    fetch: globalThis.fetch,
    apiKey: async () => 'sk_sandbox_engine_tests',
    version: '2026-02-27',
    softwareHouseId: 'softwareHouse1',
    resellerId: 'reseller1',
    // Long enough that a loaded 2-core CI machine never turns a slow answer into a lost one (which would take
    // another, equally right, path and change what a test sees); a hung request still ends in seconds.
    timeoutMs: 3_000,
    retryDelayMs: 20,
    ...overrides,
  });
}

export async function engineHarness(
  options: {
    sim?: Simulator;
    policy?: Partial<PollingPolicy>;
    clientOverrides?: Partial<ConstructorParameters<typeof DojoClient>[0]>;
    /** Called as each update is pushed (synchronously): what was true at that very moment, e.g. Dojo's own state. */
    onUpdate?: (view: PaymentView) => void;
  } = {},
): Promise<EngineHarness> {
  const sim = options.sim ?? (await startSimulator({ speed: SPEED }));
  // The orderings Dojo allows but does not promise, by TID (not among the default terminals training shows).
  for (const tid of ORDERING_TIDS) if (!sim.admin.terminalByTid(tid)) sim.admin.addTerminal({ tid });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-engine-'));
  const journalFile = path.join(dir, 'journal.sqlite');
  const updates: PaymentView[] = [];
  const client = makeClient(sim, options.clientOverrides);
  const build = () => {
    const journal = Journal.open(journalFile);
    const engine = new PaymentEngine({
      journal,
      client: () => client,
      environment: 'sandbox',
      tillId: TEST_TILL_ID,
      policy: { ...FAST_POLLING, ...options.policy },
      logger: silentLogger,
      onUpdate: (view) => {
        updates.push(view);
        options.onUpdate?.(view);
      },
    });
    return { journal, engine };
  };
  let { journal, engine } = build();
  const harness: EngineHarness = {
    sim,
    dir,
    journalFile,
    get journal() {
      return journal;
    },
    get engine() {
      return engine;
    },
    updates,
    client,
    terminal: (tid) => sim.admin.terminalByTid(tid)!.id,
    async restart() {
      engine.close();
      journal.close();
      ({ journal, engine } = build());
      await engine.recover();
    },
    // A generous bound for a state to be reached (the engine runs 40x; a loaded CI machine is slow, not stuck).
    async waitFor(paymentId, predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        let view: PaymentView | undefined;
        try {
          view = engine.get(paymentId).payment;
        } catch {
          view = undefined;
        }
        if (view && predicate(view)) return view;
        if (Date.now() > deadline) throw new Error(`timed out; last state: ${JSON.stringify(view && { status: view.status, sessionStatus: view.sessionStatus, message: view.message })}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      engine.close();
      journal.close();
      if (!options.sim) await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Final, or waiting for a person. */
export const isEnded = (view: Pick<PaymentView, 'status'>) => FINAL_STATUSES.includes(view.status) || view.status === 'needs_attention';

/** Dojo's record vs the journal: no payment lost, none charged twice. */
export function auditAgainstSimulator(h: EngineHarness) {
  const snapshot = h.sim.admin.snapshot();
  const journalPayments = h.journal.history({ limit: 200, offset: 0 }).items;
  const problems: string[] = [];
  for (const payment of journalPayments) {
    if (!isEnded(payment)) problems.push(`${payment.id} still ${payment.status}`);
    if (payment.type === 'Sale') {
      const intents = snapshot.intents.filter((i) => i.metadata?.['tillPaymentId'] === payment.id);
      if (intents.length > 1) problems.push(`${payment.id} has ${intents.length} intents`);
      const intent = intents[0];
      const charged = intent && INTENT_CHARGED.includes(intent.status);
      if (charged && payment.status !== 'approved' && payment.status !== 'needs_attention') problems.push(`${payment.id} charged on Dojo but ${payment.status} in the journal`);
      if (!charged && payment.status === 'approved' && !payment.resolution) problems.push(`${payment.id} approved in the journal but ${intent?.status ?? 'no intent'} on Dojo`);
      if (intent) {
        const captured = snapshot.sessions.filter((s) => s.intentId === intent.id && s.sessionType === 'Sale' && SESSION_APPROVED.includes(s.status));
        if (captured.length > 1) problems.push(`${payment.id} captured by ${captured.length} sessions`);
      }
    }
  }
  // Every charging intent on Dojo belongs to a journalled payment.
  for (const intent of snapshot.intents) {
    const owner = intent.metadata?.['tillPaymentId'];
    if (!owner || !journalPayments.some((p) => p.id === owner)) problems.push(`Dojo intent ${intent.id} (${intent.status}) has no payment in the journal`);
  }
  return problems;
}
