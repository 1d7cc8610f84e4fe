import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { EVENT_CHANNELS } from '../../shared/channels';
import type { EventBus } from '../../main/events';
import type { Dispatch } from '../../main/ipc/dispatcher';
import { contentSecurityPolicy } from '../../main/security/csp';
import { mimeTypeFor, resolveBundlePath } from '../../main/security/bundle-path';
import { sameSecret } from '../../main/integration/proof';

export interface WebHarnessOptions {
  dispatch: Dispatch;
  events: EventBus;
  rendererDir: string;
  bridgeScriptPath: string;
  /** Per-run secret: the page URL carries it once, then a SameSite=Strict cookie and a header do. */
  token: string;
  port?: number;
  host?: string;
}

export interface WebHarness {
  url: string;
  pageUrl: string;
  close(): Promise<void>;
}

const COOKIE = 'till_harness';
const MAX_BODY_BYTES = 1_000_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Dev/test only, never packaged: serves the real renderer and carries the IPC contract over loopback HTTP, so
 * the app runs in any browser with the real service graph behind it.
 */
export async function startWebHarness(options: WebHarnessOptions): Promise<WebHarness> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`The web harness only binds to loopback, not ${host}.`);
  const csp = contentSecurityPolicy('web-harness');
  // Digests compared in constant time: any length or alphabet, never a throw (a non-ASCII token is just wrong).
  const sameToken = (candidate: string | undefined | null) => !!candidate && sameSecret(candidate, options.token);

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.end();
    });
  });

  function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) {
    res.writeHead(status, {
      'content-type': type,
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      ...extra,
    });
    res.end(body);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const address = server.address() as AddressInfo;
    const hostHeader = req.headers.host ?? '';
    // DNS-rebinding guard: only requests addressed to the loopback name we listen on.
    if (!LOOPBACK_HOSTS.has(hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''))) return send(res, 421, 'text/plain', 'Wrong host');
    const url = requestUrl(req.url, address.port);
    if (!url) return send(res, 400, 'text/plain', 'Bad request target');
    const cookieToken = parseCookies(req.headers.cookie)[COOKIE];
    const headerToken = req.headers['x-till-harness-token'];

    if (url.pathname.startsWith('/__harness/ipc/')) {
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only');
      if (!sameToken(typeof headerToken === 'string' ? headerToken : undefined)) return send(res, 401, 'application/json', '{"error":"token"}');
      const body = await readBody(req);
      if (body === null) return send(res, 413, 'application/json', '{"error":"too large"}');
      let envelope: unknown;
      try {
        envelope = body.length ? JSON.parse(body) : {};
      } catch {
        envelope = Symbol('malformed');
      }
      const channel = decodedOrNull(url.pathname.slice('/__harness/ipc/'.length));
      if (channel === null) return send(res, 400, 'application/json', '{"error":"malformed path"}');
      const request = typeof envelope === 'object' && envelope !== null ? (envelope as { request?: unknown }).request : envelope;
      const result = await options.dispatch(channel, request);
      return send(res, 200, 'application/json', JSON.stringify(result));
    }

    const pageToken = url.searchParams.get('token');
    const authorised = sameToken(cookieToken) || sameToken(pageToken) || sameToken(typeof headerToken === 'string' ? headerToken : undefined);
    if (!authorised) return send(res, 401, 'text/plain; charset=utf-8', 'Open the address printed by `npm run dev:web` (it carries the token).');
    const cookie = { 'set-cookie': `${COOKIE}=${options.token}; Path=/; HttpOnly; SameSite=Strict` };

    if (url.pathname === '/__harness/events') return streamEvents(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Method not allowed');
    if (url.pathname === '/__harness/bridge.js') {
      return send(res, 200, 'text/javascript; charset=utf-8', await fs.readFile(options.bridgeScriptPath));
    }
    const file = resolveBundlePath(`app://bundle${url.pathname}`, options.rendererDir);
    if (!file) return send(res, 404, 'text/plain', 'Not found');
    let content: Buffer;
    try {
      content = await fs.readFile(file);
    } catch {
      return send(res, 404, 'text/plain', 'Not found');
    }
    if (path.basename(file) === 'index.html') {
      const injected = content
        .toString('utf8')
        .replace('</head>', `<meta name="till-harness-token" content="${options.token}" />\n<script src="/__harness/bridge.js"></script>\n</head>`);
      return send(res, 200, mimeTypeFor(file), injected, cookie);
    }
    return send(res, 200, mimeTypeFor(file), content, cookie);
  }

  function streamEvents(req: http.IncomingMessage, res: http.ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const unsubscribers = Object.values(EVENT_CHANNELS).map((channel) =>
      options.events.on(channel, (payload) => res.write(`event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`)),
    );
    const keepAlive = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      for (const unsubscribe of unsubscribers) unsubscribe();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://${host === '::1' ? '[::1]' : host}:${port}`;
  return {
    url: base,
    pageUrl: `${base}/?token=${encodeURIComponent(options.token)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request target as a URL; null for anything but a plain path or one with a malformed %-escape. */
function requestUrl(raw: string | undefined, port: number): URL | null {
  const text = raw ?? '/';
  if (!text.startsWith('/') || text.startsWith('//')) return null;
  try {
    const url = new URL(text, `http://127.0.0.1:${port}`);
    return decodedOrNull(url.pathname) === null ? null : url;
  } catch {
    return null;
  }
}

function decodedOrNull(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) out[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
