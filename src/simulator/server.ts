import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Faults, FaultRuleSchema, LatencySchema, type FaultRule } from './faults';
import { ReadingsSchema, type ReadingsInput } from './readings';
import { CaptureSchema, CreateIntentSchema, CreateSessionSchema, RefundSchema, SearchSchema, SignatureSchema, SUPPORTED_CURRENCIES, TERMINAL_STATUSES } from './schemas';
import { SimError, SimState, type ErrorFamily } from './state';
import { AmendIntentSchema, InjectIntentSchema, amendIntent, injectIntent } from './intents-admin';

export const SUPPORTED_VERSIONS = ['2024-02-05', '2025-09-10', '2026-02-27'] as const;

export interface RecordedExchange {
  method: string;
  template: string;
  path: string;
  version: string | undefined;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
}

export interface SimServerOptions {
  state: SimState;
  faults: Faults;
  /** Keep every exchange for contract tests. */
  record?: boolean;
  /** Keeps Dojo's record in a file (record-file.ts): a change is saved before it is answered. */
  keeper?: { commit(): Promise<void>; changed(): void };
}

type Json = unknown;
interface Route {
  method: string;
  template: string;
  family: ErrorFamily;
  pattern: RegExp;
  terminalCall: boolean;
}

const routes: Route[] = [
  ['GET', '/terminals', 'terminals'],
  ['GET', '/terminals/{id}', 'terminals'],
  ['POST', '/payment-intents/search', 'intents'],
  ['POST', '/payment-intents', 'intents'],
  ['GET', '/payment-intents/{id}', 'intents'],
  ['DELETE', '/payment-intents/{id}', 'intents'],
  ['POST', '/payment-intents/{id}/captures', 'intents'],
  ['POST', '/payment-intents/{id}/refunds', 'intents'],
  ['POST', '/payment-intents/{id}/reversal', 'intents'],
  ['POST', '/terminal-sessions', 'sessions'],
  ['GET', '/terminal-sessions/{id}', 'sessions'],
  ['PUT', '/terminal-sessions/{id}/cancel', 'sessions'],
  ['PUT', '/terminal-sessions/{id}/signature', 'sessions'],
].map(([method, template, family]) => ({
  method: method!,
  template: template!,
  family: family as ErrorFamily,
  pattern: new RegExp(`^${template!.replace('{id}', '([^/]+)')}$`),
  terminalCall: template!.startsWith('/terminal'),
}));

const familyOf = (path: string): ErrorFamily => (path.startsWith('/terminals') ? 'terminals' : path.startsWith('/terminal-sessions') ? 'sessions' : 'intents');

