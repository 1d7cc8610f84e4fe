import { shell, type App, type Session, type WebContents } from 'electron';
import { isAllowedOrigin } from '../ipc/sender';
import { isSafeExternalUrl } from '../security/external-links';

export interface GuardOptions {
  /** Origins the window may show: app://bundle, plus the dev server when not packaged. */
  allowedOrigins: readonly string[];
  /** Hosts a link may open in the system browser. */
  externalHosts: readonly string[];
  log?: (message: string) => void;
}

/** Opens a link in the system browser only when it is https and allowlisted; returns whether it did. */
export function safeOpenExternal(url: string, externalHosts: readonly string[]): boolean {
  if (!isSafeExternalUrl(url, externalHosts)) return false;
  void shell.openExternal(new URL(url).toString());
  return true;
}

/** Checklist items 12–15 for one WebContents: no foreign navigation, no new windows, no webviews. */
export function hardenWebContents(contents: WebContents, options: GuardOptions): void {
  const blockForeign = (event: { preventDefault(): void; url?: string }, url?: string) => {
    const target = event.url ?? url ?? '';
    if (!isAllowedOrigin(target, options.allowedOrigins)) {
      event.preventDefault();
      options.log?.(`navigation blocked: ${target.slice(0, 200)}`);
    }
  };
  contents.on('will-navigate', blockForeign);
  contents.on('will-frame-navigate', blockForeign);
  contents.on('will-redirect', blockForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (!safeOpenExternal(url, options.externalHosts)) options.log?.(`window.open refused: ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
}

/**
 * The one permission the till uses: writing to the clipboard ("Copy token" in Settings → EPOS connection), and
 * only for the app's own page in the main frame. Everything else (camera, notifications, HID, clipboard
 * *reading*…) is refused, every request and every check.
 */
export function isPermissionGranted(permission: string, requestingUrl: string | undefined, isMainFrame: boolean | undefined, allowedOrigins: readonly string[]): boolean {
  return permission === 'clipboard-sanitized-write' && isMainFrame !== false && !!requestingUrl && isAllowedOrigin(requestingUrl, allowedOrigins);
}

export function applyPermissionPolicy(session: Session, allowedOrigins: readonly string[]): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionGranted(permission, details?.requestingUrl, details?.isMainFrame, allowedOrigins)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionGranted(permission, details?.requestingUrl ?? requestingOrigin, details?.isMainFrame, allowedOrigins),
  );
}

export function installGuards(app: App, options: GuardOptions): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, options));
}
