import { AUDIT_ACTIONS } from '../shared/audit';
import type { Currency } from '../shared/money';
import { AppError } from './errors';
import type { Handlers } from './ipc/dispatcher';
import type { Services } from './services';
import { describeVirtualTerminal } from '../simulator';

/**
 * Channel -> service call. Validation and error mapping happen in the dispatcher, not here. Every
 * supervisor-protected action passes its PIN to the guard in main (`services.authority` / `services.refunds`):
 * nothing the renderer says is taken as proof.
 */
export function createHandlers(services: Services): Handlers {
  const payments = () => services.payments();
  /** Receipts and report slips print the same way: the system dialog in the app, the browser's print elsewhere. */
  const print = async () => {
    if (!services.window) return { method: 'browser' as const };
    await services.window.print();
    return { method: 'system' as const };
  };
  return {
    'app:info': () => services.appInfo(),
    'terminals:list': async () => {
      const terminals = await payments().listTerminals();
      // In training each virtual terminal says what it does, so a trainee can pick the case to practise.
      if (services.environment() !== 'training') return { terminals };
      return { terminals: terminals.map((t) => ({ ...t, note: t.tid ? describeVirtualTerminal(t.tid) : null })) };
    },
    'payment:startSale': (request) => payments().startSale(request),
    'payment:startMatchedRefund': ({ supervisorPin, ...request }) => {
      const sale = payments().payment(request.paymentId);
      return services.refunds.matched(supervisorPin, { amount: request.amount, currency: sale.currency as Currency, saleId: sale.id }, () => payments().startMatchedRefund(request));
    },
    'payment:startUnlinkedRefund': ({ supervisorPin, ...request }) =>
      services.refunds.unlinked(supervisorPin, { amount: request.amount, currency: request.currency }, () => payments().startUnlinkedRefund(request)),
    'payment:cancel': (request) => payments().cancel(request.paymentId),
    'payment:answerSignature': (request) => payments().answerSignature(request.paymentId, request.accepted),
    'payment:resolve': ({ supervisorPin, ...request }) =>
      services.authority.withSupervisor(
        supervisorPin,
        AUDIT_ACTIONS.paymentResolve,
        { summary: `Payment resolved by hand as ${request.outcome === 'approved' ? 'approved' : 'not charged'}`, subject: request.paymentId, detail: { outcome: request.outcome, note: request.note, by: request.by ?? null } },
        () => payments().resolve(request.paymentId, request.outcome, request.note, request.by ?? null),
      ),
    'payment:acknowledgeContradiction': ({ supervisorPin, ...request }) =>
      services.authority.withSupervisor(
        supervisorPin,
        AUDIT_ACTIONS.paymentContradictionAcknowledge,
        { summary: "Dojo's record contradicting a verdict acknowledged", subject: request.paymentId, detail: { note: request.note, by: request.by ?? null } },
        () => payments().acknowledgeContradiction(request.paymentId, request.note, request.by ?? null),
      ),
    'payment:get': (request) => payments().get(request.paymentId),
    'payment:listActive': () => ({ payments: payments().activeAndAttention() }),
    'history:list': (request) => payments().history(request),
    'history:totals': (request) => ({ rows: payments().totals(request.from, request.to) }),
    'history:exportCsv': (request) => ({
      filename: `till-history-${request.from ?? 'all'}${request.to ? `-to-${request.to}` : ''}.csv`,
      csv: payments().exportCsv(request),
    }),
    'settings:get': () => services.settingsView(),
    'settings:update': (request) => services.updateSettings(request),
    'settings:setApiKey': (request) => services.setApiKey(request.apiKey, request.supervisorPin),
    'settings:clearApiKey': (request) => services.clearApiKey(request.supervisorPin),
    'settings:acknowledgeJournal': (request) => services.acknowledgeJournal(request.supervisorPin),
    'settings:verifySupervisorPin': async (request) => ({ valid: await services.authority.verify(request.pin) }),
    'settings:setSupervisorPin': async (request) => {
      await services.authority.setPin(request);
      return services.settingsView();
    },
    'settings:updateLimits': async ({ supervisorPin, unlinkedRefund, daily }) => {
      await services.authority.setLimits(
        supervisorPin,
        (limits) => ({
          unlinkedRefund: { ...limits.unlinkedRefund, ...unlinkedRefund },
          daily: { count: daily?.count ?? limits.daily.count, amount: { ...limits.daily.amount, ...daily?.amount } },
        }),
        { ...prefixed('unlinkedRefund', unlinkedRefund), ...prefixed('daily', daily?.amount), ...(daily?.count ? { 'daily.count': daily.count } : {}) },
      );
      return services.settingsView();
    },
    'audit:list': (request) => services.audit.list(request),
    'receipt:print': async (request) => {
      payments().payment(request.paymentId); // an unknown payment is NOT_FOUND, not a blank page
      return print();
    },
    'epos:info': () => services.epos.info(),
    'epos:regenerateToken': (request) => services.epos.regenerateToken(request.supervisorPin),
    'epos:revealToken': (request) => services.epos.revealToken(request.supervisorPin),
    'epos:listRefundRequests': () => ({ pending: services.epos.pendingRequests() }),
    'epos:confirmRefundRequest': (request) => services.epos.confirmRequest(request),
    'epos:declineRefundRequest': (request) => {
      services.epos.declineRequest(request.requestId);
      return { declined: true as const };
    },
    'updates:status': () => services.updateStatus(),
    'updates:install': () => services.installUpdate(),
    'support:exportBundle': async () => {
      const { filename, zip } = await services.supportBundle();
      return { filename, base64: zip.toString('base64') };
    },
    'exchange:status': () => services.exchange.status(),
    'exchange:configure': (request) => services.exchange.configure(request),
    'exchange:resolveAttention': (request) => services.exchange.resolveAttention(request.requestId, request.note, request.supervisorPin),
    'startup:get': () => {
      const control = services.window?.startAtLogin;
      return { supported: !!control, enabled: control?.get() ?? false };
    },
    'startup:set': (request) => {
      const control = services.window?.startAtLogin;
      if (!control) throw new AppError('NOT_CONFIGURED', 'Starting with the computer is a setting of the installed app on Windows or macOS.');
      control.set(request.enabled);
      const enabled = control.get();
      // Not money, but it decides whether the EPOS finds the companion after a night-time restart: on record.
      services.audit.record({ action: 'startup.at_login', outcome: enabled === request.enabled ? 'ok' : 'failed', actor: 'cashier', subject: 'startAtLogin', summary: `Start with the computer turned ${request.enabled ? 'on' : 'off'}`, detail: { enabled } });
      return { supported: true, enabled };
    },
    'reports:x': (request) => services.reports().x(request?.tradingDay),
    'reports:closeDay': (request) => services.reports().closeDay(request),
    'reports:z': (request) => services.reports().z(request.number),
    'reports:list': (request) => services.reports().list(request.limit, request.offset),
    'reports:print': () => print(),
    'reconcile:run': (request) => services.reconciler().run(request.from, request.to),
    'reconcile:latest': (request) => ({ reconciliation: services.reconciler().latest(request.from, request.to) }),
    'reconcile:act': (request) => services.reconciler().act(request),
    'window:setCompact': (request) => {
      services.window?.setCompact(request.compact);
      return { applied: !!services.window };
    },
  };
}

/** `{ GBP: 500 }` under "unlinkedRefund" -> `{ "unlinkedRefund.GBP": 500 }`, for the audit's detail. */
function prefixed(prefix: string, values: Partial<Record<Currency, number>> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([currency, amount]) => [`${prefix}.${currency}`, amount]));
}
