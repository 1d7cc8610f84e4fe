import { z } from 'zod';
import { ExchangeFolderSchema } from '../../shared/exchange';

/**
 * The exchange's settings: the folder and its limits. They decide where payments may come from, so they are a
 * supervisor's choice kept in the sealed supervisor settings (authority/security-store.ts), never in a file a
 * cashier could edit.
 */
export const ExchangeSettingsSchema = z
  .object({
    version: z.literal(1),
    folder: ExchangeFolderSchema.nullable(),
    commitTimeoutMinutes: z.number().int().min(1).max(1_440),
    maxPending: z.number().int().min(1).max(500),
    networkShare: z.boolean(),
  })
  .strict();
export type ExchangeSettings = z.infer<typeof ExchangeSettingsSchema>;

export const EXCHANGE_DEFAULTS: ExchangeSettings = { version: 1, folder: null, commitTimeoutMinutes: 10, maxPending: 20, networkShare: false };
