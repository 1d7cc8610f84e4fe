// Which signing the build machine's environment provides (secrets live only there, never in the repository), and
// the rule that an update feed only ever gets signed builds.
type Env = Record<string, string | undefined>;
const present = (env: Env, name: string) => !!env[name]?.trim();

export interface WindowsSigning {
  method: 'azure-trusted-signing' | 'certificate' | null;
  /** Variables a half-configured method still lacks. */
  missing: string[];
}

export const AZURE_VARIABLES = ['AZURE_TRUSTED_SIGNING_ENDPOINT', 'AZURE_TRUSTED_SIGNING_PROFILE', 'AZURE_TRUSTED_SIGNING_ACCOUNT'] as const;

export function windowsSigning(env: Env): WindowsSigning {
  if (AZURE_VARIABLES.some((name) => present(env, name))) return { method: 'azure-trusted-signing', missing: AZURE_VARIABLES.filter((name) => !present(env, name)) };
  if (present(env, 'WIN_CSC_LINK') || present(env, 'CSC_LINK')) return { method: 'certificate', missing: [] };
  return { method: null, missing: [] };
}

export interface MacSigning {
  /** A Developer ID identity named to electron-builder (a .p12 in CSC_LINK, or CSC_NAME in the keychain). */
  identity: boolean;
  notarise: boolean;
}

export function macSigning(env: Env): MacSigning {
  const apiKey = ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'].every((n) => present(env, n));
  const appleId = ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'].every((n) => present(env, n));
  return { identity: present(env, 'CSC_LINK') || present(env, 'CSC_NAME'), notarise: apiKey || appleId || present(env, 'APPLE_KEYCHAIN_PROFILE') };
}

/**
 * Why `--publish` must not go ahead (empty when it may). An unsigned update on the feed would either be refused by
 * every till (Windows checks the publisher, macOS the designated requirement) or, on a till built without that
 * check, run whatever the feed's host put there: so only signed, and on macOS notarised, builds are published.
 */
export function publishProblems(options: { target: 'nsis' | 'msi' | 'mac'; updatesEnabled: boolean; production: boolean; testBuild: boolean; env: Env }): string[] {
  const { target, env } = options;
  const problems: string[] = [];
  const kind = options.production ? 'a production variant' : 'this variant';
  if (options.testBuild) problems.push('A test build (--test-build) is never published: it re-enables the --inspect fuse.');
  if (!options.updatesEnabled) problems.push(target === 'msi' ? 'MSI builds are rolled out by the reseller\'s own tooling, not an update feed.' : 'This variant has no update feed (updates.enabled is false).');
  if (target === 'nsis' || target === 'msi') {
    const win = windowsSigning(env);
    if (!win.method) problems.push(`Refusing to publish an unsigned Windows build of ${kind}: set WIN_CSC_LINK/WIN_CSC_KEY_PASSWORD or the AZURE_TRUSTED_SIGNING_* variables (docs/resellers.md §3).`);
    else if (win.missing.length) problems.push(`Azure Trusted Signing is half configured: ${win.missing.join(', ')} missing.`);
  } else {
    const mac = macSigning(env);
    if (!mac.identity) problems.push(`Refusing to publish an unsigned macOS build of ${kind}: set CSC_LINK/CSC_KEY_PASSWORD (or CSC_NAME) to a Developer ID Application identity (docs/resellers.md §3).`);
    if (!mac.notarise) problems.push('Refusing to publish a macOS build that will not be notarised: set the APPLE_API_KEY/APPLE_API_KEY_ID/APPLE_API_ISSUER or APPLE_ID/APPLE_APP_SPECIFIC_PASSWORD/APPLE_TEAM_ID variables.');
  }
  return problems;
}
