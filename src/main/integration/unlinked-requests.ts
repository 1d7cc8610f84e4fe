import { randomBytes } from 'node:crypto';
import { AppError } from '../errors';

export interface UnlinkedRefundRequest {
  requestId: string;
  amount: number;
  currency: 'GBP' | 'EUR';
  reference?: string;
  terminalId?: string;
  /** The EPOS's idempotency key, when it gave one: the refund this request starts carries it. */
  idempotencyKey?: string;
  status: 'awaiting_confirmation' | 'started' | 'declined';
  paymentId: string | null;
  createdAt: number;
}

/**
 * Unlinked refunds asked for by the EPOS wait here until the cashier confirms them on the companion's screen
 * with the supervisor PIN (or declines). The EPOS follows the request, then the payment it started.
 */
export class UnlinkedRefundRequests {
  private readonly requests = new Map<string, UnlinkedRefundRequest>();

  constructor(private readonly now: () => number) {}

  add(input: Pick<UnlinkedRefundRequest, 'amount' | 'currency' | 'reference' | 'terminalId' | 'idempotencyKey'>): UnlinkedRefundRequest {
    // The same key while the first is still waiting is the same request (an EPOS retrying), never a second one.
    const waiting = input.idempotencyKey ? [...this.requests.values()].find((r) => r.idempotencyKey === input.idempotencyKey && r.status === 'awaiting_confirmation') : undefined;
    if (waiting) return waiting;
    const request: UnlinkedRefundRequest = { requestId: `rr_${randomBytes(9).toString('base64url')}`, status: 'awaiting_confirmation', paymentId: null, createdAt: this.now(), ...input };
    this.requests.set(request.requestId, request);
    // Keep the last few hundred: they are a hand-off, not a record (the journal is the record).
    if (this.requests.size > 200) this.requests.delete(this.requests.keys().next().value!);
    return request;
  }

  get(requestId: string): UnlinkedRefundRequest {
    const request = this.requests.get(requestId);
    if (!request) throw new AppError('NOT_FOUND', 'No refund request with that id.');
    return request;
  }

  pending(): UnlinkedRefundRequest[] {
    return [...this.requests.values()].filter((r) => r.status === 'awaiting_confirmation');
  }

  settle(requestId: string, outcome: { status: 'started'; paymentId: string } | { status: 'declined' }): UnlinkedRefundRequest {
    const request = this.get(requestId);
    if (request.status !== 'awaiting_confirmation') throw new AppError('CONFLICT', 'That refund request was already answered.');
    Object.assign(request, outcome);
    return request;
  }
}
