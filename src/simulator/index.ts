import type { AddressInfo } from 'node:net';
import { manualClock, realClock, type SimClock } from './clock';
import { Faults } from './faults';
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
}

export interface Simulator {
  url: string;
  admin: SimControls;
  clock: SimClock;
  close(): Promise<void>;
}

/** Starts a Dojo simulator on 127.0.0.1 (a random port unless given). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = typeof options.clock === 'object' ? options.clock : options.clock === 'manual' ? manualClock() : realClock(options.speed ?? 1);
  const state = new SimState(clock, options.environment ?? 'sandbox', options.humanJitterMs ?? 0);
  const { server, controls } = createSimServer({ state, faults: new Faults(), record: options.record ?? false });
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { SimState } from './state';
export { DEFAULT_TERMINALS, describeVirtualTerminal } from './state';
