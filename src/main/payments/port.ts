import type { PaymentEngine } from './engine';

/**
 * What a way into the payment engine from outside the till screen (the EPOS API, a folder exchange) may use:
 * start, follow, cancel and answer payments; never switch environments or touch history administration.
 */
export type PaymentsPort = Pick<
  PaymentEngine,
  'listTerminals' | 'startSale' | 'startMatchedRefund' | 'checkRefundable' | 'startUnlinkedRefund' | 'findByIdempotencyKey' | 'payment' | 'byReference' | 'nextChange' | 'cancel' | 'answerSignature'
>;
