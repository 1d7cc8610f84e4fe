import type { z } from 'zod';
import type { DojoApiVersion } from '../settings/build-config';
import { DojoError, errorFromResponse } from './errors';
import {
  DojoIntentPageSchema,
  DojoIntentPageShellSchema,
  DojoIntentSchema,
  DojoProblemSchema,
  DojoRefundSchema,
  DojoSessionSchema,
  DojoTerminalSchema,
  type DojoIntent,
  type DojoMoney,
  type DojoSession,
  type DojoTerminal,
} from './schemas';

export interface DojoClientOptions {
  baseUrl: string;
  fetch: typeof fetch;
  /** Read from the keychain when a call needs it; never stored on the client. */
  apiKey: () => Promise<string>;
  version: DojoApiVersion;
  softwareHouseId: string;
  resellerId: string;
  timeoutMs?: number;
  /** Extra attempts for idempotent GETs only; writes are never retried blindly. */
  getRetries?: number;
  retryDelayMs?: number;
}

export type SessionDetails =
  | { sessionType: 'Sale'; sale: { paymentIntentId: string } }
  | { sessionType: 'MatchedRefund'; matchedRefund: { paymentIntentId: string; amount: DojoMoney } }
  | { sessionType: 'UnlinkedRefund'; unlinkedRefund: { amount: DojoMoney } };

export interface CreateIntentRequest {
  amount: DojoMoney;
  reference: string;
  description?: string;
  metadata?: Record<string, string>;
}

/**
 * Failures that mean the request never reached Dojo, so a write is known not to have happened. Node's fetch puts
 * an errno code in `cause.code`; Electron's net.fetch rejects with Chromium's `net::ERR_*` name as the message.
 * Certificate and TLS handshake failures (a TLS-inspecting proxy, a wrong clock), proxy refusals and proxy
 * authentication all end before a byte of the request is sent. ERR_SSL_PROTOCOL_ERROR, a bad record MAC and
 * renegotiation errors can also break an established connection mid-request, so they stay "unknown".
 */
const NOT_SENT = [
  /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/,
  /\b(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID)\b/,
  /net::ERR_(CONNECTION_REFUSED|NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|INTERNET_DISCONNECTED|ADDRESS_UNREACHABLE|ADDRESS_INVALID|NETWORK_ACCESS_DENIED)\b/,
  /net::ERR_(PROXY_CONNECTION_FAILED|TUNNEL_CONNECTION_FAILED|PROXY_AUTH_UNSUPPORTED|PROXY_AUTH_REQUESTED|PROXY_AUTH_REQUESTED_WITH_NO_CONNECTION|PROXY_CERTIFICATE_INVALID|MANDATORY_PROXY_CONFIGURATION_FAILED)\b/,
  /net::ERR_CERT_[A-Z_]+/,
  /net::ERR_SSL_(?!PROTOCOL_ERROR\b|BAD_RECORD_MAC_ALERT\b|RENEGOTIATION_REQUESTED\b|SERVER_CERT_CHANGED\b)[A-Z_0-9]+/,
];
export const requestNeverSent = (reason: string): boolean => NOT_SENT.some((pattern) => pattern.test(reason));

