import { randomBytes } from 'node:crypto';
import type { EposInfo, RefundRequestView } from '../../shared/epos';
import { localDay } from '../../shared/dates';
import type { PaymentView } from '../../shared/payments';
import { AppError } from '../errors';
import type { Logger } from '../logging/logger';
import { SECRET_ACCOUNTS, type SecretStore } from '../secrets/secret-store';
import type { Environment } from '../../shared/app-info';
import type { EventBus } from '../events';
import type { ReportService } from '../reports/report-service';
import type { PaymentsPort } from '../payments/port';
import type { SettingsService } from '../settings/settings-service';
import { startEposApi, type EposApi, type EposBackend } from './epos-api';
import { UnlinkedRefundRequests } from './unlinked-requests';

export interface EposServiceOptions {
  secrets: SecretStore;
  logger: Logger;
  now: () => number;
  version: string;
  /** TILL_EPOS_PORT / TILL_EPOS_TOKEN (honoured in development, tests and the web harness). */
  overrides: { port?: number; token?: string };
}

/** What the EPOS integration needs from the rest of the app (and nothing more). */
export interface EposHost {
  /** The payment engine of the current environment. */
  payments(): PaymentsPort;
  /** End-of-day reports of the current environment (X, closing the day, a Z by number). */
  reports(): Pick<ReportService, 'x' | 'closeDay' | 'z'>;
  environment(): Environment;
  settings: Pick<SettingsService, 'stored' | 'authoriseUnlinkedRefund'>;
  events: Pick<EventBus, 'emit'>;
  /** The desktop window, where there is one. */
  window: { bringToFront(): void } | undefined;
}

/** The EPOS integration: its bearer token (in the keychain), the loopback API, and refund requests to confirm. */
export class EposService {
  private api: EposApi | undefined;
  private token = '';
  private tokenStorage: EposInfo['tokenStorage'] = 'memory';
  private error: string | null = null;
  readonly requests: UnlinkedRefundRequests;
  private terminalCache: { at: number; value: Record<string, unknown> | null } | undefined;

  constructor(
    private readonly services: EposHost,
    private readonly options: EposServiceOptions,
  ) {
    this.requests = new UnlinkedRefundRequests(options.now);
  }

  async start(): Promise<void> {
    await this.loadToken();
    const settings = this.services.settings.stored().epos;
    if (!settings.enabled) return;
    const port = this.options.overrides.port ?? settings.port;
    try {
      this.api = await startEposApi({ backend: this.backend(), token: () => this.token, port, logger: this.options.logger });
      this.error = null;
      this.options.logger.info('EPOS API listening', { url: this.api.url });
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      this.error = inUse ? `Port ${port} is in use by another program: the EPOS API is off. Choose another port or close that program.` : `The EPOS API could not start: ${String(error)}`;
      this.options.logger.warn('EPOS API did not start', { port, reason: inUse ? 'port in use' : String(error) });
    }
  }

  async stop(): Promise<void> {
    await this.api?.close();
    this.api = undefined;
  }

  get url(): string | null {
    return this.api?.url ?? null;
  }

  info(): EposInfo {
    const settings = this.services.settings.stored().epos;
    return { enabled: settings.enabled, url: this.url, port: this.api?.port ?? this.options.overrides.port ?? settings.port, token: this.token || null, tokenStorage: this.tokenStorage, error: this.error };
  }

  async regenerateToken(): Promise<EposInfo> {
    if (this.tokenStorage === 'environment') throw new AppError('CONFLICT', 'The EPOS token is set by TILL_EPOS_TOKEN for this run.');
    await this.storeToken(randomBytes(32).toString('base64url'));
    return this.info();
  }

  /** Every secret this integration holds, for the log redactor. */
  secrets(): string[] {
    return this.token ? [this.token] : [];
  }

  pendingRequests(): RefundRequestView[] {
    return this.requests.pending().map((r) => ({ requestId: r.requestId, amount: r.amount, currency: r.currency, reference: r.reference ?? null, createdAt: new Date(r.createdAt).toISOString() }));
  }

  async confirmRequest(requestId: string, supervisorPin: string, terminalId?: string): Promise<PaymentView> {
    const request = this.requests.get(requestId);
    if (request.status !== 'awaiting_confirmation') throw new AppError('CONFLICT', 'That refund request was already answered.');
    await this.services.settings.authoriseUnlinkedRefund(request.amount, supervisorPin);
    const payment = this.services.payments().startUnlinkedRefund({
      amount: request.amount,
      currency: request.currency,
      terminalId: terminalId ?? request.terminalId ?? this.chosenTerminal(),
      ...(request.reference ? { reference: request.reference } : {}),
    });
    this.requests.settle(requestId, { status: 'started', paymentId: payment.id });
    this.publishRequests();
    return payment;
  }

  declineRequest(requestId: string): void {
    this.requests.settle(requestId, { status: 'declined' });
    this.publishRequests();
  }

