import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '../security/csp';
import { mimeTypeFor, resolveBundlePath } from '../security/bundle-path';

export const APP_SCHEME = 'app';

/** Must run before `ready`: app:// behaves like https (standard, secure origin) so the page gets a real origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

type FetchFile = (url: string) => Promise<Response>;

/** app://bundle/<path> -> a file of the built renderer, with the CSP header; everything else is refused. */
export function createAppRequestHandler(rootDir: string, fetchFile: FetchFile) {
  const csp = contentSecurityPolicy('production');
  return async (request: Request): Promise<Response> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
    const file = resolveBundlePath(request.url, rootDir);
    if (!file) return new Response('Not found', { status: 404 });
    const upstream = await fetchFile(pathToFileURL(file).toString());
    if (!upstream.ok) return new Response('Not found', { status: 404 });
    return new Response(upstream.body, {
      status: 200,
      headers: {
        'content-type': mimeTypeFor(file),
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
      },
    });
  };
}

export function handleAppProtocol(rootDir: string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(rootDir, (url) => net.fetch(url)));
}
