import { z } from 'zod';
import { AppInfoSchema } from './app-info';
import {
  AcknowledgeContradictionSchema,
  AnswerSignatureSchema,
  HistoryQuerySchema,
  PaymentEventViewSchema,
  PaymentIdSchema,
  PaymentViewSchema,
  ResolvePaymentSchema,
  StartMatchedRefundSchema,
  StartSaleSchema,
  StartUnlinkedRefundSchema,
  TerminalViewSchema,
  TotalsQuerySchema,
  TotalsRowSchema,
} from './payments';
import { AcknowledgeJournalSchema, ClearApiKeySchema, SetApiKeySchema, SetSupervisorPinSchema, SettingsUpdateSchema, SettingsViewSchema, UpdateLimitsSchema, VerifyPinSchema } from './settings';
import { ConfirmRefundRequestSchema, EposInfoSchema, EposStatusSchema, EposTokenSchema, RefundRequestViewSchema, RequestIdSchema, RevealTokenSchema } from './epos';
import { AuditListSchema, AuditQuerySchema } from './audit';
import { UpdateStatusSchema } from './updates';
import { ConfigureExchangeSchema, ExchangeStatusSchema, ResolveExchangeAttentionSchema } from './exchange';
import {
  CloseDayRequestSchema,
  ExceptionActionSchema,
  LatestReconciliationSchema,
  PrintReportSchema,
  ReconcileRequestSchema,
  ReconciliationSchema,
  ReportSchema,
  XReportRequestSchema,
  ZListRequestSchema,
  ZNumberSchema,
  ZSummarySchema,
} from './reports';
import type { Channel, EventChannel, EventName, MethodName, METHOD_CHANNELS, EVENT_CHANNELS } from './channels';
import type { IpcResult } from './errors';

/** Whether the installed app starts with the computer; `supported` is false from source and in the web harness. */
export const StartAtLoginSchema = z.object({ supported: z.boolean(), enabled: z.boolean() });

/** A channel that takes no input. */
const NoInput = z.undefined();

