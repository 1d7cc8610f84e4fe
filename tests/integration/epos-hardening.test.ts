import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startEposApi, type EposApi, type EposBackend } from '../../src/main/integration/epos-api';
import { newChallenge, proofFor, verifyProof } from '../../src/main/integration/proof';
import { nodeAdapters } from '../../src/main/node-adapters';
import { createLogger, type Logger } from '../../src/main/logging/logger';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices, type Services } from '../../src/main/services';
import { startSimulator, type Simulator } from '../../src/simulator';
import type { PaymentView } from '../../src/shared/payments';
import { eposConforms } from '../support/epos-openapi';

const TOKEN = 'hardening-token-9c8b7a6d5e4f3a2b1c0d';
let sim: Simulator;
let services: Services;
let base: string;
let dir: string;
const logLines: string[] = [];

async function request(url: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const response = await fetch(url, init);
  const raw = Buffer.from(await response.arrayBuffer());
  return { status: response.status, raw, body: raw.length ? JSON.parse(raw.toString('utf8')) : null, headers: response.headers };
}

/** A raw HTTP/1.1 exchange, for what fetch will not send (non-ASCII header values, bad targets). */
function rawRequest(port: number, text: string | Buffer): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => (data = Buffer.concat([data, chunk])));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = data.toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body });
    });
  });
}

/** Resolves true once `condition` holds, false after a generous bound. */
async function until(condition: () => boolean, bound = 5_000): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < bound; await new Promise((resolve) => setTimeout(resolve, 10))) if (condition()) return true;
  return condition();
}

const errorLines = () => logLines.filter((line) => JSON.parse(line).level === 'error');

