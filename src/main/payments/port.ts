import type { PaymentView } from '../../shared/payments';
import type { PaymentEngine } from './engine';

/**
 * What a way into the payment engine from outside the till screen (the EPOS API, a folder exchange) may use:
 * start, follow, cancel and answer payments; never switch environments or touch history administration.
 */
export type PaymentsPort = Pick<
  PaymentEngine,
  'listTerminals' | 'startSale' | 'startMatchedRefund' | 'checkRefundable' | 'startUnlinkedRefund' | 'findByIdempotencyKey' | 'payment' | 'byReference' | 'nextChange' | 'cancel' | 'answerSignature' | 'activeAndAttention'
>;

/** Finding a payment by what an EPOS knows of it (its key, its reference, its id), in any environment's journal. */
export interface PaymentLookup {
  findByIdempotencyKey(key: string): PaymentView | undefined;
  byReference(reference: string): PaymentView[];
  payment(id: string): PaymentView;
}
