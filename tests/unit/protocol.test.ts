import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

vi.mock('electron', () => ({ net: { fetch: vi.fn() }, protocol: { handle: vi.fn(), registerSchemesAsPrivileged: vi.fn() } }));
const { createAppRequestHandler } = await import('../../src/main/electron/protocol');

let root: string;
let secretFile: string;
const fetched: string[] = [];
const fetchFile = async (url: string) => {
  fetched.push(url);
  try {
    return new Response(fs.readFileSync(fileURLToPath(url)));
  } catch {
    return new Response('missing', { status: 404 });
  }
};

beforeAll(() => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'till-protocol-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>till</title>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  secretFile = path.join(base, 'secret.txt');
  fs.writeFileSync(secretFile, 'do not serve');
});
afterAll(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

const get = (url: string, method = 'GET') => createAppRequestHandler(root, fetchFile)(new Request(url, { method }));

describe('app:// protocol handler', () => {
  it('serves the bundle with a strict CSP that forbids network access', async () => {
    const response = await get('app://bundle/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves / as index.html and assets with their MIME type', async () => {
    expect(await (await get('app://bundle/')).text()).toContain('<title>till</title>');
    expect((await get('app://bundle/assets/app.js')).headers.get('content-type')).toMatch(/javascript/);
  });

  it.each([
    'app://bundle/../../etc/passwd',
    'app://bundle/..%2f..%2f..%2fetc%2fpasswd',
    'app://bundle/%2e%2e/%2e%2e/etc/passwd',
    'app://bundle/%2E%2E%2Fsecret.txt',
    'app://bundle/assets/..%2f..%2fsecret.txt',
    'app://bundle/..%5c..%5csecret.txt',
    'app://bundle/index.html%00.js',
    'app://bundle/%E0%A4%A',
    'app://other/index.html',
    'app://bundle.evil/index.html',
    'https://bundle/index.html',
  ])('refuses %s', async (url) => {
    fetched.length = 0;
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('do not serve');
    // Nothing outside the bundle root is ever read (URL parsing may fold `..` into a harmless in-root path).
    expect(fetched.every((f) => fileURLToPath(f).startsWith(root + path.sep))).toBe(true);
  });

  it('refuses anything but GET and HEAD', async () => {
    expect((await get('app://bundle/index.html', 'POST')).status).toBe(405);
  });

  it('answers 404 for a missing file inside the bundle', async () => {
    expect((await get('app://bundle/nope.js')).status).toBe(404);
  });
});

describe('resolveBundlePath on raw URLs (before any URL normalisation)', async () => {
  const { resolveBundlePath } = await import('../../src/main/security/bundle-path');
  it.each(['app://bundle/../../etc/passwd', 'app://bundle/%2e%2e/%2e%2e/etc/passwd', 'app://bundle/a/%2E%2E/%2E%2E/x'])('refuses %s outright', (url) => {
    expect(resolveBundlePath(url, '/srv/renderer')).toBeNull();
  });
  it('maps a normal path inside the root', () => {
    expect(resolveBundlePath('app://bundle/assets/app.js', '/srv/renderer')).toBe(path.join('/srv/renderer', 'assets', 'app.js'));
  });
});