/** Every Dojo call the app makes, with Dojo's headers, a per-request timeout and mapped errors. */
export class DojoClient {
  private readonly timeoutMs: number;
  private readonly getRetries: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: DojoClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.getRetries = options.getRetries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 200;
  }

  listTerminals(statuses: string[] = []): Promise<DojoTerminal[]> {
    const query = statuses.map((s) => `statuses=${encodeURIComponent(s)}`).join('&');
    return this.get(`/terminals${query ? `?${query}` : ''}`, DojoTerminalSchema.array(), true);
  }
  getTerminal(id: string): Promise<DojoTerminal> {
    return this.get(`/terminals/${encodeURIComponent(id)}`, DojoTerminalSchema, true);
  }
  createIntent(body: CreateIntentRequest): Promise<DojoIntent> {
    return this.write('POST', '/payment-intents', body, DojoIntentSchema, false);
  }
  getIntent(id: string, returnCanceled = false): Promise<DojoIntent> {
    return this.get(`/payment-intents/${encodeURIComponent(id)}${returnCanceled ? '?returnCanceled=true' : ''}`, DojoIntentSchema, false);
  }
  cancelIntent(id: string): Promise<DojoIntent> {
    return this.write('DELETE', `/payment-intents/${encodeURIComponent(id)}`, undefined, DojoIntentSchema, false);
  }
  /** Search is a read (POST only because of its body): safe to retry. */
  searchIntents(body: { statuses?: string[]; startDate?: string; endDate?: string; cursor?: { limit?: number; after?: string } }) {
    return this.request('POST', '/payment-intents/search', body, DojoIntentPageSchema, false, true);
  }
  /**
   * One search page whose next cursor is read before its intents are checked: a caller paging through a whole
   * day asks for the next page, then checks this one (`intents()`, the same schema as searchIntents) while that
   * request is on its way.
   */
  async searchIntentsPage(body: { startDate?: string; endDate?: string; cursor?: { limit?: number; after?: string } }): Promise<{ after: string | null; count: number; intents(): DojoIntent[] }> {
    const page = await this.request('POST', '/payment-intents/search', body, DojoIntentPageShellSchema, false, true);
    return {
      after: page.after ?? null,
      count: page.data.length,
      intents: () => {
        const parsed = DojoIntentSchema.array().safeParse(page.data);
        if (!parsed.success) throw new DojoError('DOJO_BAD_RESPONSE', 'Dojo sent a page of payments the app could not understand.', { outcomeUnknown: false });
        return parsed.data;
      },
    };
  }
  refundIntent(id: string, idempotencyKey: string, amount: number, refundReason?: string) {
    return this.write('POST', `/payment-intents/${encodeURIComponent(id)}/refunds`, { amount, ...(refundReason ? { refundReason } : {}) }, DojoRefundSchema, false, {
      idempotencyKey,
    });
  }
  createSession(terminalId: string, details: SessionDetails): Promise<DojoSession> {
    return this.write('POST', '/terminal-sessions', { terminalId, details }, DojoSessionSchema, true);
  }
  getSession(id: string): Promise<DojoSession> {
    return this.get(`/terminal-sessions/${encodeURIComponent(id)}`, DojoSessionSchema, true);
  }
  cancelSession(id: string): Promise<DojoSession> {
    return this.write('PUT', `/terminal-sessions/${encodeURIComponent(id)}/cancel`, undefined, DojoSessionSchema, true);
  }
  answerSignature(id: string, accepted: boolean): Promise<DojoSession> {
    return this.write('PUT', `/terminal-sessions/${encodeURIComponent(id)}/signature`, { accepted }, DojoSessionSchema, true);
  }

  private get<T>(path: string, schema: z.ZodType<T>, terminalCall: boolean) {
    return this.request('GET', path, undefined, schema, terminalCall, true);
  }
  private write<T>(method: string, path: string, body: unknown, schema: z.ZodType<T>, terminalCall: boolean, headers: Record<string, string> = {}) {
    return this.request(method, path, body, schema, terminalCall, false, headers);
  }

  private async request<T>(
    method: string,
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    terminalCall: boolean,
    idempotent: boolean,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const attempts = idempotent ? this.getRetries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, path, body, schema, terminalCall, !idempotent, extraHeaders);
      } catch (error) {
        const retryable = error instanceof DojoError && ['NETWORK', 'TIMEOUT', 'DOJO_SERVER', 'DOJO_BAD_RESPONSE'].includes(error.code);
        if (!retryable || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * 3 ** (attempt - 1)));
      }
    }
  }

  private async once<T>(
    method: string,
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    terminalCall: boolean,
    write: boolean,
    extraHeaders: Record<string, string>,
  ): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Basic ${await this.options.apiKey()}`,
      version: this.options.version,
      accept: 'application/json',
      ...extraHeaders,
    };
    if (terminalCall) {
      headers['software-house-id'] = this.options.softwareHouseId;
      headers['reseller-id'] = this.options.resellerId;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        // net.fetch goes through Chromium's HTTP cache; Dojo's answers must always be fresh.
        cache: 'no-store',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      if (isTimeout(error)) {
        return Promise.reject(
          new DojoError('TIMEOUT', write ? 'Dojo did not answer in time. Checking what happened before going on.' : 'Dojo did not answer in time. Please try again.', {
            outcomeUnknown: write,
          }),
        );
      }
      const reason = describeNetworkError(error);
      return Promise.reject(
        new DojoError('NETWORK', 'Dojo could not be reached. Check the till\'s internet connection.', { outcomeUnknown: write && !requestNeverSent(reason) }),
      );
    }

    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      if (response.ok) {
        throw new DojoError('DOJO_BAD_RESPONSE', 'Dojo sent an answer the app could not read. Checking what happened before going on.', { status: response.status, outcomeUnknown: write });
      }
    }
    if (!response.ok) {
      const problem = DojoProblemSchema.safeParse(json);
      throw errorFromResponse(response.status, problem.success ? problem.data : undefined, write);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new DojoError('DOJO_BAD_RESPONSE', 'Dojo sent an answer the app could not understand. Checking what happened before going on.', {
        status: response.status,
        outcomeUnknown: write,
      });
    }
    return parsed.data;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return `${error.message} ${cause?.code ?? ''} ${cause?.message ?? ''}`;
}
