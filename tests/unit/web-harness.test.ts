import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { EventBus } from '../../src/main/events';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatcher';
import { startWebHarness, type WebHarness } from '../../src/web-harness/server/harness';

const token = 'test-token-0123456789';
let harness: WebHarness;
const events = new EventBus();

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-harness-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<html><head><title>t</title></head><body></body></html>');
  fs.writeFileSync(path.join(dir, 'bridge.js'), 'window.till = {}');
  const dispatch = createDispatcher({
    'app:info': () => ({ productName: 'T', version: '1', environment: 'training', trainingMode: true, host: 'test', platform: 'linux', resellerId: 'default', brandColour: '#1f4fd1' }),
  } as Partial<Handlers> as Handlers);
  harness = await startWebHarness({ dispatch, events, rendererDir: dir, bridgeScriptPath: path.join(dir, 'bridge.js'), token });
});
afterAll(() => harness.close());

const ipc = (headers: Record<string, string>, body = '{}') =>
  fetch(`${harness.url}/__harness/ipc/app:info`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('web harness', () => {
  it('binds to loopback only', async () => {
    await expect(startWebHarness({ dispatch: async () => ({ ok: true, data: 1 }), events, rendererDir: '.', bridgeScriptPath: '.', token, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    expect(new URL(harness.url).hostname).toBe('127.0.0.1');
  });

  it('refuses the page and the IPC channel without the per-run token', async () => {
    expect((await fetch(`${harness.url}/`)).status).toBe(401);
    expect((await fetch(`${harness.url}/?token=wrong-token-0123456789`)).status).toBe(401);
    expect((await ipc({})).status).toBe(401);
    expect((await ipc({ 'x-till-harness-token': 'nope' })).status).toBe(401);
  });

  it('serves the page with the bridge injected and a connect-src self CSP', async () => {
    const response = await fetch(harness.pageUrl);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<script src="/__harness/bridge.js"></script>');
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(response.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('carries the contract: valid calls succeed, bad input gets VALIDATION', async () => {
    const good = await (await ipc({ 'x-till-harness-token': token })).json();
    expect(good).toMatchObject({ ok: true, data: { productName: 'T' } });
    const bad = await (await ipc({ 'x-till-harness-token': token }, '{"request":{"x":1}}')).json();
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const malformed = await (await ipc({ 'x-till-harness-token': token }, '{not json')).json();
    expect(malformed).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve) => {
      const url = new URL(harness.pageUrl);
      http.get({ host: '127.0.0.1', port: url.port, path: url.pathname + url.search, headers: { host: 'evil.example' } }, (res) => resolve(res.statusCode ?? 0));
    });
    expect(status).toBe(421);
  });

  it('streams push events to the page', async () => {
    const controller = new AbortController();
    const response = await fetch(`${harness.url}/__harness/events`, { headers: { 'x-till-harness-token': token }, signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read(); // ": connected"
    events.emit('payment:update', { paymentId: 'p-1' } as never);
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('event: payment:update\ndata: {"paymentId":"p-1"}');
    controller.abort();
  });

  it('a non-ASCII token of the right length is 401 (not 500); a malformed %-escape is 400', async () => {
    const same = 'é'.repeat(token.length); // one latin1 byte each on the wire: same length, different bytes
    expect((await ipc({ 'x-till-harness-token': same })).status).toBe(401);
    expect((await fetch(`${harness.url}/?token=${encodeURIComponent(same)}`)).status).toBe(401);
    const bad = await fetch(`${harness.url}/__harness/ipc/app%E0%A4%A`, { method: 'POST', headers: { 'x-till-harness-token': token }, body: '{}' });
    expect(bad.status).toBe(400);
    expect((await fetch(`${harness.url}/assets/%zz.js?token=${token}`)).status).toBe(400);
  });
});