/** Channel -> request and response schemas. Main validates both; the renderer's types derive from them. */
export const contract = {
  'app:info': { request: NoInput, response: AppInfoSchema },
  'terminals:list': { request: NoInput, response: z.object({ terminals: z.array(TerminalViewSchema) }) },
  'payment:startSale': { request: StartSaleSchema, response: PaymentViewSchema },
  'payment:startMatchedRefund': { request: StartMatchedRefundSchema, response: PaymentViewSchema },
  'payment:startUnlinkedRefund': { request: StartUnlinkedRefundSchema, response: PaymentViewSchema },
  'payment:cancel': { request: PaymentIdSchema, response: PaymentViewSchema },
  'payment:answerSignature': { request: AnswerSignatureSchema, response: PaymentViewSchema },
  'payment:resolve': { request: ResolvePaymentSchema, response: PaymentViewSchema },
  /** Supervisor: Dojo's record contradicted a verdict, and a person has seen it (the status already follows Dojo). */
  'payment:acknowledgeContradiction': { request: AcknowledgeContradictionSchema, response: PaymentViewSchema },
  'payment:get': { request: PaymentIdSchema, response: z.object({ payment: PaymentViewSchema, events: z.array(PaymentEventViewSchema) }) },
  'payment:listActive': { request: NoInput, response: z.object({ payments: z.array(PaymentViewSchema) }) },
  'history:list': { request: HistoryQuerySchema, response: z.object({ items: z.array(PaymentViewSchema), total: z.number().int() }) },
  'history:totals': { request: TotalsQuerySchema, response: z.object({ rows: z.array(TotalsRowSchema) }) },
  'history:exportCsv': { request: HistoryQuerySchema, response: z.object({ filename: z.string(), csv: z.string() }) },
  'settings:get': { request: NoInput, response: SettingsViewSchema },
  'settings:update': { request: SettingsUpdateSchema, response: SettingsViewSchema },
  /** Write-only: the key goes in, never comes back out (only its hint and environment). */
  'settings:setApiKey': { request: SetApiKeySchema, response: SettingsViewSchema },
  'settings:clearApiKey': { request: ClearApiKeySchema, response: SettingsViewSchema },
  'settings:verifySupervisorPin': { request: VerifyPinSchema, response: z.object({ valid: z.boolean() }) },
  /** Prints the receipt the page is showing: the system print dialog in the app; 'browser' = use window.print(). */
  'receipt:print': { request: z.object({ paymentId: z.string().min(1).max(100), copy: z.enum(['customer', 'merchant', 'slip']) }).strict(), response: z.object({ method: z.enum(['system', 'browser']) }) },
  /** Compact mode beside the EPOS: a small always-on-top window in the app (the page just changes layout elsewhere). */
  'window:setCompact': { request: z.object({ compact: z.boolean() }).strict(), response: z.object({ applied: z.boolean() }) },
  /** Start with the computer (a till reboots at night; the EPOS must find the companion). Installed app only. */
  'startup:get': { request: NoInput, response: StartAtLoginSchema },
  'startup:set': { request: z.object({ enabled: z.boolean() }).strict(), response: StartAtLoginSchema },
  'epos:info': { request: NoInput, response: EposInfoSchema },
  /** A new token (supervisor only): the EPOS's old token stops working at once, so the UI says so first. */
  'epos:regenerateToken': { request: RevealTokenSchema, response: EposTokenSchema },
  'epos:listRefundRequests': { request: NoInput, response: z.object({ pending: z.array(RefundRequestViewSchema) }) },
  'epos:confirmRefundRequest': { request: ConfirmRefundRequestSchema, response: PaymentViewSchema },
  'epos:declineRefundRequest': { request: RequestIdSchema, response: z.object({ declined: z.literal(true) }) },
  'updates:status': { request: NoInput, response: UpdateStatusSchema },
  /** Installs a downloaded update now, or as soon as the running payment has finished. */
  'updates:install': { request: NoInput, response: UpdateStatusSchema },
  /** A zip of logs and app info for support (never the key, the EPOS token or the journal). */
  'support:exportBundle': { request: NoInput, response: z.object({ filename: z.string(), base64: z.string() }) },
  /** Sets the first supervisor PIN, or changes it with the current one. */
  'settings:setSupervisorPin': { request: SetSupervisorPinSchema, response: SettingsViewSchema },
  /** Refund limits and daily caps, per currency (supervisor only). */
  'settings:updateLimits': { request: UpdateLimitsSchema, response: SettingsViewSchema },
  'settings:acknowledgeJournal': { request: AcknowledgeJournalSchema, response: SettingsViewSchema },
  /** Shows the EPOS token (supervisor only). */
  'epos:revealToken': { request: RevealTokenSchema, response: EposTokenSchema },
  /** The audit of supervisor actions in this environment's journal, newest first. */
  'audit:list': { request: AuditQuerySchema, response: AuditListSchema },
  'exchange:status': { request: NoInput, response: ExchangeStatusSchema },
  /** Choose, change or clear the exchange folder: supervisor PIN, checked in main. */
  'exchange:configure': { request: ConfigureExchangeSchema, response: ExchangeStatusSchema },
  /** A person checked the EPOS for a payment it never committed (supervisor PIN and a note). */
  'exchange:resolveAttention': { request: ResolveExchangeAttentionSchema, response: ExchangeStatusSchema },
  /** End of day: the X report changes nothing; closing the day makes the numbered, immutable Z. */
  'reports:x': { request: XReportRequestSchema, response: ReportSchema },
  'reports:closeDay': { request: CloseDayRequestSchema, response: z.object({ report: ReportSchema, created: z.boolean() }) },
  'reports:z': { request: ZNumberSchema, response: ReportSchema },
  'reports:list': { request: ZListRequestSchema, response: z.object({ items: z.array(ZSummarySchema), total: z.number().int() }) },
  /** Prints the report slip the page is showing, through the receipts' print path. */
  'reports:print': { request: PrintReportSchema, response: z.object({ method: z.enum(['system', 'browser']) }) },
  'reconcile:run': { request: ReconcileRequestSchema, response: ReconciliationSchema },
  'reconcile:latest': { request: LatestReconciliationSchema, response: z.object({ reconciliation: ReconciliationSchema.nullable() }) },
  /** Record Dojo's truth or start a matched refund (supervisor PIN), or mark explained with a note. */
  'reconcile:act': { request: ExceptionActionSchema, response: z.object({ reconciliation: ReconciliationSchema, payment: PaymentViewSchema.nullable() }) },
} satisfies Record<Channel, { request: z.ZodType; response: z.ZodType }>;

/** Push event channel -> payload schema. */
export const eventContract = {
  'payment:update': PaymentViewSchema,
  'payment:started': z.object({ payment: PaymentViewSchema, source: z.enum(['epos', 'till']) }),
  'epos:refundRequests': z.object({ pending: z.array(RefundRequestViewSchema) }),
  'epos:status': EposStatusSchema,
  'exchange:update': ExchangeStatusSchema,
  'updates:changed': UpdateStatusSchema,
} satisfies Record<EventChannel, z.ZodType>;

export type Request<C extends Channel> = z.input<(typeof contract)[C]['request']>;
/** A request after validation (defaults applied): what handlers receive. */
export type ParsedRequest<C extends Channel> = z.output<(typeof contract)[C]['request']>;
export type Response<C extends Channel> = z.output<(typeof contract)[C]['response']>;
export type EventPayload<E extends EventChannel> = z.output<(typeof eventContract)[E]>;

type MethodOf<C extends Channel> =
  undefined extends Request<C>
    ? (request?: Request<C>) => Promise<IpcResult<Response<C>>>
    : (request: Request<C>) => Promise<IpcResult<Response<C>>>;

/** The shape of `window.till`, derived from the contract so preload, main and renderer cannot drift. */
export type TillApi = {
  [M in MethodName]: MethodOf<(typeof METHOD_CHANNELS)[M]>;
} & {
  [E in EventName]: (listener: (payload: EventPayload<(typeof EVENT_CHANNELS)[E]>) => void) => () => void;
};

// Both maps must name exactly the same channels (a compile error here means channels.ts and contract.ts drifted).
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const channelsMatch: Exact<keyof typeof contract, Channel> = true;
const eventsMatch: Exact<keyof typeof eventContract, EventChannel> = true;
void channelsMatch;
void eventsMatch;
