import { AppError } from '../../src/main/errors';
import { silentLogger } from '../../src/main/logging/logger';
import { supervisorRequired, type EodAuthority } from '../../src/main/reports/authority';
import { Reconciler } from '../../src/main/reports/reconciler';
import { ReportService } from '../../src/main/reports/report-service';
import type { TradingDays } from '../../src/main/reports/trading-day';
import { TEST_TILL_ID, type EngineHarness } from './engine-harness';

const DAY = 86_400_000;
export const SUPERVISOR_PIN = '2468';

/**
 * Trading days whose boundary the test moves: no test depends on the hour it runs. Day 0 ends at the boundary
 * (12 hours from now until `nextDay()`), day 1 starts there; days are named from 2026-11-25.
 */
export function movableDays(): { days: TradingDays; nextDay(): void; names: string[] } {
  let boundary = Date.now() + DAY / 2;
  const names = ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];
  const index = (ms: number) => Math.max(0, Math.min(names.length - 1, 1 + Math.floor((ms - boundary) / DAY)));
  return {
    names,
    days: {
      dayOf: (ms) => names[index(ms)]!,
      bounds: (day) => {
        const i = names.indexOf(day);
        if (i < 0) throw new Error(`unknown test day ${day}`);
        return { start: boundary + (i - 1) * DAY, end: boundary + i * DAY };
      },
    },
    nextDay: () => {
      boundary = Date.now();
    },
  };
}

/** The supervisor guard as main enforces it (PIN 2468), recording what would be audited. */
export function testAuthority(): EodAuthority & { audits: { action: string; detail: Record<string, unknown> }[]; checks: string[] } {
  const audits: { action: string; detail: Record<string, unknown> }[] = [];
  const checks: string[] = [];
  return {
    audits,
    checks,
    async requireSupervisor(pin, action) {
      checks.push(action);
      if (!pin) throw supervisorRequired('This needs the supervisor PIN.');
      if (pin !== SUPERVISOR_PIN) throw new AppError('VALIDATION', 'The supervisor PIN is not right.', { supervisorPin: ['Wrong PIN.'] });
    },
    audit: (action, detail) => void audits.push({ action, detail }),
  };
}

/** Reports and reconciliation over an engine harness's journal and simulator. */
export function eodOn(h: EngineHarness, days: TradingDays, authority = testAuthority()) {
  const common = { journal: h.journal, days, now: Date.now, tillId: TEST_TILL_ID, authority, logger: silentLogger };
  const reconciler = new Reconciler({ ...common, engine: h.engine, client: () => h.client });
  const reports = new ReportService({ ...common, environment: 'sandbox', reconciler });
  return { reconciler, reports, authority };
}
