import { describe, expect, it } from 'vitest';

// The till's own time zone (Node reads TZ when it changes); London has both daylight-saving jumps.
process.env['TZ'] = 'Europe/London';
const { addDays, localDay, tradingDay, tradingDayBounds, tradingDayRange } = await import('../../src/shared/dates');

const at = (local: string) => new Date(local).getTime(); // "YYYY-MM-DDTHH:MM" without a zone = local time

describe('trading day', () => {
  it('is the calendar day when it starts at midnight', () => {
    expect(tradingDay(at('2026-11-25T00:03'))).toBe('2026-11-25');
    expect(tradingDay(at('2026-11-24T23:59'))).toBe('2026-11-24');
    expect(localDay(at('2026-11-25T00:03'))).toBe('2026-11-25');
  });

  it('rolls over at the configured time (a late-night venue at 04:00)', () => {
    expect(tradingDay(at('2026-11-25T00:03'), '04:00')).toBe('2026-11-24');
    expect(tradingDay(at('2026-11-25T03:59'), '04:00')).toBe('2026-11-24');
    expect(tradingDay(at('2026-11-25T04:00'), '04:00')).toBe('2026-11-25');
    expect(tradingDay(at('2026-01-01T02:00'), '04:00')).toBe('2025-12-31');
    expect(tradingDayBounds('2026-11-24', '04:00')).toEqual({ start: at('2026-11-24T04:00'), end: at('2026-11-25T04:00') });
    expect(tradingDayRange('2026-11-20', '2026-11-24', '04:00')).toEqual({ start: at('2026-11-20T04:00'), end: at('2026-11-25T04:00') });
  });

  it('agrees with its own bounds across both daylight-saving changes, with no gap or overlap', () => {
    for (const dayStart of ['00:00', '00:30', '01:00', '01:30', '02:00', '04:00']) {
      for (const days of [['2026-03-27', '2026-04-01'], ['2026-10-23', '2026-10-28']] as const) {
        let day: string = days[0];
        while (day < days[1]) {
          const { start, end } = tradingDayBounds(day, dayStart);
          expect(tradingDayBounds(addDays(day, 1), dayStart).start).toBe(end);
          for (let t = start; t < end; t += 15 * 60_000) expect(tradingDay(t, dayStart)).toBe(day);
          expect(tradingDay(end, dayStart)).toBe(addDays(day, 1));
          expect(tradingDay(start - 1, dayStart)).toBe(addDays(day, -1));
          day = addDays(day, 1);
        }
      }
    }
  });

  it('refuses a start outside 00:00–11:59', () => {
    for (const bad of ['12:00', '4:00', '24:00', '04:60', '']) expect(() => tradingDayBounds('2026-11-25', bad)).toThrow(RangeError);
  });

  it('counts month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
