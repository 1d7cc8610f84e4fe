import type { Handlers } from './ipc/dispatcher';
import type { Services } from './services';

/** Channel -> service call. Validation and error mapping happen in the dispatcher, not here. */
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
    'terminals:list': async () => ({ terminals: await payments().listTerminals() }),
    'payment:startSale': (request) => payments().startSale(request),
    'payment:startMatchedRefund': (request) => payments().startMatchedRefund(request),
    'payment:startUnlinkedRefund': async ({ supervisorPin, ...request }) => {
      await services.settings.authoriseUnlinkedRefund(request.amount, supervisorPin);
      return payments().startUnlinkedRefund(request);
    },
    'payment:cancel': (request) => payments().cancel(request.paymentId),
    'payment:answerSignature': (request) => payments().answerSignature(request.paymentId, request.accepted),
    'payment:resolve': (request) => payments().resolve(request.paymentId, request.outcome, request.note),
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
    'settings:setApiKey': (request) => services.setApiKey(request.apiKey),
    'settings:clearApiKey': () => services.clearApiKey(),
    'settings:verifySupervisorPin': async (request) => ({ valid: await services.settings.checkPin(request.pin) }),
    'receipt:print': async (request) => {
      payments().payment(request.paymentId); // an unknown payment is NOT_FOUND, not a blank page
      return print();
    },
    'epos:info': () => services.epos.info(),
    'epos:regenerateToken': () => services.epos.regenerateToken(),
    'epos:listRefundRequests': () => ({ pending: services.epos.pendingRequests() }),
    'epos:confirmRefundRequest': (request) => services.epos.confirmRequest(request.requestId, request.supervisorPin, request.terminalId),
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
