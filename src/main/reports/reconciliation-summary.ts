import type { Reconciliation, ReconciliationSummary } from '../../shared/reports';
import { trainingRecordKeepsWords } from '../../shared/words';

const clockFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
/** A time of day as the till shows it (local, 24-hour). */
export const clock = (ms: number) => clockFormat.format(new Date(ms));

/** One line for people, from the result as it stands now (exceptions dealt with since the run say so). */
export function reconciliationMessage(result: Omit<Reconciliation, 'id' | 'message'> & { message?: string }): string {
  if (result.status === 'unreachable') return result.message ?? `Dojo could not be reached at ${clock(Date.parse(result.ranAt))}, so nothing was reconciled.`;
  const open = result.exceptions.filter((e) => e.state === 'open').length;
  const settled = result.exceptions.length - open;
  const foreign = result.otherTills.length + result.outside.length;
  const line = `Reconciled with Dojo at ${clock(Date.parse(result.ranAt))}: ${result.matched} matched, ${open} exception${open === 1 ? '' : 's'}${settled ? ` (${settled} dealt with)` : ''}${foreign ? `; ${foreign} payment${foreign === 1 ? '' : 's'} not made by this till` : ''}.`;
  return result.beyondRecord ? `${line} ${beyondRecordWords(result.beyondRecord)}` : line;
}

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** Training only: payments older than the practice terminal's record keeps, said as that (never "no record"). */
export function beyondRecordWords(beyond: NonNullable<Reconciliation['beyondRecord']>): string {
  const n = beyond.payments;
  const refunds = beyond.refunds ? ` (nor ${beyond.refunds} refund${beyond.refunds === 1 ? '' : 's'} of ${n === 1 ? 'it' : 'them'})` : '';
  return `${trainingRecordKeepsWords(beyond.keepsDays)}: ${n} payment${n === 1 ? '' : 's'} from before ${dayFormat.format(new Date(beyond.before))} ${n === 1 ? 'is' : 'are'} no longer on it and could not be checked${refunds}.`;
}

/** What a report prints about a reconciliation: its counts, or that Dojo could not be reached. */
export function reconciliationSummary(result: Reconciliation | null): ReconciliationSummary {
  if (!result) return { status: 'not_run', at: null, matched: 0, exceptions: 0, otherTills: 0, outside: 0, message: 'Not reconciled with Dojo yet.' };
  if (result.status === 'unreachable') return { status: 'unreachable', at: result.ranAt, matched: 0, exceptions: 0, otherTills: 0, outside: 0, message: result.message };
  return {
    status: 'reconciled',
    at: result.ranAt,
    matched: result.matched,
    exceptions: result.exceptions.filter((e) => e.state === 'open').length,
    otherTills: result.otherTills.length,
    outside: result.outside.length,
    message: reconciliationMessage(result),
  };
}
