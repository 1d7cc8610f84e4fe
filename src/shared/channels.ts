/**
 * The names the renderer calls, paired with their IPC channels. Kept free of zod so the sandboxed preload
 * (one small CommonJS file) can import it; `contract.ts` holds the schemas for the same channels.
 */
export const METHOD_CHANNELS = {
  getAppInfo: 'app:info',
  listTerminals: 'terminals:list',
  startSale: 'payment:startSale',
  startMatchedRefund: 'payment:startMatchedRefund',
  startUnlinkedRefund: 'payment:startUnlinkedRefund',
  cancelPayment: 'payment:cancel',
  answerSignature: 'payment:answerSignature',
  resolvePayment: 'payment:resolve',
  acknowledgeContradiction: 'payment:acknowledgeContradiction',
  getPayment: 'payment:get',
  listActivePayments: 'payment:listActive',
  listHistory: 'history:list',
  getTotals: 'history:totals',
  exportHistoryCsv: 'history:exportCsv',
  getSettings: 'settings:get',
  updateSettings: 'settings:update',
  setApiKey: 'settings:setApiKey',
  clearApiKey: 'settings:clearApiKey',
  verifySupervisorPin: 'settings:verifySupervisorPin',
  printReceipt: 'receipt:print',
  setCompactWindow: 'window:setCompact',
  getStartAtLogin: 'startup:get',
  setStartAtLogin: 'startup:set',
  getEposInfo: 'epos:info',
  regenerateEposToken: 'epos:regenerateToken',
  listRefundRequests: 'epos:listRefundRequests',
  confirmRefundRequest: 'epos:confirmRefundRequest',
  declineRefundRequest: 'epos:declineRefundRequest',
  getUpdateStatus: 'updates:status',
  installUpdate: 'updates:install',
  exportSupportBundle: 'support:exportBundle',
  setSupervisorPin: 'settings:setSupervisorPin',
  updateLimits: 'settings:updateLimits',
  acknowledgeJournal: 'settings:acknowledgeJournal',
  revealEposToken: 'epos:revealToken',
  listAudit: 'audit:list',
  getExchangeStatus: 'exchange:status',
  configureExchange: 'exchange:configure',
  resolveExchangeAttention: 'exchange:resolveAttention',
  getXReport: 'reports:x',
  closeDay: 'reports:closeDay',
  getZReport: 'reports:z',
  listZReports: 'reports:list',
  printReport: 'reports:print',
  reconcile: 'reconcile:run',
  getReconciliation: 'reconcile:latest',
  actOnException: 'reconcile:act',
} as const;

/** Push events: the renderer subscribes with these names and gets back an unsubscribe function. */
export const EVENT_CHANNELS = {
  onPaymentUpdate: 'payment:update',
  /** A payment the EPOS started: the window comes forward and shows it like a manual sale. */
  onPaymentStarted: 'payment:started',
  /** Unlinked refunds the EPOS asked for, waiting for the cashier's confirmation with the supervisor PIN. */
  onRefundRequests: 'epos:refundRequests',
  /** The EPOS API started, stopped or could not listen (e.g. another program holds its port). */
  onEposStatus: 'epos:status',
  /** The folder exchange's state: folder, counts, and payments the EPOS never committed. */
  onExchangeUpdate: 'exchange:update',
  /** The in-app updater's state, pushed as it changes (Settings → About). */
  onUpdateStatus: 'updates:changed',
} as const;

export type MethodName = keyof typeof METHOD_CHANNELS;
export type Channel = (typeof METHOD_CHANNELS)[MethodName];
export type EventName = keyof typeof EVENT_CHANNELS;
export type EventChannel = (typeof EVENT_CHANNELS)[EventName];

export const METHOD_NAMES = Object.keys(METHOD_CHANNELS) as MethodName[];
export const EVENT_NAMES = Object.keys(EVENT_CHANNELS) as EventName[];
/** Every key `window.till` has, in a stable order: tests compare the exposed bridge with this. */
export const TILL_API_KEYS: readonly string[] = [...METHOD_NAMES, ...EVENT_NAMES].sort();
