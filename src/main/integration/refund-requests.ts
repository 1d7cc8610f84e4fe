import { randomBytes } from 'node:crypto';
import type { Environment } from '../../shared/app-info';
import type { Currency } from '../../shared/money';
import { AppError } from '../errors';
import { requestIdForKey } from './idempotency';

export interface RefundRequest {
  requestId: string;
  /** `unlinked`: to any card; `matched`: back to the card of `saleId` (above the PIN threshold). */
  kind: 'unlinked' | 'matched';
  amount: number;
  currency: Currency;
  reference?: string;
  terminalId?: string;
  saleId?: string;
  /** The EPOS's Idempotency-Key: the same key finds the same request (and then its payment). */
  idempotencyKey?: string;
  /** The till's environment when the EPOS asked: the refund may start there only (never after a switch). */
  environment: Environment;
  status: 'awaiting_confirmation' | 'started' | 'declined';
  paymentId: string | null;
  createdAt: number;
}

/** Requests waiting for a supervisor at once; past this the EPOS is told to try later (429). */
export const MAX_PENDING_REQUESTS = 20;
/** Answered requests kept so the EPOS can still follow them (the journal is the record of the payments). */
const KEEP_ANSWERED = 200;

/**
 * Refunds the EPOS asked for that need the supervisor (every unlinked refund, matched ones above the threshold)
 * wait here until the cashier confirms them on the companion's screen with the supervisor PIN, or declines. A
 * waiting request is never evicted: the queue refuses new ones at its cap instead, so the request a supervisor
 * is looking at cannot be pushed out and replaced while they type the PIN.
 */
export class RefundRequests {
  private readonly requests = new Map<string, RefundRequest>();

  constructor(private readonly now: () => number) {}

  add(input: Pick<RefundRequest, 'kind' | 'amount' | 'currency' | 'reference' | 'terminalId' | 'saleId' | 'idempotencyKey' | 'environment'>): RefundRequest {
    if (this.pending().length >= MAX_PENDING_REQUESTS) {
      throw new AppError('TOO_MANY_REQUESTS', `${MAX_PENDING_REQUESTS} refund requests are already waiting for the supervisor at the till. Try again once they are answered.`);
    }
    return this.keep({ requestId: newRequestId(input.idempotencyKey), status: 'awaiting_confirmation', paymentId: null, createdAt: this.now(), ...withoutUndefined(input) });
  }

  /**
   * A keyed request this queue no longer holds (the companion restarted, or it was forgotten among old answers)
   * whose refund the journal has: kept again as started, under the same id, so the EPOS can follow it as before.
   */
  restoreStarted(input: Pick<RefundRequest, 'kind' | 'amount' | 'currency' | 'reference' | 'terminalId' | 'environment' | 'paymentId'> & { idempotencyKey: string; createdAt: number }): RefundRequest {
    return this.keep({ requestId: requestIdForKey(input.idempotencyKey), ...withoutUndefined(input), status: 'started' });
  }

  private keep(request: RefundRequest): RefundRequest {
    this.requests.set(request.requestId, request);
    this.forgetOldAnswers();
    return request;
  }

  get(requestId: string): RefundRequest {
    const request = this.requests.get(requestId);
    if (!request) throw new AppError('NOT_FOUND', 'No refund request with that id.');
    return request;
  }

  byIdempotencyKey(key: string): RefundRequest | undefined {
    return [...this.requests.values()].find((r) => r.idempotencyKey === key);
  }

  /** Waiting requests, oldest first (the one on screen is the first). */
  pending(): RefundRequest[] {
    return [...this.requests.values()].filter((r) => r.status === 'awaiting_confirmation');
  }

  settle(requestId: string, outcome: { status: 'started'; paymentId: string } | { status: 'declined' }): RefundRequest {
    const request = this.get(requestId);
    if (request.status !== 'awaiting_confirmation') throw new AppError('CONFLICT', 'That refund request was already answered.');
    Object.assign(request, outcome);
    return request;
  }

  private forgetOldAnswers(): void {
    const answered = [...this.requests.values()].filter((r) => r.status !== 'awaiting_confirmation');
    for (const old of answered.slice(0, Math.max(0, answered.length - KEEP_ANSWERED))) this.requests.delete(old.requestId);
  }
}

/** Keyed requests get the id their key gives (the same after a restart); others a random one. */
const newRequestId = (key: string | undefined) => (key ? requestIdForKey(key) : `rr_${randomBytes(9).toString('base64url')}`);

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
