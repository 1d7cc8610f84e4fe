import { randomBytes } from 'node:crypto';
import type { EposInfo, EposStatus, RefundRequestView } from '../../shared/epos';
import { RUNNING_STATUSES, type PaymentView } from '../../shared/payments';
import { formatMoney } from '../../shared/money';
import { AppError } from '../errors';
import type { Logger } from '../logging/logger';
import { SECRET_ACCOUNTS, type SecretStore } from '../secrets/secret-store';
import type { Environment } from '../../shared/app-info';
import type { EventBus } from '../events';
import type { ReportService } from '../reports/report-service';
import type { PaymentLookup, PaymentsPort } from '../payments/port';
import { describeEnvironment, requireReplayEnvironment } from './environment-rule';
import type { SettingsService } from '../settings/settings-service';
import type { AuditLog } from '../authority/audit';
import type { SupervisorAuthority } from '../authority/guard';
import type { RefundPolicy } from '../authority/refund-policy';
import { startEposApi, type EposApi, type EposBackend } from './epos-api';
import type { EposLimits } from './limits';
import { RefundRequests, type RefundRequest } from './refund-requests';
import { refundKey, requireSameUnlinkedAsk, saleKey, unlinkedKey } from './idempotency';
import { AUDIT_ACTIONS } from '../../shared/audit';
import type { Currency } from '../../shared/money';

export interface EposServiceOptions {
  secrets: SecretStore;
  logger: Logger;
  now: () => number;
  version: string;
  /** TILL_EPOS_PORT / TILL_EPOS_TOKEN (honoured in development, tests and the web harness). */
  overrides: { port?: number; token?: string };
  /** How long to wait before trying a port that was in use again (default 15 s; TILL_EPOS_RETRY_MS in development). */
  retryMs?: number;
  limits?: Partial<EposLimits>;
}

/** How long live terminal detail for /v1/health is reused: health probes never become a way to hammer Dojo. */
const HEALTH_CACHE_MS = 5_000;

/** What the cashier is told when the EPOS link cannot start (shown on the till screen and in Settings). */
export const EPOS_PROBLEMS = {
  portInUse: (port: number) =>
    `The EPOS link is off: another program is using port ${port}, so the EPOS cannot send card payments to this companion. Payments on this screen still work. Close that program or ask your reseller to choose another port; the companion keeps trying and connects by itself once the port is free.`,
  failed: 'The EPOS link could not start, so the EPOS cannot send card payments to this companion. Payments on this screen still work. Restart the companion; if this stays, contact your reseller.',
} as const;

/** What the EPOS integration needs from the rest of the app (and nothing more). */
export interface EposHost {
  /** The payment engine of the current environment. */
  payments(): PaymentsPort;
  /** End-of-day reports of the current environment (X, closing the day, a Z by number). */
  reports(): Pick<ReportService, 'x' | 'closeDay' | 'z'>;
  /** Look-ups across every environment's journal (an EPOS retry or search finds a payment wherever it is). */
  lookup: PaymentLookup;
  environment(): Environment;
  /** Why no payment can be taken (the till cannot use its Dojo key), or null. */
  unavailable(): { reason: string; instruction: string } | null;
  settings: Pick<SettingsService, 'stored'>;
  /** The supervisor guard: showing or replacing the token, confirming a refund request. */
  authority: Pick<SupervisorAuthority, 'withSupervisor'>;
  /** Refund limits, caps and the matched-refund threshold. */
  refunds: Pick<RefundPolicy, 'unlinked' | 'checkUnlinked' | 'matchedNeedsPin'>;
  audit: Pick<AuditLog, 'record'>;
  events: Pick<EventBus, 'emit'>;
  /** The desktop window, where there is one. */
  window: { bringToFront(): void } | undefined;
}

/** The EPOS integration: its bearer token (in the keychain), the loopback API, and refund requests to confirm. */
export class EposService {
  private api: EposApi | undefined;
  private token = '';
  private tokenStorage: EposInfo['tokenStorage'] = 'memory';
  private state: EposStatus['state'] = 'off';
  private error: string | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly requests: RefundRequests;
  private terminalCache: { at: number; value: Record<string, unknown> | null } | undefined;
  /** Payments this API started (recent ones): every other running payment is the cashier's own. */
  private readonly startedByEpos = new Set<string>();
  private terminalLookUp: Promise<Record<string, unknown> | null> | undefined;

