import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import { BuildConfigSchema, DojoApiVersionSchema, type BuildConfig } from '../../src/main/settings/build-config';
import fuses from './fuses.json';

export const ROOT = path.resolve(__dirname, '../..');
const https = z.url({ protocol: /^https$/ });

/** One reseller's build: resellers/<id>/variant.json. */
export const VariantSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes'),
    productName: z.string().min(2).max(60),
    /** shared: one app id for every reseller (builds upgrade each other); own: com.tillcompanion.<id> (side by side). */
    appIdPolicy: z.enum(['shared', 'own']),
    updates: z.object({ enabled: z.boolean(), url: https.nullable() }).refine((u) => !u.enabled || !!u.url, 'An update feed URL is needed when updates are on.'),
    supportUrl: https.optional(),
    softwareHouseId: z.string().min(1).optional(),
    resellerId: z.string().min(1).optional(),
    allowedEnvironments: z.array(z.enum(['sandbox', 'production'])).min(1),
    apiVersion: DojoApiVersionSchema.optional(),
    brandColour: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    logo: z.string().regex(/^[\w.-]+\.png$/).optional(),
    /** The MSI's upgrade code: set once per reseller and never changed. */
    msiUpgradeCode: z.uuid(),
  })
  .strict()
  .refine((v) => !v.allowedEnvironments.includes('production') || (v.softwareHouseId && v.resellerId), {
    message: 'Production needs the Dojo-issued softwareHouseId and resellerId.',
    path: ['allowedEnvironments'],
  });
export type Variant = z.infer<typeof VariantSchema>;

/** electron-builder's configuration as loaded from YAML; its own validator (tested) checks the shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type BuilderConfig = Record<string, any>;

export type Target = 'nsis' | 'msi' | 'mac';
export const TARGETS: readonly Target[] = ['nsis', 'msi', 'mac'];

export function variantIds(): string[] {
  return fs.readdirSync(path.join(ROOT, 'resellers')).filter((d) => fs.existsSync(path.join(ROOT, 'resellers', d, 'variant.json')));
}

export function loadVariant(id: string): Variant {
  const file = path.join(ROOT, 'resellers', id, 'variant.json');
  if (!fs.existsSync(file)) throw new Error(`No variant "${id}" (expected ${path.relative(ROOT, file)}).`);
  const parsed = VariantSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`resellers/${id}/variant.json is invalid:\n${z.prettifyError(parsed.error)}`);
  if (parsed.data.id !== id) throw new Error(`resellers/${id}/variant.json says id "${parsed.data.id}".`);
  if (parsed.data.logo && !fs.existsSync(path.join(ROOT, 'resellers', id, parsed.data.logo))) throw new Error(`resellers/${id}/${parsed.data.logo} is missing.`);
  return parsed.data;
}

export function baseConfig(): BuilderConfig {
  return load(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

/** What the app reads at run time (package.json `tillBuild`), checked with the app's own schema. */
export function tillBuildFor(variant: Variant, target: Target, appId: string): BuildConfig {
  return BuildConfigSchema.parse({
    variantId: variant.id,
    productName: variant.productName,
    appId,
    ...(variant.softwareHouseId ? { softwareHouseId: variant.softwareHouseId } : {}),
    ...(variant.resellerId ? { resellerId: variant.resellerId } : {}),
    ...(variant.apiVersion ? { apiVersion: variant.apiVersion } : {}),
    allowedEnvironments: variant.allowedEnvironments,
    ...(variant.supportUrl ? { supportUrl: variant.supportUrl } : {}),
    brandColour: variant.brandColour,
    installer: target,
    // Managed (MSI) estates update through the reseller's tooling, never in the app.
    updates: { enabled: target !== 'msi' && variant.updates.enabled, url: variant.updates.url },
  });
}

/** electron-builder's configuration for one reseller and one target. */
export function mergedConfig(variant: Variant, target: Target, options: { testBuild?: boolean; env?: Record<string, string | undefined> } = {}) {
  const env = options.env ?? process.env;
  const base = baseConfig();
  const appId = variant.appIdPolicy === 'own' ? `com.tillcompanion.${variant.id}` : base['appId'];
  const tillBuild = tillBuildFor(variant, target, appId);
  const config: BuilderConfig = {
    ...base,
    appId,
    productName: variant.productName,
    directories: { ...base['directories'], output: `dist/${variant.id}` },
    extraMetadata: { ...base['extraMetadata'], productName: variant.productName, tillBuild: options.testBuild ? { ...tillBuild, testBuild: true } : tillBuild },
    electronFuses: { ...base['electronFuses'], ...(options.testBuild ? { enableNodeCliInspectArguments: fuses.testBuild.EnableNodeCliInspectArguments } : {}) },
    msi: { ...base['msi'], upgradeCode: variant.msiUpgradeCode },
    publish: tillBuild.updates.enabled ? { provider: 'generic', url: variant.updates.url, channel: 'latest' } : null,
    mac: {
      ...base['mac'],
      // Notarise only with Apple credentials from the environment; an unsigned local build stays possible.
      notarize: !!(env['APPLE_API_KEY'] || env['APPLE_ID'] || env['APPLE_KEYCHAIN_PROFILE']),
    },
  };
  if (variant.logo) config['extraResources'] = [{ from: `resellers/${variant.id}/${variant.logo}`, to: 'brand-logo.png' }];
  if (target === 'msi') config['win'] = { ...base['win'], target: [{ target: 'msi', arch: ['x64'] }] };
  if (env['AZURE_TRUSTED_SIGNING_ENDPOINT']) {
    config['win'] = {
      ...config['win'],
      azureSignOptions: {
        endpoint: env['AZURE_TRUSTED_SIGNING_ENDPOINT'],
        certificateProfileName: env['AZURE_TRUSTED_SIGNING_PROFILE'],
        codeSigningAccountName: env['AZURE_TRUSTED_SIGNING_ACCOUNT'],
      },
    };
  }
  return config;
}
