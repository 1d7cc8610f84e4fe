/** The parts of Electron's WebFrameMain the sender check needs (kept structural so it is testable). */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** The app's own origin: the UI is served from the privileged app:// scheme. */
export const APP_ORIGIN = 'app://bundle';

/**
 * Only the app's own top-level page may call main: the main frame (no parent), at an allowed origin.
 * A null frame (navigated away or destroyed) is untrusted. URLs are parsed, never prefix-matched.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, allowedOrigins: readonly string[]): boolean {
  if (!frame || frame.parent) return false;
  return isAllowedOrigin(frame.url, allowedOrigins);
}

export function isAllowedOrigin(url: string, allowedOrigins: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // app://bundle is a registered standard scheme, so URL gives it a real origin in Electron; plain Node
  // reports "null" for unknown schemes, hence the protocol + host comparison.
  const origin = parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
  return allowedOrigins.includes(origin);
}
