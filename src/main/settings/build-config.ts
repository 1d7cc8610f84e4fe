import { z } from 'zod';

export const DOJO_API_VERSIONS = ['2024-02-05', '2025-09-10', '2026-02-27'] as const;
export const DojoApiVersionSchema = z.enum(DOJO_API_VERSIONS);
export type DojoApiVersion = z.infer<typeof DojoApiVersionSchema>;

/** Dojo's documented sandbox partner ids, used with sandbox keys when the build carries none. */
export const SANDBOX_PARTNER_IDS = { softwareHouseId: 'softwareHouse1', resellerId: 'reseller1' } as const;

/**
 * What a reseller's build fixes and a cashier cannot change. electron-builder writes it into the packaged
 * package.json as `tillBuild` (extraMetadata), which sits inside the integrity-checked asar.
 */
export const BuildConfigSchema = z.object({
  variantId: z.string().min(1).default('default'),
  productName: z.string().min(1).default('Till Companion'),
  appId: z.string().min(1).default('com.tillcompanion.app'),
  softwareHouseId: z.string().min(1).optional(),
  resellerId: z.string().min(1).optional(),
  apiVersion: DojoApiVersionSchema.default('2026-02-27'),
  allowedEnvironments: z.array(z.enum(['sandbox', 'production'])).min(1).default(['sandbox', 'production']),
  supportUrl: z.url({ protocol: /^https$/ }).optional(),
  /** Whether DOJO_API_BASE_URL may redirect a packaged build (never by default). */
  allowBaseUrlOverride: z.boolean().default(false),
  brandColour: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#1f4fd1'),
  /** How this build is installed: 'dev' when run from source. */
  installer: z.enum(['dev', 'nsis', 'msi', 'mac']).default('dev'),
  /** Shortest supervisor PIN this build accepts: 6 digits unless the reseller allows 4 (or 5). */
  minPinLength: z.number().int().min(4).max(8).default(6),
  /** Matched refunds above this amount (minor units, per currency) need the supervisor PIN at the till. */
  matchedRefundPinThreshold: z
    .object({ GBP: z.number().int().min(0).max(9_999_999), EUR: z.number().int().min(0).max(9_999_999) })
    .strict()
    .default({ GBP: 5_000, EUR: 5_000 }),
  /** The in-app updater: on only with a feed URL, never for MSI (managed estates update from the reseller). */
  updates: z.object({ enabled: z.boolean(), url: z.url({ protocol: /^https$/ }).nullable() }).default({ enabled: false, url: null }),
  /** A test build (`dist --test-build`, never shipped): Playwright's debugging switches are let through. */
  testBuild: z.boolean().default(false),
});
export type BuildConfig = z.infer<typeof BuildConfigSchema>;

/** Reads the build config from a package.json object; a broken config is a build defect, so it throws. */
export function loadBuildConfig(packageJson: { tillBuild?: unknown; productName?: unknown }): BuildConfig {
  const raw = packageJson.tillBuild ?? (typeof packageJson.productName === 'string' ? { productName: packageJson.productName } : {});
  const parsed = BuildConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`The build configuration (tillBuild) is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
