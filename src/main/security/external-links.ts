/**
 * Whether a link may leave the app for the system browser: https only, no credentials in the URL, and a host
 * on the allowlist (exact match or a subdomain of an allowed host).
 */
export function isSafeExternalUrl(raw: string, allowedHosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  return allowedHosts.some((allowed) => host === allowed || host.endsWith(`.${allowed}`));
}

/** Hosts the app links to by default: Dojo's documentation and status pages. Resellers add their support host. */
export const DEFAULT_EXTERNAL_HOSTS = ['dojo.tech'] as const;