  private publishRequests() {
    this.services.events.emit('epos:refundRequests', { pending: this.pendingRequests() });
  }

  private chosenTerminal(): string {
    const terminal = this.services.settings.stored().terminals[this.services.environment()];
    if (!terminal) throw new AppError('NOT_CONFIGURED', 'No terminal is chosen on the companion. Choose one there, or send terminalId.');
    return terminal;
  }

  private async loadToken(): Promise<void> {
    if (this.options.overrides.token) {
      this.token = this.options.overrides.token;
      this.tokenStorage = 'environment';
      return;
    }
    try {
      const stored = await this.options.secrets.get(SECRET_ACCOUNTS.eposToken);
      if (stored) {
        this.token = stored;
        this.tokenStorage = 'keychain';
        return;
      }
    } catch {
      // falls through to a fresh token kept in memory for this run (never written to disk)
    }
    await this.storeToken(randomBytes(32).toString('base64url'));
  }

  private async storeToken(token: string): Promise<void> {
    this.token = token;
    try {
      await this.options.secrets.set(SECRET_ACCOUNTS.eposToken, token);
      this.tokenStorage = 'keychain';
    } catch {
      this.tokenStorage = 'memory';
      this.options.logger.warn('keychain unavailable: the EPOS token lasts for this run only');
    }
  }

  /** Shows a payment the EPOS started on the till screen, like a manual one. */
  private announce(payment: PaymentView) {
    this.services.events.emit('payment:started', { payment, source: 'epos' });
    this.services.window?.bringToFront();
  }

  private backend(): EposBackend {
    const services = this.services;
    const engine = () => services.payments();
    return {
      health: async () => {
        const environment = services.environment();
        return { status: 'ok', version: this.options.version, trainingMode: environment === 'training', environment, terminal: await this.terminalStatus() };
      },
      terminals: () => engine().listTerminals(),
      startSale: (input, key) => {
        // Without an Idempotency-Key the reference is the key, for today only (references repeat, e.g. "Table 5").
        const idempotencyKey = key.startsWith('reference:') ? `epos:${localDay(this.options.now())}:${key}` : `epos:${key}`;
        const existing = engine().findByIdempotencyKey(idempotencyKey);
        if (existing) return { payment: existing, replayed: true };
        const payment = engine().startSale({ ...input, terminalId: input.terminalId ?? this.chosenTerminal(), idempotencyKey });
        this.announce(payment);
        return { payment, replayed: false };
      },
      refund: (input, key) => {
        const idempotencyKey = key ? `epos-refund:${key}` : undefined;
        const existing = idempotencyKey ? engine().findByIdempotencyKey(idempotencyKey) : undefined;
        if (existing) return { payment: existing, replayed: true };
        const sale = input.paymentId ? engine().payment(input.paymentId) : engine().byReference(input.reference!).find((p) => p.type === 'Sale' && p.status === 'approved');
        if (!sale) throw new AppError('NOT_FOUND', `No approved sale with reference "${input.reference}".`);
        const payment = engine().startMatchedRefund({ paymentId: sale.id, amount: input.amount, terminalId: input.terminalId ?? this.chosenTerminal(), ...(idempotencyKey ? { idempotencyKey } : {}) });
        this.announce(payment);
        return { payment, replayed: false };
      },
      requestUnlinkedRefund: (input) => {
        const request = this.requests.add({ amount: input.amount, currency: input.currency, ...(input.reference ? { reference: input.reference } : {}), ...(input.terminalId ? { terminalId: input.terminalId } : {}) });
        this.publishRequests();
        services.window?.bringToFront();
        return request;
      },
      refundRequest: (requestId) => this.requests.get(requestId),
      payment: (id) => engine().payment(id),
      nextChange: (id, ms) => engine().nextChange(id, ms),
      byReference: (reference) => engine().byReference(reference),
      cancel: (id) => engine().cancel(id),
      answerSignature: (id, accepted) => engine().answerSignature(id, accepted),
      xReport: () => services.reports().x(),
      closeDay: (tradingDay) => services.reports().closeDay({ tradingDay }),
      zReport: (number) => services.reports().z(number),
    };
  }

  private async terminalStatus(): Promise<Record<string, unknown> | null> {
    // Cached for a few seconds: /v1/health needs no token and must not become a way to hammer Dojo.
    const now = this.options.now();
    if (this.terminalCache && now - this.terminalCache.at < 5_000) return this.terminalCache.value;
    const id = this.services.settings.stored().terminals[this.services.environment()];
    let value: Record<string, unknown> | null = null;
    if (id) {
      try {
        const terminal = (await this.services.payments().listTerminals()).find((t) => t.id === id);
        value = terminal ? { id: terminal.id, tid: terminal.tid, status: terminal.status } : { id, tid: null, status: 'Unknown' };
      } catch {
        value = { id, tid: null, status: 'Unreachable' };
      }
    }
    this.terminalCache = { at: now, value };
    return value;
  }
}
