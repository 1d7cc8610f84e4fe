import { z } from 'zod';

/**
 * Supervisor actions and other decisions a person made at the till, as the audit records them. The list is
 * open (other features add their own actions, e.g. a verdict or a Z report); these are the ones the
 * supervisor guard and the settings write.
 */
export const AUDIT_ACTIONS = {
  pinCheck: 'pin.check',
  pinSet: 'pin.set',
  pinChange: 'pin.change',
  pinLockedOut: 'pin.locked_out',
  limitsChange: 'limits.change',
  tradingDayChange: 'trading_day.change',
  apiKeySet: 'api_key.set',
  apiKeyRemove: 'api_key.remove',
  eposTokenReveal: 'epos_token.reveal',
  eposTokenRotate: 'epos_token.rotate',
  unlinkedRefund: 'refund.unlinked',
  matchedRefund: 'refund.matched',
  refundRequestConfirm: 'refund_request.confirm',
  refundRequestDecline: 'refund_request.decline',
  paymentResolve: 'payment.resolve',
  paymentContradictionAcknowledge: 'payment.contradiction_acknowledge',
  securityInitialised: 'security.initialised',
  securityRefused: 'security.refused',
  securityLocked: 'security.locked',
  journalTampered: 'journal.tampered',
  journalAcknowledge: 'journal.acknowledge',
  exchangeConfigure: 'exchange.configure',
  exchangeResolve: 'exchange.resolve',
  closeDay: 'report.close_day',
  reconcileRecordDojo: 'reconciliation.record_dojo',
  reconcileRefund: 'reconciliation.refund',
  reconcileExplain: 'reconciliation.explain',
} as const;

/** `area.what`, lower case: a stable name support and reports can filter on. */
export const AuditActionSchema = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/).max(60);

/**
 * What happened: `ok` (done), `refused` (a guard said no: wrong PIN, locked, over a limit) or `failed` (allowed,
 * but the action itself failed, e.g. Dojo refused).
 */
export const AuditOutcomeSchema = z.enum(['ok', 'refused', 'failed']);
export type AuditOutcome = z.infer<typeof AuditOutcomeSchema>;

/** Who asked: the supervisor (with the PIN), the cashier (no PIN), the EPOS, or the app itself. */
export const AuditActorSchema = z.enum(['supervisor', 'cashier', 'epos', 'system']);
export type AuditActor = z.infer<typeof AuditActorSchema>;

/** Detail values are plain facts (amounts, ids, reasons): never a PIN, a key, a token or card data. */
export const AuditDetailSchema = z.record(z.string(), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]));
export type AuditDetail = z.infer<typeof AuditDetailSchema>;

export const AuditEntryViewSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  environment: z.string(),
  action: z.string(),
  outcome: AuditOutcomeSchema,
  actor: AuditActorSchema,
  /** The payment, request or setting the action was about. */
  subject: z.string().nullable(),
  /** One line for a person reading the audit. */
  summary: z.string(),
  detail: AuditDetailSchema,
});
export type AuditEntryView = z.infer<typeof AuditEntryViewSchema>;

export const AuditQuerySchema = z
  .object({
    /** Entries older than this id (paging back through the audit). */
    before: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditListSchema = z.object({
  entries: z.array(AuditEntryViewSchema),
  /** Whether every entry's hash chain checked out (an entry edited or removed outside the app breaks it). */
  intact: z.boolean(),
});
export type AuditList = z.infer<typeof AuditListSchema>;
