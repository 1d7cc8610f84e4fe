import { AppError } from '../../src/main/errors';
import { silentLogger } from '../../src/main/logging/logger';
import type { AuditInput } from '../../src/main/authority/audit';
import { supervisorRequired, type EodAuthority } from '../../src/main/reports/authority';
import { Reconciler } from '../../src/main/reports/reconciler';
import { ReportService } from '../../src/main/reports/report-service';
import type { TradingDays } from '../../src/main/reports/trading-day';
import { TEST_TILL_ID, type EngineHarness } from './engine-harness';

const DAY = 86_400_000;
export const SUPERVISOR_PIN = '246813';

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

/**
 * The supervisor guard's contract as main enforces it (PIN 246813; no PIN: SUPERVISOR_REQUIRED; wrong:
 * VALIDATION; every decision audited), with the audit kept in memory for the test to read.
 */
export function testAuthority(): EodAuthority & { audits: AuditInput[] } {
  const audits: AuditInput[] = [];
  const audit = { record: (entry: AuditInput) => (audits.push(entry), null) };
  return {
    audits,
    audit,
    guard: {
      async withSupervisor(pin, action, context, run) {
        const refuse = (error: AppError): never => {
          audit.record({ action, outcome: 'refused', actor: 'cashier', subject: context.subject ?? null, summary: context.summary, ...(context.detail ? { detail: context.detail } : {}) });
          throw error;
        };
        if (!pin) refuse(supervisorRequired('This needs the supervisor PIN.'));
        if (pin !== SUPERVISOR_PIN) refuse(new AppError('VALIDATION', 'The supervisor PIN is not right.', { supervisorPin: ['Wrong PIN.'] }));
        const result = await run();
        audit.record({ action, outcome: 'ok', actor: 'supervisor', subject: context.subject ?? null, summary: context.summary, ...(context.detail ? { detail: context.detail } : {}) });
        return result;
      },
    },
  };
}

/** Reports and reconciliation over an engine harness's journal and simulator. */
export function eodOn(h: EngineHarness, days: TradingDays, authority = testAuthority()) {
  const common = { journal: h.journal, days, now: Date.now, tillId: TEST_TILL_ID, authority, logger: silentLogger };
  const reconciler = new Reconciler({ ...common, engine: h.engine, client: () => h.client });
  const reports = new ReportService({ ...common, environment: 'sandbox', reconciler });
  return { reconciler, reports, authority };
}
