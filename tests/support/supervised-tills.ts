import { afterEach } from 'vitest';
import { startTill, type TillOptions, type TillUnderTest } from './till-services';

/**
 * Tills for the supervisor, refund and fraud tests, each closed after its test (call once, at the top of a test
 * file: it registers the afterEach). `start`: any till; `supervised`: with the supervisor PIN `pin` set and the
 * terminal VCMTILLSIP0 chosen, where those tests begin. Vitest only (till-services.ts also serves Playwright).
 */
export function tillsForEachTest(pin: string): { start(options?: TillOptions): Promise<TillUnderTest>; supervised(options?: TillOptions): Promise<TillUnderTest> } {
  const tills: TillUnderTest[] = [];
  afterEach(async () => {
    for (const till of tills.splice(0)) await till.close();
  });
  const start = async (options: TillOptions = {}) => {
    const till = await startTill(options);
    tills.push(till);
    return till;
  };
  const supervised = async (options: TillOptions = {}) => {
    const till = await start(options);
    await till.ok('settings:setSupervisorPin', { next: pin, confirm: pin });
    await till.ok('settings:update', { terminalId: await till.terminal('VCMTILLSIP0') });
    return till;
  };
  return { start, supervised };
}

/**
 * How far to move a till's clock (`now: () => Date.now() + offset`) so that it reads hours:minutes yesterday —
 * behind the real clock, so no payment ever looks overdue, yet a whole trading day the caps can count.
 */
export function offsetToYesterdayAt(hours: number, minutes: number): number {
  const at = new Date();
  at.setDate(at.getDate() - 1);
  at.setHours(hours, minutes, 0, 0);
  return at.getTime() - Date.now();
}
