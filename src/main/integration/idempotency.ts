import { createHash } from 'node:crypto';
import { localDay } from '../../shared/dates';
import { formatMoney } from '../../shared/money';
import { AppError } from '../errors';

/**
 * The EPOS's idempotency keys as the engine and the refund-request queue store them: one place, so the HTTP API
 * and the folder exchange find the same payment (or request) for the same key. Without an Idempotency-Key a
 * sale's reference is the key, for today only (references repeat, e.g. "Table 5").
 */
export const saleKey = (key: string, now: number) => (key.startsWith('reference:') ? `epos:${localDay(now)}:${key}` : `epos:${key}`);
export const refundKey = (key: string) => `epos-refund:${key}`;
export const unlinkedKey = (key: string) => `epos-unlinked:${key}`;

/**
 * A keyed refund request's id follows from its key, so a retry after a restart of the companion (the queue lives
 * in memory; the journal keeps the refund it started) is answered with the same requestId the EPOS first saw.
 */
export const requestIdForKey = (key: string) => `rr_${createHash('sha256').update(key).digest('base64url').slice(0, 16)}`;

/** What an EPOS sent for an unlinked refund: the fields a retry with the same key must repeat. */
interface UnlinkedAsk {
  amount: number;
  currency: string;
  reference?: string | undefined;
  terminalId?: string | undefined;
}

/**
 * The same key with another body is another refund, never a replay: refused with IDEMPOTENCY_KEY_REUSED (422) and
 * nothing is queued or started. `earlier` is the request the key made (every field as sent) or, once that request
 * is forgotten, the refund it started (the reference and terminal are then compared only when the retry names them:
 * the companion fills both in when the EPOS leaves them out).
 */
export function requireSameUnlinkedAsk(earlier: UnlinkedAsk & { filledIn?: boolean }, retry: UnlinkedAsk): void {
  const differs = (field: 'reference' | 'terminalId') => (earlier.filledIn ? retry[field] !== undefined && retry[field] !== earlier[field] : (retry[field] ?? null) !== (earlier[field] ?? null));
  const fields = [
    ...(retry.amount !== earlier.amount ? ['amount'] : []),
    ...(retry.currency !== earlier.currency ? ['currency'] : []),
    ...(differs('reference') ? ['reference'] : []),
    ...(differs('terminalId') ? ['terminalId'] : []),
  ];
  if (fields.length === 0) return;
  const first = `${formatMoney(earlier.amount, earlier.currency)}${earlier.reference ? `, reference ${earlier.reference}` : ''}`;
  throw new AppError(
    'IDEMPOTENCY_KEY_REUSED',
    `This Idempotency-Key was already used for another unlinked refund (${first}). Nothing was started: send a new key for a new refund, or repeat the first request exactly to follow it.`,
    Object.fromEntries([['Idempotency-Key', ['Already used with other values.']], ...fields.map((f) => [f, ['Differs from the first request with this key.']])]),
  );
}
