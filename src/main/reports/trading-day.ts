import { localDay } from '../../shared/dates';

/**
 * Trading days: a day runs from the rollover time (default midnight; e.g. 04:00 for late venues) to the same
 * time the next calendar day, in the till's local time. Reports and reconciliation use this seam; the shared
 * trading-day helper (src/shared/dates.ts) and its setting replace the body when they land.
 */
export interface TradingDays {
  /** The trading day a moment belongs to (YYYY-MM-DD). */
  dayOf(ms: number): string;
  /** [start, end) of a trading day, in ms since the epoch. */
  bounds(day: string): { start: number; end: number };
}

export function tradingDays(rolloverMinutes: () => number): TradingDays {
  return {
    dayOf(ms) {
      const at = new Date(ms);
      if (at.getHours() * 60 + at.getMinutes() < rolloverMinutes()) at.setDate(at.getDate() - 1);
      return localDay(at);
    },
    bounds(day) {
      const [y, m, d] = day.split('-').map(Number) as [number, number, number];
      const minutes = rolloverMinutes();
      return { start: new Date(y, m - 1, d, 0, minutes).getTime(), end: new Date(y, m - 1, d + 1, 0, minutes).getTime() };
    },
  };
}
