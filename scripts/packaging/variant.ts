import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import { BuildConfigSchema, DojoApiVersionSchema, type BuildConfig } from '../../src/main/settings/build-config';
import { installOnlyExclusions } from './app-files';
import { macSigning, windowsSigning } from './signing';

export const ROOT = path.resolve(__dirname, '../..');
const https = z.url({ protocol: /^https$/ });

/** A code-signing certificate's subject, in full: electron-updater compares every part it names with the signer's. */
const SubjectDnSchema = z
  .string()
  .refine((dn) => /(^|,)\s*CN=[^,]+/.test(dn) && /(^|,)\s*O=[^,]+/.test(dn), 'The certificate subject in full, e.g. "CN=Example Ltd, O=Example Ltd, L=London, C=GB".');

/** The smallest icon electron-builder turns into a macOS .icns and a Windows .ico without upscaling. */
export const LOGO_MIN_SIZE = 512;

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
    /**
     * The Windows code-signing certificate's subject (or several, while moving to a new certificate). It goes into
     * app-update.yml: an installed till installs only updates signed by this publisher. Required with updates on.
     */
    publisherName: z.union([SubjectDnSchema, z.array(SubjectDnSchema).min(1)]).optional(),
    brandColour: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    /** The app's icon (window, taskbar/Dock, Start menu, installer): a square PNG in the variant's folder. */
    logo: z.string().regex(/^[\w.-]+\.png$/).optional(),
    /** The MSI's upgrade code: set once per reseller and never changed. */
    msiUpgradeCode: z.uuid(),
    /** Supervisor PIN length: 6 digits unless the reseller allows 4 or 5 (the app's schema bounds it). */
    minPinLength: z.number().int().optional(),
    /** Matched refunds above this (minor units per currency) need the supervisor PIN. */
    matchedRefundPinThreshold: z.object({ GBP: z.number().int(), EUR: z.number().int() }).strict().optional(),
  })
  .strict()
  .refine((v) => !v.allowedEnvironments.includes('production') || (v.softwareHouseId && v.resellerId), {
    message: 'Production needs the Dojo-issued softwareHouseId and resellerId.',
    path: ['allowedEnvironments'],
  })
  .refine((v) => !v.updates.enabled || v.publisherName, {
    message: 'An update feed needs publisherName: the subject of the certificate that signs the Windows builds.',
    path: ['publisherName'],
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
  if (parsed.data.logo) {
    const logo = path.join('resellers', id, parsed.data.logo);
    if (!fs.existsSync(path.join(ROOT, logo))) throw new Error(`${logo} is missing.`);
    const size = pngSize(path.join(ROOT, logo));
    if (!size) throw new Error(`${logo} is not a PNG file.`);
    if (size.width !== size.height || size.width < LOGO_MIN_SIZE) throw new Error(`${logo} is ${size.width}×${size.height}: the app icon must be square, at least ${LOGO_MIN_SIZE}×${LOGO_MIN_SIZE} (1024×1024 is best).`);
  }
  return parsed.data;
}

/** Width and height from a PNG's header, or undefined when the file is not a PNG. */
export function pngSize(file: string): { width: number; height: number } | undefined {
  const header = Buffer.alloc(24);
  const handle = fs.openSync(file, 'r');
  try {
    fs.readSync(handle, header, 0, 24, 0);
  } finally {
    fs.closeSync(handle);
  }
  if (!header.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) || header.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: header.readUInt32BE(16), height: header.readUInt32BE(20) };
}

/** The publisher names as electron-updater takes them (a list). */
export const publisherNames = (variant: Variant): string[] => (variant.publisherName === undefined ? [] : [variant.publisherName].flat());

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
    ...(variant.minPinLength !== undefined ? { minPinLength: variant.minPinLength } : {}),
    ...(variant.matchedRefundPinThreshold ? { matchedRefundPinThreshold: variant.matchedRefundPinThreshold } : {}),
    installer: target,
    // Managed (MSI) estates update through the reseller's tooling, never in the app.
    updates: { enabled: target !== 'msi' && variant.updates.enabled, url: variant.updates.url },
  });
}

/** electron-builder's configuration for one reseller and one target. */
export function mergedConfig(variant: Variant, target: Target, options: { env?: Record<string, string | undefined>; publish?: boolean } = {}) {
  const env = options.env ?? process.env;
  const base = baseConfig();
  const appId = variant.appIdPolicy === 'own' ? `com.tillcompanion.${variant.id}` : base['appId'];
  const tillBuild = tillBuildFor(variant, target, appId);
  const publishers = publisherNames(variant);
  const icon = variant.logo ? `resellers/${variant.id}/${variant.logo}` : undefined;
  const config: BuilderConfig = {
    ...base,
    appId,
    productName: variant.productName,
    directories: { ...base['directories'], output: `dist/${variant.id}` },
    // keytar's install-time tools stay out of app.asar (react and zustand are devDependencies: Vite bundles them).
    files: [...base['files'], ...installOnlyExclusions(ROOT)],
    // A test build tells the app so: it lets Playwright's debugging switches through (a shipped build refuses them).
    extraMetadata: { ...base['extraMetadata'], productName: variant.productName, tillBuild: env['TILL_TEST_BUILD'] === '1' ? { ...tillBuild, testBuild: true } : tillBuild },
    msi: { ...base['msi'], upgradeCode: variant.msiUpgradeCode },
    // publisherName here goes straight into app-update.yml, whatever signs the build: electron-updater then installs
    // only an update whose Authenticode signature is valid and names this publisher.
    publish: tillBuild.updates.enabled ? { provider: 'generic', url: variant.updates.url, channel: 'latest', ...(publishers.length ? { publisherName: publishers } : {}) } : null,
    win: { ...base['win'], ...(icon ? { icon } : {}) },
    mac: {
      ...base['mac'],
      ...(icon ? { icon } : {}),
      // Notarise only with Apple credentials from the environment; an unsigned local build stays possible.
      notarize: macSigning(env).notarise,
    },
    // A published build must really be signed: electron-builder fails instead of shipping an unsigned one.
    ...(options.publish ? { forceCodeSigning: true } : {}),
  };
  if (target === 'msi') config['win'] = { ...config['win'], target: [{ target: 'msi', arch: ['x64'] }] };
  const win = windowsSigning(env);
  if (win.method === 'azure-trusted-signing') {
    if (win.missing.length) throw new Error(`Azure Trusted Signing is half configured: ${win.missing.join(', ')} missing.`);
    if (!publishers.length) throw new Error(`resellers/${variant.id}/variant.json needs publisherName (the certificate subject) to sign with Azure Trusted Signing.`);
    config['win'] = {
      ...config['win'],
      azureSignOptions: {
        endpoint: env['AZURE_TRUSTED_SIGNING_ENDPOINT'],
        certificateProfileName: env['AZURE_TRUSTED_SIGNING_PROFILE'],
        codeSigningAccountName: env['AZURE_TRUSTED_SIGNING_ACCOUNT'],
        publisherName: publishers[0],
      },
    };
  }
  return config;
}
