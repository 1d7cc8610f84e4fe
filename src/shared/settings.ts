import { z } from 'zod';
import { AmountMinorSchema, CurrencySchema } from './money';
import { DAY_START_PATTERN } from './dates';

/** When the trading day rolls over ("04:00" for a late-night venue): History, totals and reports follow it. */
export const TradingDayStartSchema = z.string().regex(DAY_START_PATTERN, 'The trading day starts at a time from 00:00 to 11:59, like 04:00.');

export const SupervisorPinSchema = z.string().regex(/^\d{4,8}$/, 'The supervisor PIN is 4 to 8 digits.');

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
  supervisorPinSet: z.boolean(),
  unlinkedRefundLimit: z.number().int(),
  compactMode: z.boolean(),
  tradingDayStart: z.string(),
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

export const SettingsUpdateSchema = z
  .object({
    terminalId: z.string().min(1).max(100).nullable().optional(),
    currency: CurrencySchema.optional(),
    unlinkedRefundLimit: AmountMinorSchema.optional(),
    compactMode: z.boolean().optional(),
    tradingDayStart: TradingDayStartSchema.optional(),
    supervisorPin: z.object({ current: SupervisorPinSchema.optional(), next: SupervisorPinSchema }).strict().optional(),
  })
  .strict();
export type SettingsUpdate = z.infer<typeof SettingsUpdateSchema>;

export const SetApiKeySchema = z.object({ apiKey: z.string().trim().min(1, 'Paste the API key.').max(300) }).strict();
export const VerifyPinSchema = z.object({ pin: SupervisorPinSchema }).strict();
