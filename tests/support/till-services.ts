import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createHandlers } from '../../src/main/handlers';
import { createDispatcher, type Dispatch } from '../../src/main/ipc/dispatcher';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { loadBuildConfig } from '../../src/main/settings/build-config';
import type { EposLimits } from '../../src/main/integration/limits';
import { createServices, type Services } from '../../src/main/services';
import type { AuditEntryView } from '../../src/shared/audit';
import { RUNNING_STATUSES, type PaymentView } from '../../src/shared/payments';
import { startSimulator, type Simulator } from '../../src/simulator';

/**
 * The service graph behind the same dispatcher the renderer's bridge calls (Electron IPC and the web harness
 * both end in it), with a data folder and a keychain that outlive a restart.
 */
export interface TillUnderTest {
  dir: string;
  secrets: MemorySecretStore;
  services: Services;
  dispatch: Dispatch;
  sim: Simulator | undefined;
  /** Stops the app (cleanly) and starts it again on the same folder and keychain. */
  restart(): Promise<void>;
  /** Calls a channel and returns its data, failing the test with the error if it was refused. */
  ok<T = any>(channel: string, request?: unknown): Promise<T>;
  terminal(tid: string): Promise<string>;
  /** The audit as the supervisor reads it (newest first, up to 500 entries). */
  audit(): Promise<AuditEntryView[]>;
  /** A call to the EPOS loopback API over real HTTP, with the till's current token. */
  epos(method: string, route: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }>;
  finish(paymentId: string, done?: (view: PaymentView) => boolean): Promise<PaymentView>;
  close(): Promise<void>;
}

export interface TillOptions {
  tillBuild?: Record<string, unknown>;
  /** A live sandbox on an external simulator (faults can be injected) instead of training mode. */
  sandbox?: boolean;
  /** The sandbox simulator's speed (40 unless given). */
  speed?: number;
  now?: () => number;
  dir?: string;
  secrets?: MemorySecretStore;
  /** EPOS API caps other than the defaults (e.g. raised so a flood reaches what a test is about). */
  eposLimits?: Partial<EposLimits>;
  /** More environment for the app (e.g. TILL_EXCHANGE_DIR to run the folder exchange). */
  env?: Record<string, string>;
}

export const SANDBOX_KEY = 'sk_sandbox_authority_tests_1234';

export async function startTill(options: TillOptions = {}): Promise<TillUnderTest> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'till-authority-'));
  const secrets = options.secrets ?? new MemorySecretStore(options.sandbox ? { 'dojo-api-key': SANDBOX_KEY } : {});
  const sim = options.sandbox ? await startSimulator({ speed: options.speed ?? 40 }) : undefined;
  const boot = () =>
    createServices({
      ...nodeAdapters({
        host: 'test',
        dataDir: dir,
        secrets,
        env: { TILL_TRAINING_SIM_SPEED: '40', ...(sim ? { DOJO_API_BASE_URL: sim.url, TILL_DOJO_SPEED: String(options.speed ?? 40) } : {}), ...options.env },
        buildConfig: loadBuildConfig({ tillBuild: options.tillBuild ?? {} }),
        ...(options.now ? { now: options.now } : {}),
      }),
      ...(options.eposLimits ? { eposLimits: options.eposLimits } : {}),
    });
  const till: TillUnderTest = {
    dir,
    secrets,
    sim,
    services: await boot(),
    dispatch: undefined as unknown as Dispatch,
    async restart() {
      await till.services.close();
      till.services = await boot();
      till.dispatch = createDispatcher(createHandlers(till.services));
    },
    async ok(channel, request) {
      const result = await till.dispatch(channel, request);
      if (!result.ok) throw new Error(`${channel} refused: ${JSON.stringify(result.error)}`);
      return result.data as never;
    },
    async audit() {
      return (await till.ok<{ entries: AuditEntryView[] }>('audit:list', { limit: 500 })).entries;
    },
    async terminal(tid) {
      const { terminals } = await till.ok<{ terminals: { id: string; tid: string }[] }>('terminals:list');
      return terminals.find((t) => t.tid === tid)!.id;
    },
    async epos(method, route, body) {
      const response = await fetch(`${till.services.epos.url}${route}`, {
        method,
        // The EPOS names the till's environment (the environment rule: no training or sandbox result passes for real money).
        headers: { authorization: `Bearer ${till.services.epos.secrets()[0]}`, 'till-environment': till.services.environment(), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    async finish(paymentId, done = (v) => !RUNNING_STATUSES.includes(v.status)) {
      // Waits for the state, with a generous bound (never a fixed sleep).
      for (let i = 0; i < 1_500; i++) {
        const view = till.services.payments().payment(paymentId);
        if (done(view)) return view;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`payment ${paymentId} did not get there: ${JSON.stringify(till.services.payments().payment(paymentId))}`);
    },
    async close() {
      await till.services.close();
      await sim?.close();
      if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  till.dispatch = createDispatcher(createHandlers(till.services));
  return till;
}

/** Stops the till, edits its journal with SQLite as someone holding the file would (triggers dropped), starts it again. */
export async function editJournal(t: TillUnderTest, environment: 'training' | 'sandbox' | 'production', edit: (db: DatabaseSync) => void): Promise<void> {
  await t.services.close();
  const db = new DatabaseSync(path.join(t.dir, `journal-${environment}.sqlite`));
  db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
  edit(db);
  db.close();
  await t.restart();
}
