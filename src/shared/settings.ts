import { z } from 'zod';
import { AmountMinorSchema, CurrencySchema } from './money';
import { DAY_START_PATTERN } from './dates';

/** When the trading day rolls over ("04:00" for a late-night venue): History, totals and reports follow it. */
export const TradingDayStartSchema = z.string().regex(DAY_START_PATTERN, 'The trading day starts at a time from 00:00 to 11:59, like 04:00.');

/** A friendly name for a terminal ("Bar", "Front till"); empty removes it. */
export const TerminalNameSchema = z
  .string()
  .trim()
  .max(40, 'A terminal name is at most 40 characters.')
  .regex(/^[^\p{Cc}]*$/u, 'A terminal name must not contain control characters.');

/**
 * A supervisor PIN as typed: digits only. How long a new PIN must be (6 by default) and which are too easy to
 * guess is decided in main (authority/pin.ts), from the build's settings.
 */
export const SupervisorPinSchema = z.string().regex(/^\d{4,12}$/, 'The supervisor PIN is 4 to 12 digits.');
/** The PIN a guarded action carries. Optional in the request so that its absence is refused (and audited) by main's guard. */
export const GuardPinSchema = SupervisorPinSchema.optional();

const PerCurrencySchema = z.object({ GBP: z.number().int(), EUR: z.number().int() });

/** What the renderer sees of the settings: never the key, only whether one is set and its last four characters. */
export const SettingsViewSchema = z.object({
  apiKey: z.object({
    configured: z.boolean(),
    hint: z.string().nullable(),
    environment: z.enum(['sandbox', 'production']).nullable(),
  }),
  keychain: z.object({ available: z.boolean(), message: z.string().nullable() }),
  terminalId: z.string().nullable(),
  currency: CurrencySchema,
  /** Same as `supervisor.pinSet` (a locked till counts as having one). */
  supervisorPinSet: z.boolean(),
  /** The unlinked-refund limit in the till's currency (`limits` has both currencies); 0 while locked. */
  unlinkedRefundLimit: z.number().int(),
  supervisor: z.object({
    pinSet: z.boolean(),
    /** Shortest new PIN this build accepts. */
    minPinLength: z.number().int(),
    /** End of a lock-out after wrong PINs (ISO time), or null. */
    lockedUntil: z.string().nullable(),
    /** Why supervisor actions are locked until the reseller resets the settings, or null. */
    locked: z.string().nullable(),
    /** The journal was changed outside the app (what was found, for the supervisor): unlinked refunds wait for an acknowledgement with the PIN. */
    journalTampered: z.string().nullable(),
  }),
  /** Refund limits per currency and today's use of the daily caps (null while the supervisor settings are locked). */
  limits: z
    .object({
      unlinkedRefund: PerCurrencySchema,
      daily: z.object({ count: z.number().int(), amount: PerCurrencySchema }),
      usedToday: z.object({ count: z.number().int(), amount: PerCurrencySchema }),
    })
    .nullable(),
  /** Matched refunds above this (per currency, from the build) need the supervisor PIN. */
  matchedRefundPinThreshold: PerCurrencySchema,
  compactMode: z.boolean(),
  tradingDayStart: z.string(),
  /** Terminal id -> the shop's name for it. */
  terminalNames: z.record(z.string(), z.string()),
  build: z.object({
    productName: z.string(),
    variantId: z.string(),
    supportUrl: z.string().nullable(),
    apiVersion: z.string(),
    allowedEnvironments: z.array(z.string()),
    partnerIdsConfigured: z.boolean(),
  }),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

/** Settings for the till. Money-relevant ones need the supervisor (the trading day start here; the rest on their own channels). */
export const SettingsUpdateSchema = z
  .object({
    terminalId: z.string().min(1).max(100).nullable().optional(),
    currency: CurrencySchema.optional(),
    compactMode: z.boolean().optional(),
    /** Supervisor only (it moves every per-day figure: totals, reports and the daily refund caps). */
    tradingDayStart: TradingDayStartSchema.optional(),
    terminalName: z.object({ terminalId: z.string().min(1).max(100), name: TerminalNameSchema }).strict().optional(),
    /** Needed with a new trading day start (checked in main). */
    supervisorPin: GuardPinSchema,
  })
  .strict();
export type SettingsUpdate = z.infer<typeof SettingsUpdateSchema>;

/** Sets the first supervisor PIN, or changes it (with the current one); typed twice. */
export const SetSupervisorPinSchema = z.object({ current: SupervisorPinSchema.optional(), next: SupervisorPinSchema, confirm: SupervisorPinSchema }).strict();
export type SetSupervisorPin = z.infer<typeof SetSupervisorPinSchema>;

const PartialPerCurrency = z.object({ GBP: AmountMinorSchema.optional(), EUR: AmountMinorSchema.optional() }).strict();
/** Refund limits (supervisor only): any of them, per currency. Bounds are checked in main. */
export const UpdateLimitsSchema = z
  .object({
    supervisorPin: GuardPinSchema,
    unlinkedRefund: PartialPerCurrency.optional(),
    daily: z.object({ count: z.number().int().min(1).max(200).optional(), amount: PartialPerCurrency.optional() }).strict().optional(),
  })
  .strict();
export type UpdateLimits = z.infer<typeof UpdateLimitsSchema>;

export const SetApiKeySchema = z.object({ apiKey: z.string().trim().min(1, 'Paste the API key.').max(300), supervisorPin: GuardPinSchema }).strict();
export const ClearApiKeySchema = z.object({ supervisorPin: GuardPinSchema }).strict();
export const AcknowledgeJournalSchema = z.object({ supervisorPin: GuardPinSchema }).strict();
export const VerifyPinSchema = z.object({ pin: SupervisorPinSchema }).strict();
