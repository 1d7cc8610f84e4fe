import { describe, expect, it } from 'vitest';
import { DojoClient } from '../../src/main/dojo/client';

type Handler = (url: string, init: RequestInit) => Promise<Response> | Response;
function clientWith(handler: Handler, seen: { url: string; init: RequestInit }[] = []) {
  return new DojoClient({
    baseUrl: 'https://dojo.test',
    fetch: (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return handler(url, init);
    }) as unknown as typeof fetch,
    apiKey: async () => 'sk_sandbox_unit_key',
    version: '2025-09-10',
    softwareHouseId: 'SH-1',
    resellerId: 'RS-1',
    timeoutMs: 200,
    retryDelayMs: 1,
  });
}
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const session = { id: 'ts_1', status: 'Initiated', terminalId: 'tm_1', notificationEvents: [], statusEvents: [] };

describe('Dojo client', () => {
  it('sends Basic <raw key>, version and the partner headers on terminal calls only', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const client = clientWith((url) => (url.includes('terminal') ? json(200, []) : json(200, { id: 'pi_1', status: 'Created' })), seen);
    await client.listTerminals(['Available', 'InUse']);
    await client.createIntent({ amount: { value: 100, currencyCode: 'GBP' }, reference: 'R1' });
    const [terminals, intent] = seen.map((s) => ({ url: s.url, headers: s.init.headers as Record<string, string> }));
    expect(terminals!.url).toBe('https://dojo.test/terminals?statuses=Available&statuses=InUse');
    expect(terminals!.headers).toMatchObject({ authorization: 'Basic sk_sandbox_unit_key', version: '2025-09-10', 'software-house-id': 'SH-1', 'reseller-id': 'RS-1' });
    expect(intent!.headers['software-house-id']).toBeUndefined();
    expect(intent!.headers['content-type']).toBe('application/json');
  });

  it('tolerates unknown enum values and extra fields', async () => {
    const client = clientWith(() => json(200, { ...session, status: 'TeleportRequested', notificationEvents: [{ notificationType: 'ScanRetina', createdAt: 'x' }], surprise: { nested: true } }));
    const read = await client.getSession('ts_1');
    expect(read.status).toBe('TeleportRequested');
    expect(read.notificationEvents[0]!.notificationType).toBe('ScanRetina');
  });

  it('retries idempotent GETs on 5xx, never a POST', async () => {
    let gets = 0;
    const getClient = clientWith(() => (++gets < 3 ? json(503, { title: 'Unavailable' }) : json(200, session)));
    await expect(getClient.getSession('ts_1')).resolves.toMatchObject({ id: 'ts_1' });
    expect(gets).toBe(3);
    let posts = 0;
    const postClient = clientWith(() => (posts++, json(503, { title: 'Unavailable' })));
    await expect(postClient.createSession('tm_1', { sessionType: 'Sale', sale: { paymentIntentId: 'pi_1' } })).rejects.toMatchObject({ code: 'DOJO_SERVER', details: { outcomeUnknown: true } });
    expect(posts).toBe(1);
  });

  it.each([
    [401, { title: 'Unauthorized', detail: 'bad key' }, 'DOJO_AUTH', /API key/],
    [401, { title: 'Unauthorized', detail: 'A software house ID header is required.' }, 'DOJO_AUTH', /software house/],
    [400, { title: 'Bad', detail: 'The terminal is busy with another session.', code: 'TERMINAL_UNAVAILABLE' }, 'TERMINAL_BUSY', /busy/],
    [400, { title: 'Bad', detail: 'The terminal is offline.', code: 'TERMINAL_UNAVAILABLE' }, 'TERMINAL_OFFLINE', /offline/],
    [400, { title: 'One or more validation errors occurred.', errors: { Reference: ['The Reference field is required.'] } }, 'DOJO_VALIDATION', /refused/],
    [404, { title: 'Not Found' }, 'DOJO_NOT_FOUND', /could not find/],
    [422, { title: 'Unprocessable', detail: 'Session cannot be canceled.' }, 'DOJO_CONFLICT', /cannot be canceled/],
  ])('maps HTTP %i to a stable code', async (status, body, code, message) => {
    const client = clientWith(() => json(status, body));
    const error = await client.createSession('tm_1', { sessionType: 'Sale', sale: { paymentIntentId: 'pi_1' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code, details: { outcomeUnknown: false } });
    expect((error as Error).message).toMatch(message);
    if (code === 'DOJO_VALIDATION') expect((error as { fields: unknown }).fields).toEqual({ Reference: ['The Reference field is required.'] });
  });

  it('a timeout on a write is an unknown outcome; connection refused is not', async () => {
    const slow = clientWith((_url, init) => new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason))));
    await expect(slow.createIntent({ amount: { value: 1, currencyCode: 'GBP' }, reference: 'r' })).rejects.toMatchObject({ code: 'TIMEOUT', details: { outcomeUnknown: true } });
    const refused = clientWith(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    });
    await expect(refused.createIntent({ amount: { value: 1, currencyCode: 'GBP' }, reference: 'r' })).rejects.toMatchObject({ code: 'NETWORK', details: { outcomeUnknown: false } });
    const reset = clientWith(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } });
    });
    await expect(reset.createIntent({ amount: { value: 1, currencyCode: 'GBP' }, reference: 'r' })).rejects.toMatchObject({ code: 'NETWORK', details: { outcomeUnknown: true } });
  });

  it('an unreadable 200 body on a write is DOJO_BAD_RESPONSE with an unknown outcome', async () => {
    const client = clientWith(() => new Response('{"id": "pi_trunc', { status: 200 }));
    await expect(client.createIntent({ amount: { value: 1, currencyCode: 'GBP' }, reference: 'r' })).rejects.toMatchObject({ code: 'DOJO_BAD_RESPONSE', details: { outcomeUnknown: true } });
  });

  it('never puts the key in an error message', async () => {
    const client = clientWith(() => json(401, { title: 'Unauthorized' }));
    const error = (await client.listTerminals().catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('sk_sandbox_unit_key');
  });
});

