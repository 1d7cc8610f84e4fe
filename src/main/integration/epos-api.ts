import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import type { Environment } from '../../shared/app-info';
import type { PaymentView } from '../../shared/payments';
import type { Report } from '../../shared/reports';
import { AppError, fieldErrors, toIpcError } from '../errors';
import type { Logger } from '../logging/logger';
import { ENVIRONMENT_HEADER, environmentHeaders, namedEnvironment, requireEnvironment } from './environment-rule';
import openapi from './epos-openapi.json';
import { CloseDayBodySchema, IdempotencyKeySchema, RefundRequestSchema, SaleRequestSchema, SignatureRequestSchema, UnlinkedRefundRequestSchema, WaitSchema, ZNumberParamSchema } from './schemas';
import type { RefundRequest } from './refund-requests';
import { DEFAULT_EPOS_LIMITS, TokenBucket, WaitCounter, type EposLimits } from './limits';
import { CHALLENGE_HEADER, CHALLENGE_PATTERN, PROOF_HEADER, proofFor, sameSecret } from './proof';

/** What the EPOS API needs from the companion; the service graph provides it. */
export interface EposBackend {
  /** The till's environment: every answer carries it (environment-rule.ts). */
  environment(): Environment;
  /** Why the till cannot take payments now (its Dojo key cannot be used): every endpoint answers 503. */
  unavailable(): { reason: string; instruction: string } | null;
  /** `detail`: the caller showed the token, so live terminal detail (from Dojo, shared and cached) is included. */
  health(detail: boolean): Promise<Record<string, unknown>>;
  terminals(): Promise<unknown[]>;
  /** `beforeStart` runs after an idempotent replay was ruled out and before anything starts (it may refuse). */
  startSale(input: z.infer<typeof SaleRequestSchema>, idempotencyKey: string, beforeStart?: () => void): { payment: PaymentView; replayed: boolean };
  /** A matched refund: started at once, or (above the PIN threshold) a request waiting for the supervisor. */
  refund(input: z.infer<typeof RefundRequestSchema>, idempotencyKey: string | undefined, beforeStart?: () => void): { payment: PaymentView; replayed: boolean } | { request: RefundRequest; replayed: boolean };
  /**
   * With a key, a retry is the first request (waiting, declined or started, also after a restart) and its refund
   * carries the key; the same key with another body is IDEMPOTENCY_KEY_REUSED. `beforeStart` as for sales.
   */
  requestUnlinkedRefund(input: z.infer<typeof UnlinkedRefundRequestSchema>, idempotencyKey?: string, beforeStart?: () => void): Promise<{ request: RefundRequest; replayed: boolean }>;
  refundRequest(requestId: string): RefundRequest;
  payment(paymentId: string): PaymentView;
  /** Resolves with the payment when it next changes, or as it is after `ms`. */
  nextChange(paymentId: string, ms: number): Promise<PaymentView>;
  byReference(reference: string): PaymentView[];
  cancel(paymentId: string): Promise<PaymentView>;
  answerSignature(paymentId: string, accepted: boolean): Promise<PaymentView>;
  xReport(): Report;
  closeDay(tradingDay: string | undefined): Promise<{ report: Report; created: boolean }>;
  zReport(number: number): Report;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const MAX_BODY = 64 * 1024;
const STATUS_OF: Record<string, number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  DOJO_NOT_FOUND: 404,
  CONFLICT: 409,
  PAYMENT_IN_PROGRESS: 409,
  CANNOT_CANCEL: 409,
  NOT_CONFIGURED: 409,
  TERMINAL_BUSY: 409,
  TERMINAL_OFFLINE: 409,
  DOJO_AUTH: 502,
  DOJO_SERVER: 502,
  DOJO_BAD_RESPONSE: 502,
  DOJO_VALIDATION: 502,
  DOJO_CONFLICT: 409,
  NETWORK: 503,
  TIMEOUT: 504,
  KEYCHAIN_UNAVAILABLE: 503,
  KEY_UNAVAILABLE: 503,
  ENVIRONMENT_NOT_CONFIRMED: 409,
  ENVIRONMENT_MISMATCH: 409,
  LIMIT_EXCEEDED: 422,
  TOO_MANY_REQUESTS: 429,
  IDEMPOTENCY_KEY_REUSED: 422,
  SUPERVISOR_REQUIRED: 403,
  PIN_LOCKED: 423,
  SECURITY_LOCKED: 423,
  JOURNAL_TAMPERED: 423,
};

/** The payment as the EPOS sees it: the companion's view with `paymentId` instead of `id`. */
export const toApiPayment = ({ id, ...rest }: PaymentView) => ({ paymentId: id, ...rest });