const TITLES: Record<number, string> = {
  400: 'One or more validation errors occurred.',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Error bodies in the schema each family of endpoints uses in Dojo's spec (Error, ProblemDetailsTerminals, ProblemDetails). */
export function errorBody(family: ErrorFamily, status: number, detail: string, extra: SimError['extra'] = {}): Json {
  const traceId = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
  const type = status >= 500 ? 'https://tools.ietf.org/html/rfc7231#section-6.6.1' : 'https://tools.ietf.org/html/rfc7231#section-6.5.1';
  const title = TITLES[status] ?? 'Error';
  const errors = extra.errors ?? {};
  if (family === 'terminals') {
    return { code: extra.code ?? (status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_REQUEST'), title, type, status, detail, traceId, errors };
  }
  return { type, title, status, detail, traceId, errors, ...(extra.code ? { code: extra.code } : {}) };
}

/** A Dojo-compatible HTTP API over the simulator's state, plus the /__sim admin API. */
export function createSimServer(options: SimServerOptions) {
  const { state, faults } = options;
  const recorded: RecordedExchange[] = [];
  const counts = new Map<string, number>();
  let acceptedKeys: string[] | null = null;
  const hanging = new Set<http.ServerResponse>();

  const keyPattern = state.environment === 'sandbox' ? /^sk_sandbox_[A-Za-z0-9_-]{4,}$/ : /^sk_prod_[A-Za-z0-9_-]{4,}$/;
  const validKey = (key: string) => (acceptedKeys ? acceptedKeys.includes(key) : keyPattern.test(key));

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(familyOf(req.url ?? '/'), 500, `Simulator error: ${String(error)}`));
    });
  });

  function sendJson(res: http.ServerResponse, status: number, body: Json) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/__sim/')) return admin(req.method ?? 'GET', url, raw, res);

    const method = req.method ?? 'GET';
    const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    const template = route?.template ?? url.pathname;
    counts.set(`${method} ${template}`, (counts.get(`${method} ${template}`) ?? 0) + 1);
    const family = route?.family ?? familyOf(url.pathname);
    const version = header(req, 'version');
    let requestBody: unknown;

    const respond = (status: number, body: Json) => {
      if (options.record) recorded.push({ method, template, path: url.pathname, version, requestBody, status, responseBody: body });
      sendJson(res, status, body);
    };

    const delay = faults.delayMs();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

    if (!route) return respond(404, errorBody(family, 404, `No such endpoint: ${method} ${url.pathname}`));

    // Auth and headers, as Dojo checks them.
    const auth = header(req, 'authorization') ?? '';
    const [scheme, key, ...rest] = auth.split(' ');
    if (scheme !== 'Basic' || !key || rest.length || !validKey(key)) {
      return respond(401, errorBody(family, 401, scheme === 'Bearer' ? 'Use the Basic scheme with your secret key, not Bearer.' : 'The API key is missing or not valid.'));
    }
    if (!version || !(SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
      return respond(400, errorBody(family, 400, version ? `API version ${version} is not supported.` : 'The version header is required.', { errors: { version: ['A supported API version is required.'] } }));
    }
    if (route.terminalCall) {
      if (!header(req, 'software-house-id')) return respond(401, errorBody(family, 401, 'A software house ID header is required.'));
      if (!header(req, 'reseller-id')) return respond(401, errorBody(family, 401, 'A reseller ID header is required.'));
    }

    if (raw.length) {
      try {
        requestBody = JSON.parse(raw);
      } catch {
        return respond(400, errorBody(family, 400, 'The request body is not valid JSON.', { errors: { body: ['Malformed JSON.'] } }));
      }
    }

    const fault = faults.take(method, template);
    if (fault?.kind === 'status') return respond(fault.status, errorBody(family, fault.status, 'Injected fault.'));
    if (fault?.kind === 'hang' && !fault.apply) return hang(res);

    let status = 200;
    let body: Json;
    try {
      body = await route_(route, url, req, requestBody);
    } catch (error) {
      if (!(error instanceof SimError)) throw error;
      status = error.status;
      body = errorBody(family, error.status, error.detail, error.extra);
    }
    // A request that may change Dojo's record is answered once the record is saved; a read (GET, or a search)
    // only moved time on, which the simulator replays from the record, so it is saved soon after.
    if (options.keeper) {
      if (method === 'GET' || route.template === '/payment-intents/search') options.keeper.changed();
      else await options.keeper.commit();
    }
    if (fault) return deliverFault(fault, res, () => options.record && recorded.push({ method, template, path: url.pathname, version, requestBody, status, responseBody: body }));
    respond(status, body);
  }

  function hang(res: http.ServerResponse) {
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
  }

  function deliverFault(fault: FaultRule, res: http.ServerResponse, note: () => unknown) {
    note();
    if (fault.kind === 'drop') {
      res.socket?.destroy();
    } else if (fault.kind === 'hang') {
      hang(res);
    } else {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end('{"id": "pi_sandbox_trunc');
    }
  }

  function parse<T>(schema: z.ZodType<T>, body: unknown): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const errors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) (errors[issue.path.join('.') || 'body'] ??= []).push(issue.message);
      throw new SimError(400, 'One or more validation errors occurred.', { errors });
    }
    return parsed.data;
  }

  function checkCurrency(code: string, field: string) {
    if (!SUPPORTED_CURRENCIES.includes(code)) throw new SimError(400, `Currency ${code} is not supported.`, { errors: { [field]: ['Accepts GBP and EUR.'] } });
  }

  async function route_(route: Route, url: URL, req: http.IncomingMessage, body: unknown): Promise<Json> {
    const id = decodeURIComponent(route.pattern.exec(url.pathname)?.[1] ?? '');
    switch (`${route.method} ${route.template}`) {
      case 'GET /terminals': {
        const statuses = url.searchParams.getAll('statuses');
        const unknown = statuses.filter((s) => !(TERMINAL_STATUSES as readonly string[]).includes(s));
        if (unknown.length) throw new SimError(400, `Unknown terminal status: ${unknown.join(', ')}.`);
        return state.listTerminals(statuses);
      }
      case 'GET /terminals/{id}':
        return state.getTerminal(id);
      case 'POST /payment-intents': {
        const request = parse(CreateIntentSchema, body);
        checkCurrency(request.amount.currencyCode, 'Amount.CurrencyCode');
        if (request.amount.value <= 0) throw new SimError(400, 'The amount must be positive.', { errors: { 'Amount.Value': ['The amount must be greater than zero.'] } });
        return state.intentJson(state.createIntent(request));
      }
      case 'POST /payment-intents/search':
        return (({ data, ...rest }) => ({ data: data.map((i) => state.intentJson(i)), ...rest }))(state.search(parse(SearchSchema, body ?? {})));
      case 'GET /payment-intents/{id}':
        return state.intentJson(state.intent(id, url.searchParams.get('returnCanceled') === 'true'));
      case 'DELETE /payment-intents/{id}':
        return state.intentJson(state.cancelIntent(id));
      case 'POST /payment-intents/{id}/captures':
        return state.capture(id, parse(CaptureSchema, body));
      case 'POST /payment-intents/{id}/refunds': {
        const key = header(req, 'idempotencykey');
        if (!key || key.length > 100) throw new SimError(400, 'The idempotencyKey header is required (at most 100 characters).', { errors: { idempotencyKey: ['Required, at most 100 characters.'] } });
        const refund = state.refund(id, key, parse(RefundSchema, body));
        return { paymentIntentId: refund.paymentIntentId, refundId: refund.refundId, refundReason: refund.refundReason, notes: refund.notes };
      }
      case 'POST /payment-intents/{id}/reversal':
        return state.reverse(id);
      case 'POST /terminal-sessions': {
        const request = parse(CreateSessionSchema, body);
        const money = request.details.matchedRefund?.amount ?? request.details.unlinkedRefund?.amount;
        if (money) {
          checkCurrency(money.currencyCode, 'Details.Amount.CurrencyCode');
          if (money.value <= 0) throw new SimError(400, 'The amount must be positive.', { errors: { 'Details.Amount.Value': ['The amount must be greater than zero.'] } });
        }
        return state.sessionJson(state.createSession(request));
      }
      case 'GET /terminal-sessions/{id}':
        return state.sessionJson(state.session(id));
      case 'PUT /terminal-sessions/{id}/cancel':
        return state.sessionJson(state.cancelSession(id));
      case 'PUT /terminal-sessions/{id}/signature':
        return state.sessionJson(state.answerSignature(id, parse(SignatureSchema, body).accepted));
    }
    throw new SimError(404, 'No such endpoint.');
  }

  // ---- /__sim admin API: not Dojo's; used by tests, benchmarks and the training-mode UI -------------------

  function admin(method: string, url: URL, raw: string, res: http.ServerResponse) {
    let body: Record<string, unknown>;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return sendJson(res, 400, { error: 'Malformed JSON' });
    }
    const path = url.pathname.slice('/__sim'.length);
    try {
      const result = adminRoute(method, path, body);
      options.keeper?.changed();
      if (result === undefined) return sendJson(res, 404, { error: `No admin route ${method} ${path}` });
      sendJson(res, 200, result);
    } catch (error) {
      sendJson(res, error instanceof SimError ? error.status : 400, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  function adminRoute(method: string, path: string, body: Record<string, unknown>): Json | undefined {
    const terminalStatus = /^\/terminals\/([^/]+)\/status$/.exec(path);
    const intent = /^\/intents\/([^/]+)$/.exec(path);
    if (method === 'POST' && path === '/reset') return controls.reset(), { ok: true };
    if (method === 'GET' && path === '/state') return state.snapshot();
    if (method === 'GET' && path === '/terminals') return state.listTerminals([]);
    if (method === 'POST' && path === '/terminals') return state.terminalJson(controls.addTerminal(AddTerminalSchema.parse(body)));
    if (method === 'PUT' && terminalStatus) return state.terminalJson(state.setTerminalStatus(terminalStatus[1]!, z.enum(TERMINAL_STATUSES).parse(body['status'])));
    if (method === 'POST' && path === '/clock/advance') return controls.advance(z.number().min(0).parse(body['ms'])), { now: new Date(state.clock.now()).toISOString() };
    if (method === 'POST' && path === '/faults') return controls.injectFault(FaultRuleSchema.parse(body));
    if (method === 'GET' && path === '/faults') return faults.pending();
    if (method === 'DELETE' && path === '/faults') return controls.clearFaults(), { ok: true };
    if (method === 'PUT' && path === '/latency') return (faults.latency = LatencySchema.parse(body));
    if (method === 'GET' && path === '/readings') return state.readings;
    if (method === 'PUT' && path === '/readings') return state.setReadings(ReadingsSchema.partial().parse(body));
    if (method === 'PUT' && path === '/keys') return controls.acceptKeys(z.array(z.string()).nullable().parse(body['accept'] ?? null)), { ok: true };
    if (method === 'POST' && path === '/intents') return state.intentJson(controls.injectIntent(InjectIntentSchema.parse(body)));
    if (method === 'PATCH' && intent) return state.intentJson(controls.amendIntent(decodeURIComponent(intent[1]!), AmendIntentSchema.parse(body)));
    if (method === 'PUT' && path === '/search-order') return { order: controls.setSearchOrder(z.enum(['oldest', 'newest']).parse(body['order'])) };
    if (method === 'GET' && path === '/requests') return recorded;
    if (method === 'GET' && path === '/stats') return Object.fromEntries(counts);
    return undefined;
  }

  const AddTerminalSchema = z.object({
    tid: z.string().min(1).max(32),
    status: z.enum(['InUse', 'Offline']).optional(),
    tipsAmount: z.number().int().min(0).optional(),
    cashbackAmount: z.number().int().min(0).optional(),
  });

  /** The same controls as /__sim, for in-process use. */
  const controls = {
    reset() {
      state.reset();
      faults.clear();
      recorded.length = 0;
      counts.clear();
      acceptedKeys = null;
      for (const res of hanging) res.socket?.destroy();
    },
    addTerminal: (input: z.input<typeof AddTerminalSchema>) => state.addTerminal(AddTerminalSchema.parse(input)),
    setTerminalStatus: (id: string, status: (typeof TERMINAL_STATUSES)[number]) => state.setTerminalStatus(id, status),
    terminalByTid: (tid: string) => [...state.terminals.values()].find((t) => t.tid === tid),
    advance: (ms: number) => state.clock.advance(ms),
    injectFault: (rule: z.input<typeof FaultRuleSchema>) => faults.add(rule),
    clearFaults: () => faults.clear(),
    setLatency: (fixedMs: number, jitterMs = 0) => (faults.latency = { fixedMs, jitterMs }),
    /** Plays another reading of Dojo's open behaviours (sessionHistory, intentLagMs, deleteWhileSessionRuns). */
    setReadings: (input: ReadingsInput) => state.setReadings(input),
    acceptKeys: (keys: string[] | null) => (acceptedKeys = keys),
    /** A payment taken on the terminal outside the companion (or by another till), straight into Dojo's record. */
    injectIntent: (input: Parameters<typeof injectIntent>[1]) => injectIntent(state, input),
    /** Makes Dojo's record of an intent differ from the till's (status, gratuity, cashback, refunded amount). */
    amendIntent: (id: string, change: Parameters<typeof amendIntent>[2]) => amendIntent(state, id, change),
    setSearchOrder: (order: 'oldest' | 'newest') => (state.searchOrder = order),
    requests: () => recorded,
    counts: () => Object.fromEntries(counts),
    snapshot: () => state.snapshot(),
  };

  return { server, controls };
}

export type SimControls = ReturnType<typeof createSimServer>['controls'];

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
