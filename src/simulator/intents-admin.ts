import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { iso } from './clock';
import { MoneySchema, PAYMENT_INTENT_STATUSES, SUPPORTED_CURRENCIES } from './schemas';
import { SimError, type SimIntent, type SimState } from './state';

/**
 * Admin-only changes to Dojo's record (under /__sim, never Dojo's API): a payment taken on the terminal outside
 * the companion (another till, the terminal's own keypad, a virtual terminal), and amendments that make Dojo's
 * record differ from the till's — what end-of-day reconciliation has to find.
 */
const Status = z.enum(PAYMENT_INTENT_STATUSES);

export const InjectIntentSchema = z
  .object({
    amount: MoneySchema,
    reference: z.string().min(1).max(60).default('Terminal sale'),
    status: Status.default('Captured'),
    tipsAmount: z.number().int().min(0).default(0),
    cashbackAmount: z.number().int().min(0).default(0),
    refundedAmount: z.number().int().min(0).default(0),
    metadata: z.record(z.string(), z.string()).nullable().default(null),
    /** Backdate the intent (ISO 8601); default: now on the simulator's clock. */
    createdAt: z.iso.datetime({ offset: true }).optional(),
    cardType: z.string().min(1).max(20).default('VISA'),
  })
  .strict();

export const AmendIntentSchema = z
  .object({
    status: Status.optional(),
    tipsAmount: z.number().int().min(0).optional(),
    cashbackAmount: z.number().int().min(0).optional(),
    refundedAmount: z.number().int().min(0).optional(),
    /** Move the intent back in time (a sale of an earlier day). */
    createdAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

const CHARGED = new Set<SimIntent['status']>(['Authorized', 'Captured', 'Refunded']);

export function injectIntent(state: SimState, input: z.input<typeof InjectIntentSchema>): SimIntent {
  const body = InjectIntentSchema.parse(input);
  if (!SUPPORTED_CURRENCIES.includes(body.amount.currencyCode)) throw new SimError(400, `Currency ${body.amount.currencyCode} is not supported.`);
  const created = body.createdAt ? Date.parse(body.createdAt) : state.clock.now();
  const intent = state.createIntent({ amount: body.amount, reference: body.reference, metadata: body.metadata });
  intent.createdAt = created;
  intent.updatedAt = created;
  return amend(state, intent, { status: body.status, tipsAmount: body.tipsAmount, cashbackAmount: body.cashbackAmount, refundedAmount: body.refundedAmount }, body.cardType);
}

export function amendIntent(state: SimState, id: string, input: z.input<typeof AmendIntentSchema>): SimIntent {
  const intent = state.intents.get(id);
  if (!intent) throw new SimError(404, 'Payment intent not found.');
  return amend(state, intent, AmendIntentSchema.parse(input));
}

function amend(state: SimState, intent: SimIntent, change: z.infer<typeof AmendIntentSchema>, cardType = 'VISA'): SimIntent {
  if (change.status) intent.status = change.status;
  if (change.tipsAmount !== undefined) intent.tips = change.tipsAmount;
  if (change.cashbackAmount !== undefined) intent.cashback = change.cashbackAmount;
  if (change.refundedAmount !== undefined) intent.refundedAmount = change.refundedAmount;
  if (change.createdAt) intent.createdAt = Date.parse(change.createdAt);
  // A charged intent always has its card details, as Dojo's do once finalised.
  if (CHARGED.has(intent.status) && !intent.paymentDetails) intent.paymentDetails = paymentDetails(intent, cardType, Math.max(intent.createdAt, state.clock.now()));
  intent.updatedAt = Math.max(intent.createdAt, state.clock.now());
  return intent;
}

function paymentDetails(intent: SimIntent, cardType: string, at: number): NonNullable<SimIntent['paymentDetails']> {
  const last4 = String(1000 + (parseInt(createHash('sha1').update(intent.id).digest('hex').slice(0, 4), 16) % 9000));
  return {
    transactionId: `tx_${randomBytes(12).toString('base64url')}`,
    transactionDateTime: iso(at),
    message: 'Approved',
    authCode: createHash('sha1').update(`auth:${intent.id}`).digest('hex').slice(0, 6).toUpperCase(),
    card: { cardNumber: `400000******${last4}`, expiryDate: '12/29', cardType, cardFundingType: 'Debit', last4PAN: last4, entryMode: 'ContactChip', verificationMethod: 'Pin' },
  };
}
