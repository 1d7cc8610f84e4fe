import type { AddressInfo } from 'node:net';
import { manualClock, realClock, type SimClock } from './clock';
import { Faults } from './faults';
import { readRecord, RecordKeeper, restoreRecord, type RecordLoad } from './record-file';
import { RECORD_KEEPS_DAYS } from './retention';
import { createSimServer, type SimControls } from './server';
import { SimState, type Environment } from './state';

export interface SimulatorOptions {
  port?: number;
  /** Accelerates simulated time (20 = a 90 s card window passes in 4.5 s). Ignored with a manual clock. */
  speed?: number;
  /** 'manual': time moves only through admin.advance(); otherwise real time × speed. */
  clock?: 'real' | 'manual' | SimClock;
  environment?: Environment;
  /** Keep every request/response for contract tests. */
  record?: boolean;
  /** Random extra time (up to this many ms) for each step a customer takes; 0 keeps timings reproducible. */
  humanJitterMs?: number;
  /**
   * Keep Dojo's record in this file across restarts (training mode does; tests and `npm run sim` only when given
   * one). Without it the simulator starts empty and forgets everything when it stops.
   */
  recordFile?: string;
  /** A save of the record failed (the simulator goes on in memory). */
  onRecordError?: (error: unknown) => void;
}

export interface Simulator {
  url: string;
  admin: SimControls;
  clock: SimClock;
  /** What the record file held at start (`fresh` without a file, or without `recordFile`). */
  recordLoad: RecordLoad;
  close(): Promise<void>;
}

/** Starts a Dojo simulator on 127.0.0.1 (a random port unless given). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const environment = options.environment ?? 'sandbox';
  const found = options.recordFile ? readRecord(options.recordFile, environment) : { load: { kind: 'fresh' as const } };
  // A restored simulator's time never runs backwards (an accelerated clock may have run ahead of the wall clock).
  const since = found.record?.clock ?? -Infinity;
  const clock =
    typeof options.clock === 'object'
      ? options.clock
      : options.clock === 'manual'
        ? manualClock(Math.max(manualClock().now(), since))
        : realClock(options.speed ?? 1, Math.max(Date.now(), since));
  const state = new SimState(clock, environment, options.humanJitterMs ?? 0);
  if (found.record) restoreRecord(state, found.record);
  // A file that could not be moved aside is never overwritten: this run keeps its record in memory only.
  const keeper = options.recordFile && !(found.load.kind === 'setAside' && found.load.keptAs === null) ? new RecordKeeper(options.recordFile, state, { onError: options.onRecordError }) : undefined;
  // Old finished payments leave the record at load (saved smaller soon after), then once a simulated day.
  if (keeper) state.keepsFinishedDays = RECORD_KEEPS_DAYS;
  if (keeper?.prune()) keeper.changed();
  const { server, controls } = createSimServer({ state, faults: new Faults(), record: options.record ?? false, ...(keeper ? { keeper } : {}) });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    admin: controls,
    clock,
    recordLoad: found.load,
    async close() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await keeper?.close();
    },
  };
}

export { SimState } from './state';
export type { RecordLoad } from './record-file';
export type { SimClock } from './clock';
export { RECORD_KEEPS_DAYS, recordKeptFrom } from './retention';
export { DEFAULT_TERMINALS, describeVirtualTerminal } from './state';
