/**
 * Days as the shop counts them. Everything that groups payments by day — History's default range, day totals,
 * CSV exports, end-of-day reports — uses these functions, so a payment belongs to the same day everywhere.
 *
 * A *trading day* follows the till's local clock but can roll over later than midnight (a late-night venue sets
 * 04:00: a sale at 01:30 on the 12th still counts on the 11th). A trading day is named after the calendar date
 * it starts on and runs from its start time to the next day's start time, so days never overlap or leave gaps,
 * even across daylight-saving changes.
 */

/** "HH:MM" when the trading day starts; "00:00" is plain calendar days. */
export type DayStart = string;
export const MIDNIGHT: DayStart = '00:00';
/** A trading day may start from midnight to 11:59: later starts would make "the day" mostly tomorrow. */
export const DAY_START_PATTERN = /^(0\d|1[01]):[0-5]\d$/;

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

function parts(dayStart: DayStart): [number, number] {
  if (!DAY_START_PATTERN.test(dayStart)) throw new RangeError(`Trading day start must be 00:00–11:59, not "${dayStart}".`);
  return dayStart.split(':').map(Number) as [number, number];
}

/** A calendar date as YYYY-MM-DD in the till's own time zone. */
export function localDay(date: Date | number = new Date()): string {
  return ymd(new Date(date));
}

/** The instants a trading day covers: `start` inclusive, `end` exclusive (epoch ms, local time). */
export function tradingDayBounds(day: string, dayStart: DayStart = MIDNIGHT): { start: number; end: number } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const [h, min] = parts(dayStart);
  // A start time skipped by a daylight-saving jump moves forward with the clock (Date does this itself).
  return { start: new Date(y, m - 1, d, h, min).getTime(), end: new Date(y, m - 1, d + 1, h, min).getTime() };
}

/** The trading day an instant belongs to (YYYY-MM-DD): defined through `tradingDayBounds`, so the two agree. */
export function tradingDay(at: Date | number = new Date(), dayStart: DayStart = MIDNIGHT): string {
  const instant = new Date(at).getTime();
  const calendar = localDay(instant);
  if (instant >= tradingDayBounds(calendar, dayStart).start) return calendar;
  const d = new Date(instant);
  return ymd(new Date(d.getFullYear(), d.getMonth(), d.getDate() - 1));
}

/** From the start of trading day `from` to the end of trading day `to` (both inclusive). */
export function tradingDayRange(from: string, to: string, dayStart: DayStart = MIDNIGHT): { start: number; end: number } {
  return { start: tradingDayBounds(from, dayStart).start, end: tradingDayBounds(to, dayStart).end };
}

/** The day after (or before, with -1) a YYYY-MM-DD date. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return ymd(new Date(y, m - 1, d + days));
}
