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

/** The app asks for no permission (camera, notifications, HID…): refuse every request and every check. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export function installGuards(app: App, options: GuardOptions): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, options));
}