// Electron's net.fetch (Chromium's network stack) rejects with `new Error('net::ERR_…')`
// (electron/electron shell/common/api/electron_api_url_loader.cc emits net::ErrorToString).
describe('Dojo client on net.fetch', () => {
  const netError = (name: string) => () => {
    throw new Error(`net::${name}`);
  };
  const createIntent = (client: DojoClient) => client.createIntent({ amount: { value: 1, currencyCode: 'GBP' }, reference: 'r' });

  it('asks for no HTTP cache on every call (net.fetch goes through Chromium\'s cache)', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const client = clientWith((url) => (url.includes('terminal') ? json(200, []) : json(200, { id: 'pi_1', status: 'Created' })), seen);
    await client.listTerminals();
    await createIntent(client);
    expect(seen.map((s) => s.init.cache)).toEqual(['no-store', 'no-store']);
  });

  it.each([
    'ERR_CERT_AUTHORITY_INVALID', // a TLS-inspecting proxy whose root the till does not trust
    'ERR_CERT_DATE_INVALID',
    'ERR_CERT_COMMON_NAME_INVALID',
    'ERR_SSL_VERSION_OR_CIPHER_MISMATCH',
    'ERR_SSL_CLIENT_AUTH_CERT_NEEDED',
    'ERR_ADDRESS_UNREACHABLE',
    'ERR_NETWORK_ACCESS_DENIED',
    'ERR_PROXY_AUTH_UNSUPPORTED',
    'ERR_PROXY_AUTH_REQUESTED',
    'ERR_TUNNEL_CONNECTION_FAILED',
    'ERR_PROXY_CONNECTION_FAILED',
    'ERR_NAME_NOT_RESOLVED',
    'ERR_CONNECTION_REFUSED',
    'ERR_INTERNET_DISCONNECTED',
  ])('net::%s on a write means the request never reached Dojo (not an unknown outcome)', async (name) => {
    await expect(createIntent(clientWith(netError(name)))).rejects.toMatchObject({ code: 'NETWORK', details: { outcomeUnknown: false } });
  });

  it.each(['ERR_CONNECTION_RESET', 'ERR_CONNECTION_CLOSED', 'ERR_EMPTY_RESPONSE', 'ERR_SSL_PROTOCOL_ERROR', 'ERR_SSL_BAD_RECORD_MAC_ALERT', 'ERR_TIMED_OUT'])(
    'net::%s on a write may have reached Dojo: the outcome is unknown',
    async (name) => {
      await expect(createIntent(clientWith(netError(name)))).rejects.toMatchObject({ code: 'NETWORK', details: { outcomeUnknown: true } });
    },
  );
});
