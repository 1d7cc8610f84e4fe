import { z } from 'zod';

export const EnvironmentSchema = z.enum(['training', 'sandbox', 'production']);
export type Environment = z.infer<typeof EnvironmentSchema>;

export const AppInfoSchema = z.object({
  productName: z.string(),
  version: z.string(),
  /** Which Dojo the app is talking to: the built-in simulator, Dojo's sandbox or real money. */
  environment: EnvironmentSchema,
  trainingMode: z.boolean(),
  /** Where the services run: the Electron main process or the web harness (dev and tests only). */
  host: z.enum(['electron', 'web-harness', 'test']),
  platform: z.string(),
  resellerId: z.string(),
  /** The reseller's accent colour (#rrggbb). */
  brandColour: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  supportUrl: z.string().optional(),
  /** Why the app is in training mode when it is (no key, keychain unavailable…), in words for the cashier. */
  trainingReason: z.string().optional(),
  /**
   * The till had a Dojo key and cannot use it now (keychain locked, key gone): no payments can be taken until it
   * can. The screen shows this as a blocking error; the EPOS API answers 503 KEY_UNAVAILABLE.
   */
  unavailable: z.object({ reason: z.string(), instruction: z.string() }).optional(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;
