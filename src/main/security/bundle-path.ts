import path from 'node:path';

/**
 * Maps a request for the app's own bundle to a file under `rootDir`, or null when it must be refused:
 * another scheme or host, undecodable escapes, NUL bytes, backslashes, or anything resolving outside the root
 * (`/../`, `%2e%2e/`, `%2f`, …). `/` serves index.html.
 */
export function resolveBundlePath(requestUrl: string, rootDir: string, origin = { protocol: 'app:', host: 'bundle' }): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== origin.protocol || url.host !== origin.host) return null;
  // Check the path as sent, before URL parsing folds `..` and `%2e%2e` segments into a clamped path.
  const rawPath = requestUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/)[0] ?? '';
  let pathname: string;
  try {
    if (decodeURIComponent(rawPath).split(/[/\\]/).some((segment) => segment === '..')) return null;
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  // A traversal attempt is refused outright, not clamped to the root.
  if (pathname.split('/').some((segment) => segment === '..' || segment === '.')) return null;
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const root = path.resolve(rootDir);
  const resolved = path.resolve(root, `.${pathname}`);
  const relative = path.relative(root, resolved);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return resolved;
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export const mimeTypeFor = (file: string): string => MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
