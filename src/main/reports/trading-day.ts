import { tradingDay, tradingDayBounds, type DayStart } from '../../shared/dates';

/**
 * Trading days as reports and reconciliation see them: the shared trading-day helper (shared/dates.ts) with
 * the till's start time from settings. Tests give their own, so that no test depends on the hour it runs.
 */
export interface TradingDays {
  /** The trading day a moment belongs to (YYYY-MM-DD). */
  dayOf(ms: number): string;
  /** [start, end) of a trading day, in ms since the epoch. */
  bounds(day: string): { start: number; end: number };
}

export function tradingDays(dayStart: () => DayStart): TradingDays {
  return { dayOf: (ms) => tradingDay(ms, dayStart()), bounds: (day) => tradingDayBounds(day, dayStart()) };
}