  constructor(
    private readonly services: EposHost,
    private readonly options: EposServiceOptions,
  ) {
    this.requests = new RefundRequests(options.now);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.loadToken();
    if (!this.services.settings.stored().epos.enabled) return;
    await this.listen();
  }

  /** One attempt to listen; a port in use is retried until it is free (a squatter that leaves loses the port). */
  private async listen(): Promise<void> {
    const port = this.port();
    try {
      this.api = await startEposApi({ backend: this.backend(), token: () => this.token, port, logger: this.options.logger, now: this.options.now, ...(this.options.limits ? { limits: this.options.limits } : {}) });
      if (this.stopped) return void (await this.stop());
      this.setStatus('listening', null);
      this.options.logger.info('EPOS API listening', { url: this.api.url });
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      this.setStatus(inUse ? 'port_in_use' : 'failed', inUse ? EPOS_PROBLEMS.portInUse(port) : EPOS_PROBLEMS.failed);
      this.options.logger.error(inUse ? 'EPOS API could not listen: the port is in use by another program' : 'EPOS API could not listen', { port, reason: inUse ? 'EADDRINUSE' : String(error) });
      if (inUse && !this.stopped) {
        this.retryTimer = setTimeout(() => void this.listen(), this.options.retryMs ?? 15_000);
        this.retryTimer.unref?.();
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.api?.close();
    this.api = undefined;
  }

  get url(): string | null {
    return this.api?.url ?? null;
  }

  private port(): number {
    return this.api?.port ?? this.options.overrides.port ?? this.services.settings.stored().epos.port;
  }

  private setStatus(state: EposStatus['state'], error: string | null) {
    this.state = state;
    this.error = error;
    this.services.events.emit('epos:status', this.status());
  }

  status(): EposStatus {
    return { state: this.state, url: this.url, port: this.port(), error: this.error };
  }

  info(): EposInfo {
    return { ...this.status(), enabled: this.services.settings.stored().epos.enabled, tokenSet: !!this.token, tokenStorage: this.tokenStorage };
  }

  /** The token, for a supervisor to copy into the EPOS. */
  revealToken(supervisorPin: string | undefined): Promise<{ token: string }> {
    return this.services.authority.withSupervisor(supervisorPin, AUDIT_ACTIONS.eposTokenReveal, { summary: 'EPOS token shown', subject: 'eposToken' }, () => ({ token: this.token }));
  }

  /** A new token (supervisor only): the EPOS's old one stops working at once. */
  regenerateToken(supervisorPin: string | undefined): Promise<{ token: string }> {
    return this.services.authority.withSupervisor(supervisorPin, AUDIT_ACTIONS.eposTokenRotate, { summary: 'EPOS token replaced (the old one no longer works)', subject: 'eposToken' }, async () => {
      if (this.tokenStorage === 'environment') throw new AppError('CONFLICT', 'The EPOS token is set by TILL_EPOS_TOKEN for this run.');
      await this.storeToken(randomBytes(32).toString('base64url'));
      return { token: this.token };
    });
  }

  /** The key of the folder exchange's proof lines: the EPOS token, which the EPOS already holds (proof.ts). */
  proofKey(): string {
    return this.token;
  }

  /** Every secret this integration holds, for the log redactor. */
  secrets(): string[] {
    return this.token ? [this.token] : [];
  }

  pendingRequests(): RefundRequestView[] {
    return this.requests.pending().map((r) => ({
      requestId: r.requestId,
      kind: r.kind,
      amount: r.amount,
      currency: r.currency,
      reference: r.reference ?? null,
      saleId: r.saleId ?? null,
      terminalId: r.terminalId ?? this.services.settings.stored().terminals[this.services.environment()] ?? null,
      createdAt: new Date(r.createdAt).toISOString(),
    }));
  }

  /**
   * The supervisor confirms the request they were shown. The amount and currency on screen come with the PIN:
   * if they are not the request's, nothing starts (a request cannot be swapped under the supervisor's PIN).
   */
  async confirmRequest(input: { requestId: string; amount: number; currency: Currency; supervisorPin?: string | undefined; terminalId?: string | undefined }): Promise<PaymentView> {
    const request = this.requests.get(input.requestId);
    if (request.status !== 'awaiting_confirmation') throw new AppError('CONFLICT', 'That refund request was already answered.');
    if (request.amount !== input.amount || request.currency !== input.currency) {
      this.services.audit.record({ action: AUDIT_ACTIONS.refundRequestConfirm, outcome: 'refused', actor: 'cashier', subject: request.requestId, summary: 'Refund request: refused (the request confirmed is not the one shown)', detail: { amount: request.amount, currency: request.currency, shownAmount: input.amount, shownCurrency: input.currency } });
      throw new AppError('CONFLICT', 'The refund request changed while it was on screen. Check the amount and confirm again.');
    }
    this.requireRequestEnvironment(request);
    const start = (): PaymentView => {
      // Checked again now the PIN is in: a second confirmation of the same request must not start a second refund,
      // and a till that switched environment meanwhile must not start it in the new one.
      if (request.status !== 'awaiting_confirmation') throw new AppError('CONFLICT', 'That refund request was already answered.');
      this.requireRequestEnvironment(request);
      const terminalId = input.terminalId ?? request.terminalId ?? this.chosenTerminal();
      const payment =
        request.kind === 'matched'
          ? this.services.payments().startMatchedRefund({ paymentId: request.saleId!, amount: request.amount, terminalId, ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}) })
          : this.services.payments().startUnlinkedRefund({ amount: request.amount, currency: request.currency, terminalId, ...(request.reference ? { reference: request.reference } : {}), ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}) });
      this.requests.settle(request.requestId, { status: 'started', paymentId: payment.id });
      this.publishRequests();
      this.announce(payment);
      return payment;
    };
    const common = { amount: request.amount, currency: request.currency, subject: request.requestId, requestedBy: 'epos' as const, action: AUDIT_ACTIONS.refundRequestConfirm };
    return request.kind === 'matched'
      ? this.services.authority.withSupervisor(input.supervisorPin, AUDIT_ACTIONS.refundRequestConfirm, { summary: `EPOS matched refund request approved`, subject: request.requestId, requestedBy: 'epos', detail: { amount: request.amount, currency: request.currency, saleId: request.saleId ?? null } }, start)
      : this.services.refunds.unlinked(input.supervisorPin, common, start);
  }

  /**
   * A request is bound to the environment the till was in when the EPOS asked: a request made against training or
   * sandbox never becomes a refund elsewhere after a key change (nor the other way round). Refused and audited.
   */
  private requireRequestEnvironment(request: RefundRequest): void {
    const till = this.services.environment();
    if (request.environment === till) return;
    const message = `This refund request came from the EPOS while the till was in ${describeEnvironment(request.environment)}; the till is now in ${describeEnvironment(till)}. It was not started. Decline it and let the EPOS ask again.`;
    this.services.audit.record({ action: AUDIT_ACTIONS.refundRequestConfirm, outcome: 'refused', actor: 'cashier', subject: request.requestId, summary: `Refund request: refused (made in ${request.environment}, the till is now in ${till})`, detail: { amount: request.amount, currency: request.currency, environment: request.environment, tillEnvironment: till } });
    throw new AppError('ENVIRONMENT_MISMATCH', message);
  }

  declineRequest(requestId: string): void {
    const request = this.requests.settle(requestId, { status: 'declined' });
    this.services.audit.record({ action: AUDIT_ACTIONS.refundRequestDecline, outcome: 'ok', actor: 'cashier', subject: requestId, summary: 'EPOS refund request declined', detail: { kind: request.kind, amount: request.amount, currency: request.currency } });
    this.publishRequests();
  }

  private publishRequests() {
    this.services.events.emit('epos:refundRequests', { pending: this.pendingRequests() });
  }

  private chosenTerminal(): string {
    const terminal = this.services.settings.stored().terminals[this.services.environment()];
    if (!terminal) throw new AppError('NOT_CONFIGURED', 'No terminal is chosen on the companion. Choose one there, or name one in the request (terminalId over HTTP, terminal= in an exchange file).');
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

  /**
   * One payment on the cashier's screen at a time: while a payment the cashier started at the till is running
   * (on any terminal), a new EPOS payment is refused with 409 instead of pushing it off the screen. The EPOS
   * retries with the same Idempotency-Key once it has finished. Payments the EPOS started itself do not block it.
   */
  private refuseWhileCashierBusy(): void {
    const mine = this.services.payments().activeAndAttention().find((p) => RUNNING_STATUSES.includes(p.status) && !this.startedByEpos.has(p.id));
    if (mine) {
      throw new AppError('PAYMENT_IN_PROGRESS', `The cashier is taking a payment on the companion (${formatMoney(mine.amount, mine.currency)}, reference ${mine.reference}). Try again when it has finished.`);
    }
  }

  /** Shows a payment the EPOS started on the till screen, like a manual one. */
  private announce(payment: PaymentView) {
    this.startedByEpos.add(payment.id);
    if (this.startedByEpos.size > 200) this.startedByEpos.delete(this.startedByEpos.values().next().value!);
    this.services.events.emit('payment:started', { payment, source: 'epos' });
    this.services.window?.bringToFront();
  }

  /**
   * What every EPOS door (the HTTP API, the folder exchange) does: start sales and refunds with the same
   * idempotency, and ask for refunds the supervisor confirms with the PIN on the till. One engine path.
   */
  get operations(): EposBackend {
    return this.backend();
  }

  /** The payment an EPOS idempotency key already started, whatever its kind (sale, refund or unlinked refund). */
  replayed(key: string): PaymentView | undefined {
    const { lookup } = this.services;
    return lookup.findByIdempotencyKey(saleKey(key, this.options.now())) ?? lookup.findByIdempotencyKey(refundKey(key)) ?? lookup.findByIdempotencyKey(unlinkedKey(key));
  }

  /**
   * The unlinked refund request an EPOS key already made: still in the queue, or (after a restart) rebuilt from the
   * refund the journal has for the key. Only in the environment it was made in, and only for the same body.
   */
  private askedBefore(idempotencyKey: string, input: { amount: number; currency: Currency; reference?: string | undefined; terminalId?: string | undefined }): RefundRequest | undefined {
    const till = this.services.environment();
    const asked = this.requests.byIdempotencyKey(idempotencyKey);
    if (asked) {
      requireReplayEnvironment(till, { id: asked.requestId, environment: asked.environment });
      requireSameUnlinkedAsk(asked, input);
      return asked;
    }
    const payment = this.services.lookup.findByIdempotencyKey(idempotencyKey);
    if (!payment) return undefined;
    requireReplayEnvironment(till, payment);
    requireSameUnlinkedAsk({ ...payment, filledIn: true }, input);
    return this.requests.restoreStarted({
      kind: 'unlinked',
      amount: payment.amount,
      currency: payment.currency as Currency,
      reference: payment.reference,
      terminalId: payment.terminalId,
      environment: payment.environment as Environment,
      paymentId: payment.id,
      idempotencyKey,
      createdAt: Date.parse(payment.createdAt),
    });
  }

  private backend(): EposBackend {
    const services = this.services;
    const engine = () => services.payments();
    const lookup = services.lookup;
    /** The payment a key already started, answered only within the till's environment (environment-rule.ts). */
    const replay = (idempotencyKey: string | undefined) => {
      const existing = idempotencyKey ? lookup.findByIdempotencyKey(idempotencyKey) : undefined;
      if (existing) requireReplayEnvironment(services.environment(), existing);
      return existing;
    };
    return {
      environment: () => services.environment(),
      unavailable: () => services.unavailable(),
      health: async (detail) => {
        const environment = services.environment();
        const unavailable = services.unavailable();
        if (unavailable) return { status: 'unavailable', code: 'KEY_UNAVAILABLE', detail: `${unavailable.reason} ${unavailable.instruction}`, version: this.options.version, trainingMode: false, environment, ...(detail ? { terminal: null } : {}) };
        const basic = { status: 'ok', version: this.options.version, trainingMode: environment === 'training', environment };
        return detail ? { ...basic, terminal: await this.terminalStatus() } : basic;
      },
      terminals: () => engine().listTerminals(),
      startSale: (input, key, beforeStart) => {
        const idempotencyKey = saleKey(key, this.options.now());
        const existing = replay(idempotencyKey);
        if (existing) return { payment: existing, replayed: true };
        this.refuseWhileCashierBusy();
        beforeStart?.();
        const payment = engine().startSale({ ...input, terminalId: input.terminalId ?? this.chosenTerminal(), idempotencyKey });
        this.announce(payment);
        return { payment, replayed: false };
      },
      refund: (input, key, beforeStart) => {
        const idempotencyKey = key ? refundKey(key) : undefined;
        const existing = replay(idempotencyKey);
        if (existing) return { payment: existing, replayed: true };
        const asked = idempotencyKey ? this.requests.byIdempotencyKey(idempotencyKey) : undefined;
        if (asked) return { request: asked, replayed: true };
        beforeStart?.();
        const sale = input.paymentId ? lookup.payment(input.paymentId) : lookup.byReference(input.reference!).find((p) => p.type === 'Sale' && p.status === 'approved' && p.environment === services.environment());
        if (!sale) throw new AppError('NOT_FOUND', `No approved sale with reference "${input.reference}".`);
        const currency = sale.currency as Currency;
        const terminalId = input.terminalId ?? this.chosenTerminal();
        if (services.refunds.matchedNeedsPin(input.amount, currency, sale.id)) {
          // Above the threshold a supervisor approves it on the till, like an unlinked refund. What is left to
          // refund is checked now (a clear 400 at once) and again when it starts.
          engine().checkRefundable(sale.id, input.amount);
          const request = this.requests.add({ kind: 'matched', amount: input.amount, currency, reference: sale.reference, terminalId, saleId: sale.id, idempotencyKey, environment: services.environment() });
          this.publishRequests();
          services.window?.bringToFront();
          return { request, replayed: false };
        }
        this.refuseWhileCashierBusy();
        const payment = engine().startMatchedRefund({ paymentId: sale.id, amount: input.amount, terminalId, ...(idempotencyKey ? { idempotencyKey } : {}) });
        this.announce(payment);
        return { payment, replayed: false };
      },
      requestUnlinkedRefund: async (input, key, beforeStart) => {
        // The same key is the same request, waiting, declined or started (then with its refund), even across a
        // restart of the companion: never a second request for the supervisor, never a second refund.
        const idempotencyKey = key ? unlinkedKey(key) : undefined;
        const earlier = idempotencyKey ? this.askedBefore(idempotencyKey, input) : undefined;
        if (earlier) return { request: earlier, replayed: true };
        beforeStart?.();
        // Over a limit or today's cap: refused at once, not put in front of the supervisor.
        await services.refunds.checkUnlinked(input.amount, input.currency, 'epos');
        // A retry that came in while the limits were checked is answered with the request made meanwhile.
        const meanwhile = idempotencyKey ? this.askedBefore(idempotencyKey, input) : undefined;
        if (meanwhile) return { request: meanwhile, replayed: true };
        const request = this.requests.add({ kind: 'unlinked', amount: input.amount, currency: input.currency, reference: input.reference, terminalId: input.terminalId, idempotencyKey, environment: services.environment() });
        this.publishRequests();
        services.window?.bringToFront();
        return { request, replayed: false };
      },
      refundRequest: (requestId) => this.requests.get(requestId),
      payment: (id) => lookup.payment(id),
      // A payment in another environment's journal does not change here: answered as it is.
      nextChange: async (id, ms) => engine().nextChange(id, ms).catch(() => lookup.payment(id)),
      byReference: (reference) => lookup.byReference(reference),
      cancel: (id) => engine().cancel(id),
      answerSignature: (id, accepted) => engine().answerSignature(id, accepted),
      xReport: () => services.reports().x(),
      closeDay: (tradingDay) => services.reports().closeDay({ tradingDay }, 'epos'),
      zReport: (number) => services.reports().z(number),
    };
  }

  /** The chosen terminal as Dojo last said: one look-up in flight at a time, then reused for a few seconds. */
  private async terminalStatus(): Promise<Record<string, unknown> | null> {
    if (this.terminalCache && this.options.now() - this.terminalCache.at < HEALTH_CACHE_MS) return this.terminalCache.value;
    this.terminalLookUp ??= this.lookUpTerminal().finally(() => (this.terminalLookUp = undefined));
    return this.terminalLookUp;
  }

  private async lookUpTerminal(): Promise<Record<string, unknown> | null> {
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
    this.terminalCache = { at: this.options.now(), value };
    return value;
  }
}

