import { create } from 'zustand';
import type { IpcError } from '../../shared/errors';
import type { PaymentView } from '../../shared/payments';
import type { SlipWidth } from '../../shared/report-slip';
import type { ExceptionActionRequest, Reconciliation, Report, ZSummary } from '../../shared/reports';
import { till } from '../bridge';

interface ReportsState {
  /** The report on screen: the X (now) or a stored Z. */
  report?: Report;
  showing: 'x' | number;
  /** The Z on screen was just made (its first print is not a reprint). */
  fresh: boolean;
  zList: ZSummary[];
  zTotal: number;
  width: SlipWidth;
  reconciliation: Reconciliation | null;
  reconciling: boolean;
  error?: IpcError;
  loadX(): Promise<void>;
  openZ(number: number): Promise<void>;
  loadZList(): Promise<void>;
  /** Closes the trading day; the new (or existing) Z is shown. Returns the refusal, if any. */
  closeDay(supervisorPin?: string): Promise<IpcError | undefined>;
  setWidth(width: SlipWidth): void;
  reconcile(from: string, to: string): Promise<void>;
  loadReconciliation(from: string, to: string): Promise<void>;
  act(request: ExceptionActionRequest): Promise<{ error?: IpcError; payment?: PaymentView | null }>;
}

export const useReportsStore = create<ReportsState>((set, get) => ({
  showing: 'x',
  fresh: false,
  zList: [],
  zTotal: 0,
  width: 80,
  reconciliation: null,
  reconciling: false,
  async loadX() {
    const result = await till().getXReport();
    set(result.ok ? { report: result.data, showing: 'x', fresh: false, error: undefined } : { error: result.error });
  },
  async openZ(number) {
    const result = await till().getZReport({ number });
    set(result.ok ? { report: result.data, showing: number, fresh: false, error: undefined } : { error: result.error });
  },
  async loadZList() {
    const result = await till().listZReports({ limit: 20, offset: 0 });
    if (result.ok) set({ zList: result.data.items, zTotal: result.data.total });
  },
  async closeDay(supervisorPin) {
    const result = await till().closeDay(supervisorPin ? { supervisorPin } : {});
    if (!result.ok) return result.error;
    set({ report: result.data.report, showing: result.data.report.number ?? 'x', fresh: result.data.created, error: undefined });
    await get().loadZList();
    return undefined;
  },
  setWidth: (width) => set({ width }),
  async reconcile(from, to) {
    set({ reconciling: true });
    const result = await till().reconcile({ from, to });
    set(result.ok ? { reconciliation: result.data, reconciling: false, error: undefined } : { reconciling: false, error: result.error });
  },
  async loadReconciliation(from, to) {
    const result = await till().getReconciliation({ from, to });
    if (result.ok) set({ reconciliation: result.data.reconciliation });
  },
  async act(request) {
    const result = await till().actOnException(request);
    if (!result.ok) return { error: result.error };
    set({ reconciliation: result.data.reconciliation });
    return { payment: result.data.payment };
  },
}));