beforeAll(async () => {
  sim = await startSimulator({ speed: 40 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-epos-hard-'));
  const logger = createLogger((line) => logLines.push(line));
  services = await createServices({
    ...nodeAdapters({ host: 'test', dataDir: dir, logger, secrets: new MemorySecretStore({ 'dojo-api-key': 'sk_sandbox_hardening_key' }), env: { DOJO_API_BASE_URL: sim.url, TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN } }),
    // Caps high enough that the health burst below is about single-flight, not the rate limit.
    eposLimits: { connections: 256, rate: { perSecond: 1000, burst: 1000 }, publicRate: { perSecond: 1000, burst: 1000 } },
  });
  base = services.epos.info().url!;
  await services.updateSettings({ terminalId: sim.admin.terminalByTid('VCMTILLSIP0')!.id });
});
afterAll(async () => {
  await services.close();
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('EPOS API proves it holds the token', () => {
  it('answers a Till-Challenge with Till-Proof over port, challenge, status and body; a different port or body does not verify', async () => {
    const port = Number(new URL(base).port);
    const challenge = newChallenge();
    const health = await request(`${base}/v1/health`, { headers: { 'till-challenge': challenge } });
    expect(health.status).toBe(200);
    const proof = health.headers.get('till-proof');
    expect(proof).toBe(proofFor(TOKEN, port, challenge, 200, health.raw));
    expect(verifyProof(TOKEN, port, challenge, 200, health.raw, proof)).toBe(true);
    expect(verifyProof(TOKEN, port + 1, challenge, 200, health.raw, proof)).toBe(false); // relayed from another port
    expect(verifyProof(TOKEN, port, challenge, 200, Buffer.from('{"status":"ok"}'), proof)).toBe(false); // another body
    expect(verifyProof('another-token-0000000000000000', port, challenge, 200, health.raw, proof)).toBe(false);
    // Refusals are signed too, so a client can tell "wrong token" from "not the companion".
    const refused = await request(`${base}/v1/terminals`, { headers: { 'till-challenge': challenge, authorization: 'Bearer nope' } });
    expect(refused.status).toBe(401);
    expect(verifyProof(TOKEN, port, challenge, 401, refused.raw, refused.headers.get('till-proof'))).toBe(true);
    // Without a challenge there is nothing to sign.
    expect((await request(`${base}/v1/health`)).headers.get('till-proof')).toBeNull();
  });

  it('refuses a malformed challenge with 400', async () => {
    for (const challenge of ['short', 'x'.repeat(129), 'has spaces in it here!!']) {
      const response = await request(`${base}/v1/health`, { headers: { 'till-challenge': challenge } });
      expect(response.status).toBe(400);
      expect(response.body.errors).toHaveProperty('Till-Challenge');
    }
  });
});

describe('EPOS API: bad input is a 4xx, never a 500', () => {
  it('a non-ASCII bearer of the right length is a plain 401 and logs no error', async () => {
    const port = Number(new URL(base).port);
    const before = errorLines().length;
    const sameLength = Buffer.concat([Buffer.from('Bearer '), Buffer.from('é'.repeat(TOKEN.length), 'latin1')]);
    for (const authorization of [sameLength, Buffer.from(`Bearer ${'€'.repeat(TOKEN.length)}`, 'utf8'), Buffer.from(`Bearer ${TOKEN.slice(0, -1)}\u00ff`, 'latin1')]) {
      const response = await rawRequest(port, Buffer.concat([Buffer.from('GET /v1/terminals HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\nauthorization: '), authorization, Buffer.from('\r\n\r\n')]));
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toEqual({ type: 'urn:till-companion:problem:unauthorized', title: 'Unauthorized', status: 401 });
    }
    expect(errorLines().length).toBe(before);
  });

  it.each(['/v1/payments/%E0%A4%A', '/v1/payments/%zz/cancel', '/v1/refund-requests/%', '/v1/%C0'])('a malformed percent-escape in %s is 400', async (route) => {
    const port = Number(new URL(base).port);
    const response = await rawRequest(port, `GET ${route} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\nauthorization: Bearer ${TOKEN}\r\n\r\n`);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ status: 400, code: 'VALIDATION', detail: expect.stringMatching(/%-escape/) });
    eposConforms('GET', '/v1/payments/{paymentId}', 400, JSON.parse(response.body));
  });

  it('an absolute or scheme-relative request target is 400', async () => {
    const port = Number(new URL(base).port);
    for (const target of ['http://127.0.0.1/v1/health', '//evil.example/v1/health', '*']) {
      const response = await rawRequest(port, `GET ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`);
      expect(response.status).toBe(400);
    }
  });

  it('random paths, headers and bodies never get a 5xx or an error log line', async () => {
    const before = errorLines().length;
    const segment = fc.oneof(fc.stringMatching(/^[A-Za-z0-9%._~!$&'()*+,;=:@-]{0,12}$/), fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0', 'pay_%', 'cancel', 'signature'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('v1', 'v1/payments', 'v1/payments', 'v1/refund-requests', 'v1/sales', 'v1/refunds', 'v1/refunds/unlinked'),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        fc.constantFrom<string | null>(null, TOKEN, 'wrong', 'é'.repeat(TOKEN.length)),
        fc.option(fc.stringMatching(/^[\x21-\x7e]{0,140}$/), { nil: undefined }),
        async (method, segments, prefix, body, token, challenge) => {
          const route = `/${prefix}/${segments.join('/')}`;
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (token) headers['authorization'] = `Bearer ${token}`;
          if (challenge !== undefined) headers['till-challenge'] = challenge;
          let status: number;
          try {
            status = (await fetch(`${base}${route}`, { method, headers, ...(body !== undefined && method !== 'GET' ? { body } : {}) })).status;
          } catch {
            return; // fetch refused to build the request: nothing reached the companion
          }
          expect(status, `${method} ${route}`).toBeLessThan(500);
        },
      ),
      { numRuns: 150, seed: 16 },
    );
    expect(errorLines().slice(before)).toEqual([]);
  });
});

describe('EPOS API health', () => {
  it('without the token: no Dojo call and no terminal detail; with it: the live terminal', async () => {
    const before = sim.admin.counts()['GET /terminals'] ?? 0;
    const open = await request(`${base}/v1/health`);
    expect(open.body).toEqual({ status: 'ok', version: expect.any(String), trainingMode: false, environment: 'sandbox' });
    expect(sim.admin.counts()['GET /terminals'] ?? 0).toBe(before);
    const detailed = await request(`${base}/v1/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(detailed.body).toMatchObject({ status: 'ok', terminal: { tid: 'VCMTILLSIP0', status: 'Available' } });
    expect((await request(`${base}/v1/health`, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
  });

  it('100 concurrent health calls while Dojo is slow make at most 2 Dojo calls', async () => {
    // A fresh companion: nothing cached yet.
    const fresh = await createServices({
      ...nodeAdapters({ host: 'test', dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'till-health-')), secrets: new MemorySecretStore({ 'dojo-api-key': 'sk_sandbox_hardening_key' }), env: { DOJO_API_BASE_URL: sim.url, TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN } }),
      eposLimits: { connections: 256, rate: { perSecond: 1000, burst: 1000 }, publicRate: { perSecond: 1000, burst: 1000 } },
    });
    try {
      await fresh.updateSettings({ terminalId: sim.admin.terminalByTid('VCMTILLSIP0')!.id });
      sim.admin.setLatency(400);
      const before = sim.admin.counts()['GET /terminals'] ?? 0;
      const answers = await Promise.all(Array.from({ length: 100 }, () => request(`${fresh.epos.info().url}/v1/health`, { headers: { authorization: `Bearer ${TOKEN}` } })));
      expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
      expect(answers.every((a) => a.body.terminal?.tid === 'VCMTILLSIP0')).toBe(true);
      expect((sim.admin.counts()['GET /terminals'] ?? 0) - before).toBeLessThanOrEqual(2);
    } finally {
      sim.admin.setLatency(0);
      await fresh.close();
    }
  });
});

describe('EPOS API caps answer 429/503 with Retry-After', () => {
  const apis: EposApi[] = [];
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((api) => api.close()));
  });
  const view = { id: 'pay_1', status: 'in_progress', updatedAt: '2026-01-01T00:00:00.000Z' } as PaymentView;
  const release: (() => void)[] = [];
  const backend = {
    environment: () => 'production',
    unavailable: () => null,
    health: async () => ({ status: 'ok' }),
    payment: () => view,
    nextChange: () => new Promise<PaymentView>((resolve) => release.push(() => resolve(view))),
  } as unknown as EposBackend;
  const start = async (limits: Parameters<typeof startEposApi>[0]['limits'], logger: Logger = createLogger(() => {})) => {
    const api = await startEposApi({ backend, token: () => TOKEN, port: 0, logger, limits, now: () => 1_000_000 });
    apis.push(api);
    return api;
  };
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('connections past the cap get 503 with Retry-After, and the slots come back when they close', async () => {
    const api = await start({ connections: 3 });
    const holders = await Promise.all(
      Array.from({ length: 3 }, () => new Promise<net.Socket>((resolve) => {
        const socket = net.connect(api.port, '127.0.0.1', () => resolve(socket));
        socket.write('GET /v1/health HTTP/1.1\r\nhost: 127.0.0.1\r\n'); // headers never finished
      })),
    );
    const refused = await rawRequest(api.port, 'GET /v1/health HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n');
    expect(refused.status).toBe(503);
    expect(refused.head.toLowerCase()).toContain('retry-after: 1');
    expect(JSON.parse(refused.body)).toMatchObject({ status: 503, code: 'BUSY' });
    eposConforms('GET', '/v1/health', 503, JSON.parse(refused.body));
    for (const socket of holders) socket.destroy();
    let status = 0;
    for (let i = 0; i < 200 && status !== 200; i++) status = (await rawRequest(api.port, 'GET /v1/health HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n')).status;
    expect(status).toBe(200);
  });

  // The bound is 100 times the configured 200 ms: what it tells apart is Node's own defaults (60 s for headers,
  // checked every 30 s), which held 300 slow-header connections for about 90 s.
  it('a connection that never finishes its headers is closed with 408 (the configured time, not Node\'s default)', async () => {
    const api = await start({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const answer = await rawRequest(api.port, 'GET /v1/health HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ');
    expect(answer.status).toBe(408);
  }, 20_000);

  it('requests past the rate get 429 with Retry-After; requests without the token have their own smaller bucket', async () => {
    const api = await start({ rate: { perSecond: 1, burst: 5 }, publicRate: { perSecond: 1, burst: 2 } });
    const url = `http://127.0.0.1:${api.port}/v1/health`;
    const withToken = [];
    for (let i = 0; i < 6; i++) withToken.push(await request(url, { headers: auth }));
    expect(withToken.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(withToken[5]!.headers.get('retry-after')).toBe('1');
    expect(withToken[5]!.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    eposConforms('GET', '/v1/health', 429, withToken[5]!.body);
    const open = [];
    for (let i = 0; i < 3; i++) open.push((await request(url)).status);
    expect(open).toEqual([200, 200, 429]);
  });

  it('long-polls past the cap per payment get 429 and past the total 503, each with Retry-After', async () => {
    const api = await start({ longPollsPerPayment: 2, longPolls: 3 });
    const poll = (id: string, signal?: AbortSignal) => request(`http://127.0.0.1:${api.port}/v1/payments/${id}?wait=30`, { headers: auth, ...(signal ? { signal } : {}) });
    const aborter = new AbortController();
    const waiting = [poll('pay_1'), poll('pay_1'), poll('pay_2', aborter.signal).catch(() => null)];
    expect(await until(() => release.length === 3)).toBe(true);
    const third = await poll('pay_1');
    expect([third.status, third.headers.get('retry-after'), third.body.code]).toEqual([429, '1', 'RATE_LIMITED']);
    const overall = await poll('pay_3');
    expect([overall.status, overall.headers.get('retry-after'), overall.body.code]).toEqual([503, '1', 'BUSY']);
    eposConforms('GET', '/v1/payments/{paymentId}', 429, third.body);
    eposConforms('GET', '/v1/payments/{paymentId}', 503, overall.body);
    // A client that goes away gives its slot back: a new wait is then taken (it reaches the backend).
    aborter.abort();
    await waiting[2];
    let accepted = false;
    for (let i = 0; i < 100 && !accepted; i++) {
      const attempt = poll('pay_3').then((r) => r.status);
      accepted = (await Promise.race([attempt, until(() => release.length >= 4)])) === true;
    }
    expect(accepted).toBe(true);
    release.splice(0).forEach((done) => done());
    await Promise.all(waiting.slice(0, 2));
  });
});
