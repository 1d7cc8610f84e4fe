/** Simulated time. Session scripts are written in Dojo's real durations; the clock decides how fast they pass. */
export interface SimClock {
  now(): number;
  /** Moves a manual clock forward; on a running clock it jumps ahead the same way. */
  advance(ms: number): void;
  readonly kind: 'manual' | 'real';
  readonly speed: number;
}

/** Real time, optionally accelerated: at speed 20 one simulated second passes in 50 ms. */
export function realClock(speed = 1, start = Date.now()): SimClock {
  let offset = 0;
  const realStart = Date.now();
  return {
    kind: 'real',
    speed,
    now: () => start + (Date.now() - realStart) * speed + offset,
    advance(ms) {
      offset += ms;
    },
  };
}

/** Time that moves only when a test says so. */
export function manualClock(start = Date.parse('2026-11-25T09:00:00.000Z')): SimClock {
  let current = start;
  return {
    kind: 'manual',
    speed: 0,
    now: () => current,
    advance(ms) {
      current += ms;
    },
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString();