export interface EposApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Sent as raw bytes to a connection past the cap (no request was parsed, so it carries no proof). */
const TOO_MANY_CONNECTIONS = (() => {
  const body = JSON.stringify({ type: 'urn:till-companion:problem:busy', title: 'Service Unavailable', status: 503, detail: 'Too many connections to the companion. Try again in a moment.', code: 'BUSY' });
  return `HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\ncache-control: no-store\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
})();

interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** The client's Till-Challenge, once checked: every answer then carries Till-Proof. */
  challenge?: string;
}

/** A path segment, %-decoded; a malformed escape is the client's mistake (400), not ours. */
function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError('VALIDATION', 'The request path has a malformed %-escape.');
  }
}

/** The request target as a URL, or a 400 for anything that is not a plain path (absolute or `//` forms, bad escapes). */
function target(raw: string | undefined): URL {
  const text = raw ?? '/';
  if (!text.startsWith('/') || text.startsWith('//')) throw new AppError('VALIDATION', 'The request target must be a path such as /v1/health.');
  let url: URL;
  try {
    url = new URL(text, 'http://127.0.0.1');
  } catch {
    throw new AppError('VALIDATION', 'The request target is not a valid path.');
  }
  decoded(url.pathname);
  return url;
}

/**
 * The EPOS's door into the companion: JSON over HTTP on 127.0.0.1 only, bearer token, RFC 7807 errors, bodies
 * checked with zod, answers signed for a client that sends a challenge (proof.ts), and bounded load (limits.ts).
 * It starts payments through the same engine as the till screen.
 */
export async function startEposApi(options: {
  backend: EposBackend;
  token: () => string;
  port: number;
  host?: string;
  logger: Logger;
  limits?: Partial<EposLimits>;
  now?: () => number;
}): Promise<EposApi> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new AppError('VALIDATION', `The EPOS API only listens on this computer (127.0.0.1), not on ${host}.`);
  const { backend } = options;
  const limits: EposLimits = { ...DEFAULT_EPOS_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const buckets = { token: new TokenBucket(limits.rate, now), public: new TokenBucket(limits.publicRate, now) };
  const waits = new WaitCounter(limits);

  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks the two timeouts on this interval (30 s by default, which would let slow headers linger).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 2))),
      keepAliveTimeout: 5_000,
    },
    (req, res) => {
      if (refused.has(req.socket)) return void req.socket.destroy();
      const exchange: Exchange = { req, res };
      route(exchange).catch((error: unknown) => {
        if (!(error instanceof AppError)) options.logger.error('EPOS API request failed', { error: String(error) });
        if (!res.headersSent) problem(exchange, error);
      });
    },
  );

  // Connections past the cap get a 503 and are closed; far past it the kernel-level backstop drops them unanswered.
  const open = new Set<Socket>();
  const refused = new WeakSet<Socket>();
  server.maxConnections = limits.connections * 4;
  server.prependListener('connection', (socket: Socket) => {
    if (open.size >= limits.connections) {
      refused.add(socket);
      socket.end(TOO_MANY_CONNECTIONS);
      socket.setTimeout(5_000, () => socket.destroy());
      return;
    }
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });

  function send(exchange: Exchange, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    const { req, res, challenge } = exchange;
    const proof = challenge ? { [PROOF_HEADER]: proofFor(options.token(), req.socket.localPort ?? 0, challenge, status, text) } : {};
    res.writeHead(status, {
      'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
      ...environmentHeaders(tillEnvironment()),
      ...proof,
      ...headers,
    });
    res.end(text);
  }

  function problem(exchange: Exchange, error: unknown) {
    const { code, message, fields } = toIpcError(error);
    const status = STATUS_OF[code] ?? 500;
    const environment = tillEnvironment();
    // 429: the supervisor has a queue to answer first; ask again in a little while.
    send(exchange, status, { type: `urn:till-companion:problem:${code.toLowerCase()}`, title: code, status, detail: message, code, ...(environment ? { environment } : {}), ...(fields ? { errors: fields } : {}) }, status === 429 ? { 'retry-after': '30' } : {});
  }

  /** The till's environment, or null if it cannot be told (never let a broken backend break the answer). */
  function tillEnvironment(): Environment | null {
    try {
      return backend.environment();
    } catch {
      return null;
    }
  }

  /** Sales and refunds outside production must name the till's environment (environment-rule.ts). */
  function checkEnvironment(req: http.IncomingMessage) {
    requireEnvironment(backend.environment(), namedEnvironment(req.headers[ENVIRONMENT_HEADER.toLowerCase()]));
  }

  /** 429 (this client should slow down) or 503 (the companion is full), both with Retry-After. */
  function tooMany(exchange: Exchange, status: 429 | 503, detail: string, retryAfterSeconds = 1) {
    const code = status === 429 ? 'RATE_LIMITED' : 'BUSY';
    send(exchange, status, { type: `urn:till-companion:problem:${code.toLowerCase()}`, title: status === 429 ? 'Too Many Requests' : 'Service Unavailable', status, detail, code }, { 'retry-after': String(retryAfterSeconds) });
  }

  /** undefined: no Authorization header; otherwise whether it carries the token (compared as digests). */
  function authorisation(req: http.IncomingMessage): boolean | undefined {
    const header = req.headers.authorization;
    if (header === undefined) return undefined;
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    return sameSecret(given, options.token());
  }

  async function body<T>(req: http.IncomingMessage, schema: z.ZodType<T>): Promise<T> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new AppError('VALIDATION', 'The request body is too large.');
      chunks.push(chunk as Buffer);
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    } catch {
      throw new AppError('VALIDATION', 'The request body is not valid JSON.');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new AppError('VALIDATION', 'The request was not valid.', fieldErrors(parsed.error.issues));
    return parsed.data;
  }

  function idempotencyKey(req: http.IncomingMessage): string | undefined {
    const raw = req.headers['idempotency-key'];
    if (raw === undefined) return undefined;
    const parsed = IdempotencyKeySchema.safeParse(Array.isArray(raw) ? raw[0] : raw);
    if (!parsed.success) throw new AppError('VALIDATION', 'The Idempotency-Key header is not valid.', { 'Idempotency-Key': parsed.error.issues.map((i) => i.message) });
    return parsed.data;
  }

  async function route(exchange: Exchange) {
    const { req, res } = exchange;
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (!LOOPBACK.has(hostHeader)) return send(exchange, 421, { type: 'urn:till-companion:problem:wrong_host', title: 'Misdirected request', status: 421 });
    // A web page must never drive the till: browsers send Origin on cross-site requests; an EPOS does not.
    if (req.headers.origin) return send(exchange, 403, { type: 'urn:till-companion:problem:forbidden', title: 'Forbidden', status: 403, detail: 'Browser requests are not accepted.' });
    const challenge = req.headers[CHALLENGE_HEADER];
    if (challenge !== undefined) {
      if (typeof challenge !== 'string' || !CHALLENGE_PATTERN.test(challenge)) throw new AppError('VALIDATION', 'Till-Challenge must be 16 to 128 characters of A-Z, a-z, 0-9, "-" or "_".', { 'Till-Challenge': ['16 to 128 base64url characters.'] });
      exchange.challenge = challenge;
    }
    const url = target(req.url);
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const authorised = authorisation(req);

    const allowed = (authorised ? buckets.token : buckets.public).take();
    if (!allowed.ok) return tooMany(exchange, 429, 'Too many requests: slow down and try again.', allowed.retryAfterSeconds);

    // No detail on a refused token: nothing to learn from probing.
    const unauthorised = () => send(exchange, 401, { type: 'urn:till-companion:problem:unauthorized', title: 'Unauthorized', status: 401 }, { 'www-authenticate': 'Bearer' });
    if (method === 'GET' && path === '/v1/health') {
      if (authorised === false) return unauthorised();
      const health = await backend.health(authorised === true);
      return send(exchange, health['status'] === 'ok' ? 200 : 503, health);
    }
    if (method === 'GET' && path === '/v1/openapi.json') return send(exchange, 200, openapi);
    if (!authorised) return unauthorised();

    const down = backend.unavailable();
    if (down) throw new AppError('KEY_UNAVAILABLE', `${down.reason} ${down.instruction}`);

    const payment = /^\/v1\/payments\/([^/]+)(\/cancel|\/signature)?$/.exec(path);
    const refundRequest = /^\/v1\/refund-requests\/([^/]+)$/.exec(path);
    if (method === 'GET' && path === '/v1/terminals') return send(exchange, 200, { environment: backend.environment(), terminals: await backend.terminals() });
    if (method === 'POST' && path === '/v1/sales') {
      const input = await body(req, SaleRequestSchema);
      // A replay answers with the payment the key started, whatever the environment; a new sale must pass the rule.
      const { payment: view, replayed } = backend.startSale(input, idempotencyKey(req) ?? `reference:${input.reference}`, () => checkEnvironment(req));
      return send(exchange, replayed ? 200 : 202, accepted(view), replayed ? { 'idempotent-replayed': 'true' } : {});
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const input = await body(req, RefundRequestSchema);
      const answer = backend.refund(input, idempotencyKey(req), () => checkEnvironment(req));
      const replayHeaders: Record<string, string> = answer.replayed ? { 'idempotent-replayed': 'true' } : {};
      if ('request' in answer) return send(exchange, answer.replayed ? 200 : 202, refundRequestJson(answer.request), replayHeaders);
      return send(exchange, answer.replayed ? 200 : 202, accepted(answer.payment), replayHeaders);
    }
    if (method === 'POST' && path === '/v1/refunds/unlinked') {
      const input = await body(req, UnlinkedRefundRequestSchema);
      // As for sales: a replay answers with what the key asked for; a new request must pass the environment rule.
      const { request, replayed } = await backend.requestUnlinkedRefund(input, idempotencyKey(req), () => checkEnvironment(req));
      return send(exchange, replayed ? 200 : 202, refundRequestJson(request), replayed ? { 'idempotent-replayed': 'true' } : {});
    }
    if (method === 'GET' && refundRequest) return send(exchange, 200, refundRequestJson(backend.refundRequest(decoded(refundRequest[1]!))));
    if (method === 'GET' && path === '/v1/payments') {
      const reference = url.searchParams.get('reference');
      if (!reference) throw new AppError('VALIDATION', 'Give ?reference= to look a payment up.', { reference: ['Required.'] });
      return send(exchange, 200, { payments: backend.byReference(reference).map(toApiPayment) });
    }
    if (payment && method === 'GET' && !payment[2]) {
      const id = decoded(payment[1]!);
      const wait = url.searchParams.has('wait') ? WaitSchema.safeParse(url.searchParams.get('wait')) : undefined;
      if (wait && !wait.success) throw new AppError('VALIDATION', 'wait is a number of seconds from 0 to 60.', { wait: ['0 to 60 seconds.'] });
      const current = backend.payment(id);
      // `since` (the updatedAt the EPOS last saw) closes the gap between two polls: a change in between answers at once.
      const since = url.searchParams.get('since');
      const changedSince = since !== null && since !== current.updatedAt;
      if (!wait?.data || changedSince) return send(exchange, 200, toApiPayment(current));
      const slot = waits.enter(id);
      if (!slot.ok) {
        return slot.cap === 'payment'
          ? tooMany(exchange, 429, `Already ${limits.longPollsPerPayment} long-polls wait on this payment: wait for one to answer.`)
          : tooMany(exchange, 503, 'Too many long-polls are waiting on the companion. Try again in a moment.');
      }
      res.once('close', slot.release);
      try {
        return send(exchange, 200, toApiPayment(await backend.nextChange(id, wait.data * 1000)));
      } finally {
        slot.release();
      }
    }
    if (payment && method === 'POST' && payment[2] === '/cancel') return send(exchange, 200, toApiPayment(await backend.cancel(decoded(payment[1]!))));
    if (payment && method === 'POST' && payment[2] === '/signature') {
      const { accepted } = await body(req, SignatureRequestSchema);
      return send(exchange, 200, toApiPayment(await backend.answerSignature(decoded(payment[1]!), accepted)));
    }
    if (method === 'GET' && path === '/v1/reports/x') return send(exchange, 200, backend.xReport());
    if (method === 'POST' && path === '/v1/reports/z') {
      const input = await body(req, CloseDayBodySchema);
      const { report, created } = await backend.closeDay(input?.tradingDay);
      return send(exchange, created ? 201 : 200, report, created ? {} : { 'idempotent-replayed': 'true' });
    }
    const zReport = /^\/v1\/reports\/z\/([^/]+)$/.exec(path);
    if (method === 'GET' && zReport) {
      const number = ZNumberParamSchema.safeParse(decoded(zReport[1]!));
      if (!number.success) throw new AppError('VALIDATION', 'A Z number is a whole number from 1.', { number: ['A whole number from 1.'] });
      return send(exchange, 200, backend.zReport(number.data));
    }
    throw new AppError('NOT_FOUND', `No such endpoint: ${method} ${path.slice(0, 80)}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // exclusive: never share the listening handle (Node's only exclusivity knob; see docs/epos-integration.md for Windows).
    server.listen({ port: options.port, host, exclusive: true }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === '::1' ? '[::1]' : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A started (or replayed) payment: its id, status and the environment it runs in. */
const accepted = (view: PaymentView) => ({ paymentId: view.id, status: view.status, environment: view.environment });

/** A refund request, with the environment it was made in (the only one it can start in). */
function refundRequestJson(request: RefundRequest) {
  return {
    environment: request.environment,
    requestId: request.requestId,
    kind: request.kind,
    status: request.status,
    paymentId: request.paymentId,
    amount: request.amount,
    currency: request.currency,
    reference: request.reference ?? null,
  };
}
